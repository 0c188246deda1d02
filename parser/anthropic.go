package parser

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// anthropicFormat is the Anthropic Messages stream. Its input_tokens
// leave cache reads and writes out.
var anthropicFormat = Format{
	Name: "anthropic", Vendor: "anthropic", Aliases: []string{"claude", "CLAUDE", "CLAUDE_CLI"},
	New: newAnthropic, detect: detectAnthropic,
	responseIDPrefixes: []string{"msg_"},
	inputExcludesCache: true,
}

// anthropicTypes are the event types of the Anthropic Messages stream.
var anthropicTypes = map[string]bool{
	"message_start": true, "message_delta": true, "message_stop": true,
	"content_block_start": true, "content_block_delta": true, "content_block_stop": true,
	"ping": true,
}

// anthropicProbe holds the member that detectAnthropic reads.
type anthropicProbe struct {
	Type      string          `json:"type"`
	ErrorText json.RawMessage `json:"errorText"`
}

// detectAnthropic matches an Anthropic event type, as the SSE event type
// or the data's type, or a data type "error" (but not the Vercel AI SDK UI
// message stream's error chunk, which has an errorText).
func detectAnthropic(ev *sse.Event) match {
	if anthropicTypes[string(ev.Type)] {
		return matchEventType
	}
	var p anthropicProbe
	if probeData(ev, &p) && (anthropicTypes[p.Type] || p.Type == "error" && p.ErrorText == nil) {
		return matchDataType
	}
	return noMatch
}

// anthropic parses the Anthropic Messages stream: message_start, then
// content blocks (content_block_start, content_block_delta...,
// content_block_stop) addressed by index, then message_delta (stop reason
// and cumulative usage) and message_stop; ping may come anywhere and
// `event: error` ends a failed stream.
//
// Checked against the Messages streaming documentation and the official
// SDKs (anthropic-sdk-python lib/streaming/_messages.py accumulate_event,
// the Stainless-generated usage types of the Python, Ruby, C# and Java
// SDKs):
//
//   - The event is dispatched on the data's "type", which every Anthropic
//     event carries and which is what the SDKs decode; the SSE event name
//     is used only when the data has no type. A name that contradicts the
//     data is warned about once.
//   - Usage: message_start carries message.usage, message_delta a usage
//     whose fields the SDK types document as cumulative. Every present
//     field replaces, so the last explicit value wins (a later
//     input_tokens of 10423 replaces 2039; a message_delta with only
//     output_tokens keeps message_start's input). input_tokens excludes
//     cache reads and writes (anthropicFormat.inputExcludesCache). The per-TTL
//     cache_creation breakdown is not counted again: it goes to
//     usage_details, with the other counts (anthropic_details.go).
//     output_tokens_details.thinking_tokens, a part of output_tokens, is
//     the reasoning count when the API reports it.
//   - Compaction: the top-level usage is the provider's answer and is
//     kept as it is. The SDK docs of usage.iterations say "a compaction
//     entry's tokens are not included in the top-level usage fields"; so
//     message_delta's explicit cache_read_input_tokens 0 replaces the
//     55096 of message_start (which described the compaction pass), and
//     the iterations array (billing detail) is not summed into it; what
//     the compaction passes used is said in a warning.
//   - Content blocks: text and thinking text go to the answer and the
//     reasoning, the text of several blocks joined with nothing between
//     them, as the SDK's get_final_text does ("".join), even when a tool
//     call separates them (decided in issue 11: the summary shows what
//     the provider sent, adding no separator of its own); tool_use blocks are the client tool calls, keyed by block
//     index; server tools (server_tool_use, mcp_tool_use) and their
//     *_tool_result blocks are the server tool calls, and citations_delta
//     the citations (anthropic_details.go); redacted_thinking and
//     compaction blocks are generated content but neither text nor calls.
//   - A tool_use block whose input_json_delta fragments are all empty gets
//     the input of its content_block_start ("{}") when the block stops, as
//     the SDK's accumulator leaves that input in place when its JSON
//     buffer stays empty. A block that never stops keeps what arrived.
type anthropic struct {
	// ev is the event being handled: own, templated, or its decoding
	// ahead.
	ev  *anthropicEvent
	own anthropicEvent
	// templated is the event made from what anthropicDeltaTemplate read
	// (templatedEvent): only its Type, Index and Delta are ever set, so
	// that only they need to be reset.
	templated anthropicEvent
	tmpl      anthropicTemplated // what anthropicDeltaTemplate read, when not ahead
	msg       anthropicMessage
	usage     anthropicUsage
	// blocks are the content blocks open, by index: a block is removed
	// at its content_block_stop, so that memory does not grow with the
	// number of blocks of a long stream.
	blocks map[int64]*anthropicBlockState
	// last is blocks[lastIndex], the block last looked up or set (a
	// block's deltas come in a run), nil when unknown: block, setBlock
	// and deleteBlock keep it.
	last      *anthropicBlockState
	lastIndex int64
	// maxStarted is the highest index of a block started so far, -1 when
	// none: a delta for a lower index not in blocks is for a closed block.
	maxStarted int64
	// limit tells whether the last stop_reason was "max_tokens".
	limit outputLimit
	// warned holds the unknown event, block and delta types already
	// warned about (one warning per type).
	warned onceWarnings
	// orphanWarned is set once a delta for a block that was never
	// started has been warned about.
	orphanWarned bool
	// compaction is what the compaction passes of the last
	// usage.iterations used (End warns: the top-level usage leaves it out).
	compaction anthropicCompaction
	// servers holds the ids of the server tool calls started (their
	// results name them), in both modes, so that a result without its
	// call warns alike with or without the text (anthropic_details.go).
	servers map[string]bool
	// arena holds the decoded text of the event being handled, when the
	// text is kept (anthropicArena).
	arena []byte
}

