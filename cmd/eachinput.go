package cmd

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/sseinspect/sseinspect/ordered"
	"github.com/sseinspect/sseinspect/parser"
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
	// spare says that a capture has a core to itself and another to spare:
	// the inputs are read one at a time, or there is only one.
	var spare bool
	fail := func(err error) ordered.Job[T] {
		return ordered.Job[T]{Run: func(*ordered.Progress) (T, error) {
			var zero T
			return zero, err
		}}
	}
	for _, arg := range names {
		files, unreadable, fromDir, err := dirs.expand(arg)
		if err != nil {
			jobs = append(jobs, fail(err))
			continue
		}
		// The entries that could not be read come first, each an error
		// of its own; the captures are read all the same.
		for _, err := range unreadable {
			jobs = append(jobs, fail(err))
		}
		for _, f := range files {
			jobs = append(jobs, ordered.Job[T]{Name: f, Run: func(p *ordered.Progress) (T, error) {
				v, err := openAndWork(env, f, p, spare, work)
				if fromDir && errors.Is(err, parser.ErrNotAStream) {
					err = &notACaptureError{err}
				}
				return v, err
			}})
		}
	}
	spare = runtime.GOMAXPROCS(0) > 1 && (workers == 1 || len(jobs) == 1)
	opts := ordered.Options{Workers: workers}
	if progress {
		opts.Progress = env.Stderr
	}
	worst := ExitOK
	notRead := 0 // the inputs a signal came before
	// skipped counts the files of a directory that are not captures; read
	// the others.
	skipped, read := 0, 0
	ordered.Run(jobs, opts, func(v T, err error) {
		code := ExitError
		if err == nil {
			code, err = emit(v)
		}
		var nr *notReadError
		if errors.As(err, &nr) {
			notRead++
			worst = max(worst, nr.ExitStatus())
			return
		}
		var nc *notACaptureError
		if errors.As(err, &nc) {
			skipped++
			fmt.Fprintf(env.Stderr, "sseinspect: %v\n", nc)
			return
		}
		read++
		if err != nil {
			code = ExitError
			if ie, ok := interrupted(err); ok {
				code = ie.ExitStatus()
			}
			fmt.Fprintf(env.Stderr, "sseinspect: %v\n", err)
		}
		worst = max(worst, code)
	})
	if notRead > 0 {
		what := "1 more input was"
		if notRead > 1 {
			what = fmt.Sprintf("%d more inputs were", notRead)
		}
		fmt.Fprintf(env.Stderr, "sseinspect: interrupted: %s not read\n", what)
	}
	if skipped > 0 && read == 0 && notRead == 0 {
		fmt.Fprintln(env.Stderr, "sseinspect: no captures: every file found is not one")
		worst = ExitError
	}
	if worst != ExitOK {
		return &exitError{code: worst}
	}
	return nil
}

// notACaptureError is a file found in a directory that is neither an SSE
// stream nor a JSON body (a README.txt among the captures): it is skipped,
// with a note, and the exit status is not changed. Named on the command
// line, the same file is an error.
type notACaptureError struct{ err error }

func (e *notACaptureError) Error() string {
	return e.err.Error() + " (skipped: not a capture)"
}

func (e *notACaptureError) Unwrap() error { return e.err }

// notReadError is an input not opened because a signal came before.
type notReadError struct{ *InterruptedError }

// openAndWork opens the input name, counting what is read of it in p, and
// runs work on it; spare says that the input has a core to spare (see
// input.pipeline).
func openAndWork[T any](env *Env, name string, p *ordered.Progress, spare bool, work func(in *input) (T, error)) (T, error) {
	if ie, ok := interruptCause(env.Context); ok {
		var zero T
		return zero, &notReadError{ie}
	}
	in, err := open(env, name)
	if err != nil {
		var zero T
		return zero, err
	}
	if in.c != nil {
		defer in.c.Close()
	}
	if in.file {
		p.SetSize(in.size)
	}
	in.r = p.Reader(in.r)
	in.pipeline = spare && in.file && in.size >= pipelineMinSize
	return work(in)
}

// pipelineMinSize is the size of the smallest file replayed through the
// pipeline: below it, starting its goroutines costs more than they save.
const pipelineMinSize = 256 << 10

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
