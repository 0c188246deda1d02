package parser_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// chatResult is the part of a snapshot the openai-chat table compares.
type chatResult struct {
	Text      string
	Thinking  string
	Tools     []streamctx.ToolCallSnapshot
	Model     string
	ID        string
	In        int64
	Out       int64
	Cached    int64
	Reasoning int64
	Usage     string // usage_source
	Complete  bool
	Status    string
	Stop      string
	ErrType   string
	ErrMsg    string
	Warnings  []string
	Bad       int
}

func chatResultOf(s streamctx.Snapshot) chatResult {
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	r := chatResult{
		Text: s.Text, Thinking: s.Thinking, Tools: s.ToolCalls,
		Model: deref(s.Model), ID: deref(s.ResponseID),
		In: s.InputTokens, Out: s.OutputTokens, Cached: s.CachedTokens, Reasoning: s.ReasoningTokens,
		Usage: s.UsageSource, Complete: s.Complete, Status: s.Status.String(), Stop: deref(s.StopReason),
		ErrType: deref(s.ErrorType), ErrMsg: deref(s.ErrorMessage), Warnings: s.Warnings, Bad: s.BadEvents,
	}
	if len(r.Tools) == 0 {
		r.Tools = nil
	}
	if len(r.Warnings) == 0 {
		r.Warnings = nil
	}
	return r
}

// chatChunk builds one `data:` event of a chat.completion.chunk with the
// given choices and extra top-level members (JSON text, may be "").
func chatChunk(choices, extra string) string {
	s := `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"m","choices":[` + choices + `]`
	if extra != "" {
		s += "," + extra
	}
	return s + "}\n\n"
}

// chatDelta builds a choice 0 with the given delta and finish_reason
// (JSON text: null or a string).
func chatDelta(delta, finish string) string {
	return `{"index":0,"delta":` + delta + `,"finish_reason":` + finish + `}`
}

const (
	chatDoneEvent = "data: [DONE]\n\n"
	chatUsage7    = `"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}`
)

