package jsonscan_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
)

// decodeAny decodes a JSON text with the scanner into the values that
// encoding/json gives an any with UseNumber: map[string]any, []any,
// string, json.Number, bool, nil. ok is false when the scanner gives up.
func decodeAny(s *jsonscan.Scanner) (v any, ok bool) { return decodeAnyIn(s, nil) }

// decodeAnyIn is decodeAny with the strings decoded by Bytes into arena
// when it is not nil (and copied into strings right away).
func decodeAnyIn(s *jsonscan.Scanner, arena *[]byte) (v any, ok bool) {
	switch s.Peek() {
	case '{':
		m := map[string]any{}
		ok := s.Object(func(key []byte) bool {
			v, ok := decodeAnyIn(s, arena)
			m[string(key)] = v // the last of repeated keys wins, as in encoding/json
			return ok
		})
		return m, ok
	case '[':
		var a []any
		ok := jsonscan.Array(s, &a, nil, func(e *any) bool {
			var ok bool
			*e, ok = decodeAnyIn(s, arena)
			return ok
		})
		return a, ok
	case '"':
		if arena != nil {
			var b []byte
			ok := s.Bytes(&b, arena)
			return string(b), ok
		}
		var str string
		ok := s.String(&str, nil)
		return str, ok
	case 't', 'f':
		var b bool
		ok := s.Bool(&b)
		return b, ok
	case 'n':
		return nil, s.Null()
	}
	raw, ok := s.Value()
	return json.Number(raw), ok
}

func stdDecode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err == nil {
		return nil, &json.SyntaxError{} // more than one value
	}
	return v, nil
}

