package jsonscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"

	"github.com/sseinspect/sseinspect/internal/jsonbytes"
)

// StringEnd returns the index of the first '"', '\\' or control character
// in b at or after i, or len(b). The first 64 bytes are searched 8 at a
// time (ids such as msg_… and chatcmpl-… are 30 to 60 bytes long: two
// IndexByte calls and HasControl cost more for their last bytes); further
// on (long texts, signatures), the vectorized IndexByte finds the quote
// and the backslash, and HasControl checks the bytes before them.
func StringEnd(b []byte, i int) int {
	for n := 0; n < 8 && i+8 <= len(b); n++ {
		if m := jsonbytes.Escaped(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	if i+8 <= len(b) {
		span := b[i:]
		if q := bytes.IndexByte(span, '"'); q >= 0 {
			span = span[:q]
		}
		if e := bytes.IndexByte(span, '\\'); e >= 0 {
			span = span[:e]
		}
		if !HasControl(span) {
			return i + len(span)
		}
	}
	for ; i+8 <= len(b); i += 8 {
		if m := jsonbytes.Escaped(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

// HasControl reports whether b has a byte below 0x20 (which JSON allows
// only outside strings, as white space).
func HasControl(b []byte) bool {
	const lo = 0x2020202020202020
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		// A byte below 0x20 borrows when 0x20 is subtracted and had its
		// top bit clear: the classic "has a byte less than n" test,
		// exact for n <= 128.
		if (w-lo)&^w&jsonbytes.Highs != 0 {
			return true
		}
		b = b[8:]
	}
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}
