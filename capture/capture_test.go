package capture_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/timing"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// timedRead is bytes of a capture's body and their arrival time, as an
// offset from the capture's start (-1 when the capture has no times).
type timedRead struct {
	data string
	at   time.Duration
}

// readAll reads the body of c, merging consecutive reads of one time, and
// returns its reads and the end (as offsets from Start, -1 for none).
func readAll(tb testing.TB, c *capture.Capture) ([]timedRead, time.Duration) {
	tb.Helper()
	offset := func(t time.Time) time.Duration {
		if t.IsZero() {
			return -1
		}
		return t.Sub(c.Start)
	}
	var reads []timedRead
	buf := make([]byte, 7)
	for {
		n, at, err := c.ReadTimed(buf)
		if n > 0 {
			if k := len(reads); k > 0 && reads[k-1].at == offset(at) {
				reads[k-1].data += string(buf[:n])
			} else {
				reads = append(reads, timedRead{string(buf[:n]), offset(at)})
			}
		}
		if errors.Is(err, io.EOF) {
			return reads, offset(at)
		}
		require.NoError(tb, err)
	}
}

func body(reads []timedRead) string {
	var b strings.Builder
	for _, r := range reads {
		b.WriteString(r.data)
	}
	return b.String()
}

func TestOpenPlain(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in, body string
		status   int
		lines    int
		header   map[string][]string
	}{
		"sse":             {in: "data: a\n\n", body: "data: a\n\n"},
		"empty":           {in: ""},
		"prefix_of_magic": {in: ":sseinspect-t", body: ":sseinspect-t"},
		"bom":             {in: "\xef\xbb\xbfdata: a\n\n", body: "\xef\xbb\xbfdata: a\n\n"},
		"curl_i": {
			in:     "HTTP/2 200 \r\ncontent-type: text/event-stream\r\nx-request-id: req_1\r\n\r\ndata: a\n\n",
			body:   "data: a\n\n",
			status: 200, lines: 4,
			header: map[string][]string{"Content-Type": {"text/event-stream"}, "X-Request-Id": {"req_1"}},
		},
		"continue_then_error": {
			in:     "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\nRetry-After: 3\n\n{\"error\":{}}",
			body:   `{"error":{}}`,
			status: 429, lines: 5,
			header: map[string][]string{"Retry-After": {"3"}},
		},
		"preamble_only": {
			in:     "HTTP/1.1 502 Bad Gateway\r\nServer: x",
			status: 502, lines: 2,
			header: map[string][]string{"Server": {"x"}},
		},
	} {
		for _, split := range []string{"whole", "byte"} {
			var r io.Reader = strings.NewReader(tc.in)
			if split == "byte" {
				r = iotest.OneByteReader(r)
			}
			c, err := capture.Open(r, capture.Options{})
			require.NoError(t, err, name)
			assert.Equal(t, tc.status, c.StatusCode, name)
			assert.Equal(t, tc.lines, c.HeaderLines, name)
			if tc.header != nil {
				for k, v := range tc.header {
					assert.Equal(t, v, c.Header[k], name)
				}
			} else {
				assert.Nil(t, c.Header, name)
			}
			reads, end := readAll(t, c)
			assert.Equal(t, tc.body, body(reads), name)
			assert.Equal(t, tc.in, string(c.Head)+body(reads), "%s: the head, then the body", name)
			assert.True(t, c.Start.IsZero(), name)
			assert.True(t, c.FirstByte().IsZero(), name)
			assert.Equal(t, time.Duration(-1), end, name)
		}
	}
}

// scripted is a live input: each read returns the next chunk, which
// arrives at 10ms times its index; its clock reads the arrival time of the
// last read.
type scripted struct {
	chunks []string
	i      int
	at     time.Duration
}

func (s *scripted) Read(p []byte) (int, error) {
	s.at = time.Duration(s.i+1) * 10 * time.Millisecond
	if s.i >= len(s.chunks) {
		return 0, io.EOF
	}
	n := copy(p, s.chunks[s.i])
	s.chunks[s.i] = s.chunks[s.i][n:]
	if s.chunks[s.i] == "" {
		s.i++
	}
	return n, nil
}

func (s *scripted) clock() time.Time { return epoch.Add(s.at) }

