package cmd_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

var errFull = errors.New("no space left on device")

// failingWriter fails every write after the first ok bytes.
type failingWriter struct{ ok int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.ok {
		w.ok -= len(p)
		return len(p), nil
	}
	n := w.ok
	w.ok = 0
	return n, errFull
}

// TestWriteErrorIsExit2: every command reports a failed write to its
// standard output (a full disk) as an error, exit 2, never a silent 0 or 1.
func TestWriteErrorIsExit2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := filepath.Join(dir, "a.sse")
	require.NoError(t, os.WriteFile(a, []byte(chatCapture("a", 1, 2, `"stop"`)), 0o600))
	b := filepath.Join(dir, "b.sse")
	require.NoError(t, os.WriteFile(b, []byte(chatCapture("b", 1, 3, `"stop"`)), 0o600))
	failed := overloaded // an HTTP 529 error body
	golden := filepath.Join(dir, "a.golden.json")
	var out bytes.Buffer
	require.Equal(t, 0, cmd.Run([]string{"summarize", "--golden", golden, "--update", a}, cmd.Env{Stdout: &out, Stderr: &out}), out.String())
	timed := filepath.Join(t.TempDir(), "timed.sse")
	require.NoError(t, os.WriteFile(timed, []byte(servedCapture), 0o600))

	for name, c := range map[string]struct {
		args  []string
		stdin string
		ok    int // bytes written before the failure
	}{
		"summarize":             {args: []string{"summarize", a}},
		"summarize after one":   {args: []string{"summarize", a, b}, ok: 10},
		"summarize failed":      {args: []string{"summarize", failed}},
		"summarize --json":      {args: []string{"summarize", "--json", a}},
		"summarize totals":      {args: []string{"summarize", dir}, ok: 110}, // the two summaries, not the totals line
		"summarize --latency":   {args: []string{"summarize", "--latency", a}, ok: 60},
		"summarize --golden":    {args: []string{"summarize", "--golden", golden, b}},
		"default command":       {args: []string{a}},
		"default command stdin": {stdin: chatCapture("a", 1, 2, `"stop"`)},
		"body":                  {args: []string{"body", a}},
		"events":                {args: []string{"events", a}},
		"text":                  {args: []string{"text", a}},
		"check":                 {args: []string{"check", "--complete", a}},
		"check fails":           {args: []string{"check", "--min-output-tokens", "9", a}},
		"diff":                  {args: []string{"diff", a, b}},
		"golden":                {args: []string{"golden", a}},
		"record":                {args: []string{"record"}, stdin: "data: x\n\n"},
		"record -o":             {args: []string{"record", "-o", filepath.Join(t.TempDir(), "rec.sse")}, stdin: "data: x\n\n"},
		"replay":                {args: []string{"replay", "--speed", "max", timed}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			code := cmd.Run(c.args, cmd.Env{Stdin: strings.NewReader(c.stdin), Stdout: &failingWriter{ok: c.ok}, Stderr: &stderr})
			assert.Equal(t, 2, code, stderr.String())
			assert.Contains(t, stderr.String(), "no space left on device")
		})
	}
}
