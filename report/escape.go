package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapeControls returns s with its control characters (C0, DEL, C1) and
// invalid UTF-8 bytes written as Go escapes (\n, \t, \x1b, \u0085), so
// that a string read from a capture cannot end a line, move the cursor or
// change colours on a terminal. Everything else is kept as it is.
func escapeControls(s string) string { return EscapeControlsExcept(s, "") }

// EscapeControlsExcept is escapeControls, keeping the control characters
// in keep as they are (a report's text keeps "\n\t").
func EscapeControlsExcept(s, keep string) string {
	clean := true
	for i, r := range s {
		if unicode.IsControl(r) && !strings.ContainsRune(keep, r) || r == utf8.RuneError && isInvalidAt(s, i) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && isInvalidAt(s, i):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case strings.ContainsRune(keep, r):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isInvalidAt reports whether s holds an invalid UTF-8 byte at i (and not
// an encoded U+FFFD).
func isInvalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 1
}
