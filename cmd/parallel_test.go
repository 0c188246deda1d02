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
		env  map[string]string
	}{
		"piped":         {[]string{"summarize", a, b}, false, nil},
		"json":          {[]string{"summarize", "--json", a, b}, true, nil},
		"one_capture":   {[]string{"summarize", a}, true, nil},
		"color_never":   {[]string{"summarize", "--color", "never", a, b}, true, nil},
		"color_NEVER":   {[]string{"summarize", "--color", "NEVER", a, b}, true, nil},
		"NO_COLOR":      {[]string{"summarize", a, b}, true, map[string]string{"NO_COLOR": "1"}},
		"TERM_dumb":     {[]string{"summarize", a, b}, true, map[string]string{"TERM": "dumb"}},
		"default_cmd":   {[]string{a, b}, true, map[string]string{"TERM": "dumb"}},
		"force_no_tty":  {[]string{"summarize", a, b}, false, map[string]string{"FORCE_COLOR": "1"}},
		"NO_COLOR_wins": {[]string{"summarize", a, b}, true, map[string]string{"NO_COLOR": "1", "FORCE_COLOR": "1"}},
	} {
		var stderr bytes.Buffer
		e := env(&stderr, c.tty)
		e.Getenv = func(k string) string { return c.env[k] }
		require.Equal(t, 0, cmd.Run(c.args, e), name)
		assert.Empty(t, stderr.String(), name)
	}

	// An error clears the progress line before it is printed.
	var withErr bytes.Buffer
	require.Equal(t, 2, cmd.Run([]string{"summarize", a, "missing.sse"}, env(&withErr, true)))
	assert.True(t, strings.HasSuffix(withErr.String(), "[2/2] missing.sse\r\x1b[Ksseinspect: missing.sse: no such file or directory\n"), "%q", withErr.String())
}

// TestColorDecision: --color in any case; NO_COLOR; FORCE_COLOR and
// CLICOLOR_FORCE (not 0 or false) force colour off a terminal; TERM=dumb.
func TestColorDecision(t *testing.T) {
	t.Parallel()
	a := "../testdata/captures/anthropic/text.sse"
	for name, c := range map[string]struct {
		args  []string
		tty   bool
		env   map[string]string
		color bool
	}{
		"terminal":              {nil, true, nil, true},
		"pipe":                  {nil, false, nil, false},
		"ALWAYS":                {[]string{"--color", "ALWAYS"}, false, nil, true},
		"Never":                 {[]string{"--color", "Never"}, true, nil, false},
		"NO_COLOR":              {nil, true, map[string]string{"NO_COLOR": "1"}, false},
		"FORCE_COLOR":           {nil, false, map[string]string{"FORCE_COLOR": "1"}, true},
		"FORCE_COLOR empty":     {nil, false, map[string]string{"FORCE_COLOR": ""}, false},
		"FORCE_COLOR=0":         {nil, false, map[string]string{"FORCE_COLOR": "0"}, false},
		"FORCE_COLOR=false":     {nil, false, map[string]string{"FORCE_COLOR": "false"}, false},
		"CLICOLOR_FORCE":        {nil, false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		"CLICOLOR_FORCE=0":      {nil, false, map[string]string{"CLICOLOR_FORCE": "0"}, false},
		"NO_COLOR over FORCE":   {nil, false, map[string]string{"NO_COLOR": "1", "FORCE_COLOR": "1"}, false},
		"FORCE over TERM=dumb":  {nil, false, map[string]string{"TERM": "dumb", "FORCE_COLOR": "3"}, true},
		"TERM=dumb":             {nil, true, map[string]string{"TERM": "dumb"}, false},
		"flag over FORCE_COLOR": {[]string{"--color", "never"}, false, map[string]string{"FORCE_COLOR": "1"}, false},
		"flag over NO_COLOR":    {[]string{"--color", "always"}, false, map[string]string{"NO_COLOR": "1"}, true},
	} {
		var out bytes.Buffer
		e := cmd.Env{Stdout: &out, Stderr: new(bytes.Buffer), StdoutIsTerminal: c.tty, Getenv: func(k string) string { return c.env[k] }}
		require.Equal(t, 0, cmd.Run(append(append([]string{"summarize"}, c.args...), a), e), name)
		assert.Equal(t, c.color, strings.Contains(out.String(), "\x1b["), "%s: %q", name, out.String())
	}
}
