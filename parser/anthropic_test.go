package parser_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// aev is one Anthropic SSE event: an event line, a data line, a blank line.
func aev(typ, data string) string {
	return "event: " + typ + "\ndata: " + data + "\n\n"
}

// Building blocks of small Anthropic streams.
const (
	aStart = `{"type":"message_start","message":{"id":"msg_01abc","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}`
	aText0 = `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`
	aStop0 = `{"type":"content_block_stop","index":0}`
	aDelta = `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":5}}`
	aEnd   = `{"type":"message_stop"}`
)

func aTextDelta(i int, s string) string {
	return `{"type":"content_block_delta","index":` + itoa(i) + `,"delta":{"type":"text_delta","text":"` + s + `"}}`
}

func aJSONDelta(i int, s string) string {
	return `{"type":"content_block_delta","index":` + itoa(i) + `,"delta":{"type":"input_json_delta","partial_json":"` + s + `"}}`
}

func itoa(i int) string { return string(rune('0' + i)) }

// aHead is message_start and an open text block; aTail closes it and the
// message.
var (
	aHead = aev("message_start", aStart) + aev("content_block_start", aText0)
	aTail = aev("content_block_stop", aStop0) + aev("message_delta", aDelta) + aev("message_stop", aEnd)
)

// anthWant is the part of a snapshot the table checks.
type anthWant struct {
	Status     string
	Complete   bool
	Stop       string
	ErrType    string
	ErrMessage string
	ID, Model  string
	Text       string
	Thinking   string
	Tools      []streamctx.ToolCallSnapshot
	// In, Out, Cached, Creation, Reasoning, Total are the token keys.
	In, Out, Cached, Creation, Reasoning, Total int64
	Warnings                                    []string
	Bad                                         int
}

func anthGot(s streamctx.Snapshot) anthWant {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	w := anthWant{
		Status: s.Status.String(), Complete: s.Complete, Stop: str(s.StopReason),
		ErrType: str(s.ErrorType), ErrMessage: str(s.ErrorMessage),
		ID: str(s.ResponseID), Model: str(s.Model),
		Text: s.Text, Thinking: s.Thinking, Tools: s.ToolCalls,
		In: s.InputTokens, Out: s.OutputTokens, Cached: s.CachedTokens,
		Creation: s.CacheCreationTokens, Reasoning: s.ReasoningTokens, Total: s.TotalInputTokens,
		Warnings: s.Warnings, Bad: s.BadEvents,
	}
	if len(w.Tools) == 0 {
		w.Tools = nil
	}
	if len(w.Warnings) == 0 {
		w.Warnings = nil
	}
	return w
}

// okText is the want of aHead + text + aTail.
func okText(text string) anthWant {
	return anthWant{Status: "ok", Complete: true, Stop: "end_turn", ID: "msg_01abc", Model: "claude-x",
		Text: text, In: 10, Out: 5, Total: 10}
}