func TestOpenAIChat(t *testing.T) {
	t.Parallel()
	hello := chatChunk(chatDelta(`{"role":"assistant","content":"Hel"}`, "null"), "") +
		chatChunk(chatDelta(`{"content":"lo"}`, "null"), "")
	stop := chatChunk(chatDelta(`{}`, `"stop"`), "")
	ok := func(r chatResult) chatResult {
		r.Model, r.ID, r.Status, r.Complete = "m", "chatcmpl-1", "ok", true
		return r
	}
	usage := func(r chatResult) chatResult {
		r.In, r.Out, r.Usage = 5, 7, "provider"
		return r
	}
	tests := []struct {
		name  string
		input string
		want  chatResult
	}{
		{
			name:  "text_finish_usage_done",
			input: hello + stop + chatChunk("", chatUsage7) + chatDoneEvent,
			want:  usage(ok(chatResult{Text: "Hello", Stop: "stop"})),
		},
		{
			name: "usage_null_does_not_erase",
			input: hello + stop + chatChunk("", chatUsage7) +
				chatChunk("", `"usage":null,"moderation":{}`) + chatDoneEvent,
			want: usage(ok(chatResult{Text: "Hello", Stop: "stop"})),
		},
		{
			name: "usage_later_explicit_value_replaces_absent_keeps",
			input: chatChunk(chatDelta(`{"content":"x"}`, "null"), `"usage":{"prompt_tokens":5,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":3}}`) +
				chatChunk(chatDelta(`{}`, `"stop"`), `"usage":{"completion_tokens":0}`) + chatDoneEvent,
			want: ok(chatResult{Text: "x", Stop: "stop", In: 5, Out: 0, Cached: 3, Usage: "provider"}),
		},
		{
			name:  "usage_empty_object_is_no_usage",
			input: hello + stop + chatChunk("", `"usage":{}`) + chatDoneEvent,
			want:  ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none"}),
		},
		{
			name:  "done_without_finish_reason_is_complete",
			input: hello + chatDoneEvent,
			want:  ok(chatResult{Text: "Hello", Usage: "none"}),
		},
		{
			name:  "finish_reason_without_done_is_complete",
			input: hello + stop,
			want:  ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none"}),
		},
		{
			// Hand-made: "usage": null on every chunk says the request
			// asked for usage (include_usage); a stream cut after its
			// finish_reason, before the usage chunk and [DONE], lost them.
			name: "usage_null_cut_before_usage_chunk_is_incomplete",
			input: chatChunk(chatDelta(`{"content":"Hello"}`, "null"), `"usage":null`) +
				chatChunk(chatDelta(`{}`, `"stop"`), `"usage":null`),
			want: chatResult{Text: "Hello", Stop: "stop", Usage: "none", Model: "m", ID: "chatcmpl-1", Status: "failed",
				Warnings: []string{`the stream ended after its finish_reason, without the usage chunk that its "usage": null members announce (the request asked for usage) and without [DONE]: it is incomplete`}},
		},
		{
			name: "usage_null_cut_after_usage_chunk_is_complete",
			input: chatChunk(chatDelta(`{"content":"Hello"}`, "null"), `"usage":null`) +
				chatChunk(chatDelta(`{}`, `"stop"`), `"usage":null`) + chatChunk("", chatUsage7),
			want: usage(ok(chatResult{Text: "Hello", Stop: "stop"})),
		},
		{
			name: "usage_null_done_without_usage_chunk_is_complete",
			input: chatChunk(chatDelta(`{"content":"Hello"}`, "null"), `"usage":null`) +
				chatChunk(chatDelta(`{}`, `"stop"`), `"usage":null`) + chatDoneEvent,
			want: ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none"}),
		},
		{
			name: "finish_reason_repeated_last_one_wins",
			input: chatChunk(chatDelta(`{"content":"a"}`, `"length"`), "") +
				chatChunk(chatDelta(`{}`, `"stop"`), "") + chatDoneEvent,
			want: ok(chatResult{Text: "a", Stop: "stop", Usage: "none"}),
		},
		{
			name:  "no_trailing_blank_line",
			input: hello + stop + "data: [DONE]",
			want: ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none", Warnings: []string{
				"line 7: the input ended inside this event (no blank line after it); it was read anyway",
			}}),
		},
		{
			name:  "cut_off_mid_json_keeps_what_arrived",
			input: hello + chatChunk(chatDelta(`{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{\"a\":"}}]}`, "null"), "") + `data: {"id":"chatcmpl-1","choices":[{"index":0,"del`,
			want: chatResult{
				Text: "Hello", Model: "m", ID: "chatcmpl-1", Status: "failed", Usage: "none",
				Tools: []streamctx.ToolCallSnapshot{{ID: "c1", Name: "f", Arguments: `{"a":`}},
				Warnings: []string{
					"line 7: the input ended inside this event (no blank line after it); it was read anyway",
					"line 7: chat completion chunk: unexpected end of JSON input",
					"the stream ended without [DONE] and without a finish_reason: it is incomplete",
				},
				Bad: 1,
			},
		},
		{
			name:  "cut_off_between_events",
			input: hello + chatChunk("", chatUsage7),
			want: usage(chatResult{
				Text: "Hello", Model: "m", ID: "chatcmpl-1", Status: "failed",
				Warnings: []string{"the stream ended without [DONE] and without a finish_reason: it is incomplete"},
			}),
		},
		{
			name:  "error_midstream_data_error",
			input: hello + `data: {"error":{"message":"The server had an error","type":"server_error","code":null}}` + "\n\n",
			want: chatResult{
				Text: "Hello", Model: "m", ID: "chatcmpl-1", Status: "failed", Usage: "none",
				ErrType: "server_error", ErrMsg: "The server had an error",
			},
		},
		{
			// OpenRouter: the error sits next to usage in a normal chunk;
			// the usage counts and the stream fails although it completes.
			name: "error_next_to_usage_counts_usage_and_fails",
			input: chatChunk(chatDelta(`{"content":"","reasoning":"hm"}`, `"length"`), "") +
				chatChunk(chatDelta(`{"content":""}`, "null"), `"error":{"code":400,"message":"Token limit reached"},`+chatUsage7) +
				chatDoneEvent,
			want: usage(chatResult{
				Thinking: "hm", Model: "m", ID: "chatcmpl-1", Complete: true, Status: "failed", Stop: "length",
				ErrType: "400", ErrMsg: "Token limit reached",
				Warnings: []string{
					"line 1: the response is incomplete: length",
					`error_type "400" is the provider's error code: the error object has no type`,
				},
			}),
		},
		{
			name: "error_event_groq",
			input: chatChunk(chatDelta(`{"reasoning":"We"}`, "null"), "") +
				"event: error\n" + `data: {"error":{"message":"Tool call validation failed","type":"invalid_request_error","code":"tool_use_failed"}}` + "\n\n",
			want: chatResult{
				Thinking: "We", Model: "m", ID: "chatcmpl-1", Status: "failed", Usage: "none",
				ErrType: "invalid_request_error", ErrMsg: "Tool call validation failed",
			},
		},
		{
			name:  "error_event_with_text_data",
			input: hello + "event: error\ndata: upstream connection reset\n\n",
			want: chatResult{
				Text: "Hello", Model: "m", ID: "chatcmpl-1", Status: "failed", Usage: "none",
				ErrType: "error", ErrMsg: "upstream connection reset",
			},
		},
		{
			name:  "error_vllm_object_error",
			input: hello + `data: {"object":"error","message":"Internal server error","type":"InternalServerError","param":null,"code":500}` + "\n\n",
			want: chatResult{
				Text: "Hello", Model: "m", ID: "chatcmpl-1", Status: "failed", Usage: "none",
				ErrType: "InternalServerError", ErrMsg: "Internal server error",
			},
		},
		{
			name:  "finish_reason_error_fails_without_error_object",
			input: hello + chatChunk(chatDelta(`{}`, `"error"`), "") + chatDoneEvent,
			want: chatResult{
				Text: "Hello", Model: "m", ID: "chatcmpl-1", Complete: true, Status: "failed", Stop: "error", Usage: "none",
				ErrType: "error", ErrMsg: `the stream ended with finish_reason "error"`,
			},
		},
		{
			name: "refusal_is_the_visible_text",
			input: chatChunk(chatDelta(`{"role":"assistant","content":null,"refusal":""}`, "null"), "") +
				chatChunk(chatDelta(`{"refusal":"I can't"}`, "null"), "") +
				chatChunk(chatDelta(`{"refusal":" help."}`, "null"), "") + stop + chatDoneEvent,
			want: ok(chatResult{Text: "I can't help.", Stop: "stop", Usage: "none"}),
		},
		{
			name: "other_choices_are_not_shown_one_warning",
			input: chatChunk(chatDelta(`{"content":"zero"}`, "null"), "") +
				chatChunk(`{"index":1,"delta":{"content":"one","tool_calls":[{"index":0,"id":"x","function":{"name":"g","arguments":"{}"}}]},"finish_reason":null}`, "") +
				chatChunk(`{"index":2,"delta":{"content":"two"},"finish_reason":"stop"}`, "") +
				chatChunk(`{"index":1,"delta":{},"finish_reason":"stop"}`, "") +
				stop + chatDoneEvent,
			want: ok(chatResult{Text: "zero", Stop: "stop", Usage: "none", Warnings: []string{
				"the stream has 3 choices (n>1); only choice 0 is shown",
			}}),
		},
		{
			name: "another_choice_finishing_first_does_not_complete",
			input: chatChunk(chatDelta(`{"content":"zero"}`, "null"), "") +
				chatChunk(`{"index":1,"delta":{},"finish_reason":"stop"}`, ""),
			want: chatResult{Text: "zero", Model: "m", ID: "chatcmpl-1", Status: "failed", Usage: "none", Warnings: []string{
				"the stream has 2 choices (n>1); only choice 0 is shown",
				"the stream ended without [DONE] and without a finish_reason: it is incomplete",
			}},
		},
		{
			name: "tool_calls_interleaved_by_index",
			input: chatChunk(chatDelta(`{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"c0","type":"function","function":{"name":"a","arguments":""}}]}`, "null"), "") +
				chatChunk(chatDelta(`{"tool_calls":[{"index":1,"id":"c1","type":"function","function":{"name":"b","arguments":"{\"y\""}}]}`, "null"), "") +
				chatChunk(chatDelta(`{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":1}"}}]}`, "null"), "") +
				chatChunk(chatDelta(`{"tool_calls":[{"index":1,"function":{"arguments":":2}"}}]}`, "null"), "") +
				chatChunk(chatDelta(`{}`, `"tool_calls"`), "") + chatDoneEvent,
			want: ok(chatResult{Stop: "tool_calls", Usage: "none", Tools: []streamctx.ToolCallSnapshot{
				{ID: "c0", Name: "a", Arguments: `{"x":1}`},
				{ID: "c1", Name: "b", Arguments: `{"y":2}`},
			}}),
		},
		{
			name: "tool_calls_without_index_follow_ids",
			input: chatChunk(chatDelta(`{"tool_calls":[{"id":"c0","function":{"name":"a","arguments":"{\"x\""}}]}`, "null"), "") +
				chatChunk(chatDelta(`{"tool_calls":[{"function":{"arguments":":1}"}}]}`, "null"), "") +
				chatChunk(chatDelta(`{"tool_calls":[{"id":"c1","function":{"name":"b","arguments":"{}"}}]}`, "null"), "") +
				stop,
			want: ok(chatResult{Stop: "stop", Usage: "none", Tools: []streamctx.ToolCallSnapshot{
				{ID: "c0", Name: "a", Arguments: `{"x":1}`},
				{ID: "c1", Name: "b", Arguments: `{}`},
			}}),
		},
		{
			name: "tool_call_index_reused_with_new_id_is_merged_and_warned",
			input: chatChunk(chatDelta(`{"tool_calls":[{"index":0,"id":"c0","function":{"name":"a","arguments":"{}"}}]}`, "null"), "") +
				chatChunk(chatDelta(`{"tool_calls":[{"index":0,"id":"c9","function":{"arguments":""}}]}`, "null"), "") + stop,
			want: ok(chatResult{Stop: "stop", Usage: "none",
				Tools:    []streamctx.ToolCallSnapshot{{ID: "c9", Name: "a", Arguments: `{}`}},
				Warnings: []string{`tool call index 0 changed its id from "c0" to "c9"; its fragments were merged by index`},
			}),
		},
		{
			name:  "tool_call_arguments_as_object",
			input: chatChunk(chatDelta(`{"tool_calls":[{"index":0,"id":"c0","function":{"name":"a","arguments":{"x":1}}}]}`, "null"), "") + stop,
			want: ok(chatResult{Stop: "stop", Usage: "none", Tools: []streamctx.ToolCallSnapshot{
				{ID: "c0", Name: "a", Arguments: `{"x":1}`},
			}}),
		},
		{
			name: "legacy_function_call",
			input: chatChunk(chatDelta(`{"role":"assistant","content":null,"function_call":{"name":"f","arguments":""}}`, "null"), "") +
				chatChunk(chatDelta(`{"function_call":{"arguments":"{\"q\":"}}`, "null"), "") +
				chatChunk(chatDelta(`{"function_call":{"arguments":"2}"}}`, "null"), "") +
				chatChunk(chatDelta(`{}`, `"function_call"`), "") + chatDoneEvent,
			want: ok(chatResult{Stop: "function_call", Usage: "none", Tools: []streamctx.ToolCallSnapshot{
				{Name: "f", Arguments: `{"q":2}`},
			}}),
		},
		{
			name: "reasoning_content_then_content",
			input: chatChunk(chatDelta(`{"role":"assistant","content":null,"reasoning_content":"think"}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"answer","reasoning_content":null}`, "null"), "") + stop,
			want: ok(chatResult{Text: "answer", Thinking: "think", Stop: "stop", Usage: "none"}),
		},
		{
			// vLLM sent both names with the same text while renaming
			// reasoning_content to reasoning (vllm-project/vllm#34030).
			name: "reasoning_and_reasoning_content_not_double_counted",
			input: chatChunk(chatDelta(`{"reasoning":"a","reasoning_content":"a"}`, "null"), "") +
				chatChunk(chatDelta(`{"reasoning":"b"}`, "null"), "") + stop,
			want: ok(chatResult{Thinking: "ab", Stop: "stop", Usage: "none"}),
		},
		{
			// OpenRouter: reasoning_details repeat `reasoning` (or carry it
			// encrypted); the text is read once, from `reasoning`.
			name: "openrouter_reasoning_and_reasoning_details_counted_once",
			input: chatChunk(chatDelta(`{"content":"","reasoning":"We need","reasoning_details":[{"type":"reasoning.text","text":"We need","index":0}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"","reasoning":null,"reasoning_details":[{"type":"reasoning.encrypted","data":"B7oH"}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"Hi"}`, `"stop"`), "") + chatDoneEvent,
			want: ok(chatResult{Text: "Hi", Thinking: "We need", Stop: "stop", Usage: "none"}),
		},
		{
			// Groq compound: a new id on every chunk, "stub" on the last.
			name: "groq_compound_changing_id_first_kept_warned_once",
			input: `data: {"id":"chatcmpl-a","object":"chat.completion.chunk","model":"groq/compound","choices":[{"index":0,"delta":{"content":"x"}}]}` + "\n\n" +
				`data: {"id":"chatcmpl-b","object":"chat.completion.chunk","model":"groq/compound","choices":[{"index":0,"delta":{"content":"y"}}]}` + "\n\n" +
				`data: {"id":"","object":"chat.completion.chunk","model":"groq/compound","choices":[{"index":0,"delta":{"content":"z"}}]}` + "\n\n" +
				`data: {"id":"stub","object":"chat.completion.chunk","model":"groq/compound","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n" +
				chatDoneEvent,
			want: chatResult{Text: "xyz", Model: "groq/compound", ID: "chatcmpl-a", Status: "ok", Complete: true, Stop: "stop", Usage: "none",
				Warnings: []string{`line 3: the chunk id changed from "chatcmpl-a" to "chatcmpl-b"; the first one is the response id`}},
		},
		{
			// Snowflake Cortex: reasoning only in reasoning_details.
			name: "snowflake_reasoning_only_in_reasoning_details",
			input: chatChunk(chatDelta(`{"content":"","reasoning_details":[{"format":"anthropic-claude-v1","id":"r1","index":0,"text":"15","type":"reasoning.text"}],"refusal":"","tool_calls":null}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"","reasoning_details":[{"type":"reasoning.text","text":" * 27"},{"type":"reasoning.encrypted","data":"B7oH"}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"405"}`, `"stop"`), "") + chatDoneEvent,
			want: ok(chatResult{Text: "405", Thinking: "15 * 27", Stop: "stop", Usage: "none"}),
		},
		{
			name: "reasoning_details_summary_is_reasoning",
			input: chatChunk(chatDelta(`{"reasoning":null,"reasoning_details":[{"type":"reasoning.summary","summary":"**Plan**","format":"openai-responses-v1"}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"ok"}`, `"stop"`), "") + chatDoneEvent,
			want: ok(chatResult{Text: "ok", Thinking: "**Plan**", Stop: "stop", Usage: "none"}),
		},
		{
			// reasoning_content is read, reasoning_details of the same
			// delta are not; in the next delta they are the only ones.
			name: "reasoning_details_read_only_when_alone_in_their_delta",
			input: chatChunk(chatDelta(`{"reasoning_content":"a","reasoning_details":[{"type":"reasoning.text","text":"a"}]}`, "null"), "") +
				chatChunk(chatDelta(`{"reasoning_details":[{"type":"reasoning.text","text":"b"}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"ok"}`, `"stop"`), "") + chatDoneEvent,
			want: ok(chatResult{Text: "ok", Thinking: "ab", Stop: "stop", Usage: "none"}),
		},
		{
			name: "reasoning_details_not_a_list_warns_once",
			input: chatChunk(chatDelta(`{"reasoning_details":{"text":"x"}}`, "null"), "") +
				chatChunk(chatDelta(`{"reasoning_details":[{"type":"reasoning.text","text":1}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"ok"}`, `"stop"`), "") + chatDoneEvent,
			want: ok(chatResult{Text: "ok", Stop: "stop", Usage: "none",
				Warnings: []string{"reasoning_details is not a list of reasoning entries; its text was not read"}}),
		},
		{
			name: "mistral_content_parts",
			input: chatChunk(chatDelta(`{"role":"assistant","content":""}`, "null"), "") +
				chatChunk(chatDelta(`{"content":[{"type":"thinking","thinking":[{"type":"text","text":"Okay"},{"type":"reference","reference_ids":[1]}]}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":[{"type":"thinking","thinking":[{"type":"text","text":", so"}]},{"type":"text","text":"To"}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":" cross"}`, "null"), "") +
				chatChunk(chatDelta(`{"content":""}`, `"stop"`), `"usage":{"prompt_tokens":5,"total_tokens":12,"completion_tokens":7}`) + chatDoneEvent,
			want: usage(ok(chatResult{Text: "To cross", Thinking: "Okay, so", Stop: "stop"})),
		},
		{
			name: "unknown_content_part_type_warns_once",
			input: chatChunk(chatDelta(`{"content":[{"type":"image_url","image_url":"x"},{"type":"text","text":"a"}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":[{"type":"image_url","image_url":"y"}]}`, "null"), "") + stop,
			want: ok(chatResult{Text: "a", Stop: "stop", Usage: "none", Warnings: []string{`content part type "image_url" ignored`}}),
		},
		{
			// Together streams DeepSeek-R1's reasoning inline: it is the
			// content the provider sent, kept verbatim.
			name: "together_inline_think_stays_in_text",
			input: chatChunk(`{"index":0,"text":"<think>","delta":{"token_id":1,"role":"assistant","content":"<think>"},"finish_reason":null}`, `"usage":null`) +
				chatChunk(`{"index":0,"text":"hm</think>ok","delta":{"content":"hm</think>ok"},"finish_reason":"stop"}`, `"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"cached_tokens":2}`) + chatDoneEvent,
			want: usage(ok(chatResult{Text: "<think>hm</think>ok", Stop: "stop", Cached: 2})),
		},
		{
			name:  "legacy_completions_text_without_delta",
			input: chatChunk(`{"index":0,"text":"abc","finish_reason":null}`, "") + chatChunk(`{"index":0,"text":"","finish_reason":"length"}`, "") + chatDoneEvent,
			want:  ok(chatResult{Text: "abc", Stop: "length", Usage: "none", Warnings: []string{"line 3: the response is incomplete: length"}}),
		},
		{
			name:  "deepseek_prompt_cache_hit_tokens",
			input: stop + chatChunk("", `"usage":{"prompt_tokens":6,"completion_tokens":7,"total_tokens":13,"completion_tokens_details":{"reasoning_tokens":4},"prompt_cache_hit_tokens":2,"prompt_cache_miss_tokens":4}`),
			want:  ok(chatResult{Stop: "stop", In: 6, Out: 7, Cached: 2, Reasoning: 4, Usage: "provider"}),
		},
		{
			name:  "prompt_tokens_details_cached_tokens_wins",
			input: stop + chatChunk("", `"usage":{"prompt_tokens":6,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":3},"prompt_cache_hit_tokens":2}`),
			want:  ok(chatResult{Stop: "stop", In: 6, Out: 7, Cached: 3, Usage: "provider"}),
		},
		{
			// xAI: total = prompt + completion + reasoning, so
			// completion_tokens leaves the reasoning out (DESIGN.md).
			name:  "xai_reasoning_outside_completion_is_added",
			input: stop + chatChunk("", `"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":303,"prompt_tokens_details":{"cached_tokens":11},"completion_tokens_details":{"reasoning_tokens":290}}`),
			want:  ok(chatResult{Stop: "stop", In: 12, Out: 291, Cached: 11, Reasoning: 290, Usage: "provider"}),
		},
		{
			// Without total_tokens, a completion smaller than its
			// reasoning cannot include it.
			name:  "xai_without_total_reasoning_outside_completion_is_added",
			input: stop + chatChunk("", `"usage":{"prompt_tokens":12,"completion_tokens":1,"completion_tokens_details":{"reasoning_tokens":290}}`),
			want:  ok(chatResult{Stop: "stop", In: 12, Out: 291, Reasoning: 290, Usage: "provider"}),
		},
		{
			name:  "without_total_a_completion_as_large_as_its_reasoning_is_kept",
			input: stop + chatChunk("", `"usage":{"prompt_tokens":15,"completion_tokens":78,"completion_tokens_details":{"reasoning_tokens":64}}`),
			want:  ok(chatResult{Stop: "stop", In: 15, Out: 78, Reasoning: 64, Usage: "provider"}),
		},
		{
			name:  "openai_reasoning_inside_completion_is_not_added",
			input: stop + chatChunk("", `"usage":{"prompt_tokens":15,"completion_tokens":78,"total_tokens":93,"completion_tokens_details":{"reasoning_tokens":64}}`),
			want:  ok(chatResult{Stop: "stop", In: 15, Out: 78, Reasoning: 64, Usage: "provider"}),
		},
		{
			name: "groq_x_groq_usage",
			input: chatChunk(chatDelta(`{"content":"a"}`, "null"), `"x_groq":{"id":"req_1","seed":1}`) +
				chatChunk(chatDelta(`{}`, `"stop"`), `"x_groq":{"id":"req_1","usage":{"queue_time":0.1,"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"completion_tokens_details":{"reasoning_tokens":3}}}`) +
				chatDoneEvent,
			want: usage(ok(chatResult{Text: "a", Stop: "stop", Reasoning: 3})),
		},
		{
			name: "azure_empty_id_and_model_are_skipped",
			input: `data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}` + "\n\n" +
				hello + stop + chatDoneEvent,
			want: ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none"}),
		},
		{
			name: "comments_and_multiline_data",
			input: ": OPENROUTER PROCESSING\n\n" +
				"data: {\"id\":\"chatcmpl-1\",\"model\":\"m\",\n" + `data: "choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}` + "\n\n" +
				chatDoneEvent,
			want: ok(chatResult{Text: "Hi", Stop: "stop", Usage: "none"}),
		},
		{
			name:  "data_not_json_is_bad_event",
			input: hello + "data: hello world\n\n" + stop + chatDoneEvent,
			want: ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none", Bad: 1, Warnings: []string{
				"line 5: chat completion chunk: invalid character 'h' looking for beginning of value",
			}}),
		},
		{
			name:  "data_json_not_object_is_bad_event",
			input: hello + "data: [1,2]\n\n" + stop + chatDoneEvent,
			want: ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none", Bad: 1, Warnings: []string{
				"line 5: chat completion chunk: data is not a JSON object",
			}}),
		},
		{
			name:  "wrong_member_type_is_bad_event",
			input: hello + `data: {"choices":"nope"}` + "\n\n" + stop + chatDoneEvent,
			want: ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none", Bad: 1, Warnings: []string{
				"line 5: chat completion chunk: choices is a JSON string, not an array",
			}}),
		},
		{
			name:  "wrong_member_type_next_to_error_still_fails",
			input: hello + `data: {"choices":"nope","error":{"message":"boom","type":"server_error"}}` + "\n\n",
			want: chatResult{
				Text: "Hello", Model: "m", ID: "chatcmpl-1", Status: "failed", Usage: "none", Bad: 1,
				ErrType: "server_error", ErrMsg: "boom",
				Warnings: []string{"line 5: chat completion chunk: choices is a JSON string, not an array"},
			},
		},
		{
			name:  "bad_usage_is_bad_event_rest_of_chunk_read",
			input: hello + chatChunk(chatDelta(`{}`, `"stop"`), `"usage":{"prompt_tokens":"5"}`) + chatDoneEvent,
			want: ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none", Bad: 1, Warnings: []string{
				"line 5: chat completion chunk: usage.prompt_tokens is a JSON string, not an integer",
			}}),
		},
		{
			name: "unknown_event_type_warns_once_and_reads_json",
			input: "event: chunk\n" + chatChunk(chatDelta(`{"content":"a"}`, "null"), "") +
				"event: chunk\n" + chatChunk(chatDelta(`{"content":"b"}`, `"stop"`), "") +
				"event: ping\ndata: ping\n\n" + chatDoneEvent,
			want: ok(chatResult{Text: "ab", Stop: "stop", Usage: "none", Warnings: []string{
				`line 1: unknown event type "chunk"`,
				`line 7: unknown event type "ping"`,
			}}),
		},
		{
			name:  "empty_data_warns_once",
			input: "data:\n\n" + hello + "data: \n\n" + stop + chatDoneEvent,
			want: ok(chatResult{Text: "Hello", Stop: "stop", Usage: "none", Warnings: []string{
				"line 1: an event with empty data was ignored",
			}}),
		},
		{
			name:  "data_after_done_is_read_and_warned",
			input: hello + chatDoneEvent + chatChunk("", chatUsage7),
			want: usage(ok(chatResult{Text: "Hello", Warnings: []string{
				"line 7: data after the end of the stream (line 5) was read anyway: two streams concatenated?",
			}})),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := chatResultOf(mustSummarize(t, tt.input, "openai-chat"))
			assert.Equal(t, tt.want, got)
			// Auto-detection must reach the same result.
			if !strings.HasPrefix(tt.input, "event: ") {
				assert.Equal(t, tt.want, chatResultOf(mustSummarize(t, tt.input, "")), "detected")
			}
		})
	}
}

