package htmlreport

import (
	"slices"
	"unicode/utf8"

	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// A Capture is what the report shows of one capture.
type Capture struct {
	// Name is the capture as the report names it: its path, or "stdin".
	Name string
	// Err is the error that stopped reading it, "" when it was read to
	// its end.
	Err string
	// Failed says that the capture would exit 1 on its own.
	Failed bool
	Snap   streamctx.Snapshot
	// Timed says that X on the timeline is time in milliseconds; else it
	// is the index of the event, from 1.
	Timed bool
	// End is the largest X: the end of input, or the number of events.
	End    float64
	Points []Point
	// Unit is what the output of Points counts: "characters", or "tokens
	// (estimated with NAME)".
	Unit string
	// Marks are the tool calls, server tool calls and stalls; MarksLost
	// the ones left out over Limits.Marks.
	Marks     []Mark
	MarksLost int
	// Thinking and Answer are the spans of X in which reasoning and
	// answer text grew, [-1, -1] when there was none.
	Thinking, Answer [2]float64
	// Gaps is the histogram of the gaps between content events: bin i
	// counts the gaps up to GapEdges[i] ms (above the one before), the
	// last bin those above the last edge. All zero when untimed.
	Gaps []int
	// Rows are the first events; Events counts them all.
	Rows   []Row
	Events int
	// Types are the event types with their counts, in order of first
	// appearance.
	Types []TypeCount
	// Text, Reasoning and ToolCalls are as the user saw them, each cut at
	// Limits.Text bytes (Cut says which were).
	Text, Reasoning string
	ToolCalls       []streamctx.ToolCallSnapshot
	Cut             []string
	StallMs         float64
}

// TypeCount is an event type and how many events had it.
type TypeCount struct {
	Type  string
	Count int
}

// GapEdges returns the upper bounds in ms of the gap histogram's bins.
func GapEdges() []float64 { return gapEdges }

// Finish returns what the report shows of the capture: the recorded
// events and the capture's summary (taken with streamctx.Options
// CollectText, without TextParts).
func (r *Recorder) Finish(name string, snap streamctx.Snapshot, failed bool, readErr error) *Capture {
	c := &Capture{
		Name: vis(name), Snap: snap, Failed: failed, Timed: r.Timed(),
		Points: slices.Clone(r.points.Items()), Marks: r.marks, MarksLost: r.marksLost,
		Thinking: [2]float64{r.thinkFrom, r.thinkTo}, Answer: [2]float64{r.textFrom, r.textTo},
		Gaps: r.gaps, Rows: r.rows, Events: r.n, StallMs: r.stallMs,
	}
	if readErr != nil {
		c.Err = readErr.Error()
	}
	c.Unit = "characters"
	if r.Tokens && r.tokenizer != "" {
		c.Unit = "tokens (estimated with " + r.tokenizer + ")"
	}
	last := Point{X: r.lastEvX, Text: r.prevText, Thinking: r.prevThink}
	if r.n > 0 && (len(c.Points) == 0 || c.Points[len(c.Points)-1] != last) {
		c.Points = append(c.Points, last)
	}
	c.End = float64(r.n)
	if c.Timed {
		c.End = 0
		if len(c.Points) > 0 {
			c.End = c.Points[len(c.Points)-1].X
		}
		if t := snap.Latency.TotalMs; t != nil {
			c.End = max(c.End, *t)
		}
	}
	// An event without a type field is a "message" (as the SSE spec
	// names it), counted with any that say so.
	named := map[string]int{}
	for _, t := range r.typeOrder {
		name := t
		if name == "" {
			name = "message"
		}
		if i, ok := named[name]; ok {
			c.Types[i].Count += r.types[t]
			continue
		}
		named[name] = len(c.Types)
		c.Types = append(c.Types, TypeCount{vis(name), r.types[t]})
	}
	var cut bool
	c.Text, cut = clip(snap.Text, r.limits.Text)
	c.Text = visText(c.Text)
	if cut {
		c.Cut = append(c.Cut, "text")
	}
	c.Reasoning, cut = clip(snap.Thinking, r.limits.Text)
	c.Reasoning = visText(c.Reasoning)
	if cut {
		c.Cut = append(c.Cut, "reasoning")
	}
	for i, t := range snap.ToolCalls {
		if i == r.limits.Rows {
			c.Cut = append(c.Cut, "tool calls")
			break
		}
		args, cut := clip(t.Arguments, r.limits.Text)
		if cut && len(c.Cut) < 10 {
			c.Cut = append(c.Cut, "the arguments of "+vis(t.Name))
		}
		c.ToolCalls = append(c.ToolCalls, streamctx.ToolCallSnapshot{ID: vis(t.ID), Name: vis(t.Name), Arguments: visText(args)})
	}
	// The summary keeps neither copy: the report holds the clipped ones.
	c.Snap.Text, c.Snap.Thinking, c.Snap.ToolCalls, c.Snap.Tools = "", "", nil, nil
	c.Snap.ServerToolCalls = nil
	for i, t := range snap.ServerToolCalls {
		if i == r.limits.Rows {
			c.Cut = append(c.Cut, "server tool calls")
			break
		}
		in, _ := clip(t.Input, r.limits.Text)
		c.Snap.ServerToolCalls = append(c.Snap.ServerToolCalls, streamctx.ServerToolCallSnapshot{
			Type: vis(t.Type), Name: vis(t.Name), ID: vis(t.ID), Input: visText(in), Status: visPtr(t.Status), Error: visPtr(t.Error)})
	}
	c.Snap.Citations = nil
	for i, ct := range snap.Citations {
		if i == r.limits.Rows {
			c.Cut = append(c.Cut, "citations")
			break
		}
		c.Snap.Citations = append(c.Snap.Citations, streamctx.Citation{URL: visPtr(ct.URL), Title: visPtr(ct.Title), Source: vis(ct.Source), FileID: visPtr(ct.FileID)})
	}
	return c
}

// vis shows the control characters of a string from a capture as escapes
// (\x1b): html/template escapes markup, not them. visText keeps line feeds
// and tabs, for text shown in lines.
func vis(s string) string     { return report.EscapeControlsExcept(s, "") }
func visText(s string) string { return report.EscapeControlsExcept(s, "\n\t") }

func visPtr(p *string) *string {
	if p == nil {
		return nil
	}
	v := vis(*p)
	return &v
}

// clip cuts s to at most n bytes, at a rune boundary.
func clip(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}
