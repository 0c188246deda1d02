package timing_test

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

	"github.com/sseinspect/sseinspect/timing"
)

// The traces in testdata are real: curl 7.88 --trace-ascii (--trace-time)
// against "sseinspect replay --listen" serving a timed capture, over
// HTTP/1.1 (chunked) and HTTP/1.0. curl-trace-ascii.body is what curl
// wrote to its output.

func readTrace(t *testing.T, name string) (*timing.Reader, []byte) {
	t.Helper()
	f, err := os.Open("../capture/testdata/" + name)
	require.NoError(t, err)
	defer f.Close()
	tr, r, err := timing.Detect(iotest.OneByteReader(f))
	require.NoError(t, err)
	require.NotNil(t, tr, "detected as a curl trace")
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	return tr, got
}

func TestCurlTrace(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("../capture/testdata/curl-trace-ascii.body")
	require.NoError(t, err)
	for name, proto := range map[string]string{
		"curl-trace-ascii-chunked.txt": "HTTP/1.1 200 OK\r\n",
		"curl-trace-ascii-http10.txt":  "HTTP/1.0 200 OK\r\n",
		"curl-trace-ascii-no-time.txt": "HTTP/1.1 200 OK\r\n",
	} {
		tr, got := readTrace(t, name)
		assert.True(t, bytes.HasPrefix(got, []byte(proto)), name)
		i := bytes.Index(got, []byte("\r\n\r\n"))
		require.Positive(t, i, name)
		assert.Contains(t, string(got[:i]), "Content-Type: text/event-stream", name)
		assert.Equal(t, string(body), string(got[i+4:]), "%s: the body, line feeds restored and chunking removed", name)
		assert.Equal(t, name != "curl-trace-ascii-no-time.txt", tr.Timed(), name)
		assert.NotEmpty(t, tr.Notes(), name)
	}
}

func TestCurlTraceTimes(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../capture/testdata/curl-trace-ascii-chunked.txt")
	require.NoError(t, err)
	defer f.Close()
	tr, _, err := timing.Detect(f)
	require.NoError(t, err)
	var times []time.Duration
	buf := make([]byte, 4096)
	for {
		n, err := tr.Read(buf)
		if n > 0 {
			times = append(times, tr.Elapsed())
		}
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
	}
	// From the first line (21:37:53.542405): the response header at
	// .723571, the data blocks, the end at the last block.
	assert.Equal(t, 181166*time.Microsecond, times[0])
	assert.Equal(t, 2921177*time.Microsecond, tr.Elapsed())
	assert.IsNonDecreasing(t, times)
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
	tr, r, err := timing.Detect(strings.NewReader(trace))
	require.NoError(t, err)
	require.NotNil(t, tr)
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "data: {\"t\":\"caf.. e.g. 3.5...\"}\n\n: c\n\ndata: x\n\n\n", string(got))
	assert.Equal(t, 14*time.Hour-time.Second, tr.Elapsed(), "the end is the last received block")
}

func TestCurlTraceErrors(t *testing.T) {
	t.Parallel()
	_, _, err := timing.Detect(strings.NewReader("10:00:00.000000 <= Recv data, 9 bytes (0x9)\n0000: abc\n"))
	require.ErrorIs(t, err, timing.ErrFormat)
	assert.Contains(t, err.Error(), "do not add up")

	// Not a trace: left alone.
	for _, in := range []string{"data: x\n\n", "1", "10:00", "== ", "<=x"} {
		tr, r, err := timing.Detect(strings.NewReader(in))
		require.NoError(t, err, in)
		if tr == nil {
			got, err := io.ReadAll(r)
			require.NoError(t, err)
			assert.Equal(t, in, string(got))
		}
	}
}

// FuzzCurlTrace: any trace-like input is converted or rejected with an
// error, never a panic, and a converted one reads back to its end.
func FuzzCurlTrace(f *testing.F) {
	for _, name := range []string{"curl-trace-ascii-chunked.txt", "curl-trace-ascii-http10.txt", "curl-trace-ascii-no-time.txt"} {
		b, err := os.ReadFile("../capture/testdata/" + name)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte("10:00:00.000000 <= Recv data, 3 bytes (0x3)\n0000: a.b\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tr, r, err := timing.Detect(bytes.NewReader(in))
		if err != nil {
			require.ErrorIs(t, err, timing.ErrFormat)
			return
		}
		_, err = io.ReadAll(r)
		if err != nil {
			require.ErrorIs(t, err, timing.ErrFormat) // a malformed timed capture
			return
		}
		if tr != nil {
			require.GreaterOrEqual(t, tr.Elapsed(), time.Duration(0))
		}
	})
}
