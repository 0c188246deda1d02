package streamctx_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/sseinspect/sseinspect/streamctx"
)

// TestAddNeverWraps: the checked add of token counts holds a sum past the
// range of int64 at its bound and says so.
func TestAddNeverWraps(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b, sum int64
		ok        bool
	}{
		{1, 2, 3, true},
		{math.MaxInt64, 0, math.MaxInt64, true},
		{math.MaxInt64, 1, math.MaxInt64, false},
		{math.MaxInt64, math.MaxInt64, math.MaxInt64, false},
		{math.MinInt64, -1, math.MinInt64, false},
		{math.MinInt64, math.MaxInt64, -1, true},
		{-5, 3, -2, true},
	} {
		sum, ok := streamctx.Add(c.a, c.b)
		assert.Equal(t, c.sum, sum, "%d + %d", c.a, c.b)
		assert.Equal(t, c.ok, ok, "%d + %d", c.a, c.b)
	}
	c := streamctx.Of(math.MaxInt64).Plus(streamctx.Of(1)).Plus(streamctx.Of(-5))
	assert.True(t, c.Overflow, "an overflow is not forgotten by a later sum")
	assert.False(t, streamctx.Count{}.Plus(streamctx.Count{}).Set)
}

// TestUpdateUsageRangeChecks: a count that cannot be right is warned
// about, once per field and kind; a negative one is ignored.
func TestUpdateUsageRangeChecks(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		usage   streamctx.Usage
		in, out int64
		warning string
	}{
		{"negative input ignored", streamctx.Usage{Input: streamctx.Of(-5), Output: streamctx.Of(3)}, 7, 3,
			"usage: input tokens -5, a negative count, cannot be right: ignored"},
		{"implausible output kept", streamctx.Usage{Input: streamctx.Of(1), Output: streamctx.Of(2_000_000_000_000)}, 1, 2_000_000_000_000,
			"usage: output tokens 2000000000000 is more than any model reads or writes (1000000000000): it cannot be right"},
		{"overflowed sum kept at its bound", streamctx.Usage{Output: streamctx.Of(math.MaxInt64).Plus(streamctx.Of(1))}, 7, math.MaxInt64,
			"usage: the output tokens, a sum of the provider's counts, overflow: shown as 9223372036854775807"},
		{"negative reasoning", streamctx.Usage{Reasoning: streamctx.Of(-1)}, 7, 0, "usage: reasoning tokens -1, a negative count, cannot be right: ignored"},
		{"negative cache read", streamctx.Usage{CacheRead: streamctx.Of(-1)}, 7, 0, "usage: cache read tokens -1"},
		// A sum that is positive but has a negative part.
		{"sum with a negative part ignored", streamctx.Usage{Output: streamctx.Of(-5).Plus(streamctx.Of(10))}, 7, 0,
			"usage: output tokens 5 include a negative count, which cannot be right: ignored"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sc := streamctx.New(streamctx.Options{})
			sc.UpdateUsage(streamctx.Usage{Input: streamctx.Of(7)}, nil)
			sc.UpdateUsage(c.usage, nil)
			sc.UpdateUsage(c.usage, nil) // warned once
			s := sc.Snapshot("openai-chat", "openai")
			assert.Equal(t, c.in, s.InputTokens)
			assert.Equal(t, c.out, s.OutputTokens)
			var got []string
			for _, w := range s.Warnings {
				if strings.HasPrefix(w, "usage:") {
					got = append(got, w)
				}
			}
			if assert.Len(t, got, 1, s.Warnings) {
				assert.Contains(t, got[0], c.warning)
			}
		})
	}
}

// TestTotalInputTokensNeverWraps: input + cache read + cache creation,
// when the input leaves the cache out, is summed without wrapping.
func TestTotalInputTokensNeverWraps(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{})
	sc.InputExcludesCache = true
	sc.UpdateUsage(streamctx.Usage{Input: streamctx.Of(math.MaxInt64 - 1), CacheRead: streamctx.Of(5)}, nil)
	s := sc.Snapshot("anthropic", "anthropic")
	assert.Equal(t, int64(math.MaxInt64), s.TotalInputTokens)
	assert.Contains(t, s.Warnings, "usage: total input tokens (input + cache read + cache creation) overflow: shown as 9223372036854775807")
}

// TestArrivalTimesRangeChecked: times going backwards, before the start,
// or a day apart are warned about, once each, and kept.
func TestArrivalTimesRangeChecked(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ms := func(n int64) time.Time { return start.Add(time.Duration(n) * time.Millisecond) }
	for _, c := range []struct {
		name    string
		times   []int64 // ms after start
		warning string
	}{
		{"in order", []int64{0, 5, 5, 10}, ""},
		{"backwards", []int64{100, 50, 40}, "the arrival times go backwards (100ms, then 50ms after the start): the timing cannot be trusted"},
		{"before the start", []int64{-10, 5}, "an arrival time is before the start (-10ms): the timing cannot be trusted"},
		{"a day apart", []int64{10, 10 + 25*3600*1000}, "an arrival time is 90000000ms after the one before: the timing cannot be trusted"},
		{"a day after the start", []int64{25 * 3600 * 1000}, "an arrival time is 90000000ms after the one before"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sc := streamctx.New(streamctx.Options{Start: start})
			for _, n := range c.times {
				sc.CountEvent(1, ms(n))
			}
			sc.RecordEnd(ms(c.times[len(c.times)-1]))
			ws := sc.Snapshot("openai-chat", "openai").Warnings
			if c.warning == "" {
				assert.Empty(t, ws)
				return
			}
			if assert.Len(t, ws, 1) {
				assert.Contains(t, ws[0], c.warning)
			}
		})
	}
}

// FuzzArrivalTimes: whatever the times, no panic, and times that go
// backwards are always warned about.
func FuzzArrivalTimes(f *testing.F) {
	f.Add(int64(0), int64(5), int64(3))
	f.Add(int64(math.MaxInt64), int64(math.MinInt64), int64(0))
	f.Add(int64(-1), int64(1<<62), int64(1<<62))
	f.Fuzz(func(t *testing.T, a, b, c int64) {
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		sc := streamctx.New(streamctx.Options{Start: start})
		times := []int64{a, b, c}
		for _, n := range times {
			sc.CountEvent(1, start.Add(time.Duration(n)))
		}
		s := sc.Snapshot("openai-chat", "openai")
		back := false
		for i := 1; i < len(times); i++ {
			back = back || start.Add(time.Duration(times[i])).Before(start.Add(time.Duration(times[i-1])))
		}
		if back {
			assert.Contains(t, strings.Join(s.Warnings, "\n"), "go backwards")
		}
	})
}
