package parser_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// chatDetails is a usage details list made of key, value pairs.
func chatDetails(kv ...string) streamctx.UsageDetails {
	d := streamctx.UsageDetails{}
	for i := 0; i < len(kv); i += 2 {
		d = append(d, streamctx.UsageDetail{Key: kv[i], Value: json.RawMessage(kv[i+1])})
	}
	return d
}

func TestOpenAIChatExtras(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	ms := streamctx.Ms
	tests := []struct {
		name      string
		input     string
		tools     []streamctx.ServerToolCallSnapshot
		citations []streamctx.Citation
		details   streamctx.UsageDetails
		cost      streamctx.Cost
		latency   *streamctx.ProviderLatency
		in        int64 // input_tokens, when not 5
		cached    int64
	}{
		{
			name: "groq_executed_tools_arguments_then_output",
			input: chatChunk(chatDelta(`{"executed_tools":[{"index":0,"type":"search","arguments":"{\"query\": \"q\"}","search_results":{"results":[]}}]}`, "null"), "") +
				chatChunk(chatDelta(`{"executed_tools":[{"index":0,"type":"search","arguments":"{\"query\": \"q\"}","output":"Title: x"},{"index":1,"type":"python","arguments":"{\"code\":\"1\"}"}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"Hi"}`, `"stop"`), `"x_groq":{"usage":{"queue_time":0.235881,"prompt_tokens":5,"prompt_time":0.330548,"completion_tokens":7,"completion_time":0.87677,"total_tokens":12,"total_time":1.207319}}`) +
				chatDoneEvent,
			tools: []streamctx.ServerToolCallSnapshot{
				{Type: "executed_tools", Name: "search", Input: `{"query": "q"}`, Status: str("completed")},
				{Type: "executed_tools", Name: "python", Input: `{"code":"1"}`},
			},
			latency: &streamctx.ProviderLatency{QueueMs: ms(235.881), PromptMs: ms(330.548), GenerationMs: ms(876.77), TotalMs: ms(1207.319), Source: "x_groq.usage"},
		},
		{
			name: "groq_executed_tools_of_a_whole_message",
			input: `data: {"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"content":"Hi","executed_tools":[{"index":0,"type":"search","arguments":"{}","output":"o"}]},"finish_reason":"stop"}],` +
				`"usage":{"prompt_tokens":5,"completion_tokens":7,"queue_time":0.5,"total_time":2}}` + "\n\n",
			tools:   []streamctx.ServerToolCallSnapshot{{Type: "executed_tools", Name: "search", Input: `{}`, Status: str("completed")}},
			latency: &streamctx.ProviderLatency{QueueMs: ms(500), TotalMs: ms(2000), Source: "usage"},
		},
		{
			name: "url_citation_annotations_openrouter_cost",
			input: chatChunk(chatDelta(`{"content":"Hi","annotations":[{"type":"url_citation","url_citation":{"url":"https://a","title":"A","start_index":0,"end_index":0}}]}`, "null"), "") +
				chatChunk(chatDelta(`{"content":"","annotations":[{"type":"url_citation","url_citation":{"url":"https://a","title":"A again"}},{"type":"url_citation","url_citation":{"url":"https://b","title":""}},{"type":"document_citation","document_citation":{"document_id":"d"}}]}`, `"stop"`),
					`"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"cost":0.0076509169000000005,"is_byok":false,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":3},"cost_details":{"upstream_inference_cost":null},"server_tool_use_details":{"web_search_requests":1}}`) +
				chatDoneEvent,
			citations: []streamctx.Citation{
				{URL: str("https://a"), Title: str("A"), Source: "url_citation"},
				{URL: str("https://b"), Source: "url_citation"},
			},
			details: chatDetails("prompt_tokens_details.audio_tokens", "3", "cost_details", `{"upstream_inference_cost":null}`, "server_tool_use_details.web_search_requests", "1"),
			cost:    streamctx.Cost{USD: new(0.0076509169000000005), Source: str("provider"), ProviderField: str("usage.cost")},
		},
		{
			name: "perplexity_search_results_citations_and_cost",
			input: chatChunk(chatDelta(`{"content":"Hi"}`, "null"),
				`"citations":["https://a","https://c"],"search_results":[{"title":"A","url":"https://a","date":"2025-06-10"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"search_context_size":"low","cost":{"total_cost":0}}`) +
				chatChunk(chatDelta(`{"content":""}`, `"stop"`),
					`"citations":["https://a","https://c"],"search_results":[{"title":"A","url":"https://a","date":"2025-06-10"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"citation_tokens":4,"num_search_queries":1,"search_context_size":"low","cost":{"request_cost":0.005,"total_cost":0.00501}}`),
			citations: []streamctx.Citation{
				{URL: str("https://a"), Title: str("A"), Source: "search_results"},
				{URL: str("https://c"), Source: "citations"},
			},
			details: chatDetails("cost", `{"request_cost":0.005,"total_cost":0.00501}`, "citation_tokens", "4", "num_search_queries", "1"),
			cost:    streamctx.Cost{USD: new(0.00501), Source: str("provider"), ProviderField: str("usage.cost.total_cost")},
		},
		{
			name: "openai_audio_prediction_and_xai_ticks",
			input: chatChunk(chatDelta(`{"content":"Hi"}`, `"stop"`),
				`"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"num_sources_used":2,"cost_in_usd_ticks":1466250,"prompt_tokens_details":{"cached_tokens":1,"audio_tokens":0,"image_tokens":2},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":3,"accepted_prediction_tokens":4,"rejected_prediction_tokens":5}}`),
			details: chatDetails("num_sources_used", "2", "prompt_tokens_details.audio_tokens", "0", "prompt_tokens_details.image_tokens", "2",
				"completion_tokens_details.audio_tokens", "3", "completion_tokens_details.accepted_prediction_tokens", "4", "completion_tokens_details.rejected_prediction_tokens", "5"),
			cost:   streamctx.Cost{USD: new(0.000146625), Source: str("provider"), ProviderField: str("usage.cost_in_usd_ticks")},
			cached: 1,
		},
		{
			// Databricks: its API reference documents no cache members,
			// so they do not fill cached_tokens.
			name: "databricks_anthropic_cache_members_are_details",
			input: chatChunk(chatDelta(`{"content":"Hi"}`, `"stop"`),
				`"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"cache_read_input_tokens":8,"cache_creation_input_tokens":9}`),
			details: chatDetails("cache_read_input_tokens", "8", "cache_creation_input_tokens", "9"),
		},
		{
			// Hand-made: no real Cerebras stream with time_info was found
			// (the shape is cerebras-cloud-sdk-python's ChatChunkResponse).
			name: "cerebras_time_info_hand_made",
			input: chatChunk(chatDelta(`{"content":"Hi"}`, `"stop"`), "") +
				chatChunk("", `"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12},"time_info":{"queue_time":0.000073161,"prompt_time":0.001,"completion_time":0.005658,"total_time":0.0222249,"created":1723733419}`),
			latency: &streamctx.ProviderLatency{QueueMs: ms(0.073161), PromptMs: ms(1), GenerationMs: ms(5.658), TotalMs: ms(22.2249), Source: "time_info"},
		},
		{
			name: "llamacpp_timings",
			input: chatChunk(chatDelta(`{"content":"Hi"}`, `"stop"`),
				`"usage":{"prompt_tokens":5,"completion_tokens":7},"timings":{"prompt_n":5,"prompt_ms":203.378,"prompt_per_second":5334.89,"predicted_n":7,"predicted_ms":933.63,"predicted_per_second":264.5587652496171}`),
			latency: &streamctx.ProviderLatency{PromptMs: ms(203.378), GenerationMs: ms(933.63), OutputTokensPerS: ms(264.5587652496171), Source: "timings"},
		},
		{
			// Members of another shape are ignored, without a warning
			// (the same with and without the text kept).
			name: "members_of_another_shape_are_ignored",
			input: chatChunk(chatDelta(`{"content":"Hi","annotations":{"x":1},"executed_tools":"x"}`, `"stop"`),
				`"citations":[1],"search_results":"x","time_info":[],"timings":{"prompt_ms":"x"},"usage":{"prompt_tokens":5,"completion_tokens":7,"cost":"x","queue_time":"x","prompt_tokens_details":{"audio_tokens":1.5}}`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustSummarize(t, tt.input, "openai-chat")
			want := tt.cost
			if want.USD == nil {
				want.Reason = str("the stream reported no cost")
			}
			assert.Equal(t, want, s.Cost)
			assert.Equal(t, tt.tools, nilIfEmpty(s.ServerToolCalls))
			assert.Equal(t, tt.citations, nilIfEmpty(s.Citations))
			assert.Equal(t, tt.details, nilIfEmpty(s.UsageDetails))
			assert.Equal(t, tt.latency, s.Latency.Provider)
			assert.Equal(t, int64(5), s.InputTokens, "the token keys keep their meaning")
			assert.Equal(t, tt.cached, s.CachedTokens)
			assert.Empty(t, s.Warnings)
			lean := streamctx.New(streamctx.Options{})
			_, err := parser.Replay(strings.NewReader(tt.input), lean, parser.Options{Format: "openai-chat"})
			require.NoError(t, err)
			ls := lean.Snapshot("openai-chat", "openai")
			assert.Empty(t, ls.ServerToolCalls, "kept only with the text")
			assert.Equal(t, s.UsageDetails, ls.UsageDetails, "always decoded")
			assert.Equal(t, s.Latency.Provider, ls.Latency.Provider, "always decoded")
		})
	}
}

// nilIfEmpty is s, or nil when it is empty.
func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}
