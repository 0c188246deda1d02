package cmd

import (
	"fmt"
	"runtime"
)

// eachInputOrdered is eachInputIn for commands whose work on one capture
// does not depend on the others (summarize): up to GOMAXPROCS captures are
// read at once, and emit is called for each, in input order, on this
// goroutine, so output keeps the order of the arguments and emit needs no
// locking. At most GOMAXPROCS results wait to be emitted, so memory stays
// bounded however many files there are. Errors are printed on stderr as
// eachInputIn prints them, in order too.
//
// With progress, a "[i/n] name" line on stderr, rewritten in place, shows
// which capture is awaited; it is cleared at the end. The caller decides
// when (a terminal, several captures, not JSON).
func eachInputOrdered[T any](env *Env, args []string, dirs dirOptions, progress bool,
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
		r.v, r.err = work(in)
		if r.err != nil {
			r.code = ExitError
		}
	}

	workers := max(1, runtime.GOMAXPROCS(0))
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
		if progress {
			fmt.Fprintf(env.Stderr, "\r\x1b[K[%d/%d] %s", i+1, len(items), items[i].name)
		}
		r := results[i]
		<-r.done
		results[i] = nil
		code, err := r.code, r.err
		if err == nil {
			code, err = emit(r.v)
		}
		if err != nil {
			if progress {
				fmt.Fprint(env.Stderr, "\r\x1b[K")
			}
			fmt.Fprintf(env.Stderr, "sseinspect: %v\n", err)
			code = ExitError
		}
		worst = max(worst, code)
	}
	if progress {
		fmt.Fprint(env.Stderr, "\r\x1b[K")
	}
	if worst != ExitOK {
		return &exitError{code: worst}
	}
	return nil
}
