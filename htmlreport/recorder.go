// Package htmlreport draws captures as one self-contained, offline HTML
// file: for each capture its summary, a timeline of the output against
// time, a histogram of the gaps between content events, its events as a
// table, and its text, reasoning and tool calls; for several captures a
// sortable table of them all and the distributions of their latencies.
//
// A Recorder follows one replay event by event (parser.Options.OnEvent)
// and keeps, in bounded memory, what the report draws; Write renders the
// recorded captures. Everything taken from a capture is escaped by
// html/template, and an untimed capture renders the same bytes every time.
package htmlreport

import (
	"time"

	"github.com/sseinspect/sseinspect/internal/evensample"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// Limits bound what a Recorder keeps of one capture, so that a report's
// size does not grow with the capture's.
type Limits struct {
	// Points is the most points the timeline keeps; a longer stream is
	// thinned evenly (package evensample).
	Points int
	// Rows is the most events the event table shows: the first ones.
	Rows int
	// Marks is the most tool-call and stall marks the timeline shows.
	Marks int
	// Text is the most bytes of text, reasoning and each tool call's
	// arguments that the report shows.
	Text int
}

// OneCapture are the limits for a report of one capture, ManyCaptures
// for each capture of a report of several.
var (
	OneCapture   = Limits{Points: 2000, Rows: 2000, Marks: 200, Text: 256 << 10}
	ManyCaptures = Limits{Points: 400, Rows: 200, Marks: 50, Text: 16 << 10}
)

// previewBytes is how much of an event's data the event table shows.
const previewBytes = 120

// A Point is the output so far after one event: X is its time in
// milliseconds since the start, or its index (from 1) for an untimed
// capture; Text and Thinking the characters of answer text and reasoning
// (streamctx.Options.CountChars).
type Point struct {
	X        float64
	Text     int
	Thinking int
}

// Output is the output the point shows: text and reasoning.
func (p Point) Output() int { return p.Text + p.Thinking }

// Mark kinds on the timeline.
const (
	MarkToolCall       = "tool call"
	MarkServerToolCall = "server tool call"
	MarkStall          = "stall"
)

// A Mark is something that happened at X (and, for a stall, lasted until
// End): a client or server tool call starting, a gap between content
// events over the stall threshold.
type Mark struct {
	Kind string
	X    float64
	End  float64
}

// A Row is one event of the event table.
type Row struct {
	Index   int
	X       float64 // time in ms, or -1 when the capture is untimed
	Type    string
	Size    int
	Preview string
	Content bool // the event carried generated content
}

// gapEdges are the upper bounds, in milliseconds, of the bins of the gap
// histogram; the last bin takes everything above the last edge.
var gapEdges = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000}

// A Recorder keeps what the report draws of one capture as its events are
// replayed (into a stream context made with CollectText and CountChars). Watch it with OnEvent (parser.Options.OnEvent), then call
// Finish with the capture's summary.
type Recorder struct {
	// Tokens makes the timeline count tokens, estimated with the stream
	// context's tokenizer (streamctx.Options.Tokens), instead of
	// characters. Set it before the first event.
	Tokens bool

	sc        *streamctx.Context
	tokenizer string    // the tokenizer's name, once it counted
	start     time.Time // the capture's start; zero when its events are untimed
	limits    Limits

	n          int // events seen
	points     *evensample.Sample[Point]
	rows       []Row
	types      map[string]int // events by type, for the table's filter
	typeOrder  []string
	marks      []Mark
	marksLost  int
	gaps       []int // the gap histogram: len(gapEdges)+1 bins
	stallMs    float64
	content    int     // content events seen
	lastX      float64 // X of the last content event
	tools      int
	serverTool int
	thinkFrom  float64 // first and last X at which reasoning grew, -1 before
	thinkTo    float64
	textFrom   float64 // the same for answer text
	textTo     float64
	prevText   int
	prevThink  int
	lastEvX    float64 // X of the last event
}

// maxTypes bounds the event types the table's filter lists.
const maxTypes = 64

