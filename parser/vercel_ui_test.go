package parser_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// The streams of these tests are hand-made, after ui-message-chunks.ts and
// json-to-sse-transform-stream.ts of vercel/ai (ed857f50f112): no UI
// message stream recorded from a real server was found (see
// testdata/staged-captures/SOURCES.md).

// uiSSE frames chunks as the SDK's JsonToSseTransformStream does: one
// "data: " event each, then "data: [DONE]".
func uiSSE(chunks ...string) string {
	var b strings.Builder
	for _, c := range chunks {
		b.WriteString("data: " + c + "\n\n")
	}
	b.WriteString("data: [DONE]\n\n")
	return b.String()
}

// TestVercelUIText: text and thinking, the message id, usage an app put in
// messageMetadata as an AI SDK 5 LanguageModelUsage. The text-start id and
// its providerMetadata are shaped after a public test fixture that looks
// copied from an OpenAI-backed server; it is not known to be recorded.
func TestVercelUIText(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, uiSSE(
		`{"type":"start","messageId":"msg-Xy12"}`,
		`{"type":"start-step"}`,
		`{"type":"reasoning-start","id":"rs_1"}`,
		`{"type":"reasoning-delta","id":"rs_1","delta":"Think"}`,
		`{"type":"reasoning-end","id":"rs_1"}`,
		`{"type":"text-start","id":"msg_68cf","providerMetadata":{"openai":{"itemId":"msg_68cf"}}}`,
		`{"type":"text-delta","id":"msg_68cf","delta":"Hello"}`,
		`{"type":"text-delta","id":"msg_68cf","delta":" <World> & co"}`,
		`{"type":"text-end","id":"msg_68cf"}`,
		`{"type":"data-weather","id":"w","data":{"t":1}}`,
		`{"type":"finish-step"}`,
		`{"type":"finish","messageMetadata":{"inputTokens":140,"outputTokens":13,"reasoningTokens":2,"cachedInputTokens":100,"totalTokens":153}}`,
	), "")
	assert.Equal(t, "vercel-ui", s.Format)
	assert.Equal(t, "vercel-ai-sdk", s.Provider)
	assert.Equal(t, "msg-Xy12", *s.ResponseID)
	assert.Equal(t, "Hello <World> & co", s.Text)
	assert.Equal(t, "Think", s.Thinking)
	assert.Equal(t, int64(140), s.InputTokens)
	assert.Equal(t, int64(13), s.OutputTokens)
	assert.Equal(t, int64(100), s.CachedTokens)
	assert.Equal(t, int64(2), s.ReasoningTokens)
	assert.Equal(t, int64(140), s.TotalInputTokens, "the SDK's inputTokens counts the cache")
	assert.Equal(t, streamctx.StatusOK, s.Status)
	assert.True(t, s.Complete)
	assert.Nil(t, s.StopReason, "AI SDK 5 sends no finishReason")
	assert.Empty(t, s.Warnings)
	assert.Equal(t, 13, s.Events)
}

// TestVercelUIUsageShapes: the usage an app sends is read as
// messageMetadata itself, its totalUsage or its usage member, AI SDK 6
// details included; without one there is no usage, whatever else the
// metadata holds (the SDK's example sends totalTokens alone).
func TestVercelUIUsageShapes(t *testing.T) {
	t.Parallel()
	v6 := `{"inputTokens":10,"inputTokenDetails":{"noCacheTokens":4,"cacheReadTokens":5,"cacheWriteTokens":1},"outputTokens":7,"outputTokenDetails":{"textTokens":4,"reasoningTokens":3},"totalTokens":17}`
	for _, meta := range []string{
		`{"totalUsage":` + v6 + `,"model":"gpt-5"}`,
		`{"usage":` + v6 + `,"model":"gpt-5"}`,
		`{"model":"gpt-5",` + v6[1:],
	} {
		s := mustSummarize(t, uiSSE(`{"type":"start"}`, `{"type":"finish","finishReason":"length","messageMetadata":`+meta+`}`), "")
		assert.Equal(t, "gpt-5", *s.Model, meta)
		assert.Equal(t, int64(10), s.InputTokens, meta)
		assert.Equal(t, int64(7), s.OutputTokens, meta)
		assert.Equal(t, int64(5), s.CachedTokens, meta)
		assert.Equal(t, int64(1), s.CacheCreationTokens, meta)
		assert.Equal(t, int64(3), s.ReasoningTokens, meta)
		assert.Equal(t, "length", *s.StopReason, meta)
		assert.Equal(t, []string{"line 3: the response is incomplete: length"}, s.Warnings, meta)
	}

	s := mustSummarize(t, uiSSE(
		`{"type":"start","messageMetadata":{"createdAt":1,"model":"gpt-4o"}}`,
		`{"type":"message-metadata","messageMetadata":{"model":"gpt-4o-2024-08-06"}}`,
		`{"type":"finish","messageMetadata":{"totalTokens":153,"finishReason":"stop"}}`,
	), "")
	assert.Equal(t, "gpt-4o-2024-08-06", *s.Model)
	assert.Equal(t, "none", s.UsageSource)

	s = mustSummarize(t, uiSSE(`{"type":"finish","messageMetadata":{"inputTokens":-1,"outputTokens":"2"}}`), "")
	assert.Equal(t, []string{
		"line 1: messageMetadata.inputTokens is -1, not a token count: left out",
		`line 1: messageMetadata.outputTokens is "2", not a token count: left out`,
	}, s.Warnings)
	assert.Equal(t, "none", s.UsageSource)
}

