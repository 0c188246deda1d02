package parser

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/benchgen"
)

// dataLines returns the data of every event of an SSE capture, one data
// line each (the captures and the benchmark corpus have one per event).
func dataLines(b []byte) [][]byte {
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if d, ok := bytes.CutPrefix(bytes.TrimRight(sc.Bytes(), "\r"), []byte("data:")); ok {
			out = append(out, bytes.Clone(bytes.TrimSpace(d)))
		}
	}
	return out
}

// benchEvents returns the event data of a small generated capture of the
// format (the benchmark corpus).
func benchEvents(tb testing.TB, format string, size int64) [][]byte {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, benchgen.Generate(&buf, format, size, 1))
	return dataLines(buf.Bytes())
}

// fastSeeds seeds a fast-path fuzz target with the data lines of every
// capture, a sample of the benchmark corpus of format, and extra.
func fastSeeds(f *testing.F, format string, extra ...string) {
	f.Helper()
	files, err := filepath.Glob("../testdata/captures/*/*.sse")
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(f, err)
		for _, d := range dataLines(b) {
			f.Add(d)
		}
	}
	ev := benchEvents(f, format, 256<<10)
	for i := 0; i < len(ev); i += 1 + len(ev)/200 {
		f.Add(ev[i])
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// checkFast holds a fast path to unmarshal and encoding/json: when fast
// accepts data, both must decode it without error to the same value, and
// the value must not alias data.
func checkFast[T any](t *testing.T, data []byte, fast func([]byte, *T) bool) {
	t.Helper()
	if !utf8.Valid(data) {
		return // unmarshal's precondition; see validUTF8
	}
	if got, want := stringEnd(data, 0), naiveStringEnd(data); got != want {
		t.Fatalf("stringEnd(%q) = %d, want %d", data, got, want)
	}
	in := bytes.Clone(data)
	var got T
	if !fast(in, &got) {
		return
	}
	for i := range in {
		in[i] = 'x'
	}
	var viaUnmarshal, viaStd T
	if err := unmarshal(data, &viaUnmarshal); err != nil {
		t.Fatalf("%q: the fast path accepted what unmarshal rejects: %v", data, err)
	}
	if err := json.Unmarshal(data, &viaStd); err != nil {
		t.Fatalf("%q: the fast path accepted what encoding/json rejects: %v", data, err)
	}
	if !reflect.DeepEqual(viaUnmarshal, got) {
		t.Fatalf("%q:\n fast      %#v\n unmarshal %#v", data, got, viaUnmarshal)
	}
	if !reflect.DeepEqual(viaStd, got) {
		t.Fatalf("%q:\n fast          %#v\n encoding/json %#v", data, got, viaStd)
	}
}

func naiveStringEnd(b []byte) int {
	for i, c := range b {
		if c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return len(b)
}

// fastEdgeCases are inputs on the edges of what the fast paths accept.
var fastEdgeCases = []string{
	`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\nb\u00e9\ud83d\ude00\ud800"}}`,
	`{"delta":{"text":"\ud800\u0041\udc00\ud83d\ud83d\ude00\udbff\udfff\u0000\b\f\r\t\/\\\"x"}}`,
	`{"delta":{"text":"\uDFFF\uD800"},"type":"\u00e9\uD800\uDC00é"}`,
	`{"type":"content_block_delta","Index":1}`, `{"type":"a","type":"b"}`, `{"typ\u0065":"a"}`,
	`{"index":-0}`, `{"index":01}`, `{"index":1.0}`, `{"index":1e2}`, `{"index":9223372036854775807}`,
	`{"index":-9223372036854775808}`, `{"index":9223372036854775808}`, `{"index":-9223372036854775809}`,
	`{"index":null,"type":null,"delta":null,"content_block":null,"usage":null}`, `{"delta":{"text":1}}`,
	`{"x":[1,2,{"a":[true,false,null,-1.5e+3,"\u12aB\/"]}],"type":"t"}`, `{"x":[1,]}`, `{"x":"\x"}`,
	`{"x":"\u12g4"}`, `{"x":01}`, `{"x":-}`, `{"x":1.}`, `{"x":1e}`, `{"x":tru}`, `{"ſtop_reason":"x"}`,
	`{"K":1,"\u212aey":2}`, `{"type":"a"} x`, `{"type":"a"}  `, "{\"type\":\"a\t\"}", "{\t\"type\"\n:\r\"a\" }",
	`{"message":{"id":"m","usage":{"input_tokens":3}},"usage":[1, 2]}`, `{"content":[]}`, `{}`, `null`,
	`{"choices":[{"index":0,"delta":{"content":"x","role":"assistant"},"finish_reason":null}],"usage":null}`,
	`{"choices":[]}`, `{"choices":null}`, `{"choices":[{"delta":null},{"index":1,"delta":{"content":null}}]}`,
	`{"choices":[{"delta":{"content":["x"]}}]}`, `{"choices":[{"delta":{"content":1}}]}`,
	`{"choices":[{"delta":{"tool_calls":null,"function_call":null,"reasoning_details":[]}}]}`,
	`{"choices":[{"text":null},{"text":"a\u00e9"},{"text":1}]}`,
}

func FuzzFastAnthropic(f *testing.F) {
	fastSeeds(f, "anthropic", fastEdgeCases...)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data, decodeFastAnthropicAll)
		checkFastSkipping(t, data)
	})
}

