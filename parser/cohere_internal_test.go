package parser

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cohereDataLines returns the data of the events of the Cohere captures.
func cohereDataLines(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, d := range captureDataLines(tb, "cohere/*.sse") {
		out = append(out, d)
	}
	return out
}

func decodeFastCohereFresh(data []byte, e *cohereEvent) bool {
	var st cohereFast
	return decodeFastCohere(data, e, &st)
}

// decodeFastCohereContentAll and decodeFastCohereToolCallOf hold the
// decoders of a member to encoding/json; an empty input, which stands for
// an absent member, is no JSON document.
func decodeFastCohereContentAll(data []byte, c *cohereContent) bool {
	return len(data) > 0 && decodeFastCohereContent(data, c, false)
}

func decodeFastCohereToolCallOf(data []byte, t *cohereToolCall) bool {
	return len(data) > 0 && decodeFastCohereToolCall(data, t)
}

// FuzzFastCohere holds the Cohere fast decoders to encoding/json: the
// event, and its delta.message.content and tool_calls objects.
func FuzzFastCohere(f *testing.F) {
	for _, d := range cohereDataLines(f) {
		f.Add(d)
		var e cohereEvent
		if json.Unmarshal(d, &e) == nil {
			for _, raw := range [][]byte{e.Delta.Message.Content, e.Delta.Message.ToolCalls} {
				if len(raw) > 0 {
					f.Add([]byte(raw))
				}
			}
		}
	}
	for _, s := range append(fastEdgeCases,
		`{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"a","Text":"b"}}}}`,
		`{"type":"message-end","delta":{"finish_reason":"COMPLETE","error":"x","usage":null}}`,
		`{"delta":null,"message":"m","error":{"message":"e"}}`, `{"delta":{"message":null,"Finish_Reason":"x"}}`,
		`{"text":"a","thinking":null,"type":"thinking"}`, `{"id":"c","function":{"name":"f","arguments":"{\"a\":1}"}}`,
		`{"function":null}`, `{"function":{"arguments":{}}}`, `{"function":{"name":"a","name":"b"}}`,
	) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastAliasing(t, data, decodeFastCohereFresh)
		checkFast(t, data, decodeFastCohereContentAll)
		checkFast(t, data, decodeFastCohereToolCallOf)
	})
}

// TestFastCohereTaken: every event of the captures takes the fast path, and
// the content and tool calls of every event but message-start (whose
// message holds arrays) take theirs.
func TestFastCohereTaken(t *testing.T) {
	t.Parallel()
	var st cohereFast
	n := 0
	for _, d := range cohereDataLines(t) {
		if d[0] != '{' {
			continue
		}
		var e cohereEvent
		require.True(t, decodeFastCohere(d, &e, &st), "%s", d)
		if e.Type == "message-start" {
			continue // its content and tool_calls are arrays, never read
		}
		var c cohereContent
		assert.True(t, decodeFastCohereContent(e.Delta.Message.Content, &c, false), "%s", d)
		var tc cohereToolCall
		assert.True(t, decodeFastCohereToolCall(e.Delta.Message.ToolCalls, &tc), "%s", d)
		if bytes.Contains(d, []byte(`"content-delta"`)) {
			n++
		}
	}
	assert.Greater(t, n, 50)
}
