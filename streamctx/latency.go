package streamctx

import (
	"math"
	"math/bits"
	"slices"
	"time"
)

// DefaultStall is the default stall threshold (Options.Stall).
const DefaultStall = 2 * time.Second

// Latency is the "latency" object of the JSON summary. Every time is in
// milliseconds since the start (the start of sseinspect for live input, of
// the recording for a timed capture), with microsecond resolution; a field
// is null when it is unknown: the capture carries no timing, or the stream
// never reached the milestone.
//
//   - TTFBMs: first byte of the response.
//   - TTFEventMs: first dispatched SSE event (any event: a ping counts).
//   - TTFTMs: first event carrying generated content: text, reasoning, or a
//     tool-call fragment (not response.created, a role-only chunk, a ping).
//   - TTFOutputMs: first visible answer text (after any reasoning).
//   - TotalMs: last byte (end of input).
//   - GapsMs: the gaps between consecutive content events (the time of an
//     event is the arrival of the read that completed it).
//   - Stalls: the number of those gaps longer than StallThresholdMs.
//   - TPOTMs: time per output token after the first,
//     (t_last_content − t_first_content) / (output_tokens − 1), with
//     output_tokens from the provider's usage (reasoning tokens included),
//     else from the estimate (Options.Tokens); null without either or
//     with fewer than 2 output tokens.
//   - OutputTokensPerS: 1000 / TPOTMs, the decode rate; null when TPOTMs
//     is null or 0.
type Latency struct {
	TTFBMs           *float64 `json:"ttfb_ms"`
	TTFEventMs       *float64 `json:"ttf_event_ms"`
	TTFTMs           *float64 `json:"ttft_ms"`
	TTFOutputMs      *float64 `json:"ttf_output_ms"`
	TotalMs          *float64 `json:"total_ms"`
	GapsMs           *Gaps    `json:"gaps_ms"`
	Stalls           *int     `json:"stalls"`
	StallThresholdMs float64  `json:"stall_threshold_ms"`
	TPOTMs           *float64 `json:"tpot_ms"`
	OutputTokensPerS *float64 `json:"output_tokens_per_s"`
	// TokensSource says where the token count of TPOTMs comes from:
	// "provider" (the stream's usage), "estimated" (Options.Tokens), or
	// null when TPOTMs is null.
	TokensSource *string `json:"tokens_source"`
	// Provider is what the provider reported of its own timings, null
	// when it reported none; known with or without recorded timing.
	Provider *ProviderLatency `json:"provider"`
	// ITLMs is the inter-token latency per output token (see README),
	// null unless a tokenizer counts the tokens of each content event.
	ITLMs *Gaps `json:"itl_ms"`
}

// Gaps summarizes the gaps between content events, in milliseconds, with
// microsecond resolution (a gap over 35 minutes counts as 35 minutes).
// Percentiles are nearest-rank: the smallest gap that at least p% of the
// gaps do not exceed. They are null when there is no gap (Count 0: fewer
// than two content events).
//
// Count, Max and the stalls are exact. So are the percentiles of a stream
// of up to ExactGaps gaps (a 100,000-token answer has about 100,000); so
// that memory stays flat on a longer stream, its percentiles come from a
// histogram with 128 buckets per power of two: each is the upper bound of
// its bucket (capped at Max), at most 1/128 (0.8 %) above the exact value
// and never below it.
type Gaps struct {
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
	P99   *float64 `json:"p99"`
	Max   *float64 `json:"max"`
	Count int      `json:"count"`
}

// ExactGaps is the number of gaps between content events up to which their
// percentiles are exact (see Gaps): 512 KiB of gaps at most.
const ExactGaps = 1 << 17

// gapStats records the gaps between content events. The gaps themselves
// are kept, as int32 microseconds (4 bytes each), while there are at most
// ExactGaps of them; the next one moves them all into a histogram of fixed
// size (25 KiB), which takes every later gap. The count, maximum and
// number of stalls are counted as gaps come.
type gapStats struct {
	exact   []int32  // every gap, until hist is made
	hist    *gapHist // every gap, once there were more than ExactGaps
	n       int      // number of gaps
	max     int32    // largest gap
	stalls  int      // gaps above stallUs
	stallUs int64    // the stall threshold
}

