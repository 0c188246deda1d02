package parser

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// binaryKind says in one line what a body that is not text is, from its
// first bytes: UTF-16 text, binary data of a known type, or text that is
// not UTF-8. It returns "" for UTF-8 text, which a message can quote.
func binaryKind(head []byte) string {
	if len(head) == 0 {
		return ""
	}
	if enc := utf16Kind(head); enc != "" {
		return fmt.Sprintf("the input is %s text, not UTF-8: convert it first (iconv -f %s -t UTF-8)", enc, enc)
	}
	if ct := http.DetectContentType(head); !strings.HasPrefix(ct, "text/") && ct != "application/json" {
		return fmt.Sprintf("the input is binary data (%s; it starts % x)", ct, head[:min(len(head), 8)])
	}
	if i := invalidUTF8(head); i >= 0 {
		return fmt.Sprintf("the input is text that is not UTF-8 (byte %#02x at offset %d); convert it first (iconv -f <its encoding> -t UTF-8)", head[i], i)
	}
	return ""
}

// utf16Kind returns "UTF-16LE" or "UTF-16BE" when head is UTF-16 text: a
// byte order mark, or ASCII with a NUL in every other byte.
func utf16Kind(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		return "UTF-16LE"
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return "UTF-16BE"
	}
	n := min(len(head), 64) &^ 1
	if n < 4 {
		return ""
	}
	le, be := true, true
	for i := 0; i < n; i += 2 {
		le = le && head[i] != 0 && head[i] < 0x80 && head[i+1] == 0
		be = be && head[i] == 0 && head[i+1] != 0 && head[i+1] < 0x80
	}
	switch {
	case le:
		return "UTF-16LE"
	case be:
		return "UTF-16BE"
	}
	return ""
}

// invalidUTF8 returns the offset of the first byte of head that is not
// UTF-8, or -1; a sequence cut by the end of head is not counted.
func invalidUTF8(head []byte) int {
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n <= 1 {
			if !utf8.FullRune(head[i:]) {
				return -1
			}
			return i
		}
		i += n
	}
	return -1
}
