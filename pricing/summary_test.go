package pricing_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/pricing"
	"github.com/sseinspect/sseinspect/streamctx"
)

// SummaryCost with the usage details and server tool calls that no
// captured stream of the corpus carries yet (hand-made snapshots), against
// sums worked out by hand from the embedded table's prices (USD per million
// tokens, per thousand searches).
func TestSummaryCostDetails(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	details := func(kv ...any) streamctx.UsageDetails {
		var d streamctx.UsageDetails
		for i := 0; i < len(kv); i += 2 {
			b, err := json.Marshal(kv[i+1])
			require.NoError(t, err)
			d = append(d, streamctx.UsageDetail{Key: kv[i].(string), Value: b})
		}
		return d
	}
	webSearch := func(status string) streamctx.ServerToolCallSnapshot {
		return streamctx.ServerToolCallSnapshot{Type: "web_search_call", Name: "web_search", Status: str(status)}
	}
	for _, tc := range []struct {
		name          string
		s             streamctx.Snapshot
		excludesCache bool
		want          float64
		reason        string
	}{
		// claude-sonnet-4 (3 in, 3.75 cache write 5m, 6 cache write 1h, 0.3
		// cache read, 15 out, 10 per thousand web searches): 100 in, 2000
		// read, 1000 written of which 400 for an hour, 300 out, 2 searches.
		// 100×3 + 2000×0.3 + 600×3.75 + 400×6 + 300×15 = 300 + 600 + 2250 + 2400 + 4500; + 2×10/1000
		{"anthropic one-hour cache writes and web searches", streamctx.Snapshot{
			Provider: "anthropic", Model: str("claude-sonnet-4-20250514"),
			InputTokens: 100, CachedTokens: 2000, CacheCreationTokens: 1000, OutputTokens: 300,
			UsageDetails: details("cache_creation.ephemeral_5m_input_tokens", 600, "cache_creation.ephemeral_1h_input_tokens", 400,
				"server_tool_use.web_search_requests", 2, "server_tool_use.web_fetch_requests", 0),
		}, true, 10050e-6 + 0.02, ""},
		// The usage detail counts the searches: the server tool calls are
		// not counted again.
		{"web searches counted once", streamctx.Snapshot{
			Provider: "anthropic", Model: str("claude-sonnet-4-20250514"), InputTokens: 100,
			UsageDetails:    details("server_tool_use.web_search_requests", 1),
			ServerToolCalls: []streamctx.ServerToolCallSnapshot{webSearch("completed"), webSearch("completed")},
		}, true, 300e-6 + 0.01, ""},
		// Responses: gpt-5 (1.25 in, 10 out, 10 per thousand web searches,
		// 2.5 per thousand file searches): 1000 in, 100 out, two completed
		// web searches (a failed one is not billed), one file search.
		// 1000×1.25 + 100×10 = 1250 + 1000; + 2×10/1000 + 2.5/1000
		{"responses searches from server tool calls", streamctx.Snapshot{
			Provider: "openai", Model: str("gpt-5-2025-08-07"), InputTokens: 1000, OutputTokens: 100,
			ServerToolCalls: []streamctx.ServerToolCallSnapshot{webSearch("completed"), webSearch("failed"), webSearch("completed"),
				{Type: "file_search_call", Status: str("completed")}, {Type: "code_interpreter_call", Status: str("completed")}},
		}, false, 2250e-6 + 0.02 + 0.0025, ""},
		// openai-chat, gpt-audio (2.5 in, 10 out, 32 audio in, 64 audio
		// out): 1000 in of which 600 audio, 500 out of which 300 audio.
		// 400×2.5 + 600×32 + 200×10 + 300×64 = 1000 + 19200 + 2000 + 19200
		{"openai audio tokens", streamctx.Snapshot{
			Provider: "openai", Model: str("gpt-audio"), InputTokens: 1000, OutputTokens: 500,
			UsageDetails: details("prompt_tokens_details.audio_tokens", 600, "completion_tokens_details.audio_tokens", 300,
				"completion_tokens_details.accepted_prediction_tokens", 0, "cost_details", map[string]float64{"x": 1}),
		}, false, 41400e-6, ""},
		// usage.iterations: the message pass is the top-level usage; the
		// compaction pass, with 400 of its 1000 cache writes for an hour,
		// is priced on top (claude-sonnet-4: 3 in, 3.75 cache write, 6
		// cache write 1h, 15 out): 100×3 + 300×15 for the top level, then
		// 50×3 + 600×3.75 + 400×6 + 20×15 = 150 + 2250 + 2400 + 300; an
		// advisor pass of a model the table does not know is left out and
		// said so.
		{"anthropic iterations", streamctx.Snapshot{
			Provider: "anthropic", Model: str("claude-sonnet-4-20250514"), InputTokens: 100, OutputTokens: 300,
			UsageDetails: details("iterations", []map[string]any{
				{"type": "compaction", "input_tokens": 50, "output_tokens": 20, "cache_creation_input_tokens": 1000,
					"cache_creation": map[string]int{"ephemeral_5m_input_tokens": 600, "ephemeral_1h_input_tokens": 400}},
				{"type": "message", "input_tokens": 100, "output_tokens": 300},
				{"type": "advisor_message", "model": "claude-nonesuch-9", "input_tokens": 10, "output_tokens": 1},
			}),
		}, true, 4800e-6 + 5100e-6, `left out of usd: the advisor_message pass of usage.iterations (model "claude-nonesuch-9" is not in the price table of 2026-09-23)`},
		// OpenRouter's count of web searches in a chat usage, without its
		// provider cost: gpt-4o (2.5 in, 10 per thousand searches), 1000
		// in, one search. 1000×2.5; + 10/1000
		{"openrouter web search", streamctx.Snapshot{
			Provider: "openai", Model: str("gpt-4o"), InputTokens: 1000,
			UsageDetails: details("server_tool_use_details.web_search_requests", 1, "server_tool_use_details.tool_calls_requested", 1),
		}, false, 2500e-6 + 0.01, ""},
		// A quantity the model has no price for is left out, and named:
		// xAI's num_sources_used is no quantity the table knows. 1000×0.15 (gpt-4o-mini)
		{"unpriced", streamctx.Snapshot{
			Provider: "openai", Model: str("gpt-4o-mini"), InputTokens: 1000,
			UsageDetails: details("num_sources_used", 3),
		}, false, 150e-6, "left out of usd (the price table has no price for them): num_sources_used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := pricing.Default().SummaryCost(pricing.Stream{Summary: &tc.s, InputExcludesCache: tc.excludesCache})
			require.NotNil(t, c.USD, "reason: %v", c.Reason)
			assert.InDelta(t, tc.want, *c.USD, 1e-12)
			if tc.reason == "" {
				assert.Nil(t, c.Reason)
			} else {
				require.NotNil(t, c.Reason)
				assert.Equal(t, tc.reason, *c.Reason)
			}
		})
	}
}
