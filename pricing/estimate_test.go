package pricing_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/pricing"
)

// The prices quoted below are those of the embedded snapshot
// (@pydantic/genai-prices 0.1.8), in USD per million tokens.
func TestEstimateArithmetic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, provider, model string
		u                     pricing.Usage
		want                  float64
		matched               string
	}{
		// openai-chat: prompt_tokens include cached_tokens.
		// gpt-4o-mini: input 0.15, cache read 0.075, output 0.6.
		// (800×0.15 + 200×0.075 + 500×0.6)/1e6 = (120 + 15 + 300)/1e6
		{"gpt-4o-mini cached", "openai", "gpt-4o-mini-2024-07-18",
			pricing.Usage{Input: 1000, CacheRead: 200, Output: 500}, 435e-6, "gpt-4o-mini"},
		// gpt-4o: input 2.5, cache read 1.25, output 10; reasoning stays in output.
		// (6000×2.5 + 4000×1.25 + 1000×10)/1e6 = (15000 + 5000 + 10000)/1e6
		{"gpt-4o cached", "openai", "gpt-4o-2024-08-06",
			pricing.Usage{Input: 10000, CacheRead: 4000, Output: 1000, Reasoning: 300}, 0.03, "gpt-4o"},
		// anthropic: input_tokens exclude the cache.
		// claude-sonnet-4-0: input 3, cache write 3.75, cache read 0.3, output 15.
		// (100×3 + 2000×0.3 + 1000×3.75 + 300×15)/1e6 = (300 + 600 + 3750 + 4500)/1e6
		{"claude-sonnet-4 cache read and write", "anthropic", "claude-sonnet-4-20250514",
			pricing.Usage{Input: 100, CacheRead: 2000, CacheWrite: 1000, Output: 300, InputExcludesCache: true}, 9150e-6, "claude-sonnet-4-0"},
		// Same with 400 of the 1000 written for one hour (cache write 1h: 6):
		// (300 + 600 + 600×3.75 + 400×6 + 4500)/1e6 = (300 + 600 + 2250 + 2400 + 4500)/1e6
		{"claude-sonnet-4 one-hour cache write", "anthropic", "claude-sonnet-4-20250514",
			pricing.Usage{Input: 100, CacheRead: 2000, CacheWrite: 1000, Output: 300, InputExcludesCache: true,
				Extra: map[string]int64{"ephemeral_1h_input_tokens": 400}}, 10050e-6, "claude-sonnet-4-0"},
		// Two web searches at 10 per thousand: 9150e-6 + 2×10/1000.
		{"claude-sonnet-4 web search", "anthropic", "claude-sonnet-4-20250514",
			pricing.Usage{Input: 100, CacheRead: 2000, CacheWrite: 1000, Output: 300, InputExcludesCache: true,
				Extra: map[string]int64{"server_tool_use.web_search_requests": 2}}, 9150e-6 + 0.02, "claude-sonnet-4-0"},
		// claude-3-5-haiku: input 0.8, cache write 1, cache read 0.08, output 4.
		// (50×0.8 + 1000×0.08 + 500×1 + 200×4)/1e6 = (40 + 80 + 500 + 800)/1e6
		{"claude-3-5-haiku", "anthropic", "claude-3-5-haiku-20241022",
			pricing.Usage{Input: 50, CacheRead: 1000, CacheWrite: 500, Output: 200, InputExcludesCache: true}, 1420e-6, "claude-3-5-haiku-latest"},
		// claude-sonnet-4-5 above 200k input (150000 + 60000 = 210000): every
		// token at the tier rate: input 6, cache read 0.6, output 22.5.
		// (150000×6 + 60000×0.6 + 1000×22.5)/1e6 = (900000 + 36000 + 22500)/1e6
		{"claude-sonnet-4-5 long context tier", "anthropic", "claude-sonnet-4-5-20250929",
			pricing.Usage{Input: 150000, CacheRead: 60000, Output: 1000, InputExcludesCache: true}, 0.9585, "claude-sonnet-4-5"},
		// gemini: promptTokenCount includes cachedContentTokenCount; output
		// includes thoughts. gemini-2.5-pro up to 200k: input 1.25, cache read
		// 0.125, output 10. (80000×1.25 + 20000×0.125 + 2000×10)/1e6 = (100000 + 2500 + 20000)/1e6
		{"gemini-2.5-pro base tier", "gemini", "gemini-2.5-pro",
			pricing.Usage{Input: 100000, CacheRead: 20000, Output: 2000, Reasoning: 1500}, 0.1225, "gemini-2.5-pro"},
		// Above 200k: input 2.5, cache read 0.25, output 15.
		// (200000×2.5 + 50000×0.25 + 2000×15)/1e6 = (500000 + 12500 + 30000)/1e6
		{"gemini-2.5-pro above 200k", "gemini", "models/gemini-2.5-pro",
			pricing.Usage{Input: 250000, CacheRead: 50000, Output: 2000}, 0.5425, "gemini-2.5-pro"},
		// Exactly 200000 is not above the tier start: 200000×1.25/1e6.
		{"gemini-2.5-pro at the tier start", "gemini", "gemini-2.5-pro",
			pricing.Usage{Input: 200000}, 0.25, "gemini-2.5-pro"},
		// gemini-2.5-flash: input 0.3, output 2.5, input audio 1.
		// (600×0.3 + 400×1 + 100×2.5)/1e6 = (180 + 400 + 250)/1e6
		{"gemini-2.5-flash audio input", "gemini", "models/gemini-2.5-flash",
			pricing.Usage{Input: 1000, Output: 100, Extra: map[string]int64{"input_audio_tokens": 400}}, 830e-6, "gemini-2.5-flash"},
		// Gemini's tool-use prompt tokens are billed input outside
		// promptTokenCount (a capture: prompt 17, output 653, tool use 102).
		// (119×0.3 + 653×2.5)/1e6 = (35.7 + 1632.5)/1e6
		{"gemini-2.5-flash tool-use prompt", "gemini", "gemini-2.5-flash",
			pricing.Usage{Input: 17, Output: 653, Extra: map[string]int64{"toolUsePromptTokenCount": 102}}, 1668.2e-6, "gemini-2.5-flash"},
		// Modality counts by their usage_details names are parts of the totals:
		// of 1000 input tokens 400 are audio, 150 cached, of which 100 cached
		// audio (a part of both). Billed: cached audio 100 at 0.1, other cached
		// 150−100 = 50 at 0.03, other audio 400−100 = 300 at 1, the rest of the
		// input 1000−100−50−300 = 550 at 0.3, output 100 at 2.5:
		// (100×0.1 + 50×0.03 + 300×1 + 550×0.3 + 100×2.5)/1e6 = (10 + 1.5 + 300 + 165 + 250)/1e6
		{"gemini-2.5-flash modality details", "gemini", "gemini-2.5-flash",
			pricing.Usage{Input: 1000, CacheRead: 150, Output: 100, Extra: map[string]int64{
				"promptTokensDetails.AUDIO": 400, "cacheTokensDetails.AUDIO": 100}}, 726.5e-6, "gemini-2.5-flash"},
		// xAI on openai-chat (provider "openai", the format's vendor): found by
		// x-ai's model_match. grok-3-mini: input 0.3, cache read 0.075, output 0.5.
		// (400×0.3 + 600×0.075 + 500×0.5)/1e6 = (120 + 45 + 250)/1e6
		{"grok-3-mini via the vendor", "openai", "grok-3-mini",
			pricing.Usage{Input: 1000, CacheRead: 600, Output: 500, Reasoning: 400}, 415e-6, "grok-3-mini"},
		{"grok-3-mini by provider", "xai", "grok-3-mini",
			pricing.Usage{Input: 1000, CacheRead: 600, Output: 500, Reasoning: 400}, 415e-6, "grok-3-mini"},
		// groq llama-3.3-70b-versatile: input 0.59, output 0.79.
		// (2000×0.59 + 1000×0.79)/1e6 = (1180 + 790)/1e6
		{"groq llama", "groq", "llama-3.3-70b-versatile",
			pricing.Usage{Input: 2000, Output: 1000}, 1970e-6, "llama-3.3-70b-versatile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := pricing.Default().Estimate(tc.provider, tc.model, tc.u, time.Time{})
			require.NotNil(t, c.USD, c.Reason)
			assert.InDelta(t, tc.want, *c.USD, 1e-12)
			require.NotNil(t, c.ModelMatched)
			assert.Equal(t, tc.matched, *c.ModelMatched)
			require.NotNil(t, c.Source)
			assert.Equal(t, "price-table", *c.Source)
			assert.Equal(t, "2026-09-23", c.PricesDate)
			assert.Empty(t, c.Unpriced)
			assert.Empty(t, c.Reason)
		})
	}
}

