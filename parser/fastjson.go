package parser

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/sseinspect/sseinspect/internal/jsonbytes"
)

// A tiny, strict JSON lexer for the fast paths of the dominant event shapes
// (decodeFastAnthropic, decodeFastChat, decodeFastGemini,
// decodeFastGeminiUsage). A fast path decodes one payload
// into the parser's struct without reflection, or gives up: it returns
// false on anything it does not handle exactly as unmarshal would (an
// escaped key, a key that differs from a field name only in case, a
// repeated field, a value of an unexpected type, a number that is not an
// int64, nesting deeper than fastMaxDepth, a raw control character, a
// syntax error), and the caller then resets its struct and decodes the
// payload with unmarshal. When it returns true, the struct holds exactly
// what unmarshal (that is, encoding/json) would have produced:
// FuzzFastAnthropic, FuzzFastChat and FuzzFastGemini hold them to it, and
// TestFast*Taken check that the common events do take the fast path.
//
// The fast paths allocate only the strings they decode (type names and
// repeated ids are shared rather than copied) and the raw members; the
// parsers' state (chatFast, geminiFast) lends them storage for the rest.
//
// Like unmarshal, the lexer requires valid UTF-8 (see validUTF8): it
// copies string bytes as they are, where encoding/json would replace
// invalid sequences. Escapes are decoded as encoding/json's unquote does
// (a lone surrogate is U+FFFD). Decoded strings never alias the input.

// fastMaxDepth is the deepest nesting the skipper follows before giving up
// (encoding/json accepts 10000 levels: the slow path handles those).
const fastMaxDepth = 64

// fastLexer reads one JSON text. Its methods return false when the text
// is not what the fast path handles; b[i:] is what is left to read.
type fastLexer struct {
	b []byte
	i int
}

// ws skips JSON white space and returns the next byte, 0 at the end.
func (l *fastLexer) ws() byte {
	for l.i < len(l.b) {
		c := l.b[l.i]
		if c > ' ' {
			return c
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return c
		}
	}
	return 0
}

// eat skips white space and consumes c.
func (l *fastLexer) eat(c byte) bool {
	if l.ws() != c {
		return false
	}
	l.i++
	return true
}

// end reports whether only white space is left.
func (l *fastLexer) end() bool {
	l.ws()
	return l.i == len(l.b)
}

