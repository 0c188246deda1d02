package parser

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// This file holds what an Anthropic stream carries beyond text, thinking,
// client tool calls and the six token keys:
//
//   - Server tool calls: a server_tool_use block (web_search, web_fetch,
//     code_execution, bash_code_execution, text_editor_code_execution,
//     tool_search_tool_regex/_bm25, advisor...) or an mcp_tool_use block
//     (any other "*_tool_use" type too) is a server tool call: its type,
//     name and id as the block gives them, its input assembled from its
//     input_json_delta fragments as a client tool_use's is, or, when no
//     non-empty fragment arrived, the block's own input (compacted, "{}"
//     when it has none), as for tool_use. A "*_tool_result" block
//     (web_search_tool_result, web_fetch_tool_result,
//     code_execution_tool_result, bash_code_execution_tool_result,
//     text_editor_code_execution_tool_result, tool_search_tool_result,
//     advisor_tool_result, mcp_tool_result...) completes the call its
//     tool_use_id names: status "completed", and an error when the result
//     reports one: a content object whose type ends in "_error"
//     (web_search_tool_result_error, web_fetch_tool_result_error,
//     code_execution_tool_result_error, ..._tool_result_error) gives its
//     error_code (else its type), and an mcp_tool_result with is_error
//     true gives its text (the first text block, at most 200 bytes), else
//     "is_error". The results themselves are not copied. Checked against
//     the SDK types (anthropic-sdk-ruby, -php: WebFetchToolResultBlock,
//     BetaWebFetchToolResultErrorCode...) and the captures
//     anthropic/web-search-server-tool-use.sse, web-fetch-server-tool.sse,
//     bash-code-execution-server-tool.sse,
//     text-editor-code-execution-error-result.sse, mcp-tool-use.sse,
//     tool-search-then-client-tool-use.sse, advisor-usage-iterations.sse.
//   - Citations: the citation of a citations_delta, and the citations of a
//     text block (a whole message's; a streamed block starts with []), by
//     citation type: web_search_result_location gives its url and title,
//     search_result_location its source (the url or identifier the
//     search_result block gave) and title, and a document citation
//     (char_location, page_location, content_block_location) its file_id
//     and document_title when the document came from the Files API; a
//     document citation without a file_id names a document of the
//     request, by index only, which no citation can show: left out (as
//     the chat parser leaves out Groq's document_citation). Source is the
//     citation's type.
//   - Usage details (anthropicUsageDetails).
//
// Server tool calls and citations are kept only with the text
// (streamctx.Context.ServerTool, AddCitation), and their members are
// decoded only then: a citation or result content of another shape is
// ignored without a warning, so that the summary does not depend on
// whether the text is kept. The usage details are decoded always: they
// come in message_start and message_delta only.

// serverStart records a server tool call's block start.
func (p *anthropic) serverStart(sc *streamctx.Context, b *anthropicBlockState, cb *anthropicBlock) {
	if cb.ID != "" {
		if p.servers == nil {
			p.servers = make(map[string]bool)
		}
		p.servers[cb.ID] = true
	}
	if !sc.CollectsText() {
		return // no server tool call is kept (streamctx.Context.ServerTool)
	}
	b.input = append([]byte(nil), bytes.TrimSpace(cb.Input)...)
	if cb.ID != "" {
		b.key = "id:" + cb.ID
	} else {
		b.key = "block:" + b.key
	}
	if t := sc.ServerTool(b.key); t != nil {
		t.Type, t.Name, t.ID = cb.Type, cb.Name, cb.ID
	}
}

// serverResult records a server tool result block: it completes the call
// its tool_use_id names. A result whose call the stream did not start is
// warned about, once.
func (p *anthropic) serverResult(sc *streamctx.Context, ev *sse.Event, cb *anthropicBlock) {
	if !p.servers[cb.ToolUseID] {
		p.warned.warn(sc, "result-without-call", "line %d: a %s for tool_use_id %q, which no server tool call of this stream started", ev.Line, cb.Type, cb.ToolUseID)
		return
	}
	t := sc.ServerTool("id:" + cb.ToolUseID)
	if t == nil {
		return // not kept (see streamctx.Context.ServerTool)
	}
	t.Status = "completed"
	t.Error = resultError(cb)
}

// resultError returns the error a server tool result reports, "" when
// none (see the comment at the top of this file).
func resultError(cb *anthropicBlock) string {
	c := bytes.TrimSpace(cb.Content)
	if cb.IsError {
		return mcpErrorText(c)
	}
	if len(c) == 0 || c[0] != '{' {
		return ""
	}
	var e struct {
		Type      string `json:"type"`
		ErrorCode string `json:"error_code"`
	}
	if json.Unmarshal(c, &e) != nil || !strings.HasSuffix(e.Type, "_error") {
		return ""
	}
	if e.ErrorCode != "" {
		return e.ErrorCode
	}
	return e.Type
}