// edgeCases are inputs on the edges of what the scanner accepts.
var edgeCases = []string{
	`{"a":"x\nb\u00e9\ud83d\ude00\ud800"}`, `"\ud800\u0041\udc00\ud83d\ud83d\ude00\udbff\udfff\u0000\b\f\r\t\/\\\"x"`,
	`"\uDFFF\uD800"`, `{"K":1,"\u212aey":2}`, `{"a":1,"a":2}`, `-0`, `01`, `1.0`, `1e2`, `1.`, `1e`, `-`, `1E+2`,
	`9223372036854775807`, `-9223372036854775808`, `9223372036854775808`, `-9223372036854775809`,
	`[1,2,{"a":[true,false,null,-1.5e+3,"\u12aB\/"]}]`, `[1,]`, `"\x"`, `"\u12g4"`, `tru`, `nul`, `{"a" 1}`,
	`{"a":1,}`, `{,}`, `[`, `{`, `"`, `"\`, `"\u00"`, `{"a":1} x`, ` {"a":1}  `, "\"a\tb\"", "\t[\n1\r,2 ]",
	`{}`, `[]`, `null`, `true`, `false`, `""`, `{"":""}`, `[[[[[[[[]]]]]]]]`,
	strings.Repeat("[", 64) + strings.Repeat("]", 64), strings.Repeat("[", 65) + strings.Repeat("]", 65),
	`"` + strings.Repeat(`ab\n`, 30) + `"`, `"` + strings.Repeat("é", 40) + "\x01" + `"`,
}

// FuzzScanMatchesEncodingJSON holds the scanner to encoding/json: what it
// accepts, encoding/json accepts with the same value; what encoding/json
// accepts, it accepts unless it gives up on purpose (nesting, escaped
// keys).
func FuzzScanMatchesEncodingJSON(f *testing.F) {
	for _, s := range edgeCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // the scanner's precondition
		}
		if got, want := jsonscan.StringEnd(data, 0), naiveStringEnd(data); got != want {
			t.Fatalf("StringEnd(%q) = %d, want %d", data, got, want)
		}
		in := bytes.Clone(data)
		s := jsonscan.New(in)
		valid := s.Skip() && s.End()
		checkSkipAt(t, in)
		if valid != json.Valid(data) && (valid || depth(data) <= jsonscan.MaxDepth) {
			t.Fatalf("%q: Skip says valid %v, encoding/json %v", data, valid, !valid)
		}
		s = jsonscan.New(in)
		got, ok := decodeAny(&s)
		ok = ok && s.End()
		s = jsonscan.New(in)
		arena := []byte("kept")
		gotBytes, okBytes := decodeAnyIn(&s, &arena)
		okBytes = okBytes && s.End()
		if okBytes != ok || !reflect.DeepEqual(got, gotBytes) {
			t.Fatalf("%q: String gives %#v (%v), Bytes %#v (%v)", data, got, ok, gotBytes, okBytes)
		}
		if string(arena[:4]) != "kept" {
			t.Fatalf("%q: Bytes wrote over the arena's contents: %q", data, arena)
		}
		if !ok {
			return
		}
		for i := range in {
			in[i] = 'x' // decoded strings must not alias the input
		}
		want, err := stdDecode(data)
		if err != nil {
			t.Fatalf("%q: the scanner accepted what encoding/json rejects: %v", data, err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%q:\n scanner       %#v\n encoding/json %#v", data, got, want)
		}
	})
}

// checkSkipAt holds SkipAt and SkipString to Value at the first offsets
// of data and at its first quotes: the same value, the same position after
// it. (Every offset would cost the square of the input's length.)
func checkSkipAt(t *testing.T, data []byte) {
	t.Helper()
	quotes := 0
	for i := range data {
		if i >= 16 {
			if quotes >= 16 || data[i] != '"' {
				continue
			}
			quotes++
		}
		s := jsonscan.New(data[i:])
		v, ok := s.Value()
		wantEnd := i + cap(data[i:]) - cap(v) + len(v) // v is a slice of data[i:]
		start, end, gotOK := jsonscan.SkipAt(data, i)
		if gotOK != ok || ok && (string(data[start:end]) != string(v) || end != wantEnd) {
			t.Fatalf("SkipAt(%q, %d) = %d, %d, %v; Value %q, %v", data, i, start, end, gotOK, v, ok)
		}
		if data[i] != '"' {
			continue
		}
		end, gotOK = jsonscan.SkipString(data, i)
		if gotOK != ok || ok && end != wantEnd {
			t.Fatalf("SkipString(%q, %d) = %d, %v; Value %q, %v", data, i, end, gotOK, v, ok)
		}
	}
}

// depth is the deepest nesting of brackets and braces in data (counting
// those inside strings too: an upper bound).
func depth(data []byte) int {
	d, deepest := 0, 0
	for _, c := range data {
		switch c {
		case '[', '{':
			d++
			deepest = max(deepest, d)
		case ']', '}':
			d--
		}
	}
	return deepest
}

func TestEdgeCases(t *testing.T) {
	t.Parallel()
	for _, in := range edgeCases {
		data := []byte(in)
		s := jsonscan.New(data)
		valid := s.Skip() && s.End()
		if depth(data) <= jsonscan.MaxDepth {
			assert.Equal(t, json.Valid(data), valid, "%q", in)
		} else {
			assert.False(t, valid, "%q: nesting deeper than MaxDepth gives up", in)
		}
		s = jsonscan.New(data)
		got, ok := decodeAny(&s)
		if ok && s.End() {
			want, err := stdDecode(data)
			require.NoError(t, err, "%q", in)
			assert.Equal(t, want, got, "%q", in)
		}
	}
}

func naiveStringEnd(b []byte) int {
	for i, c := range b {
		if c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return len(b)
}

func TestStringEnd(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'a', '"', '\\', 0x00, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xa2, 0xdc, 0xff, 0x22 ^ 0x80, 0x5c ^ 0x80}
	for range 20000 {
		b := make([]byte, r.IntN(100))
		for i := range b {
			b[i] = 'a'
			if r.IntN(8) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		i := r.IntN(len(b) + 1)
		require.Equal(t, i+naiveStringEnd(b[i:]), jsonscan.StringEnd(b, i), "%q from %d", b, i)
	}
}

func TestHasControl(t *testing.T) {
	t.Parallel()
	for n := range 20 {
		for pos := range n {
			for _, c := range []byte{0x00, 0x01, 0x09, 0x0a, 0x1f} {
				b := bytes.Repeat([]byte{'a'}, n)
				b[pos] = c
				require.True(t, jsonscan.HasControl(b), "missed %#x at %d of %d", c, pos, n)
			}
		}
		for _, c := range []byte{0x20, 0x7f, 0x80, 0x9f, 0xa0, 0xff, ' ', '~'} {
			require.False(t, jsonscan.HasControl(bytes.Repeat([]byte{c}, n)), "false positive for %#x × %d", c, n)
		}
	}
}

// TestStringMatchesEncodingJSON decodes escaped strings with the scanner
// (String and Bytes) and with encoding/json: same value, or both refuse.
func TestStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`"a\nb"`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, `"\ud800x"`, `"\ud800\u0041"`, `"\udc00\ud800"`,
		`"\ud83d\ud83d\ude00"`, `"\udbff\udfff"`, `"\ud800\uZZZZ"`, `"\ud800\u00"`, `"\u00"`, `"\x"`,
		`"tail\\"`, `"\"quoted\" and \/ \b\f\r\t"`, `"no end\n`, "\"raw\x01control\\n\"", `"` + strings.Repeat(`ab\n`, 300) + `"`,
		`"\ud83d\u12g4"`, `"\ud83d\"`, `"\ud83d\u"`, `"\u"`, `"\`, `"a\\\"`, `"a\\\\"`, `"\"\\"`, `"` + strings.Repeat(`\\`, 20) + `\"`,
		`"` + strings.Repeat("long é run ", 10) + `\"` + strings.Repeat("x", 100) + "\x1f" + `"`,
	} {
		var want string
		wantErr := json.Unmarshal([]byte(in), &want)
		s := jsonscan.New([]byte(in))
		var got string
		ok := s.String(&got, nil) && s.End()
		if ok != (wantErr == nil) || (ok && got != want) {
			t.Errorf("%q: scanner %q (ok %v), encoding/json %q (%v)", in, got, ok, want, wantErr)
		}
		s = jsonscan.New([]byte(in))
		var b, arena []byte
		ok = s.Bytes(&b, &arena) && s.End()
		if ok != (wantErr == nil) || (ok && string(b) != want) {
			t.Errorf("%q: Bytes %q (ok %v), encoding/json %q (%v)", in, b, ok, want, wantErr)
		}
	}
}

