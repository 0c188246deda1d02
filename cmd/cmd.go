// Package cmd is the sseinspect command line: cobra wiring, input opening,
// exit codes. It is the only package that touches process state, and only
// through Main; Run takes everything it needs in an Env, so tests run it
// in-process.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
)

// Exit codes, the gofmt/diff scheme.
const (
	// ExitOK: the stream was read and is complete and error-free.
	ExitOK = 0
	// ExitFailed: a report was printed, but the stream failed, is
	// incomplete, carried events that could not be decoded, or could not
	// be read to its end.
	ExitFailed = 1
	// ExitError: nothing to report (usage error, unreadable input,
	// unrecognizable format).
	ExitError = 2
)

// Env is what a run may touch of the process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable.
	Getenv func(string) string
	// StdoutIsTerminal says whether standard output is a terminal.
	StdoutIsTerminal bool
	// StderrIsTerminal says whether standard error is a terminal (progress
	// is shown only there).
	StderrIsTerminal bool
	// SetMemoryLimit, when not nil, bounds the memory of summarize --json
	// (see package membudget): each call sets the Go collector's memory
	// limit, its percentage-based pacing off. Main sets it unless the user
	// set GOGC or GOMEMLIMIT; tests that run commands in parallel in one
	// process do not.
	SetMemoryLimit func(limit int64)
	// StdinIsTerminal says whether standard input is a terminal: without
	// a command or argument, sseinspect then prints its help instead of
	// summarizing standard input.
	StdinIsTerminal bool
	// StdinIsLive says whether standard input is a live stream (a pipe or
	// socket), whose arrival times are measured; a file redirected to
	// standard input has no timing.
	StdinIsLive bool
	// Now is the clock; Start is when the process started (timings of live
	// input are measured from it).
	Now   func() time.Time
	Start time.Time
	// Wait, when not nil, waits for d or until ctx is done, and then
	// returns ctx's error (replay's pacing); nil means a timer.
	Wait func(ctx context.Context, d time.Duration) error
	// Context, when not nil, is the parent context of the run: cancelling
	// it stops the reading of every input, replay and replay --listen.
	Context context.Context
	// Signals, when not nil, starts catching SIGINT and SIGTERM for the
	// run: each one caught is sent on the channel returned, until stop is
	// called (which restores their default effect). Run stops catching
	// after the first one, so that a second one ends the process. A signal
	// ends the reading of every input at once, even of a stalled pipe:
	// what arrived is reported, marked interrupted, and the exit status is
	// 128+signal (see InterruptedError); record ends its capture properly;
	// replay --listen shuts down. Tests send on a channel of their own.
	// It is called on a goroutine of its own, while the run starts; the
	// run waits for it before it writes or reads a pipe (catchSignals).
	Signals func() (sigs <-chan os.Signal, stop func())
}

// Main runs sseinspect with the process's arguments and streams and returns
// the exit code.
func Main() int {
	start := time.Now()
	env := Env{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		Getenv:           os.Getenv,
		StdoutIsTerminal: isatty.IsTerminal(os.Stdout.Fd()) || isatty.IsCygwinTerminal(os.Stdout.Fd()),
		StderrIsTerminal: isatty.IsTerminal(os.Stderr.Fd()) || isatty.IsCygwinTerminal(os.Stderr.Fd()),
		SetMemoryLimit:   memoryLimit(),
		StdinIsLive:      isLive(os.Stdin),
		StdinIsTerminal:  isatty.IsTerminal(os.Stdin.Fd()) || isatty.IsCygwinTerminal(os.Stdin.Fd()),
		Now:              time.Now,
		Start:            start,
		Signals: func() (<-chan os.Signal, func()) {
			sigs := make(chan os.Signal, 1)
			signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
			return sigs, func() { signal.Stop(sigs) }
		},
	}
	return Run(os.Args[1:], env)
}

// memoryLimit returns the setter of Env.SetMemoryLimit: the collector's
// settings are changed here only, and only when the user left them alone.
// The process ends after Run, so nothing is put back.
func memoryLimit() func(limit int64) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return nil
	}
	var gcOff sync.Once
	return func(limit int64) {
		gcOff.Do(func() { debug.SetGCPercent(-1) })
		debug.SetMemoryLimit(limit)
	}
}

func isLive(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	m := fi.Mode()
	return m&os.ModeNamedPipe != 0 || m&os.ModeSocket != 0
}

// defaultCommand returns args with "summarize" in front when they name no
// command: `sseinspect capture.sse`, `sseinspect --json a.sse b.sse`, and
// `curl -N ... | sseinspect` (no argument, standard input not a
// terminal) summarize. A first argument that names a command (or help,
// completion, --help, --version) is that command, even when a file of that
// name exists; without arguments on a terminal, the help is printed.
func defaultCommand(args []string, stdinIsTerminal bool) []string {
	if len(args) == 0 {
		if stdinIsTerminal {
			return args
		}
		return []string{"summarize"}
	}
	switch args[0] {
	case "help", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd, "-h", "--help", "-v", "--version":
		return args
	}
	if isSubcommand(args[0]) {
		return args
	}
	return append([]string{"summarize"}, args...)
}

// Run runs sseinspect with args (without the program name) and returns the
// exit code. It never calls os.Exit.
func Run(args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	if env.Signals != nil || env.Context != nil {
		parent := env.Context
		if parent == nil {
			parent = context.Background()
		}
		ctx, stop := catchSignals(&env, parent)
		defer stop()
		env.Context = ctx
		if env.Stdout != nil && env.Signals != nil {
			env.Stdout = &caughtWriter{ctx: ctx, w: env.Stdout}
		}
		if env.Stderr != nil && env.Signals != nil {
			env.Stderr = &caughtWriter{ctx: ctx, w: env.Stderr}
		}
	}
	args = defaultCommand(args, env.StdinIsTerminal)
	only := ""
	if len(args) > 0 && isSubcommand(args[0]) {
		only = args[0]
	}
	switch only {
	case "summarize", "body", "events", "text", "check", "diff":
		// They read inputs and write reports: each waits for the
		// signals to be caught before it writes or reads a pipe.
	default:
		waitCaught(env.Context) // a server, a recorder, a file written: at once
	}
	root := newRootCmdFor(&env, only)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintf(env.Stderr, "sseinspect: %v\n", err)
	if ie, ok := interrupted(err); ok {
		return ie.ExitStatus()
	}
	if errors.Is(err, errUsage) || isCobraUsage(err) {
		fmt.Fprintln(env.Stderr, "Run 'sseinspect --help' for usage.")
	}
	return ExitError
}