// stringEnd returns the index of the first '"', '\\' or control character
// in b at or after i, or len(b). The first 32 bytes are searched 8 at a
// time; further on (long texts, signatures), the vectorized IndexByte
// finds the quote and the backslash, and hasControl checks the bytes
// before them.
func stringEnd(b []byte, i int) int {
	for n := 0; n < 4 && i+8 <= len(b); n++ {
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
		if !hasControl(span) {
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

// rawString consumes a string token (the lexer is at its opening quote)
// and returns its contents when it has no escapes; esc reports a string
// with escapes (not decoded).
func (l *fastLexer) rawString() (s []byte, esc, ok bool) {
	start := l.i + 1
	j := stringEnd(l.b, start)
	if j < len(l.b) && l.b[j] == '"' {
		l.i = j + 1
		return l.b[start:j], false, true
	}
	return nil, true, l.skipStringFrom(j)
}

// str decodes a string value into *dst: null leaves it unchanged, as in
// encoding/json; any other type gives up. intern, when not nil, may return
// a constant equal to the bytes (no allocation for known values).
func (l *fastLexer) str(dst *string, intern func([]byte) string) bool {
	switch l.ws() {
	case '"':
	case 'n':
		return l.literal("null")
	default:
		return false
	}
	start := l.i + 1
	j := stringEnd(l.b, start)
	if j >= len(l.b) || l.b[j] != '"' {
		v, ok := l.unquote(start, j)
		*dst = v
		return ok
	}
	l.i = j + 1
	if intern != nil {
		*dst = intern(l.b[start:j])
	} else {
		*dst = string(l.b[start:j])
	}
	return true
}

// int64 decodes an integer value in range into *dst (null leaves it
// unchanged); a fraction, an exponent or an overflow gives up.
func (l *fastLexer) int64(dst *int64) bool {
	c := l.ws()
	if c == 'n' {
		return l.literal("null")
	}
	neg := c == '-'
	if neg {
		l.i++
	}
	start := l.i
	var u uint64
	for l.i < len(l.b) {
		d := l.b[l.i] - '0'
		if d > 9 {
			break
		}
		if u > (1<<63)/10 {
			return false
		}
		u = u*10 + uint64(d)
		l.i++
	}
	n := l.i - start
	if n == 0 || (n > 1 && l.b[start] == '0') {
		return false
	}
	if l.i < len(l.b) {
		if c := l.b[l.i]; c == '.' || c == 'e' || c == 'E' {
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

// raw decodes any value into a json.RawMessage: a copy of its bytes,
// "null" included, as encoding/json hands them to UnmarshalJSON.
func (l *fastLexer) raw(dst *json.RawMessage) bool {
	l.ws()
	start := l.i
	if !l.skip(0) {
		return false
	}
	*dst = append(json.RawMessage(nil), l.b[start:l.i]...)
	return true
}

// rawInto is raw, but the value is copied into *buf, whose storage is
// reused from one call to the next: *dst shares it, valid until the next
// call with buf. It saves an allocation per chunk for a value that every
// chunk carries (a usage object, often null).
func (l *fastLexer) rawInto(dst, buf *json.RawMessage) bool {
	l.ws()
	start := l.i
	if !l.skip(0) {
		return false
	}
	*buf = append((*buf)[:0], l.b[start:l.i]...)
	*dst = *buf
	return true
}

// unquote consumes the rest of a string token with escapes (i is its first
// backslash, after start), validating it as skipString does, and returns it
// decoded as encoding/json's unquote does: a \u escape of a surrogate that
// does not pair with the next escape is U+FFFD. The decoded text is never
// longer than the token: one allocation of that size holds it.
func (l *fastLexer) unquote(start, i int) (string, bool) {
	if !l.skipStringFrom(i) {
		return "", false
	}
	s := l.b[start : l.i-1]
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := bytes.IndexByte(s[i:], '\\')
		if j < 0 {
			b.Write(s[i:])
			break
		}
		b.Write(s[i : i+j])
		i += j
		switch c := s[i+1]; c {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, _ := hex4(s, i+2)
			i += 6
			if utf16.IsSurrogate(r) {
				if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					r2, _ := hex4(s, i+2)
					if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
						b.WriteRune(dec)
						i += 6
						continue
					}
				}
				r = unicode.ReplacementChar
			}
			b.WriteRune(r)
			continue
		default: // '"', '\\', '/'
			b.WriteByte(c)
		}
		i += 2
	}
	return b.String(), true
}

// textPresent stands for a non-empty string that was validated but not
// decoded (its content is not kept).
const textPresent = "\x00"

// textPresence consumes a string token (the lexer is at its opening quote)
// without decoding it: *dst is "" for an empty string, else textPresent
// (every non-empty token decodes to a non-empty string). The token is
// validated as skipString does.
func (l *fastLexer) textPresence(dst *string) bool {
	start := l.i
	if !l.skipString() {
		return false
	}
	*dst = ""
	if l.i-start > 2 {
		*dst = textPresent
	}
	return true
}

// boolean decodes true or false into *dst; null leaves it unchanged, and
// any other value gives up.
func (l *fastLexer) boolean(dst *bool) bool {
	switch l.ws() {
	case 't':
		*dst = true
		return l.literal("true")
	case 'f':
		*dst = false
		return l.literal("false")
	case 'n':
		return l.literal("null")
	}
	return false
}

// text decodes a string value (or null, which leaves *dst unchanged) as
// str does or, when skip is set, only tells whether it is empty: *dst is
// then "" or textPresent (see textPresence). A parser whose stream context
// keeps no text needs no more.
func (l *fastLexer) text(dst *string, skip bool) bool {
	if !skip {
		return l.str(dst, nil)
	}
	switch l.ws() {
	case '"':
		return l.textPresence(dst)
	case 'n':
		return l.literal("null")
	}
	return false
}

// hex4 decodes the four hexadecimal digits at b[i:].
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

// literal consumes the literal word.
func (l *fastLexer) literal(word string) bool {
	if len(l.b)-l.i < len(word) || string(l.b[l.i:l.i+len(word)]) != word {
		return false
	}
	l.i += len(word)
	return true
}

// skipString consumes a string token, validating its escapes.
func (l *fastLexer) skipString() bool { return l.skipStringFrom(l.i + 1) }

// skipStringFrom consumes the rest of a string token from b[i:], inside
// the string and not inside an escape.
func (l *fastLexer) skipStringFrom(i int) bool {
	for {
		i = stringEnd(l.b, i)
		if i >= len(l.b) {
			return false
		}
		switch l.b[i] {
		case '"':
			l.i = i + 1
			return true
		case '\\':
			if i+1 >= len(l.b) {
				return false
			}
			switch l.b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(l.b) {
					return false
				}
				for _, h := range l.b[i+2 : i+6] {
					if !isHex(h) {
						return false
					}
				}
				i += 6
			default:
				return false
			}
		default: // a control character
			return false
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skipNumber consumes a number token: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (l *fastLexer) skipNumber() bool {
	b, i := l.b, l.i
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
	l.i = i
	return true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// skip consumes one value of any type (after white space), validating it
// as encoding/json does; depth is the nesting level of the value.
func (l *fastLexer) skip(depth int) bool {
	switch l.ws() {
	case '"':
		return l.skipString()
	case 'n':
		return l.literal("null")
	case 't':
		return l.literal("true")
	case 'f':
		return l.literal("false")
	case '[':
		if depth >= fastMaxDepth {
			return false
		}
		l.i++
		if l.ws() == ']' {
			l.i++
			return true
		}
		for {
			if !l.skip(depth + 1) {
				return false
			}
			switch l.ws() {
			case ',':
				l.i++
			case ']':
				l.i++
				return true
			default:
				return false
			}
		}
	case '{':
		if depth >= fastMaxDepth {
			return false
		}
		l.i++
		if l.ws() == '}' {
			l.i++
			return true
		}
		for {
			if l.ws() != '"' || !l.skipString() || !l.eat(':') || !l.skip(depth+1) {
				return false
			}
			switch l.ws() {
			case ',':
				l.i++
			case '}':
				l.i++
				return true
			default:
				return false
			}
		}
	default:
		return l.skipNumber()
	}
}

// object reads the members of an object value: null (no change, as
// encoding/json leaves a struct) calls member for none; else member is
// called for each key (without escapes; an escaped key gives up) with the
// lexer at the value, which member must consume.
func (l *fastLexer) object(member func(key []byte) bool) bool {
	switch l.ws() {
	case '{':
	case 'n':
		return l.literal("null")
	default:
		return false
	}
	l.i++
	if l.ws() == '}' {
		l.i++
		return true
	}
	for {
		if l.ws() != '"' {
			return false
		}
		key, esc, ok := l.rawString()
		if !ok || esc || !l.eat(':') || !member(key) {
			return false
		}
		switch l.ws() {
		case ',':
			l.i++
		case '}':
			l.i++
			return true
		default:
			return false
		}
	}
}

// unknownKey skips the value of a key that names no field, or gives up
// when encoding/json could still match it to one of fields (its
// case-insensitive match; any non-ASCII key gives up, as Unicode folding
// maps some runes onto ASCII letters).
func (l *fastLexer) unknownKey(key []byte, fields ...string) bool {
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
	return l.skip(1)
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

// seen marks field bit as decoded; false when it already was (a repeated
// key: encoding/json keeps the last, and merges objects, so give up).
func seen(mask *uint32, bit uint32) bool {
	if *mask&bit != 0 {
		return false
	}
	*mask |= bit
	return true
}

// decodeFastAnthropic decodes an Anthropic event into e (zero on entry)
// exactly as unmarshal would, or returns false, leaving e to be reset: a
// whole message's content array is left to unmarshal. With skipText, the
// text, thinking and partial_json of deltas and content blocks are not
// decoded, only told empty or not (see fastLexer.text).
func decodeFastAnthropic(data []byte, e *anthropicEvent, skipText bool) bool {
	l := fastLexer{b: data}
	var mask uint32
	ok := l.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return seen(&mask, 1<<0) && l.str(&e.Type, internAnthropicType)
		case "index":
			return seen(&mask, 1<<1) && l.int64(&e.Index)
		case "delta":
			return seen(&mask, 1<<2) && fastAnthropicDelta(&l, &e.Delta, skipText)
		case "content_block":
			return seen(&mask, 1<<3) && fastAnthropicBlock(&l, &e.ContentBlock, skipText)
		case "message":
			return seen(&mask, 1<<4) && l.raw(&e.Message)
		case "usage":
			return seen(&mask, 1<<5) && l.raw(&e.Usage)
		case "error":
			return seen(&mask, 1<<6) && l.raw(&e.Error)
		case "id":
			return seen(&mask, 1<<7) && l.str(&e.ID, nil)
		case "model":
			return seen(&mask, 1<<8) && l.str(&e.Model, nil)
		case "stop_reason":
			return seen(&mask, 1<<9) && l.str(&e.StopReason, nil)
		case "content":
			return false
		}
		return l.unknownKey(key, "type", "index", "message", "content_block", "delta", "usage", "error", "id", "model", "stop_reason", "content")
	})
	return ok && l.end()
}

func fastAnthropicDelta(l *fastLexer, d *anthropicDelta, skipText bool) bool {
	var mask uint32
	return l.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return seen(&mask, 1<<0) && l.str(&d.Type, internAnthropicType)
		case "text":
			return seen(&mask, 1<<1) && l.text(&d.Text, skipText)
		case "thinking":
			return seen(&mask, 1<<2) && l.text(&d.Thinking, skipText)
		case "partial_json":
			return seen(&mask, 1<<3) && l.text(&d.PartialJSON, skipText)
		case "stop_reason":
			return seen(&mask, 1<<4) && l.str(&d.StopReason, internAnthropicType)
		}
		return l.unknownKey(key, "type", "text", "thinking", "partial_json", "stop_reason")
	})
}

func fastAnthropicBlock(l *fastLexer, b *anthropicBlock, skipText bool) bool {
	var mask uint32
	return l.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return seen(&mask, 1<<0) && l.str(&b.Type, internAnthropicType)
		case "id":
			return seen(&mask, 1<<1) && l.str(&b.ID, nil)
		case "name":
			return seen(&mask, 1<<2) && l.str(&b.Name, nil)
		case "text":
			return seen(&mask, 1<<3) && l.text(&b.Text, skipText)
		case "thinking":
			return seen(&mask, 1<<4) && l.text(&b.Thinking, skipText)
		case "input":
			return seen(&mask, 1<<5) && l.raw(&b.Input)
		}
		return l.unknownKey(key, "type", "id", "name", "text", "thinking", "input")
	})
}