func TestEstimateFallbackProvider(t *testing.T) {
	t.Parallel()
	c := pricing.Default().Estimate("openai", "grok-3-mini", pricing.Usage{Input: 1}, time.Time{})
	require.NotNil(t, c.ProviderMatched)
	assert.Equal(t, "x-ai", *c.ProviderMatched)
	c = pricing.Default().Estimate("gemini", "gemini-2.5-pro", pricing.Usage{Input: 1}, time.Time{})
	require.NotNil(t, c.ProviderMatched)
	assert.Equal(t, "google", *c.ProviderMatched)
}

// claude-sonnet-4-6 had tiered prices until 2026-03-13, flat 3 per million
// input tokens since. 250000 input tokens: 250000×6/1e6 before, 250000×3/1e6
// after, and a zero time takes the newest.
func TestEstimateDatedPrices(t *testing.T) {
	t.Parallel()
	u := pricing.Usage{Input: 250000, InputExcludesCache: true}
	for _, tc := range []struct {
		at   time.Time
		want float64
	}{
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 1.5},
		{time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC), 0.75},
		{time.Time{}, 0.75},
	} {
		c := pricing.Default().Estimate("anthropic", "claude-sonnet-4-6", u, tc.at)
		require.NotNil(t, c.USD, c.Reason)
		assert.InDelta(t, tc.want, *c.USD, 1e-12, tc.at)
	}
}

