package serve_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/gatedclock"
	"github.com/sseinspect/sseinspect/serve"
)

const servedOriginal = "data: a\n\ndata: b\n\ndata: [DONE]\n\n"

const servedCapture = ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n" +
	":sseinspect-t 0.000\ndata: a\n\n" +
	":sseinspect-t 150.000\ndata: b\n\n" +
	":sseinspect-t 160.000\ndata: [DONE]\n\n" +
	":sseinspect-end 170.000\n"

// TestHandlerFlushesEachPartBeforeWaiting: the first event reaches the
// client while the player waits for the second to be due; the waits are
// the recorded gaps; each request gets the whole stream anew.
func TestHandlerFlushesEachPartBeforeWaiting(t *testing.T) {
	t.Parallel()
	clock := gatedclock.New()
	p := &serve.Player{Path: writeCapture(t, servedCapture), Speed: 1, Now: clock.Now, Wait: clock.Wait}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/v1/chat/completions")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
	br := bufio.NewReader(resp.Body)
	first, err := br.ReadString('\n')
	require.NoError(t, err, "the first part is flushed before the wait for the second")
	assert.Equal(t, "data: a\n", first)
	// b at 150ms, [DONE] at 160ms, the end at 170ms.
	assert.Equal(t, []time.Duration{150 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}, clock.Allow(3))
	rest, err := io.ReadAll(br)
	require.NoError(t, err)
	assert.Equal(t, servedOriginal, first+string(rest))

	// Each request anew, whatever its method and path.
	go clock.Allow(3)
	resp, err = http.Post(srv.URL, "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, servedOriginal, string(body))
}

// TestHandlerRecordedStatus: a capture recorded with curl -i is served
// with its recorded status and headers, when they are due, without the
// framing ones.
func TestHandlerRecordedStatus(t *testing.T) {
	t.Parallel()
	capture := ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n" +
		":sseinspect-t 20.000\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\r\n" +
		"Content-Type: application/json\r\nRetry-After: 7\r\nContent-Length: 999\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n" +
		":sseinspect-t 30.000\n{\"error\":{\"type\":\"rate_limit_error\"}}\n" +
		":sseinspect-end 31.000\n"
	clock := gatedclock.New()
	p := &serve.Player{Path: writeCapture(t, capture), Speed: 1, Now: clock.Now, Wait: clock.Wait}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	waits := make(chan []time.Duration, 1)
	go func() { waits <- clock.Allow(3) }()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, []time.Duration{20 * time.Millisecond, 10 * time.Millisecond, time.Millisecond}, <-waits, "the head is due at 20ms")
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, "7", resp.Header.Get("Retry-After"))
	assert.Equal(t, []string{"a=1", "b=2"}, resp.Header.Values("Set-Cookie"))
	assert.NotEqual(t, "999", resp.Header.Get("Content-Length"), "framing is the server's")
	assert.JSONEq(t, `{"error":{"type":"rate_limit_error"}}`, string(body))
	assert.True(t, strings.HasSuffix(string(body), "}\n"), "the body, as recorded")
}

// TestServeStopsWhenCancelled: cancelling the context ends the streams
// being played and stops the server cleanly.
func TestServeStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	clock := gatedclock.New()
	p := &serve.Player{Path: writeCapture(t, servedCapture), Speed: 1, Now: clock.Now, Wait: clock.Wait}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- p.Serve(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	first, err := bufio.NewReader(resp.Body).ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "data: a\n", first)
	<-clock.Waits() // the player waits for the second event
	cancel()
	require.NoError(t, <-done)
}