// internAnthropicType returns the constant for a known type name.
func internAnthropicType(b []byte) string {
	switch string(b) {
	case "content_block_delta":
		return "content_block_delta"
	case "text_delta":
		return "text_delta"
	case "thinking_delta":
		return "thinking_delta"
	case "input_json_delta":
		return "input_json_delta"
	case "signature_delta":
		return "signature_delta"
	case "content_block_start":
		return "content_block_start"
	case "content_block_stop":
		return "content_block_stop"
	case "text":
		return "text"
	case "thinking":
		return "thinking"
	case "tool_use":
		return "tool_use"
	case "ping":
		return "ping"
	case "message_start":
		return "message_start"
	case "message_delta":
		return "message_delta"
	case "message_stop":
		return "message_stop"
	case "end_turn":
		return "end_turn"
	}
	return string(b)
}

// chatFast is what decodeFastChat keeps from one chunk to the next: the
// last id and model (every chunk repeats them: the strings are shared
// rather than copied again), and storage that the decoded chunk points to
// until the next decode: the delta of choice 0 (its tool calls too) and
// the usage.
type chatFast struct {
	// skipText is set when the stream context keeps no text: content,
	// refusal and a choice's text are then validated but not decoded, as
	// in geminiFast. (Reasoning is decoded all the same: the parser
	// compares reasoning_content with reasoning.)
	skipText  bool
	id, model string
	usage     json.RawMessage // lent to the chunk's Usage (see rawInto)
	delta     chatDelta
	toolCalls []chatToolCall // the backing array of delta's tool calls
	toolIndex int            // the index of delta's first tool call
	taken     bool           // delta holds this chunk's first delta
}

