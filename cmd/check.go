package cmd

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// errUntimed is returned by check for a timing assertion on a capture that
// carries no timing: it cannot hold or fail, so it is an error (exit 2).
var errUntimed = errors.New("the capture carries no timing")

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
}

// assertion is one check on a snapshot. ok is false when it fails; then
// why says what was found instead.
type assertion struct {
	flag  string // the flag as given, e.g. "--min-output-tokens 10"
	timed bool   // needs a timed capture
	test  func(s *streamctx.Snapshot) (ok bool, why string)
}

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
decided: it is an error, never a pass. --max-gap bounds every gap
between two events carrying generated content; a stream with fewer than two
has no gap and passes it.

Durations are Go durations: 250ms, 1.5s, 2m. A DIR checks every capture in
it (*.sse, *.txt, *.har), -r also in its subdirectories.`,
		Example: `  sseinspect check --complete --no-error --min-output-tokens 1 capture.sse
  sseinspect check --expect-format anthropic --model '^claude-' --tool get_weather capture.sse
  curl -N ... | sseinspect check --no-error --max-ttfb 2s --max-total 30s
  sseinspect check -r --complete --no-error testdata/captures`,
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			checks, err := o.assertions(c)
			if err != nil {
				return err
			}
			return eachInputIn(env, args, o.dirs, func(in *input) (int, error) {
				capt, err := o.replayWhole(env, in, streamctx.Options{CollectText: true})
				if err != nil {
					return ExitError, err
				}
				return runChecks(env.Stdout, in.name, &capt.snap, checks)
			})
		},
	}
	o.bind(c)
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
	_ = c.RegisterFlagCompletionFunc("expect-format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return parser.Names()[1:], cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// assertions builds the assertions given on the command line, in a fixed
// order (the order of --help), and validates their values.
func (o *checkOptions) assertions(c *cobra.Command) ([]assertion, error) {
	set := c.Flags().Changed
	var as []assertion
	if set("complete") && o.complete {
		as = append(as, assertion{flag: "--complete", test: func(s *streamctx.Snapshot) (bool, string) {
			return s.Complete, "the stream did not complete (stop_reason " + strOrNull(s.StopReason) + ")"
		}})
	}
	if set("no-error") && o.noError {
		as = append(as, assertion{flag: "--no-error", test: checkNoError})
	}
	if set("expect-format") {
		f, ok, err := parser.Lookup(o.expectFormat)
		if err != nil || !ok {
			if err == nil {
				err = fmt.Errorf("%q is not a wire format", o.expectFormat)
			}
			return nil, usagef("--expect-format: %v", err)
		}
		as = append(as, assertion{flag: "--expect-format " + o.expectFormat, test: func(s *streamctx.Snapshot) (bool, string) {
			return s.Format == f.Name, "format is " + s.Format
		}})
	}
	if set("model") {
		re, err := regexp.Compile(o.model)
		if err != nil {
			return nil, usagef("--model: %v", err)
		}
		as = append(as, assertion{flag: "--model " + o.model, test: func(s *streamctx.Snapshot) (bool, string) {
			if s.Model == nil {
				return false, "the stream names no model"
			}
			return re.MatchString(*s.Model), "model is " + *s.Model
		}})
	}
	if set("min-output-tokens") {
		n := o.minOutputTokens
		as = append(as, assertion{flag: fmt.Sprintf("--min-output-tokens %d", n), test: func(s *streamctx.Snapshot) (bool, string) {
			why := fmt.Sprintf("output_tokens is %d", s.OutputTokens)
			if s.UsageSource == "none" {
				why += " (the stream carried no usage)"
			}
			return s.OutputTokens >= n, why
		}})
	}
	for _, t := range []struct {
		name string
		max  time.Duration
		at   func(s *streamctx.Snapshot) time.Duration
		what string
	}{
		{"max-ttfb", o.maxTTFB, func(s *streamctx.Snapshot) time.Duration { return s.Timing.FirstByte }, "ttfb"},
		{"max-ttft", o.maxTTFT, func(s *streamctx.Snapshot) time.Duration { return s.Timing.FirstContent }, "ttft"},
		{"max-total", o.maxTotal, func(s *streamctx.Snapshot) time.Duration { return s.Timing.End }, "total"},
	} {
		if !set(t.name) {
			continue
		}
		if t.max <= 0 {
			return nil, usagef("--%s: must be positive, got %v", t.name, t.max)
		}
		if o.noTiming {
			return nil, usagef("--%s needs timing, and --no-timing ignores it", t.name)
		}
		as = append(as, assertion{flag: "--" + t.name + " " + t.max.String(), timed: true, test: func(s *streamctx.Snapshot) (bool, string) {
			d := t.at(s)
			if d < 0 {
				return false, t.what + " is unknown (the stream never got there)"
			}
			return d <= t.max, t.what + " is " + d.Round(time.Microsecond).String()
		}})
	}
	if set("max-gap") {
		if o.maxGap <= 0 {
			return nil, usagef("--max-gap: must be positive, got %v", o.maxGap)
		}
		if o.noTiming {
			return nil, usagef("--max-gap needs timing, and --no-timing ignores it")
		}
		limit := o.maxGap
		as = append(as, assertion{flag: "--max-gap " + limit.String(), timed: true, test: func(s *streamctx.Snapshot) (bool, string) {
			g := s.Latency.GapsMs
			if g == nil || g.Count == 0 || g.Max == nil {
				return true, "" // fewer than two content events: no gap
			}
			longest := time.Duration(*g.Max * float64(time.Millisecond)).Round(time.Microsecond)
			return longest <= limit, fmt.Sprintf("the longest of %d gaps is %v", g.Count, longest)
		}})
	}
	for _, sub := range o.textContains {
		as = append(as, assertion{flag: fmt.Sprintf("--text-contains %q", sub), test: func(s *streamctx.Snapshot) (bool, string) {
			return strings.Contains(s.Text, sub), fmt.Sprintf("the text (%d bytes) does not contain it", len(s.Text))
		}})
	}
	for _, name := range o.tools {
		as = append(as, assertion{flag: "--tool " + name, test: func(s *streamctx.Snapshot) (bool, string) {
			var names []string
			for _, tc := range s.ToolCalls {
				if tc.Name == name {
					return true, ""
				}
				names = append(names, tc.Name)
			}
			if len(names) == 0 {
				return false, "no tool calls"
			}
			return false, "tool calls are " + strings.Join(names, ", ")
		}})
	}
	if len(as) == 0 {
		return nil, usagef("check: no assertions given (see sseinspect check --help)")
	}
	return as, nil
}

func checkNoError(s *streamctx.Snapshot) (bool, string) {
	if s.ErrorType != nil || s.ErrorMessage != nil {
		why := "error " + strOrNull(s.ErrorType) + ": " + strOrNull(s.ErrorMessage)
		if s.StatusCode != nil {
			why += fmt.Sprintf(" (HTTP %d)", *s.StatusCode)
		}
		return false, why
	}
	if s.BadEvents > 0 {
		return false, fmt.Sprintf("%d events could not be decoded (see warnings)", s.BadEvents)
	}
	return true, ""
}

// runChecks evaluates checks on s and prints the failures and the verdict.
func runChecks(w io.Writer, name string, s *streamctx.Snapshot, checks []assertion) (int, error) {
	var b strings.Builder
	failed := 0
	for _, a := range checks {
		if a.timed && !s.Timed {
			return ExitError, fmt.Errorf("%s: %s: %w (timing comes from live standard input or a timed capture: see sseinspect record)", name, a.flag, errUntimed)
		}
		if ok, why := a.test(s); !ok {
			failed++
			fmt.Fprintf(&b, "FAIL %s: %s\n", a.flag, why)
		}
	}
	code := ExitOK
	if failed == 0 {
		fmt.Fprintf(&b, "PASS %s (%s)\n", name, plural(len(checks), "assertion"))
	} else {
		code = ExitFailed
		fmt.Fprintf(&b, "FAIL %s (%d of %s failed)\n", name, failed, plural(len(checks), "assertion"))
	}
	_, err := io.WriteString(w, b.String())
	return code, err
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func strOrNull(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}