func TestTextPresence(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{`""`: "", `"a"`: jsonscan.Present, `"\n"`: jsonscan.Present, `"\u0000"`: jsonscan.Present} {
		s := jsonscan.New([]byte(in))
		got := "unset"
		require.True(t, s.Text(&got, true) && s.End(), in)
		assert.Equal(t, want, got, in)
	}
	got := "kept"
	s := jsonscan.New([]byte(`null`))
	require.True(t, s.Text(&got, true))
	assert.Equal(t, "kept", got, "null leaves the string unchanged")
	for _, in := range []string{`"a\x"`, `1`, `"a`, "\"\x01\""} {
		s := jsonscan.New([]byte(in))
		assert.False(t, s.Text(&got, true) && s.End(), "%q is rejected", in)
	}
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{`0`: 0, `-0`: 0, `42`: 42, `9223372036854775807`: 1<<63 - 1, `-9223372036854775808`: -1 << 63} {
		s := jsonscan.New([]byte(in))
		var n int64
		require.True(t, s.Int64(&n) && s.End(), in)
		assert.Equal(t, want, n, in)
	}
	for _, in := range []string{`01`, `1.0`, `1e2`, `9223372036854775808`, `-9223372036854775809`, `-`, `"1"`, `true`} {
		s := jsonscan.New([]byte(in))
		var n int64
		assert.False(t, s.Int64(&n) && s.End(), "%q gives up", in)
	}
}

