package streamctx

import (
	"math"
	"time"
)

// TokenCounter counts the tokens of a text with one tokenizer
// (*tokenizer.Tokenizer is one); Name names it in the summary.
type TokenCounter interface {
	Name() string
	Count(s string) int
}

// itlStats records the inter-token latency (Latency.ITLMs) as content
// events come: the tokens of each event are counted on its own text, and
// when the next content event opens (or at the Snapshot) the gap since the
// last event that carried tokens is divided among the tokens of the event,
// one value per token. An event without tokens (an empty delta, a tool
// call's name) adds its gap to the next one's.
type itlStats struct {
	values  gapStats
	open    bool          // a content event is being counted
	at      time.Duration // its time
	tokens  int           // its tokens so far
	anchor  time.Duration // the last event that carried tokens, or the first content event
	started bool          // anchor is set
}

// itlOn reports whether the inter-token latency is recorded: a tokenizer
// and per-event timing.
func (sc *Context) itlOn() bool {
	return sc.opts.Tokens != nil && sc.Timed() && !sc.opts.EventsUntimed
}

// tokenCounter returns the tokenizer, chosen by Options.Tokens the first
// time it is needed (for the model known by then); nil without one.
func (sc *Context) tokenCounter() TokenCounter {
	if sc.counter == nil && sc.opts.Tokens != nil {
		sc.counter = sc.opts.Tokens(sc.Model)
	}
	return sc.counter
}

// itlOpen starts a new content event at d.
func (sc *Context) itlOpen(d time.Duration) {
	sc.itlFlush()
	sc.itl.open, sc.itl.at, sc.itl.tokens = true, d, 0
}

// itlCount adds the tokens of s to the open content event.
func (sc *Context) itlCount(s string) {
	if !sc.itl.open {
		return
	}
	if tc := sc.tokenCounter(); tc != nil {
		sc.itl.tokens += tc.Count(s)
	}
}

// itlFlush closes the open content event, if any.
func (sc *Context) itlFlush() {
	it := &sc.itl
	if !it.open {
		return
	}
	it.open = false
	switch {
	case !it.started:
		it.anchor, it.started = it.at, true
	case it.tokens > 0:
		us := (it.at - it.anchor).Microseconds()
		per := time.Duration(int64(math.Round(float64(us)/float64(it.tokens)))) * time.Microsecond
		for range it.tokens {
			it.values.add(per)
		}
		it.anchor = it.at
	}
}

// summary returns the percentiles of the recorded gaps (sorting the exact
// ones in place), null percentiles when there are none.
func (g *gapStats) summary() *Gaps {
	sortExact(g)
	s := &Gaps{Count: g.n}
	if n := g.n; n > 0 {
		rank := func(p int) *float64 {
			r := (p*n + 99) / 100 // ceil(p/100·n)
			return usPtr(int64(g.rank(max(r, 1))))
		}
		s.P50, s.P90, s.P99 = rank(50), rank(90), rank(99)
		s.Max = usPtr(int64(g.max))
	}
	return s
}
