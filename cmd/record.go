package cmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/timing"
)

// recordOptions are the flags of record.
type recordOptions struct {
	output      string
	maxLineSize int
	// create opens the capture file; nil means os.Create (tests inject
	// failing writers).
	create func(name string) (io.WriteCloser, error)
}

// newRecordCmd is the record command: live standard input written as a
// timed capture.
func newRecordCmd(env *Env) *cobra.Command {
	o := &recordOptions{}
	c := &cobra.Command{
		Use:   "record [-o FILE]",
		Short: "Record a live stream from standard input as a timed capture",
		Long: `Read a live stream on standard input and write a timed capture: the stream
with the arrival time of its lines kept in SSE comment lines, so that
summarize, events, body and replay reproduce its timing later.

Without -o, the timed capture goes to standard output. With -o FILE, it goes
to FILE, and the stream is passed through to standard output unchanged, as
it arrives (like tee), so record can sit in the middle of a pipe.

The timed capture is still a valid event stream: any SSE reader gets the same
events from it. It begins with ":sseinspect-timed v1 start=<RFC 3339 time>";
":sseinspect-t <ms>" comes before the lines that arrived <ms> milliseconds
after the start (the arrival of a line is that of the read that completed
it); ":sseinspect-end <ms>" ends it. Original lines that start with
":sseinspect-" are kept after ":sseinspect-esc", and a final line without a
line terminator after ":sseinspect-t <ms> noeol", so that every byte of the
original can be recovered ("sseinspect replay --speed max FILE").

Times are measured from the start of sseinspect, so start curl and record in
the same pipe. Recording a file redirected to standard input gives times near
zero; an output that is that file is refused before anything is written.

Like tee, an output that fails does not stop the others: when the capture
cannot be written (a full disk) or a line is longer than --max-line-size
(which bounds memory), the capture ends there, cut short, the stream keeps
passing through to standard output to its end, and then record reports the
error and exits with status 2.

On SIGINT (Ctrl-C) or SIGTERM, record ends the capture as at the end of
input: the last line, even incomplete (it was passed through already), is
written, then the end line; the exit status is 128+signal (130, 143).`,
		Example: `  curl -N https://api.example.com/v1/chat/completions ... | sseinspect record -o cap.sse | sseinspect summarize
  sseinspect summarize cap.sse      # the TTFB and total measured while recording
  sseinspect replay cap.sse         # the stream again, with its timing`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("record reads standard input and takes no FILE argument (got %q); use -o FILE to name the capture", args[0])
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error {
			if c.Flags().Changed("output") && o.output == "" {
				return usagef("-o: empty file name (use -o - for standard output)")
			}
			if !c.Flags().Changed("output") {
				o.output = "-"
			}
			if o.maxLineSize <= 0 {
				return usagef("--max-line-size: must be positive, got %d", o.maxLineSize)
			}
			return o.run(env)
		},
	}
	c.Flags().StringVarP(&o.output, "output", "o", "", "write the timed capture to `FILE` and pass the stream through to standard output")
	c.Flags().IntVar(&o.maxLineSize, "max-line-size", sse.DefaultMaxLineSize, "longest line recorded, in bytes (memory stays within a few times this)")
	return c
}

// recordBufSize is the size of the reads of standard input.
const recordBufSize = 64 << 10