// add records one gap.
func (g *gapStats) add(d time.Duration) {
	us := int32(min(max(d.Microseconds(), 0), math.MaxInt32))
	g.n++
	g.max = max(g.max, us)
	if int64(us) > g.stallUs {
		g.stalls++
	}
	if g.hist != nil {
		g.hist.add(us)
		return
	}
	if len(g.exact) < ExactGaps {
		g.exact = append(g.exact, us)
		return
	}
	g.hist = &gapHist{}
	for _, v := range g.exact {
		g.hist.add(v)
	}
	g.hist.add(us)
	g.exact = nil
}

// rank returns the gap of 1-based rank r in increasing order (1 <= r <=
// g.n); exact gaps must be sorted.
func (g *gapStats) rank(r int) int32 {
	if g.hist != nil {
		return min(g.hist.rank(r), g.max)
	}
	return g.exact[r-1]
}

// The histogram of gaps is log-linear: values below gapSub are their own
// bucket; above, each power of two [2^k, 2^(k+1)) is cut into gapSub
// buckets of equal width 2^k/gapSub, so that a bucket's width is at most
// 1/gapSub of the values in it.
const (
	gapSubBits = 7
	gapSub     = 1 << gapSubBits
	gapBuckets = gapSub + (31-gapSubBits)*gapSub // int32 values: k <= 30
)

type gapHist [gapBuckets]int

func gapBucket(v int32) int {
	if v < gapSub {
		return int(v)
	}
	shift := bits.Len32(uint32(v)) - 1 - gapSubBits // v>>shift is in [gapSub, 2·gapSub)
	return gapSub + shift*gapSub + int(v>>shift) - gapSub
}

// gapUpper returns the largest value in bucket i.
func gapUpper(i int) int32 {
	if i < gapSub {
		return int32(i)
	}
	shift := (i - gapSub) / gapSub
	sub := i%gapSub + gapSub
	return int32((int64(sub)+1)<<shift - 1)
}

func (h *gapHist) add(v int32) { h[gapBucket(v)]++ }

// rank returns the upper bound of the bucket holding the value of 1-based
// rank r.
func (h *gapHist) rank(r int) int32 {
	n := 0
	for i, c := range h {
		if n += c; n >= r {
			return gapUpper(i)
		}
	}
	return math.MaxInt32
}

// stall returns the stall threshold.
func (sc *Context) stall() time.Duration {
	if sc.opts.Stall <= 0 {
		return DefaultStall
	}
	return sc.opts.Stall
}

// latency computes the latency object; it sorts the exact gaps in place
// (their order is not used). estimated is the estimated output token count
// (Options.Tokens) when the stream carried none, else -1.
func (sc *Context) latency(estimated int64) Latency {
	l := Latency{StallThresholdMs: durMs(sc.stall()), Provider: sc.providerLatency}
	if !sc.Timed() {
		return l
	}
	t := sc.timing
	l.TTFBMs = msOf(t.FirstByte)
	l.TTFEventMs = msOf(t.FirstEvent)
	l.TTFTMs = msOf(t.FirstContent)
	l.TTFOutputMs = msOf(t.FirstOutput)
	l.TotalMs = msOf(t.End)
	if sc.opts.EventsUntimed {
		return l
	}
	l.GapsMs = sc.gaps.summary()
	stalls := sc.gaps.stalls
	l.Stalls = &stalls
	if sc.itlOn() {
		sc.itlFlush()
		l.ITLMs = sc.itl.values.summary()
	}
	out, src := sc.usage.Output.N, "provider"
	if !sc.usage.Output.Set {
		out, src = estimated, "estimated"
	}
	if (sc.usage.Output.Set || estimated >= 0) && out >= 2 && t.FirstContent >= 0 && t.LastContent >= t.FirstContent {
		span := (t.LastContent - t.FirstContent).Microseconds()
		tpot := float64(span) / float64(out-1) / 1000
		tpot = math.Round(tpot*1000) / 1000
		l.TPOTMs = &tpot
		l.TokensSource = &src
		if tpot > 0 {
			rate := math.Round(1000/tpot*1000) / 1000
			l.OutputTokensPerS = &rate
		}
	}
	return l
}

// sortExact sorts the exact gaps in place (their order is not used).
func sortExact(g *gapStats) { slices.Sort(g.exact) }

func durMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func msOf(d time.Duration) *float64 {
	if d < 0 {
		return nil
	}
	return usPtr(d.Microseconds())
}

func usPtr(us int64) *float64 {
	ms := float64(us) / 1000
	return &ms
}
