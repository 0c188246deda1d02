package jsonbytes_test

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/sseinspect/sseinspect/internal/jsonbytes"
)

// escaped is the byte-by-byte reference: whether a JSON string escapes b.
func escaped(b byte) bool { return b == '"' || b == '\\' || b < 0x20 }

// checkWord checks Escaped on the eight bytes of w (w[0] in the low bits)
// against the reference: only top bits are set, every escaped byte is
// flagged, no byte before the first escaped one is, and the result is zero
// when no byte is escaped.
func checkWord(tb testing.TB, w []byte) {
	tb.Helper()
	m := jsonbytes.Escaped(binary.LittleEndian.Uint64(w))
	if m&^jsonbytes.Highs != 0 {
		tb.Fatalf("Escaped(%q) = %#x: bits other than the top bits are set", w, m)
	}
	first := 8
	for i := 7; i >= 0; i-- {
		flagged := m>>(8*i+7)&1 == 1
		if escaped(w[i]) {
			first = i
			if !flagged {
				tb.Fatalf("Escaped(%q) = %#x: byte %d (%#x) is not flagged", w, m, i, w[i])
			}
		}
	}
	if got := bits.TrailingZeros64(m) / 8; got != first {
		tb.Fatalf("Escaped(%q) = %#x: first flag at byte %d, want %d", w, m, got, first)
	}
}

// indexEscaped returns the index of the first byte of b that a JSON string
// escapes, or -1: a word at a time with Escaped, as internal/jsonscan and
// report search, then byte by byte for the tail.
func indexEscaped(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if m := jsonbytes.Escaped(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if escaped(b[i]) {
			return i
		}
	}
	return -1
}

// indexEscapedBytewise is indexEscaped one byte at a time.
func indexEscapedBytewise(b []byte) int {
	for i, c := range b {
		if escaped(c) {
			return i
		}
	}
	return -1
}

// TestEscapedOneByte puts every byte value at every position of a word of
// plain letters (which no borrow can flag): exactly that byte is flagged
// when JSON escapes it, nothing otherwise.
func TestEscapedOneByte(t *testing.T) {
	t.Parallel()
	for b := range 256 {
		for pos := range 8 {
			w := []byte("aaaaaaaa")
			w[pos] = byte(b)
			var want uint64
			if escaped(byte(b)) {
				want = 0x80 << (8 * pos)
			}
			if got := jsonbytes.Escaped(binary.LittleEndian.Uint64(w)); got != want {
				t.Fatalf("Escaped(%q) = %#x, want %#x", w, got, want)
			}
			checkWord(t, w)
		}
	}
}

// TestEscapedRandomWords checks words of bytes drawn mostly from the edges
// of the tests (0x1f/0x20, '"', '\\' and their neighbours, 0x7f/0x80,
// 0xff), where a borrow or a carry would go wrong.
func TestEscapedRandomWords(t *testing.T) {
	t.Parallel()
	edges := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, '!', '"', '#', '[', '\\', ']', 0x7f, 0x80, 0xa2, 0xdc, 0xfe, 0xff, 'a'}
	r := rand.New(rand.NewPCG(1, 2))
	w := make([]byte, 8)
	for range 50_000 {
		for i := range w {
			if r.IntN(4) == 0 {
				w[i] = byte(r.IntN(256))
			} else {
				w[i] = edges[r.IntN(len(edges))]
			}
		}
		checkWord(t, w)
	}
}

func TestIndexEscaped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", -1},
		{"plain text, no escapes", -1},
		{`a "quote"`, 2},
		{`back\slash`, 4},
		{"eight by\ttab in the second word", 8},
		{"tab at the end\t", 14},
		{"é 日本語 😊 and \u2028: multibyte runes are not escaped", -1},
		{"\x00 first", 0},
		{"\x7f and \x80 and \xff are not escaped", -1},
		{"    \x1f", 4},
		{"\x20\x20\x20\x20\x20\x20\x20\x20\"", 8},
	} {
		if got := indexEscaped([]byte(tc.in)); got != tc.want {
			t.Errorf("indexEscaped(%q) = %d, want %d", tc.in, got, tc.want)
		}
		if got := indexEscapedBytewise([]byte(tc.in)); got != tc.want {
			t.Errorf("the reference says %d for %q, want %d", got, tc.in, tc.want)
		}
	}
}

// FuzzEscapedMatchesBytewise checks the word-at-a-time search against the
// byte-by-byte reference, on the whole input and on every word of it.
func FuzzEscapedMatchesBytewise(f *testing.F) {
	for _, s := range []string{
		"",
		"plain ASCII text that runs over several words",
		`quote " and backslash \ and slash /`,
		"line\nfeed\r\ntab\tbackspace\bform\ffeed",
		"\x00\x01\x07\x1f\x20\x21 and \x7f\x80\xff",
		"\x1f\x20\x20\x20\x20\x20\x20\x20\x20\"",
		"#!][\\\"",
		"é, 日本語, 😊, \u2028, \ufeff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := indexEscaped(b), indexEscapedBytewise(b); got != want {
			t.Fatalf("indexEscaped(%q) = %d, want %d", b, got, want)
		}
		for i := 0; i+8 <= len(b); i++ {
			checkWord(t, b[i:i+8])
		}
	})
}
