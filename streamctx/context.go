// Package streamctx holds the state of one LLM response stream: a Go port of
// the StreamContext of the Aether gateway's streaming pipeline, corrected
// where Aether is wrong (see the usage merging rules on UpdateUsage).
//
// A Context is filled by a wire-format parser, one event at a time, and read
// through Snapshot. It reads no clock: times come with what it is told (the
// arrival time of each event, of the first byte, of the end), so a
// recorded or scripted time makes timings deterministic, and a stream
// without times (Options.Start zero) leaves them unknown. A Context is not
// safe for concurrent use.
package streamctx

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Count is a token count that may be absent. The zero value is absent.
type Count struct {
	N   int64
	Set bool
	// Overflow says that N is a sum (Plus) that went past the range of
	// int64 and was held at its bound: UpdateUsage warns about it.
	Overflow bool
	// Negative says that N is or includes (Plus) a negative count, which
	// cannot be right: UpdateUsage warns about it and ignores it.
	Negative bool
}

// MaxPlausibleTokens is the largest token count that can be right: no
// model reads or writes 10^12 tokens in one request (context windows are
// in the millions). UpdateUsage warns about a larger count, and keeps it.
const MaxPlausibleTokens = 1_000_000_000_000

// Add returns a+b and true, or, when the sum goes past the range of int64,
// the bound it went past and false: token counts from a stream are summed
// with it, never wrapped.
func Add(a, b int64) (int64, bool) {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64, false
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64, false
	}
	return s, true
}

// Plus returns the sum of c and o, present when either is; a sum past the
// range of int64 is held at its bound, with Overflow set.
func (c Count) Plus(o Count) Count {
	n, ok := Add(c.N, o.N)
	return Count{N: n, Set: c.Set || o.Set, Overflow: c.Overflow || o.Overflow || !ok, Negative: c.Negative || o.Negative}
}

// Of returns a present count.
func Of(n int64) Count { return Count{N: n, Set: true, Negative: n < 0} }

// Ptr returns a count from an optional JSON number: nil is absent.
func Ptr(p *int64) Count {
	if p == nil {
		return Count{}
	}
	return Of(*p)
}

// Or returns c when present, else o.
func (c Count) Or(o Count) Count {
	if c.Set {
		return c
	}
	return o
}

// Usage is one usage report from a stream, in sseinspect's semantics (see
// DESIGN.md): Output includes reasoning tokens; Input is the provider's own
// input count (which, in some formats, excludes cache reads and writes: see
// Context.InputExcludesCache).
// Absent fields are left alone by UpdateUsage.
type Usage struct {
	Input         Count
	Output        Count
	CacheRead     Count
	CacheCreation Count
	Reasoning     Count
}

// IsZero reports whether no field is present.
func (u Usage) IsZero() bool {
	return !u.Input.Set && !u.Output.Set && !u.CacheRead.Set && !u.CacheCreation.Set && !u.Reasoning.Set
}

// ToolCall is one tool (function) call assembled from its fragments.
type ToolCall struct {
	ID   string
	Name string
	args strings.Builder
}

// Arguments returns the arguments assembled so far: a JSON string when the
// call completed, possibly a truncated one when the stream was cut.
func (t *ToolCall) Arguments() string { return t.args.String() }

// Timing holds the offsets of stream milestones from the start time; a
// negative value means the milestone was not reached or time is unknown.
type Timing struct {
	FirstByte    time.Duration // first byte of the response
	FirstEvent   time.Duration // first dispatched SSE event
	FirstContent time.Duration // first event carrying generated content
	FirstOutput  time.Duration // first visible answer text
	LastContent  time.Duration // last event carrying generated content
	End          time.Duration // last byte (end of input)
}

func unknownTiming() Timing {
	return Timing{-1, -1, -1, -1, -1, -1}
}