func TestUnknownGivesUpOnAFoldedField(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{`{"other":1}`: true, `{"TYPE":1}`: false, `{"Type":1}`: false, `{"ſtop":1}`: false} {
		s := jsonscan.New([]byte(in))
		got := s.Object(func(key []byte) bool {
			return string(key) != "type" && s.Unknown(key, "type", "stop")
		})
		assert.Equal(t, ok, got, in)
	}
}

func TestSeen(t *testing.T) {
	t.Parallel()
	var m jsonscan.Seen
	assert.True(t, m.First(1<<3))
	assert.True(t, m.First(1<<4))
	assert.False(t, m.First(1<<3), "a repeated member gives up")
}

func TestArrayReusesItsBacking(t *testing.T) {
	t.Parallel()
	var back, got []int64
	for _, in := range []string{`[1,2,3]`, `[4]`} {
		s := jsonscan.New([]byte(in))
		require.True(t, jsonscan.Array(&s, &got, &back, func(n *int64) bool { return s.Int64(n) }))
	}
	assert.Equal(t, []int64{4}, got)
	assert.Same(t, &back[0], &got[0])
	s := jsonscan.New([]byte(`[]`))
	require.True(t, jsonscan.Array(&s, &got, nil, func(n *int64) bool { return s.Int64(n) }))
	assert.Equal(t, []int64{}, got, "[] is an empty slice, not nil")
	s = jsonscan.New([]byte(`null`))
	require.True(t, jsonscan.Array(&s, &got, nil, func(n *int64) bool { return s.Int64(n) }))
	assert.Nil(t, got)
}

func TestValueAliasesRawCopies(t *testing.T) {
	t.Parallel()
	in := []byte(` {"a": [1, 2]} `)
	value := bytes.Clone(in[1 : len(in)-1]) // white space inside kept
	s := jsonscan.New(in)
	v, ok := s.Value()
	require.True(t, ok && s.End())
	assert.Equal(t, value, v)
	s = jsonscan.New(in)
	var raw json.RawMessage
	require.True(t, s.Raw(&raw))
	assert.Equal(t, value, []byte(raw))
	in[3] = 'X'
	assert.Equal(t, byte('X'), v[2], "Value is a slice of the input")
	assert.Equal(t, byte('a'), raw[2], "Raw is a copy")
}

// TestOffsetSince: the bytes of a value decoded member by member, without
// the white space around it, as Value would return them.
func TestOffsetSince(t *testing.T) {
	t.Parallel()
	in := []byte(`{"u": {"a": 1, "b": [2]} , "c": 3}`)
	s := jsonscan.New(in)
	var got []byte
	var a int64
	require.True(t, s.Object(func(key []byte) bool {
		if string(key) != "u" {
			return s.Skip()
		}
		start := s.Offset()
		ok := s.Object(func(key []byte) bool {
			if string(key) == "a" {
				return s.Int64(&a)
			}
			return s.Skip()
		})
		got = s.Since(start)
		return ok
	}) && s.End())
	want := in[6:24]
	assert.Equal(t, want, got, "the bytes, white space inside kept")
	assert.Equal(t, int64(1), a)
}

// TestObjectFrom: the rest of an object from a member's key, as Object
// reads it; an offset that is not after the start gives up.
func TestObjectFrom(t *testing.T) {
	t.Parallel()
	in := []byte(`{"a":1,"b":[2],"c":"x"}`)
	var keys []string
	s := jsonscan.New(in)
	require.True(t, s.ObjectFrom(7, func(key []byte) bool {
		keys = append(keys, string(key))
		return s.Skip()
	}) && s.End())
	assert.Equal(t, []string{"b", "c"}, keys)
	for _, offset := range []int{0, -1, len(in)} {
		s := jsonscan.New(in)
		assert.False(t, s.ObjectFrom(offset, func([]byte) bool { return s.Skip() }), offset)
	}
	s = jsonscan.New(in)
	assert.False(t, s.ObjectFrom(6, func([]byte) bool { return s.Skip() }), "at a comma, not a key")
}

