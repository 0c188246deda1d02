package cmd

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errDiskFull = errors.New("no space left on device")

// failingFile accepts n bytes, then fails every write, as a full disk does.
type failingFile struct {
	n      int
	closed bool
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, errDiskFull
	}
	f.n -= len(p)
	return len(p), nil
}

func (f *failingFile) Close() error {
	f.closed = true
	return nil
}

// failingStdout fails every write.
type failingStdout struct{}

func (failingStdout) Write([]byte) (int, error) { return 0, errDiskFull }

// TestRecordTeesWhenCaptureFails: like tee, a capture that cannot be
// written (after 64 KiB, or at once) does not stop the stream passing
// through; record reads to the end, then reports the error.
func TestRecordTeesWhenCaptureFails(t *testing.T) {
	t.Parallel()
	stream := strings.Repeat("data: {\"choices\":[{\"delta\":{\"content\":\"abc\"}}]}\n\n", 10000) // over 64 KiB many times
	for _, n := range []int{0, 100, 64 << 10, 200 << 10} {
		f := &failingFile{n: n}
		o := &recordOptions{output: "cap.sse", maxLineSize: 1 << 20, create: func(string) (io.WriteCloser, error) { return f, nil }}
		var stdout bytes.Buffer
		env := &Env{Stdin: strings.NewReader(stream), Stdout: &stdout, Stderr: io.Discard, Now: func() time.Time { return time.Unix(0, 0) }}
		err := o.run(env)
		require.ErrorIs(t, err, errDiskFull, "after %d bytes", n)
		assert.Contains(t, err.Error(), "cap.sse: ", "after %d bytes", n)
		assert.Equal(t, len(stream), stdout.Len(), "after %d bytes: the stream passes through whole", n)
		assert.True(t, f.closed, "after %d bytes", n)
	}
}

// TestRecordCapturesWhenStdoutFails: the same the other way round: the
// capture is written whole when standard output fails.
func TestRecordCapturesWhenStdoutFails(t *testing.T) {
	t.Parallel()
	stream := strings.Repeat("data: x\n\n", 20000)
	var file bytes.Buffer
	o := &recordOptions{output: "cap.sse", maxLineSize: 1 << 20, create: func(string) (io.WriteCloser, error) { return nopCloser{&file}, nil }}
	env := &Env{Stdin: strings.NewReader(stream), Stdout: failingStdout{}, Stderr: io.Discard, Now: func() time.Time { return time.Unix(0, 0) }}
	err := o.run(env)
	require.ErrorIs(t, err, errDiskFull)
	assert.Contains(t, err.Error(), "stdout: ")
	assert.Contains(t, file.String(), ":sseinspect-end ", "the capture is complete")
	assert.Equal(t, 20000, strings.Count(file.String(), "data: x\n"))
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
