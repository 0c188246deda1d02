package cmd_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// TestSummarizeManyFilesKeepsInputOrder: captures are read in parallel;
// their summaries come out in the order of the arguments, the same as
// one call per file.
func TestSummarizeManyFilesKeepsInputOrder(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../testdata/captures/*/*.sse")
	require.NoError(t, err)
	require.Greater(t, len(files), 10)
	// Reverse order, with a missing file in the middle.
	var args []string
	for i := len(files) - 1; i >= 0; i-- {
		args = append(args, files[i])
		if i == len(files)/2 {
			args = append(args, "missing.sse")
		}
	}
	for _, mode := range [][]string{{"summarize"}, {"summarize", "--json"}} {
		var want, wantErr bytes.Buffer
		for _, a := range args {
			out, stderr, _ := run{args: append(append([]string{}, mode...), a)}.do(t)
			want.WriteString(out)
			wantErr.WriteString(stderr) // warnings, in human output
		}
		out, stderr, code := run{args: append(append([]string{}, mode...), args...)}.do(t)
		assert.Equal(t, 2, code, "a missing file makes the worst code 2")
		assert.Equal(t, want.String(), out, "%v", mode)
		assert.Equal(t, wantErr.String(), stderr, "%v", mode)
		assert.Contains(t, stderr, "sseinspect: missing.sse: no such file or directory\n")
	}
}

func TestSummarizeProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	env := func(stderr *bytes.Buffer, tty bool) cmd.Env {
		return cmd.Env{Stdout: new(bytes.Buffer), Stderr: stderr, StderrIsTerminal: tty}
	}
	a, b := "../testdata/captures/anthropic/text.sse", "../testdata/captures/openai/chat-refusal.sse"

	var tty bytes.Buffer
	require.Equal(t, 0, cmd.Run([]string{"summarize", a, b}, env(&tty, true)))
	assert.Equal(t, "\r\x1b[K[1/2] "+a+"\r\x1b[K\r\x1b[K[2/2] "+b+"\r\x1b[K", tty.String())

	for name, c := range map[string]struct {
		args []string
		tty  bool
	}{
		"piped":       {[]string{"summarize", a, b}, false},
		"json":        {[]string{"summarize", "--json", a, b}, true},
		"one_capture": {[]string{"summarize", a}, true},
	} {
		var stderr bytes.Buffer
		require.Equal(t, 0, cmd.Run(c.args, env(&stderr, c.tty)), name)
		assert.Empty(t, stderr.String(), name)
	}

	// An error clears the progress line before it is printed.
	var withErr bytes.Buffer
	require.Equal(t, 2, cmd.Run([]string{"summarize", a, "missing.sse"}, env(&withErr, true)))
	assert.True(t, strings.HasSuffix(withErr.String(), "[2/2] missing.sse\r\x1b[Ksseinspect: missing.sse: no such file or directory\n"), "%q", withErr.String())
}
