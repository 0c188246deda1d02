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

// geminiSSE frames each chunk as one SSE event, LF line endings: event i
// (from 0) starts on line 2i+1.
func geminiSSE(chunks ...string) string {
	var b strings.Builder
	for _, c := range chunks {
		b.WriteString("data: ")
		b.WriteString(c)
		b.WriteString("\n\n")
	}
	return b.String()
}

// geminiView is the part of a snapshot that the Gemini cases check.
type geminiView struct {
	Status    string
	ErrorType string
	ErrorMsg  string
	Complete  bool
	Stop      string
	In        int64
	Out       int64
	Cached    int64
	Reasoning int64
	TotalIn   int64
	Usage     string
	Text      string
	Thinking  string
	Tools     []streamctx.ToolCallSnapshot
	Warnings  []string
	Bad       int
}

func geminiViewOf(s streamctx.Snapshot) geminiView {
	v := geminiView{
		Status: s.Status.String(), Complete: s.Complete,
		In: s.InputTokens, Out: s.OutputTokens, Cached: s.CachedTokens,
		Reasoning: s.ReasoningTokens, TotalIn: s.TotalInputTokens, Usage: s.UsageSource,
		Text: s.Text, Thinking: s.Thinking, Bad: s.BadEvents,
	}
	if s.ErrorType != nil {
		v.ErrorType = *s.ErrorType
	}
	if s.ErrorMessage != nil {
		v.ErrorMsg = *s.ErrorMessage
	}
	if s.StopReason != nil {
		v.Stop = *s.StopReason
	}
	if len(s.ToolCalls) > 0 {
		v.Tools = s.ToolCalls
	}
	if len(s.Warnings) > 0 {
		v.Warnings = s.Warnings
	}
	return v
}

const (
	gemStop  = `{"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"finishReason": "STOP","index": 0}]}`
	gemUsage = `"usageMetadata": {"promptTokenCount": 10,"candidatesTokenCount": 4,"totalTokenCount": 14}`
)