// Options configure a new Context.
type Options struct {
	// Start is the time the request started: timings are offsets from
	// it. The zero Time means the stream carries no timing: all timings
	// stay unknown, whatever times the Context is told.
	Start time.Time
	// CollectText keeps the text, the thinking and the tool calls (id,
	// name, arguments). Without it the Context keeps none of them, so its
	// memory does not grow with the stream (ToolCalls is empty), and
	// parsers need not decode text (CollectsText). The two-line summary
	// needs none of them.
	CollectText bool
	// ServerTools keeps the server tool calls (ServerTool) even without
	// CollectText: what a cost estimate counts (web searches) when the
	// text is not kept (the totals line of the two-line summary).
	ServerTools bool
	// TextParts makes Snapshot give the text and thinking as TextParts and
	// ThinkingParts, leaving Text and Thinking empty: a long text is then
	// never joined into one string (held twice), for a writer that can
	// write it in parts (report.JSON).
	TextParts bool
	// OnKeep, when not nil, is called with the memory the Context takes
	// (or, negative, lets go) to keep what Snapshot shows of a growing
	// stream: the chunks of 1 MiB that a text or thinking longer than 1 MiB
	// is kept in (a text that arrives in small pieces takes its first MiB
	// uncounted), and the tool calls (their arguments' buffers, ids and
	// names, and ToolCallCost bytes per call).
	// A caller can then budget memory for what it will print (cmd raises
	// the Go memory limit by as much). ResetForRetry gives it all back.
	OnKeep func(bytes int)
	// CountChars counts the characters (runes) of the text and thinking
	// as they come (TextChars, ThinkingChars), for a report's timeline.
	CountChars bool
	// RecordChunks keeps a copy of every JSON chunk, for the response body.
	RecordChunks bool
	// OnChunk, when not nil, is called with every JSON chunk as it is
	// added (borrowed for the call), so that a response body can be
	// streamed out instead of held.
	OnChunk func(raw []byte)
	// MaxWarnings caps the number of warnings kept; further ones are
	// counted. Zero means 100.
	MaxWarnings int
	// Stall is the gap between content events above which Latency counts
	// a stall. Zero means DefaultStall.
	Stall time.Duration
	// EventsUntimed says that only the first byte and the end are timed
	// (a HAR file): the times of events and content stay unknown.
	EventsUntimed bool
	// Tokens, when not nil, gives the tokenizer for the stream's model
	// (called once, when first needed: the model may still be unknown,
	// ""). With it, a stream that carries no usage gets its output
	// tokens estimated (Snapshot), and a timed stream its inter-token
	// latency (Latency.ITLMs), which counts the text of every content
	// event. Without it nothing is counted, at no cost.
	Tokens func(model string) TokenCounter
}

