package cmd_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func chatCapture(id string, in, out int, finish string) string {
	return `data: {"id":"chatcmpl-` + id + `","model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":` + finish + `}],"usage":{"prompt_tokens":` +
		strconv.Itoa(in) + `,"completion_tokens":` + strconv.Itoa(out) + "}}\n\ndata: [DONE]\n\n"
}

func TestDirectories(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"caps/a.sse":         chatCapture("a", 1, 2, `"stop"`),
		"caps/b.txt":         chatCapture("b", 10, 20, `"stop"`),
		"caps/notes.md":      "not a capture",
		"caps/sub/d.sse":     chatCapture("sub", 100, 200, `"stop"`),
		"caps/.hidden/e.sse": "data: not json\n\n",
		"stray/a.sse":        chatCapture("a", 1, 2, `"stop"`),
		"stray/README.txt":   "Captures of the gateway, 2026-01.\n",
		"strays/README.txt":  "nothing here\n",
		"strays/notes.txt":   "more notes\n",
	})
	require.NoError(t, os.Mkdir(filepath.Join(dir, "empty"), 0o755))
	const a = "[OK] a | m | openai\n      Total: n/a | in:1 out:2\n"
	const b = "[OK] b | m | openai\n      Total: n/a | in:10 out:20\n"
	const sub = "[OK] sub | m | openai\n      Total: n/a | in:100 out:200\n"
	cases := map[string]struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		"directory_then_totals": {
			args:   []string{"summarize", "$DIR/caps"},
			stdout: a + b + "captures: 2  failed: 0  incomplete: 0  in: 11  out: 22\n",
		},
		"recursive_skips_hidden_directories": {
			args:   []string{"summarize", "-r", "$DIR/caps"},
			stdout: a + b + sub + "captures: 3  failed: 0  incomplete: 0  in: 111  out: 222\n",
		},
		"one_capture_in_a_directory_no_totals": {
			args:   []string{"summarize", "$DIR/caps/sub"},
			stdout: sub,
		},
		"files_without_a_directory_no_totals": {
			args:   []string{"summarize", "$DIR/caps/a.sse", "$DIR/caps/b.txt"},
			stdout: a + b,
		},
		"files_and_directories_in_argument_order": {
			args:   []string{"summarize", "$DIR/caps/sub/d.sse", "$DIR/caps"},
			stdout: sub + a + b + "captures: 3  failed: 0  incomplete: 0  in: 111  out: 222\n",
		},
		"json_lines_only": {
			args: []string{"summarize", "--json", "--recursive", "$DIR/caps"},
		},
		"empty_directory_others_still_read": {
			args:   []string{"summarize", "$DIR/empty", "$DIR/caps/a.sse"},
			code:   2,
			stdout: a,
			stderr: "sseinspect: no captures in $DIR/empty\n",
		},
		"captures_only_in_subdirectories": {
			args:   []string{"summarize", "$DIR"},
			code:   2,
			stderr: "sseinspect: no captures in $DIR (its subdirectories have captures: use -r)\n",
		},
		"stray_text_in_a_directory_skipped_with_a_note": {
			args:   []string{"summarize", "$DIR/stray"},
			stdout: a,
			stderr: "sseinspect: $DIR/stray/README.txt: unrecognizable format: not an SSE stream nor a JSON body (starts \"Captures of the gateway, 2026-01.\") (skipped: not a capture)\n",
		},
		"stray_text_check_skipped_too": {
			args:   []string{"check", "--complete", "$DIR/stray"},
			stdout: "PASS $DIR/stray/a.sse (1 assertion)\n",
			stderr: "sseinspect: $DIR/stray/README.txt: unrecognizable format: not an SSE stream nor a JSON body (starts \"Captures of the gateway, 2026-01.\") (skipped: not a capture)\n",
		},
		"stray_text_named_is_an_error": {
			args:   []string{"summarize", "$DIR/stray/README.txt"},
			code:   2,
			stderr: "sseinspect: $DIR/stray/README.txt: unrecognizable format: not an SSE stream nor a JSON body (starts \"Captures of the gateway, 2026-01.\")\n",
		},
		"only_stray_text_no_captures": {
			args: []string{"summarize", "$DIR/strays"},
			code: 2,
			stderr: "sseinspect: $DIR/strays/README.txt: unrecognizable format: not an SSE stream nor a JSON body (starts \"nothing here\") (skipped: not a capture)\n" +
				"sseinspect: $DIR/strays/notes.txt: unrecognizable format: not an SSE stream nor a JSON body (starts \"more notes\") (skipped: not a capture)\n" +
				"sseinspect: no captures: every file found is not one\n",
		},
		"check_directory": {
			args:   []string{"check", "-r", "--min-output-tokens", "20", "$DIR/caps"},
			code:   1,
			stdout: "FAIL --min-output-tokens 20: output_tokens is 2\nFAIL $DIR/caps/a.sse (1 of 1 assertion failed)\nPASS $DIR/caps/b.txt (1 assertion)\nPASS $DIR/caps/sub/d.sse (1 assertion)\n",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := inDir{dir: dir}.run(t, c.args...)
			assert.Equal(t, c.code, code, stderr)
			if name == "json_lines_only" {
				assert.Equal(t, 3, strings.Count(stdout, "\n"))
				assert.NotContains(t, stdout, "captures:")
				return
			}
			assert.Equal(t, c.stdout, stdout)
			assert.Equal(t, c.stderr, stderr)
		})
	}
}

// TestDirectoryReadsHARFiles: a HAR file in a directory is a capture, and
// its timings count in the totals line, and its cost: gpt-4o, 9 in at $2.5
// and 4 out at $10 per million, (22.5 + 40)/1e6; model "m" has no price.
func TestDirectoryReadsHARFiles(t *testing.T) {
	t.Parallel()
	har, err := os.ReadFile("../capture/testdata/chrome.har")
	require.NoError(t, err)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.sse":    chatCapture("a", 1, 2, `"stop"`),
		"page.har": string(har),
	})
	stdout, stderr, code := run{args: []string{"summarize", dir}}.do(t)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "[OK] a | m | openai\n      Total: n/a | in:1 out:2\n"+
		"[OK] req_7f3a | gpt-4o | openai | TTFB: 493ms\n      Total: 1834ms | in:9 out:4\n"+
		"captures: 2  failed: 0  incomplete: 0  in: 10  out: 6  ttfb p50/p99: 493ms/493ms  cost: $0.000063 (1 without)\n", stdout)
}
