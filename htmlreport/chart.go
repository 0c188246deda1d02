package htmlreport

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The geometry of the charts, in SVG user units. Everything here is plain
// numbers and labels made by the report itself: strings from a capture
// only reach the page through html/template.

const (
	chartW      = 860.0
	chartH      = 260.0
	chartLeft   = 64.0
	chartRight  = 16.0
	chartTop    = 28.0
	chartBottom = 40.0
)

// A tick is a labelled position on an axis.
type tick struct {
	Pos   float64
	Label string
}

// A milestone is a vertical line at a time of the summary.
type milestone struct {
	Key   string // ttfb, ttf_event, ttft, ttf_output
	Label string
	X     float64
	Ms    float64
}

// A svgMark is a Mark placed on the chart.
type svgMark struct {
	Kind   string
	X, X2  float64
	At, To float64 // the mark's X and End, in the capture's unit
	Title  string
}

// A phase is a shaded span of the timeline.
type phase struct {
	Kind      string
	X, W      float64
	From, To  float64
	Label     string
	LabelX    float64
	Pattern   string
	LabelShow bool
}

// timeline is the timeline chart of one capture.
type timeline struct {
	W, H, Left, Top, PlotW, PlotH, Bottom float64
	Path, ThinkPath                       string
	Points                                int
	XTicks, YTicks                        []tick
	XLabel, YLabel                        string
	Milestones                            []milestone
	Marks                                 []svgMark
	Phases                                []phase
	Empty                                 bool
}

// newTimeline lays out the timeline of c.
func newTimeline(c *Capture) timeline {
	t := timeline{W: chartW, H: chartH, Left: chartLeft, Top: chartTop,
		PlotW: chartW - chartLeft - chartRight, PlotH: chartH - chartTop - chartBottom}
	t.Bottom = t.Top + t.PlotH
	t.Points = len(c.Points)
	maxX := c.End
	maxY := 0
	for _, p := range c.Points {
		maxY = max(maxY, p.Output())
	}
	if len(c.Points) == 0 || maxX <= 0 {
		t.Empty = true
		return t
	}
	if maxY == 0 {
		maxY = 1
	}
	sx := func(x float64) float64 { return round2(t.Left + x/maxX*t.PlotW) }
	sy := func(y float64) float64 { return round2(t.Bottom - y/float64(maxY)*t.PlotH) }
	var b, th strings.Builder
	fmt.Fprintf(&b, "M%s %s", num(sx(0)), num(sy(0)))
	fmt.Fprintf(&th, "M%s %s", num(sx(0)), num(sy(0)))
	// Characters are whole: no tick between two of them.
	yTicks := niceTicks(float64(maxY), min(4, maxY))
	// Steps: the output stays level until the event that adds to it.
	for _, p := range c.Points {
		fmt.Fprintf(&b, "H%sV%s", num(sx(p.X)), num(sy(float64(p.Output()))))
		fmt.Fprintf(&th, "H%sV%s", num(sx(p.X)), num(sy(float64(p.Thinking))))
	}
	t.Path = b.String()
	if c.Thinking[0] >= 0 {
		t.ThinkPath = th.String()
	}
	unit := "ms"
	if c.Timed {
		t.XLabel = "time since the request started"
	} else {
		t.XLabel = "event (the capture has no per-event times)"
		unit = ""
	}
	for _, v := range niceTicks(maxX, 6) {
		t.XTicks = append(t.XTicks, tick{sx(v), axisLabel(v, unit)})
	}
	t.YLabel = "output " + c.Unit + " (text and reasoning)"
	for _, v := range yTicks {
		t.YTicks = append(t.YTicks, tick{sy(v), axisLabel(v, "")})
	}
	if c.Timed {
		l := c.Snap.Latency
		for _, m := range []struct {
			key, label string
			v          *float64
		}{
			{"ttfb", "first byte", l.TTFBMs},
			{"ttf_event", "first event", l.TTFEventMs},
			{"ttft", "first token", l.TTFTMs},
			{"ttf_output", "first answer text", l.TTFOutputMs},
		} {
			if m.v != nil && *m.v <= maxX {
				t.Milestones = append(t.Milestones, milestone{Key: m.key, Label: m.label, X: sx(*m.v), Ms: *m.v})
			}
		}
	}
	for _, ph := range []struct {
		kind, label, pattern string
		span                 [2]float64
	}{
		{"reasoning", "reasoning", "url(#hatch-reasoning)", c.Thinking},
		{"answer", "answer", "url(#dots-answer)", c.Answer},
	} {
		if ph.span[0] < 0 {
			continue
		}
		x1, x2 := sx(ph.span[0]), sx(ph.span[1])
		w := math.Max(x2-x1, 1)
		t.Phases = append(t.Phases, phase{Kind: ph.kind, X: x1, W: round2(w), From: ph.span[0], To: ph.span[1],
			Label: ph.label, LabelX: round2(x1 + 2), Pattern: ph.pattern, LabelShow: w > 50})
	}
	for _, m := range c.Marks {
		sm := svgMark{Kind: m.Kind, X: sx(m.X), X2: sx(m.End), At: m.X, To: m.End}
		switch m.Kind {
		case MarkStall:
			sm.Title = fmt.Sprintf("stall: %s without content (%s to %s)", axisLabel(m.End-m.X, "ms"), axisLabel(m.X, "ms"), axisLabel(m.End, "ms"))
		default:
			sm.Title = fmt.Sprintf("%s at %s", m.Kind, axisLabel(m.X, unit))
		}
		t.Marks = append(t.Marks, sm)
	}
	return t
}

