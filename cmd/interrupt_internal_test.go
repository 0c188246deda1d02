package cmd

import (
	"context"
	"io"
	"os"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInterruptiblePipe: a real pipe (read through the poller on Unix, a
// goroutine elsewhere) gives what arrived, then, blocked on the stalled
// pipe, ends at once with the signal's InterruptedError.
func TestInterruptiblePipe(t *testing.T) {
	t.Parallel()
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pr.Close()
	defer pw.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r, done := interruptible(ctx, pr)
	if done != nil {
		defer done()
	}
	_, err = pw.WriteString("data: a\n\n")
	require.NoError(t, err)
	buf := make([]byte, 64)
	n, err := r.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "data: a\n\n", string(buf[:n]))

	got := make(chan error, 1)
	go func() {
		_, err := r.Read(buf) // blocks: nothing more arrives
		got <- err
	}()
	cancel(&InterruptedError{Signal: syscall.SIGTERM})
	err = <-got
	ie, ok := interrupted(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 143, ie.ExitStatus())
	_, err = r.Read(buf)
	require.ErrorIs(t, err, ie, "and from then on")

	// The pipe is read to its end as any reader.
	pr2, pw2, err := os.Pipe()
	require.NoError(t, err)
	defer pr2.Close()
	r2, done2 := interruptible(context.Background(), pr2)
	assert.Nil(t, done2, "a context that is never done leaves the reader as it is")
	_, err = pw2.WriteString("x")
	require.NoError(t, err)
	require.NoError(t, pw2.Close())
	all, err := io.ReadAll(r2)
	require.NoError(t, err)
	assert.Equal(t, "x", string(all))
}

// TestSignalsCaughtOffTheRunsPath: catchSignals returns before the signals
// are caught (signal.Notify waits for a thread of the runtime: start-up,
// issue 16); the run waits for them before its first write and before it
// reads an input that may stall, not before it reads a regular file.
func TestSignalsCaughtOffTheRunsPath(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	var mu sync.Mutex
	var order []string
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, s)
	}
	env := &Env{Signals: func() (<-chan os.Signal, func()) {
		<-gate
		note("caught")
		return make(chan os.Signal), func() {}
	}}
	ctx, stop := catchSignals(env, context.Background()) // returns with the gate shut
	defer stop()

	f, err := os.Open("startup_test.go")
	require.NoError(t, err)
	defer f.Close()
	r, done := interruptible(ctx, f) // a regular file never stalls: no wait
	assert.Nil(t, done)
	_, err = r.Read(make([]byte, 1))
	require.NoError(t, err)

	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pr.Close()
	defer pw.Close()
	w := &caughtWriter{ctx: ctx, w: writerFunc(func(p []byte) (int, error) { note("write"); return len(p), nil })}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		_, err := w.Write([]byte("x"))
		assert.NoError(t, err)
		_, done := interruptible(ctx, pr)
		note("pipe")
		if done != nil {
			done()
		}
		_, err = w.Write([]byte("y"))
		assert.NoError(t, err)
	}()
	close(gate)
	<-finished
	assert.Equal(t, []string{"caught", "write", "pipe", "write"}, order)
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
