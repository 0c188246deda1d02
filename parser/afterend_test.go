package parser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

const afterEndWarning = "data after the end of the stream"

// afterEnd returns the warnings of s that are about data after the end.
func afterEnd(ws []string) []string {
	var got []string
	for _, w := range ws {
		if strings.Contains(w, afterEndWarning) {
			got = append(got, w)
		}
	}
	return got
}

// TestDataAfterTheEndIsWarnedInEveryFormat: two captures concatenated
// (cat a.sse a.sse) are read, and every format warns, once, at the first
// event after its normal end ([DONE], message_stop, a finishReason,
// response.completed). The real captures alone carry no such warning.
func TestDataAfterTheEndIsWarnedInEveryFormat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ capture, format string }{
		{"openai/chat-text-include-usage.sse", "openai-chat"},
		{"openai/responses-text.sse", "openai-responses"},
		{"openrouter/responses-no-event-lines.sse", "openai-responses"}, // [DONE] after response.completed is not "after the end"
		{"anthropic/text.sse", "anthropic"},
		{"anthropic/compaction-cache-read.sse", "anthropic"},
		{"gemini/thoughts.sse", "gemini"},
		{"gemini/text-crlf.sse", "gemini"},
		{"vertex-ai/flex-tier-thoughts.sse", "gemini"},
		// Chat without [DONE]: its end is the finish_reason, and what adds
		// to the answer after it is after the end (softEnder).
		{"perplexity/chat-citations-search-results-cost.sse", "openai-chat"},
		{"azure-openai/chat-prompt-filter-results.sse", "openai-chat"},
		{"openai/chat-moderation-chunk-after-usage.sse", "openai-chat"},
	} {
		t.Run(c.capture, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("..", "testdata", "captures", c.capture))
			require.NoError(t, err)
			one := mustSummarize(t, string(b), "")
			require.True(t, one.Complete, "the capture reaches its end")
			assert.Empty(t, afterEnd(one.Warnings), "a capture alone")

			two := mustSummarize(t, string(b)+string(b), "")
			assert.Equal(t, c.format, two.Format)
			got := afterEnd(two.Warnings)
			require.Len(t, got, 1, "warned once: %v", two.Warnings)
			assert.Regexp(t, `^line \d+: data after the end of the stream \(line \d+\) was read anyway: two streams concatenated\?$`, got[0])
		})
	}
}

// TestChunksAfterTheFinishReasonThatAddNothing: after the finish_reason of
// a chat stream without [DONE], a usage chunk or a chunk with an empty
// delta is part of the stream, not data after its end.
func TestChunksAfterTheFinishReasonThatAddNothing(t *testing.T) {
	t.Parallel()
	chunk := func(body string) string {
		return `data: {"id":"c","object":"chat.completion.chunk","model":"m",` + body + "}\n\n"
	}
	in := chunk(`"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]`) +
		chunk(`"choices":[{"index":0,"delta":{"content":""}}]`) +
		chunk(`"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}`)
	s := mustSummarize(t, in, "")
	assert.Empty(t, afterEnd(s.Warnings))
	assert.Equal(t, "Hi", s.Text)

	s = mustSummarize(t, in+chunk(`"choices":[{"index":0,"delta":{"content":" again"}}]`), "")
	assert.Equal(t, []string{"line 7: data after the end of the stream (line 1) was read anyway: two streams concatenated?"}, afterEnd(s.Warnings))
}

// TestDataAfterTheEndThatAddsNothing: the cases the warning missed, where
// what comes after the end adds no content. A stream that starts over
// (its first event again, byte for byte: cat a.sse a.sse) is after the
// end, trailer or not; so is a Gemini chunk without parts that finishes
// candidate 0 again (another answer's end). Hand-made inputs but for the
// Vertex capture, doubled.
func TestDataAfterTheEndThatAddsNothing(t *testing.T) {
	t.Parallel()
	vertex, err := os.ReadFile(filepath.Join("..", "testdata", "captures", "vertex-ai", "malformed-function-call.sse"))
	require.NoError(t, err)
	chat := func(body string) string {
		return `data: {"id":"c","object":"chat.completion.chunk","model":"m",` + body + "}\n\n"
	}
	// A chat answer with no content (a content filter stopped it), no [DONE].
	emptyChat := chat(`"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]`) +
		chat(`"choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]`) +
		chat(`"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":0}`)
	gemini := func(body string) string {
		return `data: {"candidates":[` + body + `],"responseId":"r"}` + "\n\n"
	}
	usage := `data: {"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1},"responseId":"r"}` + "\n\n"
	for _, tc := range []struct {
		name, in string
		want     []string // the after-the-end warnings
	}{
		{"vertex_malformed_function_call_doubled", string(vertex) + string(vertex),
			[]string{"line 3: data after the end of the stream (line 1) was read anyway: two streams concatenated?"}},
		{"chat_without_done_no_content_doubled", emptyChat + emptyChat,
			[]string{"line 7: data after the end of the stream (line 3) was read anyway: two streams concatenated?"}},
		{"chat_without_done_no_content", emptyChat, nil},
		{"gemini_finish_again_without_parts",
			gemini(`{"content":{"parts":[{"text":"Hi"}]},"finishReason":"STOP"}`) + gemini(`{"finishReason":"STOP"}`),
			[]string{"line 3: data after the end of the stream (line 1) was read anyway: two streams concatenated?"}},
		{"gemini_usage_trailer", gemini(`{"content":{"parts":[{"text":"Hi"}]},"finishReason":"STOP"}`) + usage, nil},
		{"gemini_finish_unspecified_trailer", gemini(`{"content":{"parts":[{"text":"Hi"}]},"finishReason":"STOP"}`) +
			gemini(`{"finishReason":"FINISH_REASON_UNSPECIFIED"}`), nil},
		{"gemini_other_candidate_finishes", gemini(`{"index":0,"content":{"parts":[{"text":"Hi"}]},"finishReason":"STOP"}`) +
			gemini(`{"index":1,"finishReason":"STOP"}`), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mustSummarize(t, tc.in, "")
			assert.Equal(t, tc.want, afterEnd(s.Warnings), "%v", s.Warnings)
		})
	}
}

