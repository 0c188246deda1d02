package parser

import (
	"bytes"
	"testing"
)

// TestTrimSpace holds trimSpace to bytes.TrimSpace for every first and last
// byte around a middle that is not trimmed, and for short and multi-byte
// edges (U+0085 and U+00A0 are spaces to TrimSpace; DEL is not).
func TestTrimSpace(t *testing.T) {
	for first := range 256 {
		for _, last := range []byte{0, '\t', ' ', '!', '}', ']', 0x7E, 0x7F, 0x80, 0xA0, 0xC2, 0xFF} {
			data := []byte{byte(first), 'x', last}
			if got, want := trimSpace(data), bytes.TrimSpace(data); !bytes.Equal(got, want) {
				t.Fatalf("trimSpace(%q) = %q, want %q", data, got, want)
			}
		}
	}
	for _, data := range []string{"", " ", "{", "\u0085{}\u00a0", "\u00a0", "{}\u0085", "\x7f", " [DONE] \r\n"} {
		if got, want := trimSpace([]byte(data)), bytes.TrimSpace([]byte(data)); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("trimSpace(%q) = %q, want %q", data, got, want)
		}
	}
}

func FuzzTrimSpace(f *testing.F) {
	for _, seed := range []string{"", "{}", " {} ", "\u00a0{}\u0085", "\x7f\x7f"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := trimSpace(data), bytes.TrimSpace(data); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("trimSpace(%q) = %q, want %q", data, got, want)
		}
	})
}