// newAnthropic returns a parser for one Anthropic Messages stream.
func newAnthropic() Parser {
	p := &anthropic{maxStarted: -1}
	p.ev = &p.own
	return p
}

// anthropicEvent holds the members of every Anthropic event the parser
// reads; one is reused (reset before each decode). message is decoded only
// for message_start, so that an error payload whose "message" is a string
// still decodes. A non-streaming message body (type "message") fills the
// top-level message members.
type anthropicEvent struct {
	Type         string          `json:"type"`
	Index        int64           `json:"index"`
	Message      json.RawMessage `json:"message"`
	ContentBlock anthropicBlock  `json:"content_block"`
	Delta        anthropicDelta  `json:"delta"`
	Usage        json.RawMessage `json:"usage"`
	Error        json.RawMessage `json:"error"`

	// A whole message, when a non-streaming body is read as one event.
	ID         string           `json:"id"`
	Model      string           `json:"model"`
	StopReason string           `json:"stop_reason"`
	Content    []anthropicBlock `json:"content"`
}

type anthropicMessage struct {
	ID         string          `json:"id"`
	Model      string          `json:"model"`
	StopReason string          `json:"stop_reason"`
	Usage      json.RawMessage `json:"usage"`
}

type anthropicBlock struct {
	Type     string          `json:"type"`
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Text     string          `json:"text"`
	Thinking string          `json:"thinking"`
	Input    json.RawMessage `json:"input"`
	// A server tool result block's call, its content (an object, an
	// array or a string: read only for an error) and MCP's error flag.
	ToolUseID string          `json:"tool_use_id"`
	Content   json.RawMessage `json:"content"`
	IsError   bool            `json:"is_error"`
	// A text block's citations (an array; [] when streamed).
	Citations json.RawMessage `json:"citations"`
}

// anthropicDelta is a content_block_delta's delta or a message_delta's.
type anthropicDelta struct {
	Type        string `json:"type"`
	Text        string `json:"text"`
	Thinking    string `json:"thinking"`
	PartialJSON string `json:"partial_json"`
	StopReason  string `json:"stop_reason"`
	// Citation is a citations_delta's citation.
	Citation json.RawMessage `json:"citation"`

	// textRaw and thinkingRaw, when not nil, are the text and thinking,
	// decoded by decodeFastAnthropic into bytes instead of Text and
	// Thinking (see anthropicArena): borrowed, valid while the event is
	// handled.
	textRaw, thinkingRaw []byte
}

// anthropicArena is where decodeFastAnthropic decodes a delta's text and
// thinking that have escapes, when it is given one (the text is kept:
// --json): one buffer per parser or per batch decoded ahead, reused from
// one event or batch to the next, instead of a string per delta; text
// without escapes is not copied at all. Reuse drops a buffer grown past
// maxAnthropicArena (one huge delta).
const maxAnthropicArena = 4 << 20

// reuseArena returns *arena emptied for reuse, or nil when it grew too
// large to keep.
func reuseArena(arena []byte) []byte {
	if cap(arena) > maxAnthropicArena {
		return nil
	}
	return arena[:0]
}

// appendText appends the delta's text (raw or decoded) to the answer.
func (d *anthropicDelta) appendText(sc *streamctx.Context) {
	if d.textRaw != nil {
		sc.AppendTextBytes(d.textRaw)
		return
	}
	sc.AppendText(d.Text)
}

// appendThinking appends the delta's thinking (raw or decoded) to the
// reasoning.
func (d *anthropicDelta) appendThinking(sc *streamctx.Context) {
	if d.thinkingRaw != nil {
		sc.AppendThinkingBytes(d.thinkingRaw)
		return
	}
	sc.AppendThinking(d.Thinking)
}

type anthropicUsage struct {
	InputTokens              *int64 `json:"input_tokens"`
	OutputTokens             *int64 `json:"output_tokens"`
	CacheCreationInputTokens *int64 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int64 `json:"cache_read_input_tokens"`
	OutputTokensDetails      *struct {
		ThinkingTokens *int64 `json:"thinking_tokens"`
	} `json:"output_tokens_details"`
	// Iterations itemizes a request that sampled more than once (a
	// compaction pass, then the message). Kept raw and decoded on its
	// own: a shape it does not expect must not cost the usage itself.
	Iterations json.RawMessage `json:"iterations"`
}

type anthropicIteration struct {
	Type                     string `json:"type"`
	InputTokens              *int64 `json:"input_tokens"`
	OutputTokens             *int64 `json:"output_tokens"`
	CacheCreationInputTokens *int64 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int64 `json:"cache_read_input_tokens"`
}

// anthropicCompaction sums the compaction entries of usage.iterations.
type anthropicCompaction struct {
	passes                                  int
	input, output, cacheRead, cacheCreation streamctx.Count
}

