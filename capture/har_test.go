package capture_test

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/timing"
)

// chrome.har is shaped like a Chrome export: an unrelated entry first, then
// an HTTP/2 text/event-stream response with its timings.
func TestHAR(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/chrome.har")
	require.NoError(t, err)
	defer f.Close()
	c, err := capture.Open(iotest.OneByteReader(f), capture.Options{})
	require.NoError(t, err)
	assert.False(t, c.Start.IsZero())
	assert.True(t, c.EventsUntimed)
	assert.Equal(t, 200, c.StatusCode)
	assert.Equal(t, "req_7f3a9c2b1d", c.Header.Get("X-Request-Id"))
	assert.Equal(t, "br", c.Header.Get("Content-Encoding"))
	assert.Equal(t, 5, c.HeaderLines, "as curl -i would show it: the status line, three headers, a blank line")
	assert.Equal(t, "HTTP/1.1 200 \r\ncontent-type: text/event-stream; charset=utf-8\r\nx-request-id: req_7f3a9c2b1d\r\ncontent-encoding: br\r\n\r\n", string(c.Head))
	// blocked 2.5 + dns 10.25 + connect 60.5 (ssl is part of it) + send
	// 0.25 + wait 420.125.
	assert.Equal(t, 493625*time.Microsecond, c.FirstByte().Sub(c.Start))
	reads, end := readAll(t, c)
	require.Len(t, reads, 1, "one time for the whole body")
	assert.Equal(t, 493625*time.Microsecond, reads[0].at)
	assert.True(t, strings.HasPrefix(reads[0].data, `data: {"id":"chatcmpl-h1"`))
	assert.Contains(t, reads[0].data, "Bonjour é")
	assert.True(t, strings.HasSuffix(reads[0].data, "data: [DONE]\n\n"))
	assert.Equal(t, 1834263*time.Microsecond, end, "the end: the entry's time")
	assert.Len(t, c.Notes, 1)
	assert.Contains(t, c.Notes[0], "entry 2 of 2: POST https://api.openai.com/v1/chat/completions")
}

func harOf(entries string) string { return `{"log":{"version":"1.2","entries":[` + entries + `]}}` }

func TestHAROneEntryBase64(t *testing.T) {
	t.Parallel()
	b64 := base64.StdEncoding.EncodeToString([]byte(`{"error":{"message":"slow down"}}`))
	in := harOf(`{"time":12,"request":{"method":"POST","url":"u"},"response":{"status":429,"statusText":"Too Many Requests","httpVersion":"HTTP/1.1",` +
		`"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":"` + b64 + `","encoding":"base64"}},` +
		`"timings":{"blocked":-1,"dns":-1,"connect":-1,"send":1,"wait":4,"receive":7}}`)
	c, err := capture.Open(strings.NewReader(in), capture.Options{})
	require.NoError(t, err)
	assert.Equal(t, 429, c.StatusCode)
	assert.Equal(t, "application/json", c.Header.Get("Content-Type"))
	reads, end := readAll(t, c)
	assert.JSONEq(t, `{"error":{"message":"slow down"}}`, body(reads))
	assert.Equal(t, 5*time.Millisecond, c.FirstByte().Sub(c.Start))
	assert.Equal(t, 12*time.Millisecond, end)
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
		_, err := capture.Open(strings.NewReader(in), capture.Options{})
		require.ErrorIs(t, err, timing.ErrFormat, in)
		assert.Contains(t, err.Error(), want, in)
	}
	// JSON bodies that are not HAR files are left alone.
	for _, in := range []string{`{"error":{"message":"x"}}`, `{"logprobs":1}`, `[{"candidates":[]}]`, "{", " \n{ \n"} {
		c, err := capture.Open(iotest.OneByteReader(strings.NewReader(in)), capture.Options{})
		require.NoError(t, err, in)
		assert.Nil(t, c.Notes, in)
		reads, _ := readAll(t, c)
		assert.Equal(t, in, body(reads))
	}
}
