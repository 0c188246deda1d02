package parser_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// TestResponsesServerToolsAndCitations: server tool items become
// server_tool_calls, output_text annotations citations; both only where
// the text is kept. The streams are hand-made, in the shapes of the
// captures openai/responses-*.sse and openai-python's types.
func TestResponsesServerToolsAndCitations(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		name      string
		events    []string
		tools     []streamctx.ServerToolCallSnapshot
		citations []streamctx.Citation
		toolCalls int // client tool calls
		warnings  []string
	}{
		{
			name: "web_search_action_without_sources",
			events: []string{
				`{"type":"response.output_item.added","output_index":0,"item":{"id":"ws_1","type":"web_search_call","status":"in_progress"}}`,
				`{"type":"response.web_search_call.searching","output_index":0,"item_id":"ws_1"}`,
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"ws_1","type":"web_search_call","status":"completed","action":{"type":"search","queries":["a <b>"],"query":"a <b>","sources":[{"type":"url","url":"https://s"}]}}}`,
			},
			tools: []streamctx.ServerToolCallSnapshot{{Type: "web_search_call", Name: "web_search", ID: "ws_1",
				Input: `{"type":"search","query":"a <b>","queries":["a <b>"]}`, Status: str("completed")}},
		},
		{
			// xAI: the item comes whole, with a name and arguments.
			name: "xai_web_search_arguments",
			events: []string{
				`{"type":"response.output_item.added","output_index":0,"item":{"arguments":"{\"query\":\"q\"}","call_id":"","name":"web_search","type":"web_search_call","id":"fc_1","status":"completed"}}`,
			},
			tools: []streamctx.ServerToolCallSnapshot{{Type: "web_search_call", Name: "web_search", ID: "fc_1", Input: `{"query":"q"}`, Status: str("completed")}},
		},
		{
			// The stream is cut in the code's deltas: the status is the
			// last status event's, the input made of the deltas.
			name: "code_interpreter_cut_in_its_deltas",
			events: []string{
				`{"type":"response.output_item.added","output_index":0,"item":{"id":"ci_1","type":"code_interpreter_call","status":"in_progress","code":"","container_id":"cntr_1","outputs":null}}`,
				`{"type":"response.code_interpreter_call.in_progress","output_index":0,"item_id":"ci_1"}`,
				`{"type":"response.code_interpreter_call_code.delta","output_index":0,"item_id":"ci_1","delta":"print("}`,
				`{"type":"response.code_interpreter_call_code.delta","output_index":0,"item_id":"ci_1","delta":"\"x\""}`,
			},
			tools: []streamctx.ServerToolCallSnapshot{{Type: "code_interpreter_call", Name: "code_interpreter", ID: "ci_1",
				Input: `{"code":"print(\"x\"","container_id":"cntr_1"}`, Status: str("in_progress")}},
			warnings: []string{"the stream ended without response.completed, response.incomplete or response.failed: it was cut off"},
		},
		{
			name: "code_interpreter_done_replaces_the_deltas",
			events: []string{
				`{"type":"response.output_item.added","output_index":0,"item":{"id":"ci_1","type":"code_interpreter_call","status":"in_progress","code":"","container_id":"cntr_1"}}`,
				`{"type":"response.code_interpreter_call_code.delta","output_index":0,"item_id":"ci_1","delta":"1+"}`,
				`{"type":"response.code_interpreter_call_code.done","output_index":0,"item_id":"ci_1","code":"1+1"}`,
				`{"type":"response.code_interpreter_call.interpreting","output_index":0,"item_id":"ci_1"}`,
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"ci_1","type":"code_interpreter_call","status":"failed","code":"1+1","container_id":"cntr_1","outputs":null}}`,
			},
			tools: []streamctx.ServerToolCallSnapshot{{Type: "code_interpreter_call", Name: "code_interpreter", ID: "ci_1",
				Input: `{"code":"1+1","container_id":"cntr_1"}`, Status: str("failed")}},
		},
		{
			name: "mcp_list_tools_and_a_failed_mcp_call",
			events: []string{
				`{"type":"response.output_item.added","output_index":0,"item":{"id":"mcpl_1","type":"mcp_list_tools","server_label":"wiki","tools":[]}}`,
				`{"type":"response.mcp_list_tools.completed","output_index":0,"item_id":"mcpl_1"}`,
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"mcpl_1","type":"mcp_list_tools","server_label":"wiki","tools":[{"name":"ask","input_schema":{}}]}}`,
				`{"type":"response.output_item.added","output_index":1,"item":{"id":"mcp_1","type":"mcp_call","status":"in_progress","arguments":"","error":null,"name":"ask","output":null,"server_label":"wiki"}}`,
				`{"type":"response.mcp_call_arguments.delta","output_index":1,"item_id":"mcp_1","delta":"{\"q\":"}`,
				`{"type":"response.mcp_call_arguments.delta","output_index":1,"item_id":"mcp_1","delta":"1}"}`,
				`{"type":"response.mcp_call.failed","output_index":1,"item_id":"mcp_1"}`,
				`{"type":"response.output_item.done","output_index":1,"item":{"id":"mcp_1","type":"mcp_call","arguments":"{\"q\":1}","error":"Error: 424","name":"ask","output":null,"server_label":"wiki"}}`,
			},
			tools: []streamctx.ServerToolCallSnapshot{
				{Type: "mcp_list_tools", Name: "wiki", ID: "mcpl_1", Status: str("completed")},
				{Type: "mcp_call", Name: "wiki.ask", ID: "mcp_1", Input: `{"q":1}`, Status: str("failed"), Error: str("Error: 424")},
			},
		},
		{
			name: "mcp_list_tools_error_object_without_status",
			events: []string{
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"mcpl_1","type":"mcp_list_tools","server_label":"wiki","tools":[],"error":{"code":424, "message":"down"}}}`,
			},
			tools: []streamctx.ServerToolCallSnapshot{{Type: "mcp_list_tools", Name: "wiki", ID: "mcpl_1", Status: str("failed"), Error: str(`{"code":424,"message":"down"}`)}},
		},
		{
			// The image is never read: only the revised prompt is the input.
			name: "image_generation",
			events: []string{
				`{"type":"response.output_item.added","output_index":0,"item":{"id":"ig_1","type":"image_generation_call","status":"in_progress"}}`,
				`{"type":"response.image_generation_call.partial_image","output_index":0,"item_id":"ig_1","partial_image_index":0,"partial_image_b64":"AAAA"}`,
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"ig_1","type":"image_generation_call","status":"completed","result":"AAAA","revised_prompt":"a cat"}}`,
			},
			tools: []streamctx.ServerToolCallSnapshot{{Type: "image_generation_call", Name: "image_generation", ID: "ig_1", Input: `{"revised_prompt":"a cat"}`, Status: str("completed")}},
		},
		{
			name: "file_search_queries_when_done_and_a_function_call_stays_a_tool_call",
			events: []string{
				`{"type":"response.output_item.added","output_index":0,"item":{"id":"fs_1","type":"file_search_call","status":"in_progress","queries":[],"results":null}}`,
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"fs_1","type":"file_search_call","status":"completed","queries":["capital"],"results":null}}`,
				strings.ReplaceAll(respFnDone, `"output_index":0`, `"output_index":1`),
			},
			tools:     []streamctx.ServerToolCallSnapshot{{Type: "file_search_call", Name: "file_search", ID: "fs_1", Input: `{"queries":["capital"]}`, Status: str("completed")}},
			toolCalls: 1,
		},
		{
			// Each source repeats the annotations: kept once, in first-seen
			// order. xAI's url_citation carries only the url.
			name: "annotations_from_every_source_deduplicated",
			events: []string{
				respMsgAdded,
				`{"type":"response.output_text.annotation.added","item_id":"msg_1","output_index":0,"content_index":0,"annotation_index":0,"annotation":{"type":"url_citation","url":"https://x.ai/"}}`,
				`{"type":"response.output_text.annotation.added","item_id":"msg_1","output_index":0,"content_index":0,"annotation_index":1,"annotation":{"type":"file_citation","file_id":"file-1","filename":"a.txt","index":3}}`,
				`{"type":"response.content_part.done","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"Hello","annotations":[{"type":"url_citation","url":"https://x.ai/"},{"type":"file_path","file_id":"file-2","index":1}]}}`,
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"msg_1","type":"message","content":[{"type":"output_text","text":"Hello","annotations":[{"type":"container_file_citation","container_id":"cntr_1","file_id":"cfile_1","filename":"plot.png","start_index":0,"end_index":0},{"type":"url_citation","url":"https://b","title":"B","start_index":0,"end_index":5}]}]}}`,
			},
			citations: []streamctx.Citation{
				{URL: str("https://x.ai/"), Source: "url_citation"},
				{Title: str("a.txt"), Source: "file_citation", FileID: str("file-1")},
				{Source: "file_path", FileID: str("file-2")},
				{Title: str("plot.png"), Source: "container_file_citation", FileID: str("cfile_1")},
				{URL: str("https://b"), Title: str("B"), Source: "url_citation"},
			},
		},
		{
			// A server that sends only the final response.
			name: "final_response_only",
			events: []string{
				`{"type":"response.completed","response":{"id":"resp_1","model":"m-1","status":"completed","output":[` +
					`{"id":"ws_1","type":"web_search_call","status":"completed","action":{"type":"open_page","url":"https://a"}},` +
					`{"id":"msg_1","type":"message","content":[{"type":"output_text","text":"Hi","annotations":[{"type":"url_citation","url":"https://a","title":"A"}]}]}]}}`,
			},
			tools:     []streamctx.ServerToolCallSnapshot{{Type: "web_search_call", Name: "web_search", ID: "ws_1", Input: `{"type":"open_page","url":"https://a"}`, Status: str("completed")}},
			citations: []streamctx.Citation{{URL: str("https://a"), Title: str("A"), Source: "url_citation"}},
		},
		{
			// Members of another shape are ignored without a warning, the
			// same with and without the text kept.
			name: "members_of_another_shape_are_ignored",
			events: []string{
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"ws_1","type":"web_search_call","status":"completed","action":"x"}}`,
				`{"type":"response.output_text.annotation.added","annotation":[1]}`,
				`{"type":"response.content_part.done","part":"x"}`,
				`{"type":"response.mcp_call_arguments.delta","item_id":"mcp_1","delta":{"x":1}}`,
				`{"type":"response.code_interpreter_call_code.done","item_id":"ci_1","code":1}`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			events := tt.events
			if !strings.Contains(events[len(events)-1], `"response.completed"`) && tt.warnings == nil {
				events = append(events[:len(events):len(events)], respCompleted)
			}
			input := respData(events...)
			s := mustSummarize(t, input, "openai-responses")
			assert.Equal(t, tt.tools, nilIfEmpty(s.ServerToolCalls))
			assert.Equal(t, tt.citations, nilIfEmpty(s.Citations))
			assert.Len(t, s.ToolCalls, tt.toolCalls)
			assert.Equal(t, tt.warnings, nilIfEmpty(s.Warnings))
			lean := streamctx.New(streamctx.Options{})
			_, err := parser.Replay(strings.NewReader(input), lean, parser.Options{Format: "openai-responses"})
			require.NoError(t, err)
			ls := lean.Snapshot("openai-responses", "openai")
			assert.Empty(t, ls.ServerToolCalls, "kept only with the text")
			assert.Empty(t, ls.Citations, "kept only with the text")
			assert.Equal(t, s.Warnings, ls.Warnings)
		})
	}
}