func TestEstimateNoPrice(t *testing.T) {
	t.Parallel()
	tbl := pricing.Default()
	for _, tc := range []struct {
		name, model string
		u           pricing.Usage
		reason      string
	}{
		{"unknown model", "my-own-finetune", pricing.Usage{Input: 10, Output: 5}, `model "my-own-finetune" is not in the price table of 2026-09-23`},
		{"no model", "", pricing.Usage{Input: 10}, "the stream names no model"},
		{"no usage", "gpt-4o", pricing.Usage{}, "the stream carried no usage"},
		{"cache over input", "gpt-4o", pricing.Usage{Input: 10, CacheRead: 20}, "cached tokens (20 read + 0 written) exceed the input tokens (10)"},
		{"reasoning over output", "gpt-4o", pricing.Usage{Output: 1, Reasoning: 2}, "reasoning tokens (2) exceed the output tokens (1)"},
		{"part over whole", "claude-sonnet-4", pricing.Usage{CacheWrite: 1, InputExcludesCache: true,
			Extra: map[string]int64{"cache_write_1h_tokens": 5}}, "usage cannot be priced: the parts of cache_write_tokens exceed cache_write_tokens"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := tbl.Estimate("openai", tc.model, tc.u, time.Time{})
			assert.Nil(t, c.USD)
			assert.Nil(t, c.Source)
			assert.Equal(t, tc.reason, c.Reason)
		})
	}
}

// A quantity the model has no price for is left out of USD and listed.
// gpt-4o-mini prices no code execution: (100×0.15)/1e6, and the unknown
// name is listed too; rejected prediction tokens are part of the output.
func TestEstimateUnpriced(t *testing.T) {
	t.Parallel()
	c := pricing.Default().Estimate("openai", "gpt-4o-mini", pricing.Usage{Input: 100,
		Extra: map[string]int64{"output_audio_tokens": 0, "input_audio_tokens": 0, "predicted_tokens": 7, "code_executions": 2,
			"completion_tokens_details.rejected_prediction_tokens": 3}}, time.Time{})
	require.NotNil(t, c.USD, c.Reason)
	assert.InDelta(t, 15e-6, *c.USD, 1e-12)
	assert.Equal(t, []string{"code_executions", "predicted_tokens"}, c.Unpriced)
}

