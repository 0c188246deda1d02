package report

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestSpecials8 holds specials8 to the byte-by-byte rule: its lowest flag
// is the first of the eight bytes that is not jsonSafe ASCII, and it is 0
// when there is none. Every byte value at every
// position among safe bytes, then random words biased to the edges.
func TestSpecials8(t *testing.T) {
	t.Parallel()
	first := func(w [8]byte) int { // 8 for none
		for i, b := range w {
			if b >= utf8.RuneSelf || !jsonSafe[b] {
				return i
			}
		}
		return 8
	}
	check := func(w [8]byte) {
		t.Helper()
		for _, x := range []uint64{binary.LittleEndian.Uint64(w[:]), load64(string(w[:]), 0)} {
			m := specials8(x)
			got := 8
			if m != 0 {
				got = bits.TrailingZeros64(m) >> 3
			}
			if want := first(w); got != want {
				t.Fatalf("specials8(%q) flags byte %d first, want %d", w[:], got, want)
			}
		}
	}
	for b := range 256 {
		for pos := range 8 {
			w := [8]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
			w[pos] = byte(b)
			check(w)
		}
	}
	edges := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, '"', 0x23, '\\', 0x5b, 0x5d, 0x7e, 0x7f, 0x80, 0xa2, 0xdc, 0xff, 'a'}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		var w [8]byte
		for i := range w {
			if r.IntN(2) == 0 {
				w[i] = edges[r.IntN(len(edges))]
			} else {
				w[i] = byte(r.IntN(256))
			}
		}
		check(w)
	}
}

// TestNextSpecial: the index of the next byte that is not jsonSafe ASCII,
// at every offset of strings whose length is not a multiple of eight.
func TestNextSpecial(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "a", "abcdefgh", "abcdefghi\"", "é日本\n😊 \\ x\x01", "0123456789abcdef\t", "no escape at all, 日本語 too"} {
		for i := 0; i <= len(s); i++ {
			want := i
			for want < len(s) && s[want] < utf8.RuneSelf && jsonSafe[s[want]] {
				want++
			}
			if got := nextSpecial(s, i); got != want {
				t.Errorf("nextSpecial(%q, %d) = %d, want %d", s, i, got, want)
			}
		}
	}
}
