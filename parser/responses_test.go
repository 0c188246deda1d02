package parser_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// respSummary is the part of a snapshot that the Responses table checks.
type respSummary struct {
	Model, ResponseID                string
	Status                           string
	ErrorType, ErrorMessage          string
	Complete                         bool
	StopReason                       string
	Input, Output, Cached, Reasoning int64
	UsageSource                      string
	Text, Thinking                   string
	ToolCalls                        []streamctx.ToolCallSnapshot
	Warnings                         []string
	BadEvents                        int
}

func respProject(s streamctx.Snapshot) respSummary {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return respSummary{
		Model: str(s.Model), ResponseID: str(s.ResponseID),
		Status: s.Status.String(), ErrorType: str(s.ErrorType), ErrorMessage: str(s.ErrorMessage),
		Complete: s.Complete, StopReason: str(s.StopReason),
		Input: s.InputTokens, Output: s.OutputTokens, Cached: s.CachedTokens, Reasoning: s.ReasoningTokens,
		UsageSource: s.UsageSource,
		Text:        s.Text, Thinking: s.Thinking,
		ToolCalls: s.ToolCalls, Warnings: s.Warnings, BadEvents: s.BadEvents,
	}
}

// respData frames each JSON payload as "data: ...\n\n", as OpenRouter does.
func respData(payloads ...string) string {
	var b strings.Builder
	for _, p := range payloads {
		b.WriteString("data: " + p + "\n\n")
	}
	return b.String()
}

// Payloads shared by the cases.
const (
	respCreated    = `{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","model":"m-1","status":"in_progress","usage":null,"error":null}}`
	respCompleted  = `{"type":"response.completed","response":{"id":"resp_1","model":"m-1","status":"completed","error":null,"usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":8},"total_tokens":30}}}`
	respMsgAdded   = `{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}}`
	respDeltaHel   = `{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel"}`
	respDeltaLo    = `{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo"}`
	respTextDone   = `{"type":"response.output_text.done","item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello"}`
	respMsgDone    = `{"type":"response.output_item.done","output_index":0,"item":{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","text":"Hello","annotations":[]}],"role":"assistant"}}`
	respFnAdded    = `{"type":"response.output_item.added","output_index":0,"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_1","name":"get_weather"}}`
	respFnDelta1   = `{"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":0,"delta":"{\"city\":"}`
	respFnDelta2   = `{"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":0,"delta":"\"Paris\"}"}`
	respFnArgsDone = `{"type":"response.function_call_arguments.done","item_id":"fc_1","output_index":0,"arguments":"{\"city\": \"Paris\"}"}`
	respFnDone     = `{"type":"response.output_item.done","output_index":0,"item":{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"city\": \"Paris\"}","call_id":"call_1","name":"get_weather"}}`
)

// respCompletedSummary is the summary of a stream that ends with
// respCompleted.
func respCompletedSummary(s respSummary) respSummary {
	s.Model, s.ResponseID = "m-1", "resp_1"
	if s.Status == "" {
		s.Status = "ok"
	}
	s.Complete, s.StopReason = true, "completed"
	s.Input, s.Output, s.Cached, s.Reasoning, s.UsageSource = 10, 20, 4, 8, "provider"
	if s.ToolCalls == nil {
		s.ToolCalls = []streamctx.ToolCallSnapshot{}
	}
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	return s
}

// respCutOff is the summary of a stream that starts with respCreated and ends
// without a terminal event.
func respCutOff(s respSummary) respSummary {
	s.Model, s.ResponseID = "m-1", "resp_1"
	s.Status = "failed"
	if s.UsageSource == "" {
		s.UsageSource = "none"
	}
	if s.ToolCalls == nil {
		s.ToolCalls = []streamctx.ToolCallSnapshot{}
	}
	if s.Warnings == nil {
		s.Warnings = []string{}
	}
	return s
}

const respCutOffWarning = "the stream ended without response.completed, response.incomplete or response.failed: it was cut off"