// blockKind says what a content block is, as far as the parser cares.
type blockKind int

const (
	blockText    blockKind = iota // text: its deltas are the answer
	blockThink                    // thinking: its deltas are reasoning
	blockTool                     // tool_use: a client tool call
	blockServer                   // server_tool_use, mcp_tool_use: a server tool call
	blockResult                   // a *_tool_result block: a server tool's result
	blockContent                  // any other generated content
)

type anthropicBlockState struct {
	kind blockKind
	typ  string // the content block type
	key  string
	// input is the tool_use block's initial input (a copy), used when
	// no non-empty fragment arrives.
	input []byte
	// args is set once a non-empty input_json_delta fragment arrived.
	args bool
	// done is set once the block stopped (or was finalized).
	done bool
	// orphan is set for a block whose content_block_start the capture
	// does not have: its input is unknown, so none is made up.
	orphan bool
}

// Event handles one SSE event.
func (p *anthropic) Event(sc *streamctx.Context, ev *sse.Event) { p.event(sc, ev, nil) }

// anthropicAhead holds the fast decodings of a batch of events
// (aheadParser), each exactly what Event would have decoded. The dominant
// event, a delta that anthropicDeltaTemplate reads, keeps only what the
// template read in its slot (56 bytes, where an anthropicEvent takes
// 496): the decodings of a batch then stay in a core's cache with its
// events, and the parser makes the event from them. The others are
// decoded whole into full.
type anthropicAhead struct {
	skipText bool
	arena    []byte // the batch's decoded text (anthropicArena)
	slots    []anthropicSlot
	full     []anthropicEvent
}

// anthropicSlot is the decoding ahead of one event: none (the parser
// decodes it), a delta read by the template (t), or the event full[at].
type anthropicSlot struct {
	state uint8
	at    int32
	t     anthropicTemplated
}

// The states of an anthropicSlot.
const (
	aheadNone uint8 = iota
	aheadTemplated
	aheadFull
)

func (p *anthropic) newAhead(sc *streamctx.Context) aheadBatch {
	return &anthropicAhead{skipText: !sc.CollectsText()}
}

func (a *anthropicAhead) decode(evs []sse.Event) {
	if cap(a.slots) < len(evs) {
		a.slots = make([]anthropicSlot, len(evs), max(len(evs), min(len(evs)+len(evs)/8, pipeAheadEvents)))
	}
	a.slots = a.slots[:len(evs)]
	a.full = a.full[:0]
	var arena *[]byte
	if !a.skipText {
		a.arena = reuseArena(a.arena) // the last batch's events are handled
		arena = &a.arena
	}
	for i := range evs {
		slot := &a.slots[i]
		slot.state = aheadNone
		data := trimSpace(evs[i].Data)
		if len(data) == 0 || data[0] != '{' {
			continue
		}
		if anthropicDeltaTemplate(data, a.skipText, arena, &slot.t) {
			slot.state = aheadTemplated
			continue
		}
		a.full = append(a.full, anthropicEvent{})
		if decodeFastAnthropicObject(data, &a.full[len(a.full)-1], a.skipText, arena) {
			slot.state, slot.at = aheadFull, int32(len(a.full)-1)
		} else {
			a.full = a.full[:len(a.full)-1]
		}
	}
}

func (p *anthropic) eventAhead(sc *streamctx.Context, ev *sse.Event, a aheadBatch, i int) {
	aa := a.(*anthropicAhead)
	var pre *anthropicEvent
	if i < len(aa.slots) { // not past pipeAheadEvents
		switch slot := &aa.slots[i]; slot.state {
		case aheadTemplated:
			pre = p.templatedEvent(&slot.t)
		case aheadFull:
			pre = &aa.full[slot.at]
		}
	}
	p.event(sc, ev, pre)
}

