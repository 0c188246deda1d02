package proxy_test

import (
	"bytes"
	"context"
	"encoding/json"
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
	"github.com/sseinspect/sseinspect/pricing"
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
func serveUpstream(tb testing.TB, path string) *url.URL {
	tb.Helper()
	return serveOn(tb, func(ctx context.Context, ln net.Listener) error {
		return (&serve.Player{Path: path}).Serve(ctx, ln)
	})
}

// serveOn serves on a new listener of 127.0.0.1 until the test ends.
func serveOn(tb testing.TB, serveFn func(ctx context.Context, ln net.Listener) error) *url.URL {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveFn(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		assert.NoError(tb, <-done)
	})
	return &url.URL{Scheme: "http", Host: ln.Addr().String()}
}

// startProxy serves a proxy with opts on 127.0.0.1 until the test ends.
func startProxy(tb testing.TB, opts proxy.Options) (*url.URL, *proxy.Proxy) {
	tb.Helper()
	if opts.Now == nil {
		opts.Now = fixedClock
	}
	p, err := proxy.New(opts)
	require.NoError(tb, err)
	u := serveOn(tb, func(ctx context.Context, ln net.Listener) error {
		return p.Serve(ctx, ln, time.Minute)
	})
	return u, p
}

// chatRequest is a request as the OpenAI SDK sends it, with a key.
func chatRequest(tb testing.TB, base *url.URL) *http.Request {
	tb.Helper()
	body := `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}`
	req, err := http.NewRequest(http.MethodPost, base.String()+"/v1/chat/completions", strings.NewReader(body))
	require.NoError(tb, err)
	req.Header.Set("Authorization", "Bearer sk-secret")
	req.Header.Set("Content-Type", "application/json")
	return req
}

// get sends req and returns the status, header and body of the response.
func get(tb testing.TB, c *http.Client, req *http.Request) (int, http.Header, []byte) {
	tb.Helper()
	resp, err := c.Do(req)
	require.NoError(tb, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(tb, err)
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
		require.Error(t, err, s)
	}
	_, err := proxy.New(proxy.Options{})
	assert.Error(t, err)
}

