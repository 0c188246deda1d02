package sse

import "encoding/binary"

// utf8DFA is a "shift DFA" for UTF-8 validation: the state is a shift amount
// (a multiple of 6), and utf8DFA[b] >> state & 63 is the state after byte b.
// Each step is a load and a shift with no branch, which pays on text where
// non-ASCII runes come every few dozen bytes (accented words, emoji, CJK,
// typographic quotes): unicode/utf8.Valid leaves its word-at-a-time ASCII
// loop at each such rune and takes a branch per rune length, mispredicted
// when the lengths vary.
var utf8DFA = makeUTF8DFA()

// The states of utf8DFA: dfaAccept between runes, dfaReject after an invalid
// byte (it stays there), dfaCont1..3 when 1..3 continuation bytes
// (0x80-0xBF) are due, and four states for the second byte of a sequence
// whose range is narrower (no overlong form, no surrogate, nothing over
// U+10FFFF), as in the table of valid sequences of the Unicode standard.
const (
	dfaAccept = 6 * iota
	dfaReject
	dfaCont1
	dfaCont2
	dfaCont3
	dfaE0 // after E0: A0-BF, then one more
	dfaED // after ED: 80-9F, then one more
	dfaF0 // after F0: 90-BF, then two more
	dfaF4 // after F4: 80-8F, then two more
)

func makeUTF8DFA() (t [256]uint64) {
	for b := range 256 {
		next := func(from, to uint64) { t[b] |= to << from }
		within := func(from, to uint64, lo, hi int) {
			if b >= lo && b <= hi {
				next(from, to)
			} else {
				next(from, dfaReject)
			}
		}
		switch {
		case b < 0x80:
			next(dfaAccept, dfaAccept)
		case b >= 0xC2 && b <= 0xDF:
			next(dfaAccept, dfaCont1)
		case b == 0xE0:
			next(dfaAccept, dfaE0)
		case b == 0xED:
			next(dfaAccept, dfaED)
		case b >= 0xE1 && b <= 0xEF:
			next(dfaAccept, dfaCont2)
		case b == 0xF0:
			next(dfaAccept, dfaF0)
		case b >= 0xF1 && b <= 0xF3:
			next(dfaAccept, dfaCont3)
		case b == 0xF4:
			next(dfaAccept, dfaF4)
		default:
			next(dfaAccept, dfaReject)
		}
		next(dfaReject, dfaReject)
		within(dfaCont1, dfaAccept, 0x80, 0xBF)
		within(dfaCont2, dfaCont1, 0x80, 0xBF)
		within(dfaCont3, dfaCont2, 0x80, 0xBF)
		within(dfaE0, dfaCont1, 0xA0, 0xBF)
		within(dfaED, dfaCont1, 0x80, 0x9F)
		within(dfaF0, dfaCont2, 0x90, 0xBF)
		within(dfaF4, dfaCont2, 0x80, 0x8F)
	}
	return t
}

// validUTF8 reports whether p is valid UTF-8, as utf8.Valid does. ASCII is
// skipped 32 bytes at a time; an 8-byte word with a non-ASCII byte, or that
// continues a rune, goes through utf8DFA byte by byte without a branch.
func validUTF8(p []byte) bool {
	const hi = 0x8080808080808080
	var st uint64
	for len(p) >= 8 {
		w := binary.LittleEndian.Uint64(p)
		if w&hi == 0 && st == dfaAccept {
			p = p[8:]
			for len(p) >= 32 {
				w := binary.LittleEndian.Uint64(p) | binary.LittleEndian.Uint64(p[8:]) |
					binary.LittleEndian.Uint64(p[16:]) | binary.LittleEndian.Uint64(p[24:])
				if w&hi != 0 {
					break
				}
				p = p[32:]
			}
			continue
		}
		st = utf8DFA[byte(w)] >> (st & 63)
		st = utf8DFA[byte(w>>8)] >> (st & 63)
		st = utf8DFA[byte(w>>16)] >> (st & 63)
		st = utf8DFA[byte(w>>24)] >> (st & 63)
		st = utf8DFA[byte(w>>32)] >> (st & 63)
		st = utf8DFA[byte(w>>40)] >> (st & 63)
		st = utf8DFA[byte(w>>48)] >> (st & 63)
		st = utf8DFA[byte(w>>56)] >> (st & 63)
		st &= 63
		if st == dfaReject {
			return false
		}
		p = p[8:]
	}
	for _, c := range p {
		st = utf8DFA[c] >> (st & 63)
	}
	return st&63 == dfaAccept
}
