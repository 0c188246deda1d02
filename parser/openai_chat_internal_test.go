package parser

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
	"github.com/sseinspect/sseinspect/sse"
)

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
	for _, c := range chatChoicesTemplateCases {
		f.Add([]byte(chatChoicesChunk(c.choices)))
	}
	for _, c := range chatTailTemplateCases {
		f.Add([]byte(`{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]` + c.tail))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data, decodeFastChatTwice)
		checkFastChatSkipping(t, data)
		checkFastChatArena(t, data)
	})
}

// checkFastChatArena: decoding the content into bytes (an arena given,
// the text kept) decodes the same chunk as into a string, the arena's
// earlier contents kept.
func checkFastChatArena(t *testing.T, data []byte) {
	t.Helper()
	checkArenaLikeStrings(t, data, func(c *chatChunk, arena *[]byte) bool {
		return decodeFastChat(data, c, &chatFast{store: chatStore{arena: arena}})
	}, func(got *chatChunk) {
		for _, ch := range got.Choices {
			if d := ch.Delta; d != nil && d.Content.raw != nil {
				require.Empty(t, d.Content.text)
				d.Content.text, d.Content.raw = string(d.Content.raw), nil
			}
		}
	})
}

// FuzzFastChatAfter holds decodeFastChat to encoding/json on a chunk
// decoded after another with the same chatFast, which may have recorded a
// prefix that the chunk repeats (chatFast.prefix): the input is the first
// chunk, a line feed, the second.
func FuzzFastChatAfter(f *testing.F) {
	events := benchEvents(f, "openai-chat", 16<<10)
	for i := 0; i+1 < len(events) && i < 12; i++ {
		f.Add(append(append(bytes.Clone(events[i]), '\n'), events[i+1]...))
	}
	const p = `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","system_fingerprint":"fp_1",`
	first := p + `"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}`
	for _, second := range []string{
		p + `"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":null}],"id":"again"}`,
		p + `"choices":[],"model":"m2"}`,
		p + `"Choices":[]}`,
		p + `"choices":[{"index":0,"delta":{"content":"b"}}]`,
		p + `}`,
		p + ` "choices":null}`,
		p + `"usage":{"prompt_tokens":1},"choices":[]}`,
		p + `"choices":[{"index":0,"delta":{"content":"b"}}],"object":"x"}`,
		p[:len(p)-1] + `}`,
	} {
		f.Add([]byte(first + "\n" + second))
	}
	const choices = `"choices":[{"index":0,"delta":{"content":"b"},"logprobs":null,"finish_reason":null}]`
	for _, c := range chatTailTemplateCases {
		f.Add([]byte(first + "\n" + p + choices + c.tail))
	}
	f.Add([]byte(first + "\n" + p + choices + "x"))
	f.Add([]byte(`{"model":"m","choices":[],"id":"late"}` + "\n" + `{"model":"m","choices":[]}`))
	f.Add([]byte(`{"usage":null,"id":"x","choices":[]}` + "\n" + `{"usage":null,"id":"x","choices":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b, ok := bytes.Cut(data, []byte("\n"))
		if !ok {
			return
		}
		checkFast(t, b, func(d []byte, c *chatChunk) bool {
			var st chatFast
			var warm chatChunk
			decodeFastChat(a, &warm, &st)
			return decodeFastChat(d, c, &st)
		})
		checkChatTemplated(t, a, b)
	})
}

// checkChatTemplated: when the second chunk, after the first, decodes in
// the compact form of the decoders ahead (chatTemplated), that form fills
// in the decoding that decode makes of it, with the text kept or not.
func checkChatTemplated(t *testing.T, first, second []byte) {
	t.Helper()
	first, second = trimSpace(first), trimSpace(second)
	if len(second) == 0 || second[0] != '{' || !utf8.Valid(second) {
		return // what chatAhead.decode reads (the fast paths' precondition)
	}
	for _, skip := range []bool{true, false} {
		var arena []byte
		var store chatStore
		if !skip {
			store.arena = &arena
		}
		st := chatFast{skipText: skip}
		var want chatDecoded
		want.decode(first, &st, &store)
		var tt chatTemplated
		if !tt.read(second, &st, store.arena) {
			continue
		}
		want.decode(second, &st, &store)
		var got chatDecoded
		tt.fill(&got, new(chatDelta))
		got.data = want.data
		require.Equal(t, want, got, "skip %v: %q", skip, second)
	}
}

// TestFastChatPrefix: within a stream of the benchmark corpus, the chunks
// after the first are read from their "choices" on, and decode as
// encoding/json decodes them.
func TestFastChatPrefix(t *testing.T) {
	t.Parallel()
	var st chatFast
	resumed := 0
	for _, d := range benchEvents(t, "openai-chat", 256<<10) {
		if bytes.Equal(d, []byte("[DONE]")) {
			continue
		}
		if len(st.prefix) > 1 && bytes.HasPrefix(d, st.prefix) {
			resumed++
		}
		var got, want chatChunk
		require.True(t, decodeFastChat(d, &got, &st), "%s", d)
		require.NoError(t, json.Unmarshal(d, &want))
		require.Equal(t, want, got, "%s", d)
	}
	assert.Greater(t, resumed, 500)
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
	assert.Equal(t, jsonscan.Present, c.Choices[0].Delta.Content.text)
	assert.False(t, decodeFastChat([]byte(`{"choices":[{"delta":{"content":"a\x"}}]}`), &c, &chatFast{skipText: true}), "an invalid escape is still rejected")
	assert.False(t, decodeFastChat([]byte(`{"choices":[{"delta":{"content":1}}]}`), &c, &chatFast{skipText: true}), "a number is not a string")
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
	for file, d := range captureDataLines(t, "*/*.sse") {
		if bytes.Contains(d, []byte(`"object":"chat.completion.chunk"`)) && (bytes.Contains(d, []byte(`"content":"`)) || bytes.Contains(d, []byte(`"tool_calls":[`))) &&
			!bytes.Contains(d, []byte(`"x_groq"`)) && !bytes.Contains(d, []byte(`"executed_tools"`)) && !bytes.Contains(d, []byte(`"message":{`)) && !bytes.Contains(d, []byte(`"function_call"`)) && !jsonscan.HasControl(d) {
			var c chatChunk
			assert.True(t, decodeFastChat(d, &c, &st), "%s: %s", file, d)
		}
	}
}

// BenchmarkDecodeChat decodes the chunks of the benchmark corpus with the
// fast path (falling back) and with encoding/json.
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
					if err := json.Unmarshal(d, &c); err != nil {
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
				if err := json.Unmarshal(d, &c); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// chatChoicesTemplateCases are choices that chatChoicesTemplate takes
// (issue 16), and near misses that it leaves to fastChatChoices.
var chatChoicesTemplateCases = []struct {
	choices string
	taken   bool
}{
	{`[{"index":0,"delta":{"content":"Hi \"x\"\n\u00e9"},"logprobs":null,"finish_reason":null}]`, true},
	{`[{"index":0,"delta":{"content":""},"finish_reason":null}]`, true},
	{`[{"index":1,"delta":{"content":"a"},"finish_reason":null}]`, true},
	{`[{"index":-1,"delta":{"content":" "},"logprobs":null,"finish_reason":null}]`, true},
	// Near misses.
	{`[{"index":null,"delta":{"content":"a"},"finish_reason":null}]`, false},
	{`[{"index":01,"delta":{"content":"a"},"finish_reason":null}]`, false},
	{`[{"index":1.0,"delta":{"content":"a"},"finish_reason":null}]`, false},
	{`[{"index":9223372036854775808,"delta":{"content":"a"},"finish_reason":null}]`, false},
	{`[{"index":0,"delta":{"content":null},"finish_reason":null}]`, false},
	{`[{"index":0,"delta":{"content":["a"]},"finish_reason":null}]`, false},
	{`[{"index":0,"delta":{"content":"a\x"},"finish_reason":null}]`, false},
	{`[{"index":0,"delta":{"content":"a","role":"assistant"},"finish_reason":null}]`, false},
	{`[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]`, false},
	{`[{"index":0,"delta":{"content":"a"},"logprobs":{"content":null},"finish_reason":null}]`, false},
	{`[{"index":0,"delta":{"content":"a"},"logprobs":null}]`, false},
	{`[{"index":0,"delta":{"content":"a"},"finish_reason":null,"logprobs":null}]`, false},
	{`[{"index":0,"delta":{"content":"a"},"finish_reason":null},{"index":1,"delta":{"content":"b"},"finish_reason":null}]`, false},
	{`[{"index":0,"delta":{"content":"a"} ,"finish_reason":null}]`, false},
	{`[ {"index":0,"delta":{"content":"a"},"finish_reason":null}]`, false},
	{`[{"index":0,"delta":{"content":"a"},"finish_reason":null}`, false},
	{`[{"index":0,"Delta":{"content":"a"},"finish_reason":null}]`, false},
}

// chatChoicesChunk is a chunk with the choices given, after the members
// that OpenAI writes before them and with its usage and obfuscation after.
func chatChoicesChunk(choices string) string {
	return `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":` + choices + `,"usage":null,"obfuscation":"ab"}`
}

// TestChatChoicesTemplate: the template takes the dominant choices and
// leaves the near misses to fastChatChoices; both decode as encoding/json
// does, with the text or without it, and the template (and then
// chatTailTemplate) fires on the content chunks of the benchmark corpus.
func TestChatChoicesTemplate(t *testing.T) {
	t.Parallel()
	for _, c := range chatChoicesTemplateCases {
		for _, skip := range []bool{false, true} {
			for _, arena := range []*[]byte{nil, new([]byte)} {
				s := jsonscan.New([]byte(c.choices))
				var chunk chatChunk
				b := chatStore{arena: arena}
				assert.Equal(t, c.taken, chatChoicesTemplate(&s, &chunk, skip, &b) && s.End(), "%s", c.choices)
			}
		}
		d := []byte(chatChoicesChunk(c.choices))
		checkFast(t, d, decodeFastChatTwice)
		checkFastChatSkipping(t, d)
		checkFastChatArena(t, d)
	}
	n := 0
	for _, d := range benchEvents(t, "openai-chat", 256<<10) {
		i := bytes.Index(d, []byte(`"choices":`))
		if i < 0 || !bytes.Contains(d, []byte(`"delta":{"content":"`)) || bytes.Contains(d, []byte(`"role"`)) {
			continue
		}
		s := jsonscan.New(d[i+len(`"choices":`):])
		var chunk chatChunk
		var b chatStore
		require.True(t, chatChoicesTemplate(&s, &chunk, true, &b), "%s", d)
		s = jsonscan.New(d[i+len(`"choices":`):])
		b = chatStore{arena: new([]byte)}
		require.True(t, chatChoicesTemplate(&s, &chunk, false, &b), "%s", d)
		require.NotNil(t, chunk.Choices[0].Delta.Content.raw, "%s: the content decoded into bytes", d)
		require.True(t, chatTailTemplate(&s, &chunk, new(jsonscan.Seen)), "%s", d)
		require.Equal(t, "}", string(s.Rest()), "%s: the tail template takes the members after the choices", d)
		n++
	}
	assert.Greater(t, n, 500)
}

// chatTailTemplateCases are the members after the choices (and the
// closing brace) that chatTailTemplate takes (issue 16), and near misses
// that it leaves to the members' loop. The first three are the tails of
// the real captures (openai/chat-text-include-usage.sse,
// deepseek/chat-reasoning-content.sse, and OpenAI's without
// stream_options.include_usage); the rest are hand-made.
var chatTailTemplateCases = []struct {
	tail  string
	taken bool
}{
	{`,"usage":null,"obfuscation":"vsPllEDPEHe"}`, true},
	{`,"usage":null}`, true},
	{`,"obfuscation":"uYGzrM6"}`, true},
	{`,"usage":null,"obfuscation":""}`, true},
	{`,"usage":null,"obfuscation":"é😊"}`, true},
	{`,"obfuscation":"ab"}}`, true}, // taken, then the extra brace fails both decoders
	// Near misses.
	{`}`, false},
	{` ,"usage":null}`, false},
	{`,"usage":null }`, false},
	{`,"usage": null}`, false},
	{`,"usage":nul}`, false},
	{`,"usage":nullx}`, false},
	{`,"usage":{"prompt_tokens":1},"obfuscation":"ab"}`, false},
	{`,"obfuscation":"ab","usage":null}`, false},
	{`,"usage":null,"obfuscation":"ab","x_groq":{"id":"req_1"}}`, false},
	{`,"usage":null,"obfuscation":"a\"b"}`, false},
	{`,"usage":null,"obfuscation":"a\u0062"}`, false},
	{`,"usage":null,"obfuscation":"a` + "\x01" + `b"}`, false},
	{`,"usage":null,"obfuscation":"ab"`, false},
	{`,"usage":null,"obfuscation":"ab`, false},
	{`,"usage":null,"obfuscation":1}`, false},
	{`,"Usage":null}`, false},
	{`,"usage":null,"Obfuscation":"ab"}`, false},
}

// TestChatTailTemplate: the template takes the dominant tails and leaves
// the near misses to the members' loop, and the chunks decode as
// encoding/json decodes them, with a "usage" before the choices too (a
// duplicate, which the fast path leaves to encoding/json).
func TestChatTailTemplate(t *testing.T) {
	t.Parallel()
	const choices = `[{"index":0,"delta":{"content":"a"},"logprobs":null,"finish_reason":null}]`
	for _, c := range chatTailTemplateCases {
		s := jsonscan.New([]byte(c.tail))
		var chunk chatChunk
		var seen jsonscan.Seen
		require.True(t, chatTailTemplate(&s, &chunk, &seen), "%s", c.tail)
		assert.Equal(t, c.taken, len(s.Rest()) < len(c.tail), "%s", c.tail)
		if c.taken {
			assert.Equal(t, byte('}'), s.Peek(), "%s: left at the closing brace", c.tail)
		}
		for _, d := range []string{
			`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":` + choices + c.tail,
			`{"usage":{"prompt_tokens":3},"choices":` + choices + c.tail,
		} {
			checkFast(t, []byte(d), decodeFastChatTwice)
			checkFastChatSkipping(t, []byte(d))
			checkFastChatArena(t, []byte(d))
		}
	}
	var seen jsonscan.Seen
	seen.First(1 << 4)
	s := jsonscan.New([]byte(`,"usage":null}`))
	assert.False(t, chatTailTemplate(&s, new(chatChunk), &seen), "a second usage gives up")
}

// TestChatTemplated: the events that a batch decodes ahead in the compact
// form (chatTemplated) fill in the decoding that the sequential replay
// makes of them, with the text kept or not: those of the benchmark corpus,
// most of whose content chunks are decoded so, and the chunks of the
// template cases, which repeat one prefix.
func TestChatTemplated(t *testing.T) {
	t.Parallel()
	events := benchEvents(t, "openai-chat", 256<<10)
	corpus := len(events)
	const choices = `[{"index":0,"delta":{"content":"a"},"logprobs":null,"finish_reason":null}]`
	head := chatChoicesChunk(choices)[:len(chatChoicesChunk(choices))-len(`,"usage":null,"obfuscation":"ab"}`)]
	for _, c := range chatTailTemplateCases {
		events = append(events, []byte(chatChoicesChunk(choices)), []byte(head+c.tail))
	}
	for _, c := range chatChoicesTemplateCases {
		events = append(events, []byte(chatChoicesChunk(c.choices)))
	}
	for _, end := range []string{"", "x", ",", "}}", " }", `,"usage":null`, `,"usage":null}x`, `,"obfuscation":"ab"`} {
		events = append(events, []byte(chatChoicesChunk(choices)), []byte(head+end))
	}
	events = append(events, []byte(`{"id":"x","object":"error","choices":[]}`), []byte(`{"id":"x","object":"error","choices":`+choices+`}`))
	evs := make([]sse.Event, len(events))
	for i, d := range events {
		evs[i].Data = d
	}
	for _, skip := range []bool{true, false} {
		a := &chatAhead{fast: chatFast{skipText: skip}}
		a.decode(evs)
		st := chatFast{skipText: skip}
		var arena []byte
		inCorpus := 0
		for i, d := range events {
			if len(d) == 0 || d[0] != '{' {
				continue
			}
			var want chatDecoded
			store := chatStore{}
			if !skip {
				store.arena = &arena
			}
			want.decode(d, &st, &store)
			tt := a.templated.at(i)
			if tt == nil {
				continue
			}
			require.Nil(t, a.at(i), "an event is decoded once")
			if i < corpus {
				inCorpus++
			}
			var got chatDecoded
			tt.fill(&got, new(chatDelta))
			require.Nil(t, got.data)
			got.data = want.data
			require.Equal(t, want, got, "skip %v: %s", skip, d)
		}
		assert.Greater(t, inCorpus, corpus*9/10, "skip %v", skip)
	}
}

// TestChatUsageSlotReused: a decoding reused for the next chunk (a batch's
// slot, the sequential replay's one decoding) holds that chunk's usage
// only: a count of an earlier chunk's usage object does not stay behind
// when the next has "usage": null, none, or fails to decode. Hand-made.
func TestChatUsageSlotReused(t *testing.T) {
	t.Parallel()
	const head = `{"id":"c","object":"chat.completion.chunk","model":"m","choices":[]`
	withUsage := head + `,"usage":{"prompt_tokens":3,"completion_tokens":4},"x_groq":{"usage":{"prompt_tokens":5}}}`
	for _, next := range []string{head + `,"usage":null}`, head + `}`, head + `,"usage":{"completion_tokens":7}}`, `{"choices":7}`} {
		var d chatDecoded
		st := chatFast{skipText: true}
		var b chatStore
		d.decode([]byte(withUsage), &st, &b)
		require.Equal(t, chatRawValue, d.usage.kind)
		require.NotNil(t, d.groqUsage.u.PromptTokens)
		d.decode([]byte(next), &st, &b)
		var want chatDecoded
		want.decode([]byte(next), &chatFast{skipText: true}, &chatStore{})
		assert.Equal(t, want.usage.u, d.usage.u, "%s", next)
		assert.Equal(t, want.usage.kind, d.usage.kind, "%s", next)
		assert.Equal(t, want.groqUsage.u, d.groqUsage.u, "%s", next)
		assert.Equal(t, want.groqUsage.kind, d.groqUsage.kind, "%s", next)
	}
}
