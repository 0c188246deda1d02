package cmd_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// inDir runs sseinspect in-process on files in dir; "$DIR" in args stands
// for dir, and dir in the outputs is shown as "$DIR".
type inDir struct {
	dir   string
	stdin string
	live  bool
}

func (d inDir) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "$DIR", d.dir)
	}
	var out, errb bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	stdin := io.Reader(strings.NewReader(d.stdin))
	if d.live {
		stdin = &eventPerRead{rest: d.stdin}
	}
	code = cmd.Run(args, cmd.Env{
		Stdin:       stdin,
		Stdout:      &out,
		Stderr:      &errb,
		StdinIsLive: d.live,
		Now: func() time.Time {
			clock = clock.Add(10 * time.Millisecond)
			return clock
		},
		Start: clock,
	})
	return strings.ReplaceAll(out.String(), d.dir, "$DIR"), strings.ReplaceAll(errb.String(), d.dir, "$DIR"), code
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

const (
	captureA = "data: {\"id\":\"chatcmpl-a\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one\\ntwo\\nthree\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n"
	captureB = "data: {\"id\":\"chatcmpl-a\",\"model\":\"m2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one\\n2\\nthree\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":3}}\n\ndata: [DONE]\n\n"
)

// TestSummarizeGolden walks through summarize --golden, one step after
// the other on the same files.
func TestSummarizeGolden(t *testing.T) {
	t.Parallel()
	d := inDir{dir: t.TempDir()}
	writeFiles(t, d.dir, map[string]string{"a.sse": captureA, "b.sse": captureB})

	_, stderr, code := d.run(t, "summarize", "--json", "--golden", "$DIR/a.golden.json", "$DIR/a.sse")
	assert.Equal(t, 2, code)
	assert.Equal(t, "sseinspect: $DIR/a.golden.json: no such golden file (write it with --update)\n", stderr)

	stdout, stderr, code := d.run(t, "summarize", "--json", "--golden", "$DIR/a.golden.json", "--update", "$DIR/a.sse")
	assert.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	golden, err := os.ReadFile(filepath.Join(d.dir, "a.golden.json"))
	require.NoError(t, err)
	assert.Contains(t, string(golden), "{\n  \"format\": \"openai-chat\",\n")
	assert.Contains(t, string(golden), "\n  \"ttfb_ms\": null,\n  \"ttft_ms\": null,\n  \"total_ms\": null,\n")

	stdout, stderr, code = d.run(t, "summarize", "--golden", "$DIR/a.golden.json", "$DIR/a.sse")
	assert.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout, "a match prints nothing")

	stdout, _, code = d.run(t, "summarize", "--json", "--golden", "$DIR/a.golden.json", "$DIR/b.sse")
	assert.Equal(t, 1, code)
	assert.Equal(t, `--- $DIR/a.golden.json
+++ $DIR/b.sse
- model: "m"
+ model: "m2"
- output_tokens: 2
+ output_tokens: 3
text:
  @@ -1,3 +1,3 @@
   one
  -two
  +2
   three
`, stdout)

	// A golden file edited by hand: other spacing, a key it should not
	// have, a key missing.
	writeFiles(t, d.dir, map[string]string{"hand.golden.json": strings.Replace(strings.Replace(string(golden),
		`"warnings": []`, `"warnings": [ ], "price": 1`, 1), `  "model": "m",`+"\n", "", 1)})
	stdout, _, code = d.run(t, "summarize", "--golden", "$DIR/hand.golden.json", "$DIR/a.sse")
	assert.Equal(t, 1, code)
	assert.Equal(t, "--- $DIR/hand.golden.json\n+++ $DIR/a.sse\n+ model: \"m\"\n- price: 1\n", stdout)

	_, stderr, code = d.run(t, "summarize", "--golden", "$DIR/a.golden.json", "$DIR/a.sse", "$DIR/b.sse")
	assert.Equal(t, 2, code)
	assert.Equal(t, "sseinspect: --golden compares one capture, got 2\nRun 'sseinspect --help' for usage.\n", stderr)
	_, stderr, code = d.run(t, "summarize", "--update", "$DIR/a.sse")
	assert.Equal(t, 2, code)
	assert.Equal(t, "sseinspect: --update and --golden-timing need --golden FILE\nRun 'sseinspect --help' for usage.\n", stderr)
	writeFiles(t, d.dir, map[string]string{"bad.golden.json": "[1"})
	_, stderr, code = d.run(t, "summarize", "--golden", "$DIR/bad.golden.json", "$DIR/a.sse")
	assert.Equal(t, 2, code)
	assert.Equal(t, "sseinspect: $DIR/bad.golden.json: not a JSON summary: unexpected end of JSON input\n", stderr)
}

