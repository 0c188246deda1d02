// Package jsonscan is a small, strict JSON scanner for decoders that keep
// few members of a payload: keys are matched in place, strings are skipped
// eight bytes at a time, and a value is decoded only when the caller asks
// for it.
//
// A Scanner reads one JSON text. Its methods return false when the text is
// not what they handle exactly as encoding/json would decode it into the
// same Go value: a syntax error, a value of another type, a number that is
// not an int64, an escaped key, a key that names a kept field in another
// case, nesting deeper than MaxDepth. The caller then gives up and decodes
// the text with encoding/json, which gives the reference result and error.
// A Scanner accepts only what encoding/json accepts (FuzzScanMatchesEncodingJSON).
//
// The input must be valid UTF-8: string bytes are copied as they are,
// where encoding/json would replace invalid sequences with U+FFFD. Escapes
// are decoded as encoding/json does (a lone surrogate is U+FFFD). Decoded
// strings never alias the input; Value and Bytes do.
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sseinspect/sseinspect/internal/jsonbytes"
)

// MaxDepth is the deepest nesting Skip follows before giving up
// (encoding/json accepts 10000 levels: its decoder handles those).
const MaxDepth = 64

// Present stands for a non-empty string that was validated but not
// decoded (see TextPresence). Every non-empty string token decodes to a
// non-empty string, so it tells empty from non-empty.
const Present = "\x00"

// Scanner reads one JSON text held in memory. The zero value reads an
// empty text; New makes one.
type Scanner struct {
	b []byte
	i int
}

// New returns a Scanner at the start of b. b is read, never written.
func New(b []byte) Scanner { return Scanner{b: b} }

// Peek skips white space and returns the next byte, 0 at the end.
func (s *Scanner) Peek() byte {
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c > ' ' {
			return c
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return c
		}
	}
	return 0
}

// Consume skips white space and consumes the byte c.
func (s *Scanner) Consume(c byte) bool {
	if s.Peek() != c {
		return false
	}
	s.i++
	return true
}

// End reports whether only white space is left.
func (s *Scanner) End() bool {
	s.Peek()
	return s.i == len(s.b)
}

// Literal consumes the literal word (null, true, false) at the scanner's
// position (white space already skipped).
func (s *Scanner) Literal(word string) bool {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}

// Null consumes a null value.
func (s *Scanner) Null() bool { return s.Peek() == 'n' && s.Literal("null") }

// String decodes a string value into *dst: null leaves it unchanged, as in
// encoding/json; any other type gives up. intern, when not nil, returns the
// string for bytes without escapes (a constant, or a string shared with an
// earlier value): no allocation for known values.
func (s *Scanner) String(dst *string, intern func([]byte) string) bool {
	switch s.Peek() {
	case '"':
	case 'n':
		return s.Literal("null")
	default:
		return false
	}
	start := s.i + 1
	j := StringEnd(s.b, start)
	if j >= len(s.b) || s.b[j] != '"' {
		v, ok := s.unquote(start, j)
		*dst = v
		return ok
	}
	s.i = j + 1
	if intern != nil {
		*dst = intern(s.b[start:j])
	} else {
		*dst = string(s.b[start:j])
	}
	return true
}

// Text is String without intern or, when skip is set, TextPresence: a
// decoder whose caller keeps no text validates it and tells only whether
// it is empty. null leaves *dst unchanged; any other type gives up.
func (s *Scanner) Text(dst *string, skip bool) bool {
	if !skip {
		return s.String(dst, nil)
	}
	switch s.Peek() {
	case '"':
		return s.TextPresence(dst)
	case 'n':
		return s.Literal("null")
	}
	return false
}

// Bytes decodes a string value as String does, without a string of its
// own: *dst is the input's bytes when the string has no escapes (a slice
// of the input, valid as long as the input is), else its decoding,
// appended to *arena. A grown arena keeps its old array for the slices
// that earlier calls gave, which nothing writes to again: *dst stays
// valid until the caller reuses the arena's storage (truncates it).
// null leaves *dst unchanged; any other type gives up.
func (s *Scanner) Bytes(dst *[]byte, arena *[]byte) bool {
	switch s.Peek() {
	case '"':
	case 'n':
		return s.Literal("null")
	default:
		return false
	}
	start := s.i + 1
	j := StringEnd(s.b, start)
	if j < len(s.b) && s.b[j] == '"' {
		s.i = j + 1
		*dst = s.b[start:j:j]
		return true
	}
	a := *arena
	from := len(a)
	// No pre-scan for the closing quote to size it: the arena is reused
	// from one event or batch to the next, so its room is most often there.
	a = append(a, s.b[start:j]...)
	for {
		if j >= len(s.b) || s.b[j] != '\\' {
			if j < len(s.b) && s.b[j] == '"' {
				s.i = j + 1
				*arena = a
				*dst = a[from:len(a):len(a)]
				return true
			}
			return false // the end of the input, or a control character
		}
		var ok bool
		if a, j, ok = appendEscape(a, s.b, j); !ok {
			return false
		}
		k := StringEnd(s.b, j)
		a = append(a, s.b[j:k]...)
		j = k
	}
}

