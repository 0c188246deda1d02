package parser_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// The streams of these tests are hand-made, after data-stream-parts.ts and
// stream-text.ts of AI SDK 4.3.19; the real ones are in
// testdata/captures/vercel-ai-sdk.

// TestVercelDataUsageIsTheFinishMessages: "d:" already holds the sum of
// the steps (the SDK adds them up: addLanguageModelUsage); the "e:" lines
// are never added to it, nor to each other, for the usage shown.
func TestVercelDataUsageIsTheFinishMessages(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, `f:{"messageId":"msg-1"}
0:"a"
e:{"finishReason":"tool-calls","usage":{"promptTokens":10,"completionTokens":2},"isContinued":false}
f:{"messageId":"msg-2"}
0:"b"
e:{"finishReason":"stop","usage":{"promptTokens":20,"completionTokens":3},"isContinued":false}
d:{"finishReason":"stop","usage":{"promptTokens":30,"completionTokens":5}}
`, "")
	assert.Equal(t, "vercel-data", s.Format)
	assert.Equal(t, int64(30), s.InputTokens, "d: alone, not 10+20+30")
	assert.Equal(t, int64(5), s.OutputTokens)
	assert.Equal(t, int64(30), s.TotalInputTokens)
	assert.Equal(t, "provider", s.UsageSource)
	assert.Equal(t, streamctx.StatusOK, s.Status)
	assert.True(t, s.Complete)
	assert.Equal(t, "msg-2", *s.ResponseID, "the last step's message id, as useChat keeps it")
	assert.Equal(t, "2", s.RequestID)
	assert.Equal(t, "ab", s.Text)
	assert.Empty(t, s.Warnings)
}

// TestVercelDataFinishNotTheSumOfSteps: a "d:" that is not the sum of the
// steps is still what is shown, with a warning that says what the steps
// added up to.
func TestVercelDataFinishNotTheSumOfSteps(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, `e:{"finishReason":"tool-calls","usage":{"promptTokens":10,"completionTokens":2}}
e:{"finishReason":"stop","usage":{"promptTokens":20,"completionTokens":3}}
d:{"finishReason":"stop","usage":{"promptTokens":20,"completionTokens":3}}
`, "vercel-data")
	assert.Equal(t, int64(20), s.InputTokens)
	assert.Equal(t, int64(3), s.OutputTokens)
	assert.Equal(t, []string{"line 3: the finish message's usage (in:20 out:3) is not the sum of the 2 steps' (in:30 out:5)"}, s.Warnings)
}

// TestVercelDataNoFinishMessage: a stream cut before "d:" is incomplete
// and has no usage; the steps' sum is only told in a warning.
func TestVercelDataNoFinishMessage(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, `f:{"messageId":"msg-1"}
0:"a"
e:{"finishReason":"tool-calls","usage":{"promptTokens":10,"completionTokens":2},"isContinued":false}
f:{"messageId":"msg-2"}
0:"b"
`, "")
	assert.False(t, s.Complete)
	assert.Equal(t, streamctx.StatusFailed, s.Status)
	assert.Equal(t, "none", s.UsageSource)
	assert.Zero(t, s.InputTokens)
	assert.Equal(t, "tool-calls", *s.StopReason, "the last step's")
	assert.Equal(t, []string{"no finish message (d:): the usage is unknown; the 1 finished steps (e:, line 3 the last) reported in:10 out:2"}, s.Warnings)
}