// TestRecord: each exchange is recorded as a timed capture of the
// response, which capture reads back as the response the client got, and
// the request beside it with its credentials redacted; the JSON summary's
// source is the capture.
func TestRecord(t *testing.T) {
	t.Parallel()
	up := serveUpstream(t, includeUsage)
	dir := t.TempDir()
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log, JSON: true, RecordDir: dir})
	req := chatRequest(t, pu)
	req.URL.RawQuery = "alt=sse&key=AIza-secret"
	req.Header.Set("X-Api-Key", "sk-ant-secret")
	req.Header.Set("X-Request-Id", "gw-req-42")
	_, header, body := get(t, http.DefaultClient, req)
	p.Wait()

	name := filepath.Join(dir, "20260102T030405.000000Z-000001")
	f, err := os.Open(name + ".sse")
	require.NoError(t, err)
	defer f.Close()
	cp, err := capture.Open(f, capture.Options{})
	require.NoError(t, err)
	assert.Equal(t, fixedClock(), cp.Start, "a timed capture")
	assert.Equal(t, http.StatusOK, cp.StatusCode)
	assert.Equal(t, header.Get("Content-Type"), cp.Header.Get("Content-Type"))
	recorded, err := io.ReadAll(cp)
	require.NoError(t, err)
	assert.Equal(t, string(body), string(recorded))
	assert.False(t, cp.Truncated())

	reqFile, err := os.ReadFile(name + ".request")
	require.NoError(t, err)
	head, reqBody, ok := strings.Cut(string(reqFile), "\r\n\r\n")
	require.True(t, ok, string(reqFile))
	assert.True(t, strings.HasPrefix(head, "POST /v1/chat/completions?alt=sse&key=REDACTED HTTP/1.1\r\nHost: "+pu.Host+"\r\n"), head)
	assert.Contains(t, head, "\r\nAuthorization: Bearer REDACTED\r\n")
	assert.Contains(t, head, "\r\nX-Api-Key: REDACTED\r\n")
	assert.NotContains(t, string(reqFile), "secret")
	assert.Contains(t, reqBody, `"stream_options":{"include_usage":true}`)

	var line struct {
		Summary struct {
			RequestID string `json:"request_id"`
			Source    string `json:"source"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(log.String()), &line), log.String())
	assert.Equal(t, name+".sse", line.Summary.Source)
	assert.Equal(t, "gw-req-42", line.Summary.RequestID, "the request's own id")
}

// TestRecordRedactsCookies: hand-made upstream (a Cloudflare cookie as
// api.openai.com sets one). The recorded request has its cookies and
// subscription key redacted, the recorded response its Set-Cookie; the
// client gets the Set-Cookie as the upstream sent it.
func TestRecordRedactsCookies(t *testing.T) {
	t.Parallel()
	const setCookie = "__cf_bm=cookie-secret; path=/; HttpOnly; Secure"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Set-Cookie", setCookie)
		_, _ = io.WriteString(w, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	up, err := url.Parse(srv.URL)
	require.NoError(t, err)
	dir := t.TempDir()
	pu, p := startProxy(t, proxy.Options{Upstream: up, RecordDir: dir})
	req := chatRequest(t, pu)
	req.Header.Set("Cookie", "session=cookie-secret")
	req.Header.Set("Ocp-Apim-Subscription-Key", "apim-secret")
	_, header, _ := get(t, http.DefaultClient, req)
	p.Wait()
	assert.Equal(t, setCookie, header.Get("Set-Cookie"), "the client's response is unchanged")

	name := filepath.Join(dir, "20260102T030405.000000Z-000001")
	reqFile, err := os.ReadFile(name + ".request")
	require.NoError(t, err)
	assert.Contains(t, string(reqFile), "\r\nCookie: session=REDACTED\r\n")
	assert.Contains(t, string(reqFile), "\r\nOcp-Apim-Subscription-Key: REDACTED\r\n")
	assert.NotContains(t, string(reqFile), "secret")
	respFile, err := os.ReadFile(name + ".sse")
	require.NoError(t, err)
	assert.Contains(t, string(respFile), "\r\nSet-Cookie: __cf_bm=REDACTED; path=/; HttpOnly; Secure\r\n")
	assert.NotContains(t, string(respFile), "secret")
}

// TestRecordNoRedact: with NoRedact, the credentials are kept.
func TestRecordNoRedact(t *testing.T) {
	t.Parallel()
	up := serveUpstream(t, includeUsage)
	dir := t.TempDir()
	pu, p := startProxy(t, proxy.Options{Upstream: up, RecordDir: dir, NoRedact: true})
	req := chatRequest(t, pu)
	req.URL.RawQuery = "key=AIza-secret"
	get(t, http.DefaultClient, req)
	p.Wait()
	reqFile, err := os.ReadFile(filepath.Join(dir, "20260102T030405.000000Z-000001.request"))
	require.NoError(t, err)
	assert.Contains(t, string(reqFile), "?key=AIza-secret ")
	assert.Contains(t, string(reqFile), "\r\nAuthorization: Bearer sk-secret\r\n")
}

// TestUsageRequestedCutOff: hand-made upstream stream. A chat stream cut
// after its finish_reason, without the usage chunk and [DONE], and whose
// chunks do not say "usage": null, is summarized as complete from the
// capture alone; through the proxy, the request's
// stream_options.include_usage tells that the usage chunk is missing.
func TestUsageRequestedCutOff(t *testing.T) {
	t.Parallel()
	stream := `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}` + "\n\n" +
		`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n"
	path := filepath.Join(t.TempDir(), "cut.sse")
	require.NoError(t, os.WriteFile(path, []byte(stream), 0o644))
	up := serveUpstream(t, path)
	var log syncBuffer
	pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log})
	get(t, http.DefaultClient, chatRequest(t, pu))
	p.Wait()
	assert.Equal(t, "[FAIL] 1 | m | openai | TTFB: 0ms\n      Total: 0ms | in:0 out:0\n"+
		"sseinspect: POST /v1/chat/completions: warning: the stream ended after its finish_reason, without the usage chunk that the request asked for (stream_options.include_usage) and without [DONE]: it is incomplete\n", log.String())
}

// TestJSONLogCost: with Prices, the JSON summary of a stream that reported
// no cost is priced: gpt-4o (2.5 in, 10 out per million), 364 in, 40 out,
// 364×2.5 + 40×10 = 910 + 400. Without, the cost is unknown.
func TestJSONLogCost(t *testing.T) {
	t.Parallel()
	for _, prices := range []*pricing.Table{pricing.Default(), nil} {
		up := serveUpstream(t, includeUsage)
		var log syncBuffer
		pu, p := startProxy(t, proxy.Options{Upstream: up, Log: &log, JSON: true, Prices: prices})
		get(t, http.DefaultClient, chatRequest(t, pu))
		p.Wait()
		var line struct {
			Summary struct {
				Cost struct {
					USD    *float64 `json:"usd"`
					Source *string  `json:"source"`
					Reason *string  `json:"reason"`
				} `json:"cost"`
			} `json:"summary"`
		}
		require.NoError(t, json.Unmarshal([]byte(log.String()), &line), log.String())
		c := line.Summary.Cost
		if prices == nil {
			assert.Nil(t, c.USD)
			continue
		}
		require.NotNil(t, c.USD, "reason: %v", c.Reason)
		assert.InDelta(t, 1310e-6, *c.USD, 1e-12)
		require.NotNil(t, c.Source)
		assert.Equal(t, "price-table", *c.Source)
	}
}