// NewRecorder returns a Recorder of the replay into sc. start is the time
// the capture's times count from, zero when its events have no times (the
// timeline then counts events); stall is the stall threshold.
func NewRecorder(sc *streamctx.Context, start time.Time, stall time.Duration, limits Limits) *Recorder {
	return &Recorder{
		sc: sc, start: start, limits: limits, points: evensample.New[Point](limits.Points),
		types: map[string]int{}, gaps: make([]int, len(gapEdges)+1),
		stallMs:   float64(stall.Microseconds()) / 1000,
		thinkFrom: -1, thinkTo: -1, textFrom: -1, textTo: -1,
	}
}

// Timed reports whether the timeline's X is time (else the event index).
func (r *Recorder) Timed() bool { return !r.start.IsZero() }

// OnEvent records one event, after the wire format's parser handled it.
func (r *Recorder) OnEvent(ev *sse.Event) {
	r.n++
	x := float64(r.n)
	if r.Timed() {
		x = max(float64(ev.At.Sub(r.start).Microseconds())/1000, 0)
	}
	r.lastEvX = x
	text, think := r.sc.TextChars(), r.sc.ThinkingChars()
	if r.Tokens {
		var name string
		text, name = r.sc.TextTokens()
		think, _ = r.sc.ThinkingTokens()
		if name != "" {
			r.tokenizer = name
		}
	}
	isContent := r.sc.ContentEvents() > r.content
	if isContent {
		if r.content > 0 {
			r.gap(r.lastX, x)
		}
		r.content = r.sc.ContentEvents()
		r.lastX = x
	}
	if think > r.prevThink {
		if r.thinkFrom < 0 {
			r.thinkFrom = x
		}
		r.thinkTo = x
	}
	if text > r.prevText {
		if r.textFrom < 0 {
			r.textFrom = x
		}
		r.textTo = x
	}
	r.prevText, r.prevThink = text, think
	if n := len(r.sc.ToolCalls()); n > r.tools {
		for ; r.tools < n; r.tools++ {
			r.mark(Mark{Kind: MarkToolCall, X: x, End: x})
		}
	}
	if n := r.sc.ServerToolCount(); n > r.serverTool {
		for ; r.serverTool < n; r.serverTool++ {
			r.mark(Mark{Kind: MarkServerToolCall, X: x, End: x})
		}
	}
	r.points.Add(Point{X: x, Text: text, Thinking: think})
	// Counted by the raw type (no event field: ""), whose string is made
	// once per type, not per event; Finish names them.
	if n, ok := r.types[string(ev.Type)]; ok {
		r.types[string(ev.Type)] = n + 1
	} else if len(r.types) < maxTypes {
		typ := string(ev.Type)
		r.typeOrder = append(r.typeOrder, typ)
		r.types[typ] = 1
	}
	if len(r.rows) < r.limits.Rows {
		typ := ev.TypeName()
		rx := -1.0
		if r.Timed() {
			rx = x
		}
		r.rows = append(r.rows, Row{Index: r.n, X: rx, Type: vis(typ), Size: len(ev.Data), Preview: vis(preview(ev.Data)), Content: isContent})
	}
}

// gap counts the gap between two content events, and marks a stall.
func (r *Recorder) gap(from, to float64) {
	if !r.Timed() {
		return
	}
	d := to - from
	i := 0
	for i < len(gapEdges) && d > gapEdges[i] {
		i++
	}
	r.gaps[i]++
	if d > r.stallMs {
		r.mark(Mark{Kind: MarkStall, X: from, End: to})
	}
}

func (r *Recorder) mark(m Mark) {
	if len(r.marks) >= r.limits.Marks {
		r.marksLost++
		return
	}
	r.marks = append(r.marks, m)
}

// preview returns the start of an event's data for the table, cut (by
// clip) at previewBytes with an ellipsis.
func preview(data []byte) string {
	s, cut := clip(string(data[:min(len(data), previewBytes+1)]), previewBytes)
	if cut {
		s += "…"
	}
	return s
}
