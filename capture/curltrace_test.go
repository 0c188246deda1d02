package capture_test

import (
	"bytes"
	"errors"
	"io"
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

// The traces in testdata are real: curl 7.88 --trace-ascii (--trace-time)
// against "sseinspect replay --listen" serving a timed capture, over
// HTTP/1.1 (chunked) and HTTP/1.0. curl-trace-ascii.body is what curl
// wrote to its output.

func readTrace(t *testing.T, name string) (*capture.Capture, []timedRead, time.Duration) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	require.NoError(t, err)
	defer f.Close()
	c, err := capture.Open(iotest.OneByteReader(f), capture.Options{})
	require.NoError(t, err)
	require.NotEmpty(t, c.Notes, "read as a curl trace")
	reads, end := readAll(t, c)
	return c, reads, end
}

func TestCurlTrace(t *testing.T) {
	t.Parallel()
	want, err := os.ReadFile("testdata/curl-trace-ascii.body")
	require.NoError(t, err)
	for _, name := range []string{"curl-trace-ascii-chunked.txt", "curl-trace-ascii-http10.txt", "curl-trace-ascii-no-time.txt"} {
		c, reads, _ := readTrace(t, name)
		assert.Equal(t, 200, c.StatusCode, name)
		assert.True(t, strings.HasPrefix(string(c.Head), "HTTP/1."), name)
		assert.True(t, strings.HasSuffix(string(c.Head), "\r\n\r\n"), name)
		assert.Equal(t, "text/event-stream", c.Header.Get("Content-Type"), name)
		assert.Equal(t, string(want), body(reads), "%s: the body, line feeds restored and chunking removed", name)
		assert.Equal(t, name != "curl-trace-ascii-no-time.txt", !c.Start.IsZero(), name)
	}
}

func TestCurlTraceTimes(t *testing.T) {
	t.Parallel()
	c, reads, end := readTrace(t, "curl-trace-ascii-chunked.txt")
	// From the first line (21:37:53.542405): the response header at
	// .723571, the data blocks, the end at the last block.
	assert.Equal(t, 181166*time.Microsecond, c.FirstByte().Sub(c.Start))
	assert.Equal(t, 2921177*time.Microsecond, end)
	var times []time.Duration
	for _, r := range reads {
		times = append(times, r.at)
	}
	assert.IsNonDecreasing(t, times)
	assert.Greater(t, len(times), 2)
}

func TestCurlTraceDots(t *testing.T) {
	t.Parallel()
	// Bytes that are not printable ASCII show as '.': a line feed before an
	// SSE line becomes one again; other dots stay.
	trace := "10:00:00.000000 == Info: hi\n" +
		"10:00:00.100000 <= Recv data, 47 bytes (0x2f)\n" +
		"0000: data: {\"t\":\"caf.. e.g. 3.5...\"}..: c..data: x..\n" +
		"23:59:59.000000 <= Recv data, 1 bytes (0x1)\n" +
		"0000: .\n" +
		"00:00:01.000000 == Info: past midnight\n"
	c, err := capture.Open(strings.NewReader(trace), capture.Options{})
	require.NoError(t, err)
	reads, end := readAll(t, c)
	assert.Equal(t, "data: {\"t\":\"caf.. e.g. 3.5...\"}\n\n: c\n\ndata: x\n\n\n", body(reads))
	assert.Equal(t, 14*time.Hour-time.Second, end, "the end is the last received block")
}

func TestCurlTraceErrors(t *testing.T) {
	t.Parallel()
	_, err := capture.Open(strings.NewReader("10:00:00.000000 <= Recv data, 9 bytes (0x9)\n0000: abc\n"), capture.Options{})
	require.ErrorIs(t, err, timing.ErrFormat)
	assert.Contains(t, err.Error(), "do not add up")

	// A time of day past 23:59:59 (FuzzOpen's 40:00:00 then 00:00:02 went
	// backwards even a day later).
	for _, bad := range []string{"40:00:00.450000", "10:60:00.000000", "10:00:60.000000"} {
		_, err = capture.Open(strings.NewReader("10:00:00.000000 == Info: hi\n"+bad+" <= Recv data, 1 bytes (0x1)\n0000: x\n"), capture.Options{})
		require.ErrorIs(t, err, timing.ErrFormat, bad)
		assert.Contains(t, err.Error(), bad+" is not a time of day")
	}

	// Not a trace: left alone.
	for _, in := range []string{"data: x\n\n", "1", "10:00", "== ", "<=x"} {
		c, err := capture.Open(strings.NewReader(in), capture.Options{})
		require.NoError(t, err, in)
		if c.Notes == nil {
			reads, _ := readAll(t, c)
			assert.Equal(t, in, body(reads))
		}
	}
}

// FuzzCurlTrace: any trace-like input is converted or rejected with an
// error, never a panic, and a converted one reads back to its end.
func FuzzCurlTrace(f *testing.F) {
	for _, name := range []string{"curl-trace-ascii-chunked.txt", "curl-trace-ascii-http10.txt", "curl-trace-ascii-no-time.txt"} {
		b, err := os.ReadFile("testdata/" + name)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte("10:00:00.000000 <= Recv data, 3 bytes (0x3)\n0000: a.b\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := capture.Open(bytes.NewReader(in), capture.Options{})
		if err != nil {
			if !errors.Is(err, timing.ErrFormat) {
				require.ErrorContains(t, err, "HTTP") // a malformed preamble
			}
			return
		}
		_, err = io.ReadAll(c)
		if err != nil {
			require.ErrorIs(t, err, timing.ErrFormat) // a malformed timed capture
			return
		}
		if !c.Start.IsZero() {
			require.False(t, c.End().Before(c.Start))
		}
	})
}
