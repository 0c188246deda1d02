package compare_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/compare"
	"github.com/sseinspect/sseinspect/streamctx"
)

func TestCheckPasses(t *testing.T) {
	t.Parallel()
	s := snapshot()
	s.ToolCalls = []streamctx.ToolCallSnapshot{{Name: "get_weather"}}
	r, err := compare.Check(s, []compare.Assertion{
		compare.Complete(), compare.NoError(), compare.Format("openai", "openai-chat"),
		compare.Model("^m$", regexp.MustCompile("^m$")), compare.MinOutputTokens(2),
		compare.TextContains("two"), compare.Tool("get_weather"),
	})
	require.NoError(t, err)
	assert.True(t, r.Passed())
	assert.Equal(t, 7, r.Assertions)
}

func TestCheckFailuresSayWhatWasFound(t *testing.T) {
	t.Parallel()
	s := snapshot()
	s.Complete, s.StopReason, s.Model, s.UsageSource, s.OutputTokens = false, nil, nil, "none", 0
	s.ErrorType, s.ErrorMessage, s.StatusCode = ptr("rate_limit_error"), ptr("slow down"), ptr(429)
	r, err := compare.Check(s, []compare.Assertion{
		compare.Complete(), compare.NoError(), compare.Format("anthropic", "anthropic"),
		compare.Model("x", regexp.MustCompile("x")), compare.MinOutputTokens(1),
		compare.TextContains("zzz"), compare.Tool("f"),
	})
	require.NoError(t, err)
	assert.False(t, r.Passed())
	assert.Equal(t, []compare.Failure{
		{"--complete", "the stream did not complete (stop_reason null)"},
		{"--no-error", "error rate_limit_error: slow down (HTTP 429)"},
		{"--expect-format anthropic", "format is openai-chat"},
		{"--model x", "the stream names no model"},
		{"--min-output-tokens 1", "output_tokens is 0 (the stream carried no usage)"},
		{`--text-contains "zzz"`, "the text (7 bytes) does not contain it"},
		{"--tool f", "no tool calls"},
	}, r.Failures)
}

func TestCheckTimed(t *testing.T) {
	t.Parallel()
	s := snapshot()
	as := []compare.Assertion{compare.MaxTTFB(100 * time.Millisecond), compare.MaxTotal(time.Second), compare.MaxGap(10 * time.Millisecond)}
	_, err := compare.Check(s, as)
	require.ErrorIs(t, err, compare.ErrUntimed, "an untimed capture decides nothing")
	require.EqualError(t, err, "--max-ttfb 100ms: the capture carries no timing")

	s.Timed = true
	s.Timing = streamctx.Timing{FirstByte: 150 * time.Millisecond, FirstEvent: -1, FirstContent: -1, FirstOutput: -1, LastContent: -1, End: -1}
	s.Latency.GapsMs = &streamctx.Gaps{Count: 3, Max: ptr(12.5)}
	r, err := compare.Check(s, as)
	require.NoError(t, err)
	assert.Equal(t, []compare.Failure{
		{"--max-ttfb 100ms", "ttfb is 150ms"},
		{"--max-total 1s", "total is unknown (the stream never got there)"},
		{"--max-gap 10ms", "the longest of 3 gaps is 12.5ms"},
	}, r.Failures)
}