// event handles one SSE event, decoded ahead when pre is not nil.
func (p *anthropic) event(sc *streamctx.Context, ev *sse.Event, pre *anthropicEvent) {
	// A decoding ahead is of an object (anthropicAhead.decode): its bytes
	// are not read again here unless the chunks are kept. On the parser's
	// goroutine the first read of them was a cache miss at every event
	// (a decoder read them on the other core).
	var data []byte
	if pre == nil || sc.ChunksKept() {
		data = trimSpace(ev.Data)
	}
	if pre == nil && (len(data) == 0 || data[0] != '{') {
		err := errNotObject
		if !json.Valid(data) {
			err = json.Unmarshal(data, new(json.RawMessage))
		}
		sc.BadEvent(ev.Line, p.what(ev, ""), err)
		return
	}
	var err error
	if pre != nil {
		p.ev = pre
	} else {
		var arena *[]byte
		if sc.CollectsText() {
			p.arena = reuseArena(p.arena)
			arena = &p.arena
		}
		if anthropicDeltaTemplate(data, !sc.CollectsText(), arena, &p.tmpl) {
			p.ev = p.templatedEvent(&p.tmpl)
		} else {
			p.own = anthropicEvent{}
			p.ev = &p.own
			if !decodeFastAnthropicObject(data, p.ev, !sc.CollectsText(), arena) {
				p.own = anthropicEvent{}
				err = json.Unmarshal(data, p.ev)
			}
		}
	}
	if err != nil {
		syntax := isSyntaxError(err)
		if !syntax {
			sc.AddChunk(data) // a JSON object, of a shape we did not expect
		}
		if string(ev.Type) == "error" {
			// An error whatever its shape, even cut off: do not lose it.
			p.setError(sc, data)
			if !syntax {
				return
			}
		}
		sc.BadEvent(ev.Line, p.what(ev, ""), decodeError("", err))
		return
	}
	sc.AddChunk(data)
	e := p.ev
	if e == &p.templated && (len(ev.Type) == 0 || isBlockDeltaName(ev.Type)) {
		// A delta that the template read, named so or not named: what
		// the switch below does for it, without comparing names.
		p.blockDelta(sc, ev, e.Index, &e.Delta)
		p.inBandError(sc)
		return
	}
	typ := e.Type
	if len(ev.Type) > 0 && string(ev.Type) != typ { // no allocation
		name := string(ev.Type)
		if typ == "" {
			typ = name
		} else if name == "error" {
			// The SDKs raise on `event: error` whatever its data says.
			typ = "error"
		} else {
			p.warned.warn(sc, "mismatch:"+name+"/"+typ, "line %d: event %q carries data of type %q; read as %q", ev.Line, name, typ, typ)
		}
	}

	switch typ {
	case "message_start":
		p.msg = anthropicMessage{}
		if err := json.Unmarshal(e.Message, &p.msg); err != nil && len(e.Message) > 0 {
			sc.BadEvent(ev.Line, p.what(ev, typ), decodeError("message", err))
			return
		}
		m := &p.msg
		sc.SetResponseID(m.ID)
		sc.SetModel(m.Model)
		sc.SetStopReason(m.StopReason)
		p.limit.stop(m.StopReason, "max_tokens", ev.Line)
		p.updateUsage(sc, ev, m.Usage)
	case "content_block_start":
		p.blockStart(sc, ev, e.Index, &e.ContentBlock)
	case "content_block_delta":
		p.blockDelta(sc, ev, e.Index, &e.Delta)
	case "content_block_stop":
		if b := p.block(e.Index); b != nil {
			p.finish(sc, b)
			p.deleteBlock(e.Index)
		}
	case "message_delta":
		sc.SetStopReason(e.Delta.StopReason)
		p.limit.stop(e.Delta.StopReason, "max_tokens", ev.Line)
		p.updateUsage(sc, ev, e.Usage)
	case "message_stop":
		p.stop(sc, ev)
		sc.MarkComplete()
	case "ping":
	case "error":
		p.setError(sc, trimSpace(ev.Data))
		return
	case "message":
		p.message(sc, ev)
	default:
		if !p.inBandError(sc) {
			p.warned.warn(sc, "event:"+typ, "line %d: unknown event type %q", ev.Line, typ)
		}
		return
	}
	p.inBandError(sc)
}

// End is called at the end of input.
func (p *anthropic) End(sc *streamctx.Context) {
	if !sc.Complete() && !sc.Failed() && sc.Events() > 0 {
		sc.Warn("the stream ended without message_stop: it was cut off")
	}
	p.limit.warn(sc)
	if c := p.compaction; c.passes > 0 {
		// The API documents that a compaction entry's tokens are not in
		// the top-level usage, which the summary reports: say so, for
		// whoever bills from it.
		passes := "a compaction pass"
		if c.passes > 1 {
			passes = strconv.Itoa(c.passes) + " compaction passes"
		}
		sc.Warn("%s (usage.iterations) used input %s, output %s, cache_read %s, cache_creation %s tokens, which the top-level usage reported here leaves out",
			passes, sum(c.input), sum(c.output), sum(c.cacheRead), sum(c.cacheCreation))
	}
}

// sum shows a count summed with Plus: its value, or, when the sum
// overflowed, "more than" its bound; a negative sum is shown as it is.
func sum(c streamctx.Count) string {
	if c.Overflow {
		return "more than " + strconv.FormatInt(c.N, 10)
	}
	return strconv.FormatInt(c.N, 10)
}

// what names an event in a BadEvent warning: its SSE event name, else its
// data type, else "data" (an event without a name whose data did not
// decode).
func (p *anthropic) what(ev *sse.Event, typ string) string {
	if len(ev.Type) > 0 {
		return string(ev.Type) + " event"
	}
	if typ != "" {
		return typ + " event"
	}
	return "data"
}

// updateUsage decodes a usage object and merges it.
func (p *anthropic) updateUsage(sc *streamctx.Context, ev *sse.Event, raw json.RawMessage) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return
	}
	p.usage = anthropicUsage{}
	if err := json.Unmarshal(raw, &p.usage); err != nil {
		sc.BadEvent(ev.Line, p.what(ev, p.ev.Type), decodeError("usage", err))
		return
	}
	u := streamctx.Usage{
		Input:         streamctx.Ptr(p.usage.InputTokens),
		Output:        streamctx.Ptr(p.usage.OutputTokens),
		CacheRead:     streamctx.Ptr(p.usage.CacheReadInputTokens),
		CacheCreation: streamctx.Ptr(p.usage.CacheCreationInputTokens),
	}
	if d := p.usage.OutputTokensDetails; d != nil {
		u.Reasoning = streamctx.Ptr(d.ThinkingTokens)
	}
	sc.UpdateUsage(u, raw)
	anthropicUsageDetails(sc, raw)
	p.iterations(sc, ev)
}

