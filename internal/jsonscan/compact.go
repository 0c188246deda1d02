package jsonscan

// Compact appends to dst the JSON text src without the white space
// between its tokens, as encoding/json.Compact does, when src is one
// valid value (with white space around it, if any); else it returns dst
// and false, and the caller leaves it to encoding/json. Strings are
// copied as they are, escapes and invalid UTF-8 included, as
// encoding/json.Compact copies them (FuzzCompact).
func Compact(dst, src []byte) ([]byte, bool) {
	s := New(src)
	if !s.Skip() || !s.End() {
		return dst, false
	}
	for i := 0; i < len(src); {
		switch c := src[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		case '"':
			j := StringEnd(src, i+1)
			for src[j] == '\\' { // valid: an escape, then more of the string
				j = StringEnd(src, j+2)
			}
			dst = append(dst, src[i:j+1]...)
			i = j + 1
		default: // a run of punctuation, numbers and literals
			j := i + 1
			for j < len(src) && src[j] != '"' && src[j] != ' ' && src[j] != '\t' && src[j] != '\n' && src[j] != '\r' {
				j++
			}
			dst = append(dst, src[i:j]...)
			i = j
		}
	}
	return dst, true
}
