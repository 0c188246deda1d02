package proxy_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/internal/gatedclock"
	"github.com/sseinspect/sseinspect/proxy"
	"github.com/sseinspect/sseinspect/serve"
)

// pacedCapture writes a timed capture of the real capture includeUsage,
// its first event at 0 ms and the rest at 150 ms, and returns its path
// and the first event.
func pacedCapture(tb testing.TB) (path, first string) {
	tb.Helper()
	b, err := os.ReadFile(includeUsage)
	require.NoError(tb, err)
	first, rest, ok := strings.Cut(string(b), "\n\n")
	require.True(tb, ok)
	first += "\n\n"
	timed := ":sseinspect-timed v1 start=2026-01-02T03:04:05Z\n:sseinspect-t 0.000\n" + first +
		":sseinspect-t 150.000\n" + rest + ":sseinspect-end 160.000\n"
	path = filepath.Join(tb.TempDir(), "paced.sse")
	require.NoError(tb, os.WriteFile(path, []byte(timed), 0o644))
	return path, first
}

// gatedUpstream serves path with replay --listen's handler on a gated
// clock: each wait of the player is the test's to release. ended receives
// the context error of each request once its handler returns.
func gatedUpstream(tb testing.TB, path string) (u *url.URL, clock *gatedclock.Clock, ended <-chan error) {
	tb.Helper()
	clock = gatedclock.New()
	player := &serve.Player{Path: path, Speed: 1, Now: clock.Now, Wait: clock.Wait}
	h := player.Handler()
	done := make(chan error, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		done <- r.Context().Err()
	}))
	tb.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(tb, err)
	return u, clock, done
}

// readCapture reads a recorded capture back: its original body and the
// capture (read to its end).
func readCapture(tb testing.TB, path string) (string, *capture.Capture) {
	tb.Helper()
	f, err := os.Open(path)
	require.NoError(tb, err)
	defer f.Close()
	cp, err := capture.Open(f, capture.Options{})
	require.NoError(tb, err)
	b, err := io.ReadAll(cp)
	require.NoError(tb, err)
	return string(b), cp
}

// onlyFile returns the one file of dir whose name ends with suffix.
func onlyFile(tb testing.TB, dir, suffix string) string {
	tb.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+suffix))
	require.NoError(tb, err)
	require.Len(tb, m, 1)
	return m[0]
}

// TestClientDisconnect: a client that goes away mid-stream cancels the
// upstream request, and the capture says that the client cut it off.
func TestClientDisconnect(t *testing.T) {
	t.Parallel()
	path, first := pacedCapture(t)
	up, clock, ended := gatedUpstream(t, path)
	dir := t.TempDir()
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log, RecordDir: dir})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := chatRequest(t, pu).WithContext(ctx)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	got := make([]byte, len(first))
	_, err = io.ReadFull(resp.Body, got)
	require.NoError(t, err)
	assert.Equal(t, first, string(got), "the first event is flushed while the upstream waits")
	assert.Equal(t, 150*time.Millisecond, <-clock.Waits(), "the upstream waits for the rest")
	cancel() // the client goes away
	resp.Body.Close()

	require.ErrorIs(t, <-ended, context.Canceled, "the upstream request is cancelled")
	p.Wait()
	body, cp := readCapture(t, onlyFile(t, dir, ".sse"))
	assert.Equal(t, first, body)
	assert.Equal(t, "client", cp.Cut())
	assert.Contains(t, log.String(), "[FAIL] C2QD1kGW | gpt-4o-2024-08-06 | openai | TTFB: 0ms\n")
	assert.Contains(t, log.String(), ": warning: "+capture.CutNote("client")+"\n")
}

// TestUpstreamFailsMidStream: an upstream whose body breaks off cuts the
// client's response off too, and the capture says the upstream cut it.
func TestUpstreamFailsMidStream(t *testing.T) {
	t.Parallel()
	const first = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n"
	sent, fail := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, first)
		_ = http.NewResponseController(w).Flush()
		close(sent)
		<-fail
		panic(http.ErrAbortHandler) // the connection breaks
	}))
	defer srv.Close()
	up, err := url.Parse(srv.URL)
	require.NoError(t, err)
	dir := t.TempDir()
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log, RecordDir: dir})

	resp, err := http.DefaultClient.Do(chatRequest(t, pu))
	require.NoError(t, err)
	defer resp.Body.Close()
	<-sent
	got := make([]byte, len(first))
	_, err = io.ReadFull(resp.Body, got)
	require.NoError(t, err)
	close(fail)
	_, err = io.ReadAll(resp.Body)
	require.Error(t, err, "the client sees the response broken off, not a clean end")
	p.Wait()
	body, cp := readCapture(t, onlyFile(t, dir, ".sse"))
	assert.Equal(t, first, body)
	assert.Equal(t, "upstream", cp.Cut())
	assert.Contains(t, log.String(), "[FAIL] 1 | m | openai")
	assert.Contains(t, log.String(), ": warning: "+capture.CutNote("upstream")+"\n")
}