// iterations sums the compaction entries of the usage's iterations, when
// it has some (null or absent keeps the last sums). An array of an
// unexpected shape is one warning, never a bad event: it is read only to
// say what the compaction passes used.
func (p *anthropic) iterations(sc *streamctx.Context, ev *sse.Event) {
	raw := p.usage.Iterations
	if len(raw) == 0 || isJSONNull(raw) {
		return
	}
	var its []*anthropicIteration
	if err := json.Unmarshal(raw, &its); err != nil {
		p.warned.warn(sc, "iterations", "line %d: usage.iterations not read: %v", ev.Line, decodeError("usage.iterations", err))
		return
	}
	p.compaction = anthropicCompaction{}
	for _, it := range its {
		if it == nil || it.Type != "compaction" {
			continue
		}
		c := &p.compaction
		c.passes++
		c.input = c.input.Plus(streamctx.Ptr(it.InputTokens))
		c.output = c.output.Plus(streamctx.Ptr(it.OutputTokens))
		c.cacheRead = c.cacheRead.Plus(streamctx.Ptr(it.CacheReadInputTokens))
		c.cacheCreation = c.cacheCreation.Plus(streamctx.Ptr(it.CacheCreationInputTokens))
	}
}

// kindOf classifies a content block type. known is false for a type the
// parser has never heard of.
func kindOf(typ string) (kind blockKind, known bool) {
	switch typ {
	case "text":
		return blockText, true
	case "thinking":
		return blockThink, true
	case "tool_use":
		return blockTool, true
	case "redacted_thinking", "compaction", "container_upload":
		return blockContent, true
	}
	// server_tool_use, mcp_tool_use; web_search_tool_result,
	// web_fetch_tool_result, code_execution_tool_result,
	// bash_code_execution_tool_result, mcp_tool_result, ...
	if strings.HasSuffix(typ, "_tool_use") {
		return blockServer, true
	}
	if strings.HasSuffix(typ, "_tool_result") {
		return blockResult, true
	}
	return blockContent, false
}

func (p *anthropic) blockStart(sc *streamctx.Context, ev *sse.Event, index int64, cb *anthropicBlock) {
	kind, known := kindOf(cb.Type)
	if !known {
		p.warned.warn(sc, "block:"+cb.Type, "line %d: unknown content block type %q", ev.Line, cb.Type)
	}
	b := &anthropicBlockState{kind: kind, typ: cb.Type, key: strconv.FormatInt(index, 10)}
	p.setBlock(index, b)
	p.maxStarted = max(p.maxStarted, index)
	switch kind {
	case blockText:
		sc.AppendText(cb.Text)
		p.blockCitations(sc, cb.Citations)
	case blockThink:
		sc.AppendThinking(cb.Thinking)
	case blockTool:
		b.input = append([]byte(nil), bytes.TrimSpace(cb.Input)...)
		sc.ToolDelta(b.key, cb.ID, cb.Name, "")
	case blockServer:
		sc.MarkContent()
		p.serverStart(sc, b, cb)
	case blockResult:
		sc.MarkContent()
		p.serverResult(sc, ev, cb)
	default:
		sc.MarkContent()
	}
}

// block returns the open block index, or nil.
func (p *anthropic) block(index int64) *anthropicBlockState {
	if p.last != nil && p.lastIndex == index {
		return p.last
	}
	b := p.blocks[index]
	if b != nil {
		p.last, p.lastIndex = b, index
	}
	return b
}

// setBlock makes b the open block index.
func (p *anthropic) setBlock(index int64, b *anthropicBlockState) {
	if p.blocks == nil {
		p.blocks = make(map[int64]*anthropicBlockState)
	}
	p.blocks[index] = b
	p.last, p.lastIndex = b, index
}

// deleteBlock forgets the block index (closed).
func (p *anthropic) deleteBlock(index int64) {
	delete(p.blocks, index)
	if p.lastIndex == index {
		p.last = nil
	}
}

func (p *anthropic) blockDelta(sc *streamctx.Context, ev *sse.Event, index int64, d *anthropicDelta) {
	b := p.block(index)
	switch {
	case b != nil:
	case index <= p.maxStarted:
		p.warned.warn(sc, "closed-delta", "line %d: content_block_delta for block %d after its content_block_stop", ev.Line, index)
	case !p.orphanWarned:
		p.orphanWarned = true
		sc.Warn("line %d: content_block_delta for block %d, which no content_block_start opened (the capture starts mid-stream?)", ev.Line, index)
	}
	switch d.Type {
	case "text_delta":
		d.appendText(sc)
	case "thinking_delta":
		d.appendThinking(sc)
	case "input_json_delta":
		if b == nil {
			// A fragment of a block we did not see start: report it
			// as a tool call without id and name rather than lose it.
			b = &anthropicBlockState{kind: blockTool, typ: "never started", key: strconv.FormatInt(index, 10), orphan: true}
			p.setBlock(index, b)
		}
		if d.PartialJSON == "" {
			return
		}
		switch b.kind {
		case blockTool:
			b.args = true
			sc.ToolDelta(b.key, "", "", d.PartialJSON)
		case blockServer:
			// A server tool's input: a server tool call, not a client one.
			b.args = true
			if t := sc.ServerTool(b.key); t != nil {
				sc.AppendServerToolInput(t, d.PartialJSON)
			}
		}
	case "citations_delta":
		// A citation of the text: not answer text itself.
		p.citation(sc, d.Citation)
	case "signature_delta", "compaction_delta":
		// A thinking block's signature, the compaction summary: neither
		// is answer text.
	default:
		p.warned.warn(sc, "delta:"+d.Type, "line %d: unknown delta type %q", ev.Line, d.Type)
	}
}