// TestOpenAIChatWholeCompletion reads a non-streaming chat.completion body
// (Replay hands the single JSON object to the parser as one event).
func TestOpenAIChatWholeCompletion(t *testing.T) {
	t.Parallel()
	body := `{"id":"chatcmpl-9","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hi","reasoning_content":"r","tool_calls":[{"id":"c0","type":"function","function":{"name":"a","arguments":"{}"}},{"id":"c1","type":"function","function":{"name":"b","arguments":"{\"x\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}`
	got := chatResultOf(mustSummarize(t, body, "openai-chat"))
	want := chatResult{
		Text: "Hi", Thinking: "r", Model: "gpt-4o", ID: "chatcmpl-9",
		Tools: []streamctx.ToolCallSnapshot{
			{ID: "c0", Name: "a", Arguments: "{}"},
			{ID: "c1", Name: "b", Arguments: `{"x":1}`},
		},
		In: 5, Out: 7, Usage: "provider", Complete: true, Status: "ok", Stop: "tool_calls",
		Warnings: []string{"not SSE: the body is a single JSON object; it was read as one event"},
	}
	assert.Equal(t, want, got)
}

// chatCaptures are the openai-chat captures, the fuzz seeds.
var chatCaptures = []string{
	"openai/chat-*.sse", "azure-openai/*.sse", "deepseek/chat-*.sse", "groq/*.sse", "mistral/*.sse",
	"openrouter/chat-*.sse", "together/*.sse", "vllm/*.sse", "xai/*.sse", "zai/*.sse",
	"perplexity/*.sse", "llamacpp/*.sse", "ollama/openai-compat-*.sse",
}