func decodeFastAnthropicAll(data []byte, e *anthropicEvent) bool {
	return decodeFastAnthropic(data, e, false)
}

// checkSkipping checks a fast decoder with skipText against decoding
// everything: the same, but for the strings that texts hands to its
// function (the skipped ones), which say only whether they are empty.
func checkSkipping[T any](t *testing.T, data []byte, decode func(data []byte, v *T, skipText bool) bool, texts func(v *T, each func(*string))) {
	t.Helper()
	var all, skipped T
	okAll, okSkipped := decode(data, &all, false), decode(data, &skipped, true)
	if okAll != okSkipped {
		t.Fatalf("%q: decoded %v with text, %v without", data, okAll, okSkipped)
	}
	if !okAll {
		return
	}
	texts(&all, func(s *string) {
		if *s != "" {
			*s = textPresent
		}
	})
	if !reflect.DeepEqual(all, skipped) {
		t.Fatalf("%q:\n skipping text %#v\n decoding it   %#v", data, skipped, all)
	}
}

// checkFastSkipping is checkSkipping for decodeFastAnthropic: the text,
// thinking and partial_json of deltas and blocks are skipped.
func checkFastSkipping(t *testing.T, data []byte) {
	t.Helper()
	checkSkipping(t, data, decodeFastAnthropic, func(e *anthropicEvent, each func(*string)) {
		for _, s := range []*string{&e.Delta.Text, &e.Delta.Thinking, &e.Delta.PartialJSON, &e.ContentBlock.Text, &e.ContentBlock.Thinking} {
			each(s)
		}
	})
}

func TestFastAnthropicSkipsText(t *testing.T) {
	t.Parallel()
	for _, d := range []string{
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello\n\"world\""}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}}`,
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":null}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"\u00e9"}}`,
		`{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"a\": 1"}}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"x","signature":""}}`,
	} {
		checkFastSkipping(t, []byte(d))
		var e anthropicEvent
		require.True(t, decodeFastAnthropic([]byte(d), &e, true), d)
		for _, s := range []string{e.Delta.Text, e.Delta.Thinking, e.Delta.PartialJSON, e.ContentBlock.Text, e.ContentBlock.Thinking} {
			assert.Contains(t, []string{"", textPresent}, s, "%s: a skipped string is not decoded", d)
		}
	}
	var e anthropicEvent
	assert.False(t, decodeFastAnthropic([]byte(`{"type":"content_block_delta","delta":{"text":"a\x"}}`), &e, true), "an invalid escape is still rejected")
	assert.False(t, decodeFastAnthropic([]byte(`{"type":"content_block_delta","delta":{"text":1}}`), &e, true), "a number is not a string")
}