// same returns *last when it equals b, else a copy of b, kept in *last.
func same(b []byte, last *string) string {
	if string(b) != *last {
		*last = string(b)
	}
	return *last
}

// decodeFastChat decodes a chat.completion.chunk into c exactly as
// unmarshal would, or returns false, leaving c to be reset. c is zero on
// entry, but for its Choices, empty (their backing array zeroed). The
// delta of the first choice may be st.delta (its tool calls in st's
// storage), and the usage shares st.usage: all are valid until the next
// decode with st. Content and tool-call chunks are the fast path;
// function_call, arguments that are not a string, content arrays, whole
// messages and x_groq are left to unmarshal.
func decodeFastChat(data []byte, c *chatChunk, st *chatFast) bool {
	l := fastLexer{b: data}
	var mask uint32
	st.taken = false
	ok := l.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return seen(&mask, 1<<0) && l.str(&c.ID, func(b []byte) string { return same(b, &st.id) })
		case "model":
			return seen(&mask, 1<<1) && l.str(&c.Model, func(b []byte) string { return same(b, &st.model) })
		case "object":
			return seen(&mask, 1<<2) && l.str(&c.Object, internChatObject)
		case "choices":
			return seen(&mask, 1<<3) && fastChatChoices(&l, c, st)
		case "usage":
			return seen(&mask, 1<<4) && l.rawInto(&c.Usage, &st.usage)
		case "error":
			return seen(&mask, 1<<5) && l.raw(&c.Error)
		case "type":
			return seen(&mask, 1<<6) && l.raw(&c.Type)
		case "code":
			return seen(&mask, 1<<7) && l.raw(&c.Code)
		case "message":
			return seen(&mask, 1<<8) && l.raw(&c.Message)
		case "x_groq":
			return false
		}
		return l.unknownKey(key, "id", "model", "object", "choices", "usage", "x_groq", "error", "type", "code", "message")
	})
	return ok && l.end()
}