// TestResponsesUsageDetails: the members of response.usage outside the six
// token keys become usage details (the token keys keep their meaning), its
// cost members the provider cost; decoded with and without the text kept.
func TestResponsesUsageDetails(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		name     string
		usage    string // the members after input_tokens 10 and output_tokens 20
		details  streamctx.UsageDetails
		cost     streamctx.Cost
		warnings []string
	}{
		{
			name:    "openai_token_details_are_token_keys",
			usage:   `"input_tokens_details":{"cached_tokens":4},"output_tokens_details":{"reasoning_tokens":8},"total_tokens":30`,
			details: nil,
		},
		{
			// As xai/responses-reasoning-summary-cost-in-usd-ticks.sse.
			name:    "xai_counts_and_ticks",
			usage:   `"input_tokens_details":{"cached_tokens":4},"total_tokens":30,"num_sources_used":0,"num_server_side_tools_used":1,"cost_in_usd_ticks":1466250`,
			details: chatDetails("num_sources_used", "0", "num_server_side_tools_used", "1"),
			cost:    streamctx.Cost{USD: new(0.000146625), Source: str("provider"), ProviderField: str("response.usage.cost_in_usd_ticks")},
		},
		{
			name:    "openrouter_cost_and_bedrock_cache_writes",
			usage:   `"input_tokens_details":{"cache_write_tokens":3,"cached_tokens":4},"cost":1.13e-05,"is_byok":false,"cost_details":{"upstream_inference_cost":null}`,
			details: chatDetails("input_tokens_details.cache_write_tokens", "3", "cost_details", `{"upstream_inference_cost":null}`),
			cost:    streamctx.Cost{USD: new(1.13e-05), Source: str("provider"), ProviderField: str("response.usage.cost")},
		},
		{
			name:     "a_negative_count_is_left_out_and_other_shapes_ignored",
			usage:    `"output_tokens_details":{"reasoning_tokens":8,"audio_tokens":-1,"x":1.5},"extra":"word","cost":"x"`,
			warnings: []string{"usage output_tokens_details.audio_tokens is negative (-1): left out"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			input := respData(`{"type":"response.completed","response":{"id":"resp_1","model":"m-1","status":"completed","usage":{"input_tokens":10,"output_tokens":20,` + tt.usage + `}}}`)
			s := mustSummarize(t, input, "openai-responses")
			want := tt.cost
			if want.USD == nil {
				want.Reason = str("the stream reported no cost")
			}
			assert.Equal(t, want, s.Cost)
			assert.Equal(t, tt.details, nilIfEmpty(s.UsageDetails))
			assert.Equal(t, tt.warnings, nilIfEmpty(s.Warnings))
			assert.Equal(t, int64(10), s.InputTokens, "the token keys keep their meaning")
			assert.Equal(t, int64(20), s.OutputTokens)
			lean := streamctx.New(streamctx.Options{})
			_, err := parser.Replay(strings.NewReader(input), lean, parser.Options{Format: "openai-responses"})
			require.NoError(t, err)
			ls := lean.Snapshot("openai-responses", "openai")
			assert.Equal(t, s.UsageDetails, ls.UsageDetails, "always decoded")
			assert.Equal(t, s.Cost, ls.Cost, "always decoded")
		})
	}
}
