package cmd

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/membudget"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// captureExts are the file name extensions of captures found in a
// directory.
var captureExts = []string{".sse", ".txt", ".har"}

// dirOptions say whether a directory argument stands for the captures in
// it. The zero value makes a directory an error.
type dirOptions struct {
	allow     bool
	recursive bool
}

func (d *dirOptions) bind(c *cobra.Command) {
	d.allow = true
	c.Flags().BoolVarP(&d.recursive, "recursive", "r", false, "also read the captures in the subdirectories of a DIR")
}

// expand returns the files an argument stands for: the argument itself,
// or, for a directory, the captures in it (see captureFiles).
func (d dirOptions) expand(arg string) ([]string, error) {
	if !d.allow || arg == "-" {
		return []string{arg}, nil
	}
	fi, err := os.Stat(arg)
	if err != nil || !fi.IsDir() {
		return []string{arg}, nil // open reports the error
	}
	files, err := captureFiles(arg, d.recursive, captureExts)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no captures in %s%s", arg, recursiveHint(arg, d.recursive, captureExts))
	}
	return files, nil
}

// recursiveHint says, for a directory without captures of its own, that
// its subdirectories have some when -r was not given: " (its
// subdirectories have captures: use -r)"; else "".
func recursiveHint(dir string, recursive bool, exts []string) string {
	if recursive {
		return ""
	}
	deeper, err := captureFiles(dir, true, exts)
	if err != nil || len(deeper) == 0 {
		return ""
	}
	return " (its subdirectories have captures: use -r)"
}

// anyDir reports whether one of args names a directory.
func anyDir(args []string) bool {
	for _, a := range args {
		if fi, err := os.Stat(a); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// captureFiles returns the regular files in dir whose names end in one of
// exts, sorted by path; recursive descends into subdirectories, except
// hidden ones (.git).
func captureFiles(dir string, recursive bool, exts []string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && (!recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		if slices.Contains(exts, filepath.Ext(path)) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	return files, nil
}

type summarizeDirsOptions struct {
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
	o := &summarizeDirsOptions{}
	c := &cobra.Command{
		Use:   "summarize [FILE|DIR|-]...",
		Short: "Print the two-line summary (or a JSON summary) of each capture",
		Long: `Print the two-line summary that the Aether gateway logs for each capture:

  [OK] a1b2c3d4 | claude-sonnet-4 | anthropic | TTFB: 250ms
        Total: 1500ms | in:25 out:12

With --json, print one JSON summary object per capture, one per line.
No FILE, or -, reads standard input; from a live pipe, timings are measured
from the start of sseinspect.

A DIR stands for every capture in it (*.sse, *.txt, *.har), in sorted order; with
-r also those in its subdirectories. When a DIR is given and more than one
capture was summarized, the two-line summaries are followed by a totals line:

  captures: 12  failed: 1  incomplete: 1  in: 5310  out: 877

(failed counts the captures that would exit 1 on their own, incomplete
those that did not complete; ttfb p50/p99 is added when captures are
timed). --json prints the JSON Lines and nothing else.

With --golden FILE, the JSON summary of the one capture is compared with
FILE (an indented JSON summary) instead of printed: the fields that differ
are listed, "- key: golden value" then "+ key: actual value" (text and
thinking as a unified line diff), and the exit status is 1 when they differ.
ttfb_ms, ttft_ms and total_ms are left out of the comparison unless
--golden-timing. --update writes FILE instead.`,
		Example: `  sseinspect summarize capture.sse
  sseinspect summarize --json a.sse b.sse
  sseinspect summarize -r testdata/captures
  sseinspect summarize --json --golden capture.golden.json capture.sse
  curl -N ... | sseinspect summarize
  sseinspect summarize --latency cap.sse         # a timed capture (see record)`,
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			if o.golden.file != "" {
				return o.runGolden(env, args)
			}
			if c.Flags().Changed("update") || c.Flags().Changed("golden-timing") {
				return usagef("--update and --golden-timing need --golden FILE")
			}
			useColor := o.useColor(env)
			var t report.Totals
			// Progress only for people: on a terminal, never with
			// JSON (eachInputOrdered shows it for several captures or
			// a large one).
			progress := env.StderrIsTerminal && !o.json
			var budget *membudget.Budget
			if o.json && env.SetMemoryLimit != nil {
				budget = membudget.New(env.SetMemoryLimit)
			}
			work := func(in *input) (*replayed, error) {
				opts := streamctx.Options{CollectText: o.json, TextParts: o.json}
				var kept atomic.Int64
				if budget != nil {
					opts.OnKeep = func(n int) {
						kept.Add(int64(n))
						budget.Keep(int64(n))
					}
				}
				c, err := o.replayNoting(env, in, opts, true)
				if err != nil {
					if budget != nil {
						budget.Keep(-kept.Load())
					}
					return nil, err
				}
				c.keptBytes = kept.Load()
				return c, nil
			}
			err := eachInputOrdered(env, args, o.dirs, runtime.GOMAXPROCS(0), progress, work, func(c *replayed) (int, error) {
				var err error
				if budget != nil {
					defer budget.Keep(-c.keptBytes) // printed: its text and tool calls may go
				}
				c.printNote(env)
				t.Add(&c.snap, c.code() != ExitOK)
				if o.json {
					err = report.JSON(env.Stdout, &c.snap)
				} else {
					err = report.Summary(env.Stdout, &c.snap, useColor)
					if err == nil && o.latency {
						err = report.Latency(env.Stdout, &c.snap)
					}
				}
				return c.code(), err
			})
			if !o.json && t.Captures() > 1 && anyDir(args) {
				if werr := t.Write(env.Stdout); werr != nil && err == nil {
					err = werr
				}
			}
			return err
		},
	}
	o.bind(c)
	o.dirs.bind(c)
	c.Flags().BoolVar(&o.json, "json", false, "print one JSON summary object per capture (JSON Lines)")
	o.golden.bind(c, true)
	bindLatency(c, &o.latency, &o.stall)
	return c
}

func (o *summarizeDirsOptions) runGolden(env *Env, args []string) error {
	if len(args) > 1 {
		return usagef("--golden compares one capture, got %d", len(args))
	}
	return eachInput(env, args, func(in *input) (int, error) {
		c, err := o.replay(env, in, streamctx.Options{CollectText: true})
		if err != nil {
			return ExitError, err
		}
		fields, _, err := o.golden.compare(o.golden.file, &c.snap)
		if err != nil {
			return ExitError, err
		}
		if len(fields) == 0 {
			return ExitOK, nil
		}
		return ExitFailed, report.GoldenDiff(env.Stdout, o.golden.file, in.name, fields)
	})
}
