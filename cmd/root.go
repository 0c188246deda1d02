package cmd

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/internal/version"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// commonOptions are the flags every command shares.
type commonOptions struct {
	format      string
	provider    string
	requestID   string
	color       string
	noTiming    bool
	maxLineSize int
	stall       time.Duration // --stall, where a command has it
}

func (o *commonOptions) bind(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.format, "format", "f", "auto", "wire format: "+strings.Join(parser.Names(), "|")+" (aliases accepted)")
	f.StringVar(&o.provider, "provider", "", "provider name to show (default: the format's vendor)")
	f.StringVar(&o.requestID, "request-id", "", "request id to show (default: the request-id header, else the response id)")
	f.StringVar(&o.color, "color", "auto", "colour: auto|always|never")
	f.BoolVar(&o.noTiming, "no-timing", false, "ignore arrival times, of live standard input or recorded in a timed capture (deterministic output)")
	f.IntVar(&o.maxLineSize, "max-line-size", sse.DefaultMaxLineSize, "longest line accepted, in bytes")
	_ = c.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return parser.Names(), cobra.ShellCompDirectiveNoFileComp
	})
	_ = c.RegisterFlagCompletionFunc("color", cobra.FixedCompletions([]string{"auto", "always", "never"}, cobra.ShellCompDirectiveNoFileComp))
}

// validate checks the flag values before any input is read.
func (o *commonOptions) validate() error {
	if _, _, err := parser.Lookup(o.format); err != nil {
		return usagef("--format: %v", err)
	}
	switch o.color {
	case "auto", "always", "never":
	default:
		return usagef("--color: invalid value %q (valid: auto, always, never)", o.color)
	}
	if o.maxLineSize <= 0 {
		return usagef("--max-line-size: must be positive, got %d", o.maxLineSize)
	}
	return nil
}

// useColor decides colour once: --color, else NO_COLOR and TERM=dumb,
// else whether stdout is a terminal.
func (o *commonOptions) useColor(env *Env) bool {
	switch o.color {
	case "always":
		return true
	case "never":
		return false
	}
	if env.Getenv("NO_COLOR") != "" || env.Getenv("TERM") == "dumb" {
		return false
	}
	return env.StdoutIsTerminal
}

func newRootCmd(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "sseinspect",
		Short: "Inspect captured Server-Sent-Events streams of LLM APIs",
		Long: `sseinspect reads a captured SSE stream of an LLM API (a file, or curl -N output
piped into it), replays its events through the parser of its wire format and
tells the truth about it: latency, tokens, text, tool calls, completion, errors.

Exit status: 0 the stream is complete and error-free; 1 a report was printed
but the stream failed, is incomplete, carried undecodable events or could not
be read to its end; 2 nothing to report (usage error, unreadable input,
unrecognizable format).`,
		Example: `  sseinspect summarize capture.sse
  curl -N https://api.example.com/v1/chat/completions ... | sseinspect summarize
  sseinspect summarize --json testdata/captures/*/*.sse`,
		Version:       version.Get().String(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("%v", err) })
	root.AddCommand(newSummarizeCmd(env), newBodyCmd(env), newEventsCmd(env), newTextCmd(env))
	root.AddCommand(newCheckCmd(env), newGoldenCmd(env), newDiffCmd(env))
	root.AddCommand(newRecordCmd(env), newReplayCmd(env))
	return root
}

// NewRootCommand returns the command tree that Run executes, with cobra's
// completion command added, for tools that document it (the man pages and
// the command reference). It runs nothing; env is only kept for a later
// Execute.
func NewRootCommand(env Env) *cobra.Command {
	root := newRootCmd(&env)
	root.InitDefaultCompletionCmd()
	return root
}

// replayed is one replayed capture.
type replayed struct {
	sc   *streamctx.Context
	snap streamctx.Snapshot
	res  parser.Result
	// keptBytes is the memory its text and tool calls take
	// (streamctx.Options.OnKeep), when a membudget.Budget counts it.
	keptBytes int64
	// readErr, when not nil, is the error that stopped reading after
	// events were read: only what came before is reported. noted says
	// that printNote said so.
	readErr error
	noted   bool
}

// code is the exit code this capture calls for.
func (c *replayed) code() int {
	if c.snap.Status != streamctx.StatusOK || c.snap.BadEvents > 0 {
		return ExitFailed
	}
	return ExitOK
}

// replay reads one input into a new stream context.
func (o *commonOptions) replay(env *Env, in *input, scOpts streamctx.Options) (*replayed, error) {
	return o.replayNoting(env, in, scOpts, false)
}

// replayNoting is replay; with deferNote, a capture that could not be read
// to its end (capture.readErr) is not said so on stderr at once: the caller
// prints it (printNote) when its output comes (a worker of
// eachInputOrdered), or makes it an error (replayWhole).
func (o *commonOptions) replayNoting(env *Env, in *input, scOpts streamctx.Options, deferNote bool) (*replayed, error) {
	cp, err := o.openCapture(env, in)
	if err != nil {
		return nil, err
	}
	o.setTiming(cp, &scOpts)
	scOpts.Stall = o.stall
	sc := streamctx.New(scOpts)
	sc.RequestID = o.requestID
	sc.ProviderName = o.provider
	res, err := parser.ReplayCapture(cp, sc, parser.Options{Format: o.format, MaxLineSize: o.maxLineSize})
	var partial *parser.PartialError
	var readErr error
	switch {
	case errors.As(err, &partial):
		// What arrived before is reported; the error counts as an
		// undecodable event (exit 1) and is said on stderr too.
		cause := explain(partial.Err)
		sc.BadEvent(0, "the input could not be read to its end", cause)
		readErr = fmt.Errorf("%s: %w", in.name, cause)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", in.name, explain(err))
	}
	warnCapture(sc, cp)
	provider := o.provider
	if provider == "" {
		provider = res.Format.Vendor
	}
	c := &replayed{sc: sc, snap: sc.Snapshot(res.Format.Name, provider), res: res, readErr: readErr}
	if !deferNote {
		c.printNote(env)
	}
	return c, nil
}

// replayWhole is replay for the commands that decide on a whole stream
// (check, diff): assertions or comparisons on part of one decide nothing,
// so a capture not read to its end is an error.
func (o *commonOptions) replayWhole(env *Env, in *input, scOpts streamctx.Options) (*replayed, error) {
	c, err := o.replayNoting(env, in, scOpts, true)
	if err == nil && c.readErr != nil {
		return nil, c.readErr
	}
	return c, err
}

// printNote says on stderr, once, that the capture could not be read to its
// end, if so.
func (c *replayed) printNote(env *Env) {
	if c.readErr != nil && !c.noted {
		fmt.Fprintf(env.Stderr, "sseinspect: %v (what was read before is reported)\n", c.readErr)
		c.noted = true
	}
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
