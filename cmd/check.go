package cmd

import (
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/compare"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// checkOptions are the flags of check.
type checkOptions struct {
	commonOptions
	dirs dirOptions

	complete        bool
	noError         bool
	expectFormat    string
	model           string
	minOutputTokens int64
	maxTTFB         time.Duration
	maxTTFT         time.Duration
	maxTotal        time.Duration
	maxGap          time.Duration
	textContains    []string
	tools           []string
	maxCost         float64
}

// newCheckCmd is the check command: assertions on captures
// (compare.Check).
func newCheckCmd(env *Env) *cobra.Command {
	o := &checkOptions{}
	c := &cobra.Command{
		Use:   "check [FILE|DIR|-]...",
		Short: "Assert properties of captures (for CI): exit 1 when one fails",
		Long: `Check assertions on each capture. For every assertion that fails, print one
line "FAIL <flag>: <what was found>", then a verdict line per capture:
"PASS <file> (N assertions)" or "FAIL <file> (N of M assertions failed)".

The exit status is about the assertions, not the stream: 0 when all hold for
every capture, 1 when one fails, 2 when a capture cannot be read (to its
end: assertions on part of a stream decide nothing) or an assertion cannot
be decided. A timing assertion (--max-ttfb, --max-ttft, --max-total,
--max-gap) on a capture that carries no timing (timing comes from live
standard input or a timed capture written by sseinspect record) cannot be
decided: it is an error, never a pass; so are --max-ttft and --max-gap on
a capture that times only its first byte and its end (a HAR file), and
--expect-format on events that do not tell their wire format (it looks at
what the events are, even when --format forced another parser on them).
--max-gap bounds every gap
between two events carrying generated content; a stream with fewer than two
has no gap and passes it.

--max-cost bounds the cost in US dollars: the one the stream reported, else
the estimate from the embedded genai-prices snapshot or --prices FILE. A
capture whose cost is not known (no usage, a model not in the table) cannot
decide it: that is an error (exit 2), never a pass.

Durations are Go durations: 250ms, 1.5s, 2m. A DIR checks every capture in
it (*.sse, *.txt, *.har, *.eventstream, *.ndjson), -r also in its subdirectories.`,
		Example: `  sseinspect check --complete --no-error --min-output-tokens 1 capture.sse
  sseinspect check --expect-format anthropic --model '^claude-' --tool get_weather capture.sse
  sseinspect check --no-error --max-ttfb 2s --max-total 30s cap.sse   # a timed capture
  sseinspect check -r --complete --no-error testdata/captures`,
		RunE: func(c *cobra.Command, args []string) error {
			return o.run(env, c.Flags().Changed, args)
		},
	}
	o.bind(c)
	o.bindEstimate(c)
	o.bindPrices(c)
	o.dirs.bind(c)
	f := c.Flags()
	f.BoolVar(&o.complete, "complete", false, "the stream reached its format's normal end")
	f.BoolVar(&o.noError, "no-error", false, "no error event, no HTTP error, no undecodable event")
	f.StringVar(&o.expectFormat, "expect-format", "", "the capture is of wire format `F` (aliases accepted)")
	f.StringVar(&o.model, "model", "", "the model matches `REGEX` (Go syntax, unanchored)")
	f.Int64Var(&o.minOutputTokens, "min-output-tokens", 0, "output_tokens is at least `N`")
	f.DurationVar(&o.maxTTFB, "max-ttfb", 0, "time to first byte is at most `DUR` (needs timing)")
	f.DurationVar(&o.maxTTFT, "max-ttft", 0, "time to first content event is at most `DUR` (needs timing)")
	f.DurationVar(&o.maxTotal, "max-total", 0, "time to the last byte is at most `DUR` (needs timing)")
	f.DurationVar(&o.maxGap, "max-gap", 0, "no gap between content events is longer than `DUR` (needs timing)")
	f.StringArrayVar(&o.textContains, "text-contains", nil, "the answer text contains `S` (repeatable)")
	f.StringArrayVar(&o.tools, "tool", nil, "a tool call named `NAME` was made (repeatable)")
	f.Float64Var(&o.maxCost, "max-cost", 0, "the stream cost at most `USD` dollars (its reported cost, else the price table's estimate)")
	_ = c.RegisterFlagCompletionFunc("expect-format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return parser.Names()[1:], cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

func (o *checkOptions) run(env *Env, set func(flag string) bool, args []string) error {
	if err := o.validate(); err != nil {
		return err
	}
	checks, err := o.assertions(set)
	if err != nil {
		return err
	}
	err = eachInputIn(env, args, o.dirs, func(in *input) (int, error) {
		capt, err := o.replayNoting(env, in, streamctx.Options{CollectText: true}, true)
		if isInterrupt(err) {
			return ExitError, undecided(err)
		}
		if err != nil {
			return ExitError, err
		}
		if isInterrupt(capt.readErr) {
			// What arrived is shown, for the person who stopped it;
			// the assertions are not decided on part of a stream.
			if err := report.Summary(env.Stdout, &capt.snap, o.useColor(env)); err != nil {
				return ExitError, err
			}
			if err := report.Warnings(env.Stderr, in.name, &capt.snap); err != nil {
				return ExitError, err
			}
			return ExitError, undecided(capt.readErr)
		}
		if capt.readErr != nil {
			return ExitError, capt.readErr
		}
		return runChecks(env.Stdout, in.name, &capt.snap, checks)
	})
	return undecidedOnSignal(err)
}

// undecidedOnSignal returns err, the result of a command that decides
// (check, diff, summarize --golden), with the exit status of a signal
// (128+n) made 2: a comparison on part of a stream decides nothing.
func undecidedOnSignal(err error) error {
	var ee *exitError
	if errors.As(err, &ee) && ee.code > ExitError {
		ee.code = ExitError
	}
	if isInterrupt(err) {
		return errors.New(err.Error() + ": nothing is decided on part of a stream") // exit 2, not the signal's
	}
	return err
}

// undecided is the error of check when a signal stopped the reading of an
// input: exit 2, as the assertions cannot be decided. It does not unwrap
// to the InterruptedError, whose exit status is the signal's.
func undecided(err error) error {
	return errors.New(err.Error() + ": the assertions are not decided on part of a stream")
}

// assertions builds the assertions given on the command line, in a fixed
// order (the order of --help), and validates their values.
func (o *checkOptions) assertions(set func(flag string) bool) ([]compare.Assertion, error) {
	var as []compare.Assertion
	if set("complete") && o.complete {
		as = append(as, compare.Complete())
	}
	if set("no-error") && o.noError {
		as = append(as, compare.NoError())
	}
	if set("expect-format") {
		f, ok, err := parser.Lookup(o.expectFormat)
		if err != nil || !ok {
			// auto is a choice of --format, not a format a stream is.
			return nil, usagef("--expect-format: %q is not a wire format (valid: %s)", o.expectFormat, strings.Join(parser.Names()[1:], ", "))
		}
		as = append(as, compare.Format(o.expectFormat, f.Name))
	}
	if set("model") {
		re, err := regexp.Compile(o.model)
		if err != nil {
			return nil, usagef("--model: %v", err)
		}
		as = append(as, compare.Model(o.model, re))
	}
	if set("min-output-tokens") {
		as = append(as, compare.MinOutputTokens(o.minOutputTokens))
	}
	for _, t := range []struct {
		name      string
		limit     time.Duration
		assertion func(time.Duration) compare.Assertion
	}{
		{"max-ttfb", o.maxTTFB, compare.MaxTTFB},
		{"max-ttft", o.maxTTFT, compare.MaxTTFT},
		{"max-total", o.maxTotal, compare.MaxTotal},
		{"max-gap", o.maxGap, compare.MaxGap},
	} {
		if !set(t.name) {
			continue
		}
		if t.limit <= 0 {
			return nil, usagef("--%s: must be positive, got %v", t.name, t.limit)
		}
		if o.noTiming {
			return nil, usagef("--%s needs timing, and --no-timing ignores it", t.name)
		}
		as = append(as, t.assertion(t.limit))
	}
	for _, sub := range o.textContains {
		as = append(as, compare.TextContains(sub))
	}
	for _, name := range o.tools {
		as = append(as, compare.Tool(name))
	}
	// Only --max-cost needs a cost: without it the table is not loaded.
	o.costs = set("max-cost")
	if o.costs {
		if !(o.maxCost > 0) || math.IsInf(o.maxCost, 0) {
			return nil, usagef("--max-cost: must be a positive number of dollars, got %v", o.maxCost)
		}
		as = append(as, compare.MaxCost(strconv.FormatFloat(o.maxCost, 'f', -1, 64), o.maxCost))
	}
	if len(as) == 0 {
		return nil, usagef("check: no assertions given (see sseinspect check --help)")
	}
	return as, nil
}

// runChecks evaluates checks on s and prints the failures and the verdict.
func runChecks(w io.Writer, name string, s *streamctx.Snapshot, checks []compare.Assertion) (int, error) {
	r, err := compare.Check(s, checks)
	switch {
	case errors.Is(err, compare.ErrUntimed), errors.Is(err, compare.ErrEventsUntimed):
		return ExitError, fmt.Errorf("%s: %w (timing comes from live standard input or a timed capture: see sseinspect record)", name, err)
	case err != nil:
		return ExitError, fmt.Errorf("%s: %w", name, err)
	}
	if err := report.Check(w, name, r); err != nil {
		return ExitError, err
	}
	if !r.Passed() {
		return ExitFailed, nil
	}
	return ExitOK, nil
}
