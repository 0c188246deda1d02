package proxy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/proxy"
	"github.com/sseinspect/sseinspect/serve"
)

// includeUsage is a real OpenAI chat stream that asked for usage
// (testdata/captures, see SOURCES.md).
const includeUsage = "../testdata/captures/openai/chat-parallel-tool-calls-empty-args-include-usage.sse"

// syncBuffer is a log that the proxy writes and the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixedClock is a clock that stands still: every time is 0 ms.
func fixedClock() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// serveUpstream serves the capture at path with replay --listen's server
// on 127.0.0.1, at once (speed max), and returns its URL.
func serveUpstream(t testing.TB, path string) *url.URL {
	t.Helper()
	return serveOn(t, func(ctx context.Context, ln net.Listener) error {
		return (&serve.Player{Path: path}).Serve(ctx, ln)
	})
}

// serveOn serves on a new listener of 127.0.0.1 until the test ends.
func serveOn(t testing.TB, serveFn func(ctx context.Context, ln net.Listener) error) *url.URL {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveFn(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	return &url.URL{Scheme: "http", Host: ln.Addr().String()}
}

// startProxy serves a proxy with opts on 127.0.0.1 until the test ends.
func startProxy(t testing.TB, opts proxy.Options) (*url.URL, *proxy.Proxy) {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedClock
	}
	p, err := proxy.New(opts)
	require.NoError(t, err)
	u := serveOn(t, func(ctx context.Context, ln net.Listener) error {
		return p.Serve(ctx, ln, time.Minute)
	})
	return u, p
}

// chatRequest is a request as the OpenAI SDK sends it, with a key.
func chatRequest(t testing.TB, base *url.URL) *http.Request {
	t.Helper()
	body := `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}`
	req, err := http.NewRequest(http.MethodPost, base.String()+"/v1/chat/completions", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer sk-secret")
	req.Header.Set("Content-Type", "application/json")
	return req
}

// get sends req and returns the status, header and body of the response.
func get(t testing.TB, c *http.Client, req *http.Request) (int, http.Header, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, body
}

// TestPassThroughAndSummary: through the proxy, a client gets the bytes
// the upstream sends, and the proxy logs the summary that summarize
// prints of the capture (the times are 0 ms: the proxy's clock stands
// still).
func TestPassThroughAndSummary(t *testing.T) {
	t.Parallel()
	up := serveUpstream(t, includeUsage)
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log})

	_, wantHeader, want := get(t, http.DefaultClient, chatRequest(t, up))
	code, header, got := get(t, http.DefaultClient, chatRequest(t, pu))
	p.Wait()
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, string(want), string(got))
	assert.Equal(t, wantHeader.Get("Content-Type"), header.Get("Content-Type"))
	assert.Equal(t, "[OK] C2QD1kGW | gpt-4o-2024-08-06 | openai | TTFB: 0ms\n      Total: 0ms | in:364 out:40\n", log.String())
}

// TestJSONLog: with JSON, one line per response: method, path and the
// JSON summary.
func TestJSONLog(t *testing.T) {
	t.Parallel()
	up := serveUpstream(t, includeUsage)
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log, JSON: true})
	get(t, http.DefaultClient, chatRequest(t, pu))
	p.Wait()
	var line struct {
		Method  string `json:"method"`
		Path    string `json:"path"`
		Summary struct {
			Format       string `json:"format"`
			Status       string `json:"status"`
			OutputTokens int    `json:"output_tokens"`
			Source       string `json:"source"`
		} `json:"summary"`
	}
	require.True(t, strings.HasSuffix(log.String(), "}\n"), log.String())
	require.Equal(t, 1, strings.Count(log.String(), "\n"), log.String())
	require.NoError(t, json.Unmarshal([]byte(log.String()), &line))
	assert.Equal(t, "POST", line.Method)
	assert.Equal(t, "/v1/chat/completions", line.Path)
	assert.Equal(t, "openai-chat", line.Summary.Format)
	assert.Equal(t, "ok", line.Summary.Status)
	assert.Equal(t, 40, line.Summary.OutputTokens)
	assert.Empty(t, line.Summary.Source, "nothing recorded")
}

// TestUpstreamDown: an upstream that cannot be reached gives the client a
// 502 that says why, and a log line.
func TestUpstreamDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	down := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	require.NoError(t, ln.Close()) // nothing listens there any more
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: down, Log: &log})
	code, header, body := get(t, http.DefaultClient, chatRequest(t, pu))
	p.Wait()
	assert.Equal(t, http.StatusBadGateway, code)
	assert.Equal(t, "text/plain; charset=utf-8", header.Get("Content-Type"))
	assert.Contains(t, string(body), "sseinspect proxy: 502 Bad Gateway: the upstream "+down.String()+" failed: ")
	assert.Contains(t, string(body), "connection refused")
	assert.Contains(t, log.String(), "sseinspect: proxy: POST /v1/chat/completions: upstream "+down.String()+": ")
	assert.Contains(t, log.String(), "(502 sent to the client)\n")
}

// TestNewRejectsBadUpstream: only http and https upstreams with a host.
func TestNewRejectsBadUpstream(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"ftp://example.com", "http://", "/v1"} {
		u, err := url.Parse(s)
		require.NoError(t, err)
		_, err = proxy.New(proxy.Options{Upstream: u})
		assert.Error(t, err, s)
	}
	_, err := proxy.New(proxy.Options{})
	assert.Error(t, err)
}
