package proxy

import (
	"bytes"
	"encoding/json"
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

// TestRedactHeader: each credential header of the LLM APIs, one row each,
// with the provider whose docs name it.
func TestRedactHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, value, want string }{
		{"Authorization", "Bearer sk-1", "Bearer REDACTED"}, // OpenAI and most others
		{"Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=fe5f", "AWS4-HMAC-SHA256 REDACTED"},
		{"Authorization", "sk-no-scheme", "REDACTED"},
		{"Proxy-Authorization", "Basic dXNlcjpwYXNz", "Basic REDACTED"},
		{"X-Api-Key", "sk-ant-1", "REDACTED"},                                 // Anthropic
		{"Api-Key", "0123abcd", "REDACTED"},                                   // Azure OpenAI
		{"X-Goog-Api-Key", "AIza-1", "REDACTED"},                              // Gemini
		{"Ocp-Apim-Subscription-Key", "0123abcd", "REDACTED"},                 // Azure AI services, API Management
		{"Cf-Aig-Authorization", "Bearer cf-1", "Bearer REDACTED"},            // Cloudflare AI Gateway
		{"X-Amz-Security-Token", "AQoDYXdzEPT//////////wEXAMPLE", "REDACTED"}, // AWS temporary credentials
		{"Cookie", "session=s1; __cf_bm=c2", "session=REDACTED; __cf_bm=REDACTED"},
		{"Cookie", "lonely", "REDACTED"},
		{"Set-Cookie", "__cf_bm=c2; path=/; expires=Thu, 03-Dec-26 13:30:00 GMT; domain=.api.openai.com; HttpOnly; Secure; SameSite=None",
			"__cf_bm=REDACTED; path=/; expires=Thu, 03-Dec-26 13:30:00 GMT; domain=.api.openai.com; HttpOnly; Secure; SameSite=None"},
		{"Set-Cookie", "_cfuvid=c3;", "_cfuvid=REDACTED;"},
		{"Content-Type", "application/json", "application/json"},
		{"Openai-Organization", "org-1", "org-1"}, // an id, not a credential
	} {
		h := http.Header{tc.name: {tc.value}}
		assert.Equal(t, http.Header{tc.name: {tc.want}}, redactHeader(h, true), tc.name+": "+tc.value)
		assert.Equal(t, tc.value, h.Get(tc.name), "the request's own header is left alone")
		assert.Equal(t, h, redactHeader(h, false))
	}
}

// TestRedactQuery: each credential query parameter, one row each.
func TestRedactQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ query, want string }{
		{"alt=sse&key=AIza", "alt=sse&key=REDACTED"}, // Gemini
		{"Api_Key=s&keyword=x", "Api_Key=REDACTED&keyword=x"},
		{"apikey=s", "apikey=REDACTED"},
		{"api-version=2024-10-21&api-key=s", "api-version=2024-10-21&api-key=REDACTED"},
		{"subscription-key=s", "subscription-key=REDACTED"}, // API Management
		{"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F2025&X-Amz-Signature=fe5f&X-Amz-Security-Token=AQo",
			"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED"},
		{"key", "key"}, // no value to redact
		{"", ""},
	} {
		assert.Equal(t, tc.want, redactQuery(tc.query), tc.query)
	}
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

// FuzzReadRequestBody: a client's request body is any bytes. For a JSON
// object, the model and include_usage are what encoding/json reads (for
// keys of that exact spelling); for any cut of it (the body is read up
// to RequestPrefix), either that or nothing (a key given twice aside).
func FuzzReadRequestBody(f *testing.F) {
	for _, s := range []string{
		`{"model":"gpt-4o","stream_options":{"include_usage":true}}`,
		`{"stream":true,"stream_options":{"include_usage":false},"model":"m"}`,
		`{"messages":[{"role":"user","content":"x \"model\""}],"model":"claude","model":"b"}`,
		`{"model":1,"stream_options":[]}`, `{"Model":"x"}`, `["model"]`, `{"model":"\ud800"}`, ``,
	} {
		f.Add([]byte(s), uint16(len(s)/2))
	}
	f.Fuzz(func(t *testing.T, b []byte, cut uint16) {
		model, usage := readRequestBody(b)
		var whole map[string]json.RawMessage
		if json.Unmarshal(b, &whole) != nil {
			return
		}
		var wantModel string
		if raw, ok := whole["model"]; ok && json.Unmarshal(raw, &wantModel) != nil {
			return // a model that is not a string stops the reading
		}
		var so struct {
			IncludeUsage bool `json:"include_usage"`
		}
		if raw, ok := whole["stream_options"]; ok && json.Unmarshal(raw, &so) != nil {
			return
		}
		assert.Equal(t, wantModel, model, "%q", b)
		assert.Equal(t, so.IncludeUsage, usage, "%q", b)
		if keys(b)["model"] > 1 || keys(b)["stream_options"] > 1 {
			return // a cut may end between two values of one key
		}
		k := int(cut) % (len(b) + 1)
		m, u := readRequestBody(b[:k])
		assert.Contains(t, []string{"", model}, m, "cut at %d of %q", k, b)
		assert.True(t, !u || usage, "cut at %d of %q: include_usage", k, b)
	})
}

// keys counts the keys of a JSON object, as decoded.
func keys(b []byte) map[string]int {
	n := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return n
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return n
		}
		k, _ := t.(string)
		n[k]++
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return n
		}
	}
	return n
}
