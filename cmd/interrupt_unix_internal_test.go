//go:build unix

package cmd

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPollableDoneClosesTheDuplicate: the descriptor that pollable
// duplicates is closed by done (it leaked before, one per standard input
// or named pipe read, until a collection ran its finalizer).
func TestPollableDoneClosesTheDuplicate(t *testing.T) {
	t.Parallel()
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pr.Close()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, done := interruptible(ctx, pr)
	require.NotNil(t, done, "a pipe is read through the poller")
	dr, ok := r.(*deadlineReader)
	require.True(t, ok, "%T", r)
	done()
	// (A read would block for good on the duplicate left open: done
	// made the descriptor blocking again.)
	err = dr.f.SetReadDeadline(time.Time{})
	require.ErrorContains(t, err, "closed", "the duplicate is closed once reading is over")
	// The original is still open and readable.
	_, err = pw.WriteString("x")
	require.NoError(t, err)
	b := make([]byte, 1)
	n, err := pr.Read(b)
	require.NoError(t, err)
	require.Equal(t, "x", string(b[:n]))
}
