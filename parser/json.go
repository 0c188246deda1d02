package parser

import (
	"encoding/json"
	"errors"
	"reflect"
	"unicode/utf8"

	gojson "github.com/goccy/go-json"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
)

// JSON is decoded one way. Each format decodes the payloads of its
// dominant events with a fast decoder of its own (decodeFast* in the
// format's file), on internal/jsonscan: the decoder fills the format's
// struct exactly as unmarshal would, or gives up on anything it does not
// handle exactly so (see jsonscan), and the caller then resets the struct
// and calls unmarshal, the general path, which gives the reference result
// and error message. The fast decoders allocate only the strings they
// decode (type names and repeated ids are shared rather than copied) and
// the raw members they keep; the parsers' state lends them storage for
// the rest. FuzzFast* hold each decoder to encoding/json, and
// TestFast*Taken check that the common events do take the fast path.

// unmarshal decodes data into v (a pointer) exactly as encoding/json would,
// but fast.
//
// JSON decoding sets the speed of sseinspect (framing runs at gigabytes per
// second; encoding/json at about 100 MB/s on LLM chunks, most of it spent
// validating before decoding). goccy/go-json decodes the same struct tags
// 3 to 4 times faster (BENCHMARKS.md), but it is more lenient and its error
// messages are poorer. encoding/json stays the reference:
//
//   - data must be valid UTF-8 (on invalid UTF-8 the two differ): the
//     scanner guarantees it for event data (WHATWG decoding replaces
//     invalid sequences with U+FFFD), and Replay for JSON bodies
//     (validUTF8);
//   - payloads with raw control characters (invalid inside strings, and
//     tolerated by go-json) go to encoding/json straight away;
//   - when go-json fails, v is zeroed and decoded again by encoding/json,
//     so that an error, its message and the partial result (encoding/json
//     fills the other fields around a type error) are the reference's.
//
// FuzzUnmarshalMatchesEncodingJSON holds the two to the same results.
func unmarshal(data []byte, v any) error {
	if jsonscan.HasControl(data) {
		return json.Unmarshal(data, v)
	}
	if err := gojson.Unmarshal(data, v); err != nil {
		reflect.ValueOf(v).Elem().SetZero()
		return json.Unmarshal(data, v)
	}
	return nil
}

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
