package cmd_test

import (
	"bytes"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
	"github.com/sseinspect/sseinspect/membudget"
)

// limitLog records the memory limits a run sets.
type limitLog struct {
	mu     sync.Mutex
	limits []int64
}

func (l *limitLog) set(limit int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limits = append(l.limits, limit)
}

// TestSummarizeJSONBoundsItsMemory: with Env.SetMemoryLimit (as Main sets
// it), summarize --json prints the same, and the limit follows what it
// keeps: Slack at first, higher while tool calls are kept, Slack again once
// everything is printed. Other commands leave it alone.
func TestSummarizeJSONBoundsItsMemory(t *testing.T) {
	t.Parallel()
	files := []string{"../testdata/captures/gemini/thoughts.sse", "../testdata/captures/anthropic/tool-use-input-json-delta.sse"}
	run := func(args []string, setLimit func(int64)) string {
		var stdout, stderr bytes.Buffer
		code := cmd.Run(append(args, files...), cmd.Env{Stdout: &stdout, Stderr: &stderr, SetMemoryLimit: setLimit})
		require.Equal(t, 0, code, stderr.String())
		return stdout.String()
	}
	var log limitLog
	json := []string{"summarize", "--json"}
	assert.Equal(t, run(json, nil), run(json, log.set))
	require.NotEmpty(t, log.limits)
	assert.Equal(t, int64(membudget.Slack), log.limits[0])
	assert.Equal(t, int64(membudget.Slack), log.limits[len(log.limits)-1], "all printed, nothing kept")
	assert.Greater(t, slices.Max(log.limits), int64(membudget.Slack), "tool calls were kept until printed")

	var untouched limitLog
	run([]string{"summarize"}, untouched.set)
	assert.Empty(t, untouched.limits, "only summarize --json keeps text to print")
}