// TestVercelDataParts: every part of the protocol, each as the SDK's
// parser reads it.
func TestVercelDataParts(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, `f:{"messageId":"msg-abc"}
g:"think "
g:"more"
j:{"signature":"sig"}
i:{"data":"redacted"}
b:{"toolCallId":"call_1","toolName":"search"}
c:{"toolCallId":"call_1","argsTextDelta":"{\"q\":"}
c:{"toolCallId":"call_1","argsTextDelta":"\"go\"}"}
9:{"toolCallId":"call_1","toolName":"search","args":{ "q": "go" }}
a:{"toolCallId":"call_1","result":{"hits":3}}
9:{"toolCallId":"call_2","toolName":"now","args":{}}
h:{"sourceType":"url","id":"s1","url":"https://go.dev/","title":"Go"}
h:{"sourceType":"url","id":"s2","url":"https://go.dev/"}
k:{"data":"aGk=","mimeType":"text/plain"}
2:[{"app":"data"}]
8:[{"annotation":1}]
0:"Go <is> & fun"
e:{"finishReason":"length","usage":{"promptTokens":null,"completionTokens":7},"isContinued":false}
d:{"finishReason":"length","usage":{"promptTokens":null,"completionTokens":7}}
`, "")
	assert.Equal(t, "think more", s.Thinking)
	assert.Equal(t, "Go <is> & fun", s.Text)
	require.Len(t, s.ToolCalls, 2)
	assert.Equal(t, streamctx.ToolCallSnapshot{ID: "call_1", Name: "search", Arguments: `{"q":"go"}`}, s.ToolCalls[0], "9: replaces what c: assembled, compacted")
	assert.Equal(t, streamctx.ToolCallSnapshot{ID: "call_2", Name: "now", Arguments: `{}`}, s.ToolCalls[1])
	require.Len(t, s.Citations, 1, "deduplicated by url")
	assert.Equal(t, "https://go.dev/", *s.Citations[0].URL)
	assert.Equal(t, "Go", *s.Citations[0].Title)
	assert.Equal(t, "source", s.Citations[0].Source)
	assert.Equal(t, int64(0), s.InputTokens, "null (the SDK's NaN) is absent")
	assert.Equal(t, int64(7), s.OutputTokens)
	assert.Equal(t, "length", *s.StopReason)
	assert.True(t, s.Complete)
	assert.Equal(t, []string{"line 19: the response is incomplete: length"}, s.Warnings)
	assert.Equal(t, 19, s.Events)
}

// TestVercelDataError: "3:" fails the stream with its message; so does a
// finish message whose finishReason is "error", without one.
func TestVercelDataError(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, "f:{\"messageId\":\"msg-1\"}\n3:\"An error occurred.\"\nd:{\"finishReason\":\"error\"}\n", "")
	assert.Equal(t, streamctx.StatusFailed, s.Status)
	assert.Equal(t, "error", *s.ErrorType)
	assert.Equal(t, "An error occurred.", *s.ErrorMessage)
	assert.True(t, s.Complete)

	s = mustSummarize(t, "e:{\"finishReason\":\"error\"}\nd:{\"finishReason\":\"error\"}\n", "")
	assert.Equal(t, streamctx.StatusFailed, s.Status)
	assert.Equal(t, `the stream finished with finishReason "error" and no error message`, *s.ErrorMessage)
	assert.Equal(t, "error", *s.StopReason)
}

// TestVercelDataBadParts: a part the SDK's parser would reject is a bad
// event, in the words of the protocol.
func TestVercelDataBadParts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ line, warning string }{
		{`0:{"text":"x"}`, `line 2: 0: text part: the value is not a string`},
		{`0:"x`, `line 2: 0: text part: unexpected end of JSON input`},
		{`z:"x"`, `line 2: data stream part: unknown part code "z"`},
		{`no colon`, `line 2: data stream part: no part code (no ':' in the line)`},
		{`9:{"toolCallId":"c","toolName":"t","args":"{}"}`, `line 2: 9: tool_call part: the value has no "toolCallId" and "toolName" strings and "args" object`},
		{`9:{"toolCallId":1,"toolName":"t","args":{}}`, `line 2: 9: tool_call part: toolCallId is a JSON number, not a string`},
		{`c:{"toolCallId":"c"}`, `line 2: c: tool_call_delta part: the value has no "toolCallId" and "argsTextDelta" strings`},
		{`d:{"usage":{}}`, `line 2: d: finish_message part: the value has no "finishReason" string`},
		{`d:{"finishReason":"stop","usage":{"promptTokens":1.5}}`, `line 2: d: finish_message part: usage.promptTokens is a JSON number 1.5, not an integer`},
		{`2:{"a":1}`, `line 2: 2: data part: the value is not an array`},
		{`f:["m"]`, `line 2: f: start_step part: the value is not an object`},
	} {
		s := mustSummarize(t, "0:\"ok\"\n"+tc.line+"\n", "")
		assert.Equal(t, "vercel-data", s.Format, tc.line)
		assert.Contains(t, s.Warnings, tc.warning, tc.line)
		assert.Equal(t, 1, s.BadEvents, tc.line)
	}
	s := mustSummarize(t, "d:{\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":-1,\"completionTokens\":2}}\n", "")
	assert.Equal(t, []string{"line 1: usage.promptTokens is negative (-1): left out"}, s.Warnings)
	assert.Equal(t, int64(2), s.OutputTokens)
}