func (o *recordOptions) run(env *Env) error {
	now := env.Now
	if now == nil {
		now = time.Now
	}
	start := env.Start
	if start.IsZero() {
		start = now()
	}
	toFile := o.output != "-"
	if err := refuseInputAsOutput(env.Stdin, env.Stdout, o.output, toFile); err != nil {
		return err
	}
	captureTo, name := env.Stdout, "stdout"
	var file io.WriteCloser
	if toFile {
		create := o.create
		if create == nil {
			create = func(name string) (io.WriteCloser, error) { return os.Create(name) }
		}
		f, err := create(o.output)
		if err != nil {
			return err
		}
		file, captureTo, name = f, f, o.output
	}
	w := timing.NewWriter(captureTo, start)
	w.SetMaxLineSize(o.maxLineSize)
	capture := &recordOutput{name: name, write: w.Append}
	outs := []*recordOutput{capture}
	if toFile {
		pass := &recordOutput{name: "stdout", write: func(p []byte, _ time.Duration) error {
			_, err := env.Stdout.Write(p)
			return err
		}}
		outs = []*recordOutput{pass, capture} // the stream flows on first
	}
	// A signal ends the reading as the end of input would: the line being
	// received, already passed through, is written, then the end line.
	stdin, done := interruptible(env.Context, env.Stdin)
	if done != nil {
		defer done()
	}
	rerr := copyToOutputs(stdin, outs, func() time.Duration { return now().Sub(start) })
	// The capture is ended (and stays readable) even when reading failed.
	if capture.err == nil {
		capture.err = w.Close(now().Sub(start))
		if capture.err != nil {
			capture.err = fmt.Errorf("%s: %w", name, capture.err)
		}
	}
	if file != nil {
		if err := file.Close(); err != nil && capture.err == nil {
			capture.err = fmt.Errorf("%s: %w", name, err)
		}
	}
	var errs []error
	ie, signaled := interrupted(rerr)
	if rerr != nil && !signaled {
		errs = append(errs, fmt.Errorf("stdin: %w", rerr))
	}
	for _, out := range outs {
		if out.err != nil {
			errs = append(errs, out.err)
		}
	}
	if signaled {
		// Last, so that the exit status is the signal's.
		errs = append(errs, fmt.Errorf("stdin: %w (what arrived is recorded: the capture ends there)", ie))
	}
	return reportAll(env, errs)
}

// recordOutput is one output of record: the capture, or the stream passed
// through. After its first error it is written no more, and the others go
// on.
type recordOutput struct {
	name  string
	write func(p []byte, at time.Duration) error
	err   error
}

// copyToOutputs reads r to its end and writes each read to every output
// that has not failed, like tee: an output that fails (a full disk, a line
// over the cap) stops only itself. It stops early when all have failed,
// and returns r's error other than io.EOF.
func copyToOutputs(r io.Reader, outs []*recordOutput, elapsed func() time.Duration) error {
	buf := make([]byte, recordBufSize)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			at := elapsed()
			working := 0
			for _, out := range outs {
				if out.err == nil {
					if werr := out.write(buf[:n], at); werr != nil {
						out.err = fmt.Errorf("%s: %w", out.name, werr)
					}
				}
				if out.err == nil {
					working++
				}
			}
			if working == 0 {
				return nil
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// reportAll prints every error but the last and returns the last (exit 2),
// so that each is said once, on its own line.
func reportAll(env *Env, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	for _, err := range errs[:len(errs)-1] {
		fmt.Fprintf(env.Stderr, "sseinspect: %v\n", err)
	}
	return errs[len(errs)-1]
}

// refuseInputAsOutput fails when an output of record is the regular file
// standard input reads: writing it would truncate what is being recorded,
// or feed the recording back into itself. It creates and truncates nothing.
func refuseInputAsOutput(stdin io.Reader, stdout io.Writer, output string, toFile bool) error {
	in, ok := statOf(stdin)
	if !ok || !in.Mode().IsRegular() {
		return nil // a pipe, a terminal, /dev/null: nothing to overwrite
	}
	if toFile {
		if out, err := os.Stat(output); err == nil && os.SameFile(in, out) {
			return fmt.Errorf("-o %s: it is standard input, which record reads; recording it would destroy it (write to another file)", output)
		}
	}
	if out, ok := statOf(stdout); ok && os.SameFile(in, out) {
		return errors.New("standard output is standard input, which record reads; recording would destroy it (write to another file)")
	}
	return nil
}

// statOf returns the file information of a stream that is a file.
func statOf(v any) (fs.FileInfo, bool) {
	s, ok := v.(interface{ Stat() (fs.FileInfo, error) })
	if !ok {
		return nil, false
	}
	fi, err := s.Stat()
	return fi, err == nil
}
