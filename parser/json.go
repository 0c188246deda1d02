package parser

import (
	"bytes"
	"encoding/json"
	"errors"
)

// JSON is decoded one way. Each format decodes the payloads of its
// dominant events with a fast decoder of its own (decodeFast* in the
// format's file), on internal/jsonscan: the decoder fills the format's
// struct exactly as encoding/json would, or gives up on anything it does
// not handle exactly so (see jsonscan), and the caller then resets the
// struct and decodes it with encoding/json, the general path, which gives
// the reference result and error message. Like the fast decoders,
// encoding/json is handed valid UTF-8 only: the SSE scanner replaces
// invalid sequences with U+FFFD (WHATWG decoding), and package frame does so
// for JSON bodies. The fast decoders allocate only the strings they
// decode (type names and repeated ids are shared rather than copied) and
// the raw members they keep; the parsers' state lends them storage for
// the rest. FuzzFast* hold each decoder to encoding/json, and
// TestFast*Taken check that the common events do take the fast path.

// isSyntaxError reports whether err is or wraps a *json.SyntaxError (the
// data is not JSON at all). Call it only when err is not nil: the target
// of errors.As escapes, so declaring it in a caller allocates on every
// call, error or not (it did, once per chat chunk).
func isSyntaxError(err error) bool {
	var syntax *json.SyntaxError
	return errors.As(err, &syntax)
}

// trimSpace returns b without leading and trailing white space, as
// bytes.TrimSpace does, without a call when b starts and ends with
// printable ASCII: an event's data, a JSON value, [DONE].
func trimSpace(b []byte) []byte {
	if n := len(b); n > 0 && b[0]-0x21 < 0x5F && b[n-1]-0x21 < 0x5F {
		return b[:n:n]
	}
	return bytes.TrimSpace(b)
}