// chatFuzzSeedMax is the size of the pieces of a long capture used as
// fuzz seeds.
const chatFuzzSeedMax = 4 << 10

// chatFuzzTimeout bounds one fuzz input's replay.
const chatFuzzTimeout = 10 * time.Second

// FuzzOpenAIChat replays arbitrary bytes with the openai-chat format forced:
// no panic, Replay returns (within chatFuzzTimeout) and its summary
// marshals. That the result does not depend on how the input is split into
// reads is TestGolden's job (every capture whole, byte-wise and CRLF).
func FuzzOpenAIChat(f *testing.F) {
	for _, pat := range chatCaptures {
		files, err := filepath.Glob(filepath.Join(capturesDir, pat))
		require.NoError(f, err)
		require.NotEmpty(f, files, pat)
		for _, file := range files {
			b, err := os.ReadFile(file)
			require.NoError(f, err)
			if len(b) <= 2*chatFuzzSeedMax {
				f.Add(b)
				continue
			}
			// A long capture seeds by its start (a stream cut off) and its
			// end (one that starts mid-event): whole, it makes every exec
			// and every minimization slow.
			f.Add(b[:chatFuzzSeedMax])
			f.Add(b[len(b)-chatFuzzSeedMax:])
		}
	}
	f.Add([]byte(chatChunk(chatDelta(`{"content":[{"type":"thinking","thinking":"x"}],"tool_calls":[{"function":{"arguments":{}}}]}`, `"error"`), `"object":"error","error":"x"`)))
	f.Add([]byte("event: error\ndata: {\"type\":\"error\"}\n\ndata: [DONE]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Replay must return: a hang is a failure, with its input.
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(chatFuzzTimeout):
				panic(fmt.Sprintf("Replay did not return within %v on %q", chatFuzzTimeout, data))
			}
		}()
		replaysAndMarshals(t, data, "openai-chat")
	})
}