func internChatObject(b []byte) string {
	if string(b) == "chat.completion.chunk" {
		return "chat.completion.chunk"
	}
	return string(b)
}

func fastChatChoices(l *fastLexer, c *chatChunk, st *chatFast) bool {
	switch l.ws() {
	case 'n':
		c.Choices = nil
		return l.literal("null")
	case '[':
		l.i++
	default:
		return false
	}
	c.Choices = c.Choices[:0]
	if l.ws() == ']' {
		l.i++
		if c.Choices == nil {
			c.Choices = []chatChoice{}
		}
		return true
	}
	for {
		c.Choices = append(c.Choices, chatChoice{})
		if !fastChatChoice(l, &c.Choices[len(c.Choices)-1], st) {
			return false
		}
		switch l.ws() {
		case ',':
			l.i++
		case ']':
			l.i++
			return true
		default:
			return false
		}
	}
}

func fastChatChoice(l *fastLexer, ch *chatChoice, st *chatFast) bool {
	var mask uint32
	return l.object(func(key []byte) bool {
		switch string(key) {
		case "index":
			var n int64 // null leaves Index 0
			if !seen(&mask, 1<<0) || !l.int64(&n) || int64(int(n)) != n {
				return false
			}
			ch.Index = int(n)
			return true
		case "delta":
			if !seen(&mask, 1<<1) {
				return false
			}
			if l.ws() == 'n' {
				return l.literal("null")
			}
			d, lent := &st.delta, !st.taken
			if !lent {
				d = new(chatDelta)
			}
			st.taken = true
			*d = chatDelta{}
			ch.Delta = d
			return fastChatDelta(l, d, st, lent)
		case "finish_reason":
			return seen(&mask, 1<<2) && l.str(&ch.FinishReason, nil)
		case "text": // Together repeats delta.content here
			if !seen(&mask, 1<<3) {
				return false
			}
			switch l.ws() {
			case 'n':
				return l.literal("null") // Text stays nil
			case '"':
				ch.Text = new(string)
				return l.text(ch.Text, st.skipText)
			}
			return false
		case "message":
			return false
		}
		return l.unknownKey(key, "index", "delta", "message", "text", "finish_reason")
	})
}