// appendEscape appends the decoding of the escape at b[i] (a backslash)
// to dst, with the \u escape after it when the two are a surrogate pair,
// and returns the index after them; false for an invalid escape.
func appendEscape(dst, b []byte, i int) ([]byte, int, bool) {
	if i+1 >= len(b) {
		return dst, i, false
	}
	// A table, not a switch: in prose the escaped byte ('n', '"') changes
	// from one escape to the next, and a switch's branches mispredict.
	c := b[i+1]
	if d := unescaped[c]; d != 0 {
		return append(dst, d), i + 2, true
	}
	switch c {
	case 'u':
		r, ok := hex4(b, i+2)
		if !ok {
			return dst, i, false
		}
		i += 6
		if utf16.IsSurrogate(r) {
			dec := unicode.ReplacementChar
			if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
				if r2, ok := hex4(b, i+2); ok {
					if dec = utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
						i += 6
					}
				}
			}
			r = dec
		}
		return utf8.AppendRune(dst, r), i, true
	}
	return dst, i, false
}

// TextPresence consumes a string token (the scanner is at its opening
// quote) without decoding it: *dst is "" for an empty string, else
// Present. The token is validated as encoding/json does.
func (s *Scanner) TextPresence(dst *string) bool {
	start := s.i
	if !s.skipString() {
		return false
	}
	*dst = ""
	if s.i-start > 2 {
		*dst = Present
	}
	return true
}

// Int64 decodes an integer value in range into *dst (null leaves it
// unchanged); a fraction, an exponent or an overflow gives up.
func (s *Scanner) Int64(dst *int64) bool {
	c := s.Peek()
	if c == 'n' {
		return s.Literal("null")
	}
	// The digits are read through locals: through s, every step would
	// load and store s.i (Gemini's usage is mostly integers).
	b, i := s.b, s.i
	neg := c == '-'
	if neg {
		i++
	}
	start := i
	var u uint64
	for ; i < len(b); i++ {
		d := b[i] - '0'
		if d > 9 {
			break
		}
		if u > (1<<63)/10 {
			return false
		}
		u = u*10 + uint64(d)
	}
	s.i = i
	n := i - start
	if n == 0 || (n > 1 && b[start] == '0') {
		return false
	}
	if i < len(b) {
		if c := b[i]; c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	switch {
	case !neg && u <= 1<<63-1:
		*dst = int64(u)
	case neg && u <= 1<<63:
		*dst = int64(-u)
	default:
		return false
	}
	return true
}

// Int is Int64 for an int (a value that does not fit gives up).
func (s *Scanner) Int(dst *int) bool {
	var n int64
	if s.Peek() == 'n' {
		return s.Literal("null")
	}
	if !s.Int64(&n) || int64(int(n)) != n {
		return false
	}
	*dst = int(n)
	return true
}

// Bool decodes true or false into *dst; null leaves it unchanged, and any
// other value gives up.
func (s *Scanner) Bool(dst *bool) bool {
	switch s.Peek() {
	case 't':
		*dst = true
		return s.Literal("true")
	case 'f':
		*dst = false
		return s.Literal("false")
	case 'n':
		return s.Literal("null")
	}
	return false
}

// Value consumes one value of any type, validated, and returns its bytes
// (without the white space around it): a slice of the input, valid as
// long as the input is.
func (s *Scanner) Value() ([]byte, bool) {
	s.Peek()
	start := s.i
	if !s.Skip() {
		return nil, false
	}
	return s.b[start:s.i], true
}

// Offset skips white space and returns the scanner's position in the
// input: with Since, the bytes of a value that the caller decodes member
// by member, so that it is not scanned twice.
func (s *Scanner) Offset() int {
	s.Peek()
	return s.i
}

// Rest returns the input from the scanner's position on, white space
// included: for a caller that compares the bytes ahead before it reads
// them. A slice of the input, valid as long as the input is.
func (s *Scanner) Rest() []byte { return s.b[s.i:] }

// Advance moves the scanner n bytes on, past bytes of Rest that the
// caller has compared itself (at most len(Rest())).
func (s *Scanner) Advance(n int) { s.i += n }

// Since returns the input from offset (an earlier Offset) to the
// scanner's position: a slice of the input, valid as long as the input is.
func (s *Scanner) Since(offset int) []byte { return s.b[offset:s.i] }

// Raw decodes any value into a json.RawMessage: a copy of its bytes,
// "null" included, as encoding/json hands them to UnmarshalJSON.
func (s *Scanner) Raw(dst *json.RawMessage) bool {
	v, ok := s.Value()
	if ok {
		*dst = append(json.RawMessage(nil), v...)
	}
	return ok
}

// RawInto is Raw, but the value is copied into *buf, whose storage is
// reused from one call to the next: *dst shares it, valid until the next
// call with buf. It saves an allocation for a value that every payload of
// a stream carries.
func (s *Scanner) RawInto(dst, buf *json.RawMessage) bool {
	v, ok := s.Value()
	if ok {
		*buf = append((*buf)[:0], v...)
		*dst = *buf
	}
	return ok
}

// Skip consumes one value of any type, validating it as encoding/json
// does; it gives up beyond MaxDepth levels of nesting.
func (s *Scanner) Skip() bool { return s.skip(0) }

func (s *Scanner) skip(depth int) bool {
	switch s.Peek() {
	case '"':
		return s.skipString()
	case 'n':
		return s.Literal("null")
	case 't':
		return s.Literal("true")
	case 'f':
		return s.Literal("false")
	case '[':
		if depth >= MaxDepth {
			return false
		}
		s.i++
		if s.Peek() == ']' {
			s.i++
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			switch s.Peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				return true
			default:
				return false
			}
		}
	case '{':
		if depth >= MaxDepth {
			return false
		}
		s.i++
		if s.Peek() == '}' {
			s.i++
			return true
		}
		for {
			if s.Peek() != '"' || !s.skipString() || !s.Consume(':') || !s.skip(depth+1) {
				return false
			}
			switch s.Peek() {
			case ',':
				s.i++
			case '}':
				s.i++
				return true
			default:
				return false
			}
		}
	default:
		return s.skipNumber()
	}
}

