package cmd

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"sync/atomic"
	"syscall"
)

// InterruptedError says that a run was stopped by a signal (SIGINT or
// SIGTERM) before it had read all of its input. What arrived before it is
// reported; the exit status is the conventional 128+signal (ExitStatus),
// except for the commands that decide (check, golden, diff), which cannot
// decide on part of a stream and exit 2.
type InterruptedError struct {
	Signal os.Signal
}

func (e *InterruptedError) Error() string {
	return "interrupted by " + signalName(e.Signal)
}

// ExitStatus is the conventional exit status of a process stopped by the
// signal: 128 plus its number (130 for SIGINT, 143 for SIGTERM).
func (e *InterruptedError) ExitStatus() int {
	if s, ok := e.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 128 + int(syscall.SIGINT)
}

// signalName names a signal as people know it: SIGINT, SIGTERM.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	if s == nil {
		return "a signal"
	}
	return s.String()
}

// interrupted returns the InterruptedError in err's chain, if any.
func interrupted(err error) (*InterruptedError, bool) {
	var ie *InterruptedError
	ok := errors.As(err, &ie)
	return ie, ok
}

// catchSignals returns a context derived from parent that is cancelled,
// with an *InterruptedError as its cause, on the first signal that
// env.Signals delivers; the signals are then let go (env.Signals' stop), so
// that a second one has its default effect and ends a run that does not
// stop. stop releases everything. Without env.Signals, it is parent.
//
// env.Signals is called on a goroutine of its own, not before catchSignals
// returns: signal.Notify hands each signal to a thread of the runtime and
// waits for it, a tenth of the start-up of a run on a small file (issue
// 16). Until it has returned, a signal has its default effect, as it has
// while the process starts. So that no one can tell, the run waits for it
// (waitCaught) before anything that another process may see and answer
// with a signal: before it reads an input that may stall (a pipe, a
// terminal), and before it writes anything (Run); a command that serves,
// records or writes files waits before it starts, summarize --golden
// --update before it writes the golden file.
func catchSignals(env *Env, parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	if env.Signals == nil {
		return ctx, func() { cancel(nil) }
	}
	caught := make(chan struct{})
	ctx = context.WithValue(ctx, caughtKey{}, (<-chan struct{})(caught))
	done := make(chan struct{})
	go func() {
		sigs, release := env.Signals()
		close(caught)
		defer release()
		select {
		case s := <-sigs:
			cancel(&InterruptedError{Signal: s})
		case <-done:
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		close(done)
		cancel(nil)
	}
}

// caughtKey is the key of the channel, in the context of catchSignals,
// that is closed once the signals are caught.
type caughtKey struct{}

// waitCaught returns once the signals of ctx are caught (see
// catchSignals); at once when ctx catches none.
func waitCaught(ctx context.Context) {
	if ctx == nil {
		return
	}
	if caught, ok := ctx.Value(caughtKey{}).(<-chan struct{}); ok {
		<-caught
	}
}

// caughtWriter is w, whose first write waits until the signals are
// caught (see catchSignals).
type caughtWriter struct {
	ctx    context.Context
	w      io.Writer
	caught atomic.Bool
}

func (c *caughtWriter) Write(p []byte) (int, error) {
	if !c.caught.Load() {
		waitCaught(c.ctx)
		c.caught.Store(true)
	}
	return c.w.Write(p)
}

// interruptCause returns the InterruptedError that cancelled ctx, if a
// signal did.
func interruptCause(ctx context.Context) (*InterruptedError, bool) {
	if ctx == nil {
		return nil, false
	}
	return interrupted(context.Cause(ctx))
}

// interruptible returns r read so that a signal (the cancellation of ctx
// with an *InterruptedError) ends the reading at once, even while a read
// is blocked on a stalled pipe: Read then returns what it holds and the
// *InterruptedError. A regular file never stalls: it is read directly, the
// signal looked at before each read. Anything else (a pipe, a terminal, a
// socket) is read by a goroutine, one read at a time on the caller's
// behalf and into its own buffer, so that an abandoned read never writes
// into the caller's; after a signal that goroutine stays blocked until the
// read returns (the process is about to exit).
//
// A pipe or a socket (on Unix) is read through Go's poller instead (see
// pollable): no goroutine per read, which cost a third more CPU time on a
// large pipe. done, when not nil, must be called when reading is over.
func interruptible(ctx context.Context, r io.Reader) (rd io.Reader, done func()) {
	if ctx == nil || ctx.Done() == nil {
		return r, nil
	}
	if s, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := s.Stat(); err == nil && fi.Mode().IsRegular() {
			return &checkedReader{ctx: ctx, r: r}, nil
		}
	}
	waitCaught(ctx) // r may stall: a signal must find the run ready
	if pr, restore, ok := pollable(ctx, r); ok {
		return pr, restore
	}
	return &asyncReader{ctx: ctx, r: r, res: make(chan readResult, 1)}, nil
}