// fastChatDelta decodes a delta; lent says that d is st.delta, whose tool
// calls may then use st's storage.
func fastChatDelta(l *fastLexer, d *chatDelta, st *chatFast, lent bool) bool {
	skipText := st.skipText
	var mask uint32
	return l.object(func(key []byte) bool {
		switch string(key) {
		case "content":
			// chatContent.UnmarshalJSON: a string, or null (no change).
			return seen(&mask, 1<<0) && l.text(&d.Content.text, skipText)
		case "refusal":
			return seen(&mask, 1<<1) && l.text(&d.Refusal, skipText)
		case "reasoning_content":
			return seen(&mask, 1<<2) && l.str(&d.ReasoningContent, nil)
		case "reasoning":
			return seen(&mask, 1<<3) && l.str(&d.Reasoning, nil)
		case "reasoning_details":
			return seen(&mask, 1<<4) && l.raw(&d.ReasoningDetails)
		case "tool_calls":
			return seen(&mask, 1<<5) && fastChatToolCalls(l, d, st, lent)
		case "function_call":
			return seen(&mask, 1<<6) && l.ws() == 'n' && l.literal("null")
		}
		return l.unknownKey(key, "content", "refusal", "reasoning_content", "reasoning", "reasoning_details", "tool_calls", "function_call")
	})
}

// fastChatToolCalls decodes delta.tool_calls, in st's storage when lent.
func fastChatToolCalls(l *fastLexer, d *chatDelta, st *chatFast, lent bool) bool {
	var back *[]chatToolCall
	if lent {
		back = &st.toolCalls
	}
	n := 0
	return fastArray(l, &d.ToolCalls, back, func(tc *chatToolCall) bool {
		var index *int
		if lent && n == 0 {
			index = &st.toolIndex
		}
		n++
		return fastChatToolCall(l, tc, index, st.skipText)
	})
}

// fastChatToolCall decodes one element of delta.tool_calls. Its index goes
// to *index when that is not nil (st's storage), else to a new int.
func fastChatToolCall(l *fastLexer, tc *chatToolCall, index *int, skipText bool) bool {
	var mask uint32
	return l.object(func(key []byte) bool {
		switch string(key) {
		case "index":
			if !seen(&mask, 1<<0) {
				return false
			}
			if l.ws() == 'n' {
				return l.literal("null") // Index stays nil
			}
			var n int64
			if !l.int64(&n) || int64(int(n)) != n {
				return false
			}
			if index == nil {
				index = new(int)
			}
			*index = int(n)
			tc.Index = index
			return true
		case "id":
			return seen(&mask, 1<<1) && l.str(&tc.ID, nil)
		case "function":
			if !seen(&mask, 1<<2) {
				return false
			}
			if l.ws() == 'n' {
				return l.literal("null")
			}
			return fastChatFunction(l, &tc.Function, skipText)
		}
		return l.unknownKey(key, "index", "id", "function")
	})
}

// fastChatFunction decodes a tool call's function: its name, and its
// arguments when they are a string or null (chatText keeps any other
// value's JSON text: left to unmarshal).
func fastChatFunction(l *fastLexer, f *chatFunction, skipText bool) bool {
	var mask uint32
	return l.object(func(key []byte) bool {
		switch string(key) {
		case "name":
			return seen(&mask, 1<<0) && l.str(&f.Name, nil)
		case "arguments":
			if !seen(&mask, 1<<1) {
				return false
			}
			switch l.ws() {
			case '"', 'n':
				args := string(f.Arguments)
				ok := l.text(&args, skipText)
				f.Arguments = chatText(args)
				return ok
			}
			return false
		}
		return l.unknownKey(key, "name", "arguments")
	})
}

// geminiFast is what decodeFastGemini keeps from one chunk to the next:
// the last model version and response id (shared, as in chatFast), and
// storage that the decoded chunk points to until the next decode: the
// first candidate's index, content and parts array, the first part's
// text, the first function call and its args, the candidates,
// usageMetadata.
type geminiFast struct {
	// skipText is set when the stream context keeps no text (the two-line
	// summary): a text part is then validated but not decoded, and its
	// Text is textPresent or "" (see textPresence). The parser sets it
	// from streamctx per stream; FuzzReplay holds the summaries of the two
	// modes equal but for the text.
	skipText  bool
	model, id string
	index     int64
	text      string
	cands     []geminiCandidate
	content   geminiContent
	call      geminiFunctionCall
	callArgs  json.RawMessage
	parts     []geminiPart
	usage     json.RawMessage
	taken     uint8 // the storage that holds this chunk's values
}

const (
	takenIndex = 1 << iota
	takenText
	takenCands
	takenParts
	takenContent
	takenCall
)

