package streamctx_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/streamctx"
)

// manualClock is a scripted clock: it is where the test set it, and tells
// the Context it is attached to each time it is set (Observe).
type manualClock struct {
	start time.Time
	at    time.Duration
	sc    *streamctx.Context
}

func (c *manualClock) now() time.Time { return c.start.Add(c.at) }

func (c *manualClock) set(ms float64) {
	c.at = time.Duration(ms * float64(time.Millisecond))
	if c.sc != nil {
		c.sc.Observe(c.now())
	}
}

// attach makes c tell sc the time, and returns sc.
func (c *manualClock) attach(sc *streamctx.Context) *streamctx.Context {
	c.sc = sc
	return sc
}

func latencyJSON(tb testing.TB, l streamctx.Latency) string {
	tb.Helper()
	b, err := json.Marshal(l)
	require.NoError(tb, err)
	return string(b)
}

func TestLatencyUntimed(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{})
	untimed := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // told, but the stream has no timing
	sc.RecordFirstByte(untimed)
	sc.CountEvent(1, untimed)
	sc.AppendText("hi")
	sc.UpdateUsage(streamctx.Usage{Output: of(5)}, nil)
	sc.RecordEnd(untimed)
	s := sc.Snapshot("openai-chat", "openai")
	assert.JSONEq(t, `{"ttfb_ms":null,"ttf_event_ms":null,"ttft_ms":null,"ttf_output_ms":null,"total_ms":null,
		"gaps_ms":null,"stalls":null,"stall_threshold_ms":2000,"tpot_ms":null,"output_tokens_per_s":null,"tokens_source":null,"provider":null,"itl_ms":null}`,
		latencyJSON(t, s.Latency))
}

// stream replays events on a scripted clock: each is (ms, what) with what
// "ping" (no content), "think", "text", "tool" or "text+tool" (two pieces
// of content in one event).
func stream(clock *manualClock, sc *streamctx.Context, events []struct {
	ms   float64
	what string
}) {
	for _, e := range events {
		clock.set(e.ms)
		sc.CountEvent(1, clock.now())
		switch e.what {
		case "think":
			sc.AppendThinking("hmm")
		case "text":
			sc.AppendText("x")
		case "tool":
			sc.ToolDelta("0", "", "", `{"a"`)
		case "text+tool":
			sc.AppendText("x")
			clock.set(e.ms + 0.5) // a clock that moves within an event
			sc.ToolDelta("0", "", "", `1}`)
		}
	}
}