// TestVercelUITools: the app's tool calls assembled from their input
// deltas, replaced by the whole input; a provider-executed call is a
// server tool call.
func TestVercelUITools(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, uiSSE(
		`{"type":"start"}`,
		`{"type":"tool-input-start","toolCallId":"call_1","toolName":"weather"}`,
		`{"type":"tool-input-delta","toolCallId":"call_1","inputTextDelta":"{\"city\":"}`,
		`{"type":"tool-input-delta","toolCallId":"call_1","inputTextDelta":"\"Oslo\"}"}`,
		`{"type":"tool-input-available","toolCallId":"call_1","toolName":"weather","input":{ "city": "Oslo" }}`,
		`{"type":"tool-output-available","toolCallId":"call_1","output":{"t":3}}`,
		`{"type":"tool-input-start","toolCallId":"ws_1","toolName":"web_search","providerExecuted":true}`,
		`{"type":"tool-input-delta","toolCallId":"ws_1","inputTextDelta":"{\"query\":\"oslo\"}"}`,
		`{"type":"tool-input-available","toolCallId":"ws_1","toolName":"web_search","input":{"query":"oslo"},"providerExecuted":true}`,
		`{"type":"tool-output-available","toolCallId":"ws_1","output":{"status":"completed"},"providerExecuted":true}`,
		`{"type":"tool-input-available","toolCallId":"fs_1","toolName":"file_search","input":{},"providerExecuted":true}`,
		`{"type":"tool-output-error","toolCallId":"fs_1","errorText":"no store","providerExecuted":true}`,
		`{"type":"tool-input-error","toolCallId":"call_2","toolName":"weather","input":{"town":1},"errorText":"bad input"}`,
		`{"type":"source-url","sourceId":"s1","url":"https://yr.no/","title":"Yr"}`,
		`{"type":"source-document","sourceId":"d1","mediaType":"text/plain","title":"Notes","filename":"notes.txt"}`,
		`{"type":"finish","finishReason":"tool-calls"}`,
	), "")
	require.Len(t, s.ToolCalls, 2)
	assert.Equal(t, streamctx.ToolCallSnapshot{ID: "call_1", Name: "weather", Arguments: `{"city":"Oslo"}`}, s.ToolCalls[0])
	assert.Equal(t, streamctx.ToolCallSnapshot{ID: "call_2", Name: "weather", Arguments: `{"town":1}`}, s.ToolCalls[1])
	require.Len(t, s.ServerToolCalls, 2)
	ws, fs := s.ServerToolCalls[0], s.ServerToolCalls[1]
	assert.Equal(t, "providerExecuted", ws.Type)
	assert.Equal(t, "web_search", ws.Name)
	assert.Equal(t, "ws_1", ws.ID)
	assert.JSONEq(t, `{"query":"oslo"}`, ws.Input)
	assert.Equal(t, "completed", *ws.Status)
	assert.Nil(t, ws.Error)
	assert.Equal(t, "file_search", fs.Name)
	assert.Equal(t, "failed", *fs.Status)
	assert.Equal(t, "no store", *fs.Error)
	require.Len(t, s.Citations, 2)
	assert.Equal(t, "https://yr.no/", *s.Citations[0].URL)
	assert.Equal(t, "source-url", s.Citations[0].Source)
	assert.Nil(t, s.Citations[1].URL)
	assert.Equal(t, "notes.txt", *s.Citations[1].FileID)
	assert.Equal(t, "Notes", *s.Citations[1].Title)
	assert.Equal(t, []string{"line 25: tool call call_2 (weather): invalid input: bad input"}, s.Warnings)
	assert.Equal(t, "tool-calls", *s.StopReason)
}

