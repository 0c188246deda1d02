package parser

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"
)

// unmarshalTargets are the types the parsers decode into.
var unmarshalTargets = []func() any{
	func() any { return new(chatChunk) },
	func() any { return new(chatUsage) },
	func() any { return new(chatContent) },
	func() any { return new(anthropicEvent) },
	func() any { return new(anthropicMessage) },
	func() any { return new(anthropicUsage) },
	func() any { return new(geminiEnvelope) },
	func() any { return new(geminiResponse) },
	func() any { return new(geminiUsage) },
	func() any { return new(respEvent) },
	func() any { return new(respResponse) },
	func() any { return new(respUsage) },
	func() any { return new(respItem) },
	func() any { return new([]respPart) },
	func() any { return new(chatProbe) },
	func() any { return new(anthropicProbe) },
	func() any { return new(respProbe) },
	func() any { return new(geminiProbe) },
	func() any { return new(errorPayload) },
	func() any { return new(errorObject) },
	func() any { return new(json.RawMessage) },
	func() any { return new(string) },
}

// FuzzUnmarshalMatchesEncodingJSON holds unmarshal (go-json with
// encoding/json as the reference) to encoding/json's results: the same
// values, the same errors, for every type the parsers decode.
func FuzzUnmarshalMatchesEncodingJSON(f *testing.F) {
	files, _ := filepath.Glob("../testdata/captures/*/*.sse")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		n := 0
		for sc.Scan() && n < 8 {
			if d, ok := bytes.CutPrefix(bytes.TrimRight(sc.Bytes(), "\r"), []byte("data:")); ok {
				f.Add(bytes.TrimSpace(d))
				n++
			}
		}
	}
	for _, s := range []string{
		`{"type":"x","TYPE":"y"}`, `{"usage":{"prompt_tokens":1.5}}`, `{"usage":{"prompt_tokens":1e3}}`,
		`{"choices":[{"delta":{"content":"a\u0000\ud800b"}}]}`, `{"a":"\u2028<&>"}`, `{"index":-0}`,
		`{"index":99999999999999999999}`, `{"type":"a"}{"type":"b"}`, `{"type":"a",}`, `[1,]`, `{"a":01}`,
		`{"a":"\x"}`, `{"a":1}  `, `  {"a":[{"b":{"c":[]}}]}`, `{"type":null,"index":null}`, `"str"`, `null`,
		`{"content":[{"type":"text","text":"x"}]}`, `{"delta":{"content":["x"]}}`, `{"error":"boom"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return // unmarshal's precondition; see validUTF8
		}
		for _, newV := range unmarshalTargets {
			got, want := newV(), newV()
			gotErr := unmarshal(data, got)
			wantErr := json.Unmarshal(data, want)
			if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
				t.Fatalf("%T: %q: error %v, encoding/json %v", got, data, gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%T: %q:\n got %#v\nwant %#v", got, data, got, want)
			}
		}
	})
}

// TestUnmarshalCopiesWhatItKeeps: the event data is borrowed from the
// scanner's buffer, so decoded strings and raw messages must not alias it.
func TestUnmarshalCopiesWhatItKeeps(t *testing.T) {
	t.Parallel()
	data := []byte(`{"type":"message_start","index":1,"message":{"id":"msg_1","model":"claude"},"usage":{"input_tokens":3}}`)
	var ev anthropicEvent
	if err := unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	var c chatChunk
	chat := []byte(`{"id":"chatcmpl-1","model":"gpt","usage":{"prompt_tokens":1},"choices":[{"index":0,"delta":{"content":"hello"}}]}`)
	if err := unmarshal(chat, &c); err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 'x'
	}
	for i := range chat {
		chat[i] = 'x'
	}
	if ev.Type != "message_start" || string(ev.Message) != `{"id":"msg_1","model":"claude"}` {
		t.Fatalf("anthropic event aliases its input: %q %q", ev.Type, ev.Message)
	}
	if c.ID != "chatcmpl-1" || c.Model != "gpt" || string(c.Usage) != `{"prompt_tokens":1}` || c.Choices[0].Delta.Content.text != "hello" {
		t.Fatalf("chat chunk aliases its input: %+v", c)
	}
}

func TestValidUTF8ReplacesEachInvalidByteLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"\"a\xffb\"", "\"\xf0\x9f\x98\"", "\"\xed\xa0\x80\"", "\"ok é 😊\""} {
		var want, got string
		wantErr := json.Unmarshal([]byte(in), &want)
		gotErr := unmarshal(validUTF8([]byte(in)), &got)
		if (wantErr == nil) != (gotErr == nil) || want != got {
			t.Fatalf("%q: got %q (%v), encoding/json %q (%v)", in, got, gotErr, want, wantErr)
		}
	}
}
