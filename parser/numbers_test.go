package parser_test

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sseinspect/sseinspect/streamctx"
)

// usageStreams are streams of each format whose usage carries four
// counts, a to d, where each format sums some of them (chat: completion +
// reasoning when the total says so; Gemini: candidates + thoughts;
// Anthropic: the iterations; the total input when the input leaves the
// cache out).
var usageStreams = []struct {
	format string
	stream func(a, b, c, d int64) string
}{
	{"openai-chat", func(a, b, c, d int64) string {
		total, _ := streamctx.Add(a, b)
		total, _ = streamctx.Add(total, c)
		return fmt.Sprintf(`data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}],`+
			`"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,"completion_tokens_details":{"reasoning_tokens":%d},"prompt_tokens_details":{"cached_tokens":%d}}}`+
			"\n\ndata: [DONE]\n\n", a, b, total, c, d)
	}},
	{"anthropic", func(a, b, c, d int64) string {
		return fmt.Sprintf("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg\",\"model\":\"m\",\"usage\":{\"input_tokens\":%d,\"cache_read_input_tokens\":%d,\"cache_creation_input_tokens\":%d,\"output_tokens\":1}}}\n\n"+
			"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":%d,"+
			"\"iterations\":[{\"type\":\"compaction\",\"input_tokens\":%d,\"output_tokens\":%d},{\"type\":\"compaction\",\"input_tokens\":%d,\"output_tokens\":%d}]}}\n\n"+
			"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", a, c, d, b, a, b, c, d)
	}},
	{"gemini", func(a, b, c, d int64) string {
		return fmt.Sprintf(`data: {"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":%d,"candidatesTokenCount":%d,"thoughtsTokenCount":%d,"cachedContentTokenCount":%d}}`+"\n\n", a, b, c, d)
	}},
	{"openai-responses", func(a, b, c, d int64) string {
		return fmt.Sprintf(`data: {"type":"response.completed","sequence_number":0,"response":{"id":"r","model":"m","status":"completed","usage":{"input_tokens":%d,"output_tokens":%d,"output_tokens_details":{"reasoning_tokens":%d},"input_tokens_details":{"cached_tokens":%d}}}}`+"\n\n", a, b, c, d)
	}},
}

// checkNumbers is the invariant on the counts of a summary of a stream
// whose counts were in: no count is negative, and a count that cannot be
// right (negative, over streamctx.MaxPlausibleTokens) or a count held at
// the bound of int64 that no input reached (a sum that overflowed) is
// warned about.
func checkNumbers(t *testing.T, s streamctx.Snapshot, in ...int64) {
	t.Helper()
	warnings := strings.Join(s.Warnings, "\n")
	for name, v := range map[string]int64{"input": s.InputTokens, "output": s.OutputTokens, "cached": s.CachedTokens,
		"cache creation": s.CacheCreationTokens, "reasoning": s.ReasoningTokens, "total input": s.TotalInputTokens} {
		assert.GreaterOrEqual(t, v, int64(0), "%s tokens: %s", name, warnings)
		if v == math.MaxInt64 {
			// Without an overflow, a count at the bound is a sum of
			// the counts that reaches it exactly.
			var all big.Int
			for _, n := range in {
				if n > 0 {
					all.Add(&all, big.NewInt(n))
				}
			}
			if all.Cmp(big.NewInt(math.MaxInt64)) < 0 {
				assert.Contains(t, warnings, "overflow", "%s tokens held at the bound", name)
			}
		}
	}
	for _, n := range in {
		switch {
		case n < 0:
			assert.Contains(t, warnings, "negative count", "count %d", n)
		case n > streamctx.MaxPlausibleTokens:
			assert.Contains(t, warnings, "it cannot be right", "count %d", n)
		}
	}
}

// TestUsageNumbersRangeChecked: the counts of every format are
// range-checked and summed without wrapping.
func TestUsageNumbersRangeChecked(t *testing.T) {
	t.Parallel()
	for _, u := range usageStreams {
		for _, c := range [][4]int64{
			{10, 5, 2, 3},
			{-5, 3, 0, 0},
			{1, -3, -2, 0},
			{math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64},
			{math.MaxInt64 - 1, 2, 5, 1},
			{2_000_000_000_000, 1, 0, 0},
		} {
			t.Run(fmt.Sprint(u.format, c), func(t *testing.T) {
				t.Parallel()
				s := mustSummarize(t, u.stream(c[0], c[1], c[2], c[3]), u.format)
				checkNumbers(t, s, c[:]...)
			})
		}
	}
}

// FuzzUsageNumbers: whatever the counts, in any format: no panic, no
// negative count, nothing wrapped or held at a bound without a warning.
func FuzzUsageNumbers(f *testing.F) {
	f.Add(uint8(0), int64(10), int64(5), int64(2), int64(3))
	f.Add(uint8(1), int64(math.MaxInt64), int64(math.MaxInt64), int64(1), int64(1))
	f.Add(uint8(2), int64(-1), int64(math.MaxInt64), int64(math.MaxInt64), int64(0))
	f.Add(uint8(3), int64(math.MinInt64), int64(0), int64(-7), int64(1<<62))
	f.Fuzz(func(t *testing.T, which uint8, a, b, c, d int64) {
		u := usageStreams[int(which)%len(usageStreams)]
		s, err := summarize(t, strings.NewReader(u.stream(a, b, c, d)), u.format)
		if err != nil {
			return
		}
		checkNumbers(t, s, a, b, c, d)
	})
}