// TestVercelUIEnds: an error fails the stream; an abort, or [DONE]
// without finish, leaves it incomplete; a stream cut before [DONE] after
// its finish is complete.
func TestVercelUIEnds(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, uiSSE(`{"type":"start"}`, `{"type":"text-delta","id":"0","delta":"Hel"}`, `{"type":"error","errorText":"An error occurred."}`), "")
	assert.Equal(t, streamctx.StatusFailed, s.Status)
	assert.Equal(t, "error", *s.ErrorType)
	assert.Equal(t, "An error occurred.", *s.ErrorMessage)
	assert.False(t, s.Complete, "[DONE] completes nothing")

	s = mustSummarize(t, uiSSE(`{"type":"start"}`, `{"type":"finish","finishReason":"error"}`), "")
	assert.Equal(t, streamctx.StatusFailed, s.Status, "finishReason error")
	assert.Equal(t, `the stream finished with finishReason "error" and no error message`, *s.ErrorMessage)

	s = mustSummarize(t, uiSSE(`{"type":"start"}`, `{"type":"abort","reason":"user"}`), "")
	assert.False(t, s.Complete)
	assert.Equal(t, "abort", *s.StopReason)
	assert.Equal(t, []string{"line 3: the stream was aborted (user)"}, s.Warnings)

	s = mustSummarize(t, "data: {\"type\":\"start\"}\n\ndata: {\"type\":\"finish\"}\n\n", "")
	assert.True(t, s.Complete)
	assert.Empty(t, s.Warnings)

	s = mustSummarize(t, uiSSE(`{"type":"start"}`, `{"type":"finish"}`, `{"type":"text-delta","id":"0","delta":"x"}`), "")
	assert.Equal(t, []string{"line 5: data after the end of the stream (line 3) was read anyway: two streams concatenated?"}, s.Warnings)
}

// TestVercelUIBadChunks: chunks the SDK's schema would reject are bad
// events, in the terms of the protocol; unknown types are warned about.
func TestVercelUIBadChunks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ chunk, warning string }{
		{`{"type":"text-delta","id":"0"}`, `line 3: text-delta chunk: no "delta" string`},
		{`{"type":"text-delta","id":"0","delta":5}`, `line 3: UI message chunk: delta is a JSON number, not a string`},
		{`{"type":"tool-input-delta","toolCallId":"c"}`, `line 3: tool-input-delta chunk: no "toolCallId" and "inputTextDelta" strings`},
		{`{"type":"error","errorText":null}`, `line 3: error chunk: no "errorText" string`},
		{`["start"]`, `line 3: UI message chunk: data is not a JSON object`},
		{`{"type":"start"`, `line 3: UI message chunk: unexpected end of JSON input`},
	} {
		s := mustSummarize(t, uiSSE(`{"type":"start"}`, tc.chunk, `{"type":"finish"}`), "")
		assert.Equal(t, "vercel-ui", s.Format, tc.chunk)
		assert.Equal(t, []string{tc.warning}, s.Warnings, tc.chunk)
		assert.Equal(t, 1, s.BadEvents, tc.chunk)
	}
	s := mustSummarize(t, uiSSE(`{"type":"start"}`, `{"type":"text-sparkle"}`, `{"type":"text-sparkle"}`, `{"type":"reset-step"}`, `{"type":"finish"}`), "")
	assert.Equal(t, []string{
		`line 3: unknown chunk type "text-sparkle" (ignored)`,
		"line 7: reset-step: the client drops the parts of the current step; they are still shown here",
	}, s.Warnings)
	assert.Zero(t, s.BadEvents)
}

// TestVercelUIHeader: a curl -i capture whose header says it is a UI
// message stream is read as one, whatever its first chunk; the data
// stream's header names vercel-data the same way.
func TestVercelUIHeader(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-vercel-ai-ui-message-stream: v1\r\n\r\n"+
		uiSSE(`{"type":"mystery"}`, `{"type":"finish"}`), "")
	assert.Equal(t, "vercel-ui", s.Format)
	assert.True(t, s.Complete)
	assert.Equal(t, []string{`line 5: unknown chunk type "mystery" (ignored)`}, s.Warnings)

	s = mustSummarize(t, "HTTP/1.1 200 OK\r\nx-vercel-ai-data-stream: v1\r\n\r\nd:{\"finishReason\":\"stop\"}\n", "")
	assert.Equal(t, "vercel-data", s.Format)
}