// mcpErrorMax bounds the text of an MCP error kept as a call's error.
const mcpErrorMax = 200

// mcpErrorText returns the text of an mcp_tool_result that is an error: a
// string content, or its first text block, cut to mcpErrorMax bytes (on a
// rune boundary, "…" added); "is_error" when it has none.
func mcpErrorText(c []byte) string {
	var text string
	var s string
	var blocks []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	switch {
	case json.Unmarshal(c, &s) == nil:
		text = s
	case json.Unmarshal(c, &blocks) == nil:
		for _, b := range blocks {
			if b.Type == "text" && b.Text != "" {
				text = b.Text
				break
			}
		}
	}
	if text == "" {
		return "is_error"
	}
	if len(text) > mcpErrorMax {
		cut := mcpErrorMax
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	return text
}

// anthropicCitation holds the members of a citation the summary shows.
type anthropicCitation struct {
	Type          string `json:"type"`
	URL           string `json:"url"`
	Title         string `json:"title"`
	Source        string `json:"source"`
	FileID        string `json:"file_id"`
	DocumentTitle string `json:"document_title"`
}

// citation records a citations_delta's citation.
func (p *anthropic) citation(sc *streamctx.Context, raw json.RawMessage) {
	if !sc.CollectsText() || len(raw) == 0 || isJSONNull(raw) {
		return
	}
	var c anthropicCitation
	if json.Unmarshal(raw, &c) == nil {
		addAnthropicCitation(sc, &c)
	}
}

// blockCitations records the citations of a text block.
func (p *anthropic) blockCitations(sc *streamctx.Context, raw json.RawMessage) {
	if !sc.CollectsText() || !chatNonEmpty(raw) {
		return
	}
	var list []anthropicCitation
	if json.Unmarshal(raw, &list) != nil {
		return
	}
	for i := range list {
		addAnthropicCitation(sc, &list[i])
	}
}

func addAnthropicCitation(sc *streamctx.Context, c *anthropicCitation) {
	switch c.Type {
	case "web_search_result_location":
		sc.AddCitation(c.URL, c.Title, c.Type, "")
	case "search_result_location":
		sc.AddCitation(c.Source, c.Title, c.Type, "")
	case "char_location", "page_location", "content_block_location":
		sc.AddCitation("", c.DocumentTitle, c.Type, c.FileID)
	default:
		// A type to come: its url, else its file id, if it has one.
		sc.AddCitation(c.URL, c.Title, c.Type, c.FileID)
	}
}

// anthropicUsageDetails records what a usage object carries outside the six
// token keys, in the order of its members, under the provider's names:
//
//   - every integer member, and every integer member of a nested object,
//     under its dotted path (cache_creation.ephemeral_5m_input_tokens and
//     .ephemeral_1h_input_tokens, the split of cache writes by time to
//     live; server_tool_use.web_search_requests and .web_fetch_requests),
//     but for the members the token keys read (input_tokens,
//     output_tokens, cache_creation_input_tokens, cache_read_input_tokens,
//     output_tokens_details.thinking_tokens);
//   - iterations (compaction and advisor passes, each with its tokens and,
//     for an advisor pass, its model), kept whole, as given.
//
// Words (service_tier, inference_geo) are not quantities: left out. As
// the token keys, a later usage object's member replaces an earlier one's,
// and a member a later one leaves out keeps its value: message_delta
// gives no cache_creation split, so the split shown is message_start's,
// which need not add up to the last cache_creation_input_tokens.
func anthropicUsageDetails(sc *streamctx.Context, raw []byte) {
	usageMembers(raw, func(key, v []byte) {
		switch string(key) {
		case "input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens":
			return
		case "iterations":
			if v[0] == '[' {
				sc.SetUsageDetailJSON("iterations", v)
			}
			return
		}
		switch v[0] {
		case '{':
			usageMembers(v, func(sub, v []byte) {
				if string(key) == "output_tokens_details" && string(sub) == "thinking_tokens" {
					return // reasoning_tokens
				}
				if n, ok := chatInt(v); ok {
					sc.SetUsageDetail(string(key)+"."+string(sub), n)
				}
			})
		default:
			if n, ok := chatInt(v); ok {
				sc.SetUsageDetail(string(key), n)
			}
		}
	})
}

// usageMembers calls member for each member of the JSON object raw (valid
// JSON: a usage object already decoded), in order, with its key and value.
// A key that holds an escape is read by encoding/json (chatMembers), the
// common case by jsonscan, without its allocations: the usage of every
// stream is read so, the two-line summary's too.
func usageMembers(raw []byte, member func(key, v []byte)) {
	if bytes.IndexByte(raw, '\\') >= 0 {
		chatMembers(raw, func(key string, v json.RawMessage) { member([]byte(key), v) })
		return
	}
	s := jsonscan.New(raw)
	s.Object(func(key []byte) bool {
		v, ok := s.Value()
		if ok && len(v) > 0 {
			member(key, v)
		}
		return ok
	})
}