// TestConcurrentStreams: 100 streams at once through the proxy are each
// byte-identical to the upstream's, each summarized and recorded.
func TestConcurrentStreams(t *testing.T) {
	t.Parallel()
	const n = 100
	up := serveUpstream(t, includeUsage)
	_, _, want := get(t, http.DefaultClient, chatRequest(t, up))
	dir := t.TempDir()
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log, RecordDir: dir})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	defer client.CloseIdleConnections()

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			resp, err := client.Do(chatRequest(t, pu))
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			switch {
			case err != nil:
				errs <- err
			case !bytes.Equal(want, got):
				errs <- fmt.Errorf("got %d bytes that differ from the upstream's %d", len(got), len(want))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	p.Wait()
	const summary = "[OK] C2QD1kGW | gpt-4o-2024-08-06 | openai | TTFB: 0ms\n      Total: 0ms | in:364 out:40\n"
	assert.Equal(t, strings.Repeat(summary, n), log.String(), "whole summaries, never interleaved")
	captures, err := filepath.Glob(filepath.Join(dir, "*.sse"))
	require.NoError(t, err)
	require.Len(t, captures, n)
	for _, c := range captures {
		body, cp := readCapture(t, c)
		assert.Equal(t, string(want), body, c)
		assert.Empty(t, cp.Cut(), c)
	}
}

// TestShutdownLetsStreamsFinish: once stopped, the proxy accepts no more
// connections, and a stream running then ends normally, recorded whole.
func TestShutdownLetsStreamsFinish(t *testing.T) {
	t.Parallel()
	path, first := pacedCapture(t)
	up, clock, _ := gatedUpstream(t, path)
	dir := t.TempDir()
	stopped := make(chan struct{})
	pu, cancel, served := serveProxy(t, proxy.Options{Upstream: up, RecordDir: dir, OnShutdown: func() { close(stopped) },
		After: func(time.Duration) <-chan time.Time { return nil }}) // the grace never runs out

	resp, err := http.DefaultClient.Do(chatRequest(t, pu))
	require.NoError(t, err)
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	got := make([]byte, len(first))
	_, err = io.ReadFull(br, got)
	require.NoError(t, err)
	<-clock.Waits() // the stream is running, the upstream waiting
	cancel()        // SIGINT
	<-stopped
	_, err = net.Dial("tcp", pu.Host)
	require.Error(t, err, "no new connection is accepted")
	clock.Release()
	go clock.Allow(1) // the end, 10 ms later
	rest, err := io.ReadAll(br)
	require.NoError(t, err)
	require.NoError(t, <-served)
	body, cp := readCapture(t, onlyFile(t, dir, ".sse"))
	assert.Equal(t, first+string(rest), body)
	assert.Empty(t, cp.Cut())
	assert.False(t, cp.Truncated())
}

// TestShutdownGraceRunsOut: a stream still running when the grace period
// runs out is cut, its capture ended and marked cut by the proxy, and
// Serve returns once it is written.
func TestShutdownGraceRunsOut(t *testing.T) {
	t.Parallel()
	path, first := pacedCapture(t)
	up, clock, ended := gatedUpstream(t, path)
	dir := t.TempDir()
	grace := make(chan time.Time)
	var asked time.Duration
	var log syncBuffer
	pu, cancel, served := serveProxy(t, proxy.Options{Upstream: up, RecordDir: dir, Log: &log,
		After: func(d time.Duration) <-chan time.Time { asked = d; return grace }})

	resp, err := http.DefaultClient.Do(chatRequest(t, pu))
	require.NoError(t, err)
	defer resp.Body.Close()
	got := make([]byte, len(first))
	_, err = io.ReadFull(resp.Body, got)
	require.NoError(t, err)
	<-clock.Waits()
	cancel()
	close(grace) // the grace period runs out
	require.NoError(t, <-served)
	assert.Equal(t, 7*time.Second, asked)
	require.ErrorIs(t, <-ended, context.Canceled, "the upstream request is cancelled")
	_, err = io.ReadAll(resp.Body)
	require.Error(t, err, "the client's stream is cut")
	body, cp := readCapture(t, onlyFile(t, dir, ".sse"))
	assert.Equal(t, first, body)
	assert.Equal(t, "proxy", cp.Cut())
	assert.Contains(t, log.String(), ": warning: "+capture.CutNote("proxy")+"\n")
}

// serveProxy serves a proxy on 127.0.0.1 with a grace period of 7 s until
// cancel; served receives what Serve returned.
func serveProxy(tb testing.TB, opts proxy.Options) (u *url.URL, cancel context.CancelFunc, served <-chan error) {
	tb.Helper()
	if opts.Now == nil {
		opts.Now = fixedClock
	}
	p, err := proxy.New(opts)
	require.NoError(tb, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- p.Serve(ctx, ln, 7*time.Second) }()
	return &url.URL{Scheme: "http", Host: ln.Addr().String()}, cancel, done
}