// Context is the state of one stream.
type Context struct {
	opts Options

	// Request and routing information, as Aether's StreamContext keeps it.
	// sseinspect fills the ones a capture can tell and the flags set.
	Model                  string
	APIFormat              string
	ClientAPIFormat        string
	RequestID              string
	ProviderName           string
	ProviderID             string
	EndpointID             string
	KeyID                  string
	MappedModel            string
	ResponseID             string
	ResponseHeaders        map[string]string // lower-case names
	ProviderRequestHeaders map[string]string
	ProviderRequestBody    []byte
	ResponseMetadata       map[string]string
	// UsageRequested says that the request asked for a usage report that
	// the wire format sends only on request (OpenAI chat's
	// stream_options.include_usage), so that a stream ending without it
	// was cut off. False when unknown (a capture without its request).
	UsageRequested bool

	// StatusCode is the HTTP status of the response, 0 when unknown.
	StatusCode int

	// InputExcludesCache says that Input does not count cache reads and
	// writes, so the total input adds them. The wire format decides.
	InputExcludesCache bool
	// ResponseIDPrefixes are the type prefixes of the wire format's
	// response ids ("chatcmpl-"): a request id made from the response id
	// leaves its prefix out.
	ResponseIDPrefixes []string

	usage      Usage
	usageSeen  bool
	finalUsage []byte // raw JSON of the last usage object seen
	finalResp  []byte // raw JSON of the final response object, when one came

	text     textBuf
	thinking textBuf
	tools    []*ToolCall    // only with CollectText
	toolKeys map[string]int // index in tools by key, only with CollectText

	// What a stream carries beyond text and tokens (details.go).
	serverTools       []*ServerToolCall // only with CollectText
	serverToolKeys    map[string]int    // index in serverTools by key
	citations         []Citation        // only with CollectText
	citationKeys      map[string]bool   // url NUL file id of each citation
	usageDetails      UsageDetails
	providerCost      float64
	providerCostField string
	providerCostSet   bool
	providerLatency   *ProviderLatency
	kept              int // the sum of what OnKeep was told

	errType    string
	errMessage string
	complete   bool
	// warnedKinds are the kinds of warning given once (warnOnce).
	warnedKinds map[string]bool
	stopReason  string

	events    int
	dataCount int
	// contentEvents counts the events that carried content; contentSeen
	// is the event count when the last of them was counted.
	contentEvents int
	contentSeen   int
	// textChars and thinkingChars count runes, with Options.CountChars;
	// textTokens and thinkingTokens tokens, when Options.Tokens is set too.
	textChars, thinkingChars   int
	textTokens, thinkingTokens int
	chunks                     [][]byte
	nChunks                    int
	bad                        int
	warnings                   []string
	dropped                    int
	mismatch                   bool
	start                      time.Time
	now                        time.Time // the last time observed; zero before the first
	timing                     Timing

	// gaps between content events (see Latency); contentEvent is the
	// number of the last event that carried content.
	gaps         gapStats
	contentEvent int

	// counter is the tokenizer (Options.Tokens), once chosen; itl the
	// inter-token latency.
	counter TokenCounter
	itl     itlStats
}

// New returns an empty Context.
func New(opts Options) *Context {
	if opts.MaxWarnings == 0 {
		opts.MaxWarnings = 100
	}
	sc := &Context{opts: opts}
	if opts.OnKeep != nil {
		sc.text.onChunk, sc.thinking.onChunk = sc.keep, sc.keep
	}
	sc.resetState()
	return sc
}

// CollectsText reports whether the Context keeps text (Options.CollectText):
// when it does not, a parser need not decode text, only tell whether it is
// empty.
func (sc *Context) CollectsText() bool { return sc.opts.CollectText }

// KeepsServerTools reports whether the Context keeps server tool calls
// (Options.CollectText or Options.ServerTools): a parser decodes them only
// then.
func (sc *Context) KeepsServerTools() bool { return sc.opts.CollectText || sc.opts.ServerTools }

// Timed reports whether the stream carries timing (Options.Start is set).
func (sc *Context) Timed() bool { return !sc.opts.Start.IsZero() }

func (sc *Context) resetState() {
	sc.usage = Usage{}
	sc.usageSeen = false
	sc.finalUsage, sc.finalResp = nil, nil
	sc.keep(-sc.kept)
	sc.text.Reset()
	sc.thinking.Reset()
	sc.tools, sc.toolKeys = nil, nil
	sc.serverTools, sc.serverToolKeys = nil, nil
	sc.citations, sc.citationKeys = nil, nil
	sc.usageDetails = nil
	sc.providerCost, sc.providerCostField, sc.providerCostSet = 0, "", false
	sc.providerLatency = nil
	sc.errType, sc.errMessage = "", ""
	sc.complete, sc.stopReason = false, ""
	sc.events, sc.dataCount, sc.nChunks, sc.bad, sc.dropped = 0, 0, 0, 0, 0
	sc.contentEvents, sc.contentSeen = 0, 0
	sc.textChars, sc.thinkingChars = 0, 0
	sc.textTokens, sc.thinkingTokens = 0, 0
	sc.chunks, sc.warnings, sc.warnedKinds = nil, nil, nil
	sc.mismatch = false
	sc.StatusCode = 0
	sc.ResponseID = ""
	sc.ResponseHeaders = nil
	sc.ProviderRequestHeaders = nil
	sc.ProviderRequestBody = nil
	sc.timing = unknownTiming()
	sc.gaps, sc.contentEvent = gapStats{stallUs: sc.stall().Microseconds()}, 0
	sc.itl = itlStats{values: gapStats{stallUs: math.MaxInt64}}
	if sc.start.IsZero() {
		sc.start = sc.opts.Start
	}
}

