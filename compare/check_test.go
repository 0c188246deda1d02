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
	s.DetectedFormat = s.Format
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
	s.DetectedFormat = s.Format
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

	s.Timed, s.EventsTimed = true, true
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

// TestCheckFormatIsWhatTheStreamIs: --expect-format looks at what the
// events are, not at the format --format forced them to be parsed as, and
// cannot be decided when the events do not tell.
func TestCheckFormatIsWhatTheStreamIs(t *testing.T) {
	t.Parallel()
	s := snapshot()
	s.Format, s.DetectedFormat = "anthropic", "openai-chat" // -f anthropic on a chat stream
	r, err := compare.Check(s, []compare.Assertion{compare.Format("anthropic", "anthropic")})
	require.NoError(t, err)
	assert.Equal(t, []compare.Failure{{"--expect-format anthropic", "format is openai-chat (parsed as anthropic as --format asked)"}}, r.Failures)

	s.DetectedFormat = ""
	_, err = compare.Check(s, []compare.Assertion{compare.Format("anthropic", "anthropic")})
	require.ErrorIs(t, err, compare.ErrUndetected)
}

// TestCheckUndecidableTiming: every timing assertion that the capture's
// timing cannot decide is an error, never a pass or a failure: those on
// the times of events on a capture that times only its first byte and its
// end (a HAR file), all of them on a capture without timing.
func TestCheckUndecidableTiming(t *testing.T) {
	t.Parallel()
	har := snapshot()
	har.Timed = true
	har.Timing = streamctx.Timing{FirstByte: 5 * time.Millisecond, FirstEvent: -1, FirstContent: -1, FirstOutput: -1, LastContent: -1, End: 9 * time.Millisecond}
	untimed := snapshot()
	cases := []struct {
		name string
		s    *streamctx.Snapshot
		a    compare.Assertion
		err  error
	}{
		{"har_max_gap", har, compare.MaxGap(time.Second), compare.ErrEventsUntimed},
		{"har_max_ttft", har, compare.MaxTTFT(time.Second), compare.ErrEventsUntimed},
		{"untimed_max_ttfb", untimed, compare.MaxTTFB(time.Second), compare.ErrUntimed},
		{"untimed_max_ttft", untimed, compare.MaxTTFT(time.Second), compare.ErrUntimed},
		{"untimed_max_total", untimed, compare.MaxTotal(time.Second), compare.ErrUntimed},
		{"untimed_max_gap", untimed, compare.MaxGap(time.Second), compare.ErrUntimed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := compare.Check(tc.s, []compare.Assertion{tc.a})
			require.ErrorIs(t, err, tc.err)
		})
	}
	// What a HAR file does time is decided.
	r, err := compare.Check(har, []compare.Assertion{compare.MaxTTFB(time.Millisecond), compare.MaxTotal(time.Second)})
	require.NoError(t, err)
	assert.Equal(t, []compare.Failure{{"--max-ttfb 1ms", "ttfb is 5ms"}}, r.Failures)
}

func TestCheckMaxCost(t *testing.T) {
	t.Parallel()
	s := snapshot()
	s.Cost = streamctx.Cost{USD: ptr(0.0125), Source: ptr("price-table"), ModelMatched: ptr("gpt-4o")}
	r, err := compare.Check(s, []compare.Assertion{compare.MaxCost("0.0125", 0.0125), compare.MaxCost("0.01", 0.01)})
	require.NoError(t, err)
	assert.Equal(t, []compare.Failure{{"--max-cost 0.01", "cost is $0.0125 (price-table, gpt-4o)"}}, r.Failures)

	s.Cost = streamctx.Cost{Reason: ptr(`model "m" is not in the price table`)}
	_, err = compare.Check(s, []compare.Assertion{compare.MaxCost("1", 1)})
	require.ErrorIs(t, err, compare.ErrNoCost, "an unknown cost decides nothing")
	require.EqualError(t, err, `--max-cost 1: its cost is not known (model "m" is not in the price table)`)
}