// decodeFastChatTwice decodes data twice with one chatFast, so that the
// second decode shares the strings of the first.
func decodeFastChatTwice(data []byte, c *chatChunk) bool {
	var st chatFast
	var warm chatChunk
	decodeFastChat(data, &warm, &st)
	return decodeFastChat(data, c, &st)
}

func FuzzFastChat(f *testing.F) {
	fastSeeds(f, "openai-chat", fastEdgeCases...)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data, decodeFastChatTwice)
		checkFastChatSkipping(t, data)
	})
}

// checkFastChatSkipping is checkSkipping for decodeFastChat: content,
// refusal, a choice's text and tool-call arguments are skipped.
func checkFastChatSkipping(t *testing.T, data []byte) {
	t.Helper()
	decode := func(data []byte, c *chatChunk, skipText bool) bool {
		return decodeFastChat(data, c, &chatFast{skipText: skipText})
	}
	checkSkipping(t, data, decode, func(c *chatChunk, each func(*string)) {
		for i := range c.Choices {
			ch := &c.Choices[i]
			if ch.Text != nil {
				each(ch.Text)
			}
			if ch.Delta == nil {
				continue
			}
			each(&ch.Delta.Content.text)
			each(&ch.Delta.Refusal)
			for j := range ch.Delta.ToolCalls {
				args := string(ch.Delta.ToolCalls[j].Function.Arguments)
				each(&args)
				ch.Delta.ToolCalls[j].Function.Arguments = chatText(args)
			}
		}
	})
}

func TestFastChatSkipsText(t *testing.T) {
	t.Parallel()
	for _, d := range []string{
		`{"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"Hello\n\"w\u00e9\"","role":"assistant"},"finish_reason":null}]}`,
		`{"choices":[{"index":0,"delta":{"content":""}}]}`,
		`{"choices":[{"index":0,"delta":{"content":null,"refusal":"no"}}]}`,
		`{"choices":[{"index":0,"delta":{"reasoning_content":"r","reasoning":"s"}}]}`,
		`{"choices":[{"index":0,"text":"t"},{"index":1,"delta":{"content":"x"}}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":"}},{"index":1,"function":{"arguments":""}}]}}]}`,
	} {
		checkFastChatSkipping(t, []byte(d))
	}
	var c chatChunk
	require.True(t, decodeFastChat([]byte(`{"choices":[{"delta":{"reasoning_content":"r\u00e9","content":"c"}}]}`), &c, &chatFast{skipText: true}))
	assert.Equal(t, "ré", c.Choices[0].Delta.ReasoningContent, "reasoning is decoded: the parser compares it")
	assert.Equal(t, textPresent, c.Choices[0].Delta.Content.text)
	assert.False(t, decodeFastChat([]byte(`{"choices":[{"delta":{"content":"a\x"}}]}`), &c, &chatFast{skipText: true}), "an invalid escape is still rejected")
	assert.False(t, decodeFastChat([]byte(`{"choices":[{"delta":{"content":1}}]}`), &c, &chatFast{skipText: true}), "a number is not a string")
}

// decodeFastGeminiTwice decodes data twice with one geminiFast, so that
// the second decode shares the strings of the first.
func decodeFastGeminiTwice(data []byte, r *geminiEnvelope) bool {
	var st geminiFast
	var warm geminiEnvelope
	decodeFastGemini(data, &warm, &st)
	return decodeFastGemini(data, r, &st)
}

func decodeFastGeminiUsageFresh(data []byte, u *geminiUsage) bool {
	return decodeFastGeminiUsage(data, u, new([4]int64))
}

