package jsonbytes

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// EscapeRoom is the room that EscapeInto needs in its destination to go
// on: its widest step writes that many bytes at most.
const EscapeRoom = 16

// Escape appends s to dst as the inside of a JSON string, escaped exactly
// as encoding/json escapes it with SetEscapeHTML(false): '"', '\\' and the
// control characters (\b, \f, \n, \r, \t, else \u00XX), each invalid UTF-8
// byte as \ufffd, U+2028 and U+2029 as \u2028 and \u2029, every other byte
// as it is. dst grows as needed.
func Escape(dst []byte, s string) []byte {
	for {
		var n int
		dst, n = EscapeInto(dst, s)
		if n == len(s) {
			return dst
		}
		s = s[n:]
		dst = slices.Grow(dst, len(s)+len(s)/8+EscapeRoom)
	}
}

// EscapeInto is Escape without growing dst: it escapes s (a rune or an
// escape at a time, or eight plain bytes) while dst has at least
// EscapeRoom bytes of room left in its capacity, and returns dst extended
// by the escape and the length of the prefix of s it escaped (0 when dst
// had less room). The caller writes the rest later, from there: the
// result is the same as one Escape of the whole, wherever s is cut.
//
// The bytes are copied eight at a time: each word of s is stored in dst as
// it is, and only the bytes from the first one that is not plain ASCII on
// are looked at again (Escaped).
func EscapeInto(dst []byte, s string) ([]byte, int) {
	d := dst[:cap(dst)]
	o, i := len(dst), 0
	for i < len(s) && o+EscapeRoom <= len(d) {
		if i+8 <= len(s) {
			x := load64(s, i)
			binary.LittleEndian.PutUint64(d[o:], x)
			m := Escaped(x) | x&Highs
			if m == 0 {
				i, o = i+8, o+8
				continue
			}
			k := bits.TrailingZeros64(m) >> 3
			i, o = i+k, o+k
		}
		c := s[i]
		if c < utf8.RuneSelf {
			e := escapes[c]
			switch {
			case e == 0: // a plain byte of the last seven
				d[o] = c
				o++
			case e != 'u':
				d[o], d[o+1] = '\\', e
				o += 2
			default:
				o += copy(d[o:], `\u00`)
				d[o], d[o+1] = hexDigits[c>>4], hexDigits[c&0xF]
				o += 2
			}
			i++
			continue
		}
		// Two- and three-byte runes (é, ß, —, “, 日) checked here, as
		// PlainRune does, without its call: E0 and ED, whose second
		// bytes have narrower ranges, and U+2028/U+2029 go to it.
		if c < 0xE0 && c >= 0xC2 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			d[o], d[o+1] = c, s[i+1]
			i, o = i+2, o+2
			continue
		}
		if c > 0xE0 && c < 0xF0 && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			(c != 0xE2 || s[i+1] != 0x80 || s[i+2]&^1 != 0xA8) {
			d[o], d[o+1], d[o+2] = c, s[i+1], s[i+2]
			i, o = i+3, o+3
			continue
		}
		if n := PlainRune(s, i); n > 0 {
			o += copy(d[o:o+n], s[i:i+n])
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\u2028' || r == '\u2029' {
			o += copy(d[o:], `\u202`)
			d[o] = hexDigits[r&0xF]
			o++
		} else { // an invalid byte (size 1)
			o += copy(d[o:], `\ufffd`)
		}
		i += size
	}
	return d[:o], i
}

const hexDigits = "0123456789abcdef"

// escapes holds, for each ASCII byte, 0 when a JSON string holds it as
// it is, else the letter of its escape: '"', '\\', 'b', 'f', 'n', 'r',
// 't', or 'u' for \u00XX.
var escapes = func() (t [utf8.RuneSelf]byte) {
	for c := range 0x20 {
		t[c] = 'u'
	}
	t['\b'], t['\f'], t['\n'], t['\r'], t['\t'] = 'b', 'f', 'n', 'r', 't'
	t['"'], t['\\'] = '"', '\\'
	return t
}()

// load64 returns the eight bytes of s at i as a little-endian number (one
// load: the compiler merges the shifts).
func load64(s string, i int) uint64 {
	w := s[i : i+8] // one bounds check, not one per byte past the first
	return uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
		uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
}

// PlainRune returns the length of the rune that starts at s[i] (a byte of
// at least utf8.RuneSelf) when it is valid UTF-8 that a JSON string holds
// as it is (not U+2028 or U+2029), else 0. It checks the bytes as
// utf8.DecodeRuneInString does (no overlong form, no surrogate, nothing
// above U+10FFFF) without decoding the rune.
func PlainRune(s string, i int) int {
	c := s[i]
	switch {
	case c < 0xC2: // a continuation byte, or the lead of an overlong form
		return 0
	case c < 0xE0:
		if i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			return 2
		}
	case c < 0xF0:
		if i+2 < len(s) {
			b1, b2 := s[i+1], s[i+2]
			lo, hi := byte(0x80), byte(0xBF)
			switch c {
			case 0xE0:
				lo = 0xA0 // not overlong
			case 0xED:
				hi = 0x9F // not a surrogate
			case 0xE2:
				if b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9) {
					return 0 // U+2028, U+2029
				}
			}
			if lo <= b1 && b1 <= hi && b2&0xC0 == 0x80 {
				return 3
			}
		}
	case c < 0xF5:
		if i+3 < len(s) {
			b1 := s[i+1]
			lo, hi := byte(0x80), byte(0xBF)
			switch c {
			case 0xF0:
				lo = 0x90 // not overlong
			case 0xF4:
				hi = 0x8F // not above U+10FFFF
			}
			if lo <= b1 && b1 <= hi && s[i+2]&0xC0 == 0x80 && s[i+3]&0xC0 == 0x80 {
				return 4
			}
		}
	}
	return 0
}