// TestSummarizeGoldenTiming: timings are left out unless --golden-timing.
func TestSummarizeGoldenTiming(t *testing.T) {
	t.Parallel()
	d := inDir{dir: t.TempDir(), stdin: captureA, live: true}
	writeFiles(t, d.dir, map[string]string{"a.sse": captureA})
	_, stderr, code := d.run(t, "summarize", "--golden", "$DIR/a.golden.json", "--update", "$DIR/a.sse")
	require.Equal(t, 0, code, stderr)

	stdout, _, code := d.run(t, "summarize", "--golden", "$DIR/a.golden.json", "-")
	assert.Equal(t, 0, code, stdout)
	stdout, _, code = d.run(t, "summarize", "--golden", "$DIR/a.golden.json", "--golden-timing", "-")
	assert.Equal(t, 1, code)
	assert.Equal(t, "--- $DIR/a.golden.json\n+++ stdin\n- ttfb_ms: null\n+ ttfb_ms: 10\n- ttft_ms: null\n+ ttft_ms: 10\n- total_ms: null\n+ total_ms: 30\n"+
		`- latency: {"ttfb_ms":null,"ttf_event_ms":null,"ttft_ms":null,"ttf_output_ms":null,"total_ms":null,"gaps_ms":null,"stalls":null,"stall_threshold_ms":2000,"tpot_ms":null,"output_tokens_per_s":null,"tokens_source":null}`+"\n"+
		`+ latency: {"ttfb_ms":10,"ttf_event_ms":10,"ttft_ms":10,"ttf_output_ms":10,"total_ms":30,"gaps_ms":{"p50":null,"p90":null,"p99":null,"max":null,"count":0},"stalls":0,"stall_threshold_ms":2000,"tpot_ms":0,"output_tokens_per_s":null,"tokens_source":"provider"}`+"\n", stdout)

	// --golden-timing --update keeps them.
	_, _, code = d.run(t, "summarize", "--golden", "$DIR/timed.golden.json", "--golden-timing", "--update", "-")
	require.Equal(t, 0, code)
	golden, err := os.ReadFile(filepath.Join(d.dir, "timed.golden.json"))
	require.NoError(t, err)
	assert.Contains(t, string(golden), "\"ttfb_ms\": 10,")
}

// TestGoldenCommand walks through the golden command on one directory.
func TestGoldenCommand(t *testing.T) {
	t.Parallel()
	d := inDir{dir: t.TempDir()}
	writeFiles(t, d.dir, map[string]string{"a.sse": captureA, "b.sse": captureB, "notes.txt": "not a capture", "sub/bad.sse": "not a stream\n"})
	_, _, code := d.run(t, "summarize", "--golden", "$DIR/a.golden.json", "--update", "$DIR/a.sse")
	require.Equal(t, 0, code)

	stdout, stderr, code := d.run(t, "golden", "$DIR")
	assert.Equal(t, 1, code)
	assert.Empty(t, stderr)
	assert.Equal(t, "PASS $DIR/a.sse\nFAIL $DIR/b.sse: $DIR/b.golden.json: no such golden file (write it with --update)\n1 passed, 1 failed\n", stdout)

	// A golden file that differs: the diff, indented under FAIL.
	writeFiles(t, d.dir, map[string]string{"b.golden.json": mustRead(t, filepath.Join(d.dir, "a.golden.json"))})
	stdout, _, code = d.run(t, "golden", "$DIR")
	assert.Equal(t, 1, code)
	assert.Equal(t, "PASS $DIR/a.sse\nFAIL $DIR/b.sse\n    --- $DIR/b.golden.json\n    +++ $DIR/b.sse\n    - model: \"m\"\n    + model: \"m2\"\n"+
		"    - output_tokens: 2\n    + output_tokens: 3\n    text:\n      @@ -1,3 +1,3 @@\n       one\n      -two\n      +2\n       three\n1 passed, 1 failed\n", stdout)

	stdout, _, code = d.run(t, "golden", "--update", "$DIR")
	assert.Equal(t, 0, code)
	assert.Equal(t, "PASS $DIR/a.sse\nUPDATED $DIR/b.sse\n1 passed, 0 failed, 1 updated\n", stdout)
	stdout, _, code = d.run(t, "golden", "$DIR", "$DIR/a.sse")
	assert.Equal(t, 0, code)
	assert.Equal(t, "PASS $DIR/a.sse\nPASS $DIR/b.sse\nPASS $DIR/a.sse\n3 passed, 0 failed\n", stdout)

	// -r descends; a capture that cannot be read fails with exit 2.
	stdout, _, code = d.run(t, "golden", "-r", "$DIR")
	assert.Equal(t, 2, code)
	assert.Equal(t, "PASS $DIR/a.sse\nPASS $DIR/b.sse\nFAIL $DIR/sub/bad.sse: unrecognizable format: not an SSE stream nor a JSON body (starts \"not a stream\")\n2 passed, 1 failed\n", stdout)

	require.NoError(t, os.Mkdir(filepath.Join(d.dir, "empty"), 0o755))
	stdout, stderr, code = d.run(t, "golden", "$DIR/empty")
	assert.Equal(t, 2, code)
	assert.Equal(t, "sseinspect: no captures (*.sse, *.datastream, *.eventstream, *.ndjson) in $DIR/empty\n", stderr)
	assert.Equal(t, "0 passed, 0 failed\n", stdout)

	// Captures only in subdirectories: the error says to use -r.
	writeFiles(t, d.dir, map[string]string{"nested/deep/x.sse": captureA})
	_, stderr, code = d.run(t, "golden", "$DIR/nested")
	assert.Equal(t, 2, code)
	assert.Equal(t, "sseinspect: no captures (*.sse, *.datastream, *.eventstream, *.ndjson) in $DIR/nested (its subdirectories have captures: use -r)\n", stderr)

	_, stderr, code = d.run(t, "golden")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "requires at least 1 arg")
	_, stderr, code = d.run(t, "golden", "-")
	assert.Equal(t, 2, code)
	assert.Equal(t, "sseinspect: golden reads files, not standard input\nRun 'sseinspect --help' for usage.\n", stderr)
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