// FuzzFastGemini holds decodeFastGemini and decodeFastGeminiUsage to
// unmarshal.
func FuzzFastGemini(f *testing.F) {
	var usages []string
	for _, d := range benchEvents(f, "gemini", 64<<10)[:20] {
		var r geminiEnvelope
		require.NoError(f, unmarshal(d, &r))
		usages = append(usages, string(r.UsageMetadata))
	}
	fastSeeds(f, "gemini", append(usages,
		`{"promptTokenCount":1,"PromptTokenCount":2}`, `{"thoughtsTokenCount":null,"cachedContentTokenCount":-0}`,
		`{"candidatesTokenCount":1.0}`, `{"promptTokensDetails":[{"modality":"TEXT","tokenCount":3}],"totalTokenCount":4}`,
		`{"candidates":[{"content":{"parts":[{"text":"a","thought":true},{"text":null,"thought":null},{"text":"b"}],"role":"model"},"index":0},{"index":1,"content":null}]}`,
		`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]}}]}`,
		`{"candidates":[{"content":{"parts":[]},"finishReason":"STOP","finishMessage":"x"}],"promptFeedback":null,"response":null}`,
		`{"candidates":null,"usageMetadata":null,"error":{"code":429}}`, `{"candidates":[null,{}]}`,
		`{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png"},"executableCode":null,"thought":false}]}}]}`,
	)...)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data, decodeFastGeminiTwice)
		checkFast(t, data, decodeFastGeminiUsageFresh)
	})
}

func TestStringEnd(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'a', '"', '\\', 0x00, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xa2, 0xdc, 0xff, 0x22 ^ 0x80, 0x5c ^ 0x80}
	for range 20000 {
		b := make([]byte, r.IntN(100))
		for i := range b {
			b[i] = 'a'
			if r.IntN(8) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		i := r.IntN(len(b) + 1)
		require.Equal(t, i+naiveStringEnd(b[i:]), stringEnd(b, i), "%q from %d", b, i)
	}
}

// TestFastAnthropicTaken: the fast path decodes every event of the
// benchmark corpus and the common events of the captures, so that it
// cannot silently stop firing.
func TestFastAnthropicTaken(t *testing.T) {
	t.Parallel()
	events := benchEvents(t, "anthropic", 256<<10)
	require.Greater(t, len(events), 1000)
	for _, d := range events {
		var e anthropicEvent
		require.True(t, decodeFastAnthropic(d, &e, false), "%s", d)
		require.True(t, decodeFastAnthropic(d, &e, true), "%s", d)
	}
	for _, d := range []string{
		`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello\n\"world\""}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":"hm"}}`,
		`{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"a\": 1"}}`,
		`{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}`,
		`{"type":"content_block_stop","index":2}`, `{"type": "ping"}`,
		`{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}`,
	} {
		var e anthropicEvent
		assert.True(t, decodeFastAnthropic([]byte(d), &e, false), d)
	}
	files, err := filepath.Glob("../testdata/captures/anthropic/*.sse")
	require.NoError(t, err)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, d := range dataLines(b) {
			var e anthropicEvent
			if bytes.Contains(d, []byte(`"content_block_delta"`)) && !hasControl(d) {
				assert.True(t, decodeFastAnthropic(d, &e, false), "%s: %s", file, d)
			}
		}
	}
}