func TestLatencyTimed(t *testing.T) {
	t.Parallel()
	clock := &manualClock{start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	sc := clock.attach(streamctx.New(streamctx.Options{Start: clock.now(), Stall: 100 * time.Millisecond}))
	clock.set(12.5)
	sc.RecordFirstByte(clock.now())
	stream(clock, sc, []struct {
		ms   float64
		what string
	}{
		{20, "ping"},
		{50, "think"},      // ttft
		{60, "think"},      // gap 10
		{90, "text"},       // ttf_output, gap 30
		{100, "ping"},      // no content: no gap
		{300, "text+tool"}, // gap 210 (a stall), one gap for both pieces
		{305.25, "tool"},   // gap 4.75
	})
	sc.UpdateUsage(streamctx.Usage{Output: of(6)}, nil)
	clock.set(400.125)
	sc.RecordEnd(clock.now())
	s := sc.Snapshot("openai-chat", "openai")
	// tpot = (305.25 − 50) / (6 − 1) = 51.05
	assert.JSONEq(t, `{"ttfb_ms":12.5,"ttf_event_ms":20,"ttft_ms":50,"ttf_output_ms":90,"total_ms":400.125,
		"gaps_ms":{"p50":10,"p90":210,"p99":210,"max":210,"count":4},"stalls":1,"stall_threshold_ms":100,
		"tpot_ms":51.05,"output_tokens_per_s":19.589,"tokens_source":"provider","provider":null,"itl_ms":null}`, latencyJSON(t, s.Latency))
}

func TestLatencyPercentiles(t *testing.T) {
	t.Parallel()
	clock := &manualClock{start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	sc := clock.attach(streamctx.New(streamctx.Options{Start: clock.now()}))
	// 101 content events, gaps 1ms..100ms in a shuffled order.
	at := 0.0
	for i := range 101 {
		if i > 0 {
			at += float64((i*37)%100 + 1)
		}
		clock.set(at)
		sc.CountEvent(1, clock.now())
		sc.AppendText("x")
	}
	s := sc.Snapshot("openai-chat", "openai")
	g := s.Latency.GapsMs
	require.NotNil(t, g)
	assert.Equal(t, 100, g.Count)
	assert.InDelta(t, 50, *g.P50, 1e-9)
	assert.InDelta(t, 90, *g.P90, 1e-9)
	assert.InDelta(t, 99, *g.P99, 1e-9)
	assert.InDelta(t, 100, *g.Max, 1e-9)
	assert.Equal(t, 0, *s.Latency.Stalls, "none over the default 2s")
	assert.Nil(t, s.Latency.TPOTMs, "no usage: no tpot")
	assert.Nil(t, s.Latency.TokensSource)
}

func TestLatencyTPOTNeedsTwoTokens(t *testing.T) {
	t.Parallel()
	clock := &manualClock{start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	sc := clock.attach(streamctx.New(streamctx.Options{Start: clock.now()}))
	clock.set(5)
	sc.CountEvent(1, clock.now())
	sc.AppendText("x")
	sc.UpdateUsage(streamctx.Usage{Output: of(1)}, nil)
	s := sc.Snapshot("openai-chat", "openai")
	assert.Nil(t, s.Latency.TPOTMs)
	assert.Nil(t, s.Latency.OutputTokensPerS)
	assert.Equal(t, &streamctx.Gaps{Count: 0}, s.Latency.GapsMs)

	// Reset for a retry forgets the gaps.
	clock.set(10)
	sc.CountEvent(1, clock.now())
	sc.AppendText("y")
	sc.ResetForRetry()
	s = sc.Snapshot("openai-chat", "openai")
	assert.Equal(t, 0, s.Latency.GapsMs.Count)
}

func TestLatencyEventsUntimed(t *testing.T) {
	t.Parallel()
	clock := &manualClock{start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	sc := clock.attach(streamctx.New(streamctx.Options{Start: clock.now(), EventsUntimed: true}))
	clock.set(40)
	sc.RecordFirstByte(clock.now())
	sc.CountEvent(1, clock.now())
	sc.AppendText("a")
	sc.CountEvent(1, clock.now())
	sc.AppendText("b")
	sc.UpdateUsage(streamctx.Usage{Output: of(2)}, nil)
	clock.set(90)
	sc.RecordEnd(clock.now())
	s := sc.Snapshot("openai-chat", "openai")
	assert.JSONEq(t, `{"ttfb_ms":40,"ttf_event_ms":null,"ttft_ms":null,"ttf_output_ms":null,"total_ms":90,
		"gaps_ms":null,"stalls":null,"stall_threshold_ms":2000,"tpot_ms":null,"output_tokens_per_s":null,"tokens_source":null,"provider":null,"itl_ms":null}`,
		latencyJSON(t, s.Latency))
	assert.Nil(t, s.TTFTMs)
}

// TestLatencyLongStream checks the gaps of a stream longer than ExactGaps:
// exact percentiles up to ExactGaps gaps, then percentiles from the
// histogram at most 1/128 above the exact ones, and count, max and stalls
// still exact.
func TestLatencyLongStream(t *testing.T) {
	t.Parallel()
	clock := &manualClock{start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	sc := clock.attach(streamctx.New(streamctx.Options{Start: clock.now()}))
	rng := rand.New(rand.NewPCG(5, 6))
	var gaps []int64 // µs
	at := time.Duration(0)
	event := func(gap time.Duration) {
		at += gap
		clock.at = at
		sc.CountEvent(1, clock.now())
		sc.AppendText("x")
	}
	event(0)
	add := func(n int) {
		for range n {
			us := int64(rng.ExpFloat64() * 30000) // mean 30ms: some stalls over 2s
			if rng.IntN(1000) == 0 {
				us = rng.Int64N(10_000_000)
			}
			gaps = append(gaps, us)
			event(time.Duration(us) * time.Microsecond)
		}
	}
	check := func(exact bool) {
		t.Helper()
		sorted := slices.Sorted(slices.Values(gaps))
		g := sc.Snapshot("openai-chat", "openai").Latency
		require.NotNil(t, g.GapsMs)
		assert.Equal(t, len(gaps), g.GapsMs.Count)
		assert.InDelta(t, float64(sorted[len(sorted)-1])/1000, *g.GapsMs.Max, 1e-9)
		stalls := len(sorted) - sort.Search(len(sorted), func(i int) bool { return sorted[i] > 2_000_000 })
		assert.Equal(t, stalls, *g.Stalls)
		for p, got := range map[int]*float64{50: g.GapsMs.P50, 90: g.GapsMs.P90, 99: g.GapsMs.P99} {
			want := float64(sorted[(p*len(sorted)+99)/100-1]) / 1000
			if exact {
				assert.InDelta(t, want, *got, 1e-9, "p%d", p)
			} else {
				assert.GreaterOrEqual(t, *got, want, "p%d", p)
				assert.LessOrEqual(t, *got, want*(1+1.0/128), "p%d", p)
			}
		}
	}
	add(streamctx.ExactGaps)
	check(true)
	add(20000)
	check(false)
}