// stop finishes the blocks still open at message_stop, with one warning
// that names them. A tool_use block the stream never stopped (max_tokens)
// keeps the fragments that arrived; only the empty ones get their initial
// input.
func (p *anthropic) stop(sc *streamctx.Context, ev *sse.Event) {
	var open []int64
	for i, b := range p.blocks {
		if !b.done {
			open = append(open, i)
		}
	}
	if len(open) == 0 {
		return
	}
	slices.Sort(open)
	var names []string
	for _, i := range open {
		b := p.blocks[i]
		names = append(names, strconv.FormatInt(i, 10)+" ("+b.typ+")")
		p.finish(sc, b)
	}
	sc.Warn("line %d: message_stop with content block %s still open (no content_block_stop)", ev.Line, strings.Join(names, ", "))
}

// finish closes a block: a tool_use block that received no non-empty
// fragment gets its initial input (compacted), "{}" when it had none.
func (p *anthropic) finish(sc *streamctx.Context, b *anthropicBlockState) {
	if b.done {
		return
	}
	b.done = true
	if (b.kind != blockTool && b.kind != blockServer) || b.args || b.orphan {
		return
	}
	in := b.input
	if len(in) == 0 || bytes.Equal(in, []byte("null")) {
		in = []byte("{}")
	}
	if b.kind == blockServer {
		if t := sc.ServerTool(b.key); t != nil {
			sc.AppendServerToolInput(t, compactJSON(in))
		}
		return
	}
	sc.SetToolArguments(b.key, compactJSON(in))
}

// setError records an `event: error`: {"type":"error","error":{"type",
// "message"}} as documented, else an "error" member of another shape, else
// a top-level "message", else the data itself.
func (p *anthropic) setError(sc *streamctx.Context, data []byte) {
	var ep errorPayload
	_ = json.Unmarshal(data, &ep) // a cut-off error leaves ep empty: data is the message
	ep.Type = "error"
	typ, msg, _ := ep.info()
	if msg == "" && len(bytes.TrimSpace(ep.Error)) == 0 {
		msg = "error event: " + string(data)
	}
	sc.SetError(typ, msg)
}

// inBandError records an "error" member of any other event (a gateway's
// in-band error). It reports whether there was one.
func (p *anthropic) inBandError(sc *streamctx.Context) bool {
	if len(p.ev.Error) == 0 {
		return false
	}
	ep := errorPayload{Error: p.ev.Error}
	typ, msg, ok := ep.info()
	if ok {
		sc.SetError(typ, msg)
	}
	return ok
}

// message reads a whole non-streaming Message (a JSON body read as one
// event, with --format anthropic): it is complete by construction.
func (p *anthropic) message(sc *streamctx.Context, ev *sse.Event) {
	e := p.ev
	sc.SetResponseID(e.ID)
	sc.SetModel(e.Model)
	sc.SetStopReason(e.StopReason)
	p.limit.stop(e.StopReason, "max_tokens", ev.Line)
	p.updateUsage(sc, ev, e.Usage)
	for i := range e.Content {
		p.blockStart(sc, ev, int64(i), &e.Content[i])
		p.finish(sc, p.blocks[int64(i)])
	}
	sc.MarkComplete()
}

// compactJSON returns raw without insignificant white space, or as it is
// when it does not compact.
func compactJSON(raw []byte) string { return compactJSONIn(new(bytes.Buffer), raw) }

// compactJSONIn is compactJSON with buf as its scratch space (reset
// first, kept for the next call): jsonscan.Compact, else encoding/json's.
func compactJSONIn(buf *bytes.Buffer, raw []byte) string {
	buf.Reset()
	buf.Grow(len(raw)) // room for the compacted text, never longer
	if b, ok := jsonscan.Compact(buf.AvailableBuffer(), raw); ok {
		return string(b)
	}
	if json.Compact(buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

// decodeFastAnthropic decodes an Anthropic event into e (zero on entry)
// exactly as encoding/json would, or returns false, leaving e to be reset: a
// whole message's content array is left to encoding/json. With skipText, the
// text, thinking and partial_json of deltas and content blocks are not
// decoded, only told empty or not (see jsonscan.Scanner.Text), and a
// block's content and citations and a delta's citation are validated but
// not kept.
func decodeFastAnthropic(data []byte, e *anthropicEvent, skipText bool) bool {
	return decodeFastAnthropicIn(data, e, skipText, nil)
}

// decodeFastAnthropicIn is decodeFastAnthropic that, given an arena (and
// not skipText), decodes a delta's text and thinking into its textRaw and
// thinkingRaw instead (anthropicArena): borrowed from data or the arena.
func decodeFastAnthropicIn(data []byte, e *anthropicEvent, skipText bool, arena *[]byte) bool {
	var t anthropicTemplated
	if anthropicDeltaTemplate(data, skipText, arena, &t) {
		t.fill(e)
		return true
	}
	return decodeFastAnthropicObject(data, e, skipText, arena)
}

// decodeFastAnthropicObject is decodeFastAnthropicIn without the template.
func decodeFastAnthropicObject(data []byte, e *anthropicEvent, skipText bool, arena *[]byte) bool {
	s := jsonscan.New(data)
	var seen jsonscan.Seen
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return seen.First(1<<0) && s.String(&e.Type, internAnthropicType)
		case "index":
			return seen.First(1<<1) && s.Int64(&e.Index)
		case "delta":
			return seen.First(1<<2) && fastAnthropicDelta(&s, &e.Delta, skipText, arena)
		case "content_block":
			return seen.First(1<<3) && fastAnthropicBlock(&s, &e.ContentBlock, skipText)
		case "message":
			return seen.First(1<<4) && s.Raw(&e.Message)
		case "usage":
			return seen.First(1<<5) && s.Raw(&e.Usage)
		case "error":
			return seen.First(1<<6) && s.Raw(&e.Error)
		case "id":
			return seen.First(1<<7) && s.String(&e.ID, nil)
		case "model":
			return seen.First(1<<8) && s.String(&e.Model, nil)
		case "stop_reason":
			return seen.First(1<<9) && s.String(&e.StopReason, nil)
		case "content":
			return false
		}
		return s.Unknown(key, "type", "index", "message", "content_block", "delta", "usage", "error", "id", "model", "stop_reason", "content")
	})
	return ok && s.End()
}