// A bar is one bar of a histogram.
type bar struct {
	X, Y, W, H float64
	Count      int
	Label      string
	LabelX     float64
}

// histogram is a bar chart of counts in labelled bins.
type histogram struct {
	W, H, Left, Top, PlotW, PlotH, Bottom float64
	Bars                                  []bar
	Total                                 int
	Title                                 string
}

// newHistogram lays out counts with one label per bin.
func newHistogram(title string, counts []int, labels []string) histogram {
	h := histogram{W: chartW, H: 200, Left: chartLeft, Top: 24, Title: title}
	h.PlotW = h.W - h.Left - chartRight
	h.PlotH = h.H - h.Top - 40
	h.Bottom = h.Top + h.PlotH
	most := 0
	for _, n := range counts {
		most = max(most, n)
		h.Total += n
	}
	if most == 0 {
		most = 1
	}
	slot := h.PlotW / float64(max(len(counts), 1))
	for i, n := range counts {
		bh := round2(float64(n) / float64(most) * h.PlotH)
		x := round2(h.Left + float64(i)*slot + 2)
		h.Bars = append(h.Bars, bar{X: x, Y: round2(h.Bottom - bh), W: round2(slot - 4), H: bh, Count: n,
			Label: labels[i], LabelX: round2(x + (slot-4)/2)})
	}
	return h
}

// gapHistogram is the histogram of the gaps between content events.
func gapHistogram(c *Capture) histogram {
	labels := make([]string, len(gapEdges)+1)
	for i, e := range gapEdges {
		labels[i] = "≤" + axisLabel(e, "ms")
	}
	labels[len(gapEdges)] = ">" + axisLabel(gapEdges[len(gapEdges)-1], "ms")
	return newHistogram("gaps between content events", c.Gaps, labels)
}

// distribution is the histogram of values in equal bins from 0 to their
// maximum, for the latencies of several captures.
func distribution(title, unit string, values []float64) histogram {
	const bins = 10
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	counts := make([]int, bins)
	labels := make([]string, bins)
	if top <= 0 {
		top = 1
	}
	step := niceStep(top / bins)
	for i := range labels {
		labels[i] = "≤" + axisLabel(step*float64(i+1), unit)
	}
	for _, v := range values {
		i := min(int(v/step), bins-1)
		if v > 0 && v == step*float64(i) {
			i-- // a bin includes its upper bound
		}
		counts[max(i, 0)]++
	}
	return newHistogram(title, counts, labels)
}

// niceTicks returns up to about n round values from 0 to top.
func niceTicks(top float64, n int) []float64 {
	if top <= 0 {
		return []float64{0}
	}
	step := niceStep(top / float64(n))
	var ticks []float64
	for v := 0.0; v <= top*1.0000001; v += step {
		ticks = append(ticks, v)
	}
	return ticks
}

// niceStep returns the smallest of 1, 2 and 5 times a power of ten that
// is at least x.
func niceStep(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// axisLabel writes v with its unit: milliseconds as ms or s, counts with
// k and M.
func axisLabel(v float64, unit string) string {
	switch {
	case unit == "ms" && v >= 1000:
		return num(v/1000) + "s"
	case unit != "":
		return num(v) + unit
	case v >= 1e6:
		return num(v/1e6) + "M"
	case v >= 1e4:
		return num(v/1e3) + "k"
	}
	return num(v)
}

// num writes a number with at most two decimals, without trailing zeros.
func num(v float64) string {
	return strconv.FormatFloat(round2(v), 'f', -1, 64)
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
