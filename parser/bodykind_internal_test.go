package parser

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBinaryKind(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		head, want string
	}{
		"utf8_sse":      {head: "data: {\"a\":\"é\"}\n\n", want: ""},
		"cut_rune":      {head: "data: caf\xc3", want: ""},
		"empty":         {head: "", want: ""},
		"utf16le_bom":   {head: "\xff\xfed\x00a\x00", want: "the input is UTF-16LE text, not UTF-8: convert it first (iconv -f UTF-16LE -t UTF-8)"},
		"utf16be_bom":   {head: "\xfe\xff\x00d\x00a", want: "the input is UTF-16BE text, not UTF-8: convert it first (iconv -f UTF-16BE -t UTF-8)"},
		"utf16le_nobom": {head: "d\x00a\x00t\x00a\x00:\x00", want: "the input is UTF-16LE text, not UTF-8: convert it first (iconv -f UTF-16LE -t UTF-8)"},
		"utf16be_nobom": {head: "\x00d\x00a\x00t\x00a", want: "the input is UTF-16BE text, not UTF-8: convert it first (iconv -f UTF-16BE -t UTF-8)"},
		"png":           {head: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", want: "the input is binary data (image/png; it starts 89 50 4e 47 0d 0a 1a 0a)"},
		"zeros":         {head: "\x00\x01\x02\x03\x04", want: "the input is binary data (application/octet-stream; it starts 00 01 02 03 04)"},
		"latin1":        {head: "data: caf\xe9 cr\xe8me\n\n", want: "the input is text that is not UTF-8 (byte 0xe9 at offset 9); convert it first (iconv -f <its encoding> -t UTF-8)"},
	} {
		assert.Equal(t, tc.want, binaryKind([]byte(tc.head)), name)
	}
}
