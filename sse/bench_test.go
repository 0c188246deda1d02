package sse

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The benchmarks measure framing alone (no JSON decoding) on synthetic
// streams shaped like real LLM captures, generated deterministically, and on
// the real captures in ../testdata/captures when they are there. One op is
// one whole stream; the scanner and its buffers are reused across ops, as in
// steady state, so allocs/op is the number of allocations per stream.
//
//	go test -run XXX -bench . -benchmem -count 6 ./sse/ | tee new.txt
//	benchstat old.txt new.txt

// words is a deterministic source of token-like text.
var words = strings.Fields(`the of and to a in that is was he for it with as his on be at by I
	this had not are but from or have an they which one you were her all she there would
	their we him been has when who will more no if out so said what up its about into than
	them can only other new some could time these two may then do first any my now such like
	our over man me even most made after also did many before must through back years where
	much your way well down should because each just those people how too little state good
	very make world still own see men work long get here between both life being under never
	func struct interface return error nil string int64 bytes Scanner Event`)

func text(rng *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	return b.String()
}

// openAIChatStream is an OpenAI chat completions stream: one data line of
// about 250 bytes per chunk, [DONE] at the end.
func openAIChatStream(events int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for range events {
		fmt.Fprintf(&b, `data: {"id":"chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c","object":"chat.completion.chunk","created":1727346173,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_5050236cbd","choices":[{"index":0,"delta":{"content":%q},"logprobs":null,"finish_reason":null}]}`+"\n\n", text(rng, 1+rng.IntN(24)))
	}
	b.WriteString("data: [DONE]\n\n")
	return b.Bytes()
}

// anthropicStream is an Anthropic Messages stream: event and data lines, the
// JSON padded with spaces as Anthropic does, and pings.
func anthropicStream(events int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	b.WriteString("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4\",\"content\":[],\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}           }\n\n")
	for i := range events {
		if i%50 == 0 {
			b.WriteString("event: ping\ndata: {\"type\": \"ping\"}\n\n")
		}
		fmt.Fprintf(&b, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":%q}%s}\n\n",
			text(rng, 20+rng.IntN(400)), strings.Repeat(" ", rng.IntN(64)))
	}
	b.WriteString("event: message_stop\ndata: {\"type\":\"message_stop\"     }\n\n")
	return b.Bytes()
}

// geminiStream is a Gemini streamGenerateContent?alt=sse stream: CRLF line
// ends, one large data line per chunk.
func geminiStream(events int) []byte {
	rng := rand.New(rand.NewPCG(5, 6))
	var b bytes.Buffer
	for i := range events {
		fmt.Fprintf(&b, `data: {"candidates": [{"content": {"parts": [{"text": %q}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 12,"candidatesTokenCount": %d,"totalTokenCount": %d,"thoughtsTokenCount": 0},"modelVersion": "gemini-2.5-flash","responseId": "a1b2c3d4e5f6g7h8"}`+"\r\n\r\n",
			text(rng, 200+rng.IntN(1600)), i, i+12)
	}
	return b.Bytes()
}

// multiLineStream has events of several data lines each, which the scanner
// assembles in its data buffer, and an id that changes every ten events (the
// only allocations: one ID string per change).
func multiLineStream(events int) []byte {
	rng := rand.New(rand.NewPCG(7, 8))
	var b bytes.Buffer
	for i := range events {
		fmt.Fprintf(&b, "id: %d\n", i/10)
		for range 2 + rng.IntN(5) {
			fmt.Fprintf(&b, "data: %s\n", text(rng, 40+rng.IntN(200)))
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// largeLineStream is a Responses API stream whose output_item.done events
// carry very long lines.
func largeLineStream(lineSize, events int) []byte {
	rng := rand.New(rand.NewPCG(9, 10))
	var b bytes.Buffer
	for range events {
		fmt.Fprintf(&b, "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"item\":{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":%q}]}}\n\n", text(rng, lineSize))
	}
	return b.Bytes()
}

func BenchmarkScan(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"openai_chat", openAIChatStream(20_000)},
		{"anthropic", anthropicStream(10_000)},
		{"gemini_crlf", geminiStream(4_000)},
		{"multi_line_new_id_every_10", multiLineStream(5_000)},
		{"large_line_1MiB", largeLineStream(1<<20, 8)},
	} {
		b.Run(bc.name, func(b *testing.B) { benchmarkScan(b, bc.data) })
	}
}

// BenchmarkScanCaptures scans all the real captures, concatenated (with a
// blank line between two captures).
func BenchmarkScanCaptures(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "captures", "*", "*.sse"))
	if len(files) == 0 {
		b.Skip("no captures in ../testdata/captures")
	}
	var all bytes.Buffer
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		all.Write(data)
		all.WriteString("\n\n")
	}
	benchmarkScan(b, all.Bytes())
}

func benchmarkScan(b *testing.B, data []byte) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	r := bytes.NewReader(data)
	s := NewScanner(r)
	events := 0
	for b.Loop() {
		r.Reset(data)
		s.reset(r)
		for s.Scan() {
			events++
		}
		if err := s.Err(); err != nil {
			b.Fatal(err)
		}
	}
	if events > 0 {
		b.ReportMetric(float64(b.Elapsed())/float64(events), "ns/event")
	}
}
