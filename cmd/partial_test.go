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
// events were read (a line over the cap here), every command reports what
// arrived, says why it stopped once on stderr, and exits 1, not 2.
func TestReadStoppedReportsWhatArrived(t *testing.T) {
	t.Parallel()
	complete, err := os.ReadFile(anthropicText)
	require.NoError(t, err)
	dir := t.TempDir()
	partial := filepath.Join(dir, "partial.sse")
	long := "data: " + strings.Repeat("x", 5000) + "\n\n"
	require.NoError(t, os.WriteFile(partial, append(bytes.Clone(complete), long...), 0o644))
	line := bytes.Count(complete, []byte("\n")) + 1
	note := "sseinspect: " + partial + ": line " + strconv.Itoa(line) + ": line too long (line over 4096 bytes) (what was read before is reported)\n"
	golden := filepath.Join(dir, "partial.golden.json")

	cases := map[string]struct {
		args []string
		has  []string
		code int
	}{
		"summarize":      {args: []string{"summarize", partial}, has: []string{"[OK] 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n"}, code: 1},
		"summarize_json": {args: []string{"summarize", "--json", partial}, has: []string{`"complete":true`, `"output_tokens":10`, `"warnings":["the input could not be read to its end: line ` + strconv.Itoa(line) + `: line too long (line over 4096 bytes)"]`}, code: 1},
		"body":           {args: []string{"body", partial}, has: []string{`"has_completion":true`}, code: 1},
		"text":           {args: []string{"text", partial}, has: []string{"\n"}, code: 1},
		"check":          {args: []string{"check", "--complete", "--no-error", partial}, has: []string{"FAIL --no-error"}, code: 1},
		// golden's exit status is the comparison's: writing is success.
		"golden": {args: []string{"summarize", "--golden", golden, "--update", partial}, code: 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{tc.args[0], "--max-line-size", "4096"}, tc.args[1:]...)
			var stdout, stderr bytes.Buffer
			code := cmd.Run(args, cmd.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
			assert.Equal(t, tc.code, code, "a report was printed, but the input was not read to its end")
			assert.Equal(t, note, stderr.String())
			for _, h := range tc.has {
				assert.Contains(t, stdout.String(), h)
			}
		})
	}

	t.Run("several_files_in_order", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr bytes.Buffer
		code := cmd.Run([]string{"summarize", "--max-line-size", "4096", anthropicText, partial, anthropicText},
			cmd.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
		assert.Equal(t, 1, code)
		assert.Equal(t, note, stderr.String(), "said once")
		assert.Equal(t, 3, strings.Count(stdout.String(), "[OK]"))
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