// lend returns slot, zeroed, when st's storage what is free for this chunk
// (taking it), else a new zero T.
func lend[T any](st *geminiFast, what uint8, slot *T) *T {
	if !st.take(what) {
		return new(T)
	}
	var zero T
	*slot = zero
	return slot
}

// take reports whether the storage is free for this chunk, and takes it.
func (st *geminiFast) take(what uint8) bool {
	if st.taken&what != 0 {
		return false
	}
	st.taken |= what
	return true
}

// decodeFastGemini decodes a GenerateContentResponse into r (zero on entry)
// exactly as unmarshal would, or returns false, leaving r to be reset.
// Text, thought and function-call parts are the fast path; prompt feedback
// and the Code Assist envelope are left to unmarshal.
func decodeFastGemini(data []byte, r *geminiEnvelope, st *geminiFast) bool {
	l := fastLexer{b: data}
	var mask uint32
	st.taken = 0
	ok := l.object(func(key []byte) bool {
		switch string(key) {
		case "candidates":
			return seen(&mask, 1<<0) && fastGeminiCandidates(&l, &r.Candidates, st)
		case "usageMetadata":
			return seen(&mask, 1<<1) && l.rawInto(&r.UsageMetadata, &st.usage)
		case "modelVersion":
			return seen(&mask, 1<<2) && l.str(&r.ModelVersion, func(b []byte) string { return same(b, &st.model) })
		case "responseId":
			return seen(&mask, 1<<3) && l.str(&r.ResponseID, func(b []byte) string { return same(b, &st.id) })
		case "error":
			return seen(&mask, 1<<4) && l.raw(&r.Error)
		case "promptFeedback": // only null (no change) is taken here
			return seen(&mask, 1<<5) && l.ws() == 'n' && l.literal("null")
		case "response":
			return seen(&mask, 1<<6) && l.ws() == 'n' && l.literal("null")
		}
		return l.unknownKey(key, "candidates", "promptFeedback", "usageMetadata", "modelVersion", "responseId", "error", "response")
	})
	return ok && l.end()
}

// fastArray reads an array value into *s: null sets it to nil, [] to an
// empty slice, and elem decodes each element (zero on entry). The elements
// go to the backing array of *backing when it is not nil, which then keeps
// the grown array.
func fastArray[T any](l *fastLexer, s *[]T, backing *[]T, elem func(*T) bool) bool {
	switch l.ws() {
	case 'n':
		*s = nil
		return l.literal("null")
	case '[':
		l.i++
	default:
		return false
	}
	*s = (*s)[:0]
	if backing != nil {
		*s = (*backing)[:0]
	}
	if l.ws() == ']' {
		l.i++
		if *s == nil {
			*s = []T{}
		}
		return true
	}
	for {
		var zero T
		*s = append(*s, zero)
		if !elem(&(*s)[len(*s)-1]) {
			return false
		}
		switch l.ws() {
		case ',':
			l.i++
		case ']':
			l.i++
			if backing != nil {
				*backing = *s
			}
			return true
		default:
			return false
		}
	}
}

func fastGeminiCandidates(l *fastLexer, cs *[]geminiCandidate, st *geminiFast) bool {
	var back *[]geminiCandidate
	if st.take(takenCands) {
		back = &st.cands
	}
	return fastArray(l, cs, back, func(c *geminiCandidate) bool {
		var mask uint32
		return l.object(func(key []byte) bool {
			switch string(key) {
			case "index":
				if !seen(&mask, 1<<0) {
					return false
				}
				if l.ws() == 'n' {
					return l.literal("null")
				}
				p := lend(st, takenIndex, &st.index)
				c.Index = p
				return l.int64(p)
			case "content":
				if !seen(&mask, 1<<1) {
					return false
				}
				if l.ws() == 'n' {
					return l.literal("null")
				}
				content := lend(st, takenContent, &st.content)
				c.Content = content
				var back *[]geminiPart
				if st.take(takenParts) {
					back = &st.parts
				}
				var cmask uint32
				return l.object(func(key []byte) bool {
					switch string(key) {
					case "parts":
						return seen(&cmask, 1) && fastArray(l, &content.Parts, back, func(pt *geminiPart) bool {
							return fastGeminiPart(l, pt, st)
						})
					}
					return l.unknownKey(key, "parts")
				})
			case "finishReason":
				return seen(&mask, 1<<2) && l.str(&c.FinishReason, internGeminiFinish)
			case "finishMessage":
				return seen(&mask, 1<<3) && l.str(&c.FinishMessage, nil)
			}
			return l.unknownKey(key, "index", "content", "finishReason", "finishMessage")
		})
	})
}

