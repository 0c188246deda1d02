package htmlreport

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"sync"

	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

//go:embed report.html.tmpl
var pageTemplate string

// tmpl parses the page's template on first use, not at start-up: every
// sseinspect command would otherwise pay for it (issue 16).
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"num": num,
		"x": func(c *Capture, v float64) string {
			if !c.Timed {
				return "event " + num(v)
			}
			return axisLabel(v, "ms")
		},
		"add": func(a, b float64) float64 { return a + b },
		"sub": func(a, b float64) float64 { return a - b },
	}).Parse(pageTemplate))
})

// page is what the template renders.
type page struct {
	Title    string
	Many     bool
	Table    []tableRow
	Totals   string
	Dists    []histogram
	Sections []section
}

// tableRow is one capture in the table of several.
type tableRow struct {
	Anchor, Name, Status, Format, Model string
	Failed                              bool
	In, Out                             int64
	TTFB, TTFT, Total, Rate, Cost       string
	// Sort keys: numbers, or -1 when unknown.
	TTFBKey, TTFTKey, TotalKey, RateKey, CostKey float64
}

// section is one capture's part of the page.
type section struct {
	Anchor   string
	C        *Capture
	Status   string
	Facts    []fact
	Timeline timeline
	Gaps     histogram
	Warnings []string
}

type fact struct{ Name, Value string }

// Write writes the report of the captures, in the order given for one; a
// report of several lists the failed and incomplete ones first.
func Write(w io.Writer, captures []*Capture) error {
	p := page{Title: "sseinspect report", Many: len(captures) > 1}
	if len(captures) == 1 {
		p.Title = "sseinspect report: " + captures[0].Name
	}
	order := slices.Clone(captures)
	if p.Many {
		slices.SortStableFunc(order, func(a, b *Capture) int {
			return rank(a) - rank(b)
		})
	}
	var totals report.Totals
	var ttfb, ttft, rate []float64
	for i, c := range order {
		anchor := "capture-" + strconv.Itoa(i+1)
		s := section{Anchor: anchor, C: c, Status: status(c), Timeline: newTimeline(c), Gaps: gapHistogram(c)}
		for _, w := range c.Snap.Warnings {
			s.Warnings = append(s.Warnings, vis(w))
		}
		s.Facts = facts(c)
		p.Sections = append(p.Sections, s)
		totals.Add(&c.Snap, c.Failed)
		l := c.Snap.Latency
		row := tableRow{Anchor: anchor, Name: c.Name, Status: s.Status, Failed: c.Failed || !c.Snap.Complete,
			Format: c.Snap.Format, In: c.Snap.InputTokens, Out: c.Snap.OutputTokens,
			TTFB: msText(l.TTFBMs), TTFT: msText(l.TTFTMs), Total: msText(l.TotalMs), Rate: "n/a", Cost: costText(c.Snap.Cost),
			TTFBKey: key(l.TTFBMs), TTFTKey: key(l.TTFTMs), TotalKey: key(l.TotalMs), RateKey: key(l.OutputTokensPerS), CostKey: key(c.Snap.Cost.USD)}
		if c.Snap.Model != nil {
			row.Model = vis(*c.Snap.Model)
		}
		if r := l.OutputTokensPerS; r != nil {
			row.Rate = num(*r)
			rate = append(rate, *r)
		}
		if l.TTFBMs != nil {
			ttfb = append(ttfb, *l.TTFBMs)
		}
		if l.TTFTMs != nil {
			ttft = append(ttft, *l.TTFTMs)
		}
		p.Table = append(p.Table, row)
	}
	var b bytes.Buffer
	if err := totals.Write(&b); err != nil {
		return err
	}
	p.Totals = b.String()
	if p.Many {
		p.Dists = []histogram{
			distribution(fmt.Sprintf("time to first byte (%d captures with timing)", len(ttfb)), "ms", ttfb),
			distribution(fmt.Sprintf("time to first token (%d captures)", len(ttft)), "ms", ttft),
			distribution(fmt.Sprintf("output tokens per second (%d captures)", len(rate)), "", rate),
		}
	}
	return tmpl().Execute(w, &p)
}

// rank orders captures for the table: failed, then incomplete, then the
// others.
func rank(c *Capture) int {
	switch {
	case c.Failed:
		return 0
	case !c.Snap.Complete:
		return 1
	}
	return 2
}

func status(c *Capture) string {
	switch {
	case c.Snap.Status != streamctx.StatusOK:
		return "FAILED"
	case !c.Snap.Complete:
		return "INCOMPLETE"
	case c.Failed:
		return "OK, with undecodable events"
	}
	return "OK"
}

// facts are the summary of one capture, as label and value.
func facts(c *Capture) []fact {
	s := &c.Snap
	str := func(p *string) string {
		if p == nil {
			return "n/a"
		}
		return *p
	}
	f := []fact{
		{"format", s.Format},
		{"provider", s.Provider},
		{"model", str(s.Model)},
		{"request id", orNA(s.RequestID)},
		{"response id", str(s.ResponseID)},
		{"stop reason", str(s.StopReason)},
	}
	if s.ErrorType != nil || s.ErrorMessage != nil {
		f = append(f, fact{"error", str(s.ErrorType) + ": " + str(s.ErrorMessage)})
	}
	if s.StatusCode != nil {
		f = append(f, fact{"HTTP status", strconv.Itoa(*s.StatusCode)})
	}
	f = append(f,
		fact{"input tokens", fmt.Sprintf("%d (cached %d, cache writes %d; total input %d)", s.InputTokens, s.CachedTokens, s.CacheCreationTokens, s.TotalInputTokens)},
		fact{"output tokens", fmt.Sprintf("%d (reasoning %d)", s.OutputTokens, s.ReasoningTokens)},
		fact{"usage from", s.UsageSource},
		fact{"cost", costText(s.Cost)},
		fact{"events", strconv.Itoa(s.Events)},
	)
	l := s.Latency
	f = append(f,
		fact{"time to first byte", msText(l.TTFBMs)},
		fact{"time to first token", msText(l.TTFTMs)},
		fact{"total", msText(l.TotalMs)},
	)
	if l.OutputTokensPerS != nil {
		f = append(f, fact{"output tokens per second", num(*l.OutputTokensPerS)})
	}
	if l.Stalls != nil {
		f = append(f, fact{"stalls", fmt.Sprintf("%d over %s", *l.Stalls, axisLabel(l.StallThresholdMs, "ms"))})
	}
	if c.Err != "" {
		f = append(f, fact{"read error", c.Err})
	}
	for i := range f {
		f[i].Value = vis(f[i].Value)
	}
	return f
}

func orNA(s string) string {
	if s == "" {
		return "n/a"
	}
	return s
}

func msText(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return axisLabel(*v, "ms")
}

func key(v *float64) float64 {
	if v == nil {
		return -1
	}
	return *v
}

func costText(c streamctx.Cost) string {
	if c.USD == nil {
		if c.Reason != nil {
			return "unknown (" + *c.Reason + ")"
		}
		return "unknown"
	}
	s := "$" + strconv.FormatFloat(*c.USD, 'f', -1, 64)
	if c.Source != nil {
		s += " (" + *c.Source + ")"
	}
	return s
}
