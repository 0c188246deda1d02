package cmd

import (
	"runtime/debug"
	"sync/atomic"
)

// budgetSlack is the memory the Go runtime may use beyond the text that
// summarize --json keeps to print (see textBudget).
const budgetSlack = 24 << 20

// textBudget bounds the memory of summarize --json to the text it prints
// plus budgetSlack. By default the Go collector lets the heap grow to twice
// what was live at the last collection; with hundreds of MB of text kept
// (pointer-free, cheap to mark), that is hundreds of MB of garbage. The
// budget turns GOGC off and sets the memory limit to budgetSlack plus the
// text kept so far, raised as the stream contexts take chunks of text
// (streamctx.Options.OnTextChunk) and lowered when a capture is done.
//
// It changes process state (the collector's settings), so Run uses it only
// when Env.TuneGC says so (Main), and never when the user set GOGC or
// GOMEMLIMIT.
type textBudget struct {
	total     atomic.Int64
	prevGC    int
	prevLimit int64
}

// startTextBudget sets the collector for a budget and returns it; stop
// puts the previous settings back.
func startTextBudget() *textBudget {
	b := &textBudget{}
	b.prevLimit = debug.SetMemoryLimit(budgetSlack)
	b.prevGC = debug.SetGCPercent(-1)
	return b
}

// add changes the text kept by n bytes (negative when a capture is done).
func (b *textBudget) add(n int64) {
	debug.SetMemoryLimit(budgetSlack + b.total.Add(n))
}

func (b *textBudget) stop() {
	debug.SetGCPercent(b.prevGC)
	debug.SetMemoryLimit(b.prevLimit)
}

// useTextBudget reports whether summarize --json should bound its memory
// with a textBudget.
func useTextBudget(env *Env) bool {
	return env.TuneGC && env.Getenv("GOGC") == "" && env.Getenv("GOMEMLIMIT") == ""
}
