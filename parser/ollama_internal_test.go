package parser

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ollamaLines returns the lines of the Ollama-native captures.
func ollamaCaptureLines(tb testing.TB) [][]byte {
	tb.Helper()
	files, err := filepath.Glob("../testdata/captures/ollama/*.ndjson")
	require.NoError(tb, err)
	require.NotEmpty(tb, files)
	var lines [][]byte
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(tb, err)
		for _, l := range bytes.Split(b, []byte("\n")) {
			if len(bytes.TrimSpace(l)) > 0 {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// decodeFastOllamaFresh is decodeFastOllama with storage of its own.
func decodeFastOllamaFresh(data []byte, c *ollamaChunk) bool {
	var st ollamaFast
	return decodeFastOllama(data, c, &st, false)
}

// FuzzFastOllama holds decodeFastOllama to encoding/json.
func FuzzFastOllama(f *testing.F) {
	for _, l := range ollamaCaptureLines(f) {
		f.Add(l)
	}
	for _, s := range append(fastEdgeCases,
		`{"model":"m","message":{"role":"assistant","content":"a","thinking":null,"images":null},"done":false}`,
		`{"model":"m","message":null,"done":null,"response":"\u00e9"}`, `{"done":"yes"}`, `{"done":true,"Done":false}`,
		`{"Model":"m","MESSAGE":{"Content":"x"}}`, `{"message":{"content":"a","content":"b"}}`,
		`{"message":{"tool_calls":[]}}`, `{"message":[]}`, `{"done":true,"eval_count":1}`, `{"error":"x"}`,
		`{"response":"<think>","thinking":"t","context":[1,2],"done_reason":"stop"}`,
	) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data, decodeFastOllamaFresh)
	})
}

// TestFastOllamaTaken: the fast path decodes every fragment line of the
// captures (not the final objects with their counts).
func TestFastOllamaTaken(t *testing.T) {
	t.Parallel()
	var st ollamaFast
	n := 0
	for _, l := range ollamaCaptureLines(t) {
		if bytes.Contains(l, []byte(`"done":true`)) {
			continue
		}
		var c ollamaChunk
		assert.True(t, decodeFastOllama(l, &c, &st, false), "%s", l)
		n++
	}
	assert.Greater(t, n, 300)
}

// TestFastOllamaSkipsText: with skipText the texts are only told empty or
// not.
func TestFastOllamaSkipsText(t *testing.T) {
	t.Parallel()
	var st ollamaFast
	var c ollamaChunk
	require.True(t, decodeFastOllama([]byte(`{"model":"m","message":{"content":"abc","thinking":""},"response":"x","done":false}`), &c, &st, true))
	assert.NotEmpty(t, c.Message.Content)
	assert.Empty(t, c.Message.Thinking)
	assert.NotEmpty(t, c.Response)
	assert.Equal(t, "m", c.Model)
	require.NotNil(t, c.Done)
	assert.False(t, *c.Done)
}

// TestOllamaThinkCheckBounded: a text that starts with many fragments of
// white space (hand-made; a hostile or degenerate stream) keeps the <think>
// check's buffer at the few bytes after the white space, not every fragment
// so far: each fragment used to copy the whole buffer, so that n such lines
// cost O(n²) time (80,000 lines of " ", 6 MB, took 4 s; 10 times as many,
// about 7 minutes).
func TestOllamaThinkCheckBounded(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{CollectText: true})
	p := &ollama{}
	ev := &sse.Event{Data: []byte(`{"model":"m","created_at":"x","response":" \n","done":false}`), Line: 1, Retry: -1}
	for range 1000 {
		p.Event(sc, ev)
	}
	assert.False(t, p.checked, "white space alone tells nothing yet")
	assert.LessOrEqual(t, len(p.head), len("<think>"), "the buffer holds no white space")
	ev.Data = []byte(`{"model":"m","created_at":"x","response":"<think>x","done":false}`)
	p.Event(sc, ev)
	assert.True(t, p.checked)
	w := sc.Snapshot("f", "ollama").Warnings
	require.Len(t, w, 1)
	assert.Contains(t, w[0], "line 1: the text starts with <think>")
}
