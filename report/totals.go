package report

import (
	"fmt"
	"io"
	"slices"

	"github.com/sseinspect/sseinspect/streamctx"
)

// Totals add up several summaries for the totals line of summarize. The
// zero value is ready to use.
type Totals struct {
	captures, failed, incomplete int
	in, out                      streamctx.Count // summed without wrapping
	ttfb                         []int64
	usd                          float64
	costed                       int // captures with a cost
}

// Add counts one capture; failed says whether it counts as failed (it
// would exit 1 on its own).
func (t *Totals) Add(s *streamctx.Snapshot, failed bool) {
	t.captures++
	if failed {
		t.failed++
	}
	if !s.Complete {
		t.incomplete++
	}
	t.in = t.in.Plus(streamctx.Of(s.InputTokens))
	t.out = t.out.Plus(streamctx.Of(s.OutputTokens))
	if s.TTFBMs != nil {
		t.ttfb = append(t.ttfb, *s.TTFBMs)
	}
	if s.Cost.USD != nil {
		t.usd += *s.Cost.USD
		t.costed++
	}
}

// Captures returns the number of captures added.
func (t *Totals) Captures() int { return t.captures }

// Write writes the totals line followed by a newline:
//
//	captures: 3  failed: 1  incomplete: 0  in: 120  out: 45  ttfb p50/p99: 120ms/250ms  cost: $0.001234 (1 without)
//
// The percentiles (nearest rank) are over the captures whose first-byte
// time is known, and shown only when there are some. The cost is the sum
// of the known costs (provider-reported or estimated: the cost key of each
// summary), to the millionth of a dollar, with the number of captures
// whose cost is unknown when there are some; it is left out when no
// capture's cost is known.
func (t *Totals) Write(w io.Writer) error {
	s := fmt.Sprintf("captures: %d  failed: %d  incomplete: %d  in: %s  out: %s", t.captures, t.failed, t.incomplete, total(t.in), total(t.out))
	if len(t.ttfb) > 0 {
		s += fmt.Sprintf("  ttfb p50/p99: %dms/%dms", percentile(t.ttfb, 50), percentile(t.ttfb, 99))
	}
	if t.costed > 0 {
		s += fmt.Sprintf("  cost: $%.6f", t.usd)
		if t.costed < t.captures {
			s += fmt.Sprintf(" (%d without)", t.captures-t.costed)
		}
	}
	_, err := io.WriteString(w, s+"\n")
	return err
}

// total shows a sum of counts: "over N" when it went past the range of
// int64 (it is held at N).
func total(c streamctx.Count) string {
	if c.Overflow {
		return fmt.Sprintf("over %d", c.N)
	}
	return fmt.Sprint(c.N)
}

// percentile returns the p-th percentile of xs by the nearest-rank method
// (the smallest value with at least p% of the values at or below it). xs
// must not be empty; it is sorted in place.
func percentile(xs []int64, p int) int64 {
	slices.Sort(xs)
	rank := (p*len(xs) + 99) / 100 // ceil(p/100 * n)
	return xs[max(rank, 1)-1]
}
