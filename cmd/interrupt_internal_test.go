package cmd

import (
	"context"
	"io"
	"os"
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
