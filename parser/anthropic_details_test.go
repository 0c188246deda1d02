package parser_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

func aBlockStart(i int, block string) string {
	return aev("content_block_start", `{"type":"content_block_start","index":`+itoa(i)+`,"content_block":`+block+`}`)
}

func aBlockStop(i int) string {
	return aev("content_block_stop", `{"type":"content_block_stop","index":`+itoa(i)+`}`)
}

// anthropicServerToolStream is a hand-made stream, shaped as the captures
// anthropic/web-search-server-tool-use.sse, mcp-tool-use.sse and
// text-editor-code-execution-error-result.sse show server tools, results
// and citations, with the cases no capture has: an error result of
// another tool, an MCP error, a call without result, a result without
// call, document and search-result citations.
var anthropicServerToolStream = aev("message_start", aStart) +
	// 0: web search, input in fragments; 1: its error result.
	aBlockStart(0, `{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}`) +
	aev("content_block_delta", aJSONDelta(0, ``)) +
	aev("content_block_delta", aJSONDelta(0, `{\"query\": `)) +
	aev("content_block_delta", aJSONDelta(0, `\"q\"}`)) + aBlockStop(0) +
	aBlockStart(1, `{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":{"type":"web_search_tool_result_error","error_code":"max_uses_exceeded"}}`) + aBlockStop(1) +
	// 2: MCP call, input in its start only; 3: its error result.
	aBlockStart(2, `{"type":"mcp_tool_use","id":"mcptoolu_1","name":"ask","server_name":"wiki","input":{"a": 1}}`) + aBlockStop(2) +
	aBlockStart(3, `{"type":"mcp_tool_result","tool_use_id":"mcptoolu_1","is_error":true,"content":[{"type":"text","text":"boom"}]}`) + aBlockStop(3) +
	// 4: a text block with citations of every kind.
	aBlockStart(4, `{"type":"text","text":"","citations":[]}`) +
	aev("content_block_delta", `{"type":"content_block_delta","index":4,"delta":{"type":"citations_delta","citation":{"type":"web_search_result_location","cited_text":"x","url":"https://a","title":"A","encrypted_index":"E"}}}`) +
	aev("content_block_delta", aTextDelta(4, "cited")) +
	aev("content_block_delta", `{"type":"content_block_delta","index":4,"delta":{"type":"citations_delta","citation":{"type":"web_search_result_location","url":"https://a","title":"A again"}}}`) +
	aev("content_block_delta", `{"type":"content_block_delta","index":4,"delta":{"type":"citations_delta","citation":{"type":"char_location","cited_text":"y","document_index":0,"document_title":"Doc","start_char_index":0,"end_char_index":1}}}`) +
	aev("content_block_delta", `{"type":"content_block_delta","index":4,"delta":{"type":"citations_delta","citation":{"type":"page_location","document_index":1,"document_title":"Paper","file_id":"file_1","start_page_number":1,"end_page_number":2}}}`) +
	aev("content_block_delta", `{"type":"content_block_delta","index":4,"delta":{"type":"citations_delta","citation":{"type":"search_result_location","source":"https://kb/x","title":"KB","search_result_index":0,"start_block_index":0,"end_block_index":0}}}`) +
	aev("content_block_delta", `{"type":"content_block_delta","index":4,"delta":{"type":"citations_delta","citation":"not an object"}}`) +
	aBlockStop(4) +
	// 5: code execution that never gets a result; 6: a result of no call.
	aBlockStart(5, `{"type":"server_tool_use","id":"srvtoolu_2","name":"code_execution","input":{}}`) + aBlockStop(5) +
	aBlockStart(6, `{"type":"web_fetch_tool_result","tool_use_id":"srvtoolu_9","content":{"type":"web_fetch_result","url":"https://b"}}`) + aBlockStop(6) +
	// 7: a client tool call stays a client tool call.
	aBlockStart(7, `{"type":"tool_use","id":"toolu_1","name":"f","input":{}}`) +
	aev("content_block_delta", aJSONDelta(7, `{}`)) + aBlockStop(7) +
	aev("message_delta", aDelta) + aev("message_stop", aEnd)