func TestAnthropic(t *testing.T) {
	t.Parallel()
	tool := func(id, name, args string) streamctx.ToolCallSnapshot {
		return streamctx.ToolCallSnapshot{ID: id, Name: name, Arguments: args}
	}
	toolStart := func(i int, id string) string {
		return `{"type":"content_block_start","index":` + itoa(i) + `,"content_block":{"type":"tool_use","id":"` + id + `","name":"f","input":{}}}`
	}
	stop := func(i int) string {
		return aev("content_block_stop", `{"type":"content_block_stop","index":`+itoa(i)+`}`)
	}
	tests := []struct {
		name   string
		in     string
		format string // "" detects
		want   anthWant
		// edit adjusts okText-like wants built from a base.
	}{
		{
			name: "text_lifecycle",
			in:   aHead + aev("ping", `{"type": "ping"}`) + aev("content_block_delta", aTextDelta(0, "Hel")) + aev("content_block_delta", aTextDelta(0, "lo")) + aTail,
			want: okText("Hello"),
		},
		{
			name: "padded_json_and_spaced_ping",
			in: "event: message_start\ndata: " + aStart + "          \n\n" + aev("content_block_start", aText0+"   ") +
				aev("ping", `{"type": "ping"}`) + aev("content_block_delta", aTextDelta(0, "x")+"  ") + aTail,
			want: okText("x"),
		},
		{
			// Closed blocks are forgotten (flat memory on long streams); a
			// delta that still comes for one is read and warned about.
			name: "delta_after_block_stop_is_read_and_warned",
			in: aHead + aev("content_block_delta", aTextDelta(0, "Hel")) + aev("content_block_stop", aStop0) +
				aev("content_block_delta", aTextDelta(0, "lo")) + aev("message_delta", aDelta) + aev("message_stop", aEnd),
			want: func() anthWant {
				w := okText("Hello")
				w.Warnings = []string{"line 13: content_block_delta for block 0 after its content_block_stop"}
				return w
			}(),
		},
		{
			name: "initial_text_of_block_start_is_kept",
			in: aev("message_start", aStart) + aev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Hi "}}`) +
				aev("content_block_delta", aTextDelta(0, "there")) + aTail,
			want: okText("Hi there"),
		},
		{
			name: "several_text_blocks_are_concatenated_in_arrival_order",
			in: aHead + aev("content_block_delta", aTextDelta(0, "one ")) + aev("content_block_stop", aStop0) +
				aev("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"text","text":"","citations":[]}}`) +
				aev("content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"citations_delta","citation":{"type":"web_search_result_location","cited_text":"not text"}}}`) +
				aev("content_block_delta", aTextDelta(1, "two")) + stop(1) + aev("message_delta", aDelta) + aev("message_stop", aEnd),
			want: okText("one two"),
		},
		{
			// Decided (issue 11): text blocks are joined with nothing
			// between them, as anthropic-sdk-python's get_final_text
			// does ("".join), even around a tool call; the tool call
			// stays in tool_calls.
			name: "text_blocks_around_a_tool_call_are_joined_with_nothing_between",
			in: aHead + aev("content_block_delta", aTextDelta(0, "Let me check.")) + aev("content_block_stop", aStop0) +
				aev("content_block_start", toolStart(1, "toolu_1")) + stop(1) +
				aev("content_block_start", `{"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}`) +
				aev("content_block_delta", aTextDelta(2, "It is sunny.")) + stop(2) + aev("message_delta", aDelta) + aev("message_stop", aEnd),
			want: func() anthWant {
				w := okText("Let me check.It is sunny.")
				w.Tools = []streamctx.ToolCallSnapshot{tool("toolu_1", "f", "{}")}
				return w
			}(),
		},
		{
			name: "thinking_delta_is_thinking_and_signature_is_nothing",
			in: aev("message_start", aStart) +
				aev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}`) +
				aev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think."}}`) +
				aev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}`) +
				aev("content_block_stop", aStop0) +
				aev("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`) +
				aev("content_block_delta", aTextDelta(1, "Answer")) + stop(1) + aev("message_delta", aDelta) + aev("message_stop", aEnd),
			want: func() anthWant { w := okText("Answer"); w.Thinking = "Let me think."; return w }(),
		},
		{
			name: "redacted_thinking_is_neither_text_nor_thinking",
			in: aev("message_start", aStart) +
				aev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"}}`) +
				aev("content_block_stop", aStop0) +
				aev("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`) +
				aev("content_block_delta", aTextDelta(1, "ok")) + stop(1) + aev("message_delta", aDelta) + aev("message_stop", aEnd),
			want: okText("ok"),
		},
		{
			name: "tool_use_fragments_are_assembled_by_block_index",
			in: aHead + aev("content_block_delta", aTextDelta(0, "Let me check.")) + aev("content_block_stop", aStop0) +
				aev("content_block_start", toolStart(1, "toolu_1")) +
				aev("content_block_delta", aJSONDelta(1, "")) +
				aev("content_block_delta", aJSONDelta(1, `{\"loc`)) +
				aev("content_block_delta", aJSONDelta(1, `ation\": \"Paris\"}`)) + stop(1) +
				aev("content_block_start", toolStart(2, "toolu_2")) +
				aev("content_block_delta", aJSONDelta(2, `{\"a\":1}`)) + stop(2) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":5}}`) + aev("message_stop", aEnd),
			want: func() anthWant {
				w := okText("Let me check.")
				w.Stop = "tool_use"
				w.Tools = []streamctx.ToolCallSnapshot{tool("toolu_1", "f", `{"location": "Paris"}`), tool("toolu_2", "f", `{"a":1}`)}
				return w
			}(),
		},
		{
			// The Anthropic SDKs keep the content_block_start input ({})
			// when the accumulated partial JSON stays empty
			// (anthropic-sdk-python accumulate_event: `if json_buf:`).
			name: "tool_use_with_only_empty_fragments_has_arguments_{}_like_the_sdk",
			in: aev("message_start", aStart) + aev("content_block_start", toolStart(0, "toolu_1")) +
				aev("content_block_delta", aJSONDelta(0, "")) + stop(0) +
				aev("content_block_start", toolStart(1, "toolu_2")) + stop(1) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":5}}`) + aev("message_stop", aEnd),
			want: anthWant{Status: "ok", Complete: true, Stop: "tool_use", ID: "msg_01abc", Model: "claude-x", In: 10, Out: 5, Total: 10,
				Tools: []streamctx.ToolCallSnapshot{tool("toolu_1", "f", "{}"), tool("toolu_2", "f", "{}")}},
		},
		{
			name: "tool_use_input_of_block_start_is_used_when_no_fragment_arrives",
			in: aev("message_start", aStart) +
				aev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{"city": "Oslo"}}}`) +
				stop(0) + aev("message_stop", aEnd),
			want: anthWant{Status: "ok", Complete: true, ID: "msg_01abc", Model: "claude-x", In: 10, Out: 1, Total: 10,
				Tools: []streamctx.ToolCallSnapshot{tool("toolu_1", "f", `{"city":"Oslo"}`)}},
		},
		{
			name: "max_tokens_open_tool_block_keeps_truncated_arguments_and_warns",
			in: aev("message_start", aStart) + aev("content_block_start", toolStart(0, "toolu_1")) +
				aev("content_block_delta", aJSONDelta(0, `{\"text\": \"Filing tax`)) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":124}}`) + aev("message_stop", aEnd),
			want: anthWant{Status: "ok", Complete: true, Stop: "max_tokens", ID: "msg_01abc", Model: "claude-x", In: 10, Out: 124, Total: 10,
				Tools: []streamctx.ToolCallSnapshot{tool("toolu_1", "f", `{"text": "Filing tax`)},
				Warnings: []string{
					"line 13: message_stop with content block 0 (tool_use) still open (no content_block_stop)",
					"line 10: the response is incomplete: max_tokens",
				}},
		},
		{
			// Cut off: nothing says the input is empty, so nothing is made up.
			name: "cut_off_tool_use_without_fragments_has_empty_arguments",
			in:   aev("message_start", aStart) + aev("content_block_start", toolStart(0, "toolu_1")),
			want: anthWant{Status: "failed", ID: "msg_01abc", Model: "claude-x", In: 10, Out: 1, Total: 10,
				Tools: []streamctx.ToolCallSnapshot{tool("toolu_1", "f", "")}, Warnings: []string{"the stream ended without message_stop: it was cut off"}},
		},
		{
			name: "server_tool_use_and_results_are_not_client_tool_calls",
			in: aev("message_start", aStart) +
				aev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}`) +
				aev("content_block_delta", aJSONDelta(0, `{\"query\": \"x\"}`)) + stop(0) +
				aev("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]}}`) + stop(1) +
				aev("content_block_start", `{"type":"content_block_start","index":2,"content_block":{"type":"mcp_tool_use","id":"mcptoolu_1","name":"m","server_name":"s","input":{}}}`) + stop(2) +
				aev("content_block_start", `{"type":"content_block_start","index":3,"content_block":{"type":"bash_code_execution_tool_result","tool_use_id":"srvtoolu_1","content":{"type":"bash_code_execution_result","stdout":"1\n"}}}`) + stop(3) +
				aev("content_block_start", `{"type":"content_block_start","index":4,"content_block":{"type":"text","text":""}}`) +
				aev("content_block_delta", aTextDelta(4, "Found.")) + stop(4) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":2039,"output_tokens":5,"server_tool_use":{"web_search_requests":1}}}`) + aev("message_stop", aEnd),
			want: func() anthWant { w := okText("Found."); w.In, w.Total = 2039, 2039; return w }(),
		},
		{
			name: "compaction_block_and_delta_are_not_answer_text",
			in: aev("message_start", aStart) +
				aev("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"compaction","content":null}}`) +
				aev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"compaction_delta","content":"Summary of the conversation."}}`) + stop(0) +
				aev("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`) +
				aev("content_block_delta", aTextDelta(1, "Hello!")) + stop(1) + aev("message_delta", aDelta) + aev("message_stop", aEnd),
			want: okText("Hello!"),
		},
		{
			// Anthropic's SDK types: "A compaction entry's tokens are not
			// included in the top-level usage fields." The top-level
			// usage is the provider's number: message_delta's explicit
			// cache_read 0 replaces message_start's 55096; iterations are
			// not summed.
			name: "compaction_usage_is_top_level_final_usage_per_docs_not_sum_of_iterations",
			in: aev("message_start", `{"type":"message_start","message":{"id":"msg_01abc","model":"claude-x","usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":55096,"output_tokens":7}}}`) +
				aev("content_block_start", aText0) + aev("content_block_delta", aTextDelta(0, "Hello!")) +
				aev("content_block_stop", aStop0) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":181,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":8,"iterations":[{"input_tokens":100,"output_tokens":83,"cache_read_input_tokens":55096,"cache_creation_input_tokens":0,"type":"compaction"},{"input_tokens":181,"output_tokens":8,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,"type":"message"}]}}`) +
				aev("message_stop", aEnd),
			// The compaction pass's tokens are not in the top-level usage
			// (the API docs of usage.iterations); a warning says what it
			// used, for whoever bills from the summary.
			want: func() anthWant {
				w := okText("Hello!")
				w.In, w.Out, w.Total = 181, 8, 181
				w.Warnings = []string{"a compaction pass (usage.iterations) used input 100, output 83, cache_read 55096, cache_creation 0 tokens, which the top-level usage reported here leaves out"}
				return w
			}(),
		},
		{
			name: "two_compaction_passes_are_summed_in_the_warning",
			in: aHead + aev("content_block_delta", aTextDelta(0, "x")) + aev("content_block_stop", aStop0) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":5,"output_tokens":2,"iterations":[{"type":"compaction","input_tokens":10,"output_tokens":3,"cache_read_input_tokens":7},{"type":"message","input_tokens":5,"output_tokens":1},{"type":"compaction","input_tokens":20,"output_tokens":4,"cache_creation_input_tokens":9},{"type":"message","input_tokens":5,"output_tokens":2}]}}`) +
				aev("message_stop", aEnd),
			want: anthWant{Status: "ok", Complete: true, Stop: "end_turn", ID: "msg_01abc", Model: "claude-x", Text: "x", In: 5, Out: 2, Total: 5,
				Warnings: []string{
					"2 compaction passes (usage.iterations) used input 30, output 7, cache_read 7, cache_creation 9 tokens, which the top-level usage reported here leaves out",
				}},
		},
		{
			// iterations is read only for the warning: a shape it does
			// not expect costs one warning, not the usage nor the exit.
			name: "malformed_iterations_keep_the_usage",
			in: aHead + aev("content_block_delta", aTextDelta(0, "x")) + aev("content_block_stop", aStop0) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":181,"output_tokens":8,"iterations":[{"type":"compaction","input_tokens":100,"output_tokens":83.0}]}}`) +
				aev("message_stop", aEnd),
			want: anthWant{Status: "ok", Complete: true, Stop: "end_turn", ID: "msg_01abc", Model: "claude-x", Text: "x", In: 181, Out: 8, Total: 181,
				Warnings: []string{"line 13: usage.iterations not read: usage.iterations.output_tokens is a JSON number 83.0, not an integer"}},
		},
		{
			name: "usage_message_delta_cumulative_values_replace_message_start",
			in: aev("message_start", `{"type":"message_start","message":{"id":"msg_01abc","model":"claude-x","usage":{"input_tokens":2,"cache_creation_input_tokens":3068,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":3068,"ephemeral_1h_input_tokens":0},"output_tokens":69}}}`) +
				aev("content_block_start", aText0) + aev("content_block_delta", aTextDelta(0, "650")) + aev("content_block_stop", aStop0) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":6,"cache_creation_input_tokens":3337,"cache_read_input_tokens":6289,"output_tokens":198,"output_tokens_details":{"thinking_tokens":0}}}`) +
				aev("message_stop", aEnd),
			want: func() anthWant {
				w := okText("650")
				w.In, w.Out, w.Cached, w.Creation, w.Total = 6, 198, 6289, 3337, 6+6289+3337
				return w
			}(),
		},
		{
			name: "usage_message_delta_without_input_keeps_message_start_input",
			in:   aHead + aev("content_block_delta", aTextDelta(0, "x")) + aTail,
			want: okText("x"),
		},
		{
			name: "usage_null_does_not_erase",
			in: aHead + aev("content_block_delta", aTextDelta(0, "x")) + aev("content_block_stop", aStop0) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":null,"cache_read_input_tokens":null,"output_tokens":5}}`) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":null},"usage":null}`) +
				aev("message_stop", aEnd),
			want: okText("x"),
		},
		{
			name: "usage_thinking_tokens_are_reasoning_tokens_inside_output",
			in: aHead + aev("content_block_delta", aTextDelta(0, "x")) + aev("content_block_stop", aStop0) +
				aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":50,"output_tokens_details":{"thinking_tokens":40}}}`) +
				aev("message_stop", aEnd),
			want: func() anthWant { w := okText("x"); w.Out, w.Reasoning = 50, 40; return w }(),
		},
		{
			name: "usage_total_input_adds_cache_reads_and_writes",
			in: aev("message_start", `{"type":"message_start","message":{"id":"msg_01abc","model":"claude-x","usage":{"input_tokens":3,"cache_creation_input_tokens":20,"cache_read_input_tokens":100,"output_tokens":1}}}`) +
				aev("content_block_start", aText0) + aev("content_block_delta", aTextDelta(0, "x")) + aTail,
			want: func() anthWant { w := okText("x"); w.In, w.Cached, w.Creation, w.Total = 3, 100, 20, 123; return w }(),
		},
		{
			name: "usage_not_a_number_is_a_bad_event",
			in:   aHead + aev("content_block_delta", aTextDelta(0, "x")) + aev("content_block_stop", aStop0) + aev("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":"5"}}`) + aev("message_stop", aEnd),
			want: func() anthWant {
				w := okText("x")
				w.Out = 1
				w.Warnings = []string{`line 13: message_delta event: usage.output_tokens is a JSON string, not an integer`}
				w.Bad = 1
				return w
			}(),
		},
		{
			name: "error_midstream_keeps_text_and_fails",
			in: aHead + aev("content_block_delta", aTextDelta(0, "partial")) +
				aev("error", `{"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}`),
			want: anthWant{Status: "failed", ErrType: "overloaded_error", ErrMessage: "Overloaded", ID: "msg_01abc", Model: "claude-x",
				Text: "partial", In: 10, Out: 1, Total: 10},
		},
		{
			name: "error_event_with_a_top_level_message_fails_with_it",
			in:   aHead + aev("error", `{"message":"upstream went away","index":"x"}`),
			want: anthWant{Status: "failed", ErrType: "error", ErrMessage: "upstream went away",
				ID: "msg_01abc", Model: "claude-x", In: 10, Out: 1, Total: 10},
		},
		{
			name: "error_event_without_an_error_object_fails_with_its_data",
			in:   aHead + aev("error", `{}`),
			want: anthWant{Status: "failed", ErrType: "error", ErrMessage: "error event: {}",
				ID: "msg_01abc", Model: "claude-x", In: 10, Out: 1, Total: 10},
		},
		{
			name: "error_event_cut_off_mid_json_still_fails",
			in:   aHead + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"mess",
			want: anthWant{Status: "failed", ErrType: "error", ErrMessage: `error event: {"type":"error","error":{"type":"overloaded_error","mess`,
				ID: "msg_01abc", Model: "claude-x", In: 10, Out: 1, Total: 10, Bad: 1,
				Warnings: []string{
					"line 7: the input ended inside this event (no blank line after it); it was read anyway",
					"line 7: error event: unexpected end of JSON input",
				}},
		},
		{
			name: "error_member_in_a_gateway_event_fails",
			in:   aHead + aev("content_block_delta", aTextDelta(0, "x")) + aev("message_delta", `{"type":"message_delta","delta":{},"error":{"type":"rate_limit_error","message":"slow down"}}`),
			want: anthWant{Status: "failed", ErrType: "rate_limit_error", ErrMessage: "slow down", ID: "msg_01abc", Model: "claude-x",
				Text: "x", In: 10, Out: 1, Total: 10},
		},
		{
			name: "cut_off_without_message_stop_reports_what_arrived",
			in:   aHead + aev("content_block_delta", aTextDelta(0, "half")),
			want: anthWant{Status: "failed", ID: "msg_01abc", Model: "claude-x", Text: "half", In: 10, Out: 1, Total: 10,
				Warnings: []string{"the stream ended without message_stop: it was cut off"}},
		},
		{
			name: "cut_off_mid_json_is_a_bad_event_and_keeps_the_rest",
			in:   aHead + aev("content_block_delta", aTextDelta(0, "half")) + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_d",
			want: anthWant{Status: "failed", ID: "msg_01abc", Model: "claude-x", Text: "half", In: 10, Out: 1, Total: 10, Bad: 1,
				Warnings: []string{
					"line 10: the input ended inside this event (no blank line after it); it was read anyway",
					"line 10: content_block_delta event: unexpected end of JSON input",
					"the stream ended without message_stop: it was cut off",
				}},
		},
		{
			name: "no_trailing_blank_line_still_completes",
			in:   aHead + aev("content_block_delta", aTextDelta(0, "x")) + aev("content_block_stop", aStop0) + aev("message_delta", aDelta) + "event: message_stop\ndata: " + aEnd,
			want: func() anthWant {
				w := okText("x")
				w.Warnings = []string{"line 16: the input ended inside this event (no blank line after it); it was read anyway"}
				return w
			}(),
		},
		{
			name: "no_event_lines_dispatch_on_data_type",
			in: "data: " + aStart + "\n\ndata: " + aText0 + "\n\ndata: " + aTextDelta(0, "x") + "\n\ndata: " + aStop0 +
				"\n\ndata: " + aDelta + "\n\ndata: " + aEnd + "\n\n",
			want: okText("x"),
		},
		{
			name: "event_name_contradicting_data_type_is_read_as_data_and_warned_once",
			in: aHead + aev("content_block_start", aTextDelta(0, "a")) + aev("content_block_start", aTextDelta(0, "b")) +
				aev("content_block_stop", aStop0) + aev("message_delta", aDelta) + aev("message_stop", aEnd),
			want: func() anthWant {
				w := okText("ab")
				w.Warnings = []string{`line 7: event "content_block_start" carries data of type "content_block_delta"; read as "content_block_delta"`}
				return w
			}(),
		},
		{
			name: "unknown_event_delta_and_block_types_are_warned_once_each",
			in: aHead + aev("future_event", `{"type":"future_event"}`) + aev("future_event", `{"type":"future_event"}`) +
				aev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"future_delta"}}`) +
				aev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"future_delta"}}`) +
				aev("content_block_delta", aTextDelta(0, "x")) + aev("content_block_stop", aStop0) +
				aev("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"hologram"}}`) + stop(1) +
				aev("content_block_start", `{"type":"content_block_start","index":2,"content_block":{"type":"hologram"}}`) + stop(2) +
				aev("message_delta", aDelta) + aev("message_stop", aEnd),
			want: func() anthWant {
				w := okText("x")
				w.Warnings = []string{
					`line 7: unknown event type "future_event"`,
					`line 13: unknown delta type "future_delta"`,
					`line 25: unknown content block type "hologram"`,
				}
				return w
			}(),
		},
		{
			name: "delta_without_block_start_is_kept_and_warned_once",
			in: aev("content_block_delta", aTextDelta(0, "a")) + aev("content_block_delta", aTextDelta(0, "b")) +
				aev("content_block_delta", aJSONDelta(1, `{}`)) + aev("content_block_stop", aStop0) +
				aev("content_block_delta", aJSONDelta(2, "")) + stop(1) + stop(2),
			want: anthWant{Status: "failed", Text: "ab", Tools: []streamctx.ToolCallSnapshot{tool("", "", "{}")},
				Warnings: []string{"line 1: content_block_delta for block 0, which no content_block_start opened (the capture starts mid-stream?)", "the stream ended without message_stop: it was cut off"}},
		},
		{
			// Anthropic never sends [DONE]: a gateway that appends it is
			// sending something that is not part of the format.
			name: "done_sentinel_is_a_bad_event",
			in:   aHead + aev("content_block_delta", aTextDelta(0, "x")) + aTail + "data: [DONE]\n\n",
			want: func() anthWant {
				w := okText("x")
				w.Bad = 1
				w.Warnings = []string{"line 19: data: invalid character 'D' looking for beginning of value"}
				return w
			}(),
		},
		{
			name: "data_that_is_not_a_json_object_is_a_bad_event",
			in:   aHead + aev("content_block_delta", `"just a string"`) + aev("content_block_delta", `oops`) + aev("content_block_delta", ``) + aev("content_block_delta", aTextDelta(0, "x")) + aTail,
			want: func() anthWant {
				w := okText("x")
				w.Bad = 3
				w.Warnings = []string{
					"line 7: content_block_delta event: data is not a JSON object",
					"line 10: content_block_delta event: invalid character 'o' looking for beginning of value",
					"line 13: content_block_delta event: unexpected end of JSON input",
				}
				return w
			}(),
		},
		{
			name:   "http_529_error_body_is_the_error",
			in:     `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
			format: "anthropic",
			want:   anthWant{Status: "failed", ErrType: "overloaded_error", ErrMessage: "Overloaded"},
		},
		{
			name:   "non_streaming_message_body_with_format_forced",
			in:     `{"id":"msg_01abc","type":"message","role":"assistant","model":"claude-x","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"text","text":"Hi"},{"type":"tool_use","id":"toolu_1","name":"f","input":{"a": 1}}],"stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5}}`,
			format: "anthropic",
			want: anthWant{Status: "ok", Complete: true, Stop: "tool_use", ID: "msg_01abc", Model: "claude-x", Text: "Hi", Thinking: "hm",
				In: 10, Out: 5, Total: 10, Tools: []streamctx.ToolCallSnapshot{tool("toolu_1", "f", `{"a":1}`)},
				Warnings: []string{"not SSE: the body is a single JSON object; it was read as one event"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mustSummarize(t, tc.in, tc.format)
			require.Equal(t, "anthropic", s.Format)
			assert.Equal(t, tc.want, anthGot(s))
		})
	}
}

// TestAnthropicSplitInvariance replays the table's kind of stream split
// into one-byte reads and with CRLF: the result must not change.
func TestAnthropicSplitInvariance(t *testing.T) {
	t.Parallel()
	in := aHead + aev("content_block_delta", aTextDelta(0, "x")) + aev("content_block_stop", aStop0) +
		aev("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}`) +
		aev("content_block_delta", aJSONDelta(1, `{\"a\":`)) + aev("content_block_delta", aJSONDelta(1, `1}`)) +
		aev("message_delta", aDelta) + aev("message_stop", aEnd)
	whole := mustSummarize(t, in, "")
	bytewise, err := summarize(t, iotest.OneByteReader(strings.NewReader(in)), "")
	require.NoError(t, err)
	assert.Equal(t, anthGot(whole), anthGot(bytewise))
	crlf := mustSummarize(t, strings.ReplaceAll(in, "\n", "\r\n"), "")
	assert.Equal(t, anthGot(whole), anthGot(crlf))
}

