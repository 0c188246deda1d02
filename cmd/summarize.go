package cmd

import (
	"runtime"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/membudget"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// summarizeOptions are the flags of summarize.
type summarizeOptions struct {
	commonOptions
	dirs    dirOptions
	json    bool
	golden  goldenOptions
	latency bool
}

// newSummarizeCmd is the summarize command: two-line or JSON summaries of
// files, standard input and directories (with a totals line), and
// golden-file comparison.
func newSummarizeCmd(env *Env) *cobra.Command {
	o := &summarizeOptions{}
	c := &cobra.Command{
		Use:   "summarize [FILE|DIR|-]...",
		Short: "Print the two-line summary (or a JSON summary) of each capture",
		Long: `Print the two-line summary that the Aether gateway logs for each capture:

  [OK] a1b2c3d4 | claude-sonnet-4 | anthropic | TTFB: 250ms
        Total: 1500ms | in:25 out:12

Each summary is followed, on standard error, by the capture's warnings, one
line each: "sseinspect: FILE: warning: ...".

With --json, print one JSON summary object per capture, one per line (the
warnings are in its "warnings" key, not on standard error).
No FILE, or -, reads standard input; from a live pipe, timings are measured
from the start of sseinspect.

A DIR stands for every capture in it (*.sse, *.txt, *.har, *.eventstream, *.ndjson), in
sorted order; with -r also those in its subdirectories. When a DIR is given and more than one
capture was summarized, the two-line summaries are followed by a totals line:

  captures: 12  failed: 1  incomplete: 1  in: 5310  out: 877  cost: $0.012345 (2 without)

(failed counts the captures that would exit 1 on their own, incomplete
those that did not complete; ttfb p50/p99 is added when captures are
timed; cost sums the known costs, and says how many captures have none).
--json prints the JSON Lines and nothing else.

The cost (the JSON "cost" key, the totals line) is the one the stream
reported, else an estimate from the embedded genai-prices snapshot or the
table --prices FILE names; the two-line summary shows none.

With --golden FILE, the JSON summary of the one capture is compared with
FILE (an indented JSON summary) instead of printed: the fields that differ
are listed, "- key: golden value" then "+ key: actual value" (text and
thinking as a unified line diff), and the exit status is 1 when they differ.
ttfb_ms, ttft_ms and total_ms are left out of the comparison unless
--golden-timing; cost is compared only when one side is the provider's (an
estimate changes with the price table). --update writes FILE instead.`,
		Example: `  sseinspect summarize capture.sse
  sseinspect summarize --json a.sse b.sse
  sseinspect summarize -r testdata/captures
  sseinspect summarize --json --golden capture.golden.json capture.sse
  curl -N ... | sseinspect summarize
  sseinspect summarize --latency cap.sse         # a timed capture (see record)`,
		RunE: func(c *cobra.Command, args []string) error {
			return o.run(env, c.Flags().Changed, args)
		},
	}
	o.bind(c)
	o.bindEstimate(c)
	o.bindPrices(c)
	o.dirs.bind(c)
	c.Flags().BoolVar(&o.json, "json", false, "print one JSON summary object per capture (JSON Lines)")
	o.golden.bind(c, true)
	bindLatency(c, &o.latency, &o.stall)
	return c
}

func (o *summarizeOptions) run(env *Env, set func(flag string) bool, args []string) error {
	if err := o.validate(); err != nil {
		return err
	}
	if o.golden.file != "" {
		return o.runGolden(env, args)
	}
	if set("update") || set("golden-timing") {
		return usagef("--update and --golden-timing need --golden FILE")
	}
	// The two-line summary shows no cost: only JSON and the totals line
	// of a directory do (the table takes tens of milliseconds to parse).
	o.costs = o.json || anyDir(args)
	useColor := o.useColor(env)
	var totals report.Totals
	// Progress only for people: on a terminal, never with JSON
	// (eachInputOrdered shows it for several captures or a large one).
	progress := o.progress(env) && !o.json
	var budget *membudget.Budget
	if o.json && env.SetMemoryLimit != nil {
		budget = membudget.New(env.SetMemoryLimit)
	}
	err := eachInputOrdered(env, args, o.dirs, runtime.GOMAXPROCS(0), progress, func(in *input) (*replayed, error) {
		return o.replayKept(env, in, budget)
	}, func(c *replayed) (int, error) {
		if budget != nil {
			defer budget.Keep(-c.keptBytes) // printed: its text and tool calls may go
		}
		totals.Add(&c.snap, c.code() != ExitOK)
		if o.json {
			c.printNote(env)
			return c.code(), o.print(env, c, useColor)
		}
		// For people, the warnings (the read error among them) follow
		// the summary on stderr: without them, what makes the exit
		// status 1 would be invisible.
		if err := o.print(env, c, useColor); err != nil {
			return ExitError, err
		}
		return c.code(), report.Warnings(env.Stderr, c.name, &c.snap)
	})
	if !o.json && totals.Captures() > 1 && anyDir(args) {
		if werr := totals.Write(env.Stdout); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}

// replayKept replays one input (on a worker of eachInputOrdered), counting
// in budget, when not nil, the text and tool calls kept until printed.
func (o *summarizeOptions) replayKept(env *Env, in *input, budget *membudget.Budget) (*replayed, error) {
	// ServerTools: the cost of the totals line counts Responses' web
	// searches, as the JSON summary's does.
	opts := streamctx.Options{CollectText: o.json, TextParts: o.json, ServerTools: o.costs}
	var kept atomic.Int64
	if budget != nil {
		opts.OnKeep = func(n int) {
			kept.Add(int64(n))
			budget.Keep(int64(n))
		}
	}
	// The sparkline of the content rate: for people, on a terminal only.
	var rate *report.RateRecorder
	var watch watcher
	if o.latency && !o.json && env.StdoutIsTerminal {
		watch = func(sc *streamctx.Context, start time.Time) func(*sse.Event) {
			if start.IsZero() {
				return nil // the events have no times
			}
			rate = report.NewRateRecorder(4096)
			seen := 0
			return func(ev *sse.Event) {
				if n := sc.ContentEvents(); n > seen {
					seen = n
					rate.Add(float64(ev.At.Sub(start).Microseconds()) / 1000)
				}
			}
		}
	}
	c, err := o.replayWatched(env, in, opts, true, watch)
	if err != nil {
		if budget != nil {
			budget.Keep(-kept.Load())
		}
		return nil, err
	}
	c.keptBytes = kept.Load()
	c.rate = rate
	return c, nil
}

// print prints the summary of one capture.
func (o *summarizeOptions) print(env *Env, c *replayed, useColor bool) error {
	s := &c.snap
	if o.json {
		return report.JSON(env.Stdout, s)
	}
	if err := report.Summary(env.Stdout, s, useColor); err != nil || !o.latency {
		return err
	}
	if err := report.Latency(env.Stdout, s); err != nil || c.rate == nil || s.Latency.TotalMs == nil {
		return err
	}
	return c.rate.Sparkline(env.Stdout, *s.Latency.TotalMs)
}

func (o *summarizeOptions) runGolden(env *Env, args []string) error {
	if len(args) > 1 {
		return usagef("--golden compares one capture, got %d", len(args))
	}
	return undecidedOnSignal(eachInput(env, args, func(in *input) (int, error) {
		c, err := o.replayWhole(env, in, streamctx.Options{CollectText: true})
		if err != nil {
			return ExitError, err
		}
		if o.golden.update {
			waitCaught(env.Context) // a file written: see catchSignals
		}
		res, _, err := o.golden.compare(o.golden.file, &c.snap)
		if err != nil {
			return ExitError, err
		}
		if err := report.GoldenNewKeys(env.Stderr, res.New); err != nil {
			return ExitError, err
		}
		if len(res.Fields) == 0 {
			return ExitOK, nil
		}
		return ExitFailed, report.GoldenDiff(env.Stdout, o.golden.file, in.name, res.Fields)
	}))
}
