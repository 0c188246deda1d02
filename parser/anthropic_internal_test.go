package parser

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
)

func FuzzFastAnthropic(f *testing.F) {
	fastSeeds(f, "anthropic", fastEdgeCases...)
	// The members of server tool results and citations (issue 11).
	for _, d := range []string{
		`{"type":"content_block_start","index":3,"content_block":{"type":"mcp_tool_result","tool_use_id":"m","is_error":true,"content":[{"type":"text","text":"x"}]}}`,
		`{"type":"content_block_start","index":3,"content_block":{"type":"mcp_tool_result","tool_use_id":"m","is_error":null,"content":"s"}}`,
		`{"type":"content_block_start","index":1,"content_block":{"type":"web_search_tool_result","tool_use_id":"s","content":{"type":"web_search_tool_result_error","error_code":"unavailable"}}}`,
		`{"type":"content_block_start","index":0,"content_block":{"citations":[{"type":"char_location","file_id":"f"}],"type":"text","text":""}}`,
		`{"type":"content_block_delta","index":4,"delta":{"type":"citations_delta","citation":{"type":"web_search_result_location","url":"https://a","title":"A"}}}`,
		`{"type":"content_block_start","index":0,"content_block":{"type":"text","Citations":[],"Tool_Use_ID":"x"}}`,
		// Near misses of the template of the dominant delta shape (issue 16).
		`{"type":"content_block_delta","index":012,"delta":{"type":"text_delta","text":"a"}}`,
		`{"type":"content_block_delta","index":1234567890123456789012,"delta":{"type":"text_delta","text":"a"}}`,
		`{"type":"content_block_delta","index":-1,"delta":{"type":"text_delta","text":"a"}}`,
		`{"type":"content_block_delta","index":1.5,"delta":{"type":"text_delta","text":"a"}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a\"}"}} `,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a"} }`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a"}},`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a\u00e9\n"}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a","text":"b"}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"thinking_delta","thinking":""}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":null}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a}}`,
	} {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data, decodeFastAnthropicAll)
		checkFastAnthropicSkipping(t, data)
		checkFastAnthropicArena(t, data)
	})
}

// checkFastAnthropicArena: decoding the text and thinking into bytes
// (an arena given) decodes the same event as into strings, the bytes
// borrowed from the data or the arena, the arena's earlier contents kept.
func checkFastAnthropicArena(t *testing.T, data []byte) {
	t.Helper()
	if !utf8.Valid(data) {
		return // the precondition of the fast paths
	}
	var want, got anthropicEvent
	wantOK := decodeFastAnthropic(data, &want, false)
	arena := []byte("kept")
	gotOK := decodeFastAnthropicIn(data, &got, false, &arena)
	require.Equal(t, wantOK, gotOK, "%q", data)
	if !gotOK {
		return
	}
	require.Equal(t, "kept", string(arena[:4]), "%q", data)
	if got.Delta.textRaw != nil {
		got.Delta.Text, got.Delta.textRaw = string(got.Delta.textRaw), nil
	}
	if got.Delta.thinkingRaw != nil {
		got.Delta.Thinking, got.Delta.thinkingRaw = string(got.Delta.thinkingRaw), nil
	}
	assert.Equal(t, want, got, "%q", data)
}

func decodeFastAnthropicAll(data []byte, e *anthropicEvent) bool {
	return decodeFastAnthropic(data, e, false)
}