// TestBytesBorrows: Bytes gives the input's bytes for a string without
// escapes, and the arena's for one with escapes, appended after what the
// arena held; null leaves the destination alone.
func TestBytesBorrows(t *testing.T) {
	t.Parallel()
	in := []byte(`["plain","a\nb",null,"\u00e9"]`)
	s := jsonscan.New(in)
	arena := make([]byte, 0, 1) // grows: the earlier slices keep the old array
	var got [][]byte
	ok := jsonscan.Array(&s, &got, nil, func(b *[]byte) bool {
		*b = []byte("unset")
		return s.Bytes(b, &arena)
	})
	require.True(t, ok && s.End())
	require.Len(t, got, 4)
	assert.Equal(t, "plain", string(got[0]))
	assert.Same(t, &in[2], &got[0][0], "a string without escapes is the input's bytes")
	assert.Equal(t, "a\nb", string(got[1]))
	assert.Equal(t, "unset", string(got[2]), "null leaves the destination unchanged")
	assert.Equal(t, "é", string(got[3]))
	assert.Equal(t, "a\nbé", string(arena))
	assert.Equal(t, 3, cap(got[1]), "a decoding cannot be appended to in place")
	for _, bad := range []string{`"a\x"`, `1`, `"a\nb`, "\"a\\n\x01\""} {
		s := jsonscan.New([]byte(bad))
		var b []byte
		assert.False(t, s.Bytes(&b, &arena), bad)
	}
}

// FuzzCompact: Compact gives what encoding/json.Compact gives, for every
// valid value, invalid UTF-8 included (both copy strings as they are); it
// refuses only what encoding/json refuses (or nests deeper than MaxDepth).
func FuzzCompact(f *testing.F) {
	for _, s := range edgeCases {
		f.Add([]byte(s))
	}
	f.Add([]byte(" {\"a\" : [1, 2.5e3 ,\n\t\"x \\\" y\\\\\" , true , null , {} ]}\r\n"))
	f.Add([]byte(`{"path": "a b", "old_string": "\\\"\\n"}`))
	f.Add([]byte("{\"a\xff\" : \"\xc3\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := jsonscan.Compact([]byte("kept"), data)
		var want bytes.Buffer
		want.WriteString("kept")
		err := json.Compact(&want, data)
		switch {
		case ok && err != nil:
			t.Fatalf("%q: Compact accepted what encoding/json rejects: %v", data, err)
		case ok && string(got) != want.String():
			t.Fatalf("%q: Compact gives %q, encoding/json %q", data, got, want.String())
		case !ok && err == nil && depth(data) <= jsonscan.MaxDepth:
			t.Fatalf("%q: Compact refused what encoding/json compacts", data)
		case !ok && string(got) != "kept":
			t.Fatalf("%q: Compact refused but changed dst: %q", data, got)
		}
	})
}

// TestEveryEscape: a backslash before each of the 256 bytes, at the start,
// in the middle and at the end of a string, validates and decodes as in
// encoding/json (the escapes are looked up in a table).
func TestEveryEscape(t *testing.T) {
	t.Parallel()
	for c := range 256 {
		esc := `\` + string([]byte{byte(c)})
		if c == 'u' {
			esc = `\u00e9`
		}
		for _, in := range []string{`"` + esc + `"`, `"abcdefgh` + esc + `ijklmnopq"`, `"ab` + esc + esc + `"`} {
			var want string
			wantErr := json.Unmarshal([]byte(in), &want)
			s := jsonscan.New([]byte(in))
			assert.Equal(t, wantErr == nil, s.Skip() && s.End(), "Skip %q", in)
			var got string
			s = jsonscan.New([]byte(in))
			ok := s.String(&got, nil) && s.End()
			require.Equal(t, wantErr == nil, ok, "String %q", in)
			assert.Equal(t, want, got, "String %q", in)
			var raw, arena []byte
			s = jsonscan.New([]byte(in))
			ok = s.Bytes(&raw, &arena) && s.End()
			require.Equal(t, wantErr == nil, ok, "Bytes %q", in)
			assert.Equal(t, want, string(raw), "Bytes %q", in)
		}
	}
}