// anthropicSeeds are the captures of the format, read for the fuzz corpus.
func anthropicSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(capturesDir, "anthropic", "*.sse"))
	require.NoError(tb, err)
	require.NotEmpty(tb, files)
	files = append(files, filepath.Join(capturesDir, "errors", "anthropic-http-529-overloaded.sse"))
	var seeds [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(tb, err)
		seeds = append(seeds, b)
	}
	return seeds
}

// FuzzAnthropic replays arbitrary bytes as an Anthropic stream: Replay
// must return, never panic, and give the same result whole and read one
// byte at a time.
func FuzzAnthropic(f *testing.F) {
	for _, s := range anthropicSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte(aHead + aev("content_block_delta", aTextDelta(0, "x")) + aTail))
	f.Add([]byte(aev("error", `{"type":"error","error":{"type":"api_error","message":"x"}}`)))
	f.Add([]byte(anthropicServerToolStream))
	f.Fuzz(func(t *testing.T, in []byte) {
		whole, errWhole := summarize(t, bytes.NewReader(in), "anthropic")
		bytewise, errBytes := summarize(t, iotest.OneByteReader(bytes.NewReader(in)), "anthropic")
		if errWhole != nil || errBytes != nil {
			assert.Equal(t, errWhole != nil, errBytes != nil, "whole: %v; one byte at a time: %v", errWhole, errBytes)
			return
		}
		assert.Equal(t, string(marshal(t, whole)), string(marshal(t, bytewise)))
	})
}

// BenchmarkAnthropic replays the largest Anthropic capture as the two-line
// summary does (no text collected, no chunks kept).
func BenchmarkAnthropic(b *testing.B) {
	in, err := os.ReadFile(filepath.Join(capturesDir, "anthropic", "web-search-server-tool-use.sse"))
	require.NoError(b, err)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		sc := streamctx.New(streamctx.Options{})
		if _, err := parser.Replay(bytes.NewReader(in), sc, parser.Options{Format: "anthropic"}); err != nil {
			b.Fatal(err)
		}
	}
}
