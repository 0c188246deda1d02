package timing_test

import (
	"encoding/base64"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/timing"
)

// chrome.har is shaped like a Chrome export: an unrelated entry first, then
// an HTTP/2 text/event-stream response with its timings.
func TestHAR(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../capture/testdata/chrome.har")
	require.NoError(t, err)
	defer f.Close()
	tr, r, err := timing.Detect(iotest.OneByteReader(f))
	require.NoError(t, err)
	require.NotNil(t, tr)
	assert.True(t, tr.Timed())
	assert.True(t, tr.EventsUntimed())
	buf := make([]byte, 1<<16)
	n, err := io.ReadFull(r, buf[:1])
	require.NoError(t, err)
	// blocked 2.5 + dns 10.25 + connect 60.5 (ssl is part of it) + send
	// 0.25 + wait 420.125.
	assert.Equal(t, 493625*time.Microsecond, tr.Elapsed())
	rest, err := io.ReadAll(r)
	require.NoError(t, err)
	got := string(buf[:n]) + string(rest)
	head, body, ok := strings.Cut(got, "\r\n\r\n")
	require.True(t, ok)
	assert.Equal(t, "HTTP/1.1 200 \r\ncontent-type: text/event-stream; charset=utf-8\r\nx-request-id: req_7f3a9c2b1d\r\ncontent-encoding: br", head)
	assert.True(t, strings.HasPrefix(body, `data: {"id":"chatcmpl-h1"`))
	assert.Contains(t, body, "Bonjour é")
	assert.True(t, strings.HasSuffix(body, "data: [DONE]\n\n"))
	assert.Equal(t, 1834263*time.Microsecond, tr.Elapsed(), "the end: the entry's time")
	assert.Len(t, tr.Notes(), 1)
	assert.Contains(t, tr.Notes()[0], "entry 2 of 2: POST https://api.openai.com/v1/chat/completions")
}

func harOf(entries string) string { return `{"log":{"version":"1.2","entries":[` + entries + `]}}` }

func TestHAROneEntryBase64(t *testing.T) {
	t.Parallel()
	body := base64.StdEncoding.EncodeToString([]byte(`{"error":{"message":"slow down"}}`))
	in := harOf(`{"time":12,"request":{"method":"POST","url":"u"},"response":{"status":429,"statusText":"Too Many Requests","httpVersion":"HTTP/1.1",` +
		`"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":"` + body + `","encoding":"base64"}},` +
		`"timings":{"blocked":-1,"dns":-1,"connect":-1,"send":1,"wait":4,"receive":7}}`)
	tr, r, err := timing.Detect(strings.NewReader(in))
	require.NoError(t, err)
	require.NotNil(t, tr)
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n\r\n{\"error\":{\"message\":\"slow down\"}}", string(got))
	assert.Equal(t, 12*time.Millisecond, tr.Elapsed())
}

func TestHARErrors(t *testing.T) {
	t.Parallel()
	entry := `{"response":{"status":200,"content":{"mimeType":"text/html","text":"x"}}}`
	cases := map[string]string{
		harOf(""):                  "HAR: no entries",
		`{"log":{}}`:               "HAR: no entries",
		`{"log": [`:                "HAR: unexpected EOF",
		harOf(entry + "," + entry): "none of its 2 entries is a text/event-stream response",
		harOf(`{"response":{"content":{"mimeType":"text/event-stream","text":"!","encoding":"base64"}}}`): "content.text: illegal base64",
	}
	for in, want := range cases {
		_, _, err := timing.Detect(strings.NewReader(in))
		require.ErrorIs(t, err, timing.ErrFormat, in)
		assert.Contains(t, err.Error(), want, in)
	}
	// JSON bodies that are not HAR files are left alone.
	for _, in := range []string{`{"error":{"message":"x"}}`, `{"logprobs":1}`, `[{"candidates":[]}]`, "{", " \n{ \n"} {
		tr, r, err := timing.Detect(iotest.OneByteReader(strings.NewReader(in)))
		require.NoError(t, err, in)
		assert.Nil(t, tr, in)
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		assert.Equal(t, in, string(got))
	}
}