// TestOpenLive: every read of a live input carries its arrival time, also
// the bytes that detection and the preamble looked at first.
func TestOpenLive(t *testing.T) {
	t.Parallel()
	s := &scripted{chunks: []string{"HTTP/1.1 200 OK\r\n", "\r\ndata: a", "\n\n", "data: b\n\n"}}
	c, err := capture.Open(s, capture.Options{Clock: s.clock, Start: epoch})
	require.NoError(t, err)
	assert.Equal(t, 200, c.StatusCode)
	assert.Equal(t, 2, c.HeaderLines)
	assert.Equal(t, epoch, c.Start)
	assert.Equal(t, 10*time.Millisecond, c.FirstByte().Sub(epoch))
	head, err := c.Peek(9)
	require.NoError(t, err)
	assert.Equal(t, "data: a\n\n", string(head), "peeking reads on")
	reads, end := readAll(t, c)
	ms := time.Millisecond
	assert.Equal(t, []timedRead{{"data: a", 20 * ms}, {"\n\n", 30 * ms}, {"data: b\n\n", 40 * ms}}, reads)
	assert.Equal(t, 50*ms, end)
	assert.Equal(t, 50*ms, c.End().Sub(epoch))
}

// TestOpenDoesNotWait: on a live stream whose first read is ": ok\n",
// Open reads no further.
func TestOpenDoesNotWait(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	go func() { _, _ = pw.Write([]byte(": ok\n")) }()
	c, err := capture.Open(pr, capture.Options{})
	require.NoError(t, err)
	buf := make([]byte, 10)
	n, err := c.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, ": ok\n", string(buf[:n]))
	pw.Close()
}

func record(tb testing.TB, reads []timedRead, end time.Duration) string {
	tb.Helper()
	var b bytes.Buffer
	w := timing.NewWriter(&b, epoch)
	for _, r := range reads {
		require.NoError(tb, w.Append([]byte(r.data), r.at))
	}
	require.NoError(tb, w.Close(end))
	return b.String()
}

// TestOpenTimed: a timed capture gives its recorded times, a curl -i
// preamble inside it included, whatever the reads of the capture.
func TestOpenTimed(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	want := []timedRead{{"HTTP/1.1 200 OK\r\nrequest-id: r1\r\n\r\n", 5 * ms}, {"data: a\n\n", 7 * ms}, {"data: b\n\ndata: c", 9 * ms}}
	tc := record(t, want, 12*ms)
	for _, r := range []io.Reader{strings.NewReader(tc), iotest.OneByteReader(strings.NewReader(tc)), iotest.HalfReader(strings.NewReader(tc))} {
		c, err := capture.Open(r, capture.Options{Clock: func() time.Time { return epoch.Add(time.Hour) }})
		require.NoError(t, err)
		assert.Equal(t, epoch, c.Start)
		assert.Equal(t, 200, c.StatusCode)
		assert.Equal(t, []string{"r1"}, c.Header["Request-Id"])
		assert.Equal(t, 5*ms, c.FirstByte().Sub(epoch))
		reads, end := readAll(t, c)
		assert.Equal(t, want[1:], reads)
		assert.Equal(t, 12*ms, end)
		assert.False(t, c.Truncated())
	}

	cut := strings.TrimSuffix(tc, ":sseinspect-end 12.000\n")
	c, err := capture.Open(strings.NewReader(cut), capture.Options{})
	require.NoError(t, err)
	_, end := readAll(t, c)
	assert.True(t, c.Truncated())
	assert.Equal(t, 9*ms, end, "a cut capture ends at its last line")

	_, err = capture.Open(strings.NewReader(":sseinspect-timed v2 start=x\n"), capture.Options{})
	require.ErrorIs(t, err, timing.ErrFormat)
}

func TestReadPreamble(t *testing.T) {
	t.Parallel()
	br := bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-A: 1\r\nx-a: 2\r\n\r\ndata: a\n\n"))
	p, err := capture.ReadPreamble(br)
	require.NoError(t, err)
	require.NotNil(t, p)
	assert.Equal(t, "HTTP/1.1", p.Proto)
	assert.Equal(t, 200, p.StatusCode)
	assert.Equal(t, 5, p.Lines)
	assert.Equal(t, []string{"1", "2"}, p.Header.Values("x-a"))
	rest, err := io.ReadAll(br)
	require.NoError(t, err)
	assert.Equal(t, "data: a\n\n", string(rest))

	p, err = capture.ReadPreamble(bufio.NewReader(strings.NewReader("data: a\n\n")))
	require.NoError(t, err)
	assert.Nil(t, p)

	for in, want := range map[string]string{
		"HTTP/1.1 OK\r\n\r\n":                             `line 1: malformed HTTP status line "HTTP/1.1 OK"`,
		"HTTP/1.1 20 OK\r\n\r\n":                          `line 1: malformed HTTP status line "HTTP/1.1 20 OK"`,
		"HTTP/1.1 200 OK\r\nA: 1\r\nno colon\r\n\r\n":     "line 3: malformed HTTP header: ",
		"HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nbad\n": "line 4: malformed HTTP header: ",
	} {
		_, err := capture.ReadPreamble(bufio.NewReader(strings.NewReader(in)))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
		assert.ErrorIs(t, err, capture.ErrMalformedPreamble, in)
	}
}