// SkipAt is Skip for a caller that reads the bytes around values itself
// and keeps its own position: it skips the white space at b[i:] and the
// value after it, validated as Skip validates it, and returns the index
// of the value's first byte and the index after its last.
func SkipAt(b []byte, i int) (start, end int, ok bool) {
	s := Scanner{b: b, i: i}
	s.Peek()
	start = s.i
	ok = s.skip(0)
	return start, s.i, ok
}

// SkipString is SkipAt for a string token whose opening quote is b[i]
// (no white space before it): it returns the index after the closing
// quote. A string without escapes is found with one StringEnd.
func SkipString(b []byte, i int) (end int, ok bool) {
	j := StringEnd(b, i+1)
	if j < len(b) && b[j] == '"' {
		return j + 1, true
	}
	s := Scanner{b: b}
	ok = s.skipStringFrom(j)
	return s.i, ok
}

// Object reads the members of an object value: null (no change, as
// encoding/json leaves a struct) calls member for none; else member is
// called for each key (without escapes: an escaped key gives up) with the
// scanner at the value, which member must consume (or return false). key
// is a slice of the input.
func (s *Scanner) Object(member func(key []byte) bool) bool {
	switch s.Peek() {
	case '{':
	case 'n':
		return s.Literal("null")
	default:
		return false
	}
	s.i++
	if s.Peek() == '}' {
		s.i++
		return true
	}
	return s.members(member)
}

// ObjectFrom reads the rest of the top-level object from offset, the
// opening quote of a member's key, as Object would read it from there:
// the members before offset are not read. It is for a caller that read
// the same bytes up to offset in an earlier text (with Object, from the
// text's start), which were therefore valid and decoded the same: it
// reuses what it decoded then. A new Scanner is at the start of its text.
func (s *Scanner) ObjectFrom(offset int, member func(key []byte) bool) bool {
	if s.i != 0 || offset <= 0 || offset >= len(s.b) {
		return false
	}
	s.i = offset
	return s.members(member)
}