// ResetForRetry clears everything a failed attempt left, as Aether does
// before a failover retry: usage, text, tool calls, errors, counters, chunks,
// headers, response id, timings. It keeps the model, formats, request id and
// provider information, and restarts the clock: timings count from the
// last time observed.
func (sc *Context) ResetForRetry() {
	if sc.Timed() && !sc.now.IsZero() {
		sc.start = sc.now
	}
	sc.resetState()
}

// Observe tells the Context the time now, as the stream tells it: the
// arrival time of what is being handled. Content added until the next
// time is timed at it. The zero Time (unknown) is ignored.
//
// Times are range-checked here, the one place every arrival time goes
// through: a time before the one observed last (times going backwards),
// before the start, or more than MaxPlausibleGap after the one before (or
// after the start) is warned about, once each; it is kept all the same.
func (sc *Context) Observe(at time.Time) {
	if at.IsZero() {
		return
	}
	prev := sc.now
	if prev.IsZero() && sc.Timed() {
		prev = sc.start
	}
	if !prev.IsZero() {
		switch gap := at.Sub(prev); {
		case gap < 0 && !sc.now.IsZero():
			sc.warnOnce("time backwards", "the arrival times go backwards (%s, then %s after the start): the timing cannot be trusted",
				offset(sc.now.Sub(sc.start)), offset(at.Sub(sc.start)))
		case gap < 0:
			sc.warnOnce("time before start", "an arrival time is before the start (%s): the timing cannot be trusted", offset(at.Sub(sc.start)))
		case gap > MaxPlausibleGap:
			sc.warnOnce("time gap", "an arrival time is %s after the one before: the timing cannot be trusted", offset(gap))
		}
	}
	sc.now = at
}

// MaxPlausibleGap is the longest time between two arrivals (or from the
// start to the first) that can be right: no LLM stream waits a day.
const MaxPlausibleGap = 24 * time.Hour

// offset shows a duration in milliseconds, as the latency fields do.
func offset(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', -1, 64) + "ms"
}

// since returns the offset of the time last observed from the start; false
// when the stream carries no timing or no time was observed.
func (sc *Context) since() (time.Duration, bool) {
	if !sc.Timed() || sc.now.IsZero() {
		return -1, false
	}
	return sc.now.Sub(sc.start), true
}

// RecordFirstByte observes at, the arrival time of the first byte of the
// response, and records it; only the first call counts.
func (sc *Context) RecordFirstByte(at time.Time) {
	sc.Observe(at)
	if sc.timing.FirstByte >= 0 || at.IsZero() {
		return
	}
	if d, ok := sc.since(); ok {
		sc.timing.FirstByte = d
	}
}

// RecordEnd observes at, the time the stream ended (its last byte), and
// records it; the last call counts.
func (sc *Context) RecordEnd(at time.Time) {
	sc.Observe(at)
	if at.IsZero() {
		return
	}
	if d, ok := sc.since(); ok {
		sc.timing.End = d
	}
}

// CountEvent observes at, the arrival time of a dispatched event carrying
// dataLines data lines, counts it, and records the first-event time.
func (sc *Context) CountEvent(dataLines int, at time.Time) {
	sc.Observe(at)
	sc.events++
	sc.dataCount += dataLines
	if sc.timing.FirstEvent < 0 && !sc.opts.EventsUntimed && !at.IsZero() {
		if d, ok := sc.since(); ok {
			sc.timing.FirstEvent = d
		}
	}
}

