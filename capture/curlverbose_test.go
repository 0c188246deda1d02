package capture_test

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
)

// curlVerboseHead is what curl -v writes on standard error before the body
// (a capture taken with 2>&1).
const curlVerboseHead = "*   Trying 127.0.0.1:8080...\r\n" +
	"* Connected to localhost (127.0.0.1) port 8080\r\n" +
	"> POST /v1/chat/completions HTTP/1.1\r\n" +
	"> Host: localhost:8080\r\n" +
	"> \r\n" +
	"} [5 bytes data]\r\n" +
	"< HTTP/1.1 200 OK\r\n" +
	"< content-type: text/event-stream\r\n" +
	"< \r\n" +
	"{ [5 bytes data]\r\n"

// TestOpenSkipsCurlVerbose: the lines curl -v writes before the body are
// skipped, counted in HeaderLines (line numbers stay those of the file)
// and noted; with curl -i, before and after the preamble too.
func TestOpenSkipsCurlVerbose(t *testing.T) {
	t.Parallel()
	const stream = "data: a\n\n"
	for name, tc := range map[string]struct {
		in            string
		lines, status int
	}{
		"issue_12":      {in: "{ [5 bytes data]\n" + stream, lines: 1},
		"whole_head":    {in: curlVerboseHead + stream, lines: 10},
		"with_curl_i":   {in: curlVerboseHead + "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n" + "{ [5 bytes data]\n" + stream, lines: 14, status: 200},
		"json_body":     {in: "{ [5 bytes data]\n{\"error\":{}}", lines: 1},
		"no_noise":      {in: stream},
		"json_not_skip": {in: "{\"a\": [1]}"},
		"star_no_space": {in: "*data\n" + stream},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := capture.Open(strings.NewReader(tc.in), capture.Options{})
			require.NoError(t, err)
			body, err := io.ReadAll(c)
			require.NoError(t, err)
			assert.Equal(t, tc.in[len(tc.in)-len(body):], string(body))
			assert.Equal(t, tc.lines, strings.Count(tc.in[:len(tc.in)-len(body)], "\n"), "the lines before the body")
			assert.Equal(t, tc.lines, c.HeaderLines)
			assert.Equal(t, tc.status, c.StatusCode)
			if tc.lines > 0 && tc.status == 0 {
				require.Len(t, c.Notes, 1)
				assert.Contains(t, c.Notes[0], "lines of curl -v output")
			}
			if tc.lines == 0 {
				assert.Empty(t, c.Notes)
				assert.Equal(t, tc.in, string(body))
			}
		})
	}
}

// TestOpenCurlVerboseLineOverTheCap: a line of curl -v output (or of the
// preamble) over the cap is a malformed preamble, the error kind Open
// documents; it was an error of no kind (FuzzOpen, kept as its corpus
// file preamble-line-over-cap).
func TestOpenCurlVerboseLineOverTheCap(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"* " + strings.Repeat("a", 70000),
		"HTTP/1.1 200 OK\r\nx: y\r\n\r\n< " + strings.Repeat("a", 70000),
	} {
		_, err := capture.Open(strings.NewReader(in), capture.Options{})
		require.ErrorIs(t, err, capture.ErrMalformedPreamble)
		assert.EqualError(t, err, "a line of the HTTP preamble is longer than 65536 bytes")
	}
}

// TestPreambleLineCapExact: a line of the HTTP preamble (a header, a curl
// -v line) of up to 65,536 bytes, its line end left out, is read; one byte
// more is ErrMalformedPreamble; the same however the input comes in reads
// (it depended on them: a line of 120,000 bytes passed when read whole).
func TestPreambleLineCapExact(t *testing.T) {
	t.Parallel()
	const capBytes = 64 << 10
	for _, c := range []struct {
		name string
		line func(n int) string // a preamble whose line n bytes long is the one tested
	}{
		{"header, CRLF", func(n int) string { return "HTTP/1.1 200 OK\r\nx: " + strings.Repeat("a", n-3) + "\r\n\r\ndata: x\n\n" }},
		{"header, LF", func(n int) string { return "HTTP/1.1 200 OK\nx: " + strings.Repeat("a", n-3) + "\n\ndata: x\n\n" }},
		{"curl -v", func(n int) string { return "* " + strings.Repeat("a", n-2) + "\n< HTTP/1.1 200 OK\n<\ndata: x\n\n" }},
	} {
		for _, n := range []int{capBytes - 1, capBytes, capBytes + 1, capBytes + 2, 2 * capBytes} {
			in := c.line(n)
			for name, r := range map[string]func() io.Reader{
				"whole":    func() io.Reader { return strings.NewReader(in) },
				"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(in)) },
				"halves":   func() io.Reader { return iotest.HalfReader(strings.NewReader(in)) },
			} {
				_, err := capture.Open(r(), capture.Options{})
				if n <= capBytes {
					assert.NoError(t, err, "%s, a line of %d bytes, read %s", c.name, n, name)
				} else {
					assert.ErrorIs(t, err, capture.ErrMalformedPreamble, "%s, a line of %d bytes, read %s", c.name, n, name)
				}
			}
		}
	}
}
