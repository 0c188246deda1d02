// Package jsonbytes holds the word-at-a-time byte test that the JSON
// scanner (internal/jsonscan) and the JSON writer (report) share: where,
// in eight bytes of a string, the next byte that JSON escapes is; and the
// writer's escaping of a string (Escape), eight bytes at a time.
package jsonbytes

const (
	ones = 0x0101010101010101
	// Highs has the top bit of each of eight bytes set.
	Highs = 0x8080808080808080
)

// Escaped returns, for the eight bytes of w (the first in the low bits), a
// word with the top bit set of the bytes that a JSON string escapes: '"',
// '\\' and the control characters below 0x20 (bytes of multibyte runes are
// not flagged). These are the classic "has a byte less than n" and "has a
// zero byte" tests: a borrow may flag a byte above a real match, never one
// below it, so the lowest flag is exact and bits.TrailingZeros64(m)/8 is
// the index of the first such byte. Flipping bit 1 of every byte makes
// '"' 0x20 and keeps the control characters below 0x20 (and every other
// byte at 0x21 or above), so that one "less than 0x21" test finds both.
func Escaped(w uint64) uint64 {
	low := w ^ (0x02 * ones)       // '"' and the control characters below 0x21
	backslash := w ^ ('\\' * ones) // a zero byte where w has '\\'
	return ((low-0x21*ones)&^low | (backslash-ones)&^backslash) & Highs
}