// AddChunk counts one JSON chunk and, when chunks are recorded, keeps a copy
// of raw for the response body. raw is not retained.
func (sc *Context) AddChunk(raw []byte) {
	sc.nChunks++
	if sc.opts.OnChunk != nil {
		sc.opts.OnChunk(raw)
	}
	if sc.opts.RecordChunks {
		sc.chunks = append(sc.chunks, append([]byte(nil), raw...))
	}
}

// ChunksKept reports whether AddChunk keeps its argument or hands it on
// (Options.RecordChunks, OnChunk). When not, it only counts, and a caller
// may pass nil instead of reading a chunk's bytes.
func (sc *Context) ChunksKept() bool { return sc.opts.RecordChunks || sc.opts.OnChunk != nil }

// Chunks returns the recorded chunks (owned by the Context).
func (sc *Context) Chunks() [][]byte { return sc.chunks }

func (sc *Context) markContent(output bool) {
	if sc.contentSeen != sc.events || sc.contentEvents == 0 {
		sc.contentEvents++
		sc.contentSeen = sc.events
	}
	d, ok := sc.since()
	if !ok || sc.opts.EventsUntimed {
		return
	}
	if sc.timing.FirstContent < 0 {
		sc.timing.FirstContent = d
	} else if sc.contentEvent != sc.events {
		sc.gaps.add(d - sc.timing.LastContent)
	}
	if sc.opts.Tokens != nil && (sc.contentEvent != sc.events || !sc.itl.open) {
		sc.itlOpen(d)
	}
	sc.contentEvent = sc.events
	if output && sc.timing.FirstOutput < 0 {
		sc.timing.FirstOutput = d
	}
	sc.timing.LastContent = d
}

// AppendText appends visible answer text. Empty text is no content.
func (sc *Context) AppendText(s string) {
	if s == "" {
		return
	}
	sc.markContent(true)
	if sc.opts.Tokens != nil {
		sc.itlCount(s)
	}
	if sc.opts.CountChars {
		sc.textChars += utf8.RuneCountInString(s)
		sc.textTokens += sc.countTokens(s)
	}
	if sc.opts.CollectText {
		sc.text.WriteString(s)
	}
}

// AppendThinking appends reasoning text. Empty text is no content.
func (sc *Context) AppendThinking(s string) {
	if s == "" {
		return
	}
	sc.markContent(false)
	if sc.opts.Tokens != nil {
		sc.itlCount(s)
	}
	if sc.opts.CountChars {
		sc.thinkingChars += utf8.RuneCountInString(s)
		sc.thinkingTokens += sc.countTokens(s)
	}
	if sc.opts.CollectText {
		sc.thinking.WriteString(s)
	}
}

// AppendTextBytes is AppendText(string(b)) without that string: b is
// borrowed for the call (a parser's decoding into its own buffer, or the
// bytes of the event when the text has no escapes) and copied into the
// kept text.
func (sc *Context) AppendTextBytes(b []byte) { sc.appendBytes(b, true) }

// AppendThinkingBytes is AppendThinking(string(b)), as AppendTextBytes.
func (sc *Context) AppendThinkingBytes(b []byte) { sc.appendBytes(b, false) }

// appendBytes is AppendTextBytes (output) or AppendThinkingBytes.
func (sc *Context) appendBytes(b []byte, output bool) {
	if len(b) == 0 {
		return
	}
	if sc.opts.Tokens != nil || sc.opts.CountChars {
		// Counted as a string.
		if output {
			sc.AppendText(string(b))
		} else {
			sc.AppendThinking(string(b))
		}
		return
	}
	sc.markContent(output)
	if sc.opts.CollectText {
		if output {
			sc.text.Write(b)
		} else {
			sc.thinking.Write(b)
		}
	}
}

// MarkContent records generated content that is not text (a redacted
// thinking block, an encrypted reasoning item, a server tool call).
func (sc *Context) MarkContent() { sc.markContent(false) }

