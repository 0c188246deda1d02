package parser_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/streamctx"
)

// ollamaLines joins objects into an NDJSON body. Hand-made test input, not
// a capture.
func ollamaLines(objs ...string) string { return strings.Join(objs, "\n") + "\n" }

func ollamaChat(msg string) string {
	return `{"model":"qwen3:8b","created_at":"2026-01-02T03:04:05.1Z","message":{"role":"assistant",` + msg + `},"done":false}`
}

const ollamaDone = `{"model":"qwen3:8b","created_at":"2026-01-02T03:04:06Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":2000000000,"load_duration":500000,"prompt_eval_count":12,"prompt_eval_cached_count":8,"prompt_eval_duration":100000000,"eval_count":30,"eval_duration":1500000000}`

// TestOllama covers what the captures in testdata/captures/ollama do not:
// hand-made streams.
func TestOllama(t *testing.T) {
	t.Parallel()
	t.Run("chat_thinking_and_tool_calls", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaLines(
			ollamaChat(`"content":"","thinking":"Need the weather."`),
			ollamaChat(`"content":"","tool_calls":[{"id":"call_a1","function":{"index":0,"name":"get_weather","arguments":{"city": "Paris"}}},{"function":{"name":"get_time","arguments":{}}}]`),
			ollamaChat(`"content":"","tool_calls":[{"function":{"name":"get_date"}}]`),
			ollamaDone,
		), "")
		assert.Equal(t, "ollama", s.Format)
		assert.Equal(t, "qwen3:8b", *s.Model)
		assert.Equal(t, "Need the weather.", s.Thinking)
		assert.Equal(t, []streamctx.ToolCallSnapshot{
			{ID: "call_a1", Name: "get_weather", Arguments: `{"city":"Paris"}`},
			{Name: "get_time", Arguments: "{}"},
			{Name: "get_date", Arguments: "{}"},
		}, s.ToolCalls)
		assert.True(t, s.Complete)
		assert.Equal(t, streamctx.StatusOK, s.Status)
		assert.Equal(t, int64(12), s.InputTokens)
		assert.Equal(t, int64(30), s.OutputTokens)
		assert.Equal(t, int64(8), s.CachedTokens)
		assert.Equal(t, int64(12), s.TotalInputTokens, "prompt_eval_count holds the cached tokens")
		p := s.Latency.Provider
		require.NotNil(t, p)
		assert.InDelta(t, 2000.0, *p.TotalMs, 1e-9)
		assert.InDelta(t, 0.5, *p.LoadMs, 1e-9)
		assert.InDelta(t, 100.0, *p.PromptMs, 1e-9)
		assert.InDelta(t, 1500.0, *p.GenerationMs, 1e-9)
		assert.InDelta(t, 20.0, *p.OutputTokensPerS, 1e-9)
		assert.Nil(t, p.QueueMs)
		assert.Empty(t, s.Warnings)
	})
	t.Run("error_line_midstream", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaLines(ollamaChat(`"content":"Hi"`), `{"error":"an error was encountered while running the model: unexpected EOF"}`), "")
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		assert.Equal(t, "error", *s.ErrorType)
		assert.Equal(t, "an error was encountered while running the model: unexpected EOF", *s.ErrorMessage)
		assert.Equal(t, "Hi", s.Text)
		assert.Empty(t, s.Warnings, "failed, so not also cut off")
	})
	t.Run("error_lines_only", func(t *testing.T) {
		t.Parallel()
		// No line tells the format: NDJSON is Ollama's.
		s := mustSummarize(t, "HTTP/1.1 404 Not Found\r\nContent-Type: application/x-ndjson\r\n\r\n{\"error\":\"model 'x' not found\"}\n", "")
		assert.Equal(t, "ollama", s.Format)
		assert.Equal(t, "model 'x' not found", *s.ErrorMessage)
		assert.Equal(t, 404, *s.StatusCode)
	})
	t.Run("cut_off", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaLines(ollamaChat(`"content":"Hi"`), ollamaChat(`"content":" there"`)), "")
		assert.False(t, s.Complete)
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		assert.Equal(t, []string{`the stream ended without a "done": true line: it was cut off`}, s.Warnings)
	})
	t.Run("last_line_without_lf", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaChat(`"content":"Hi"`)+"\n"+ollamaDone, "")
		assert.True(t, s.Complete)
		assert.Equal(t, []string{"line 2: the input ended inside this line (no newline after it); it was read anyway"}, s.Warnings, "NDJSON ends a line with LF, not a blank line")
	})
	t.Run("done_reason_length", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaLines(`{"model":"m","created_at":"x","response":"a","done":false}`, `{"model":"m","created_at":"x","response":"","done":true,"done_reason":"length","eval_count":1}`), "")
		assert.Equal(t, "length", *s.StopReason)
		assert.Equal(t, []string{"line 2: the response is incomplete: length"}, s.Warnings)
	})
	t.Run("numbers_out_of_range", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaLines(`{"model":"m","created_at":"x","response":"a","done":false}`,
			`{"model":"m","created_at":"x","response":"","done":true,"total_duration":-5,"load_duration":1e300,"prompt_eval_duration":1.5,"eval_duration":0,"prompt_eval_count":-1,"eval_count":2.5}`), "")
		assert.Equal(t, []string{
			"line 2: prompt_eval_count -1 is not a count of tokens: left out",
			"line 2: eval_count 2.5 is not a count of tokens: left out",
			"line 2: total_duration -5 is not a duration in nanoseconds: left out",
			"line 2: load_duration 1e+300 is not a duration in nanoseconds: left out",
			"line 2: prompt_eval_duration 1.5 is not a duration in nanoseconds: left out",
		}, s.Warnings)
		assert.Equal(t, "none", s.UsageSource)
		p := s.Latency.Provider
		require.NotNil(t, p)
		assert.InDelta(t, 0.0, *p.GenerationMs, 0)
		assert.Nil(t, p.OutputTokensPerS, "no rate from a zero duration")
		assert.Nil(t, p.TotalMs)
	})
	t.Run("think_tag_split_over_fragments", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaLines(
			`{"model":"m","created_at":"x","response":"\n<th","done":false}`,
			`{"model":"m","created_at":"x","response":"ink>hm</think>ok","done":false}`,
			`{"model":"m","created_at":"x","response":"","done":true}`), "")
		assert.Equal(t, "\n<think>hm</think>ok", s.Text, "left whole")
		assert.Empty(t, s.Thinking)
		require.Len(t, s.Warnings, 1)
		assert.Contains(t, s.Warnings[0], "line 2: the text starts with <think>")
	})
	t.Run("think_tag_not_at_the_start", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaLines(
			`{"model":"m","created_at":"x","response":"<b>","done":false}`,
			`{"model":"m","created_at":"x","response":"<think>","done":false}`,
			`{"model":"m","created_at":"x","response":"","done":true}`), "")
		assert.Empty(t, s.Warnings)
	})
	t.Run("content_type_single_line", func(t *testing.T) {
		t.Parallel()
		// One line, but the header says NDJSON: a stream of one object,
		// not a JSON body.
		s := mustSummarize(t, "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n\r\n"+ollamaDone+"\n", "")
		assert.Equal(t, "ollama", s.Format)
		assert.True(t, s.Complete)
		assert.Empty(t, s.Warnings)
	})
	t.Run("single_object_body", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaDone, "")
		assert.Equal(t, "ollama", s.Format)
		assert.Equal(t, []string{"not SSE: the body is a single JSON object; it was read as one event"}, s.Warnings)
	})
	t.Run("bad_line", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, ollamaLines(ollamaChat(`"content":"a"`), `{"done":false,"message":{"content":7}}`, "not json", ollamaDone), "")
		assert.Equal(t, 2, s.BadEvents)
		assert.Equal(t, []string{
			"line 2: line: message.content is a JSON number, not a string",
			"line 3: line: invalid character 'o' in literal null (expecting 'u')",
		}, s.Warnings)
	})
	t.Run("forced_on_sse", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, "data: {\"choices\":[]}\n\n", "ollama")
		assert.Equal(t, "ollama", s.Format)
		assert.Contains(t, s.Warnings, "this does not look like an ollama stream: line 1 is an openai-chat event; parsed as ollama as --format asked")
	})
}

