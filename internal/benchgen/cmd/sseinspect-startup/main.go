// Command sseinspect-startup measures how long a command takes from process
// start to exit (issue 16: the start-up cost of sseinspect on a small
// capture, against `true`).
//
// Usage:
//
//	sseinspect-startup [-n 200] COMMAND [ARG...]
//
// It runs COMMAND -n times one after the other (standard output discarded,
// standard error kept) after one unmeasured run, and prints the median, the
// fastest and the 90th percentile of the wall times from fork to wait, in
// microseconds. A run that fails stops it.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sseinspect-startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 200, "number of measured runs")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 || *n < 1 {
		fmt.Fprintln(stderr, "usage: sseinspect-startup [-n N] COMMAND [ARG...]")
		return 2
	}
	times := make([]time.Duration, 0, *n)
	for i := -1; i < *n; i++ {
		cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...) //nolint:gosec // running the given command is the point
		cmd.Stderr = stderr
		t0 := time.Now()
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(stderr, "sseinspect-startup: %v\n", err)
			return 1
		}
		if i >= 0 {
			times = append(times, time.Since(t0))
		}
	}
	slices.Sort(times)
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	fmt.Fprintf(stdout, "median %.0f us  min %.0f us  p90 %.0f us  runs %d\n",
		us(times[len(times)/2]), us(times[0]), us(times[len(times)*9/10]), len(times))
	return 0
}
