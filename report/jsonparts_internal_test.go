package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fragments are the pieces of the random texts below: runes of every
// length, their bytes alone, escapes, invalid bytes.
var fragments = []string{"a", "bcdefgh", "é", "日", "😊", "\xf0", "\x9f", "\x98", "\x8a", "\xc3", "\xe6\x97", "\xff", "\n", `"`, "\x01", "\u2028", "\xe2\x80"}

func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(fragments[r.IntN(len(fragments))])
	}
	return b.String()
}

// escaped is the reference: the inside of encoding/json's string.
func escaped(tb testing.TB, s string) string {
	tb.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(tb, enc.Encode(s))
	return b.String()[1 : b.Len()-2]
}

// TestCutPiece: escaping the two sides of every cut that cutPiece chooses
// gives the escape of the whole.
func TestCutPiece(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		s := randomText(r, 40)
		want := escaped(t, s)
		for n := 4; n < len(s)+2; n++ {
			c := cutPiece(s, n)
			require.True(t, c > 0 && c <= len(s) && c >= min(n, len(s))-3, "cutPiece(%q, %d) = %d", s, n, c)
			assert.Equal(t, want, escaped(t, s[:c])+escaped(t, s[c:]), "%q cut at %d (asked %d)", s, c, n)
		}
	}
	assert.Equal(t, 1, cutPiece("a\xf0\x9f\x98\x8a", 4), "before the lead byte of a rune")
	assert.Equal(t, 4, cutPiece("abcdefgh", 4), "before a byte that is not a continuation byte")
	assert.Equal(t, 4, cutPiece("\x80\x80\x80\x80\x80x", 4), "four continuation bytes: no rune spans the cut")
	assert.Equal(t, 1, cutPiece("x\xf0\x9f\x98\x8a\x80", 4), "not inside the rune")
}

// TestJSONPartsInParallel: with small pieces, a long text in parts is
// written on two goroutines exactly as it is written on one.
func TestJSONPartsInParallel(t *testing.T) { // not parallel: it sets parallelMin and pieceLen
	defer func(m, l int) { parallelMin, pieceLen = m, l }(parallelMin, pieceLen)
	parallelMin, pieceLen = 64, 16
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 300 {
		text := randomText(r, r.IntN(400))
		var parts []string
		for rest := text; len(rest) > 0; {
			n := min(len(rest), 4+r.IntN(60)) // every part but the last at least utf8.UTFMax bytes
			if len(rest)-n < 4 {
				n = len(rest)
			}
			parts = append(parts, rest[:n])
			rest = rest[n:]
		}
		var out bytes.Buffer
		w := bufio.NewWriterSize(&out, 64<<10)
		writeJSONParts(w, parts)
		require.NoError(t, w.Flush())
		assert.Equal(t, `"`+escaped(t, text)+`"`, out.String(), "case %d: %q in %q", i, text, parts)
	}
}
