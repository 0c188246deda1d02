package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/timing"
)

// recordOptions are the flags of record.
type recordOptions struct {
	output string
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
zero.`,
		Example: `  curl -N https://api.example.com/v1/chat/completions ... | sseinspect record -o cap.sse | sseinspect summarize
  sseinspect summarize cap.sse      # the TTFB and total measured while recording
  sseinspect replay cap.sse         # the stream again, with its timing`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("record reads standard input and takes no FILE argument (got %q); use -o FILE to name the capture", args[0])
			}
			return nil
		},
		RunE: func(_ *cobra.Command, _ []string) error {
			return o.run(env)
		},
	}
	c.Flags().StringVarP(&o.output, "output", "o", "", "write the timed capture to `FILE` and pass the stream through to standard output")
	return c
}

// recordBufSize is the size of the reads of standard input.
const recordBufSize = 64 << 10

func (o *recordOptions) run(env *Env) (err error) {
	now := env.Now
	if now == nil {
		now = time.Now
	}
	start := env.Start
	if start.IsZero() {
		start = now()
	}
	capture, pass := env.Stdout, io.Discard
	name := "stdout"
	if o.output != "" && o.output != "-" {
		f, err := os.Create(o.output)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = cerr
			}
		}()
		capture, pass, name = f, env.Stdout, o.output
	}
	w := timing.NewWriter(capture, start)
	buf := make([]byte, recordBufSize)
	for {
		n, rerr := env.Stdin.Read(buf)
		if n > 0 {
			at := now().Sub(start)
			if _, err := pass.Write(buf[:n]); err != nil {
				return fmt.Errorf("stdout: %w", err)
			}
			if err := w.Append(buf[:n], at); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		if rerr != nil {
			// The capture is ended (and stays readable) even when reading
			// failed.
			if err := w.Close(now().Sub(start)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if errors.Is(rerr, io.EOF) {
				return nil
			}
			return fmt.Errorf("stdin: %w", rerr)
		}
	}
}