func TestGeminiSemantics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		want  geminiView
	}{
		{
			name: "text_and_stop",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "Hel"}],"role": "model"}}]}`,
				`{"candidates": [{"content": {"parts": [{"text": "lo"}],"role": "model"},"finishReason": "STOP"}],`+gemUsage+`}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 10, Out: 4, TotalIn: 10, Usage: "provider", Text: "Hello"},
		},
		{
			name: "crlf_line_endings",
			input: "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\\nb\"}]},\"finishReason\": \"STOP\"}]}\r\n\r\n" +
				"data: {\"usageMetadata\": {\"promptTokenCount\": 3,\"candidatesTokenCount\": 2}}\r\n\r\n",
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 3, Out: 2, TotalIn: 3, Usage: "provider", Text: "a\nb"},
		},
		{
			name: "thought_parts_go_to_thinking_not_text",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "**Plan**\n","thought": true}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"text": "Answer","thoughtSignature": "c2ln"}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"text": "more thought","thought": true},{"text": "!"}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "Answer!", Thinking: "**Plan**\nmore thought"},
		},
		{
			name: "thought_false_is_text",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "x","thought": false}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "x"},
		},
		{
			name: "usage_cumulative_last_explicit_value_wins",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "a"}]}}],"usageMetadata": {"promptTokenCount": 15,"totalTokenCount": 15}}`,
				`{"candidates": [{"content": {"parts": [{"text": "b"}]}}],"usageMetadata": {"promptTokenCount": 15,"candidatesTokenCount": 3,"thoughtsTokenCount": 7}}`,
				`{"candidates": [{"content": {"parts": [{"text": "c"}]},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 13,"candidatesTokenCount": 8,"thoughtsTokenCount": 9}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 13, Out: 17, Reasoning: 9, TotalIn: 13, Usage: "provider", Text: "abc"},
		},
		{
			// Output includes reasoning whichever chunk carried each count:
			// the last chunk's candidates plus the thoughts kept from before.
			name: "usage_thoughts_from_an_earlier_chunk_count_in_output",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "t","thought": true}]}}],"usageMetadata": {"promptTokenCount": 4,"thoughtsTokenCount": 3}}`,
				`{"candidates": [{"content": {"parts": [{"text": "a"}]},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 4,"candidatesTokenCount": 5}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 4, Out: 8, Reasoning: 3, TotalIn: 4, Usage: "provider", Text: "a", Thinking: "t"},
		},
		{
			name: "usage_chunk_without_usage_metadata_zeroes_nothing",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "a"}]}}],`+gemUsage+`}`,
				`{"candidates": [{"content": {"parts": [{"text": "b"}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 10, Out: 4, TotalIn: 10, Usage: "provider", Text: "ab"},
		},
		{
			name: "usage_traffic_type_only_changes_nothing",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "a"}]}}],`+gemUsage+`}`,
				`{"candidates": [{"content": {"parts": [{"text": "b"}]},"finishReason": "STOP"}],"usageMetadata": {"trafficType": "ON_DEMAND"}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 10, Out: 4, TotalIn: 10, Usage: "provider", Text: "ab"},
		},
		{
			name: "usage_traffic_type_only_is_no_usage",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "a"}]},"finishReason": "STOP"}],"usageMetadata": {"trafficType": "ON_DEMAND"}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "a"},
		},
		{
			name: "usage_null_does_not_erase",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "a"}]}}],`+gemUsage+`}`,
				`{"candidates": [{"content": {"parts": [{"text": "b"}]},"finishReason": "STOP"}],"usageMetadata": null}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 10, Out: 4, TotalIn: 10, Usage: "provider", Text: "ab"},
		},
		{
			name: "usage_null_fields_do_not_erase",
			input: geminiSSE(
				`{"usageMetadata": {"promptTokenCount": 10,"candidatesTokenCount": 4,"thoughtsTokenCount": 2,"cachedContentTokenCount": 6}}`,
				`{"candidates": [{"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": null,"candidatesTokenCount": null,"thoughtsTokenCount": null,"cachedContentTokenCount": null}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 10, Out: 6, Cached: 6, Reasoning: 2, TotalIn: 10, Usage: "provider"},
		},
		{
			name: "usage_explicit_zero_replaces",
			input: geminiSSE(
				`{"usageMetadata": {"promptTokenCount": 10,"cachedContentTokenCount": 6}}`,
				`{"candidates": [{"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 10,"cachedContentTokenCount": 0}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 10, TotalIn: 10, Usage: "provider"},
		},
		{
			name: "usage_output_is_candidates_plus_thoughts_when_only_thoughts_present",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "t","thought": true}]}}],"usageMetadata": {"promptTokenCount": 34,"thoughtsTokenCount": 68}}`,
				`{"candidates": [{"finishReason": "STOP"}]}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 34, Out: 68, Reasoning: 68, TotalIn: 34, Usage: "provider", Thinking: "t"},
		},
		{
			name: "usage_prompt_only_leaves_output_absent",
			input: geminiSSE(
				`{"usageMetadata": {"promptTokenCount": 5,"candidatesTokenCount": 2}}`,
				`{"candidates": [{"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 6}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 6, Out: 2, TotalIn: 6, Usage: "provider"},
		},
		{
			// promptTokenCount already includes the cached tokens
			// (Gemini API reference), so the total input adds nothing.
			name: "usage_cached_content_is_part_of_prompt",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "a"}]},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 2000,"cachedContentTokenCount": 1500,"candidatesTokenCount": 4}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 2000, Out: 4, Cached: 1500, TotalIn: 2000, Usage: "provider", Text: "a"},
		},
		{
			// DESIGN.md: input_tokens = promptTokenCount, so tool-use prompt
			// tokens (counted in totalTokenCount) are not in the input.
			name: "usage_tool_use_prompt_tokens_not_in_input",
			input: geminiSSE(
				`{"candidates": [{"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 147,"candidatesTokenCount": 108,"toolUsePromptTokenCount": 360,"thoughtsTokenCount": 168,"totalTokenCount": 783}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 147, Out: 276, Reasoning: 168, TotalIn: 147, Usage: "provider"},
		},
		{
			name: "usage_not_a_number_is_bad_event",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "a"}]},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": "ten"}}`,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "a", Bad: 1,
				Warnings: []string{"line 1: GenerateContentResponse: usageMetadata.promptTokenCount is a JSON string, not an integer"},
			},
		},
		{
			name: "function_call_args_compact_and_byte_exact",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","args": {"z": 1.50, "a": [ 12345678901234567890 , "x  y" ], "u": "\u00e9"}}}]}}]}`,
				gemStop,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none",
				Tools: []streamctx.ToolCallSnapshot{{Name: "f", Arguments: `{"z":1.50,"a":[12345678901234567890,"x  y"],"u":"\u00e9"}`}},
			},
		},
		{
			name: "function_call_without_args_is_empty_object",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_country"},"thoughtSignature": "c2ln"}]}}]}`,
				gemStop,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none",
				Tools: []streamctx.ToolCallSnapshot{{Name: "get_country", Arguments: "{}"}},
			},
		},
		{
			name: "function_call_null_args_is_empty_object",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "g","args": null}}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none",
				Tools: []streamctx.ToolCallSnapshot{{Name: "g", Arguments: "{}"}},
			},
		},
		{
			name: "parallel_function_calls_one_call_per_part_with_ids",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"functionCall": {"id": "c1","name": "a","args": {"x": 1}}},{"functionCall": {"id": "c2","name": "a","args": {"x": 2}}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "b","args": {}}}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none",
				Tools: []streamctx.ToolCallSnapshot{
					{ID: "c1", Name: "a", Arguments: `{"x":1}`},
					{ID: "c2", Name: "a", Arguments: `{"x":2}`},
					{Name: "b", Arguments: `{}`},
				},
			},
		},
		{
			// Vertex AI streamFunctionCallArguments: pieces at JSON paths.
			name: "streamed_function_call_arguments_are_assembled",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "w","willContinue": true}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"partialArgs": [{"jsonPath": "$.city","stringValue": "Par","willContinue": true}],"willContinue": true}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"partialArgs": [{"jsonPath": "$.city","stringValue": "is \"\u00e9\"\n"},{"jsonPath": "$.days[1]","numberValue": 2.5}],"willContinue": true}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"partialArgs": [{"jsonPath": "$['opts'].metric","boolValue": true},{"jsonPath": "$.opts.unit","nullValue": "NULL_VALUE"},{"jsonPath": "$.days[0]","numberValue": 1}],"willContinue": true}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "v","willContinue": true}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {}}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none",
				Tools: []streamctx.ToolCallSnapshot{
					{Name: "w", Arguments: `{"city":"Paris \"é\"\n","days":[1,2.5],"opts":{"metric":true,"unit":null}}`},
					{Name: "v", Arguments: `{}`},
				},
			},
		},
		{
			name: "streamed_function_call_cut_off_keeps_what_was_assembled",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "w","willContinue": true}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"partialArgs": [{"jsonPath": "$.city","stringValue": "Par","willContinue": true}],"willContinue": true}}]}}]}`,
			),
			want: geminiView{
				Status: "failed", Usage: "none",
				Tools:    []streamctx.ToolCallSnapshot{{Name: "w", Arguments: `{"city":"Par"}`}},
				Warnings: []string{"the stream ended without a finishReason (cut off?)"},
			},
		},
		{
			name: "streamed_function_call_unsupported_path_warns_once",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "w","willContinue": true}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"partialArgs": [{"jsonPath": "$.a","stringValue": "x"}],"willContinue": true}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"partialArgs": [{"jsonPath": "$..b","stringValue": "y"}],"willContinue": true}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"partialArgs": [{"jsonPath": "$.a[0]","stringValue": "y"}]}}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none",
				Tools:    []streamctx.ToolCallSnapshot{{Name: "w", Arguments: `{"a":"x"}`}},
				Warnings: []string{`line 5: streamed function call arguments (partialArgs) not assembled: unsupported JSON path "$..b"; the arguments shown are incomplete`},
			},
		},
		{
			name: "code_execution_and_inline_data_are_not_text",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"executableCode": {"language": "PYTHON","code": "print(1)"}},{"text": "x"}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"codeExecutionResult": {"outcome": "OUTCOME_OK","output": "1\n"}}]}}]}`,
				`{"candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/png","data": "iVBO"}},{"fileData": {"fileUri": "gs://b/f"}}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "x"},
		},
		{
			name: "candidate_index_absent_means_zero",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "zero"}]},"finishReason": "STOP"},{"index": 1,"content": {"parts": [{"text": "one"}]}}]}`,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "zero",
				Warnings: []string{"line 1: the response has several candidates; only candidate 0 is reported"},
			},
		},
		{
			name: "other_candidates_ignored_with_one_warning",
			input: geminiSSE(
				`{"candidates": [{"index": 1,"content": {"parts": [{"text": "B1"},{"functionCall": {"name": "no"}}]}}]}`,
				`{"candidates": [{"index": 0,"content": {"parts": [{"text": "A"}]}}]}`,
				`{"candidates": [{"index": 1,"content": {"parts": [{"text": "B2"}]},"finishReason": "STOP"}]}`,
				`{"candidates": [{"index": 0,"content": {"parts": [{"text": "A2"}]}}]}`,
			),
			// Candidate 1's finishReason does not complete candidate 0.
			want: geminiView{
				Status: "failed", Usage: "none", Text: "AA2",
				Warnings: []string{
					"line 1: the response has several candidates; only candidate 0 is reported",
					"the stream ended without a finishReason (cut off?)",
				},
			},
		},
		{
			name: "finish_reason_max_tokens_warns",
			input: geminiSSE(
				`{"candidates": [{"content": {"role": "model","parts": [{"text": "We"}]}}],"usageMetadata": {"trafficType": "ON_DEMAND"}}`,
				`{"candidates": [{"content": {"role": "model","parts": [{"text": ""}]},"finishReason": "MAX_TOKENS"}],"usageMetadata": {"promptTokenCount": 28,"candidatesTokenCount": 1,"thoughtsTokenCount": 59}}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "MAX_TOKENS", In: 28, Out: 60, Reasoning: 59, TotalIn: 28, Usage: "provider", Text: "We",
				Warnings: []string{"line 3: the response is incomplete: MAX_TOKENS"}},
		},
		{
			// The lead's decision: a finish other than STOP is a normal end
			// (the stop_reason tells it); a finishMessage becomes a warning.
			name: "finish_message_of_non_stop_reason_warns",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "Sure"}]}}]}`,
				`{"candidates": [{"finishReason": "SAFETY","finishMessage": "blocked by safety filters","safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT","probability": "HIGH","blocked": true}]}]}`,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "SAFETY", Usage: "none", Text: "Sure",
				Warnings: []string{"line 3: finishReason SAFETY: blocked by safety filters"},
			},
		},
		{
			name: "malformed_function_call_without_content",
			input: geminiSSE(
				`{"candidates": [{"finishReason": "MALFORMED_FUNCTION_CALL","finishMessage": "Malformed function call: print("}],"usageMetadata": {"promptTokenCount": 34,"totalTokenCount": 34,"trafficType": "ON_DEMAND"}}`,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "MALFORMED_FUNCTION_CALL", In: 34, TotalIn: 34, Usage: "provider",
				Warnings: []string{"line 1: finishReason MALFORMED_FUNCTION_CALL: Malformed function call: print("},
			},
		},
		{
			name: "finish_message_with_stop_does_not_warn",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "ok"}]},"finishReason": "STOP","finishMessage": "done"}]}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "ok"},
		},
		{
			name: "finish_reason_unspecified_does_not_complete",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "ok"}]},"finishReason": "FINISH_REASON_UNSPECIFIED"}]}`,
			),
			want: geminiView{
				Status: "failed", Usage: "none", Text: "ok",
				Warnings: []string{
					"line 1: finishReason FINISH_REASON_UNSPECIFIED was not taken as the end of the stream",
					"the stream ended without a finishReason (cut off?)",
				},
			},
		},
		{
			// promptFeedback comes alone, in the first and only chunk. The
			// stream ended normally, so complete is true; status is failed.
			name: "prompt_blocked_is_failed_but_complete",
			input: geminiSSE(
				`{"promptFeedback": {"blockReason": "SAFETY","safetyRatings": [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT","probability": "HIGH"}]},"usageMetadata": {"promptTokenCount": 8,"totalTokenCount": 8},"modelVersion": "gemini-2.5-flash"}`,
			),
			want: geminiView{
				Status: "failed", ErrorType: "prompt_blocked", ErrorMsg: "SAFETY", Complete: true, Stop: "SAFETY",
				In: 8, TotalIn: 8, Usage: "provider",
			},
		},
		{
			name: "prompt_blocked_with_message",
			input: geminiSSE(
				`{"promptFeedback": {"blockReason": "PROHIBITED_CONTENT","blockReasonMessage": "The prompt was blocked."}}`,
			),
			want: geminiView{
				Status: "failed", ErrorType: "prompt_blocked", ErrorMsg: "PROHIBITED_CONTENT: The prompt was blocked.",
				Complete: true, Stop: "PROHIBITED_CONTENT", Usage: "none",
			},
		},
		{
			name: "prompt_feedback_without_block_reason_is_nothing",
			input: geminiSSE(
				`{"promptFeedback": {"safetyRatings": []},"candidates": [{"content": {"parts": [{"text": "ok"}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "ok"},
		},
		{
			name: "error_midstream_keeps_what_arrived",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "partial"},{"functionCall": {"name": "f","args": {"a": 1}}}]}}],`+gemUsage+`}`,
				`{"error": {"code": 500,"message": "An internal error has occurred.","status": "INTERNAL"}}`,
			),
			want: geminiView{
				Status: "failed", ErrorType: "INTERNAL", ErrorMsg: "An internal error has occurred.",
				In: 10, Out: 4, TotalIn: 10, Usage: "provider", Text: "partial",
				Tools: []streamctx.ToolCallSnapshot{{Name: "f", Arguments: `{"a":1}`}},
			},
		},
		{
			name: "error_only_stream",
			input: geminiSSE(
				`{"error": {"code": 429,"message": "Resource has been exhausted (e.g. check quota).","status": "RESOURCE_EXHAUSTED"}}`,
			),
			want: geminiView{
				Status: "failed", ErrorType: "RESOURCE_EXHAUSTED", ErrorMsg: "Resource has been exhausted (e.g. check quota).",
				Usage: "none",
			},
		},
		{
			name: "error_null_is_no_error",
			input: geminiSSE(
				`{"error": null,"candidates": [{"content": {"parts": [{"text": "ok"}]},"finishReason": "STOP"}]}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "ok"},
		},
		{
			name: "cut_off_without_finish_reason_reports_what_arrived",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "The capital"}]}}],"usageMetadata": {"promptTokenCount": 15,"candidatesTokenCount": 2}}`,
				`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","args": {}}}]}}]}`,
			),
			want: geminiView{
				Status: "failed", In: 15, Out: 2, TotalIn: 15, Usage: "provider", Text: "The capital",
				Tools:    []streamctx.ToolCallSnapshot{{Name: "f", Arguments: "{}"}},
				Warnings: []string{"the stream ended without a finishReason (cut off?)"},
			},
		},
		{
			name: "cut_off_mid_json",
			input: geminiSSE(`{"candidates": [{"content": {"parts": [{"text": "Hel"}]}}],"usageMetadata": {"promptTokenCount": 4}}`) +
				`data: {"candidates": [{"content": {"parts": [{"text": "lo"`,
			want: geminiView{
				Status: "failed", In: 4, TotalIn: 4, Usage: "provider", Text: "Hel", Bad: 1,
				Warnings: []string{
					"line 3: the input ended inside this event (no blank line after it); it was read anyway",
					"line 3: GenerateContentResponse: unexpected end of JSON input",
					"the stream ended without a finishReason (cut off?)",
				},
			},
		},
		{
			name:  "no_trailing_blank_line",
			input: `data: {"candidates": [{"content": {"parts": [{"text": "done"}]},"finishReason": "STOP"}]}` + "\r\n",
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "done",
				Warnings: []string{"line 1: the input ended inside this event (no blank line after it); it was read anyway"},
			},
		},
		{
			name: "not_json_is_bad_event",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "a"}]}}]}`,
				`hello`,
				gemStop,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "a", Bad: 1,
				Warnings: []string{"line 3: GenerateContentResponse: invalid character 'h' looking for beginning of value"},
			},
		},
		{
			// Gemini has no terminator; a gateway that adds one is noted.
			name:  "done_is_bad_event",
			input: geminiSSE(gemStop, `[DONE]`),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Bad: 1,
				Warnings: []string{"line 3: GenerateContentResponse: [DONE] is not part of the Gemini stream (it has no terminator)"},
			},
		},
		{
			name:  "json_that_is_not_an_object_is_bad_event",
			input: geminiSSE(gemStop, `[1, 2]`, `null`),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Bad: 2,
				Warnings: []string{
					"line 3: GenerateContentResponse: data is not a JSON object",
					"line 5: GenerateContentResponse: data is not a JSON object",
				},
			},
		},
		{
			name:  "empty_data_is_bad_event",
			input: geminiSSE(gemStop) + "data:\n\n",
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Bad: 1,
				Warnings: []string{"line 3: GenerateContentResponse: empty data"},
			},
		},
		{
			name:  "wrong_shape_is_bad_event",
			input: geminiSSE(`{"candidates": "none"}`, gemStop),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Bad: 1,
				Warnings: []string{"line 1: GenerateContentResponse: candidates is a JSON string, not an array"},
			},
		},
		{
			name: "wrong_shape_errors_name_the_json_member",
			input: geminiSSE(
				`{"candidates": [{"index": "one"}]}`,
				`{"response": {"candidates": 1}}`,
				`{"usageMetadata": 5}`,
				`{"candidates": [{"content": {"parts": [{"thought": "yes"}]}}]}`,
				gemStop,
			),
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Bad: 4,
				Warnings: []string{
					"line 1: GenerateContentResponse: candidates.index is a JSON string, not an integer",
					"line 3: GenerateContentResponse: response.candidates is a JSON number, not an array",
					"line 5: GenerateContentResponse: usageMetadata is a JSON number, not an object",
					"line 7: GenerateContentResponse: candidates.content.parts.thought is a JSON string, not a boolean",
				},
			},
		},
		{
			name: "unknown_event_type_warned_once_and_data_read",
			input: "event: chunk\ndata: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]}}]}\n\n" +
				"event: chunk\ndata: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"b\"}]},\"finishReason\": \"STOP\"}]}\n\n",
			want: geminiView{
				Status: "ok", Complete: true, Stop: "STOP", Usage: "none", Text: "ab",
				Warnings: []string{"line 1: unknown event type chunk"},
			},
		},
		{
			name: "code_assist_envelope_is_unwrapped",
			input: geminiSSE(
				`{"response": {"candidates": [{"content": {"role": "model","parts": [{"text": "hi"}]}}],"modelVersion": "gemini-2.5-pro"},"traceId": "t1"}`,
				`{"response": {"candidates": [{"content": {"role": "model","parts": [{"text": ""}]},"finishReason": "STOP"}],"usageMetadata": {"promptTokenCount": 5,"candidatesTokenCount": 1}},"traceId": "t1"}`,
			),
			want: geminiView{Status: "ok", Complete: true, Stop: "STOP", In: 5, Out: 1, TotalIn: 5, Usage: "provider", Text: "hi"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustSummarize(t, tt.input, "gemini")
			require.Equal(t, "gemini", s.Format)
			assert.Equal(t, tt.want, geminiViewOf(s))
		})
	}
}

// TestGeminiBody checks what auto-detection, the JSON-array body and the
// body command see: model, response id and one chunk per JSON object.
func TestGeminiBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		input    string
		model    string
		respID   string
		chunks   int
		status   string
		errType  string
		text     string
		warnings []string
	}{
		{
			name: "model_and_response_id_detected",
			input: geminiSSE(
				`{"candidates": [{"content": {"parts": [{"text": "a"}]}}],"modelVersion": "gemini-2.0-flash","responseId": "r1"}`,
				`{"candidates": [{"finishReason": "STOP"}],"modelVersion": "gemini-2.0-flash","responseId": "r1"}`,
			),
			model: "gemini-2.0-flash", respID: "r1", chunks: 2, status: "ok", text: "a",
			warnings: []string{},
		},
		{
			name: "json_array_body_without_alt_sse",
			input: "[{\n  \"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Sc\"}]}}],\n  \"responseId\": \"r2\"\n}\n,\r\n" +
				"{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"oop\"}]},\"finishReason\": \"STOP\"}],\"modelVersion\": \"m\"}]",
			model: "m", respID: "r2", chunks: 2, status: "ok", text: "Scoop",
			warnings: []string{"not SSE: the body is a JSON array (Gemini streamGenerateContent without alt=sse); its elements were read as events"},
		},
		{
			name:    "json_array_body_with_error_element",
			input:   `[{"error": {"code": 400,"message": "API key not valid.","status": "INVALID_ARGUMENT"}}]`,
			chunks:  1,
			status:  "failed",
			errType: "INVALID_ARGUMENT",
			warnings: []string{
				"not SSE: the body is a JSON array (Gemini streamGenerateContent without alt=sse); its elements were read as events",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustSummarize(t, tt.input, "")
			require.Equal(t, "gemini", s.Format)
			assert.Equal(t, tt.model, geminiDeref(s.Model))
			assert.Equal(t, tt.respID, geminiDeref(s.ResponseID))
			assert.Equal(t, tt.chunks, s.Chunks)
			assert.Equal(t, tt.status, s.Status.String())
			assert.Equal(t, tt.errType, geminiDeref(s.ErrorType))
			assert.Equal(t, tt.text, s.Text)
			assert.Equal(t, tt.warnings, s.Warnings)
		})
	}
}

func geminiDeref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// geminiCaptures returns the Gemini and Vertex AI captures.
func geminiCaptures(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, dir := range []string{"gemini", "vertex-ai"} {
		m, err := filepath.Glob(filepath.Join(capturesDir, dir, "*.sse"))
		require.NoError(tb, err)
		files = append(files, m...)
	}
	require.NotEmpty(tb, files)
	return files
}

// FuzzGemini replays arbitrary bytes as a Gemini stream: no panic, and
// Replay returns.
func FuzzGemini(f *testing.F) {
	for _, path := range geminiCaptures(f) {
		b, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(geminiSSE(
		`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "w","willContinue": true}},{"text": "t","thought": true}]}},{"index": 1}]}`,
		`{"promptFeedback": {"blockReason": "SAFETY"},"error": {"code": 1,"status": "X"},"usageMetadata": {"promptTokenCount": 1}}`,
		`{"response": {"candidates": [{"finishReason": "STOP"}]}}`,
	)))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := streamctx.New(streamctx.Options{CollectText: true, RecordChunks: true})
		res, err := parser.Replay(bytes.NewReader(data), sc, parser.Options{Format: "gemini"})
		if err != nil {
			return
		}
		s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
		assert.False(t, s.Status == streamctx.StatusOK && !s.Complete, "status ok on an incomplete stream")
		for _, tc := range s.ToolCalls {
			// Whole args compacted, or streamed pieces assembled: JSON.
			assert.True(t, tc.Arguments == "" || json.Valid([]byte(tc.Arguments)), "arguments %q", tc.Arguments)
		}
	})
}

// BenchmarkGemini replays the longest Gemini capture.
func BenchmarkGemini(b *testing.B) {
	input, err := os.ReadFile(filepath.Join(capturesDir, "gemini", "thoughts.sse"))
	require.NoError(b, err)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		sc := streamctx.New(streamctx.Options{})
		_, err := parser.Replay(bytes.NewReader(input), sc, parser.Options{Format: "gemini"})
		require.NoError(b, err)
	}
}

// TestGeminiServerToolsAndCitations: executableCode/codeExecutionResult,
// webSearchQueries and urlContextMetadata are server tool calls, grounding
// chunks citations, and the members outside the token keys usage details
// (hand-made chunks, shaped as the captures gemini/code-execution.sse,
// gemini/google-search-grounding-tool-use-tokens.sse and
// gemini/url-context-grounding.sse show them).
func TestGeminiServerToolsAndCitations(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	s := mustSummarize(t, geminiSSE(
		`{"candidates":[{"content":{"parts":[{"executableCode":{"language":"PYTHON","code":"print(1)"}},{"executableCode":{"language":"PYTHON","code":"x","id":"b"}}]}}]}`,
		`{"candidates":[{"content":{"parts":[{"codeExecutionResult":{"outcome":"OUTCOME_DEADLINE_EXCEEDED","id":"b"}},{"codeExecutionResult":{"outcome":"OUTCOME_OK"}},{"codeExecutionResult":{"outcome":"OUTCOME_OK"}}]}}]}`,
		`{"candidates":[{"content":{"parts":[{"text":"a"}]},"groundingMetadata":{"webSearchQueries":["q <1>","q2"]},"urlContextMetadata":{"urlMetadata":[{"retrievedUrl":"https://x","urlRetrievalStatus":"URL_RETRIEVAL_STATUS_PAYWALL"}]}}]}`,
		`{"candidates":[{"content":{"parts":[{"text":"b"}]},"finishReason":"STOP","groundingMetadata":{"webSearchQueries":["q <1>"],"groundingChunks":[`+
			`{"web":{"uri":"https://a","title":"A"}},{"web":{"uri":"https://a","title":"A again"}},{"retrievedContext":{"uri":"gs://b/c.pdf","title":"c.pdf"}},{"retrievedContext":{"fileSearchStore":"fileSearchStores/s"}},{"maps":{}}]}}],`+
			`"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"toolUsePromptTokenCount":7,"promptTokensDetails":[{"modality":"TEXT","tokenCount":4},{"modality":"AUDIO","tokenCount":6}],"toolUsePromptTokensDetails":[{"modality":"TEXT","tokenCount":7}]}}`,
	), "")
	assert.Equal(t, []streamctx.ServerToolCallSnapshot{
		{Type: "executableCode", Name: "code_execution", Input: `{"language":"PYTHON","code":"print(1)"}`, Status: str("completed")},
		{Type: "executableCode", Name: "code_execution", ID: "b", Input: `{"language":"PYTHON","code":"x","id":"b"}`, Status: str("completed"), Error: str("OUTCOME_DEADLINE_EXCEEDED")},
		{Type: "webSearchQueries", Name: "google_search", Input: `{"query":"q <1>"}`, Status: str("completed")},
		{Type: "webSearchQueries", Name: "google_search", Input: `{"query":"q2"}`},
		{Type: "urlContextMetadata", Name: "url_context", Input: `{"url":"https://x"}`, Status: str("failed"), Error: str("URL_RETRIEVAL_STATUS_PAYWALL")},
	}, s.ServerToolCalls)
	assert.Equal(t, []streamctx.Citation{
		{URL: str("https://a"), Title: str("A"), Source: "groundingChunks"},
		{URL: str("gs://b/c.pdf"), Title: str("c.pdf"), Source: "groundingChunks"},
		{Source: "groundingChunks", FileID: str("fileSearchStores/s")},
	}, s.Citations)
	assert.Equal(t, streamctx.UsageDetails{
		{Key: "toolUsePromptTokenCount", Value: json.RawMessage("7")},
		{Key: "promptTokensDetails.AUDIO", Value: json.RawMessage("6")},
	}, s.UsageDetails)
	assert.Equal(t, []string{"line 3: a codeExecutionResult without its executableCode"}, s.Warnings)
	assert.Equal(t, int64(10), s.InputTokens, "the token keys keep their meaning")
}

