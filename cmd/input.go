package cmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/streamctx"
	"github.com/sseinspect/sseinspect/timing"
)

// input is one capture named on the command line.
type input struct {
	name string // as shown in messages: the path, or "stdin"
	// stdin says that the input is standard input.
	stdin bool
	r     io.Reader
	live  bool
	c     io.Closer
	// pipeline says that the input is a regular file, not a small one,
	// with a core to spare for it: it is replayed through
	// parser.Options.Pipeline.
	pipeline bool
	// file says that the input is a regular file (named, or standard
	// input redirected from one), and size what is left of it to read.
	file bool
	size int64
}

// inputs turns the arguments into inputs; no argument means stdin. Standard
// input may be named once.
func inputs(args []string) ([]string, error) {
	if len(args) == 0 {
		return []string{"-"}, nil
	}
	n := 0
	for _, a := range args {
		if a == "-" {
			n++
		}
	}
	if n > 1 {
		return nil, usagef("standard input (-) named %d times", n)
	}
	return args, nil
}

// open opens one argument. A directory is an error here.
func open(env *Env, arg string) (*input, error) {
	if arg == "-" {
		r, done := interruptible(env.Context, env.Stdin)
		in := &input{name: "stdin", stdin: true, r: r, live: env.StdinIsLive}
		if f, ok := env.Stdin.(*os.File); ok && !in.live {
			in.file, in.size = regularLeft(f)
		}
		if done != nil {
			in.c = closerFunc(func() error { done(); return nil }) // standard input stays open
		}
		return in, nil
	}
	f, err := os.Open(arg)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %w", arg, pe.Err)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	if fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory", arg)
	}
	r, done := interruptible(env.Context, f)
	if done != nil { // a named pipe
		return &input{name: arg, r: r, c: closerFunc(func() error { done(); return f.Close() })}, nil
	}
	return &input{name: arg, r: r, c: f, file: fi.Mode().IsRegular(), size: fi.Size()}, nil
}

// regularLeft reports whether f is a regular file, and how much of it is
// left to read from its offset (`sseinspect < capture.sse`).
func regularLeft(f *os.File) (bool, int64) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return false, 0
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil || off > fi.Size() {
		return true, 0
	}
	return true, fi.Size() - off
}

// closerFunc is an io.Closer made of a function.
type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// openCapture opens in (see capture.Open). Live standard input is timed
// by the clock of env, from the start of sseinspect; a timed capture, a
// curl trace or a HAR file carries its own times. --no-timing drops them
// all.
func (o *commonOptions) openCapture(env *Env, in *input) (*capture.Capture, error) {
	var opts capture.Options
	if in.live && !o.noTiming && env.Now != nil {
		opts = capture.Options{Clock: env.Now, Start: env.Start}
	}
	if !in.stdin {
		opts.Coding = capture.CodingOf(in.name)
	}
	c, err := capture.Open(in.r, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	return c, nil
}

// timed reports whether the times of c are used.
func (o *commonOptions) timed(c *capture.Capture) bool {
	return !o.noTiming && !c.Start.IsZero()
}

// setTiming sets the timing options of a stream context that replays c.
func (o *commonOptions) setTiming(c *capture.Capture, scOpts *streamctx.Options) {
	if o.timed(c) {
		scOpts.Start, scOpts.EventsUntimed = c.Start, c.EventsUntimed
	}
}

// warnCapture records in sc what the input could not keep: the notes of a
// conversion, a timed capture cut short.
func warnCapture(sc *streamctx.Context, c *capture.Capture) {
	for _, n := range c.Notes {
		sc.Warn("%s", n)
	}
	if c.Truncated() {
		sc.Warn("the timed capture has no end line (the recording was cut short): total is the arrival of its last line")
	}
	if cut := c.Cut(); cut != "" {
		sc.Warn("%s", capture.CutNote(cut))
	}
}

// explain returns the error of a malformed timed capture as it is, without
// the line of the original stream that the reader of the stream (the SSE
// scanner) puts around it: the line in the timed capture says more.
func explain(err error) error {
	var fe *timing.FormatError
	if errors.As(err, &fe) {
		return fe
	}
	return err
}

// source is the input as the JSON summary's "source" key names it: its
// path as given, or "-" for standard input.
func (in *input) source() string {
	if in.stdin {
		return "-"
	}
	return in.name
}
