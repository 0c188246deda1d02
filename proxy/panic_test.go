package proxy_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/proxy"
)

// panicReader gives what it reads 64 bytes at a time and panics once it
// has given 1 KiB: the parser is then midway through the body.
type panicReader struct {
	r    io.Reader
	read int
}

func (p *panicReader) Read(b []byte) (int, error) {
	if p.read >= 1024 {
		panic("injected: parser bug")
	}
	n, err := p.r.Read(b[:min(len(b), 64)])
	p.read += n
	return n, err
}

// TestSummaryPanic: a panic while summarizing one response (injected
// through the test seam SetSummaryInput, into the first response only)
// leaves the client's stream as the upstream sent it and the recording
// whole; the proxy logs a line for that response and serves the next one
// as usual.
func TestSummaryPanic(t *testing.T) {
	t.Parallel()
	up := serveUpstream(t, includeUsage)
	_, _, want := get(t, http.DefaultClient, chatRequest(t, up))
	dir := t.TempDir()
	var log syncBuffer
	p, err := proxy.New(proxy.Options{Upstream: up, Log: &log, RecordDir: dir, Now: fixedClock})
	require.NoError(t, err)
	var n atomic.Int32
	p.SetSummaryInput(func(r io.Reader) io.Reader {
		if n.Add(1) == 1 {
			return &panicReader{r: r}
		}
		return r
	})
	pu := serveOn(t, func(ctx context.Context, ln net.Listener) error {
		return p.Serve(ctx, ln, time.Minute)
	})

	code, _, got := get(t, http.DefaultClient, chatRequest(t, pu))
	p.Wait()
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, string(want), string(got), "the client's stream is unaffected")
	first := filepath.Join(dir, "20260102T030405.000000Z-000001.sse")
	assert.Equal(t, "sseinspect: proxy: POST /v1/chat/completions: internal error summarizing: injected: parser bug (the response is recorded in "+first+")\n", log.String())
	body, cp := readCapture(t, first)
	assert.Equal(t, string(want), body, "the recording is whole")
	assert.Empty(t, cp.Cut())

	code, _, got = get(t, http.DefaultClient, chatRequest(t, pu))
	p.Wait()
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, string(want), string(got))
	assert.Contains(t, log.String(), "internal error summarizing")
	assert.Contains(t, log.String(), "\n[OK] C2QD1kGW | gpt-4o-2024-08-06 | openai | TTFB: 0ms\n      Total: 0ms | in:364 out:40\n", "the proxy goes on")
	_, err = os.Stat(filepath.Join(dir, "20260102T030405.000000Z-000002.sse"))
	assert.NoError(t, err)
}
