package frame

import (
	"encoding/json"
	"testing"
)

func TestValidUTF8ReplacesEachInvalidByteLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"\"a\xffb\"", "\"\xf0\x9f\x98\"", "\"\xed\xa0\x80\"", "\"ok é 😊\""} {
		var want, got string
		wantErr := json.Unmarshal([]byte(in), &want)
		gotErr := json.Unmarshal(validUTF8([]byte(in)), &got)
		if (wantErr == nil) != (gotErr == nil) || want != got {
			t.Fatalf("%q: got %q (%v), encoding/json %q (%v)", in, got, gotErr, want, wantErr)
		}
	}
}