// ToolDelta adds a fragment of the tool call identified by key (unique in the
// stream: an index, an item id). A non-empty id, name or args is content.
// With CollectText, the first fragment of a key creates the call in order
// of appearance; a non-empty id or name sets the call's, and args is
// appended to its arguments. Without it, nothing is kept.
func (sc *Context) ToolDelta(key, id, name, args string) {
	if id != "" || name != "" || args != "" {
		sc.markContent(false)
		if sc.opts.Tokens != nil {
			sc.itlCount(args)
		}
	}
	if !sc.opts.CollectText {
		return
	}
	t := sc.tool(key)
	if id != "" {
		sc.keep(len(id) - len(t.ID))
		t.ID = id
	}
	if name != "" {
		sc.keep(len(name) - len(t.Name))
		t.Name = name
	}
	if args != "" {
		c := t.args.Cap()
		t.args.WriteString(args)
		sc.keep(t.args.Cap() - c)
	}
}

// SetToolArguments replaces the arguments of the call identified by key with
// the complete string (a "done" event, a call that arrives whole), creating the
// call if needed. Without CollectText it does nothing.
func (sc *Context) SetToolArguments(key, args string) {
	if !sc.opts.CollectText {
		return
	}
	t := sc.tool(key)
	c := t.args.Cap()
	t.args.Reset()
	t.args.WriteString(args)
	sc.keep(t.args.Cap() - c)
}

func (sc *Context) tool(key string) *ToolCall {
	if i, ok := sc.toolKeys[key]; ok {
		return sc.tools[i]
	}
	if sc.toolKeys == nil {
		sc.toolKeys = make(map[string]int)
	}
	sc.toolKeys[key] = len(sc.tools)
	t := &ToolCall{}
	sc.tools = append(sc.tools, t)
	sc.keep(ToolCallCost)
	return t
}

// ToolCallCost is what OnKeep counts for each tool call beside its id,
// name and arguments: an estimate, on 64-bit machines, of its record (64
// bytes), its entry in the index by key and the key (about 50), its
// pointer in the list and its line in the snapshot (about 70), rounded up.
const ToolCallCost = 192

// keep tells OnKeep that n more bytes are kept (fewer when negative).
func (sc *Context) keep(n int) {
	if n != 0 && sc.opts.OnKeep != nil {
		sc.kept += n
		sc.opts.OnKeep(n)
	}
}

// UpdateUsage merges a usage report: every present field replaces the
// earlier value, including an explicit zero; an absent field never erases
// one. (Aether's rule, "a 0 never overwrites", loses real zeros and keeps
// stale values.) raw, when not nil, is kept as the final usage object.
//
// Every count is range-checked here, the one place where the counts of
// every format arrive: a negative count cannot be right and is ignored (as
// absent), a count over MaxPlausibleTokens or a sum that overflowed (Plus)
// is kept; each is warned about, once per field and kind.
func (sc *Context) UpdateUsage(u Usage, raw []byte) {
	if u.IsZero() {
		return
	}
	if u.Input.suspect() || u.Output.suspect() || u.CacheRead.suspect() || u.CacheCreation.suspect() || u.Reasoning.suspect() {
		// Rare: the usual counts skip the five calls (Gemini updates
		// the usage at every chunk).
		u.Input = sc.checkCount("input", u.Input)
		u.Output = sc.checkCount("output", u.Output)
		u.CacheRead = sc.checkCount("cache read", u.CacheRead)
		u.CacheCreation = sc.checkCount("cache creation", u.CacheCreation)
		u.Reasoning = sc.checkCount("reasoning", u.Reasoning)
		if u.IsZero() {
			return
		}
	}
	sc.usageSeen = true
	sc.usage.Input = u.Input.Or(sc.usage.Input)
	sc.usage.Output = u.Output.Or(sc.usage.Output)
	sc.usage.CacheRead = u.CacheRead.Or(sc.usage.CacheRead)
	sc.usage.CacheCreation = u.CacheCreation.Or(sc.usage.CacheCreation)
	sc.usage.Reasoning = u.Reasoning.Or(sc.usage.Reasoning)
	if raw != nil {
		sc.finalUsage = append(sc.finalUsage[:0], raw...)
	}
}

