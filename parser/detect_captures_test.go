package parser_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// TestDetectCohereOllamaCaptures replays every capture in testdata/captures
// and checks that the Cohere and Ollama-native ones, and only they, are
// read and detected as cohere and ollama: Ollama's OpenAI-compatible
// stream (ollama/*.sse) is openai-chat, its native NDJSON ollama.
func TestDetectCohereOllamaCaptures(t *testing.T) {
	t.Parallel()
	for _, path := range captures(t) {
		input, err := os.ReadFile(path)
		require.NoError(t, err)
		sc := streamctx.New(streamctx.Options{})
		res, err := parser.Replay(bytes.NewReader(input), sc, parser.Options{})
		require.NoError(t, err, path)
		var want string
		switch dir := filepath.Base(filepath.Dir(path)); {
		case dir == "cohere":
			want = "cohere"
		case dir == "ollama" && filepath.Ext(path) == ".ndjson":
			want = "ollama"
		}
		if want != "" {
			assert.Equal(t, want, res.Format.Name, path)
			assert.Equal(t, want, res.Detected, path)
			continue
		}
		for _, f := range []string{"cohere", "ollama"} {
			assert.NotEqual(t, f, res.Format.Name, path)
			assert.NotEqual(t, f, res.Detected, path)
		}
	}
}
