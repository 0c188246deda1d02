package serve

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// shutdownGrace is how long Serve waits, once ctx is done, for the
// connections to close.
const shutdownGrace = 5 * time.Second

// Serve serves the capture on ln, to every request (any method, any path)
// anew, until ctx is done; then it stops accepting, cancels the streams
// being played, and returns nil. It closes ln.
func (p *Player) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           p.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
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
func (p *Player) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		flush := func() { _ = rc.Flush() }
		sent := false
		send := func(status int, recorded http.Header) {
			h := w.Header()
			for k, v := range recorded {
				h[k] = v
			}
			if h.Get("Content-Type") == "" {
				h.Set("Content-Type", "text/event-stream")
			}
			h.Set("Cache-Control", "no-cache")
			h.Set("X-Accel-Buffering", "no")
			w.WriteHeader(status)
			flush()
			sent = true
		}
		body := writerFunc(func(b []byte) (int, error) {
			if !sent {
				send(http.StatusOK, nil)
			}
			return w.Write(b)
		})
		_ = p.play(r.Context(), body, flush, nil, send)
		if !sent {
			send(http.StatusOK, nil)
		}
	})
}

// writerFunc is an io.Writer made of a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