// TestEventsRunTogether: a capture without its final newline (or blank
// line) and another after it (cat a.sse b.sse) make one event of a's last
// and b's first, undecodable; the warning says that two events ran
// together, as the end of a is lost in it and data after the end cannot
// be told. Inputs: real captures cut and doubled, and hand-made rows.
func TestEventsRunTogether(t *testing.T) {
	t.Parallel()
	const warning = "two events ran together in this one (no line break or blank line between them): two captures concatenated, the first without a final newline?"
	joined := func(ws []string) []string {
		var got []string
		for _, w := range ws {
			if strings.Contains(w, "ran together") {
				got = append(got, w)
			}
		}
		return got
	}
	chunk := `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}` + "\n\n"
	cut := func(name, end string) string {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "captures", name))
		require.NoError(t, err)
		one := strings.TrimRight(string(b), "\r\n")
		return one + end + one + "\n\n"
	}
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"chat_done_no_newline", cut("openai/chat-text-include-usage.sse", ""), []string{"line 23: " + warning}},
		{"chat_done_one_newline", cut("openai/chat-text-include-usage.sse", "\n"), []string{"line 23: " + warning}},
		{"anthropic_no_newline", cut("anthropic/text.sse", ""), []string{"line 28: " + warning}},
		{"anthropic_one_newline", cut("anthropic/text.sse", "\n"), []string{"line 28: " + warning}},
		{"gemini_crlf_no_newline", cut("gemini/text-crlf.sse", ""), []string{"line 5: " + warning}},
		{"responses_one_newline", cut("openai/responses-text.sse", "\n"), []string{"line 25: " + warning}},
		{"whole_captures_doubled", cut("anthropic/text.sse", "\n\n"), nil},
		{"bad_json", chunk + "data: {\"choices\":[}\n\n", nil},
		{"json_then_junk", chunk + "data: {\"choices\":[]} and more\n\n", nil},
		{"json_then_junk_line", chunk + "data: {\"choices\":[]}\ndata: junk\n\n", nil},
		{"hand_made_done_run_on", chunk + "data: [DONE]data: {}\n\n", []string{"line 3: " + warning}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mustSummarize(t, tc.in, "")
			assert.Equal(t, tc.want, joined(s.Warnings), "%v", s.Warnings)
		})
	}
}

// TestDataAfterASoftEndWithoutText: content after a chat stream's
// finish_reason (no [DONE], its usage chunk never came) is warned about
// whether the text is kept or not (FuzzReplay found the two-line summary
// silent where --json warned). Hand-made events.
func TestDataAfterASoftEndWithoutText(t *testing.T) {
	t.Parallel()
	chat := func(choices string) string {
		return `data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[` + choices + `],"usage":null}` + "\n\n"
	}
	in := chat(`{"index":0,"delta":{"content":"Hi"},"finish_reason":null}`) +
		chat(`{"index":0,"delta":{},"finish_reason":"stop"}`) +
		chat(`{"index":0,"delta":{"content":" again"},"finish_reason":null}`)
	for _, collect := range []bool{true, false} {
		sc := streamctx.New(streamctx.Options{CollectText: collect})
		res, err := parser.Replay(strings.NewReader(in), sc, parser.Options{})
		require.NoError(t, err)
		s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
		assert.Equal(t, []string{"line 5: data after the end of the stream (line 3) was read anyway: two streams concatenated?"},
			afterEnd(s.Warnings), "text kept: %v", collect)
	}
}
