// Command sseinspect-startup measures how long a command takes from process
// start to exit (issue 16: the start-up cost of sseinspect on a small
// capture, against `true`).
//
// Usage:
//
//	sseinspect-startup [-n 200] COMMAND [ARG...]
//	sseinspect-startup [-n 200] -- COMMAND [ARG...] -- COMMAND [ARG...] ...
//
// It runs COMMAND -n times one after the other (standard output discarded,
// standard error kept) after one unmeasured run, and prints the median, the
// fastest and the 90th percentile of the wall times from fork to wait, in
// microseconds. A run that fails stops it.
//
// Several commands, separated by "--", are run interleaved (the first, the
// second, ..., the first again), -n times each, and each gets its line: a
// change in the machine's load during the measurement then falls on all
// of them alike, where runs of one command after the other's would each
// see a different load.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sseinspect-startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 200, "number of measured runs (of each command)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var cmds [][]string
	for c := range strings.SplitSeq(strings.Join(fs.Args(), "\x00"), "\x00--\x00") {
		if f := strings.Split(c, "\x00"); c != "" && c != "--" {
			cmds = append(cmds, f)
		}
	}
	if len(cmds) == 0 || *n < 1 {
		fmt.Fprintln(stderr, "usage: sseinspect-startup [-n N] COMMAND [ARG...] [-- COMMAND [ARG...]]...")
		return 2
	}
	times := make([][]time.Duration, len(cmds))
	for i := -1; i < *n; i++ {
		for j, c := range cmds {
			cmd := exec.Command(c[0], c[1:]...) //nolint:gosec // running the given command is the point
			cmd.Stderr = stderr
			t0 := time.Now()
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(stderr, "sseinspect-startup: %s: %v\n", strings.Join(c, " "), err)
				return 1
			}
			if i >= 0 {
				times[j] = append(times[j], time.Since(t0))
			}
		}
	}
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	for j, t := range times {
		slices.Sort(t)
		if len(cmds) > 1 {
			fmt.Fprintf(stdout, "%s: ", strings.Join(cmds[j], " "))
		}
		fmt.Fprintf(stdout, "median %.0f us  min %.0f us  p90 %.0f us  runs %d\n",
			us(t[len(t)/2]), us(t[0]), us(t[len(t)*9/10]), len(t))
	}
	return 0
}
