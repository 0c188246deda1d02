package streamctx

import (
	"math"
	"slices"
	"strconv"
	"strings"
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
//     output_tokens from the provider's usage (reasoning tokens included);
//     null without usage or with fewer than 2 output tokens.
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
	// "provider" (the stream's usage), or null when TPOTMs is null.
	TokensSource *string `json:"tokens_source"`
}

// Gaps summarizes the gaps between content events, in milliseconds.
// Percentiles are nearest-rank: the smallest gap that at least p% of the
// gaps do not exceed. They are null when there is no gap (Count 0: fewer
// than two content events).
type Gaps struct {
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
	P99   *float64 `json:"p99"`
	Max   *float64 `json:"max"`
	Count int      `json:"count"`
}

// addGap records one gap between content events. Gaps are kept as int32
// microseconds (4 bytes per content event, exact up to 35 minutes, longer
// gaps saturate), so that percentiles are exact.
func (sc *Context) addGap(d time.Duration) {
	us := min(max(d.Microseconds(), 0), math.MaxInt32)
	sc.gaps = append(sc.gaps, int32(us))
}

// latency computes the latency object; it sorts sc.gaps in place (their
// order is not used).
func (sc *Context) latency() Latency {
	stall := sc.opts.Stall
	if stall <= 0 {
		stall = DefaultStall
	}
	l := Latency{StallThresholdMs: durMs(stall)}
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
	slices.Sort(sc.gaps)
	g := &Gaps{Count: len(sc.gaps)}
	if n := len(sc.gaps); n > 0 {
		rank := func(p int) *float64 {
			i := (p*n+99)/100 - 1 // ceil(p/100·n) − 1
			return usPtr(int64(sc.gaps[max(i, 0)]))
		}
		g.P50, g.P90, g.P99 = rank(50), rank(90), rank(99)
		g.Max = usPtr(int64(sc.gaps[n-1]))
	}
	l.GapsMs = g
	stalls := len(sc.gaps) - sort32Upper(sc.gaps, stall.Microseconds())
	l.Stalls = &stalls
	if out := sc.usage.Output; out.Set && out.N >= 2 && t.FirstContent >= 0 && t.LastContent >= t.FirstContent {
		span := (t.LastContent - t.FirstContent).Microseconds()
		tpot := float64(span) / float64(out.N-1) / 1000
		tpot = math.Round(tpot*1000) / 1000
		l.TPOTMs = &tpot
		src := "provider"
		l.TokensSource = &src
		if tpot > 0 {
			rate := math.Round(1000/tpot*1000) / 1000
			l.OutputTokensPerS = &rate
		}
	}
	return l
}

// sort32Upper returns the number of values in the sorted slice s that are
// at most v.
func sort32Upper(s []int32, v int64) int {
	i, _ := slices.BinarySearchFunc(s, v, func(e int32, v int64) int {
		if int64(e) <= v {
			return -1
		}
		return 1
	})
	return i
}

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

// LatencyLine returns the third summary line that summarize --latency
// prints (without a trailing newline):
//
//	TTFT: 250ms | TPOT: 8.3ms | p99 gap: 31.2ms
//
// with n/a for what is unknown. Times are rounded to 0.1 ms.
func (s *Snapshot) LatencyLine() string {
	var b strings.Builder
	l := &s.Latency
	var p99 *float64
	if l.GapsMs != nil {
		p99 = l.GapsMs.P99
	}
	b.WriteString("      TTFT: ")
	b.WriteString(shortMs(l.TTFTMs))
	b.WriteString(" | TPOT: ")
	b.WriteString(shortMs(l.TPOTMs))
	b.WriteString(" | p99 gap: ")
	b.WriteString(shortMs(p99))
	return b.String()
}

func shortMs(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(math.Round(*v*10)/10, 'f', -1, 64) + "ms"
}
