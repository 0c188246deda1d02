package cmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/htmlreport"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// reportOptions are the flags of report.
type reportOptions struct {
	commonOptions
	dirs   dirOptions
	output string
}

// newReportCmd is the report command: one offline HTML file of captures.
func newReportCmd(env *Env) *cobra.Command {
	o := &reportOptions{}
	c := &cobra.Command{
		Use:   "report [FILE|DIR|-]... -o report.html",
		Short: "Write an offline HTML report of one capture or of many",
		Long: `Write one self-contained HTML file (no network access when opened: inline
CSS and SVG, a small inline script) that shows each capture: its summary,
a timeline of the output (characters of text and reasoning) against time (first byte, first event, first token
and first answer text marked, reasoning and answer phases shaded, tool calls,
server tool calls and stalls marked), a histogram of the gaps between content
events, its events as a table (filterable by type), and its text, reasoning
and tool calls. A capture without per-event times is drawn against the event
index, and says so.

Several captures, or a DIR (as summarize reads it), also get a sortable table
of them all (failed and incomplete first, each linking to its section), the
distributions of their TTFB, TTFT and output tokens per second, and the totals
line of summarize.

What a report keeps of a capture is bounded (the timeline thinned evenly, the
first events of the table, the text cut, each with a note), so a report stays
small however long the stream. An untimed capture gives the same bytes every
time, so a report can be a golden file.

-o FILE is written whole or not at all (through a temporary file beside it);
without -o the report goes to standard output, unless it is a terminal.
Exit status: 0 when every capture is OK, 1 when one failed or is incomplete,
2 when one could not be read or the report not written.`,
		Example: `  sseinspect report capture.sse -o report.html
  sseinspect report -r testdata/captures -o corpus.html
  curl -N ... | sseinspect report -o live.html`,
		RunE: func(_ *cobra.Command, args []string) error {
			return o.run(env, args)
		},
	}
	o.bind(c)
	o.bindEstimate(c)
	o.bindPrices(c)
	o.dirs.bind(c)
	o.stall = streamctx.DefaultStall
	c.Flags().Var((*positiveDuration)(&o.stall), "stall", "mark gaps between content events longer than this as stalls")
	c.Flags().StringVarP(&o.output, "output", "o", "", "write the report to `FILE` (default: standard output, when it is not a terminal)")
	return c
}

func (o *reportOptions) run(env *Env, args []string) error {
	if err := o.validate(); err != nil {
		return err
	}
	if o.output == "" && env.StdoutIsTerminal {
		return usagef("the report is HTML: name a file with -o FILE, or redirect standard output")
	}
	if err := o.notAnInput(args); err != nil {
		return err
	}
	paths, err := inputs(args)
	if err != nil {
		return err
	}
	var many []string
	for _, a := range paths {
		files, _, _, err := o.dirs.expand(a)
		if err != nil {
			return err
		}
		many = append(many, files...)
	}
	limits := htmlreport.OneCapture
	if len(many) > 1 {
		limits = htmlreport.ManyCaptures
	}
	var captures []*htmlreport.Capture
	runErr := eachInputIn(env, args, o.dirs, func(in *input) (int, error) {
		var rec *htmlreport.Recorder
		watch := func(sc *streamctx.Context, start time.Time) func(*sse.Event) {
			rec = htmlreport.NewRecorder(sc, start, o.stall, limits)
			rec.Tokens = o.estimate != "" // --estimate-tokens: the timeline counts tokens
			return rec.OnEvent
		}
		// With --estimate-tokens, replayWatched gives the context a
		// tokenizer (streamctx.Options.Tokens).
		c, err := o.replayWatched(env, in, streamctx.Options{CollectText: true, CountChars: true, ServerTools: true}, false, watch)
		if err != nil {
			return ExitError, err
		}
		code := c.code()
		captures = append(captures, rec.Finish(in.name, c.snap, code != ExitOK, c.readErr))
		return code, nil
	})
	if len(captures) > 0 {
		if err := o.write(env, captures); err != nil {
			return err
		}
	}
	return runErr
}

// notAnInput refuses an output file that is one of the inputs: writing it
// would destroy the capture before it is read.
func (o *reportOptions) notAnInput(args []string) error {
	if o.output == "" || o.output == "-" {
		return nil
	}
	out, err := os.Stat(o.output)
	if err != nil {
		return nil // it does not exist yet
	}
	for _, a := range args {
		if fi, err := os.Stat(a); err == nil && os.SameFile(fi, out) {
			return usagef("-o %s: that is an input; the report would overwrite it", o.output)
		}
	}
	return nil
}

// write writes the report to -o FILE (through a temporary file renamed
// into place, so that a failed write leaves no half report) or stdout.
func (o *reportOptions) write(env *Env, captures []*htmlreport.Capture) error {
	if o.output == "" || o.output == "-" {
		if err := htmlreport.Write(env.Stdout, captures); err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(o.output), "."+filepath.Base(o.output)+".*")
	if err != nil {
		return fmt.Errorf("-o %s: %w", o.output, unwrapPath(err))
	}
	err = htmlreport.Write(tmp, captures)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), o.output)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("-o %s: %w", o.output, err)
	}
	return nil
}
