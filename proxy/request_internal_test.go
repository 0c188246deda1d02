package proxy

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFormatOfPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ path, format, model string }{
		{"/v1/chat/completions", "openai-chat", ""},
		{"/openai/deployments/gpt4/chat/completions", "openai-chat", ""},
		{"/v1/responses", "openai-responses", ""},
		{"/v1/messages", "anthropic", ""},
		{"/v1beta/models/gemini-2.5-flash:streamGenerateContent", "gemini", "gemini-2.5-flash"},
		{"/v1/projects/p/locations/us/publishers/google/models/gemini-2.0-flash:generateContent", "gemini", "gemini-2.0-flash"},
		{"/v1/models", "", ""},
		{"/v1/embeddings", "", ""},
	} {
		format, model := formatOfPath(tc.path)
		assert.Equal(t, tc.format, format, tc.path)
		assert.Equal(t, tc.model, model, tc.path)
	}
}

func TestReadRequestBody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body  string
		model string
		usage bool
	}{
		{`{"model":"gpt-4o","stream_options":{"include_usage":true}}`, "gpt-4o", true},
		{`{"stream":true,"stream_options":{"include_usage":false},"model":"m"}`, "m", false},
		{`{"messages":[{"role":"user","content":"x"}],"model":"claude"}`, "claude", false},
		// The start of a body cut at RequestPrefix: the keys before the cut.
		{`{"model":"gpt-4o","stream_options":{"include_usage":true},"messages":[{"role":"us`, "gpt-4o", true},
		{`not json`, "", false},
		{`["model"]`, "", false},
		{``, "", false},
	} {
		model, usage := readRequestBody([]byte(tc.body))
		assert.Equal(t, tc.model, model, tc.body)
		assert.Equal(t, tc.usage, usage, tc.body)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "alt=sse&key=REDACTED&Api_Key=REDACTED&keyword=x", redactQuery("alt=sse&key=AIza&Api_Key=s&keyword=x"))
	h := http.Header{
		"Authorization":  {"Bearer sk-1"},
		"X-Api-Key":      {"sk-ant"},
		"Api-Key":        {"azure"},
		"X-Goog-Api-Key": {"AIza"},
		"Content-Type":   {"application/json"},
	}
	got := redactHeader(h, true)
	assert.Equal(t, http.Header{
		"Authorization":  {"Bearer REDACTED"},
		"X-Api-Key":      {"REDACTED"},
		"Api-Key":        {"REDACTED"},
		"X-Goog-Api-Key": {"REDACTED"},
		"Content-Type":   {"application/json"},
	}, got)
	assert.Equal(t, "Bearer sk-1", h.Get("Authorization"), "the request's own header is left alone")
	assert.Equal(t, h, redactHeader(h, false))
}

func TestEscapeLine(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `a\x0a[OK] forged\x1b[31m`, escapeLine("a\n[OK] forged\x1b[31m"))
	assert.Equal(t, "plain ü", escapeLine("plain ü"))
}

// TestRequestPrefixBounded: of a request body of any size, only the first
// RequestPrefix bytes are kept (the rest passes through).
func TestRequestPrefixBounded(t *testing.T) {
	t.Parallel()
	rr := &requestRecord{}
	chunk := make([]byte, 64<<10)
	for range 2 * RequestPrefix / len(chunk) {
		rr.body(chunk)
	}
	assert.Len(t, rr.prefix, RequestPrefix)
	assert.LessOrEqual(t, cap(rr.prefix), 2*RequestPrefix)
}