func TestModelMatching(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ provider, model, want string }{
		{"openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"},
		{"openai", "GPT-4o-mini", "gpt-4o-mini"},
		{"anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"},
		{"anthropic", "claude-3-5-haiku-20241022", "claude-3-5-haiku-latest"},
		{"gemini", "models/gemini-2.5-flash", "gemini-2.5-flash"},
		{"gemini", "gemini-2.5-pro-preview-06-05", "gemini-2.5-pro"},
		{"vertex", "gemini-2.5-flash", "gemini-2.5-flash"},
		{"", "claude-3-5-haiku-latest", "claude-3-5-haiku-latest"},
		{"openrouter", "anthropic/claude-sonnet-4", ""},
	} {
		c := pricing.Default().Estimate(tc.provider, tc.model, pricing.Usage{Input: 1}, time.Time{})
		if tc.want == "" {
			continue // only that it does not panic: openrouter's own ids
		}
		require.NotNil(t, c.ModelMatched, "%s %s: %s", tc.provider, tc.model, c.Reason)
		assert.Equal(t, tc.want, *c.ModelMatched, "%s %s", tc.provider, tc.model)
	}
	// The TTS variant is excluded by the negative lookahead of gemini-2.5-pro's regex.
	c := pricing.Default().Estimate("gemini", "gemini-2.5-pro-preview-tts", pricing.Usage{Input: 1}, time.Time{})
	require.NotNil(t, c.ModelMatched, c.Reason)
	assert.Equal(t, "gemini-2.5-pro-tts", *c.ModelMatched)
}

// deepseek-reasoner costs 0.55 input and 2.19 output per million from 00:30
// to 16:30 UTC, 0.135 and 0.55 outside that window. Without a time the
// prices outside every window are used, and said to be.
func TestEstimateTimeOfDay(t *testing.T) {
	t.Parallel()
	u := pricing.Usage{Input: 1000, Output: 1000}
	for _, tc := range []struct {
		name      string
		at        time.Time
		want      float64
		timeOfDay bool
	}{
		{"in the window", time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), (550 + 2190) / 1e6, false},
		{"outside it", time.Date(2026, 5, 1, 20, 0, 0, 0, time.UTC), (135 + 550) / 1e6, false},
		{"no time", time.Time{}, (135 + 550) / 1e6, true},
	} {
		c := pricing.Default().Estimate("deepseek", "deepseek-reasoner", u, tc.at)
		require.NotNil(t, c.USD, c.Reason)
		assert.InDelta(t, tc.want, *c.USD, 1e-12, tc.name)
		assert.Equal(t, tc.timeOfDay, c.TimeOfDay, tc.name)
	}
	c := pricing.Default().Estimate("openai", "gpt-4o", u, time.Time{})
	assert.False(t, c.TimeOfDay, "gpt-4o has one price whatever the time")
}

// A provider the table does not know prices nothing: Ollama's local
// deepseek-r1:1.5b is not DeepSeek's hosted deepseek-reasoner, which the
// deepseek provider's model_match would take without a provider.
func TestEstimateUnknownProvider(t *testing.T) {
	t.Parallel()
	u := pricing.Usage{Input: 11, Output: 271}
	c := pricing.Default().Estimate("ollama", "deepseek-r1:1.5b", u, time.Time{})
	assert.Nil(t, c.USD)
	assert.Equal(t, `provider "ollama" is not in the price table of 2026-09-23`, c.Reason)
	c = pricing.Default().Estimate("", "deepseek-r1:1.5b", u, time.Time{})
	require.NotNil(t, c.ModelMatched, "without a provider, model_match decides")
	assert.Equal(t, "deepseek-reasoner", *c.ModelMatched)
}

// gemini-3.6-flash costs 0.75 in and 3.75 out per million until 2026-12-31,
// 1.5 and 7.5 from 2027-01-01, a date after the snapshot's (2026-09-23).
// Without a time, the prices in force on the table's date are used, and the
// later ones are named. 11 in, 293 out: 11×0.75 + 293×3.75 = 8.25 + 1098.75,
// or 11×1.5 + 293×7.5 = 16.5 + 2197.5.
func TestEstimatePricesAnnouncedForLater(t *testing.T) {
	t.Parallel()
	u := pricing.Usage{Input: 11, Output: 293}
	c := pricing.Default().Estimate("gemini", "gemini-3.6-flash", u, time.Time{})
	require.NotNil(t, c.USD, c.Reason)
	assert.InDelta(t, 1107e-6, *c.USD, 1e-12)
	assert.Equal(t, "2027-01-01", c.LaterPrices)
	c = pricing.Default().Estimate("gemini", "gemini-3.6-flash", u, time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC))
	require.NotNil(t, c.USD, c.Reason)
	assert.InDelta(t, 2214e-6, *c.USD, 1e-12)
	assert.Empty(t, c.LaterPrices, "a time was given")
}
