package serve_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
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

// logSink collects the request logs of a Player.
type logSink struct {
	mu   sync.Mutex
	logs []serve.RequestLog
}

func (s *logSink) log(l serve.RequestLog) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logs = append(s.logs, l)
}

func (s *logSink) all() []serve.RequestLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]serve.RequestLog(nil), s.logs...)
}

// TestHandlerFailsWhatItCannotPlay: a malformed line in the middle of the
// capture aborts the connection (the client sees an error, not a whole
// response); a capture gone since the start is a 500 with the error.
// Each request is logged once, with its outcome.
func TestHandlerFailsWhatItCannotPlay(t *testing.T) {
	t.Parallel()
	malformed := ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n" +
		":sseinspect-t 0.000\ndata: a\n\n" +
		":sseinspect-t bogus\ndata: b\n\n" +
		":sseinspect-end 170.000\n"
	var logs logSink
	path := writeCapture(t, malformed)
	p := &serve.Player{Path: path, Speed: 0, Log: logs.log}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/v1/messages")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the head was sent before the malformed line")
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "the response is cut, not complete")
	assert.Equal(t, "data: a\n\n", string(body))

	require.NoError(t, os.Remove(path))
	resp, err = http.Get(srv.URL + "/again")
	require.NoError(t, err)
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, string(body), "no such file or directory")

	got := logs.all()
	require.Len(t, got, 2)
	assert.Equal(t, "GET", got[0].Method)
	assert.Equal(t, "/v1/messages", got[0].Path)
	assert.Equal(t, 200, got[0].Status)
	assert.Equal(t, int64(len("data: a\n\n")), got[0].Bytes)
	assert.Contains(t, got[0].Outcome, `aborted: `)
	assert.Contains(t, got[0].Outcome, `malformed time line ":sseinspect-t bogus"`)
	assert.Equal(t, 500, got[1].Status)
	assert.Contains(t, got[1].Outcome, "failed: ")
}

// TestHandlerLogsEachRequest: one line per request, when it ends.
func TestHandlerLogsEachRequest(t *testing.T) {
	t.Parallel()
	clock := gatedclock.New()
	var logs logSink
	p := &serve.Player{Path: writeCapture(t, servedCapture), Speed: 1, Now: clock.Now, Wait: clock.Wait, Log: logs.log}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	go clock.Allow(3)
	resp, err := http.Post(srv.URL+"/v1/chat/completions?x=1", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	_, err = io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	got := logs.all()
	require.Len(t, got, 1)
	assert.Equal(t, "POST /v1/chat/completions 200 32 bytes 170ms ok", got[0].String())

	l := serve.RequestLog{Method: "GET", Path: "/\x1b[2J\n[OK]", Status: 200, Outcome: "client gone"}
	assert.Equal(t, `GET "/\x1b[2J\n[OK]" 200 0 bytes 0s client gone`, l.String(), "a path cannot forge a log line")
}

// TestServeStopsPromptlyWhenAClientDoesNotRead: a client that sends its
// request and then reads nothing holds a handler blocked in a write; when
// the server stops, its connection is closed at once, and Serve returns
// nil (it used to wait 5 s and fail with "context deadline exceeded").
func TestServeStopsPromptlyWhenAClientDoesNotRead(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("data: "+strings.Repeat("x", 1000)+"\n\n", 16<<10) // 16 MB: more than the socket buffers
	var logs logSink
	p := &serve.Player{Path: writeCapture(t, big), Speed: 0, Log: logs.log}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- p.Serve(ctx, ln) }()

	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	head := make([]byte, len("HTTP/1.1 200"))
	_, err = io.ReadFull(conn, head)
	require.NoError(t, err)
	cancel()
	require.NoError(t, <-done)
}
