package parser

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// JSON is decoded one way. Each format decodes the payloads of its
// dominant events with a fast decoder of its own (decodeFast* in the
// format's file), on internal/jsonscan: the decoder fills the format's
// struct exactly as encoding/json would, or gives up on anything it does
// not handle exactly so (see jsonscan), and the caller then resets the
// struct and decodes it with encoding/json, the general path, which gives
// the reference result and error message. Like the fast decoders,
// encoding/json is handed valid UTF-8 only: the SSE scanner replaces
// invalid sequences with U+FFFD (WHATWG decoding), and Replay does so for
// JSON bodies (validUTF8). The fast decoders allocate only the strings they
// decode (type names and repeated ids are shared rather than copied) and
// the raw members they keep; the parsers' state lends them storage for
// the rest. FuzzFast* hold each decoder to encoding/json, and
// TestFast*Taken check that the common events do take the fast path.

// validUTF8 returns b with every byte that is not part of a valid UTF-8
// sequence replaced by U+FFFD, as encoding/json does inside strings; b
// itself when it is valid.
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// isSyntaxError reports whether err is or wraps a *json.SyntaxError (the
// data is not JSON at all). Call it only when err is not nil: the target
// of errors.As escapes, so declaring it in a caller allocates on every
// call, error or not (it did, once per chat chunk).
func isSyntaxError(err error) bool {
	var syntax *json.SyntaxError
	return errors.As(err, &syntax)
}