// The fixed parts of the dominant event shape, a text, thinking or tool
// arguments delta, as the API writes it (anthropicDeltaTemplate). The
// start, anthropicDeltaHead, is also kept in pieces of at most 16 bytes:
// the compiler compares a constant that short inline, and calls memequal
// for a longer one, which costs more than the comparison itself on these
// short prefixes.
const (
	anthropicDeltaHead1 = `{"type":"content`
	anthropicDeltaHead2 = `_block_delta","i`
	anthropicDeltaHead3 = `ndex":`
	anthropicDeltaHead  = anthropicDeltaHead1 + anthropicDeltaHead2 + anthropicDeltaHead3
)

var anthropicDeltaKinds = [...]struct{ prefix, typ string }{
	{`,"delta":{"type":"text_delta","text":`, "text_delta"},
	{`,"delta":{"type":"thinking_delta","thinking":`, "thinking_delta"},
	{`,"delta":{"type":"input_json_delta","partial_json":`, "input_json_delta"},
}

// anthropicDeltaKind returns the index in anthropicDeltaKinds of the
// prefix that rest starts with, followed by the opening quote of a
// string, and the prefix's length; -1 when there is none. It compares
// in pieces of at most 16 bytes (see anthropicDeltaHead);
// TestAnthropicDeltaKind holds it to the table.
func anthropicDeltaKind(rest []byte) (int, int) {
	const common = len(`,"delta":{"type":"`)
	if len(rest) < common+20 || string(rest[:16]) != `,"delta":{"type"` || string(rest[16:common]) != `:"` {
		return -1, 0
	}
	r := rest[common:]
	switch {
	case string(r[:16]) == `text_delta","tex` && string(r[16:20]) == `t":"`:
		return 0, common + 19
	case len(r) >= 28 && string(r[:16]) == `thinking_delta",` && string(r[16:28]) == `"thinking":"`:
		return 1, common + 27
	case len(r) >= 34 && string(r[:16]) == `input_json_delta` && string(r[16:32]) == `","partial_json"` && string(r[32:34]) == `:"`:
		return 2, common + 33
	}
	return -1, 0
}

// anthropicDeltaTemplate decodes an event of the dominant shape (issue 16):
// `{"type":"content_block_delta","index":N,"delta":{"type":"text_delta",
// "text":"..."}}` (or thinking_delta, input_json_delta) byte for byte as the
// API writes it, with no white space before the text and the members in
// this order: the fixed parts are compared in one go, the number and the
// string are scanned as the general path does, and the two closing braces
// may have white space around them. Any other byte gives up (false), and
// the general path reads the event. It writes into *t (a batch's slot),
// also when it gives up.
func anthropicDeltaTemplate(data []byte, skipText bool, arena *[]byte, t *anthropicTemplated) bool {
	*t = anthropicTemplated{}
	if len(data) < len(anthropicDeltaHead)+4 || string(data[:16]) != anthropicDeltaHead1 ||
		string(data[16:32]) != anthropicDeltaHead2 || string(data[32:len(anthropicDeltaHead)]) != anthropicDeltaHead3 {
		return false
	}
	// The index: one digit, most often, read without a loop (data holds
	// at least four bytes past the head).
	i := len(anthropicDeltaHead)
	index := int64(data[i]) - '0'
	if index < 0 || index > 9 {
		return false // no digits: the general path decides
	}
	j := i + 1
	if c := data[j]; '0' <= c && c <= '9' {
		if index == 0 {
			return false // a leading zero: the general path decides
		}
		for ; j < len(data) && j-i < 18 && '0' <= data[j] && data[j] <= '9'; j++ {
			index = index*10 + int64(data[j]-'0')
		}
	}
	k, n := anthropicDeltaKind(data[j:])
	if k < 0 {
		return false
	}
	s := jsonscan.New(data[j+n:])
	if arena != nil && k < 2 && !skipText {
		if !s.Bytes(&t.raw, arena) {
			return false
		}
	} else if !s.Text(&t.text, skipText) {
		return false
	}
	closed := s.Consume('}') // the delta
	if !closed || !s.Consume('}') || !s.End() {
		return false
	}
	t.kind, t.index = int8(k), index
	return true
}