// BenchmarkDecodeAnthropic decodes the events of the benchmark corpus
// with the fast path and with unmarshal.
func BenchmarkDecodeAnthropic(b *testing.B) {
	events := benchEvents(b, "anthropic", 1<<20)
	var size int64
	for _, d := range events {
		size += int64(len(d))
	}
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		var e anthropicEvent
		for b.Loop() {
			for _, d := range events {
				e = anthropicEvent{}
				if !decodeFastAnthropic(d, &e, false) {
					b.Fatalf("slow path: %s", d)
				}
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		var e anthropicEvent
		for b.Loop() {
			for _, d := range events {
				e = anthropicEvent{}
				if err := unmarshal(d, &e); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// TestFastChatTaken: the fast path decodes the content chunks of the
// benchmark corpus and of the captures.
func TestFastChatTaken(t *testing.T) {
	t.Parallel()
	var st chatFast
	n, tools := 0, 0
	for _, d := range benchEvents(t, "openai-chat", 512<<10) {
		var c chatChunk
		ok := decodeFastChat(d, &c, &st)
		if bytes.Equal(d, []byte("[DONE]")) {
			continue
		}
		require.True(t, ok, "%s", d)
		n++
		if bytes.Contains(d, []byte(`"tool_calls"`)) {
			tools++
		}
	}
	require.Greater(t, n, 1000)
	require.Greater(t, tools, 10, "tool-call chunks are taken too")
	for _, d := range []string{
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"x"}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","service_tier":"default","choices":[{"index":0,"delta":{"content":"\u003cb\u003e"},"logprobs":null,"finish_reason":null}]}`,
		`{"id":"1","object":"chat.completion.chunk","created":1,"model":"deepseek","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"hm"},"finish_reason":null}]}`,
		`{"id":"1","choices":[{"index":0,"delta":{"content":null,"reasoning":"hm"},"finish_reason":null}]}`,
		`{"id":"1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1}}`,
		`{"id":"1","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}`,
		`{"id":"t","choices":[{"index":0,"text":"\n","logprobs":null,"finish_reason":null,"seed":null,"delta":{"token_id":201,"role":"assistant","content":"\n"}}],"usage":null}`,
		`{"id":"1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}`,
		`{"id":"1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Par"}}]},"finish_reason":null}]}`,
		`{"id":"1","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","function":{"name":"f","arguments":null}},{"index":2,"function":{"arguments":"{}"}}]}}]}`,
	} {
		var c chatChunk
		assert.True(t, decodeFastChat([]byte(d), &c, &st), d)
	}
	files, err := filepath.Glob("../testdata/captures/*/*.sse")
	require.NoError(t, err)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, d := range dataLines(b) {
			if bytes.Contains(d, []byte(`"object":"chat.completion.chunk"`)) && (bytes.Contains(d, []byte(`"content":"`)) || bytes.Contains(d, []byte(`"tool_calls":[`))) &&
				!bytes.Contains(d, []byte(`"x_groq"`)) && !bytes.Contains(d, []byte(`"function_call"`)) && !hasControl(d) {
				var c chatChunk
				assert.True(t, decodeFastChat(d, &c, &st), "%s: %s", file, d)
			}
		}
	}
}

// BenchmarkDecodeChat decodes the chunks of the benchmark corpus with the
// fast path (falling back) and with unmarshal.
func BenchmarkDecodeChat(b *testing.B) {
	var events [][]byte
	var size int64
	for _, d := range benchEvents(b, "openai-chat", 1<<20) {
		if d[0] == '{' {
			events = append(events, d)
			size += int64(len(d))
		}
	}
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		var c chatChunk
		var st chatFast
		for b.Loop() {
			for _, d := range events {
				clear(c.Choices[:cap(c.Choices)])
				c = chatChunk{Choices: c.Choices[:0]}
				if !decodeFastChat(d, &c, &st) {
					clear(c.Choices[:cap(c.Choices)])
					c = chatChunk{Choices: c.Choices[:0]}
					if err := unmarshal(d, &c); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		var c chatChunk
		for b.Loop() {
			for _, d := range events {
				clear(c.Choices[:cap(c.Choices)])
				c = chatChunk{Choices: c.Choices[:0]}
				if err := unmarshal(d, &c); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// TestFastGeminiTaken: the fast paths decode the text chunks and the usage
// of the benchmark corpus and of the captures.
func TestFastGeminiTaken(t *testing.T) {
	t.Parallel()
	var st geminiFast
	var counts [4]int64
	n, calls := 0, 0
	check := func(what string, d []byte) {
		t.Helper()
		var r geminiEnvelope
		if bytes.Contains(d, []byte(`"promptFeedback"`)) || hasControl(d) {
			return
		}
		n++
		if bytes.Contains(d, []byte(`"functionCall"`)) {
			calls++
		}
		if !assert.True(t, decodeFastGemini(d, &r, &st), "%s: %s", what, d) {
			return
		}
		var u geminiUsage
		assert.True(t, decodeFastGeminiUsage(r.UsageMetadata, &u, &counts), "%s: %s", what, r.UsageMetadata)
	}
	for _, d := range benchEvents(t, "gemini", 512<<10) {
		check("benchgen", d)
	}
	require.Greater(t, n, 100)
	require.Greater(t, calls, 10, "function-call chunks are taken too")
	for _, d := range []string{
		`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather","args": {"city": "Paris"}},"thoughtSignature": "c2ln"}],"role": "model"},"index": 0}]}`,
		`{"candidates": [{"content": {"parts": [{"functionCall": {"id": "c1","name": "f","args": null,"partialArgs": [{"jsonPath": "$.a","stringValue": "x"}],"willContinue": true}}]}}]}`,
		`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","willContinue": null}},{"functionCall": null}]}}]}`,
	} {
		var r geminiEnvelope
		assert.True(t, decodeFastGemini([]byte(d), &r, &st), d)
	}
	files, err := filepath.Glob("../testdata/captures/gemini/*.sse")
	require.NoError(t, err)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, d := range dataLines(b) {
			check(file, d)
		}
	}
}

// BenchmarkDecodeGemini decodes the chunks of the benchmark corpus and
// their usage with the fast paths and with unmarshal.
func BenchmarkDecodeGemini(b *testing.B) {
	events := benchEvents(b, "gemini", 1<<20)
	var size int64
	for _, d := range events {
		size += int64(len(d))
	}
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		var st geminiFast
		var counts [4]int64
		for b.Loop() {
			for _, d := range events {
				r := geminiEnvelope{}
				u := geminiUsage{}
				if !decodeFastGemini(d, &r, &st) {
					r = geminiEnvelope{}
					if err := unmarshal(d, &r); err != nil {
						b.Fatal(err)
					}
				}
				if !decodeFastGeminiUsage(r.UsageMetadata, &u, &counts) {
					b.Fatalf("slow path: %s", r.UsageMetadata)
				}
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range events {
				r := geminiEnvelope{}
				u := geminiUsage{}
				if unmarshal(d, &r) != nil || unmarshal(r.UsageMetadata, &u) != nil {
					b.Fatal(d)
				}
			}
		}
	})
}

// TestUnquoteMatchesEncodingJSON decodes escaped strings with the fast
// lexer and with encoding/json: same value, or both refuse.
func TestUnquoteMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`"a\nb"`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, `"\ud800x"`, `"\ud800\u0041"`, `"\udc00\ud800"`,
		`"\ud83d\ud83d\ude00"`, `"\udbff\udfff"`, `"\ud800\uZZZZ"`, `"\ud800\u00"`, `"\u00"`, `"\x"`,
		`"tail\\"`, `"\"quoted\" and \/ \b\f\r\t"`, `"no end\n`, "\"raw\x01control\\n\"", `"` + strings.Repeat(`ab\n`, 300) + `"`,
	} {
		var want string
		wantErr := json.Unmarshal([]byte(in), &want)
		l := &fastLexer{b: []byte(in)}
		var got string
		ok := l.str(&got, nil) && l.end()
		if ok != (wantErr == nil) || (ok && got != want) {
			t.Errorf("%q: fast %q (ok %v), encoding/json %q (%v)", in, got, ok, want, wantErr)
		}
	}
}