// FuzzOllama replays arbitrary bytes with the ollama format forced: no
// panic, Replay returns and its summary marshals.
func FuzzOllama(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(capturesDir, "ollama", "*.ndjson"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(f, err)
		if len(b) > 2*chatFuzzSeedMax {
			f.Add(b[:chatFuzzSeedMax])
			f.Add(b[len(b)-chatFuzzSeedMax:])
			continue
		}
		f.Add(b)
	}
	f.Add([]byte(ollamaLines(ollamaChat(`"tool_calls":[{"function":{"arguments":"x"}}]`), `{"error":{"message":"m"}}`, ollamaDone)))
	f.Fuzz(func(t *testing.T, data []byte) { replaysAndMarshals(t, data, "ollama") })
}

// TestOllamaRateRange: the decode rate from eval_count / eval_duration is
// left out, with one warning, when it cannot be right (eval_duration under
// a microsecond, or over a million tokens a second); generation_ms stays
// as the server gave it. Hand-made final lines.
func TestOllamaRateRange(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		count, dur string
		rate       float64 // -1: left out
		warn       string
	}{
		{"plausible", "30", "1500000000", 20, ""},
		{"fast_but_possible", "1", "2000", 500000, ""},
		{"one_nanosecond", "1", "1", -1, "line 2: eval_count 1 in eval_duration 1 ns is 1e+09 tokens/s, which cannot be right: output_tokens_per_s left out"},
		{"no_token_in_one_nanosecond", "0", "1", -1, "line 2: eval_count 0 in eval_duration 1 ns is 0 tokens/s, which cannot be right: output_tokens_per_s left out"},
		{"under_a_microsecond", "1", "999", -1, "line 2: eval_count 1 in eval_duration 999 ns is 1.001e+06 tokens/s, which cannot be right"},
		{"over_a_million_per_second", "5000", "4000000", -1, "line 2: eval_count 5000 in eval_duration 4000000 ns is 1.25e+06 tokens/s, which cannot be right"},
		{"zero_duration", "3", "0", -1, ""},
	} {
		s := mustSummarize(t, ollamaLines(`{"model":"m","created_at":"x","response":"a","done":false}`,
			`{"model":"m","created_at":"x","response":"","done":true,"eval_count":`+tc.count+`,"eval_duration":`+tc.dur+`}`), "")
		p := s.Latency.Provider
		require.NotNil(t, p, tc.name)
		require.NotNil(t, p.GenerationMs, tc.name)
		d, err := strconv.ParseFloat(tc.dur, 64)
		require.NoError(t, err)
		assert.InDelta(t, d/1e6, *p.GenerationMs, 1e-12, "%s: generation_ms as given", tc.name)
		if tc.rate < 0 {
			assert.Nil(t, p.OutputTokensPerS, tc.name)
		} else if assert.NotNil(t, p.OutputTokensPerS, tc.name) {
			assert.InDelta(t, tc.rate, *p.OutputTokensPerS, 1e-6, tc.name)
		}
		if tc.warn == "" {
			assert.Empty(t, s.Warnings, tc.name)
		} else if assert.Len(t, s.Warnings, 1, tc.name) {
			assert.Contains(t, s.Warnings[0], tc.warn, tc.name)
		}
	}
}
