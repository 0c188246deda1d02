package parser

import (
	"encoding/binary"
	"encoding/json"
	"reflect"
	"unicode/utf8"

	gojson "github.com/goccy/go-json"
)

// unmarshal decodes data into v (a pointer) exactly as encoding/json would,
// but fast.
//
// JSON decoding sets the speed of sseinspect (framing runs at gigabytes per
// second; encoding/json at about 100 MB/s on LLM chunks, most of it spent
// validating before decoding). goccy/go-json decodes the same struct tags
// 3 to 4 times faster (BENCHMARKS.md), but it is more lenient and its error
// messages are poorer. encoding/json stays the reference:
//
//   - payloads that go-json may read differently go to encoding/json
//     straight away: raw control characters (invalid inside strings,
//     and tolerated by go-json) and invalid UTF-8 (which encoding/json
//     replaces with U+FFFD);
//   - when go-json fails, v is zeroed and decoded again by encoding/json,
//     so that an error, its message and the partial result (encoding/json
//     fills the other fields around a type error) are the reference's.
//
// FuzzUnmarshalMatchesEncodingJSON holds the two to the same results.
func unmarshal(data []byte, v any) error {
	if !fastSafe(data) {
		return json.Unmarshal(data, v)
	}
	if err := gojson.UnmarshalNoEscape(data, v); err != nil {
		reflect.ValueOf(v).Elem().SetZero()
		return json.Unmarshal(data, v)
	}
	return nil
}

// fastSafe reports whether data has no control characters and is valid
// UTF-8: the inputs on which go-json and encoding/json agree. Both checks
// run a word at a time (this is on the hot path of every event).
func fastSafe(data []byte) bool {
	return !hasControl(data) && utf8.Valid(data)
}

// hasControl reports whether data has a byte below 0x20.
func hasControl(data []byte) bool {
	const lo, hi = 0x2020202020202020, 0x8080808080808080
	for len(data) >= 8 {
		w := binary.LittleEndian.Uint64(data)
		// A byte below 0x20 borrows when 0x20 is subtracted and had its
		// top bit clear: the classic "has a byte less than n" test,
		// exact for n <= 128.
		if (w-lo)&^w&hi != 0 {
			return true
		}
		data = data[8:]
	}
	for _, c := range data {
		if c < 0x20 {
			return true
		}
	}
	return false
}
