package tokenizer_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/pkoukk/tiktoken-go-loader/assets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/tokenizer"
)

func lookup(tb testing.TB, name string) *tokenizer.Tokenizer {
	tb.Helper()
	tok, err := tokenizer.Lookup(name)
	require.NoError(tb, err)
	return tok
}

// The embedded vocabularies are the files tiktoken downloads: their SHA-256
// is the expected_hash of tiktoken_ext/openai_public.py (openai/tiktoken).
func TestVocabularyIsTiktokens(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		tokenizer.O200kBase:  "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
		tokenizer.Cl100kBase: "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
	} {
		b, err := assets.Assets.ReadFile(name + ".tiktoken")
		require.NoError(t, err)
		sum := sha256.Sum256(b)
		assert.Equal(t, want, hex.EncodeToString(sum[:]), name)
	}
}

// reference.json holds counts made by the reference implementation: the
// npm package tiktoken 1.0.22 (openai/tiktoken's Rust core built to
// WebAssembly), encode_ordinary(text).length for each encoding. Its texts
// are edge cases (whitespace runs around newlines, contractions, digits,
// scripts, emoji, invalid-looking escapes, special-token text) and texts
// from this repository's captures.
func TestCountMatchesReference(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/reference.json")
	require.NoError(t, err)
	var cases []struct {
		Text       string `json:"text"`
		O200kBase  int    `json:"o200k_base"`
		Cl100kBase int    `json:"cl100k_base"`
	}
	require.NoError(t, json.Unmarshal(b, &cases))
	require.NotEmpty(t, cases)
	o200k, cl100k := lookup(t, tokenizer.O200kBase), lookup(t, tokenizer.Cl100kBase)
	for _, c := range cases {
		assert.Equal(t, c.O200kBase, o200k.Count(c.Text), "o200k_base %q", c.Text)
		assert.Equal(t, c.Cl100kBase, cl100k.Count(c.Text), "cl100k_base %q", c.Text)
	}
}

// Long repetitive pieces are one BPE merge each; they must not take
// quadratic time (the counts are the reference's for 100 000 repeats; the
// test would time out, not fail, were the merge quadratic).
func TestCountRepetitive(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s             string
		o200k, cl100k int
	}{
		{strings.Repeat("x", 100000), 12500, 12500},
		{strings.Repeat("👍", 100000), 100000, 300000},
		{strings.Repeat(" ", 100000), 782, 782},
		{strings.Repeat("\n", 100000), 6250, 3125},
	} {
		assert.Equal(t, c.o200k, lookup(t, tokenizer.O200kBase).Count(c.s), "o200k_base %q…", c.s[:4])
		assert.Equal(t, c.cl100k, lookup(t, tokenizer.Cl100kBase).Count(c.s), "cl100k_base %q…", c.s[:4])
	}
}

func TestCountInvalidUTF8(t *testing.T) {
	t.Parallel()
	tok := lookup(t, tokenizer.O200kBase)
	assert.Equal(t, tok.Count("a\uFFFDb"), tok.Count("a\xff\xfeb"))
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for _, name := range tokenizer.Names() {
		tok := lookup(t, name)
		assert.Equal(t, name, tok.Name())
		assert.Same(t, tok, lookup(t, name))
	}
	_, err := tokenizer.Lookup("p50k_base")
	require.ErrorIs(t, err, tokenizer.ErrUnknown)
	assert.EqualError(t, err, `unknown tokenizer "p50k_base" (known: o200k_base, cl100k_base)`)
}

func TestForModel(t *testing.T) {
	t.Parallel()
	for model, want := range map[string]string{
		"gpt-4o":                      tokenizer.O200kBase,
		"gpt-4o-mini-2024-07-18":      tokenizer.O200kBase,
		"chatgpt-4o-latest":           tokenizer.O200kBase,
		"gpt-4.1-nano":                tokenizer.O200kBase,
		"gpt-4.5-preview":             tokenizer.O200kBase,
		"gpt-5":                       tokenizer.O200kBase,
		"gpt-5-mini-2025-08-07":       tokenizer.O200kBase,
		"GPT-5":                       tokenizer.O200kBase,
		"openai/gpt-oss-120b":         tokenizer.O200kBase,
		"o1":                          tokenizer.O200kBase,
		"o3-mini":                     tokenizer.O200kBase,
		"o4-mini-2025-04-16":          tokenizer.O200kBase,
		"ft:gpt-4o-2024-08-06:org::x": tokenizer.O200kBase,
		"gpt-4":                       tokenizer.Cl100kBase,
		"gpt-4-turbo":                 tokenizer.Cl100kBase,
		"gpt-3.5-turbo":               tokenizer.Cl100kBase,
		"claude-sonnet-4":             tokenizer.Cl100kBase,
		"gemini-2.5-flash":            tokenizer.Cl100kBase,
		"llama-3.3-70b":               tokenizer.Cl100kBase,
		"omni-moderation":             tokenizer.Cl100kBase,
		"":                            tokenizer.Cl100kBase,
	} {
		assert.Equal(t, want, tokenizer.ForModel(model), model)
	}
}

func BenchmarkCount(b *testing.B) {
	text := benchText(b)
	for _, name := range tokenizer.Names() {
		b.Run(name, func(b *testing.B) {
			tok := lookup(b, name)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				tok.Count(text)
			}
		})
	}
}

// benchText is about 4 MB of mixed text: the reference texts (prose, code,
// JSON, many scripts, emoji) repeated.
func benchText(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	require.NoError(tb, err)
	var cases []struct {
		Text string `json:"text"`
	}
	require.NoError(tb, json.Unmarshal(b, &cases))
	var sb strings.Builder
	for sb.Len() < 4<<20 {
		for _, c := range cases {
			sb.WriteString(c.Text)
			sb.WriteString("\n\n")
		}
	}
	return sb.String()
}