// suspect reports whether checkCount may change or warn about c: a set
// count that is negative, overflowed or implausibly large.
func (c Count) suspect() bool {
	return c.Set && (uint64(c.N) > MaxPlausibleTokens || c.Negative || c.Overflow)
}

// checkCount returns c as it is kept, warning about a value that cannot
// be right (see UpdateUsage).
func (sc *Context) checkCount(field string, c Count) Count {
	if !c.Set {
		return c
	}
	switch {
	case c.N < 0:
		sc.warnOnce("negative "+field, "usage: %s tokens %d, a negative count, cannot be right: ignored", field, c.N)
		return Count{}
	case c.Negative:
		sc.warnOnce("negative "+field, "usage: %s tokens %d include a negative count, which cannot be right: ignored", field, c.N)
		return Count{}
	case c.Overflow:
		sc.warnOnce("overflow "+field, "usage: the %s tokens, a sum of the provider's counts, overflow: shown as %d", field, c.N)
	case c.N > MaxPlausibleTokens:
		sc.warnOnce("implausible "+field, "usage: %s tokens %d is more than any model reads or writes (%d): it cannot be right", field, c.N, int64(MaxPlausibleTokens))
	}
	return c
}

// warnOnce warns unless a warning of the same kind was given.
func (sc *Context) warnOnce(kind, format string, args ...any) {
	if sc.warnedKinds == nil {
		sc.warnedKinds = make(map[string]bool)
	}
	if sc.warnedKinds[kind] {
		return
	}
	sc.warnedKinds[kind] = true
	sc.Warn(format, args...)
}

// Usage returns the merged usage.
func (sc *Context) Usage() Usage { return sc.usage }

// SetFinalResponse keeps raw (copied) as the final response object.
func (sc *Context) SetFinalResponse(raw []byte) {
	sc.finalResp = append(sc.finalResp[:0], raw...)
}

// FinalUsage returns the raw JSON of the last usage object, or nil.
func (sc *Context) FinalUsage() []byte { return sc.finalUsage }

// FinalResponse returns the raw JSON of the final response object, or nil.
func (sc *Context) FinalResponse() []byte { return sc.finalResp }

// SetError records an in-band or HTTP error. The first non-empty type and
// the first non-empty message are kept (an OpenAI Responses "error" event
// is more precise than the "response.failed" that follows it).
func (sc *Context) SetError(typ, message string) {
	if typ == "" && message == "" {
		typ = "error"
	}
	if sc.errType == "" {
		sc.errType = typ
	}
	if sc.errMessage == "" {
		sc.errMessage = message
	}
}

// ErrorType returns the error type recorded by SetError, "" when none.
func (sc *Context) ErrorType() string { return sc.errType }

// Failed reports whether an error was recorded or the HTTP status is an
// error.
func (sc *Context) Failed() bool {
	return sc.errType != "" || sc.errMessage != "" || sc.StatusCode >= 400
}

// IsSuccess is Aether's test: the HTTP status is below 400.
func (sc *Context) IsSuccess() bool { return sc.StatusCode < 400 }

// MarkComplete records that the stream reached its format's normal end.
func (sc *Context) MarkComplete() { sc.complete = true }

// Complete reports whether the stream reached its normal end.
func (sc *Context) Complete() bool { return sc.complete }

// SetStopReason sets the stop reason; an empty one is ignored.
func (sc *Context) SetStopReason(s string) {
	if s != "" {
		sc.stopReason = s
	}
}

// StopReason returns the stop reason.
func (sc *Context) StopReason() string { return sc.stopReason }

// SetModel sets the model; an empty one is ignored.
func (sc *Context) SetModel(m string) {
	if m != "" {
		sc.Model = m
	}
}