func TestAnthropicServerToolsAndCitations(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	s := mustSummarize(t, anthropicServerToolStream, "")
	assert.Equal(t, []streamctx.ServerToolCallSnapshot{
		{Type: "server_tool_use", Name: "web_search", ID: "srvtoolu_1", Input: `{"query": "q"}`, Status: str("completed"), Error: str("max_uses_exceeded")},
		{Type: "mcp_tool_use", Name: "ask", ID: "mcptoolu_1", Input: `{"a":1}`, Status: str("completed"), Error: str("boom")},
		{Type: "server_tool_use", Name: "code_execution", ID: "srvtoolu_2", Input: `{}`},
	}, s.ServerToolCalls)
	assert.Equal(t, []streamctx.Citation{
		{URL: str("https://a"), Title: str("A"), Source: "web_search_result_location"},
		{Title: str("Paper"), Source: "page_location", FileID: str("file_1")},
		{URL: str("https://kb/x"), Title: str("KB"), Source: "search_result_location"},
	}, s.Citations, "deduplicated; a document citation without file_id names no source; a citation of another shape is ignored")
	assert.Equal(t, []streamctx.ToolCallSnapshot{{ID: "toolu_1", Name: "f", Arguments: "{}"}}, s.ToolCalls)
	assert.Equal(t, "cited", s.Text)
	assert.Equal(t, []string{`line 70: a web_fetch_tool_result for tool_use_id "srvtoolu_9", which no server tool call of this stream started`}, s.Warnings)
}

// TestAnthropicServerToolsWithoutText: the two-line summary keeps no
// server tool call nor citation, and gives the same warnings.
func TestAnthropicServerToolsWithoutText(t *testing.T) {
	t.Parallel()
	whole := mustSummarize(t, anthropicServerToolStream, "")
	sc := streamctx.New(streamctx.Options{})
	_, err := parser.Replay(strings.NewReader(anthropicServerToolStream), sc, parser.Options{})
	require.NoError(t, err)
	s := sc.Snapshot("anthropic", "anthropic")
	assert.Empty(t, s.ServerToolCalls)
	assert.Empty(t, s.Citations)
	assert.Equal(t, whole.Warnings, s.Warnings)
	assert.Equal(t, whole.Complete, s.Complete)
}

// TestAnthropicMCPErrorText: an MCP error's text is cut to 200 bytes on a
// rune boundary; a string content is its text; none gives "is_error".
func TestAnthropicMCPErrorText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 150) // 300 bytes
	for _, tc := range []struct{ content, want string }{
		{`[{"type":"text","text":"` + long + `"}]`, strings.Repeat("é", 100) + "…"},
		{`[{"type":"text","text":"a` + long + `"}]`, "a" + strings.Repeat("é", 99) + "…"},
		{`"plain"`, "plain"},
		{`[]`, "is_error"},
		{`{"x":1}`, "is_error"},
	} {
		in := aev("message_start", aStart) +
			aBlockStart(0, `{"type":"mcp_tool_use","id":"m","name":"n","input":{}}`) + aBlockStop(0) +
			aBlockStart(1, `{"type":"mcp_tool_result","tool_use_id":"m","is_error":true,"content":`+tc.content+`}`) + aBlockStop(1) +
			aev("message_delta", aDelta) + aev("message_stop", aEnd)
		s := mustSummarize(t, in, "")
		require.Len(t, s.ServerToolCalls, 1, tc.content)
		require.NotNil(t, s.ServerToolCalls[0].Error, tc.content)
		assert.Equal(t, tc.want, *s.ServerToolCalls[0].Error, tc.content)
	}
}

