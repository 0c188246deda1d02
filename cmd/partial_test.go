package cmd_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// TestReadStoppedReportsWhatArrived: when reading stops at an error after
// events were read (a line over the cap here), the commands that report a
// capture report what arrived, say why it stopped once on stderr, and exit
// 1, not 2; check and diff, which would decide on part of a stream, exit 2
// with the error.
func TestReadStoppedReportsWhatArrived(t *testing.T) {
	t.Parallel()
	complete, err := os.ReadFile(anthropicText)
	require.NoError(t, err)
	dir := t.TempDir()
	partial := filepath.Join(dir, "partial.sse")
	long := "data: " + strings.Repeat("x", 5000) + "\n\n"
	require.NoError(t, os.WriteFile(partial, append(bytes.Clone(complete), long...), 0o644))
	line := strconv.Itoa(bytes.Count(complete, []byte("\n")) + 1)
	cause := "sseinspect: " + partial + ": line " + line + ": line too long (line over 4096 bytes)"
	note := cause + " (what was read before is reported)\n"
	// In human output the error is a warning, after the summary.
	warning := "sseinspect: " + partial + ": warning: the input could not be read to its end: line " + line + ": line too long (line over 4096 bytes)\n"
	golden := filepath.Join(dir, "partial.golden.json")
	anthropicGolden := strings.TrimSuffix(anthropicText, ".sse") + ".golden.json"

	cases := map[string]struct {
		args   []string
		has    []string
		code   int
		stderr string
	}{
		"summarize": {args: []string{"summarize", partial}, code: 1, stderr: warning,
			has: []string{"[OK] 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n"}},
		"summarize_json": {args: []string{"summarize", "--json", partial}, code: 1, stderr: note,
			has: []string{`"complete":true`, `"output_tokens":10`, `"warnings":["the input could not be read to its end: line ` + line + `: line too long (line over 4096 bytes)"]`}},
		"body": {args: []string{"body", partial}, code: 1, stderr: note, has: []string{`"has_completion":true`}},
		"text": {args: []string{"text", partial}, code: 1, stderr: note, has: []string{"- Captain"}},
		// Assertions and comparisons on part of a stream decide nothing,
		// and part of a stream never becomes a golden file.
		"summarize_golden_update": {args: []string{"summarize", "--golden", golden, "--update", partial}, code: 2, stderr: cause + "\n"},
		"summarize_golden":        {args: []string{"summarize", "--golden", anthropicGolden, partial}, code: 2, stderr: cause + "\n"},
		"golden_update": {args: []string{"golden", "--update", partial}, code: 2,
			has: []string{"FAIL " + cause[len("sseinspect: "):] + "\n", "0 updated"}},
		"golden": {args: []string{"golden", partial}, code: 2,
			has: []string{"FAIL " + cause[len("sseinspect: "):] + "\n", "0 passed, 1 failed"}},
		"check": {args: []string{"check", "--complete", partial}, code: 2, stderr: cause + "\n"},
		"diff":  {args: []string{"diff", anthropicText, partial}, code: 2, stderr: cause + "\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{tc.args[0], "--max-line-size", "4096"}, tc.args[1:]...)
			var stdout, stderr bytes.Buffer
			code := cmd.Run(args, cmd.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
			assert.Equal(t, tc.code, code)
			assert.Equal(t, tc.stderr, stderr.String())
			for _, h := range tc.has {
				assert.Contains(t, stdout.String(), h)
			}
			assert.NoFileExists(t, golden, "a partial read became a golden file")
		})
	}

	t.Run("several_files_in_order", func(t *testing.T) {
		t.Parallel()
		// One buffer for both streams: the warning comes right after the
		// partial capture's summary, not when its worker read it.
		var out bytes.Buffer
		code := cmd.Run([]string{"summarize", "--max-line-size", "4096", anthropicText, partial, anthropicText},
			cmd.Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }})
		assert.Equal(t, 1, code)
		summary := "[OK] 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n"
		assert.Equal(t, summary+summary+warning+summary, out.String())
	})

	t.Run("nothing_read_is_still_exit_2", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr bytes.Buffer
		code := cmd.Run([]string{"summarize", "--max-line-size", "10", partial},
			cmd.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
		assert.Equal(t, 2, code)
		assert.Empty(t, stdout.String())
		assert.Equal(t, "sseinspect: "+partial+": line 1: line too long (line over 10 bytes)\n", stderr.String())
	})
}

// TestStdinReadErrorReportsWhatArrived: a stream whose reading fails (a
// reset connection) is reported up to the failure.
func TestStdinReadErrorReportsWhatArrived(t *testing.T) {
	t.Parallel()
	stream := "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n" +
		"data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}\n\ndata: {\"id\":"
	var stdout, stderr bytes.Buffer
	code := cmd.Run([]string{"summarize", "--json"}, cmd.Env{
		Stdin:  io.MultiReader(strings.NewReader(stream), iotest.ErrReader(errors.New("connection reset by peer"))),
		Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" },
	})
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout.String(), `"text":"Hello"`)
	assert.Contains(t, stdout.String(), `"complete":false`)
	assert.Equal(t, "sseinspect: stdin: line 5: connection reset by peer (what was read before is reported)\n", stderr.String())
}
