package ordered_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/ordered"
)

// TestRunEmitsInOrder: jobs that finish in reverse order are emitted in
// job order, errors in place, with at most Workers running at once.
func TestRunEmitsInOrder(t *testing.T) {
	t.Parallel()
	const n, workers = 20, 4
	var running, most atomic.Int32
	release := make([]chan struct{}, n)
	var jobs []ordered.Job[int]
	for i := range n {
		release[i] = make(chan struct{})
		jobs = append(jobs, ordered.Job[int]{Name: strconv.Itoa(i), Run: func(*ordered.Progress) (int, error) {
			r := running.Add(1)
			for {
				m := most.Load()
				if r <= m || most.CompareAndSwap(m, r) {
					break
				}
			}
			<-release[i]
			running.Add(-1)
			if i%7 == 3 {
				return 0, fmt.Errorf("job %d", i)
			}
			return i * i, nil
		}})
	}
	// Release each window of jobs last first.
	go func() {
		for w := 0; w < n; w += workers {
			for i := min(w+workers, n) - 1; i >= w; i-- {
				release[i] <- struct{}{}
			}
		}
	}()
	var got []string
	ordered.Run(jobs, ordered.Options{Workers: workers}, func(v int, err error) {
		if err != nil {
			got = append(got, err.Error())
			return
		}
		got = append(got, strconv.Itoa(v))
	})
	var want []string
	for i := range n {
		if i%7 == 3 {
			want = append(want, fmt.Sprintf("job %d", i))
		} else {
			want = append(want, strconv.Itoa(i*i))
		}
	}
	assert.Equal(t, want, got)
	assert.LessOrEqual(t, most.Load(), int32(workers))
}

func TestRunProgressLineForSeveralJobs(t *testing.T) {
	t.Parallel()
	var progress bytes.Buffer
	var emitted []string
	jobs := []ordered.Job[string]{
		{Name: "a.sse", Run: func(*ordered.Progress) (string, error) { return "a", nil }},
		{Name: "b.sse", Run: func(*ordered.Progress) (string, error) { return "", errors.New("b failed") }},
	}
	ordered.Run(jobs, ordered.Options{Workers: 2, Progress: &progress}, func(v string, err error) {
		// The line is cleared before each result is emitted.
		emitted = append(emitted, fmt.Sprint(v, err, strings.HasSuffix(progress.String(), "\r\x1b[K")))
	})
	assert.Equal(t, []string{"a<nil> true", "b failed true"}, emitted)
	assert.Equal(t, "\r\x1b[K[1/2] a.sse\r\x1b[K\r\x1b[K[2/2] b.sse\r\x1b[K", progress.String())

	progress.Reset()
	ordered.Run(jobs[:1], ordered.Options{Progress: &progress}, func(string, error) {})
	assert.Empty(t, progress.String(), "one small job: no line")
}

// endless is a reader of bytes it never writes.
type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }

// TestProgressOfALargeJob: while a job of LargeSize bytes or more is read,
// the progress line is redrawn at each tick with the MiB read so far; a
// smaller one shows none. The ticks are the test's: no real time.
func TestProgressOfALargeJob(t *testing.T) {
	t.Parallel()
	run := func(size int64) string {
		var progress bytes.Buffer
		ticks := make(chan time.Time)
		job := ordered.Job[int]{Name: "big.sse", Run: func(p *ordered.Progress) (int, error) {
			p.SetSize(size)
			r := p.Reader(endless{})
			for range 4 {
				_, _ = io.CopyN(io.Discard, r, size/4)
				ticks <- time.Time{} // received: a redraw
			}
			return 0, nil
		}}
		ordered.Run([]ordered.Job[int]{job}, ordered.Options{Progress: &progress, Ticks: ticks}, func(int, error) {})
		return progress.String()
	}

	out := run(256 << 20)
	lines := strings.Split(out, "\r\x1b[K")
	assert.Empty(t, lines[0], "each line starts by clearing the previous one")
	assert.Empty(t, lines[len(lines)-1], "the line is cleared at the end")
	lines = lines[1 : len(lines)-1]
	require.Len(t, lines, 4, "one redraw per tick: %q", out)
	last := 0
	for _, l := range lines {
		m := regexp.MustCompile(`^\[1/1\] big\.sse (\d+) of 256 MiB$`).FindStringSubmatch(l)
		require.NotNil(t, m, "%q", l)
		n, _ := strconv.Atoi(m[1])
		assert.GreaterOrEqual(t, n, last, "never decreasing: %q", out)
		last = n
	}
	assert.Equal(t, 256, last, "all read at the last tick")

	assert.Empty(t, run(ordered.LargeSize-1), "no line for a job under LargeSize")
}

// goroutineID returns the number of the calling goroutine, from the first
// line of its stack ("goroutine 7 [running]:").
func goroutineID(tb testing.TB) string {
	tb.Helper()
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	f := strings.Fields(string(buf))
	require.GreaterOrEqual(tb, len(f), 2, string(buf))
	return f[1]
}

// TestRunOnTheCallerWhenItWouldOnlyWait: without a progress line, a single
// job, or jobs one at a time (Workers 1), run on the calling goroutine
// (start-up, issue 16: for one small capture the goroutine and the thread
// woken for it cost more than the reading); several jobs at once, or a
// progress line, on goroutines of their own. The results are the same.
func TestRunOnTheCallerWhenItWouldOnlyWait(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		jobs     int
		opts     ordered.Options
		onCaller bool
	}{
		{"one job", 1, ordered.Options{Workers: 4}, true},
		{"one at a time", 3, ordered.Options{Workers: 1}, true},
		{"workers unset", 3, ordered.Options{}, true},
		{"several at once", 3, ordered.Options{Workers: 2}, false},
		{"one job with progress", 1, ordered.Options{Workers: 4, Progress: io.Discard}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			caller := goroutineID(t)
			var jobs []ordered.Job[int]
			for i := range tc.jobs {
				jobs = append(jobs, ordered.Job[int]{Name: strconv.Itoa(i), Run: func(p *ordered.Progress) (int, error) {
					assert.NotNil(t, p)
					assert.Equal(t, tc.onCaller, goroutineID(t) == caller, "job %d on the caller's goroutine", i)
					if i == 1 {
						return 0, fmt.Errorf("job %d", i)
					}
					return i * 10, nil
				}})
			}
			var got []string
			ordered.Run(jobs, tc.opts, func(v int, err error) {
				got = append(got, fmt.Sprint(v, err))
			})
			want := []string{"0 <nil>", "0 job 1", "20 <nil>"}[:tc.jobs]
			assert.Equal(t, want, got)
		})
	}
}