// SetResponseID sets the response id; an empty one is ignored.
func (sc *Context) SetResponseID(id string) {
	if id != "" {
		sc.ResponseID = id
	}
}

// Warn adds a warning that does not by itself make the stream fail
// (something tolerated).
func (sc *Context) Warn(format string, args ...any) {
	if len(sc.warnings) >= sc.opts.MaxWarnings {
		sc.dropped++
		return
	}
	sc.warnings = append(sc.warnings, fmt.Sprintf(format, args...))
}

// BadEvent records an event that could not be decoded: a warning, and exit
// status 1.
func (sc *Context) BadEvent(line int, what string, err error) {
	sc.bad++
	if line > 0 {
		sc.Warn("line %d: %s: %v", line, what, err)
	} else {
		sc.Warn("%s: %v", what, err)
	}
}

// Mismatch records that the stream does not look like the format it was
// parsed as: a warning, and exit status 1.
func (sc *Context) Mismatch(format string, args ...any) {
	sc.mismatch = true
	sc.bad++
	sc.Warn(format, args...)
}

// BadEvents returns the number of undecodable events and mismatches.
func (sc *Context) BadEvents() int { return sc.bad }

// Events returns the number of dispatched events.
func (sc *Context) Events() int { return sc.events }

// DataCount returns the number of data lines.
func (sc *Context) DataCount() int { return sc.dataCount }

// ChunkCount returns the number of JSON chunks.
func (sc *Context) ChunkCount() int { return sc.nChunks }

// ContentEvents returns the number of events so far that carried
// generated content (text, reasoning, a tool-call fragment, a server tool
// call), timed or not.
func (sc *Context) ContentEvents() int { return sc.contentEvents }

// TextLen returns the bytes of text kept so far (0 without
// Options.CollectText), without joining them.
func (sc *Context) TextLen() int { return sc.text.Len() }

// ThinkingLen returns the bytes of reasoning kept so far, as TextLen.
func (sc *Context) ThinkingLen() int { return sc.thinking.Len() }

// TextChars returns the characters of text so far, counted with
// Options.CountChars (0 without it).
func (sc *Context) TextChars() int { return sc.textChars }

// ThinkingChars returns the characters of thinking so far, as TextChars.
func (sc *Context) ThinkingChars() int { return sc.thinkingChars }

// TextTokens and ThinkingTokens return the tokens of text and thinking so
// far, each delta counted on its own with the tokenizer of Options.Tokens
// (with Options.CountChars), and its name; "" and 0 without a tokenizer.
func (sc *Context) TextTokens() (int, string) { return sc.textTokens, sc.tokenizerName() }

// ThinkingTokens returns the tokens of thinking so far, as TextTokens.
func (sc *Context) ThinkingTokens() (int, string) { return sc.thinkingTokens, sc.tokenizerName() }

// countTokens counts the tokens of s with the tokenizer, 0 without one.
func (sc *Context) countTokens(s string) int {
	if tc := sc.tokenCounter(); tc != nil {
		return tc.Count(s)
	}
	return 0
}

func (sc *Context) tokenizerName() string {
	if tc := sc.tokenCounter(); tc != nil {
		return tc.Name()
	}
	return ""
}

// ServerToolCount returns the number of server tool calls kept so far (0
// without Options.CollectText).
func (sc *Context) ServerToolCount() int { return len(sc.serverTools) }

// Text returns the collected visible text (see Snapshot for its memory).
func (sc *Context) Text() string { return sc.text.String() }

// Thinking returns the collected reasoning text.
func (sc *Context) Thinking() string { return sc.thinking.String() }

// ToolCalls returns the tool calls in order of appearance (owned by the
// Context); none without CollectText.
func (sc *Context) ToolCalls() []*ToolCall { return sc.tools }

// Timing returns the milestone offsets.
func (sc *Context) Timing() Timing { return sc.timing }
