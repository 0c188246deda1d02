package cmd

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/serve"
)

// replayOptions are the flags of replay.
type replayOptions struct {
	speed  string
	listen string
}

// newReplayCmd is the replay command: a timed capture played back
// (package serve).
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
ones). A capture without timing is written at once. A recorded time more
than a day after the one before cannot be right (an edited or damaged
capture): replay fails at once (exit 2) instead of waiting for it, but
with --speed max.

With --listen ADDR, serve the stream over HTTP instead, to every request
(any method, any path) anew, as text/event-stream, flushing each part as it
is played, so that a client or a gateway can be tested against a real
recorded stream. A capture recorded with curl -i is served with its recorded
status and headers (an error response too), except Content-Length,
Transfer-Encoding, Connection and Content-Encoding, which are the server's.
The capture is read once before listening: a missing file, a directory or a
malformed timed capture is an error (exit 2). A request that cannot be played
(the capture was removed or changed since) is answered 500 when nothing was
sent yet, else its connection is aborted, so that a client never takes a cut
stream for a whole one. Each request is logged on standard error when it
ends: "GET /v1/chat/completions 200 1234 bytes 1.502s ok" (method, path,
status, body bytes, duration, and ok, client gone, stopped, failed: ERROR
or aborted: ERROR). Stop the server with Ctrl-C (SIGINT) or SIGTERM: it
closes every connection at once, even of a client that does not read, and
exits 0. Without --listen, a signal ends the replay with 128+signal.`,
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
			return o.run(env, args[0])
		},
	}
	c.Flags().StringVar(&o.speed, "speed", "1", "play `N` times as fast as recorded (a positive number), or max: no waiting")
	c.Flags().StringVar(&o.listen, "listen", "", "serve the stream over HTTP on `ADDR` (host:port) until interrupted")
	return c
}

func (o *replayOptions) run(env *Env, path string) error {
	speed, err := parseSpeed(o.speed)
	if err != nil {
		return err
	}
	ctx := env.Context
	if ctx == nil {
		ctx = context.Background()
	}
	p := &serve.Player{Path: path, Speed: speed, Now: env.Now, Wait: env.Wait}
	if o.listen != "" {
		return o.serve(ctx, env, p)
	}
	err = p.Play(ctx, env.Stdout, env.Stderr)
	if ie, ok := interruptCause(ctx); ok && err != nil {
		return ie // exit 128+signal
	}
	return err
}

// maxSpeed is the fastest --speed but max: a million times as fast turns
// an hour into 3.6 ms.
const maxSpeed = 1e6

// parseSpeed parses --speed: a positive number, or "max" (0: no waiting).
func parseSpeed(s string) (float64, error) {
	if strings.EqualFold(s, "max") {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0 && v <= maxSpeed) {
		return 0, usagef("--speed: want a number above 0 and at most %d, or max (no waiting), got %q", int(maxSpeed), s)
	}
	return v, nil
}

// serve serves the capture of p on addr until ctx is done.
func (o *replayOptions) serve(ctx context.Context, env *Env, p *serve.Player) error {
	// Check the capture once before listening: a bad path or a malformed
	// capture is an error now (exit 2), not a failure of every request.
	if err := p.Check(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	p.Log = func(l serve.RequestLog) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(env.Stderr, "sseinspect: %s\n", l)
	}
	fmt.Fprintf(env.Stderr, "sseinspect: serving %s on http://%s/ (Ctrl-C to stop)\n", p.Path, ln.Addr())
	return p.Serve(ctx, ln)
}