// TestGeminiServerToolMembersOfTheWrongShape: a member of the wrong shape
// is warned about once, with or without the text kept.
func TestGeminiServerToolMembersOfTheWrongShape(t *testing.T) {
	t.Parallel()
	in := geminiSSE(
		`{"candidates":[{"content":{"parts":[{"executableCode":{"id":1}}]},"groundingMetadata":{"webSearchQueries":"q"}}]}`,
		`{"candidates":[{"groundingMetadata":{"webSearchQueries":"q"},"urlContextMetadata":[],"finishReason":"STOP"}]}`,
	)
	want := []string{
		"line 1: executableCode.id is a JSON number, not a string; executableCode not read",
		"line 1: groundingMetadata.webSearchQueries is a JSON string, not an array; groundingMetadata not read",
		"line 3: urlContextMetadata is a JSON array, not an object; urlContextMetadata not read",
	}
	for _, collect := range []bool{true, false} {
		sc := streamctx.New(streamctx.Options{CollectText: collect})
		_, err := parser.Replay(strings.NewReader(in), sc, parser.Options{})
		require.NoError(t, err)
		s := sc.Snapshot("gemini", "gemini")
		assert.Equal(t, want, s.Warnings, "collect text %v", collect)
		assert.Empty(t, s.ServerToolCalls)
	}
}
