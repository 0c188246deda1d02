package jsonscan_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/internal/jsonscan"
)

// benchPayload is a typical streamed chunk: short keys and type names, a
// text delta with escapes and non-ASCII text, members nobody keeps.
var benchPayload = []byte(`{"type":"response.output_text.delta","content_index":0,"delta":"Hello, \"world\" \u00e9 — ` +
	strings.Repeat("lorem ipsum ", 4) + `\n","item_id":"msg_0123456789abcdef0123456789abcdef","output_index":0,"logprobs":[],"obfuscation":"AbC","sequence_number":42}`)

// BenchmarkSkip validates a chunk with the scanner, and with
// encoding/json's Valid for comparison.
func BenchmarkSkip(b *testing.B) {
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(benchPayload)))
		for b.Loop() {
			s := jsonscan.New(benchPayload)
			if !s.Skip() || !s.End() {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("encoding-json-valid", func(b *testing.B) {
		b.SetBytes(int64(len(benchPayload)))
		for b.Loop() {
			if !json.Valid(benchPayload) {
				b.Fatal("invalid")
			}
		}
	})
}

// BenchmarkObject decodes the type, delta and sequence number of a chunk
// and skips the rest, with the scanner and with encoding/json.
func BenchmarkObject(b *testing.B) {
	type chunk struct {
		Type  string `json:"type"`
		Delta string `json:"delta"`
		Seq   int64  `json:"sequence_number"`
	}
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(benchPayload)))
		b.ReportAllocs()
		var c chunk
		for b.Loop() {
			s := jsonscan.New(benchPayload)
			var seen jsonscan.Seen
			ok := s.Object(func(key []byte) bool {
				switch string(key) {
				case "type":
					return seen.First(1) && s.String(&c.Type, func([]byte) string { return "response.output_text.delta" })
				case "delta":
					return seen.First(2) && s.String(&c.Delta, nil)
				case "sequence_number":
					return seen.First(4) && s.Int64(&c.Seq)
				}
				return s.Unknown(key, "type", "delta", "sequence_number")
			})
			if !ok || !s.End() {
				b.Fatal("gave up")
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(benchPayload)))
		b.ReportAllocs()
		for b.Loop() {
			var c chunk
			if err := json.Unmarshal(benchPayload, &c); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStringEnd finds the end of a short key and of a long text.
func BenchmarkStringEnd(b *testing.B) {
	for _, n := range []int{8, 52, 64, 4096} {
		s := []byte(strings.Repeat("a", n) + `"`)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				if jsonscan.StringEnd(s, 0) != n {
					b.Fatal("wrong end")
				}
			}
		})
	}
}

// BenchmarkStringEndEvent finds the end of the strings of a delta event
// (issue 16): its type, text, item id and obfuscation, each followed by
// the rest of the event.
func BenchmarkStringEndEvent(b *testing.B) {
	ev := []byte(`{"type":"response.output_text.delta","content_index":0,"delta":" bench","item_id":"msg_87fe0123456789abcdef0123456789abcdef0123456789ab","output_index":43,"logprobs":[],"obfuscation":"B84gAy5tB","sequence_number":6668}`)
	var starts []int // the first bytes of the string values
	for i := 0; ; {
		k := bytes.Index(ev[i:], []byte(`":"`))
		if k < 0 {
			break
		}
		i += k + 3
		starts = append(starts, i)
	}
	b.SetBytes(int64(len(ev)))
	for b.Loop() {
		for _, i := range starts {
			if ev[jsonscan.StringEnd(ev, i)] != '"' {
				b.Fatal("wrong end")
			}
		}
	}
}

// BenchmarkSkipTexts skips the text values of a generated Gemini capture
// (internal/benchgen: prose with escapes and multibyte runes), each from
// its opening quote, as the summary's fast paths validate a text they do
// not keep.
func BenchmarkSkipTexts(b *testing.B) {
	var capture bytes.Buffer
	if err := benchgen.Generate(&capture, "gemini", 1<<20, 1); err != nil {
		b.Fatal(err)
	}
	var texts [][]byte
	data := capture.Bytes()
	key := []byte(`"text": `)
	for {
		k := bytes.Index(data, key)
		if k < 0 {
			break
		}
		data = data[k+len(key):]
		texts = append(texts, data[:bytes.IndexByte(data, '\n')])
	}
	var n int64
	for _, t := range texts {
		s := jsonscan.New(t)
		if !s.Skip() {
			b.Fatal("invalid")
		}
		n += int64(s.Offset())
	}
	b.SetBytes(n)
	for b.Loop() {
		for _, t := range texts {
			s := jsonscan.New(t)
			if !s.Skip() {
				b.Fatal("invalid")
			}
		}
	}
}