// replaysAndMarshals is the body of a format's fuzz target: data replayed
// with format forced, no panic, and a summary that marshals. An error
// (empty input...) is no failure. A hang is left to go test's -timeout
// (no wall-clock watchdog).
func replaysAndMarshals(t *testing.T, data []byte, format string) {
	t.Helper()
	s, err := summarize(t, bytes.NewReader(data), format)
	if err != nil {
		return // nothing to report: an error, not a panic
	}
	_ = marshal(t, s)
}

// TestChatUsageRequestedCutBeforeUsageChunk: hand-made. A stream whose
// chunks do not carry "usage": null (not every compatible server sends
// it), cut after its finish_reason before the usage chunk and [DONE], is
// complete unless the request is known to have asked for usage
// (UsageRequested, which the proxy sets from stream_options.include_usage).
func TestChatUsageRequestedCutBeforeUsageChunk(t *testing.T) {
	t.Parallel()
	input := chatChunk(chatDelta(`{"content":"Hello"}`, "null"), "") + chatChunk(chatDelta(`{}`, `"stop"`), "")
	for _, requested := range []bool{false, true} {
		c, err := capture.Open(strings.NewReader(input), capture.Options{})
		require.NoError(t, err)
		sc := streamctx.New(streamctx.Options{})
		sc.UsageRequested = requested
		_, err = parser.ReplayCapture(c, sc, parser.Options{})
		require.NoError(t, err)
		s := sc.Snapshot("openai-chat", "openai")
		if !requested {
			assert.Equal(t, streamctx.StatusOK, s.Status)
			assert.Empty(t, s.Warnings)
			continue
		}
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		assert.Equal(t, []string{`the stream ended after its finish_reason, without the usage chunk that the request asked for (stream_options.include_usage) and without [DONE]: it is incomplete`}, s.Warnings)
	}
}
