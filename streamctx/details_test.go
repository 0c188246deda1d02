package streamctx_test

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/streamctx"
)

func sp(s string) *string { return &s }

func TestServerToolCallsInStreamOrder(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{CollectText: true})
	a := sc.ServerTool("1")
	a.Type, a.Name, a.ID = "server_tool_use", "web_search", "srvtoolu_a"
	sc.AppendServerToolInput(a, `{"query":`)
	b := sc.ServerTool("2")
	b.Type, b.Name, b.ID = "web_search_call", "web_search", "ws_b"
	b.Status = "failed"
	sc.AppendServerToolInput(sc.ServerTool("1"), `"q"}`)
	sc.ServerTool("1").Error = "max_uses_exceeded"
	c := sc.ServerTool("3")
	sc.AppendServerToolInput(c, `{"code":"pri`)
	sc.SetServerToolInput(c, `{"code":"print(1)"}`)
	s := sc.Snapshot("anthropic", "anthropic")
	assert.Equal(t, []streamctx.ServerToolCallSnapshot{
		{Type: "server_tool_use", Name: "web_search", ID: "srvtoolu_a", Input: `{"query":"q"}`, Error: sp("max_uses_exceeded")},
		{Type: "web_search_call", Name: "web_search", ID: "ws_b", Status: sp("failed")},
		{Input: `{"code":"print(1)"}`},
	}, s.ServerToolCalls)

	sc.ResetForRetry()
	assert.Empty(t, sc.Snapshot("anthropic", "anthropic").ServerToolCalls, "a retry starts afresh")
}

func TestCitationsDeduplicatedInFirstSeenOrder(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{CollectText: true})
	sc.AddCitation("https://b", "B", "url_citation", "")
	sc.AddCitation("https://a", "", "citations", "")
	sc.AddCitation("https://b", "B again", "search_results", "") // the first is kept
	sc.AddCitation("", "notes.pdf", "file_citation", "file-1")
	sc.AddCitation("", "notes.pdf", "file_citation", "file-1")
	sc.AddCitation("", "no source", "url_citation", "") // neither url nor file: ignored
	assert.Equal(t, []streamctx.Citation{
		{URL: sp("https://b"), Title: sp("B"), Source: "url_citation"},
		{URL: sp("https://a"), Source: "citations"},
		{Title: sp("notes.pdf"), Source: "file_citation", FileID: sp("file-1")},
	}, sc.Snapshot("x", "x").Citations)
}

func TestDetailsNotKeptWithoutCollectText(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{})
	assert.Nil(t, sc.ServerTool("1"), "the two-line summary keeps no server tool calls")
	sc.AddCitation("https://a", "A", "url_citation", "")
	sc.SetUsageDetail("toolUsePromptTokenCount", 102) // usage details are kept: a cost needs them
	s := sc.Snapshot("gemini", "gemini")
	assert.Empty(t, s.ServerToolCalls)
	assert.Empty(t, s.Citations)
	n, ok := s.UsageDetails.Int("toolUsePromptTokenCount")
	assert.True(t, ok)
	assert.Equal(t, int64(102), n)
}

func TestUsageDetails(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{CollectText: true})
	sc.SetUsageDetail("server_tool_use.web_search_requests", 1)
	sc.SetUsageDetailJSON("iterations", []byte(`[ {"type": "compaction", "input_tokens": 5} ]`))
	sc.SetUsageDetail("server_tool_use.web_search_requests", 2) // a later report replaces
	sc.SetUsageDetail("cache_creation.ephemeral_1h_input_tokens", -1)
	sc.SetUsageDetailJSON("bad", []byte(`[1,`))
	s := sc.Snapshot("anthropic", "anthropic")
	b, err := json.Marshal(s.UsageDetails)
	require.NoError(t, err)
	assert.JSONEq(t, `{"server_tool_use.web_search_requests":2,"iterations":[{"type":"compaction","input_tokens":5}]}`, string(b))
	assert.Regexp(t, `^\{"server_tool_use\.web_search_requests":2,"iterations":\[\{"type":"compaction","input_tokens":5\}\]\}$`, string(b), "in first-seen order, compact")
	assert.Equal(t, []string{
		"usage cache_creation.ephemeral_1h_input_tokens is negative (-1): left out",
		"usage bad is not valid JSON: left out",
	}, s.Warnings)
	_, ok := s.UsageDetails.Int("iterations")
	assert.False(t, ok, "not a count")
}

func TestCost(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{})
	assert.Equal(t, streamctx.Cost{Reason: sp("the stream reported no cost")}, sc.Snapshot("x", "x").Cost)
	for _, bad := range []float64{-0.01, math.NaN(), math.Inf(1), 2e6} {
		sc.SetProviderCost(bad, "usage.cost")
	}
	_, _, ok := sc.ProviderCost()
	assert.False(t, ok, "no cost that cannot be right is kept")
	assert.Len(t, sc.Snapshot("x", "x").Warnings, 4)
	sc.SetProviderCost(0.00123, "usage.cost")
	usd := 0.00123
	assert.Equal(t, streamctx.Cost{USD: &usd, Source: sp("provider"), ProviderField: sp("usage.cost")}, sc.Snapshot("x", "x").Cost)
}

func TestProviderLatency(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{})
	assert.Nil(t, sc.Snapshot("x", "x").Latency.Provider, "none reported")
	sc.SetProviderLatency(streamctx.ProviderLatency{QueueMs: streamctx.Ms(-1), TotalMs: streamctx.Ms(math.NaN()), GenerationMs: streamctx.Ms(12.5), Source: "x_groq.usage"})
	s := sc.Snapshot("x", "x")
	assert.Equal(t, &streamctx.ProviderLatency{GenerationMs: streamctx.Ms(12.5), Source: "x_groq.usage"}, s.Latency.Provider,
		"known without recorded timing; what cannot be right is left null")
	assert.Len(t, s.Warnings, 2)
}

// TestProviderRate: a decode rate the provider gives (llama.cpp's
// predicted_per_second) is believed up to MaxProviderRate tokens a second.
func TestProviderRate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rate float64
		kept bool
	}{{264.56, true}, {streamctx.MaxProviderRate, true}, {1.5e6, false}, {1e300, false}} {
		sc := streamctx.New(streamctx.Options{})
		sc.SetProviderLatency(streamctx.ProviderLatency{GenerationMs: streamctx.Ms(933.63), OutputTokensPerS: streamctx.Ms(tc.rate), Source: "timings"})
		s := sc.Snapshot("x", "x")
		require.NotNil(t, s.Latency.Provider)
		assert.Equal(t, streamctx.Ms(933.63), s.Latency.Provider.GenerationMs, "the rest is kept")
		if tc.kept {
			assert.Equal(t, streamctx.Ms(tc.rate), s.Latency.Provider.OutputTokensPerS)
			assert.Empty(t, s.Warnings)
		} else {
			assert.Nil(t, s.Latency.Provider.OutputTokensPerS, tc.rate)
			assert.Equal(t, []string{fmt.Sprintf("timings: a provider rate of %v tokens/s cannot be right: left out", tc.rate)}, s.Warnings)
		}
	}
}
