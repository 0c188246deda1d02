package cmd

import (
	"fmt"
	"os"

	"github.com/sseinspect/sseinspect/ordered"
)

// eachInputOrdered runs work on every capture named by args (a directory
// standing for its captures when dirs allows it), up to workers of them at
// once, and calls emit for each, in input order, on this goroutine (see
// ordered.Run). Each input's error is printed on stderr, in order too, and
// the worst exit code is returned as an error (nil for 0).
//
// With progress, a progress line on stderr shows which capture is awaited
// when there are several, and how much of a large one has been read; it is
// cleared before the capture's output or error is written. The caller
// decides when (a terminal, not JSON).
func eachInputOrdered[T any](env *Env, args []string, dirs dirOptions, workers int, progress bool,
	work func(in *input) (T, error), emit func(T) (int, error)) error {
	names, err := inputs(args)
	if err != nil {
		return err
	}
	var jobs []ordered.Job[T]
	for _, arg := range names {
		files, err := dirs.expand(arg)
		if err != nil {
			jobs = append(jobs, ordered.Job[T]{Run: func(*ordered.Progress) (T, error) {
				var zero T
				return zero, err
			}})
			continue
		}
		for _, f := range files {
			jobs = append(jobs, ordered.Job[T]{Name: f, Run: func(p *ordered.Progress) (T, error) {
				return openAndWork(env, f, p, work)
			}})
		}
	}
	opts := ordered.Options{Workers: workers}
	if progress {
		opts.Progress = env.Stderr
	}
	worst := ExitOK
	ordered.Run(jobs, opts, func(v T, err error) {
		code := ExitError
		if err == nil {
			code, err = emit(v)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "sseinspect: %v\n", err)
			code = ExitError
		}
		worst = max(worst, code)
	})
	if worst != ExitOK {
		return &exitError{code: worst}
	}
	return nil
}

// openAndWork opens the input name, counting what is read of it in p, and
// runs work on it.
func openAndWork[T any](env *Env, name string, p *ordered.Progress, work func(in *input) (T, error)) (T, error) {
	in, err := open(env, name)
	if err != nil {
		var zero T
		return zero, err
	}
	if in.c != nil {
		defer in.c.Close()
	}
	if f, ok := in.c.(*os.File); ok {
		if fi, err := f.Stat(); err == nil {
			p.SetSize(fi.Size())
		}
	}
	in.r = p.Reader(in.r)
	return work(in)
}

// eachInput runs fn on every argument in order, printing each input's error
// on stderr, and returns the worst exit code as an error (nil for 0). A
// directory argument is an error.
func eachInput(env *Env, args []string, fn func(in *input) (int, error)) error {
	return eachInputIn(env, args, dirOptions{}, fn)
}

// eachInputIn is eachInput where, when dirs allows it, a directory argument
// stands for the captures in it, in sorted order (see captureFiles); a
// directory without captures is an error. fn handles one capture at a
// time, in order: it is eachInputOrdered with one worker.
func eachInputIn(env *Env, args []string, dirs dirOptions, fn func(in *input) (int, error)) error {
	emit := func(code int) (int, error) { return code, nil }
	return eachInputOrdered(env, args, dirs, 1, false, fn, emit)
}