func fastGeminiPart(l *fastLexer, pt *geminiPart, st *geminiFast) bool {
	var mask uint32
	return l.object(func(key []byte) bool {
		switch string(key) {
		case "text":
			if !seen(&mask, 1<<0) {
				return false
			}
			if l.ws() == 'n' {
				return l.literal("null")
			}
			p := lend(st, takenText, &st.text)
			pt.Text = p
			if st.skipText {
				return l.ws() == '"' && l.textPresence(p)
			}
			return l.ws() == '"' && l.str(p, nil)
		case "thought":
			return seen(&mask, 1<<1) && l.boolean(&pt.Thought)
		case "functionCall":
			if !seen(&mask, 1<<2) {
				return false
			}
			if l.ws() == 'n' {
				return l.literal("null")
			}
			fc := lend(st, takenCall, &st.call)
			pt.FunctionCall = fc
			var args *json.RawMessage // st's storage for the lent call's args
			if fc == &st.call {
				args = &st.callArgs
			}
			return fastGeminiFunctionCall(l, fc, args)
		case "executableCode":
			return seen(&mask, 1<<3) && l.raw(&pt.ExecutableCode)
		case "codeExecutionResult":
			return seen(&mask, 1<<4) && l.raw(&pt.CodeExecutionResult)
		case "inlineData":
			return seen(&mask, 1<<5) && l.raw(&pt.InlineData)
		case "fileData":
			return seen(&mask, 1<<6) && l.raw(&pt.FileData)
		}
		return l.unknownKey(key, "text", "thought", "functionCall", "executableCode", "codeExecutionResult", "inlineData", "fileData")
	})
}

// fastGeminiFunctionCall decodes a part's functionCall; its args and
// partialArgs are kept as JSON text (copies; the args into *args when that
// is not nil, see rawInto).
func fastGeminiFunctionCall(l *fastLexer, fc *geminiFunctionCall, args *json.RawMessage) bool {
	var mask uint32
	return l.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return seen(&mask, 1<<0) && l.str(&fc.ID, nil)
		case "name":
			return seen(&mask, 1<<1) && l.str(&fc.Name, nil)
		case "args":
			if !seen(&mask, 1<<2) {
				return false
			}
			if args != nil {
				return l.rawInto(&fc.Args, args)
			}
			return l.raw(&fc.Args)
		case "partialArgs":
			return seen(&mask, 1<<3) && l.raw(&fc.PartialArgs)
		case "willContinue":
			return seen(&mask, 1<<4) && l.boolean(&fc.WillContinue)
		}
		return l.unknownKey(key, "id", "name", "args", "partialArgs", "willContinue")
	})
}

func internGeminiFinish(b []byte) string {
	if string(b) == "STOP" {
		return "STOP"
	}
	return string(b)
}

// decodeFastGeminiUsage decodes usageMetadata into u (zero on entry)
// exactly as unmarshal would, or returns false, leaving u to be reset. Its
// pointers point into *store, valid until the next call.
func decodeFastGeminiUsage(data []byte, u *geminiUsage, store *[4]int64) bool {
	l := fastLexer{b: data}
	var mask uint32
	field := func(bit uint32, dst **int64) bool {
		if !seen(&mask, 1<<bit) {
			return false
		}
		if l.ws() == 'n' {
			return l.literal("null")
		}
		p := &store[bit]
		*p = 0
		*dst = p
		return l.int64(p)
	}
	ok := l.object(func(key []byte) bool {
		switch string(key) {
		case "promptTokenCount":
			return field(0, &u.PromptTokenCount)
		case "candidatesTokenCount":
			return field(1, &u.CandidatesTokenCount)
		case "thoughtsTokenCount":
			return field(2, &u.ThoughtsTokenCount)
		case "cachedContentTokenCount":
			return field(3, &u.CachedContentTokenCount)
		}
		return l.unknownKey(key, "promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount", "cachedContentTokenCount")
	})
	return ok && l.end()
}
