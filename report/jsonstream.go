package report

import (
	"bufio"
	"bytes"
	"encoding"
	"encoding/json"
	"io"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sseinspect/sseinspect/internal/jsonbytes"
)

// streamJSON writes v followed by a newline exactly as a json.Encoder with
// SetEscapeHTML(false) (and SetIndent("", indent) when indent is not "")
// would, without building the encoding in memory first: a summary carrying
// hundreds of MB of text, or tens of thousands of tool calls, would
// otherwise be held a second time, encoded, in a buffer grown by doubling.
//
// Structs are walked field by field (by their json tags) and so are slices
// of structs; strings are escaped as they are written, through a 64 KiB
// buffer. Every other value (numbers, pointers, maps, slices of strings)
// and any struct that uses more of encoding/json than plain tags
// (embedding, tag options, methods of its own) is encoded by encoding/json.
// The walk is done twice: the first pass only encodes those values, in
// order, and keeps their encodings; the second writes everything. A value
// that cannot be encoded therefore leaves w untouched, as with
// json.Encoder, and what is kept in memory is only the encodings of the
// small values.
//
// parts, when not nil, gives the value of some top-level string fields, by
// JSON name, as parts to be written one after the other (a long text kept
// in chunks), in place of the field's own value.
func streamJSON(w io.Writer, v any, indent string, parts map[string][]string) error {
	e := &jsonStream{indent: indent, parts: parts}
	rv := reflect.ValueOf(v)
	if err := e.value(rv, 0); err != nil {
		return err
	}
	e.w = bufio.NewWriterSize(w, 64<<10)
	if err := e.value(rv, 0); err != nil {
		return err // unreachable: the first pass encoded every value
	}
	_ = e.w.WriteByte('\n')
	return e.w.Flush() // the first write error, if any
}

// jsonStream is an encoding in two passes (see streamJSON). While w is nil
// (the first pass) nothing is written: the values that encoding/json
// encodes are appended to enc, each ending at the next offset of ends.
// Then (w set) everything is written to w, the encoded values taken from
// enc in the same order, next counting them.
type jsonStream struct {
	w       *bufio.Writer
	enc     bytes.Buffer
	ends    []int
	next    int
	indent  string
	scratch bytes.Buffer
	parts   map[string][]string // see streamJSON
}

// raw writes s as is (in the second pass).
func (e *jsonStream) raw(s string) {
	if e.w != nil {
		_, _ = e.w.WriteString(s)
	}
}

// char writes c (in the second pass).
func (e *jsonStream) char(c byte) {
	if e.w != nil {
		_ = e.w.WriteByte(c)
	}
}

// str writes s as a JSON string (in the second pass).
func (e *jsonStream) str(s string) {
	if e.w != nil {
		writeJSONString(e.w, s)
	}
}

func (e *jsonStream) value(v reflect.Value, depth int) error {
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Type().Elem().Kind() == reflect.Struct && plainStruct(v.Type().Elem()) {
		v = v.Elem() // the top-level *Snapshot
	}
	switch t := v.Type(); {
	case t == reflect.TypeFor[string]():
		e.str(v.String())
		return nil
	case t.PkgPath() == "" && t.Name() != "": // int, bool... (a builtin type)
		switch t.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if e.w != nil {
				_, _ = e.w.Write(strconv.AppendInt(e.w.AvailableBuffer(), v.Int(), 10))
			}
			return nil
		case reflect.Bool:
			if e.w != nil {
				_, _ = e.w.Write(strconv.AppendBool(e.w.AvailableBuffer(), v.Bool()))
			}
			return nil
		}
	case t.Kind() == reflect.Struct && plainStruct(t):
		return e.object(v, depth)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && !hasMethods(t) && plainStruct(t.Elem()):
		return e.array(v, depth)
	}
	return e.delegate(v, depth)
}

func (e *jsonStream) object(v reflect.Value, depth int) error {
	t := v.Type()
	n := 0
	for i := range t.NumField() {
		name, ok := fieldName(t.Field(i))
		if !ok {
			continue
		}
		if n == 0 {
			e.char('{')
		} else {
			e.char(',')
		}
		n++
		e.newline(depth + 1)
		e.str(name)
		e.char(':')
		if e.indent != "" {
			e.char(' ')
		}
		if p, ok := e.parts[name]; ok && depth == 0 && v.Field(i).Kind() == reflect.String {
			if e.w != nil {
				writeJSONParts(e.w, p)
			}
			continue
		}
		if err := e.value(v.Field(i), depth+1); err != nil {
			return err
		}
	}
	if n == 0 {
		e.raw("{}")
		return nil
	}
	e.newline(depth)
	e.char('}')
	return nil
}

