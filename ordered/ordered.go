// Package ordered runs jobs concurrently and hands their results back in
// the order of the jobs, with a progress line for people while it waits.
package ordered

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// LargeSize is the size from which a job gets a progress line of its own,
// with how much of it has been read.
const LargeSize = 64 << 20

// ProgressEvery is how often the progress line is redrawn while a large
// job runs.
const ProgressEvery = 200 * time.Millisecond

// A Job is one unit of work. Run is called on a goroutine of its own, or
// on Run's caller when nothing is to be done meanwhile (see Run); it
// reports how far it got through p.
type Job[T any] struct {
	// Name is shown in the progress line.
	Name string
	Run  func(p *Progress) (T, error)
}

// Progress is how far a job got: the bytes it read of how many. It is
// safe for concurrent use.
type Progress struct {
	read, size atomic.Int64
}

// SetSize sets the size of the job's input, 0 when unknown.
func (p *Progress) SetSize(n int64) { p.size.Store(n) }

// Reader returns r counting the bytes read through it as read.
func (p *Progress) Reader(r io.Reader) io.Reader { return countingReader{r: r, p: p} }

type countingReader struct {
	r io.Reader
	p *Progress
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.read.Add(int64(n))
	return n, err
}

// Options configure Run.
type Options struct {
	// Workers is how many jobs run at once (at least 1).
	Workers int
	// Progress, when not nil, is where the progress line is drawn (a
	// terminal): "[i/n] name" while the result of job i is awaited, when
	// there are several jobs, and "[i/n] name R of S MiB" redrawn for a
	// job of LargeSize or more. Each line starts with "\r\x1b[K", which
	// clears the previous one; the line is cleared before the result is
	// emitted.
	Progress io.Writer
	// Ticks, when not nil, paces the redraws of a large job instead of a
	// ticker of ProgressEvery (for tests: each value received redraws).
	Ticks <-chan time.Time
}

// Run runs the jobs, up to opts.Workers at once, and calls emit with each
// one's result, in the order of the jobs, on the calling goroutine, so
// that output keeps that order and emit needs no locking. At most Workers
// results wait to be emitted, so memory stays bounded however many jobs
// there are. Run returns when every result has been emitted.
//
// Without a progress line, when one job runs at a time (a single job, or
// Workers 1), the caller would only wait for each job: the jobs run on
// the calling goroutine instead, one after the other. For one small
// capture, the goroutine and the thread woken for it cost more than the
// reading (start-up, issue 16).
func Run[T any](jobs []Job[T], opts Options, emit func(v T, err error)) {
	if opts.Progress == nil && (len(jobs) == 1 || opts.Workers <= 1) {
		for _, j := range jobs {
			var p Progress
			emit(j.Run(&p))
		}
		return
	}
	type result struct {
		v    T
		err  error
		done chan struct{}
		p    Progress
	}
	workers := max(1, opts.Workers)
	results := make([]*result, len(jobs))
	next := 0 // the next job to start
	start := func() {
		r := &result{done: make(chan struct{})}
		results[next] = r
		go func(j Job[T]) {
			defer close(r.done)
			r.v, r.err = j.Run(&r.p)
		}(jobs[next])
		next++
	}
	for i := range jobs {
		for next < len(jobs) && next < i+workers {
			start()
		}
		r := results[i]
		shown := false
		if opts.Progress != nil {
			if len(jobs) > 1 {
				fmt.Fprintf(opts.Progress, "\r\x1b[K[%d/%d] %s", i+1, len(jobs), jobs[i].Name)
				shown = true
			}
			shown = awaitShowingProgress(opts, r.done, &r.p, i, len(jobs), jobs[i].Name) || shown
		} else {
			<-r.done
		}
		results[i] = nil
		if shown {
			// Cleared before anything is written, on the same
			// terminal most likely.
			fmt.Fprint(opts.Progress, "\r\x1b[K")
		}
		emit(r.v, r.err)
	}
}

// awaitShowingProgress waits for done; while it waits on a large job, it
// redraws the progress line with the bytes read so far at each tick. It
// reports whether it drew one.
func awaitShowingProgress(opts Options, done <-chan struct{}, p *Progress, i, n int, name string) bool {
	ticks := opts.Ticks
	if ticks == nil {
		t := time.NewTicker(ProgressEvery)
		defer t.Stop()
		ticks = t.C
	}
	shown := false
	for {
		select {
		case <-done:
			return shown
		case <-ticks:
			size := p.size.Load()
			if size < LargeSize {
				continue
			}
			shown = true
			fmt.Fprintf(opts.Progress, "\r\x1b[K[%d/%d] %s %d of %d MiB", i+1, n, name, p.read.Load()>>20, size>>20)
		}
	}
}