// TestVercelUINotOtherFormats: detection tells the UI message stream from
// the formats whose data also has a "type" member.
func TestVercelUINotOtherFormats(t *testing.T) {
	t.Parallel()
	for data, want := range map[string]string{
		`{"type":"start","messageId":"m"}`:                            "vercel-ui",
		`{"type":"text-delta","id":"0","delta":"x"}`:                  "vercel-ui",
		`{"type":"data-foo","data":1}`:                                "vercel-ui",
		`{"type":"error","errorText":"x"}`:                            "vercel-ui",
		`{"type":"error","error":{"type":"overloaded_error"}}`:        "anthropic",
		`{"type":"error","sequence_number":1,"code":"x"}`:             "openai-responses",
		`{"type":"content-delta","index":0,"delta":{}}`:               "cohere",
		`{"type":"message_start","message":{}}`:                       "anthropic",
		`{"type":"response.output_text.delta","delta":"x"}`:           "openai-responses",
		`{"type":"tool-call-start","index":0,"delta":{}}`:             "cohere",
		`{"type":"tool-input-start","toolCallId":"c","toolName":"t"}`: "vercel-ui",
	} {
		s, err := summarize(t, strings.NewReader("data: "+data+"\n\n"), "")
		require.NoError(t, err, data)
		assert.Equal(t, want, s.Format, data)
	}
}

// FuzzVercelUI replays any bytes as a UI message stream: no panic, and
// what it shows holds together.
func FuzzVercelUI(f *testing.F) {
	f.Add([]byte(uiSSE(
		`{"type":"start","messageId":"m","messageMetadata":{"model":"x","usage":{"inputTokens":1,"outputTokens":2,"inputTokenDetails":{"cacheReadTokens":1}}}}`,
		`{"type":"tool-input-start","toolCallId":"c","toolName":"t","providerExecuted":true}`,
		`{"type":"tool-input-delta","toolCallId":"c","inputTextDelta":"{"}`,
		`{"type":"tool-input-available","toolCallId":"d","toolName":"t","input":[1]}`,
		`{"type":"tool-output-error","toolCallId":"c","errorText":"e"}`,
		`{"type":"text-delta","id":"0","delta":"x"}`,
		`{"type":"source-document","sourceId":"s","title":"t","mediaType":"m"}`,
		`{"type":"abort"}`,
		`{"type":"finish","finishReason":"length"}`,
	)))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := streamctx.New(streamctx.Options{CollectText: true, RecordChunks: true})
		deltas := map[string]string{} // what each call's tool-input-delta chunks carried
		res, err := parser.Replay(bytes.NewReader(data), sc, parser.Options{Format: "vercel-ui", OnEvent: func(ev *sse.Event) {
			addUIInputDelta(deltas, ev.Data)
		}})
		if err != nil {
			return
		}
		s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
		assert.False(t, s.Status == streamctx.StatusOK && !s.Complete, "status ok on an incomplete stream")
		for _, tc := range s.ToolCalls {
			// JSON, or the start of it as the SDK streams it; or exactly
			// the fragments that arrived for one call, kept as they are
			// (a call whose tool-input-start the stream does not have has
			// no id of its own: any call's fragments may be its).
			assert.True(t, tc.Arguments == "" || json.Valid([]byte(tc.Arguments)) || strings.HasPrefix(tc.Arguments, "{") ||
				slices.Contains(slices.Collect(maps.Values(deltas)), tc.Arguments), "arguments %q", tc.Arguments)
		}
		for _, c := range sc.Chunks() {
			assert.True(t, json.Valid(c), "chunk %q", c)
		}
	})
}

// addUIInputDelta adds the inputTextDelta of data, when it is a
// tool-input-delta chunk, to its toolCallId's in deltas.
func addUIInputDelta(deltas map[string]string, data []byte) {
	var c struct {
		Type           string  `json:"type"`
		ToolCallID     *string `json:"toolCallId"`
		InputTextDelta *string `json:"inputTextDelta"`
	}
	if json.Unmarshal(data, &c) == nil && c.Type == "tool-input-delta" && c.ToolCallID != nil && c.InputTextDelta != nil {
		deltas[*c.ToolCallID] += *c.InputTextDelta
	}
}