// checkErr returns the error that stops reading once ctx is done: the
// InterruptedError of a signal, or ctx's error.
func checkErr(ctx context.Context) error {
	if ie, ok := interruptCause(ctx); ok {
		return ie
	}
	return ctx.Err()
}

// checkedReader looks at the signal before each read.
type checkedReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *checkedReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, checkErr(c.ctx)
	}
	return c.r.Read(p)
}

type readResult struct {
	p   []byte
	err error
}

// asyncReader reads r on a goroutine, one read per Read, and gives up
// waiting when ctx is done.
type asyncReader struct {
	ctx     context.Context
	r       io.Reader
	res     chan readResult
	pending bool   // a read is under way
	buf     []byte // the goroutine's buffer, when no read is under way
	held    []byte // what the last read brought and the caller has not taken
	spare   []byte // the buffer held is in
	heldErr error  // the error of that read, returned once held is taken
	err     error  // the error that ended reading, returned from then on
}

// asyncReadSize is the smallest read the goroutine makes: the callers'
// reads are often small (a bufio.Reader's 4 KiB), and a goroutine per
// small read costs more than the copy of what one larger read brings.
const asyncReadSize = 64 << 10

func (a *asyncReader) Read(p []byte) (int, error) {
	if len(a.held) > 0 {
		n := copy(p, a.held)
		a.held = a.held[n:]
		if len(a.held) == 0 {
			a.buf, a.spare = a.spare, nil // taken: the buffer serves again
			if a.heldErr != nil {
				a.err = a.heldErr
				return n, a.err
			}
		}
		return n, nil
	}
	if a.err != nil {
		return 0, a.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if a.ctx.Err() != nil {
		a.err = checkErr(a.ctx)
		return 0, a.err
	}
	if !a.pending {
		size := max(len(p), asyncReadSize)
		if cap(a.buf) < size {
			a.buf = make([]byte, size)
		}
		buf := a.buf[:size]
		a.buf = nil
		a.pending = true
		go func() {
			n, err := a.r.Read(buf)
			a.res <- readResult{p: buf[:n], err: err}
		}()
	}
	select {
	case res := <-a.res:
		return a.done(p, res)
	case <-a.ctx.Done():
		select {
		case res := <-a.res: // what arrived with the signal is kept
			return a.done(p, res)
		default:
		}
		a.err = checkErr(a.ctx)
		return 0, a.err
	}
}

// done hands the result of the goroutine's read over to the caller; what
// does not fit in p is held for the next calls, and the read's error
// comes after it.
func (a *asyncReader) done(p []byte, res readResult) (int, error) {
	a.pending = false
	n := copy(p, res.p)
	if n < len(res.p) {
		a.held, a.heldErr = res.p[n:], res.err
		a.buf, a.spare = nil, res.p[:cap(res.p)]
		return n, nil
	}
	a.buf = res.p[:cap(res.p)]
	if res.err != nil {
		a.err = res.err
	}
	return n, res.err
}