// members reads members from the opening quote of a key to the end of
// their object.
func (s *Scanner) members(member func(key []byte) bool) bool {
	for {
		if s.Peek() != '"' {
			return false
		}
		start := s.i + 1
		j := StringEnd(s.b, start)
		if j >= len(s.b) || s.b[j] != '"' {
			return false // an escaped key, a control character, the end
		}
		s.i = j + 1
		if !s.Consume(':') || !member(s.b[start:j]) {
			return false
		}
		switch s.Peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// Unknown skips the value of a key that names none of the decoder's
// fields, or gives up when encoding/json could still match it to one of
// fields (its case-insensitive match; any non-ASCII key gives up, as
// Unicode folding maps some runes onto ASCII letters).
func (s *Scanner) Unknown(key []byte, fields ...string) bool {
	for _, c := range key {
		if c >= 0x80 {
			return false
		}
	}
	for _, f := range fields {
		if asciiEqualFold(key, f) {
			return false
		}
	}
	return s.Skip()
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i, c := range b {
		d := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// Seen holds the members of one object already read, one bit each. The
// zero value has none.
type Seen uint32

// First marks bit and reports whether it was not marked yet. A repeated
// key must give up: encoding/json keeps the last value and merges objects.
func (m *Seen) First(bit uint32) bool {
	if *m&Seen(bit) != 0 {
		return false
	}
	*m |= Seen(bit)
	return true
}

// Array reads an array value into *dst: null sets it to nil, [] to an
// empty slice, and elem decodes each element (zero on entry), as
// encoding/json does for a slice. When backing is not nil, the elements
// go to its backing array, which then keeps the grown array.
func Array[T any](s *Scanner, dst *[]T, backing *[]T, elem func(*T) bool) bool {
	switch s.Peek() {
	case 'n':
		*dst = nil
		return s.Literal("null")
	case '[':
		s.i++
	default:
		return false
	}
	*dst = (*dst)[:0]
	if backing != nil {
		*dst = (*backing)[:0]
	}
	if s.Peek() == ']' {
		s.i++
		if *dst == nil {
			*dst = []T{}
		}
		return true
	}
	for {
		var zero T
		*dst = append(*dst, zero)
		if !elem(&(*dst)[len(*dst)-1]) {
			return false
		}
		switch s.Peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			if backing != nil {
				*backing = *dst
			}
			return true
		default:
			return false
		}
	}
}

// unquote consumes the rest of a string token with escapes (i is its first
// backslash, or a byte that ends it wrongly, after start) and returns it
// decoded as encoding/json's unquote does: a \u escape of a surrogate that
// does not pair with the next escape is U+FFFD. It validates the token as
// skipString does while it decodes it, in one pass: the bytes between two
// escapes are found eight at a time (StringEnd) and copied at once. The
// decoded text is never longer than the token: one allocation of that size
// (up to the closing quote, found first with IndexByte) holds it.
func (s *Scanner) unquote(start, i int) (string, bool) {
	var b strings.Builder
	b.Grow(closingQuote(s.b, i) - start)
	b.Write(s.b[start:i])
	for {
		if i >= len(s.b) || s.b[i] != '\\' {
			if i < len(s.b) && s.b[i] == '"' {
				s.i = i + 1
				return b.String(), true
			}
			return "", false // the end of the input, or a control character
		}
		var esc [utf8.UTFMax]byte
		e, next, ok := appendEscape(esc[:0], s.b, i)
		if !ok {
			return "", false
		}
		b.Write(e)
		i = next
		j := StringEnd(s.b, i)
		b.Write(s.b[i:j])
		i = j
	}
}

// closingQuote returns the index of the quote that closes the string token
// whose body has b[i] in it (i after its opening quote), or len(b): the
// first quote with an even number of backslashes before it. It does not
// validate the token.
func closingQuote(b []byte, i int) int {
	for {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return len(b)
		}
		q += i
		n := 0
		for k := q - 1; b[k] == '\\'; k-- { // stops at the opening quote at the latest
			n++
		}
		if n%2 == 0 {
			return q
		}
		i = q + 1
	}
}

// hex4 decodes the four hexadecimal digits at b[i:], false when they are
// not four hexadecimal digits.
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skipString consumes a string token, validating its escapes.
func (s *Scanner) skipString() bool { return s.skipStringFrom(s.i + 1) }

// skipStringFrom consumes the rest of a string token from b[i:], inside
// the string and not inside an escape.
func (s *Scanner) skipStringFrom(i int) bool {
	for {
		// The text between two escapes is short: its first word is
		// searched here, without a call.
		if i+8 <= len(s.b) {
			if m := jsonbytes.Escaped(binary.LittleEndian.Uint64(s.b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
			} else {
				i = StringEnd(s.b, i+8)
			}
		} else {
			i = StringEnd(s.b, i)
		}
		if i >= len(s.b) {
			return false
		}
		switch s.b[i] {
		case '"':
			s.i = i + 1
			return true
		case '\\':
			if i+1 >= len(s.b) {
				return false
			}
			// The table, not a switch, as in appendEscape.
			if unescaped[s.b[i+1]] != 0 {
				i += 2
				break
			}
			if s.b[i+1] != 'u' || i+6 > len(s.b) {
				return false
			}
			for _, h := range s.b[i+2 : i+6] {
				if !isHex(h) {
					return false
				}
			}
			i += 6
		default: // a control character
			return false
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skipNumber consumes a number token: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *Scanner) skipNumber() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return false
		}
		i = j
	}
	s.i = i
	return true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// Same is an intern function for String over a stream whose payloads
// repeat a value (an id, a model name): it returns *last when it equals b,
// else a copy of b, kept in *last.
func Same(b []byte, last *string) string {
	if string(b) != *last {
		*last = string(b)
	}
	return *last
}

// unescaped is the byte that a two-byte escape, '\\' and the byte
// indexed, stands for; 0 where that is not such an escape ('u' included).
var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}
