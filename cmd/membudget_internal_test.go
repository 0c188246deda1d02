package cmd

import (
	"bytes"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsePrintBudget(t *testing.T) {
	t.Parallel()
	env := func(tune bool, vars map[string]string) *Env {
		return &Env{TuneGC: tune, Getenv: func(k string) string { return vars[k] }}
	}
	assert.True(t, usePrintBudget(env(true, nil)))
	assert.False(t, usePrintBudget(env(false, nil)), "only when the process allows it (Main)")
	assert.False(t, usePrintBudget(env(true, map[string]string{"GOGC": "50"})), "the user's GOGC wins")
	assert.False(t, usePrintBudget(env(true, map[string]string{"GOMEMLIMIT": "1GiB"})), "the user's GOMEMLIMIT wins")
}

// TestPrintBudgetRestoresTheCollector runs summarize --json with the budget
// (as Main does) and checks that the output is the same and the collector's
// settings are back as they were. Not parallel: it changes them.
func TestPrintBudgetRestoresTheCollector(t *testing.T) {
	gc := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	defer debug.SetGCPercent(gc)

	out := func(tune bool) string {
		var stdout, stderr bytes.Buffer
		code := Run([]string{"summarize", "--json", "../testdata/captures/gemini/thoughts.sse", "../testdata/captures/anthropic/text.sse"},
			Env{Stdout: &stdout, Stderr: &stderr, TuneGC: tune, Getenv: func(string) string { return "" }})
		require.Equal(t, 0, code, stderr.String())
		return stdout.String()
	}
	assert.Equal(t, out(false), out(true))
	assert.Equal(t, 100, debug.SetGCPercent(100), "GOGC restored")
	assert.Equal(t, limit, debug.SetMemoryLimit(-1), "memory limit restored")

	b := startPrintBudget()
	b.add(5 << 20)
	assert.Equal(t, int64(budgetSlack+5<<20), debug.SetMemoryLimit(-1))
	b.add(-5 << 20)
	assert.Equal(t, int64(budgetSlack), debug.SetMemoryLimit(-1))
	b.stop()
	assert.Equal(t, 100, debug.SetGCPercent(100))
}
