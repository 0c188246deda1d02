package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Serve serves the capture on ln, to every request (any method, any path)
// anew, until ctx is done; then it closes ln and every connection at once
// (a stream being played is cut, and a client that does not read cannot
// hold the server up), and returns nil. It closes ln.
func (p *Player) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           p.handler(ctx),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          log.New(io.Discard, "", 0), // the aborted responses are logged by the handler
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if err := srv.Close(); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Handler returns the handler that plays the capture, anew, as the
// response to each request, flushing each part as it is played. The status
// and headers of a capture recorded with curl -i are those recorded (but
// for the framing ones, which are the server's), sent when they are due;
// otherwise the status is 200 and the content type text/event-stream, sent
// at once. The response ends with the request's context (the client went
// away, or the server stops).
//
// A capture that cannot be played (it was removed, it is malformed) fails
// the response so that the client sees it: 500 with the error when nothing
// was sent yet; else the connection is aborted (no final chunk), never a
// response that looks complete. With p.Log, each request is logged once,
// when it ends (see RequestLog).
func (p *Player) Handler() http.Handler {
	return p.handler(context.Background())
}

// handler is Handler in a server that stops when stopping is done.
func (p *Player) handler(stopping context.Context) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := p.now()
		rc := http.NewResponseController(w)
		flush := func() { _ = rc.Flush() }
		sent, status := false, 0
		var bytes int64
		send := func(code int, recorded http.Header) {
			h := w.Header()
			for k, v := range recorded {
				h[k] = v
			}
			if h.Get("Content-Type") == "" {
				h.Set("Content-Type", "text/event-stream")
			}
			h.Set("Cache-Control", "no-cache")
			h.Set("X-Accel-Buffering", "no")
			w.WriteHeader(code)
			flush()
			sent, status = true, code
		}
		body := writerFunc(func(b []byte) (int, error) {
			if !sent {
				send(http.StatusOK, nil)
			}
			n, err := w.Write(b)
			bytes += int64(n)
			return n, err
		})
		err := p.play(r.Context(), body, flush, nil, send)
		outcome := "ok"
		switch {
		case err == nil:
		case stopping.Err() != nil:
			outcome = "stopped"
		case r.Context().Err() != nil:
			outcome = "client gone"
		case !sent:
			outcome = "failed: " + err.Error()
			http.Error(w, "sseinspect: "+err.Error(), http.StatusInternalServerError)
			status = http.StatusInternalServerError
		default:
			outcome = "aborted: " + err.Error()
		}
		if err == nil && !sent {
			send(http.StatusOK, nil)
		}
		p.logRequest(RequestLog{Method: r.Method, Path: r.URL.Path, Status: status, Bytes: bytes, Duration: p.now().Sub(start), Outcome: outcome})
		if err != nil && sent && r.Context().Err() == nil {
			// The client must not take a cut stream for a whole one.
			panic(http.ErrAbortHandler)
		}
	})
}

// RequestLog is what is logged of one request served: its method and
// path, the status sent, the body bytes written, how long it took, and its
// outcome: "ok" (played to its end), "client gone", "stopped" (the server
// stopped), "failed: ERR" (500, nothing was played) or "aborted: ERR" (the
// connection was aborted in the middle of the stream).
type RequestLog struct {
	Method, Path string
	Status       int
	Bytes        int64
	Duration     time.Duration
	Outcome      string
}

// String is the log line, without a line terminator:
// `GET /v1/chat/completions 200 1234 bytes 1.502s ok`. The path is quoted
// when it holds anything but printable ASCII.
func (l RequestLog) String() string {
	return fmt.Sprintf("%s %s %d %d bytes %s %s", plain(l.Method), plain(l.Path), l.Status, l.Bytes, l.Duration.Round(time.Millisecond), plain(l.Outcome))
}

// plain returns s as it is when it is printable ASCII, else quoted with Go
// escapes: what a client sent cannot forge a log line nor reach the
// terminal as a control sequence.
func plain(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f || s[i] == '"' {
			return strconv.QuoteToASCII(s)
		}
	}
	return s
}

func (p *Player) logRequest(l RequestLog) {
	if p.Log != nil {
		p.Log(l)
	}
}

// writerFunc is an io.Writer made of a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
