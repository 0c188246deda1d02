package cmd

import (
	"runtime/debug"
	"sync/atomic"
)

// budgetSlack is the memory the Go runtime may use beyond the text and
// tool calls that summarize --json keeps to print (see printBudget). On 1
// GiB captures, 20 MiB rather than 24 took 4 MiB off anthropic's peak RSS
// at the same speed (36 collections instead of 21); 16 MiB cost gemini 30 %
// in speed (740 collections).
const budgetSlack = 20 << 20

// printBudget bounds the memory of summarize --json to the text and tool
// calls it prints plus budgetSlack. By default the Go collector lets the
// heap grow to twice what was live at the last collection; with hundreds of
// MB of text kept (pointer-free, cheap to mark), that is hundreds of MB of
// garbage. The budget turns GOGC off and sets the memory limit to
// budgetSlack plus what the stream contexts keep so far, raised as they
// take chunks of text and grow tool calls (streamctx.Options.OnKeep) and
// lowered when a capture is printed.
//
// It changes process state (the collector's settings), so Run uses it only
// when Env.TuneGC says so (Main), and never when the user set GOGC or
// GOMEMLIMIT.
type printBudget struct {
	total     atomic.Int64
	prevGC    int
	prevLimit int64
}

// startPrintBudget sets the collector for a budget and returns it; stop
// puts the previous settings back.
func startPrintBudget() *printBudget {
	b := &printBudget{}
	b.prevLimit = debug.SetMemoryLimit(budgetSlack)
	b.prevGC = debug.SetGCPercent(-1)
	return b
}

// add changes what is kept by n bytes (negative when a capture is done).
func (b *printBudget) add(n int64) {
	debug.SetMemoryLimit(budgetSlack + b.total.Add(n))
}

func (b *printBudget) stop() {
	debug.SetGCPercent(b.prevGC)
	debug.SetMemoryLimit(b.prevLimit)
}

// usePrintBudget reports whether summarize --json should bound its memory
// with a printBudget.
func usePrintBudget(env *Env) bool {
	return env.TuneGC && env.Getenv("GOGC") == "" && env.Getenv("GOMEMLIMIT") == ""
}