func TestResponses(t *testing.T) {
	t.Parallel()
	weather := []streamctx.ToolCallSnapshot{{ID: "call_1", Name: "get_weather", Arguments: `{"city": "Paris"}`}}
	tests := []struct {
		name  string
		input string
		want  respSummary
	}{
		{
			name: "text_with_event_lines",
			input: "event: response.created\ndata: " + respCreated + "\n\n" +
				"event: response.output_text.delta\ndata: " + respDeltaHel + "\n\n" +
				"event: response.output_text.delta\ndata: " + respDeltaLo + "\n\n" +
				"event: response.completed\ndata: " + respCompleted + "\n\n",
			want: respCompletedSummary(respSummary{Text: "Hello"}),
		},
		{
			name:  "no_event_lines_and_done_terminator_openrouter",
			input: ": OPENROUTER PROCESSING\n\n" + respData(respCreated, respDeltaHel, respDeltaLo, respCompleted, "[DONE]"),
			want:  respCompletedSummary(respSummary{Text: "Hello"}),
		},
		{
			name: "data_before_event_bedrock",
			input: "data: " + respCreated + "\nevent: response.created\n\n" +
				"data: " + respDeltaHel + "\nevent: response.output_text.delta\n\n" +
				"data: " + respCompleted + "\nevent: response.completed\n\n",
			want: respCompletedSummary(respSummary{Text: "Hel"}),
		},
		{
			name: "event_line_differs_from_json_type_warns_once_json_wins",
			input: "event: response.created\ndata: " + respCreated + "\n\n" +
				"event: message\ndata: " + respDeltaHel + "\n\n" +
				"event: message\ndata: " + respDeltaLo + "\n\n" +
				"event: response.completed\ndata: " + respCompleted + "\n\n",
			want: respCompletedSummary(respSummary{Text: "Hello", Warnings: []string{
				`line 4: the event: line says "message" but the JSON type is "response.output_text.delta"; the JSON type was used`,
			}}),
		},
		{
			name: "event_line_supplies_a_missing_json_type",
			input: respData(respCreated) +
				"event: response.output_text.delta\ndata: {\"item_id\":\"msg_1\",\"delta\":\"Hi\"}\n\n" +
				respData(respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hi"}),
		},
		{
			name: "usage_null_does_not_erase",
			input: respData(
				`{"type":"response.in_progress","response":{"id":"resp_1","model":"m-1","status":"in_progress","usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":8}}}}`,
				respDeltaHel,
				`{"type":"response.completed","response":{"id":"resp_1","model":"m-1","status":"completed","usage":null}}`,
			),
			want: respCompletedSummary(respSummary{Text: "Hel"}),
		},
		{
			name: "usage_absent_details_do_not_erase_explicit_zero_replaces",
			input: respData(
				`{"type":"response.in_progress","response":{"id":"resp_1","model":"m-1","usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":99,"output_tokens_details":{"reasoning_tokens":8}}}}`,
				`{"type":"response.completed","response":{"id":"resp_1","model":"m-1","status":"completed","usage":{"input_tokens":10,"input_tokens_details":null,"output_tokens":0}}}`,
			),
			want: func() respSummary {
				s := respCompletedSummary(respSummary{})
				s.Output = 0 // an explicit 0 replaces 99; absent details keep cached 4 and reasoning 8
				return s
			}(),
		},
		{
			name: "incomplete_keeps_usage_and_warns_reason",
			input: respData(respCreated, respDeltaHel,
				`{"type":"response.incomplete","response":{"id":"resp_1","model":"m-1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":8}}}}`),
			want: func() respSummary {
				s := respCompletedSummary(respSummary{Text: "Hel", Warnings: []string{"line 5: the response is incomplete: max_output_tokens"}})
				s.StopReason = "incomplete"
				return s
			}(),
		},
		{
			name: "failed_with_error_object",
			input: respData(respCreated,
				`{"type":"response.failed","response":{"id":"resp_1","model":"m-1","status":"failed","error":{"code":"server_error","message":"boom"},"usage":null}}`),
			want: respSummary{
				Model: "m-1", ResponseID: "resp_1", Status: "failed", ErrorType: "server_error", ErrorMessage: "boom",
				Complete: true, StopReason: "failed", UsageSource: "none",
				ToolCalls: []streamctx.ToolCallSnapshot{}, Warnings: []string{},
			},
		},
		{
			name: "failed_without_error_object",
			input: respData(respCreated,
				`{"type":"response.failed","response":{"id":"resp_1","model":"m-1","status":"failed","error":null}}`),
			want: respSummary{
				Model: "m-1", ResponseID: "resp_1", Status: "failed", ErrorType: "response_failed",
				ErrorMessage: "response.failed without an error object",
				Complete:     true, StopReason: "failed", UsageSource: "none",
				ToolCalls: []streamctx.ToolCallSnapshot{}, Warnings: []string{},
			},
		},
		{
			// As OpenAI documents it (openai-python ResponseErrorEvent:
			// code, message, param at the top level).
			name:  "error_event_documented_shape_midstream",
			input: respData(respCreated, respDeltaHel, `{"type":"error","code":"rate_limit_exceeded","message":"slow down","param":null,"sequence_number":2}`),
			want:  respCutOff(respSummary{Text: "Hel", ErrorType: "rate_limit_exceeded", ErrorMessage: "slow down"}),
		},
		{
			// As OpenAI sent it (openai/responses-error-then-failed.sse):
			// nested in "error"; the response.failed that follows has a
			// different code and message, and the first error is kept.
			name: "error_event_nested_shape_then_failed_keeps_first",
			input: respData(respCreated,
				`{"type":"error","sequence_number":1,"error":{"type":"insufficient_quota","code":"insufficient_quota","message":"quota","param":null}}`,
				`{"type":"response.failed","sequence_number":2,"response":{"id":"resp_1","model":"m-1","status":"failed","error":{"code":"other","message":"later"}}}`),
			want: respSummary{
				Model: "m-1", ResponseID: "resp_1", Status: "failed", ErrorType: "insufficient_quota", ErrorMessage: "quota",
				Complete: true, StopReason: "failed", UsageSource: "none",
				ToolCalls: []streamctx.ToolCallSnapshot{}, Warnings: []string{},
			},
		},
		{
			name:  "typeless_chat_style_error_object",
			input: respData(respCreated, respDeltaHel, `{"error":{"message":"upstream died","type":"server_error","code":502}}`),
			want:  respCutOff(respSummary{Text: "Hel", ErrorType: "server_error", ErrorMessage: "upstream died"}),
		},
		{
			name:  "typeless_object_without_error_is_warned_once",
			input: respData(respCreated, `{"error":null,"x":1}`, `{"y":2}`, respDeltaHel, respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel", Warnings: []string{
				"line 3: an event without a type was ignored",
			}}),
		},
		{
			name: "error_placeholder_in_a_live_response_is_not_a_failure",
			input: respData(`{"type":"response.in_progress","response":{"id":"resp_1","model":"m-1","error":{}}}`,
				respDeltaHel, respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel"}),
		},
		{
			name:  "cut_off_keeps_text_and_tool_call",
			input: respData(respCreated, respDeltaHel, respFnAdded, respFnDelta1),
			want: respCutOff(respSummary{Text: "Hel", Warnings: []string{respCutOffWarning},
				ToolCalls: []streamctx.ToolCallSnapshot{{ID: "call_1", Name: "get_weather", Arguments: `{"city":`}}}),
		},
		{
			name:  "cut_off_mid_json",
			input: respData(respCreated, respDeltaHel) + `data: {"type":"response.output_text.delta","delta":"lo`,
			want: respCutOff(respSummary{Text: "Hel", BadEvents: 1, Warnings: []string{
				"line 5: the input ended inside this event (no blank line after it); it was read anyway",
				"line 5: event data: unexpected end of JSON input",
				respCutOffWarning,
			}}),
		},
		{
			name:  "no_trailing_blank_line",
			input: respData(respCreated, respDeltaHel) + "data: " + respCompleted,
			want: respCompletedSummary(respSummary{Text: "Hel", Warnings: []string{
				"line 5: the input ended inside this event (no blank line after it); it was read anyway",
			}}),
		},
		{
			name:  "tool_call_done_replaces_deltas",
			input: respData(respCreated, respFnAdded, respFnDelta1, respFnDelta2, respFnArgsDone, respFnDone, respCompleted),
			want:  respCompletedSummary(respSummary{ToolCalls: weather}),
		},
		{
			name:  "tool_call_from_item_done_alone",
			input: respData(respCreated, respFnDone, respCompleted),
			want:  respCompletedSummary(respSummary{ToolCalls: weather}),
		},
		{
			name:  "tool_call_deltas_without_done_events",
			input: respData(respCreated, respFnAdded, respFnDelta1, respFnDelta2, respCompleted),
			want: respCompletedSummary(respSummary{ToolCalls: []streamctx.ToolCallSnapshot{
				{ID: "call_1", Name: "get_weather", Arguments: `{"city":"Paris"}`}}}),
		},
		{
			name: "parallel_tool_calls_interleaved_by_item_id",
			input: respData(respCreated, respFnAdded,
				`{"type":"response.output_item.added","output_index":1,"item":{"id":"fc_2","type":"function_call","arguments":"","call_id":"call_2","name":"get_time"}}`,
				respFnDelta1,
				`{"type":"response.function_call_arguments.delta","item_id":"fc_2","output_index":1,"delta":"{}"}`,
				respFnDelta2, respCompleted),
			want: respCompletedSummary(respSummary{ToolCalls: []streamctx.ToolCallSnapshot{
				{ID: "call_1", Name: "get_weather", Arguments: `{"city":"Paris"}`},
				{ID: "call_2", Name: "get_time", Arguments: `{}`}}}),
		},
		{
			name: "tool_call_keyed_by_output_index_without_item_ids",
			input: respData(respCreated,
				`{"type":"response.output_item.added","output_index":3,"item":{"type":"function_call","call_id":"call_9","name":"f"}}`,
				`{"type":"response.function_call_arguments.delta","output_index":3,"delta":"{\"x\""}`,
				`{"type":"response.function_call_arguments.delta","output_index":3,"delta":":1}"}`,
				respCompleted),
			want: respCompletedSummary(respSummary{ToolCalls: []streamctx.ToolCallSnapshot{{ID: "call_9", Name: "f", Arguments: `{"x":1}`}}}),
		},
		{
			name: "tool_call_added_with_id_deltas_by_output_index",
			input: respData(respCreated, respFnAdded,
				`{"type":"response.function_call_arguments.delta","output_index":0,"delta":"{}"}`,
				respCompleted),
			want: respCompletedSummary(respSummary{ToolCalls: []streamctx.ToolCallSnapshot{{ID: "call_1", Name: "get_weather", Arguments: `{}`}}}),
		},
		{
			name: "custom_tool_call_input",
			input: respData(respCreated,
				`{"type":"response.output_item.added","output_index":0,"item":{"id":"ctc_1","type":"custom_tool_call","call_id":"call_c","name":"exec","input":""}}`,
				`{"type":"response.custom_tool_call_input.delta","item_id":"ctc_1","output_index":0,"delta":"ls "}`,
				`{"type":"response.custom_tool_call_input.delta","item_id":"ctc_1","output_index":0,"delta":"-l"}`,
				`{"type":"response.custom_tool_call_input.done","item_id":"ctc_1","output_index":0,"input":"ls -l"}`,
				respCompleted),
			want: respCompletedSummary(respSummary{ToolCalls: []streamctx.ToolCallSnapshot{{ID: "call_c", Name: "exec", Arguments: "ls -l"}}}),
		},
		{
			name: "server_tools_are_not_client_tool_calls",
			input: respData(respCreated,
				`{"type":"response.output_item.added","output_index":0,"item":{"id":"ws_1","type":"web_search_call","status":"in_progress"}}`,
				`{"type":"response.web_search_call.searching","output_index":0,"item_id":"ws_1"}`,
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"ws_1","type":"web_search_call","status":"completed","action":{"type":"search","query":"q"}}}`,
				`{"type":"response.output_item.added","output_index":1,"item":{"id":"ci_1","type":"code_interpreter_call","code":""}}`,
				`{"type":"response.code_interpreter_call_code.delta","output_index":1,"item_id":"ci_1","delta":"print(1)"}`,
				respCompleted),
			want: respCompletedSummary(respSummary{}),
		},
		{
			name:  "text_from_done_events_when_no_deltas_counted_once",
			input: respData(respCreated, respMsgAdded, respTextDone, respMsgDone, strings.Replace(respCompleted, `"error":null`, `"output":[{"id":"msg_1","type":"message","content":[{"type":"output_text","text":"Hello"}]}]`, 1)),
			want:  respCompletedSummary(respSummary{Text: "Hello"}),
		},
		{
			name:  "text_from_item_done_when_no_text_events",
			input: respData(respCreated, respMsgAdded, respMsgDone, respCompleted),
			want:  respCompletedSummary(respSummary{Text: "Hello"}),
		},
		{
			name: "text_thinking_and_tool_call_from_final_response_alone",
			input: respData(respCreated, strings.Replace(respCompleted, `"error":null`, `"output":[`+
				`{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Plan."}]},`+
				`{"id":"msg_1","type":"message","content":[{"type":"output_text","text":"Hi"},{"type":"refusal","refusal":" no"}]},`+
				`{"id":"fc_1","type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\": \"Paris\"}"}]`, 1)),
			want: respCompletedSummary(respSummary{Text: "Hi no", Thinking: "Plan.", ToolCalls: weather}),
		},
		{
			name:  "deltas_win_over_done_item_and_final_texts",
			input: respData(respCreated, respMsgAdded, respDeltaHel, `{"type":"response.output_text.done","item_id":"msg_1","text":"DIFFERENT"}`, respMsgDone, strings.Replace(respCompleted, `"error":null`, `"output":[{"id":"msg_x","type":"message","content":[{"type":"output_text","text":"Hello"}]}]`, 1)),
			want:  respCompletedSummary(respSummary{Text: "Hel"}),
		},
		{
			name:  "refusal_delta_is_text",
			input: respData(respCreated, `{"type":"response.refusal.delta","item_id":"msg_1","content_index":0,"delta":"I can't"}`, `{"type":"response.refusal.done","item_id":"msg_1","content_index":0,"refusal":"I can't"}`, respCompleted),
			want:  respCompletedSummary(respSummary{Text: "I can't"}),
		},
		{
			// SOURCES.md counts the plain concatenation of the summary
			// deltas (2022 characters in openai/responses-reasoning-summary);
			// sseinspect separates the parts with a blank line.
			name: "summary_parts_joined_by_blank_line",
			input: respData(respCreated,
				`{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[],"encrypted_content":"gAAA"}}`,
				`{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","summary_index":0,"delta":"**A**\n\nOne."}`,
				`{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","summary_index":0,"delta":" Two."}`,
				`{"type":"response.reasoning_summary_text.done","item_id":"rs_1","summary_index":0,"text":"**A**\n\nOne. Two."}`,
				`{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","summary_index":1,"delta":"**B**"}`,
				respDeltaHel, respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel", Thinking: "**A**\n\nOne. Two.\n\n**B**"}),
		},
		{
			name: "reasoning_text_deltas_deepseek",
			input: respData(respCreated,
				`{"type":"response.reasoning_text.delta","item_id":"rs_1","content_index":0,"delta":"We need"}`,
				`{"type":"response.reasoning_text.delta","item_id":"rs_1","content_index":0,"delta":" Paris."}`,
				`{"type":"response.reasoning_text.done","item_id":"rs_1","content_index":0,"text":"We need Paris."}`,
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[],"content":[{"type":"reasoning_text","text":"We need Paris."}]}}`,
				respDeltaHel, respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel", Thinking: "We need Paris."}),
		},
		{
			name: "thinking_from_item_done_when_no_deltas",
			input: respData(respCreated,
				`{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"S0"},{"type":"summary_text","text":"S1"}],"content":[{"type":"reasoning_text","text":"raw"}]}}`,
				respCompleted),
			want: respCompletedSummary(respSummary{Thinking: "S0\n\nS1\n\nraw"}),
		},
		{
			name:  "not_json_data_is_a_bad_event",
			input: respData(respCreated, "hello", respDeltaHel, respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel", BadEvents: 1, Warnings: []string{
				"line 3: event data: invalid character 'h' looking for beginning of value",
			}}),
		},
		{
			name:  "json_that_is_not_an_object_is_a_bad_event",
			input: "event: response.output_text.delta\ndata: [1,2]\n\n" + respData(respCompleted),
			want: respCompletedSummary(respSummary{BadEvents: 1, Warnings: []string{
				"line 1: response.output_text.delta event: data is not a JSON object",
			}}),
		},
		{
			name:  "non_string_delta_is_a_bad_event",
			input: respData(respCreated, `{"type":"response.output_text.delta","item_id":"msg_1","delta":5}`, respDeltaHel, respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel", BadEvents: 1, Warnings: []string{
				"line 3: response.output_text.delta event: delta is a JSON number, not a string",
			}}),
		},
		{
			name:  "non_string_type_is_a_bad_event",
			input: respData(respCreated, `{"type":7,"delta":"x"}`, respDeltaHel, respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel", BadEvents: 1, Warnings: []string{
				"line 3: event data: type is a JSON number, not a string",
			}}),
		},
		{
			name:  "non_numeric_usage_is_a_bad_event_but_completes",
			input: respData(respCreated, respDeltaHel, `{"type":"response.completed","response":{"id":"resp_1","model":"m-1","status":"completed","usage":{"input_tokens":"ten"}}}`),
			want: func() respSummary {
				s := respCompletedSummary(respSummary{Text: "Hel", BadEvents: 1, Warnings: []string{
					"line 5: response.completed event: response.usage.input_tokens is a JSON string, not an integer",
				}})
				s.Input, s.Output, s.Cached, s.Reasoning, s.UsageSource = 0, 0, 0, 0, "none"
				return s
			}(),
		},
		{
			name: "unknown_event_type_warns_once_per_type",
			input: respData(respCreated, `{"type":"response.future.thing"}`, `{"type":"response.future.thing"}`,
				`{"type":"response.other.thing"}`, respDeltaHel, respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel", Warnings: []string{
				`line 3: unknown event type "response.future.thing"`,
				`line 7: unknown event type "response.other.thing"`,
			}}),
		},
		{
			name: "keepalive_and_object_deltas_of_other_events_are_silent",
			input: respData(respCreated, `{"type":"keepalive","sequence_number":1}`,
				`{"type":"response.shell_call_output_content.delta","item_id":"sh_1","delta":{"stdout":"x"},"sequence_number":2}`,
				respDeltaHel, respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel"}),
		},
		{
			name: "sequence_gap_warns_once",
			input: respData(respCreated,
				`{"type":"response.output_text.delta","delta":"a","sequence_number":1}`,
				`{"type":"response.output_text.delta","delta":"b","sequence_number":3}`,
				`{"type":"response.output_text.delta","delta":"c","sequence_number":2}`,
				respCompleted),
			want: respCompletedSummary(respSummary{Text: "abc", Warnings: []string{
				"line 5: sequence_number 3 follows 1: events are missing or out of order",
			}}),
		},
		{
			name: "background_resume_starting_at_queued_is_fine",
			input: respData(`{"type":"response.queued","sequence_number":5,"response":{"id":"resp_1","model":"m-1","status":"queued"}}`,
				`{"type":"response.output_text.delta","delta":"Hel","sequence_number":6}`,
				respCompleted),
			want: respCompletedSummary(respSummary{Text: "Hel"}),
		},
		{
			name:  "completed_without_response_object",
			input: respData(respCreated, respDeltaHel, `{"type":"response.completed"}`),
			want: respSummary{
				Model: "m-1", ResponseID: "resp_1", Status: "ok", Complete: true, StopReason: "completed",
				UsageSource: "none", Text: "Hel", ToolCalls: []streamctx.ToolCallSnapshot{}, Warnings: []string{},
			},
		},
		{
			name:  "empty_data_is_warned_once",
			input: respData(respCreated, "", "", respDeltaHel, respCompleted),
			want:  respCompletedSummary(respSummary{Text: "Hel", Warnings: []string{"line 3: an event with empty data was ignored"}}),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := mustSummarize(t, tc.input, "openai-responses")
			assert.Equal(t, tc.want, respProject(got))
		})
	}
}

// TestResponsesDetected checks that auto-detection picks this parser for
// streams with and without event lines.
func TestResponsesDetected(t *testing.T) {
	t.Parallel()
	for _, input := range []string{
		respData(respCreated, respDeltaHel, respCompleted, "[DONE]"),
		"data: " + respCreated + "\nevent: response.created\n\n",
	} {
		got := mustSummarize(t, input, "")
		assert.Equal(t, "openai-responses", got.Format)
	}
}

// respCaptures are this parser's captures.
func respCaptures(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, g := range []string{"openai/responses-*.sse", "deepseek/responses-*.sse", "bedrock-mantle/*.sse", "lmstudio/*.sse", "openrouter/responses-*.sse"} {
		m, err := filepath.Glob(filepath.Join(capturesDir, g))
		require.NoError(tb, err)
		files = append(files, m...)
	}
	require.NotEmpty(tb, files)
	return files
}

// respEventType finds the type of an event block.
var respEventType = regexp.MustCompile(`"type": ?"((?:response\.)?[a-z_.]+)"`)

// respLongString is a JSON string longer than 64 characters.
var respLongString = regexp.MustCompile(`"((?:[^"\\]|\\.){32})(?:[^"\\]|\\.){32,}"`)

// respSeed shortens a capture for the fuzzer: it keeps at most 2 events of
// each type, in order, and cuts long strings (encrypted reasoning, text) to
// 32 bytes. With whole captures (up to 200 KB) every execution, and the
// minimization of every new input, is so slow that the fuzzer stalls.
func respSeed(b []byte) []byte {
	seen := map[string]int{}
	var out []byte
	for _, block := range bytes.SplitAfter(b, []byte("\n\n")) {
		key := ""
		if m := respEventType.FindSubmatch(block); m != nil {
			key = string(m[1])
		}
		if seen[key] < 2 {
			seen[key]++
			out = append(out, block...)
		}
	}
	return respLongString.ReplaceAll(out, []byte(`"$1"`))
}

// FuzzResponses replays arbitrary bytes as an openai-responses stream: no
// panic, Replay returns, and reading one byte at a time gives the same
// summary (for inputs up to 4 KB). It is seeded with this parser's captures (the long ones
// shortened, see respSeed).
func FuzzResponses(f *testing.F) {
	for _, path := range respCaptures(f) {
		b, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(respSeed(b))
	}
	f.Add([]byte(respData(respCreated, respFnAdded, respFnDelta1, `{"type":"error","error":{"message":"x"}}`)))
	f.Add([]byte(respData(respCreated, `{"type":"response.incomplete","response":{"incomplete_details":{"reason":1},"usage":{"input_tokens":1}}}`)))
	f.Add([]byte("event: response.output_text.delta\ndata: {\"delta\":\"\\u00e9\"}\n\ndata: [DONE]\n"))
	f.Add([]byte(respData(respCreated,
		`{"type":"response.output_item.added","output_index":0,"item":{"id":"ci_1","type":"code_interpreter_call","code":"","container_id":"c"}}`,
		`{"type":"response.code_interpreter_call_code.delta","output_index":0,"item_id":"ci_1","delta":"1+"}`,
		`{"type":"response.mcp_call_arguments.delta","output_index":1,"delta":"{"}`,
		`{"type":"response.mcp_call.failed","output_index":1}`,
		`{"type":"response.output_text.annotation.added","annotation":{"type":"url_citation","url":"u"}}`,
		`{"type":"response.completed","response":{"output":[{"type":"web_search_call","action":{"type":"search","query":"q"}},{"type":"message","content":[{"type":"output_text","annotations":[{"type":"file_path","file_id":"f"}]}]}]}}`)))
	f.Fuzz(func(t *testing.T, input []byte) {
		whole, err := summarize(t, bytes.NewReader(input), "openai-responses")
		if len(input) > 4<<10 {
			return // byte-wise reads of long inputs make the fuzzer crawl
		}
		bytewise, err2 := summarize(t, iotest.OneByteReader(bytes.NewReader(input)), "openai-responses")
		assert.Equal(t, err == nil, err2 == nil)
		if err == nil && err2 == nil {
			assert.Equal(t, string(marshal(t, whole)), string(marshal(t, bytewise)))
		}
	})
}

// BenchmarkResponses replays the longest captures: the summary path (no
// text, no chunks kept) that `sseinspect summarize` takes.
func BenchmarkResponses(b *testing.B) {
	for _, name := range []string{"openai/responses-reasoning-summary.sse", "lmstudio/responses-local-gemma.sse"} {
		input, err := os.ReadFile(filepath.Join(capturesDir, name))
		require.NoError(b, err)
		b.Run(strings.TrimSuffix(filepath.Base(name), ".sse"), func(b *testing.B) {
			b.SetBytes(int64(len(input)))
			b.ReportAllocs()
			for b.Loop() {
				sc := streamctx.New(streamctx.Options{})
				_, err := parser.Replay(bytes.NewReader(input), sc, parser.Options{Format: "openai-responses"})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestResponsesDeltaBytes: with the text kept, the deltas of text and
// thinking are appended as bytes (borrowed from the event or decoded into
// an arena, ahead in the pipeline or not): escapes, surrogate pairs, null
// and a delta of another type give what a string decoding gave. The
// events are made by hand.
func TestResponsesDeltaBytes(t *testing.T) {
	t.Parallel()
	text := func(delta string) string {
		return `{"type":"response.output_text.delta","item_id":"msg_1","output_index":1,"content_index":0,"delta":` + delta + `}`
	}
	think := func(item, delta string) string {
		return `{"type":"response.reasoning_summary_text.delta","item_id":"` + item + `","output_index":0,"summary_index":0,"delta":` + delta + `}`
	}
	in := respData(respCreated,
		think("rs_1", `"x\"y"`), think("rs_1", `"\u00e9"`), think("rs_2", `"z\n"`), think("rs_2", `null`),
		respMsgAdded, text(`"a\nb"`), text(`"\u00e9\ud83d\ude80"`), text(`""`), text(`null`), text(`"plain <&>"`),
		text(`7`), respCompleted)
	s := replayBoth(t, []byte(in), true, nil, parser.Options{Format: "openai-responses"})
	assert.Equal(t, "a\nbé🚀plain <&>", s.Text)
	assert.Equal(t, "x\"yé\n\nz\n", s.Thinking)
	assert.Equal(t, 1, s.BadEvents, "the delta 7")
}
