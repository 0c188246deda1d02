package cmd

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProgressOfALargeCapture: while a capture of largeInput bytes or more
// is read, the progress line is rewritten in place with the MiB read so
// far; a smaller one shows none.
func TestProgressOfALargeCapture(t *testing.T) {
	t.Parallel()
	run := func(size int64) (string, bool) {
		var stderr bytes.Buffer
		var read, total atomic.Int64
		total.Store(size)
		done := make(chan struct{})
		go func() {
			for i := int64(1); i <= 4; i++ {
				read.Store(i * size / 4)
				time.Sleep(progressEvery)
			}
			close(done)
		}()
		shown := awaitShowingProgress(&Env{Stderr: &stderr}, done, &read, &total, 1, 3, "big.sse")
		return stderr.String(), shown
	}

	out, shown := run(256 << 20)
	assert.True(t, shown)
	lines := strings.Split(out, "\r\x1b[K")
	assert.Empty(t, lines[0], "each line starts by clearing the previous one")
	// About four redraws in 800 ms; at least one however loaded the
	// machine, each with the MiB read so far, never decreasing.
	require.GreaterOrEqual(t, len(lines)-1, 1, "%q", out)
	last := 0
	for _, l := range lines[1:] {
		m := regexp.MustCompile(`^\[2/3\] big\.sse (\d+) of 256 MiB$`).FindStringSubmatch(l)
		require.NotNil(t, m, "%q", l)
		n, _ := strconv.Atoi(m[1])
		assert.GreaterOrEqual(t, n, last, "%q", out)
		last = n
	}
	assert.Positive(t, last, "the MiB read are shown: %q", out)

	out, shown = run(largeInput - 1)
	assert.False(t, shown)
	assert.Empty(t, out, "no progress for a capture under largeInput")
}
