package jsonbytes_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/jsonbytes"
)

// escapeCases are strings whose JSON escape is easy to get wrong.
var escapeCases = []string{
	"",
	"plain ASCII",
	"exactly8",
	`quote " and backslash \ and slash /`,
	"<b>bold</b> & <script>alert(1)</script>",  // no HTML escaping
	"line\nfeed\r\ntab\tbackspace\bform\ffeed", // short escapes
	"\x00\x01\x07\x0b\x0e\x1f and \x7f",        // \u00XX, DEL as is
	"separators \u2028 and \u2029, next to \u2027 and \u202a, and \xe2\x80 cut",
	"é, 日本語, 😊, 👨‍👩‍👧 (ZWJ), e\u0301 (combining), \ufeff (BOM), \U0010ffff",
	"invalid: \xff, \xc3 (truncated), \xed\xa0\x80 (surrogate), \xf4\x90\x80\x80 (too big), \xc0\xaf (overlong), \xe0\x80\x80, \xf0\x80\x80\x80",
	"\xe6\x97",             // truncated at the end
	"12345678\xf0\x9f\x98", // truncated after a word
	"\ufffd (a real replacement character)",
	strings.Repeat("long \"text\" with <tags> & emoji 😊\n", 500),
	strings.Repeat("\x01", 40),
}

// encodingJSON is the reference: the inside of the JSON string that
// encoding/json writes for s, without HTML escaping.
func encodingJSON(tb testing.TB, s string) string {
	tb.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(tb, enc.Encode(s))
	out := b.String()
	return out[1 : len(out)-2] // the quotes and the newline
}

// escapeInSteps escapes s with EscapeInto into buffers of capacity room,
// writing out each and going on from where it stopped, as report does.
func escapeInSteps(tb testing.TB, s string, room int) string {
	tb.Helper()
	var out strings.Builder
	buf := make([]byte, 0, room)
	for len(s) > 0 {
		b, n := jsonbytes.EscapeInto(buf[:0], s)
		require.Positive(tb, n, "no progress with %d bytes of room", room)
		require.LessOrEqual(tb, len(b), room)
		out.Write(b)
		s = s[n:]
	}
	return out.String()
}

func TestEscapeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range escapeCases {
		want := encodingJSON(t, s)
		assert.Equal(t, want, string(jsonbytes.Escape(nil, s)), "%q", s)
		assert.Equal(t, "prefix"+want, string(jsonbytes.Escape([]byte("prefix"), s)), "%q", s)
		for room := jsonbytes.EscapeRoom; room < jsonbytes.EscapeRoom+24; room++ {
			assert.Equal(t, want, escapeInSteps(t, s, room), "%q with %d bytes of room", s, room)
		}
	}
}

// TestEscapeIntoWithoutRoom: a destination with less than EscapeRoom
// bytes of room takes nothing.
func TestEscapeIntoWithoutRoom(t *testing.T) {
	t.Parallel()
	b, n := jsonbytes.EscapeInto(make([]byte, 3, 2+jsonbytes.EscapeRoom), "text")
	assert.Equal(t, 0, n)
	assert.Len(t, b, 3)
}

// FuzzEscapeMatchesEncodingJSON checks Escape and EscapeInto, with the
// output cut anywhere, against encoding/json on any string.
func FuzzEscapeMatchesEncodingJSON(f *testing.F) {
	for i, s := range escapeCases {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, room uint8) {
		want := encodingJSON(t, s)
		assert.Equal(t, want, string(jsonbytes.Escape(nil, s)))
		assert.Equal(t, want, escapeInSteps(t, s, jsonbytes.EscapeRoom+int(room)))
	})
}

// TestPlainRune holds plainRune to utf8.DecodeRuneInString: it gives the
// size of every valid rune but U+2028 and U+2029, and 0 for those two and
// for every invalid or cut-short sequence. Every lead byte of at least
// 0x80 with every second byte, the third (and the fourth, after a
// four-byte lead) among the edges of the continuation range, and each sequence cut short.
func TestPlainRune(t *testing.T) {
	t.Parallel()
	want := func(s string) int {
		c, size := utf8.DecodeRuneInString(s)
		if c == utf8.RuneError && size == 1 || c == '\u2028' || c == '\u2029' {
			return 0
		}
		return size
	}
	tails := []byte{0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xa7, 0xa8, 0xa9, 0xaa, 0xbf, 0xc0, 0xff}
	n := 0
	for c := 0x80; c < 0x100; c++ {
		for b1 := range 256 {
			for _, b2 := range tails {
				b3s := tails
				if c < 0xf0 {
					b3s = tails[2:3] // a fourth byte matters only after a four-byte lead
				}
				for _, b3 := range b3s {
					full := string([]byte{byte(c), byte(b1), b2, b3})
					for l := 1; l <= len(full); l++ {
						for _, s := range []string{full[:l], "x" + full[:l]} {
							i := len(s) - l
							if got, w := jsonbytes.PlainRune(s, i), want(s[i:]); got != w {
								t.Fatalf("plainRune(%q, %d) = %d, want %d", s, i, got, w)
							}
							n++
						}
					}
				}
			}
		}
	}
	require.Positive(t, n)
}

// TestEscapeRunesMatchEncodingJSON: the two- and three-byte runes that
// EscapeInto copies without calling PlainRune, and the sequences it must
// leave to it (E0 and ED leads, U+2028, U+2029, invalid and cut-short
// ones), escape as encoding/json escapes them: every lead byte of at
// least 0x80 with the edges of the continuation ranges as second and
// third bytes, inside text and at its end.
func TestEscapeRunesMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	edges := []byte{0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xA7, 0xA8, 0xA9, 0xAA, 0xBF, 0xC0, 0xFF}
	for lead := 0x80; lead <= 0xFF; lead++ {
		for _, b1 := range edges {
			for _, b2 := range edges {
				seq := string([]byte{byte(lead), b1, b2})
				for _, s := range []string{"ab" + seq + "cd", "abcdefgh" + seq, seq[:2], "é" + seq + "x"} {
					if got, want := string(jsonbytes.Escape(nil, s)), encodingJSON(t, s); got != want {
						t.Fatalf("%q: Escape gives %q, encoding/json %q", s, got, want)
					}
				}
			}
		}
	}
}