// TestVercelDataFraming: the last line without its newline is read, and
// said to be cut; CRLF line ends change nothing; a curl -i capture's
// X-Vercel-AI-Data-Stream header makes a body a data stream whatever its
// first line.
func TestVercelDataFraming(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, "0:\"a\"\nd:{\"finishReason\":\"stop\"}", "")
	assert.True(t, s.Complete)
	assert.Equal(t, []string{"line 2: the input ended inside this line (no newline after it); it was read anyway"}, s.Warnings)

	crlf := mustSummarize(t, "0:\"a\"\r\n\r\nd:{\"finishReason\":\"stop\"}\r\n", "")
	assert.Empty(t, crlf.Warnings)
	assert.Equal(t, "a", crlf.Text)

	s = mustSummarize(t, "HTTP/1.1 200 OK\r\nX-Vercel-AI-Data-Stream: v1\r\n\r\nbogus\n0:\"a\"\nd:{\"finishReason\":\"stop\"}\n", "")
	assert.Equal(t, "vercel-data", s.Format)
	assert.Equal(t, "a", s.Text)
	assert.Equal(t, []string{"line 4: data stream part: no part code (no ':' in the line)"}, s.Warnings, "lines counted in the capture")
}

// TestVercelDataBody: the response body holds each part's value.
func TestVercelDataBody(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{RecordChunks: true})
	_, err := parser.Replay(strings.NewReader("0:\"a\"\nd:{\"finishReason\":\"stop\"}\n"), sc, parser.Options{})
	require.NoError(t, err)
	var got []string
	for _, c := range sc.Chunks() {
		got = append(got, string(c))
	}
	assert.Equal(t, []string{`"a"`, `{"finishReason":"stop"}`}, got)
}

// TestDetectEveryCapture replays every capture in testdata/captures and
// checks the format it is read as against its folder: a Vercel AI SDK
// stream (vercel-ai-sdk) is never taken for one of the other formats, nor
// another format's stream for a Vercel one (the UI message stream is SSE
// with JSON "type" members, as Responses, Anthropic and Cohere are).
func TestDetectEveryCapture(t *testing.T) {
	t.Parallel()
	for _, path := range captures(t) {
		input, err := os.ReadFile(path)
		require.NoError(t, err)
		sc := streamctx.New(streamctx.Options{})
		res, err := parser.Replay(bytes.NewReader(input), sc, parser.Options{})
		require.NoError(t, err, path)
		dir := filepath.Base(filepath.Dir(path))
		switch {
		case dir == "vercel-ai-sdk" && filepath.Ext(path) == ".datastream":
			assert.Equal(t, "vercel-data", res.Format.Name, path)
			assert.Equal(t, "vercel-data", res.Detected, path)
		case dir == "vercel-ai-sdk":
			assert.Equal(t, "vercel-ui", res.Format.Name, path)
			assert.Equal(t, "vercel-ui", res.Detected, path)
		default:
			for _, f := range []string{"vercel-data", "vercel-ui"} {
				assert.NotEqual(t, f, res.Format.Name, path)
				assert.NotEqual(t, f, res.Detected, path)
			}
		}
	}
}

// FuzzVercelData replays any bytes as a data stream: no panic, and what
// it shows holds together.
func FuzzVercelData(f *testing.F) {
	for _, path := range captures(f) {
		if filepath.Base(filepath.Dir(path)) == "vercel-ai-sdk" {
			b, err := os.ReadFile(path)
			require.NoError(f, err)
			f.Add(b)
		}
	}
	f.Add([]byte("b:{\"toolCallId\":\"c\",\"toolName\":\"t\"}\nc:{\"toolCallId\":\"c\",\"argsTextDelta\":\"{\"}\ng:\"r\"\nh:{\"sourceType\":\"url\",\"url\":\"u\"}\n3:\"e\"\ne:{\"finishReason\":\"length\",\"usage\":{\"promptTokens\":9223372036854775807,\"completionTokens\":null}}\ne:{\"finishReason\":\"stop\",\"usage\":{\"promptTokens\":1}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := streamctx.New(streamctx.Options{CollectText: true, RecordChunks: true})
		res, err := parser.Replay(bytes.NewReader(data), sc, parser.Options{Format: "vercel-data"})
		if err != nil {
			return
		}
		s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
		assert.False(t, s.Status == streamctx.StatusOK && !s.Complete, "status ok on an incomplete stream")
		assert.GreaterOrEqual(t, s.InputTokens, int64(0))
		assert.GreaterOrEqual(t, s.OutputTokens, int64(0))
		for _, c := range sc.Chunks() {
			assert.True(t, json.Valid(c), "chunk %q", c)
		}
	})
}