func (e *jsonStream) array(v reflect.Value, depth int) error {
	switch {
	case v.IsNil():
		e.raw("null")
		return nil
	case v.Len() == 0:
		e.raw("[]")
		return nil
	}
	e.char('[')
	for i := range v.Len() {
		if i > 0 {
			e.char(',')
		}
		e.newline(depth + 1)
		if err := e.value(v.Index(i), depth+1); err != nil {
			return err
		}
	}
	e.newline(depth)
	e.char(']')
	return nil
}

// newline starts a line at depth when indenting.
func (e *jsonStream) newline(depth int) {
	if e.indent == "" {
		return
	}
	e.char('\n')
	for range depth {
		e.raw(e.indent)
	}
}

// delegate encodes v with encoding/json, indented as it would be at depth,
// in the first pass, and writes that encoding in the second.
func (e *jsonStream) delegate(v reflect.Value, depth int) error {
	if e.w != nil {
		start := 0
		if e.next > 0 {
			start = e.ends[e.next-1]
		}
		_, _ = e.w.Write(e.enc.Bytes()[start:e.ends[e.next]])
		e.next++
		return nil
	}
	e.scratch.Reset()
	enc := json.NewEncoder(&e.scratch)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v.Interface()); err != nil {
		return err
	}
	b := bytes.TrimSuffix(e.scratch.Bytes(), []byte("\n"))
	if e.indent == "" {
		e.enc.Write(b)
	} else if err := json.Indent(&e.enc, b, strings.Repeat(e.indent, depth), e.indent); err != nil {
		return err
	}
	e.ends = append(e.ends, e.enc.Len())
	return nil
}

// plainStruct reports whether encoding/json encodes a value of struct type
// t as an object of its exported fields in order, each under its tag name
// or field name: no embedded field, no tag option, no method of its own.
func plainStruct(t reflect.Type) bool {
	if hasMethods(t) {
		return false
	}
	seen := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return false
		}
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		if strings.Contains(tag, ",") {
			return false
		}
		name, _ := fieldName(f)
		if seen[name] || !plainName(name) {
			return false
		}
		seen[name] = true
	}
	return true
}

// fieldName returns the key of field f, and false when it is not encoded.
func fieldName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	if !f.IsExported() || tag == "-" {
		return "", false
	}
	if tag != "" {
		return tag, true
	}
	return f.Name, true
}

// plainName reports whether name is a key encoding/json takes as is.
func plainName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !ok {
			return false
		}
	}
	return true
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// hasMethods reports whether encoding/json would call a method of t (or
// *t) to encode it.
func hasMethods(t reflect.Type) bool {
	for _, t := range []reflect.Type{t, reflect.PointerTo(t)} {
		if t.Implements(marshalerType) || t.Implements(textMarshalerType) {
			return true
		}
	}
	return false
}

// writeJSONString writes s as a JSON string exactly as encoding/json does
// with SetEscapeHTML(false): ", \ and control characters escaped (\b, \f,
// \n, \r, \t, else \u00XX), each invalid UTF-8 byte as \ufffd, U+2028 and
// U+2029 as \u2028 and \u2029, everything else as is. Errors are left in
// w.
func writeJSONString(w *bufio.Writer, s string) {
	_ = w.WriteByte('"')
	writeJSONBody(w, s)
	_ = w.WriteByte('"')
}

// writeJSONParts writes the concatenation of parts as one JSON string,
// exactly as writeJSONString(w, strings.Join(parts, "")) would, without
// joining them: a rune split between two parts (its first bytes at the end
// of one) is decoded across the boundary as the joined string would be.
// Every part but the last must be at least utf8.UTFMax bytes long (the
// chunks of a long text are 1 MiB), so that a rune spans two parts at
// most.
//
// A long text (parallelMin bytes or more, with more than one processor)
// is escaped on two goroutines (bodyPairs).
func writeJSONParts(w *bufio.Writer, parts []string) {
	_ = w.WriteByte('"')
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	writeBody := func(s string) { writeJSONBody(w, s) }
	var pairs *bodyPairs
	if total >= parallelMin && runtime.GOMAXPROCS(0) > 1 {
		pairs = &bodyPairs{w: w}
		writeBody = pairs.add
	}
	var carry string // the incomplete rune that ended the previous part
	for i, p := range parts {
		if carry != "" {
			// The runes that start in carry, decoded over carry and the
			// head of p, as in the joined string.
			win := carry + p[:min(len(p), utf8.UTFMax)]
			end := 0
			for end < len(carry) {
				_, size := utf8.DecodeRuneInString(win[end:])
				end += size
			}
			writeBody(win[:end])
			p = p[end-len(carry):]
			carry = ""
		}
		if i < len(parts)-1 {
			t := incompleteTail(p)
			p, carry = p[:len(p)-t], p[len(p)-t:]
		}
		writeBody(p)
	}
	writeBody(carry) // only when the last part was empty
	if pairs != nil {
		pairs.flush()
	}
	_ = w.WriteByte('"')
}

