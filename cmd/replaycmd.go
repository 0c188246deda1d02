package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/capture"
)

type replayOptions struct {
	speed  string
	listen string
}

func newReplayCmd(env *Env) *cobra.Command {
	o := &replayOptions{}
	c := &cobra.Command{
		Use:   "replay FILE",
		Short: "Write a timed capture's stream with its recorded timing, or serve it over HTTP",
		Long: `Write the original stream of a timed capture (see record) to standard output,
each part at the time it arrived when it was recorded: the first byte after
the recorded TTFB, each line when it arrived, the end at the recorded total.
--speed 2 plays it twice as fast; --speed max writes it at once (which is
also how to get the original bytes back: they are exactly the recorded
ones). A capture without timing is written at once.

With --listen ADDR, serve the stream over HTTP instead, to every request
(any method, any path) anew, as text/event-stream, flushing each part as it
is played, so that a client or a gateway can be tested against a real
recorded stream. A capture recorded with curl -i is served with its recorded
status and headers (an error response too), except Content-Length,
Transfer-Encoding, Connection and Content-Encoding, which are the server's.
Stop the server with Ctrl-C (SIGINT) or SIGTERM.`,
		Example: `  curl -N https://api.example.com/v1/chat/completions ... | sseinspect record -o cap.sse
  sseinspect replay cap.sse | sseinspect summarize
  sseinspect replay --speed max cap.sse > original.sse
  sseinspect replay --listen 127.0.0.1:8081 cap.sse &
  curl -N http://127.0.0.1:8081/v1/chat/completions`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("replay takes one FILE, got %d", len(args))
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			speed, err := parseSpeed(o.speed)
			if err != nil {
				return err
			}
			ctx := env.Context
			if ctx == nil {
				ctx = context.Background()
			}
			p := &player{path: args[0], speed: speed, now: env.Now, wait: sleepCtx}
			if p.now == nil {
				p.now = time.Now
			}
			if o.listen != "" {
				if env.Interrupts != nil {
					var stop context.CancelFunc
					ctx, stop = env.Interrupts(ctx)
					defer stop()
				}
				return p.serve(ctx, env, o.listen)
			}
			return p.playFile(ctx, env.Stdout, nil, env.Stderr, nil)
		},
	}
	c.Flags().StringVar(&o.speed, "speed", "1", "play `N` times as fast as recorded (a positive number), or max: no waiting")
	c.Flags().StringVar(&o.listen, "listen", "", "serve the stream over HTTP on `ADDR` (host:port) until interrupted")
	return c
}

// parseSpeed parses --speed: a positive number, or "max" (0: no waiting).
func parseSpeed(s string) (float64, error) {
	if strings.EqualFold(s, "max") {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0 && v <= 1e6) {
		return 0, usagef("--speed: want a positive number or max, got %q", s)
	}
	return v, nil
}

// player plays a capture file with its recorded timing.
type player struct {
	path  string
	speed float64 // 0: as fast as possible
	now   func() time.Time
	wait  func(ctx context.Context, d time.Duration) error
}

// playFile opens the capture and plays it to w, calling flush (when not
// nil) after each write. A capture without timing is written at once, with
// a note on warn (when not nil). With a preamble function, the HTTP status
// and header of a capture recorded with curl -i are not written but handed
// to it, when they are due.
func (p *player) playFile(ctx context.Context, w io.Writer, flush func(), warn io.Writer, preamble func(status int, h http.Header)) error {
	f, err := os.Open(p.path)
	if err != nil {
		return err
	}
	defer f.Close()
	c, err := capture.Open(f, capture.Options{})
	if err != nil {
		return fmt.Errorf("%s: %w", p.path, err)
	}
	t0 := p.now()
	timed := !c.Start.IsZero()
	if c.Head != nil {
		if timed {
			if err := p.due(ctx, t0, c.FirstByte().Sub(c.Start)); err != nil {
				return err
			}
		}
		if preamble != nil {
			h := http.Header(c.Header).Clone()
			for _, k := range framingHeaders {
				h.Del(k)
			}
			preamble(c.StatusCode, h)
		} else if _, err := w.Write(c.Head); err != nil {
			return err
		}
	}
	if !timed {
		if warn != nil {
			fmt.Fprintf(warn, "sseinspect: %s: not a timed capture (see sseinspect record): written at once\n", p.path)
		}
		_, err := io.Copy(w, c)
		if flush != nil {
			flush()
		}
		return err
	}
	return p.play(ctx, t0, w, flush, c)
}

// due waits until offset at of the recording, divided by the speed, is due
// (counting from t0), or until ctx is done.
func (p *player) due(ctx context.Context, t0 time.Time, at time.Duration) error {
	if p.speed == 0 {
		return ctx.Err()
	}
	return p.wait(ctx, time.Duration(float64(at)/p.speed)-p.now().Sub(t0))
}

// play writes the body of c to w, each read when it is due (see due). It
// returns when the recorded end is due, or with ctx's error when ctx is
// done.
func (p *player) play(ctx context.Context, t0 time.Time, w io.Writer, flush func(), c *capture.Capture) error {
	buf := make([]byte, 64<<10)
	for {
		n, at, err := c.ReadTimed(buf)
		if n > 0 {
			if err := p.due(ctx, t0, at.Sub(c.Start)); err != nil {
				return err
			}
			if _, err := w.Write(buf[:n]); err != nil {
				return err
			}
			if flush != nil {
				flush()
			}
		}
		if errors.Is(err, io.EOF) {
			return p.due(ctx, t0, at.Sub(c.Start)) // the recorded end
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p.path, err)
		}
	}
}

// framingHeaders are the recorded response headers that replay --listen
// does not send: the server frames the response itself, and curl recorded
// the body decoded.
var framingHeaders = []string{"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Content-Encoding"}

// sleepCtx waits for d, or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// serve serves the capture on addr until ctx is done; then it stops
// accepting, cancels the streams being played, and returns nil.
func (p *player) serve(ctx context.Context, env *Env, addr string) error {
	// Check the file once before listening: a bad path is a usage-time
	// error, not a failure of every request.
	f, err := os.Open(p.path)
	if err != nil {
		return err
	}
	f.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(p.handle),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	fmt.Fprintf(env.Stderr, "sseinspect: serving %s on http://%s/ (Ctrl-C to stop)\n", p.path, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// handle plays the capture, anew, as the response to one request. The
// status and headers of a capture recorded with curl -i are those recorded
// (but for the framing ones, which are the server's), sent when they are
// due; otherwise the status is 200 and the content type text/event-stream,
// sent at once.
func (p *player) handle(w http.ResponseWriter, r *http.Request) {
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
	// The request's context ends when the client goes away or the server
	// stops; either way the response just ends.
	_ = p.playFile(r.Context(), body, flush, nil, send)
	if !sent {
		send(http.StatusOK, nil)
	}
}

// writerFunc is an io.Writer made of a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
