package sse

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// edgeBytes are the bytes at the edges of the ranges that the validity of a
// UTF-8 sequence depends on.
var edgeBytes = []byte{
	0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
	0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
}

// TestValidUTF8Edges compares validUTF8 with utf8.Valid on every sequence of
// up to three edge bytes, at the start of the input, across the boundary of
// two 8-byte words and after the 32-byte loop, followed by ASCII or not, and
// on every sequence of four across a word boundary.
func TestValidUTF8Edges(t *testing.T) {
	t.Parallel()
	prefixes := [][]byte{nil, []byte("abcdef"), []byte("abcdefgh"), bytes.Repeat([]byte("x"), 37)}
	posts := []string{"", "0123456789abcdefghijklmnopqrstuvwxyz"}
	var seq [4]byte
	var walk func(n int)
	bad := 0
	walk = func(n int) {
		prefixes, posts := prefixes, posts
		if n == len(seq) {
			prefixes, posts = prefixes[1:2], posts[1:]
		}
		for _, pre := range prefixes {
			for _, post := range posts {
				p := append(append(append([]byte{}, pre...), seq[:n]...), post...)
				if validUTF8(p) != utf8.Valid(p) && bad < 10 {
					bad++
					assert.Equal(t, utf8.Valid(p), validUTF8(p), "%q", p)
				}
			}
		}
		if n == len(seq) {
			return
		}
		for _, b := range edgeBytes {
			seq[n] = b
			walk(n + 1)
		}
	}
	walk(0)
}

func TestValidUTF8AllPairs(t *testing.T) {
	t.Parallel()
	for a := range 256 {
		for b := range 256 {
			p := []byte{byte(a), byte(b)}
			if validUTF8(p) != utf8.Valid(p) {
				assert.Equal(t, utf8.Valid(p), validUTF8(p), "%q", p)
				return
			}
		}
	}
}

// FuzzValidUTF8 compares validUTF8 with utf8.Valid on every suffix of the
// input, so that each rune meets the 8-byte words at every offset.
func FuzzValidUTF8(f *testing.F) {
	for _, seed := range []string{
		"", "plain ASCII text, longer than thirty-two bytes in all",
		"caf\xC3\xA9 na\xC3\xAFve \xF0\x9F\x98\x8A \xE6\x97\xA5\xE6\x9C\xAC \xE2\x80\x9Cq\xE2\x80\x9D",
		"\xC0\x80 \xED\xA0\x80 \xF4\x90\x80\x80 \xE2\x82 \xF0\x9F\x98A \xFF",
		"0123456\xE2\x82\xAC0123456789abcdef\xF0\x9F\x98\x8A",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for i := range min(len(data), 16) + 1 {
			p := data[i:]
			if got, want := validUTF8(p), utf8.Valid(p); got != want {
				t.Fatalf("validUTF8(%q) = %v, want %v", p, got, want)
			}
		}
	})
}