// checkFastAnthropicSkipping is checkSkipping for decodeFastAnthropic: the text,
// thinking and partial_json of deltas and blocks are skipped, and a block's
// content and citations and a delta's citation are not kept.
func checkFastAnthropicSkipping(t *testing.T, data []byte) {
	t.Helper()
	checkSkipping(t, data, decodeFastAnthropic, func(e *anthropicEvent, each func(*string)) {
		e.ContentBlock.Content, e.ContentBlock.Citations, e.Delta.Citation = nil, nil, nil
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
		checkFastAnthropicSkipping(t, []byte(d))
		var e anthropicEvent
		require.True(t, decodeFastAnthropic([]byte(d), &e, true), d)
		for _, s := range []string{e.Delta.Text, e.Delta.Thinking, e.Delta.PartialJSON, e.ContentBlock.Text, e.ContentBlock.Thinking} {
			assert.Contains(t, []string{"", jsonscan.Present}, s, "%s: a skipped string is not decoded", d)
		}
	}
	var e anthropicEvent
	assert.False(t, decodeFastAnthropic([]byte(`{"type":"content_block_delta","delta":{"text":"a\x"}}`), &e, true), "an invalid escape is still rejected")
	assert.False(t, decodeFastAnthropic([]byte(`{"type":"content_block_delta","delta":{"text":1}}`), &e, true), "a number is not a string")
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
	for file, d := range captureDataLines(t, "anthropic/*.sse") {
		var e anthropicEvent
		if bytes.Contains(d, []byte(`"content_block_delta"`)) && !jsonscan.HasControl(d) {
			assert.True(t, decodeFastAnthropic(d, &e, false), "%s: %s", file, d)
		}
	}
}

// BenchmarkDecodeAnthropic decodes the events of the benchmark corpus
// with the fast path and with encoding/json.
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
				if err := json.Unmarshal(d, &e); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// TestAnthropicDeltaTemplate: the template of the dominant delta shape
// decodes most events of the benchmark corpus (so that it cannot silently
// stop firing), and gives up on near misses, which the general path reads.
func TestAnthropicDeltaTemplate(t *testing.T) {
	t.Parallel()
	events := benchEvents(t, "anthropic", 256<<10)
	hits := 0
	for _, d := range events {
		for _, skip := range []bool{false, true} {
			for _, arena := range []*[]byte{nil, new([]byte)} {
				var viaTemplate, general anthropicEvent
				var tm anthropicTemplated
				if !anthropicDeltaTemplate(d, skip, arena, &tm) {
					continue
				}
				hits++
				tm.fill(&viaTemplate)
				require.True(t, decodeFastAnthropicObject(d, &general, skip, arena), "%s", d)
				assert.Equal(t, general, viaTemplate, "%s", d)
			}
		}
	}
	assert.Greater(t, hits, len(events), "most events are deltas of the template's shape, in both modes")
	// The index, read without a loop when it is one digit: what the
	// template reads is what the general path reads.
	for _, index := range []string{"0", "7", "10", "99", "123456789012345678", "1234567890123456789", "00", "01", "-1", "1.5", "x", "", " 1"} {
		d := []byte(`{"type":"content_block_delta","index":` + index + `,"delta":{"type":"text_delta","text":"a"}}`)
		var viaTemplate, general anthropicEvent
		var tm anthropicTemplated
		if !anthropicDeltaTemplate(d, false, nil, &tm) {
			continue
		}
		tm.fill(&viaTemplate)
		require.True(t, decodeFastAnthropicObject(d, &general, false, nil), "%s", d)
		assert.Equal(t, general, viaTemplate, "%s", d)
		hits++
	}
	for _, d := range []string{
		`{"type":"content_block_delta","index":012,"delta":{"type":"text_delta","text":"a"}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a"}} x`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a","text":"b"}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"signature_delta","signature":"s"}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"a"}}}`,
		`{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":null}}`,
	} {
		for _, arena := range []*[]byte{nil, new([]byte)} {
			assert.False(t, anthropicDeltaTemplate([]byte(d), false, arena, new(anthropicTemplated)), d)
		}
	}
}

// TestAnthropicDeltaKind holds anthropicDeltaKind to anthropicDeltaKinds:
// each prefix followed by a string is found, and nothing shorter, longer
// or different by one byte is.
func TestAnthropicDeltaKind(t *testing.T) {
	for want, kind := range anthropicDeltaKinds {
		rest := kind.prefix + `"a"}}`
		k, n := anthropicDeltaKind([]byte(rest))
		require.Equal(t, want, k, kind.prefix)
		require.Equal(t, len(kind.prefix), n, kind.prefix)
		for i := range len(kind.prefix) + 1 {
			changed := []byte(rest)
			changed[i] ^= 0x20
			k, _ := anthropicDeltaKind(changed)
			require.Equal(t, -1, k, "%s changed at %d", changed, i)
			k, _ = anthropicDeltaKind([]byte(rest[:i]))
			require.Equal(t, -1, k, "%s cut at %d", rest[:i], i)
		}
	}
}

// TestAnthropicTemplatedEvent: the event templatedEvent makes, in storage
// reused from one delta to the next, is each time the one fill makes in a
// zero event.
func TestAnthropicTemplatedEvent(t *testing.T) {
	p := &anthropic{}
	for _, tm := range []anthropicTemplated{
		{kind: 0, index: 3, text: "", raw: []byte("raw text")},
		{kind: 2, index: 1, text: `{"a":`},
		{kind: 1, index: 0, text: "thought"},
		{kind: 0, index: 7, text: "text"},
		{kind: 1, index: 2, raw: []byte("raw thinking")},
	} {
		var want anthropicEvent
		tm.fill(&want)
		require.Equal(t, want, *p.templatedEvent(&tm), "%+v", tm)
	}
}

// TestIsBlockDeltaName holds isBlockDeltaName to a plain comparison.
func TestIsBlockDeltaName(t *testing.T) {
	for _, name := range []string{"", "content_block_delta", "content_block_deltA", "content_block_delt", "content_block_deltas", "content_block_start", "Content_block_delta", "ping"} {
		require.Equal(t, name == "content_block_delta", isBlockDeltaName([]byte(name)), name)
	}
}
