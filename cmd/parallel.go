package cmd

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// largeInput is the size from which a single capture gets a progress line.
const largeInput = 64 << 20

// progressEvery is how often a progress line is rewritten while a large
// capture is read.
const progressEvery = 200 * time.Millisecond

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// eachInputOrdered runs work on every capture named by args (a directory
// standing for its captures when dirs allows it), up to workers of them at
// once, and calls emit for each, in input order, on this goroutine, so
// output keeps the order of the arguments and emit needs no locking. At
// most workers results wait to be emitted, so memory stays bounded however
// many files there are. Each input's error is printed on stderr, in order
// too, and the worst exit code is returned as an error (nil for 0).
//
// With progress, a "[i/n] name" line on stderr, rewritten in place, shows
// which capture is awaited when there are several, and how much of a large
// one (64 MiB or more) has been read; it is cleared before the capture's
// output or error is written. The caller decides when (a terminal, not
// JSON).
func eachInputOrdered[T any](env *Env, args []string, dirs dirOptions, workers int, progress bool,
	work func(in *input) (T, error), emit func(T) (int, error)) error {
	names, err := inputs(args)
	if err != nil {
		return err
	}
	// The items, in order: a file to read, or an error to print there.
	type item struct {
		name string
		err  error
	}
	var items []item
	for _, arg := range names {
		files, err := dirs.expand(arg)
		if err != nil {
			items = append(items, item{err: err})
			continue
		}
		for _, f := range files {
			items = append(items, item{name: f})
		}
	}

	type result struct {
		v    T
		code int
		err  error
		done chan struct{}
		read atomic.Int64 // bytes read so far
		size atomic.Int64 // the file's size, 0 when unknown
	}
	run := func(it item, r *result) {
		defer close(r.done)
		if it.err != nil {
			r.code, r.err = ExitError, it.err
			return
		}
		in, err := open(env, it.name)
		if err != nil {
			r.code, r.err = ExitError, err
			return
		}
		if in.c != nil {
			defer in.c.Close()
		}
		if f, ok := in.c.(*os.File); ok {
			if fi, err := f.Stat(); err == nil {
				r.size.Store(fi.Size())
			}
		}
		in.r = countingReader{r: in.r, n: &r.read}
		r.v, r.err = work(in)
		if r.err != nil {
			r.code = ExitError
		}
	}

	workers = max(1, workers)
	results := make([]*result, len(items))
	next := 0 // the next item to start
	start := func() {
		r := &result{done: make(chan struct{})}
		results[next] = r
		go run(items[next], r)
		next++
	}
	worst := ExitOK
	for i := range items {
		for next < len(items) && next < i+workers {
			start()
		}
		r := results[i]
		shown := progress && len(items) > 1
		if shown {
			fmt.Fprintf(env.Stderr, "\r\x1b[K[%d/%d] %s", i+1, len(items), items[i].name)
		}
		if progress {
			shown = awaitShowingProgress(env, r.done, &r.read, &r.size, i, len(items), items[i].name) || shown
		} else {
			<-r.done
		}
		results[i] = nil
		if shown {
			// Clear the line before anything is written, on stdout
			// (the same terminal, most likely) or stderr.
			fmt.Fprint(env.Stderr, "\r\x1b[K")
		}
		code, err := r.code, r.err
		if err == nil {
			code, err = emit(r.v)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "sseinspect: %v\n", err)
			code = ExitError
		}
		worst = max(worst, code)
	}
	if worst != ExitOK {
		return &exitError{code: worst}
	}
	return nil
}

// awaitShowingProgress waits for done; while it waits on a large input
// (64 MiB or more), it rewrites a progress line with the bytes read so far
// every progressEvery. It reports whether it wrote one.
func awaitShowingProgress(env *Env, done <-chan struct{}, read, size *atomic.Int64, i, n int, name string) bool {
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	shown := false
	for {
		select {
		case <-done:
			return shown
		case <-tick.C:
			total := size.Load()
			if total < largeInput {
				continue
			}
			shown = true
			fmt.Fprintf(env.Stderr, "\r\x1b[K[%d/%d] %s %d of %d MiB", i+1, n, name, read.Load()>>20, total>>20)
		}
	}
}
