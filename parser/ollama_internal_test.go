package parser

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

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
