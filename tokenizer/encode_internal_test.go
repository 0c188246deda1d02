package tokenizer

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The token ids of the published vectors: tests/test_encoding.py of
// openai/tiktoken (cl100k_base), and for o200k_base the reference
// implementation's output (npm tiktoken 1.0.22), which tiktoken's public
// tests do not list.
func TestEncodeReferenceVectors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, text string
		want       []int
	}{
		{Cl100kBase, "hello world", []int{15339, 1917}},
		{Cl100kBase, "rer", []int{38149}},
		{Cl100kBase, "'rer", []int{2351, 81}},
		{Cl100kBase, "today\n ", []int{31213, 198, 220}},
		{Cl100kBase, "today\n \n", []int{31213, 27907}},
		{Cl100kBase, "today\n  \n", []int{31213, 14211}},
		{Cl100kBase, " \u00850", []int{220, 126, 227, 15}},
		{Cl100kBase, "👍", []int{9468, 239, 235}},
		{Cl100kBase, "hello <|endoftext|>", []int{15339, 83739, 8862, 728, 428, 91, 29}},
		{Cl100kBase, "", nil},
		{O200kBase, "hello world", []int{24912, 2375}},
		{O200kBase, "today\n \n", []int{58744, 47812}},
		{O200kBase, "today\n  \n", []int{58744, 31835}},
		{O200kBase, "x\n\t\ny", []int{87, 40612, 88}},
	} {
		tok, err := Lookup(c.name)
		require.NoError(t, err)
		var got []int
		tok.encode(c.text, func(r int) { got = append(got, r) })
		assert.Equal(t, c.want, got, "%s %q", c.name, c.text)
	}
}

// Every single byte is a token, so a merge never yields noRank.
func TestMergePieceAllBytes(t *testing.T) {
	t.Parallel()
	for _, name := range Names() {
		tok, err := Lookup(name)
		require.NoError(t, err)
		for b := range 256 {
			var got []int
			mergePiece(string([]byte{byte(b)}), tok.ranks, func(r int) { got = append(got, r) })
			require.Len(t, got, 1)
			assert.NotEqual(t, noRank, got[0], "%s byte %#x", name, b)
		}
	}
}

// The scan (short pieces) and the heap (long pieces) merge alike.
func TestMergeScanEqualsHeap(t *testing.T) {
	t.Parallel()
	pieces := []string{
		"supercalifragilistic", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "Ĳsselmeer", "👍👍👍👍",
		"                                                      ", "\n\n\n\n\n\n\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"antidisestablishmentarianism", "请考试我的软件", "\xff\xfe\xfd", "ab",
	}
	for _, name := range Names() {
		tok, err := Lookup(name)
		require.NoError(t, err)
		for _, p := range pieces {
			require.LessOrEqual(t, len(p), scanMax)
			var scan, heap []int
			mergeScan(p, tok.ranks, func(r int) { scan = append(scan, r) })
			mergeHeap(p, tok.ranks, func(r int) { heap = append(heap, r) })
			assert.Equal(t, heap, scan, "%s %q", name, p)
		}
	}
}