// isBlockDeltaName reports whether name is content_block_delta, compared
// in two pieces that the compiler compares inline (see anthropicDeltaHead).
func isBlockDeltaName(name []byte) bool {
	return len(name) == len("content_block_delta") &&
		string(name[:16]) == "content_block_de" && string(name[16:]) == "lta"
}

// templatedEvent returns the event that t was read from, in p.templated.
func (p *anthropic) templatedEvent(t *anthropicTemplated) *anthropicEvent {
	p.templated.Delta = anthropicDelta{} // fill sets Type and Index
	t.fill(&p.templated)
	return &p.templated
}

// anthropicTemplated is what anthropicDeltaTemplate read: the delta's
// kind (its index in anthropicDeltaKinds), the block's index, and the
// text, thinking or partial JSON (as text, or decoded into the arena as
// raw).
type anthropicTemplated struct {
	kind  int8
	index int64
	text  string
	raw   []byte
}

// fill writes the event that t was read from into e, a zero event.
func (t *anthropicTemplated) fill(e *anthropicEvent) {
	e.Type = "content_block_delta"
	e.Index = t.index
	e.Delta.Type = anthropicDeltaKinds[t.kind].typ
	switch t.kind {
	case 0:
		e.Delta.Text, e.Delta.textRaw = t.text, t.raw
	case 1:
		e.Delta.Thinking, e.Delta.thinkingRaw = t.text, t.raw
	default:
		e.Delta.PartialJSON = t.text
	}
}

func fastAnthropicDelta(s *jsonscan.Scanner, d *anthropicDelta, skipText bool, arena *[]byte) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return seen.First(1<<0) && s.String(&d.Type, internAnthropicType)
		case "text":
			if arena != nil && !skipText {
				return seen.First(1<<1) && s.Bytes(&d.textRaw, arena)
			}
			return seen.First(1<<1) && s.Text(&d.Text, skipText)
		case "thinking":
			if arena != nil && !skipText {
				return seen.First(1<<2) && s.Bytes(&d.thinkingRaw, arena)
			}
			return seen.First(1<<2) && s.Text(&d.Thinking, skipText)
		case "partial_json":
			return seen.First(1<<3) && s.Text(&d.PartialJSON, skipText)
		case "stop_reason":
			return seen.First(1<<4) && s.String(&d.StopReason, internAnthropicType)
		case "citation":
			return seen.First(1<<5) && skipOrRaw(s, &d.Citation, skipText)
		}
		return s.Unknown(key, "type", "text", "thinking", "partial_json", "stop_reason", "citation")
	})
}

func fastAnthropicBlock(s *jsonscan.Scanner, b *anthropicBlock, skipText bool) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return seen.First(1<<0) && s.String(&b.Type, internAnthropicType)
		case "id":
			return seen.First(1<<1) && s.String(&b.ID, nil)
		case "name":
			return seen.First(1<<2) && s.String(&b.Name, nil)
		case "text":
			return seen.First(1<<3) && s.Text(&b.Text, skipText)
		case "thinking":
			return seen.First(1<<4) && s.Text(&b.Thinking, skipText)
		case "input":
			return seen.First(1<<5) && s.Raw(&b.Input)
		case "tool_use_id":
			return seen.First(1<<6) && s.String(&b.ToolUseID, nil)
		case "content":
			return seen.First(1<<7) && skipOrRaw(s, &b.Content, skipText)
		case "is_error":
			return seen.First(1<<8) && s.Bool(&b.IsError)
		case "citations":
			return seen.First(1<<9) && skipOrRaw(s, &b.Citations, skipText)
		}
		return s.Unknown(key, "type", "id", "name", "text", "thinking", "input", "tool_use_id", "content", "is_error", "citations")
	})
}

// skipOrRaw decodes a value as Raw does, or, with skip, validates it and
// leaves dst alone: a server tool result's content (a whole fetched page,
// search results) and the citations are read only with the text kept, and
// the two-line summary does not copy them.
func skipOrRaw(s *jsonscan.Scanner, dst *json.RawMessage, skip bool) bool {
	if skip {
		return s.Skip()
	}
	return s.Raw(dst)
}

// internAnthropicType returns the constant for a known type name.
func internAnthropicType(b []byte) string {
	switch string(b) {
	case "content_block_delta":
		return "content_block_delta"
	case "text_delta":
		return "text_delta"
	case "thinking_delta":
		return "thinking_delta"
	case "input_json_delta":
		return "input_json_delta"
	case "signature_delta":
		return "signature_delta"
	case "content_block_start":
		return "content_block_start"
	case "content_block_stop":
		return "content_block_stop"
	case "text":
		return "text"
	case "thinking":
		return "thinking"
	case "tool_use":
		return "tool_use"
	case "ping":
		return "ping"
	case "message_start":
		return "message_start"
	case "message_delta":
		return "message_delta"
	case "message_stop":
		return "message_stop"
	case "end_turn":
		return "end_turn"
	case "citations_delta":
		return "citations_delta"
	case "server_tool_use":
		return "server_tool_use"
	}
	return string(b)
}
