package parser_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/streamctx"
)

// cohereSSE frames each payload as a Cohere event: `event: <type>` (the
// payload's type, as the API sends it) and `data: <payload>`. Hand-made
// test input, not a capture.
func cohereSSE(payloads ...string) string {
	var b strings.Builder
	for _, p := range payloads {
		typ := "unknown"
		if i := strings.Index(p, `"type":"`); i >= 0 {
			typ = p[i+8:]
			typ = typ[:strings.IndexByte(typ, '"')]
		}
		fmt.Fprintf(&b, "event: %s\ndata: %s\n\n", typ, p)
	}
	return b.String()
}

const (
	cohereStart = `{"id":"u-1","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}`
	cohereText  = `{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}`
)

func cohereDelta(text string) string {
	return `{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"` + text + `"}}}}`
}

func cohereEnd(delta string) string {
	return `{"type":"message-end","delta":` + delta + `}`
}

// TestCohere covers what the captures in testdata/captures/cohere do not:
// hand-made streams.
func TestCohere(t *testing.T) {
	t.Parallel()
	t.Run("max_tokens_is_a_cut_off_answer", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, cohereSSE(cohereStart, cohereText, cohereDelta("Hel"),
			cohereEnd(`{"finish_reason":"MAX_TOKENS","usage":{"billed_units":{"input_tokens":3,"output_tokens":1},"tokens":{"input_tokens":70,"output_tokens":1}}}`)), "")
		assert.Equal(t, "cohere", s.Format)
		assert.True(t, s.Complete)
		assert.Equal(t, streamctx.StatusOK, s.Status)
		assert.Equal(t, "MAX_TOKENS", *s.StopReason)
		assert.Equal(t, []string{"line 10: the response is incomplete: MAX_TOKENS"}, s.Warnings)
		assert.Equal(t, int64(70), s.InputTokens)
		assert.Equal(t, int64(1), s.OutputTokens)
	})
	t.Run("error_in_message_end", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, cohereSSE(cohereStart, cohereText, cohereDelta("a"),
			cohereEnd(`{"error":"internal server error","finish_reason":"ERROR"}`)), "")
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		assert.Equal(t, "error", *s.ErrorType)
		assert.Equal(t, "internal server error", *s.ErrorMessage)
		assert.Equal(t, "ERROR", *s.StopReason)
	})
	t.Run("finish_reason_error_without_message", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, cohereSSE(cohereStart, cohereEnd(`{"finish_reason":"ERROR"}`)), "")
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		assert.Equal(t, "finish_reason ERROR (no error message)", *s.ErrorMessage)
	})
	t.Run("billed_units_without_tokens", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, cohereSSE(cohereStart, cohereEnd(`{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":7,"output_tokens":21,"search_units":1}}}`)), "")
		assert.Equal(t, int64(7), s.InputTokens)
		assert.Equal(t, int64(21), s.OutputTokens)
		assert.Equal(t, []string{"line 4: usage has billed_units but no tokens: input_tokens and output_tokens are the billed units"}, s.Warnings)
		n, ok := s.UsageDetails.Int("billed_units.search_units")
		assert.True(t, ok)
		assert.Equal(t, int64(1), n)
	})
	t.Run("counts_that_are_not_token_counts", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, cohereSSE(cohereStart, cohereEnd(`{"finish_reason":"COMPLETE","usage":{"tokens":{"input_tokens":-1,"output_tokens":2.5}}}`)), "")
		assert.Equal(t, int64(0), s.InputTokens)
		assert.Equal(t, int64(0), s.OutputTokens)
		assert.Equal(t, []string{
			"line 4: usage input_tokens -1 is not a count of tokens: left out",
			"line 4: usage output_tokens 2.5 is not a count of tokens: left out",
		}, s.Warnings)
	})
	t.Run("cut_off", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, cohereSSE(cohereStart, cohereText, cohereDelta("a")), "")
		assert.False(t, s.Complete)
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		assert.Equal(t, []string{"the stream ended without message-end: it was cut off"}, s.Warnings)
	})
	t.Run("data_type_without_event_lines", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, "data: "+cohereStart+"\n\ndata: "+cohereDelta("hi")+"\n\ndata: "+cohereEnd(`{"finish_reason":"COMPLETE"}`)+"\n\n", "")
		assert.Equal(t, "cohere", s.Format)
		assert.Equal(t, "hi", s.Text)
		assert.True(t, s.Complete)
	})
	t.Run("bad_content_is_a_bad_event", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, cohereSSE(cohereStart, `{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":5}}}}`, cohereEnd(`{"finish_reason":"COMPLETE"}`)), "")
		assert.Equal(t, 1, s.BadEvents)
		assert.Equal(t, []string{"line 4: content-delta event: delta.message.content.text is a JSON number, not a string"}, s.Warnings)
	})
	t.Run("unknown_event_and_content_types", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, cohereSSE(cohereStart, `{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"image"}}}}`, `{"type":"message-start-2"}`, cohereEnd(`{"finish_reason":"COMPLETE"}`)), "")
		assert.Equal(t, []string{`line 4: unknown content type "image"`, `line 7: unknown event type "message-start-2"`}, s.Warnings)
	})
	t.Run("web_document_citation_has_its_url", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, cohereSSE(cohereStart,
			`{"type":"citation-start","index":0,"delta":{"message":{"citations":{"start":0,"end":1,"text":"a","sources":[{"type":"document","id":"web:0","document":{"title":"Example","url":"https://example.com/"}},{"type":"document","id":"doc:1","document":{"title":7}}]}}}}`,
			cohereEnd(`{"finish_reason":"COMPLETE"}`)), "")
		require.Len(t, s.Citations, 2)
		assert.Equal(t, "https://example.com/", *s.Citations[0].URL)
		assert.Equal(t, "Example", *s.Citations[0].Title)
		assert.Nil(t, s.Citations[0].FileID)
		assert.Equal(t, "document", s.Citations[0].Source)
		assert.Equal(t, "doc:1", *s.Citations[1].FileID)
		assert.Nil(t, s.Citations[1].Title)
	})
	t.Run("error_body_with_format", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\r\n{\"id\":\"e-1\",\"message\":\"invalid request: unknown model\"}", "cohere")
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		assert.Equal(t, "error", *s.ErrorType)
		assert.Equal(t, "invalid request: unknown model", *s.ErrorMessage)
	})
	t.Run("error_body_detected", func(t *testing.T) {
		t.Parallel()
		// No format claims {"id","message"}: the HTTP status says it is
		// an error, whatever format reads it.
		s := mustSummarize(t, "HTTP/1.1 429 Too Many Requests\r\n\r\n{\"id\":\"e-1\",\"message\":\"trial key limit\"}", "")
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		assert.Equal(t, "http_error", *s.ErrorType)
		assert.Equal(t, `HTTP 429: {"id":"e-1","message":"trial key limit"}`, *s.ErrorMessage)
	})
}

// FuzzCohere replays arbitrary bytes with the cohere format forced: no
// panic, Replay returns and its summary marshals.
func FuzzCohere(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(capturesDir, "cohere", "*.sse"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(cohereSSE(cohereStart, cohereEnd(`{"error":"x","finish_reason":"ERROR","usage":{"tokens":{"input_tokens":1e300}}}`))))
	f.Add([]byte("data: {\"message\":\"m\"}\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) { replaysAndMarshals(t, data, "cohere") })
}