// TestAnthropicMessageServerTools: a whole (non-streaming) message's
// server tool call has its input in the block, and its text blocks their
// citations.
func TestAnthropicMessageServerTools(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	body := `{"type":"message","id":"msg_1","model":"claude-x","stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":4},"content":[` +
		`{"type":"server_tool_use","id":"srvtoolu_1","name":"web_fetch","input":{"url": "https://x"}},` +
		`{"type":"web_fetch_tool_result","tool_use_id":"srvtoolu_1","content":{"type":"web_fetch_tool_result_error","error_code":"url_not_accessible"}},` +
		`{"type":"text","text":"t","citations":[{"type":"web_search_result_location","url":"https://y","title":"Y"}]}]}`
	s := mustSummarize(t, "data: "+body+"\n\n", "anthropic")
	assert.Equal(t, []streamctx.ServerToolCallSnapshot{
		{Type: "server_tool_use", Name: "web_fetch", ID: "srvtoolu_1", Input: `{"url":"https://x"}`, Status: str("completed"), Error: str("url_not_accessible")},
	}, s.ServerToolCalls)
	assert.Equal(t, []streamctx.Citation{{URL: str("https://y"), Title: str("Y"), Source: "web_search_result_location"}}, s.Citations)
	assert.Equal(t, "t", s.Text)
}

// TestAnthropicUsageDetails: the counts of a usage object outside the token
// keys, by dotted path, in first-seen order, a later report replacing an
// earlier one; iterations kept as given; words, flags and deeper objects
// left out; a negative count warned about. The same with or without the
// text kept.
func TestAnthropicUsageDetails(t *testing.T) {
	t.Parallel()
	start := `{"type":"message_start","message":{"id":"msg_1","model":"claude-x","usage":{"input_tokens":10,"cache_creation_input_tokens":30,"cache_read_input_tokens":0,` +
		`"cache_creation":{"ephemeral_5m_input_tokens":20,"ephemeral_1h_input_tokens":10},"output_tokens":1,"service_tier":"standard","inference_geo":"global"}}}`
	delta := `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":12,"output_tokens":7,"output_tokens_details":{"thinking_tokens":3},` +
		`"cache_creation":{"ephemeral_5m_input_tokens":25},"server_tool_use":{"web_search_requests":2,"web_fetch_requests":1,"x":{"y":1},"z":-1},"future_count":4,"flag":true,` +
		`"iterations":[{"type":"advisor_message","model":"m","input_tokens":5, "output_tokens":6}]}}`
	in := aev("message_start", start) + aev("message_delta", delta) + aev("message_stop", aEnd)
	want := streamctx.UsageDetails{
		{Key: "cache_creation.ephemeral_5m_input_tokens", Value: []byte("25")},
		{Key: "cache_creation.ephemeral_1h_input_tokens", Value: []byte("10")},
		{Key: "server_tool_use.web_search_requests", Value: []byte("2")},
		{Key: "server_tool_use.web_fetch_requests", Value: []byte("1")},
		{Key: "future_count", Value: []byte("4")},
		{Key: "iterations", Value: []byte(`[{"type":"advisor_message","model":"m","input_tokens":5,"output_tokens":6}]`)},
	}
	for _, collect := range []bool{true, false} {
		sc := streamctx.New(streamctx.Options{CollectText: collect})
		_, err := parser.Replay(strings.NewReader(in), sc, parser.Options{})
		require.NoError(t, err)
		s := sc.Snapshot("anthropic", "anthropic")
		assert.Equal(t, want, s.UsageDetails, "collect text %v", collect)
		assert.Equal(t, []string{"usage server_tool_use.z is negative (-1): left out"}, s.Warnings)
		assert.Equal(t, []int64{12, 7, 0, 30, 3}, []int64{s.InputTokens, s.OutputTokens, s.CachedTokens, s.CacheCreationTokens, s.ReasoningTokens}, "the token keys keep their meaning")
	}
}

// TestAnthropicUsageDetailsEscapedKey: a usage member whose key holds an
// escape is read as encoding/json reads it (the fast walk leaves such a
// usage object to it).
func TestAnthropicUsageDetailsEscapedKey(t *testing.T) {
	t.Parallel()
	delta := `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7,"server_tool_use":{"web\u005fsearch_requests":3},"n\u00e9w":2}}`
	s := mustSummarize(t, aev("message_start", aStart)+aev("message_delta", delta)+aev("message_stop", aEnd), "")
	assert.Equal(t, streamctx.UsageDetails{
		{Key: "server_tool_use.web_search_requests", Value: []byte("3")},
		{Key: "néw", Value: []byte("2")},
	}, s.UsageDetails)
}
