package sse_test

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/sse"
)

// timedReads is a TimedReader: each read returns the next chunk, which
// arrived at 10ms times its index (from 1); the end comes at end.
type timedReads struct {
	chunks []string
	i      int
	end    time.Duration
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func (r *timedReads) ReadTimed(p []byte) (int, time.Time, error) {
	if r.i >= len(r.chunks) {
		return 0, epoch.Add(r.end), io.EOF
	}
	n := copy(p, r.chunks[r.i])
	at := epoch.Add(time.Duration(r.i+1) * 10 * time.Millisecond)
	r.chunks[r.i] = r.chunks[r.i][n:]
	if r.chunks[r.i] == "" {
		r.i++
	}
	return n, at, nil
}

func (r *timedReads) Read(p []byte) (int, error) {
	n, _, err := r.ReadTimed(p)
	return n, err
}

// TestEventArrival: an event is timed by the read that brought the line
// terminator that dispatched it; an incomplete one by the end of input.
func TestEventArrival(t *testing.T) {
	t.Parallel()
	r := &timedReads{
		chunks: []string{
			"data: a\n",       // 10: a's data, not its blank line
			"\ndata: b\n\nda", // 20: dispatches a and b
			"ta: c\r",         // 30: c's data line, ended by a CR
			"\r",              // 40: a lone CR: the blank line after c
			"\ndata: d",       // 50: the LF of a CRLF, then d without end
		},
		end: 70 * time.Millisecond,
	}
	s := sse.NewScanner(r)
	var got []string
	var at []time.Duration
	for s.Scan() {
		got = append(got, string(s.Event().Data))
		at = append(at, s.Event().At.Sub(epoch))
	}
	require.NoError(t, s.Err())
	ms := time.Millisecond
	assert.Equal(t, []string{"a", "b", "c", "d"}, got)
	assert.Equal(t, []time.Duration{20 * ms, 20 * ms, 40 * ms, 70 * ms}, at)

	// A reader that is not timed: no times.
	s = sse.NewScanner(strings.NewReader("data: a\n\n"))
	require.True(t, s.Scan())
	assert.True(t, s.Event().At.IsZero())
}