// parallelMin is the length of text from which writeJSONParts escapes on
// two goroutines, and pieceLen the length of the pieces it escapes at a
// time: a goroutine per pair of pieces costs a microsecond, escaping a
// piece hundreds.
var (
	parallelMin = 512 << 10
	pieceLen    = 256 << 10
)

// bodyPairs writes the escapes of texts (add) in order, as writeJSONBody
// would write each, two pieces at a time: the caller's goroutine escapes
// the first of a pair straight into w while another escapes the second
// into a buffer, which is written after. A text is cut into pieces of
// about pieceLen bytes before a byte that is not a UTF-8 continuation
// byte (cutPiece), where escaping the two sides apart gives the escape of
// the whole. At most one piece is held (pending) and one buffer kept.
type bodyPairs struct {
	w       *bufio.Writer
	pending string
	buf     []byte
}

// add writes (or holds) the escape of s, after those added before.
func (b *bodyPairs) add(s string) {
	for len(s) > 0 {
		piece := s[:cutPiece(s, pieceLen)]
		s = s[len(piece):]
		switch {
		case len(piece) < pieceLen/4: // a rune across two parts, an end
			b.flush()
			writeJSONBody(b.w, piece)
		case b.pending == "":
			b.pending = piece
		default:
			b.pair(b.pending, piece)
			b.pending = ""
		}
	}
}

// pair writes the escapes of first and second, escaping them side by side.
func (b *bodyPairs) pair(first, second string) {
	done := make(chan []byte, 1)
	go func(buf []byte) { done <- jsonbytes.Escape(buf[:0], second) }(b.buf)
	writeJSONBody(b.w, first)
	b.buf = <-done
	_, _ = b.w.Write(b.buf)
}

// flush writes the piece held, if any.
func (b *bodyPairs) flush() {
	if b.pending != "" {
		writeJSONBody(b.w, b.pending)
		b.pending = ""
	}
}

// cutPiece returns where to cut a piece of about n bytes off the front of
// s so that no rune spans the cut: len(s) when s is not longer; else
// before the last byte of s[n-3:n+1] that is not a continuation byte
// (a rune never includes one but as its first byte); else, when all
// four are continuation bytes, n (a rune that spans n would start at
// most three bytes before it, with a lead byte). n must be at least
// utf8.UTFMax.
func cutPiece(s string, n int) int {
	if len(s) <= n {
		return len(s)
	}
	for k := n; k > n-utf8.UTFMax; k-- {
		if s[k]&0xC0 != 0x80 {
			return k
		}
	}
	return n
}

// incompleteTail returns the length of the UTF-8 sequence at the end of s
// that is cut short: a leading byte followed by fewer continuation bytes
// than it announces. 0 when s ends with a whole rune (or invalid bytes that
// no later byte can complete).
func incompleteTail(s string) int {
	for k := 1; k < utf8.UTFMax && k <= len(s); k++ {
		c := s[len(s)-k]
		if c&0xC0 == 0x80 {
			continue // a continuation byte: its leader is further back
		}
		if c >= utf8.RuneSelf && !utf8.FullRuneInString(s[len(s)-k:]) {
			return k
		}
		return 0
	}
	return 0
}

// writeJSONBody writes s escaped as writeJSONString does, without the
// quotes: jsonbytes.EscapeInto escapes it straight into w's buffer, which
// is flushed when it has too little room left.
func writeJSONBody(w *bufio.Writer, s string) {
	for len(s) > 0 {
		if w.Available() < 4*jsonbytes.EscapeRoom && w.Flush() != nil {
			return // the error stays in w
		}
		b, n := jsonbytes.EscapeInto(w.AvailableBuffer(), s)
		_, _ = w.Write(b)
		s = s[n:]
	}
}
