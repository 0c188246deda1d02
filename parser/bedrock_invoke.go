package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// bedrockInvokeFormat is AWS Bedrock's InvokeModelWithResponseStream:
// event-stream frames of type "chunk" whose base64 "bytes" hold the
// model's own streaming events, read by that model's format (its inner
// format), and shown as "bedrock-invoke/<inner>".
var bedrockInvokeFormat = Format{
	Name: "bedrock-invoke", Vendor: "bedrock",
	Aliases: []string{"invoke", "bedrock-invoke/anthropic", "bedrock-invoke/openai-chat"},
	New:     newBedrockInvoke, detect: detectBedrockInvoke,
	eventStream: true,
	inner:       []string{"anthropic", "openai-chat"},
}

// detectBedrockInvoke matches a frame of :event-type chunk.
func detectBedrockInvoke(ev *sse.Event) match {
	if string(ev.Type) == "chunk" {
		return matchEventType
	}
	return noMatch
}

// bedrockInvoke parses InvokeModelWithResponseStream (Bedrock API
// reference, InvokeModelWithResponseStream and PayloadPart): each chunk
// frame's payload is {"bytes": <base64>}, the bytes one event of the
// model's own stream (Anthropic Messages events for Claude, as the real
// captures in testdata/captures/bedrock show). The first chunk whose
// bytes detection tells (among Format.inner) picks the inner format;
// every chunk's bytes then go to its parser, as one event of its own, with
// the frame's number as its line.
//
// Bedrock adds "amazon-bedrock-invocationMetrics" to the model's last
// event (inputTokenCount, outputTokenCount, invocationLatency,
// firstByteLatency, in milliseconds): invocationLatency is the provider's
// total latency; the token counts are the usage when the model's events
// carry none, and are warned about when they differ from it.
// firstByteLatency has no key of its own in latency.provider and is left
// out. Exception frames are the stream's error, as in ConverseStream.
//
// Bad events: each chunk counts at most once. A chunk an inner parser
// reads is counted by it (an undecodable event once, as in the other
// formats); chunks of no inner format count one bad event for them all:
// at the end when no chunk told the format, or, when more than
// maxPendingChunks came before the first that did, for those dropped
// unread.
type bedrockInvoke struct {
	inner   Format
	parser  Parser
	pending []sse.Event // chunks before the inner format is known (copies)
	// dropped counts the chunks dropped from pending unread, the first
	// of them at line droppedLine.
	dropped     int
	droppedLine int
	chunk       struct {
		Bytes []byte `json:"bytes"`
	}
	metrics *bedrockInvocationMetrics
	warned  onceWarnings
}

type bedrockInvocationMetrics struct {
	Input      *uint32  `json:"inputTokenCount"`
	Output     *uint32  `json:"outputTokenCount"`
	LatencyMs  *float64 `json:"invocationLatency"`
	CacheRead  *uint32  `json:"cacheReadInputTokenCount"`
	CacheWrite *uint32  `json:"cacheWriteInputTokenCount"`
}

func newBedrockInvoke() Parser { return &bedrockInvoke{} }

// shownName is the format's name with its inner format's:
// "bedrock-invoke/anthropic"; "bedrock-invoke" while none is known.
func (p *bedrockInvoke) shownName() string {
	if p.parser == nil {
		return bedrockInvokeFormat.Name
	}
	return bedrockInvokeFormat.Name + "/" + p.inner.Name
}

// maxPendingChunks is how many chunks are held while their inner format
// is unknown: the oldest is dropped, unread, when one more comes.
const maxPendingChunks = 64

// Event handles one frame.
func (p *bedrockInvoke) Event(sc *streamctx.Context, ev *sse.Event) {
	data := trimSpace(ev.Data)
	if bedrockFailed(sc, ev, data) {
		return
	}
	if string(ev.Type) != "chunk" {
		p.warned.warn(sc, "event:"+string(ev.Type), "line %d: unknown event type %q", ev.Line, ev.Type)
		return
	}
	p.chunk.Bytes = p.chunk.Bytes[:0]
	if err := json.Unmarshal(data, &p.chunk); err != nil {
		sc.BadEvent(ev.Line, "chunk event", decodeError("", err))
		return
	}
	inner := sse.Event{Data: frame.ValidUTF8(p.chunk.Bytes), Retry: -1, Line: ev.Line, DataLines: 1, At: ev.At}
	p.invocationMetrics(sc, &inner)
	if p.parser != nil {
		p.parser.Event(sc, &inner)
		return
	}
	p.pending = append(p.pending, copyEvent(&inner))
	f, ok := detect(&inner)
	if ok && slices.Contains(bedrockInvokeFormat.inner, f.Name) {
		p.inner, p.parser = f, f.New()
		sc.ResponseIDPrefixes = f.responseIDPrefixes
		sc.InputExcludesCache = f.inputExcludesCache
		if p.dropped > 0 {
			sc.BadEvent(p.droppedLine, "chunk event", fmt.Errorf("%d chunks from this one on were not read: more than %d came before line %d, the first whose format (%s) was told, and only the last %d were kept",
				p.dropped, maxPendingChunks, ev.Line, f.Name, maxPendingChunks))
		}
		for i := range p.pending {
			p.parser.Event(sc, &p.pending[i])
		}
		p.pending = nil
		return
	}
	if len(p.pending) > maxPendingChunks {
		if p.dropped == 0 {
			p.droppedLine = p.pending[0].Line
		}
		p.dropped++
		p.pending[0] = sse.Event{}
		p.pending = p.pending[1:]
	}
}

// errInvokeUnknown: the chunks hold events of no format bedrock-invoke
// reads.
var errInvokeUnknown = errors.New("the chunks' bytes are events of no format sseinspect reads inside bedrock-invoke (anthropic, openai-chat)")

// invocationMetrics keeps the amazon-bedrock-invocationMetrics member of
// an inner event, when it has one.
func (p *bedrockInvoke) invocationMetrics(sc *streamctx.Context, ev *sse.Event) {
	const member = "amazon-bedrock-invocationMetrics"
	if !bytes.Contains(ev.Data, []byte(member)) {
		return
	}
	if !json.Valid(ev.Data) {
		return // not JSON: the inner parser counts it (or it is of no format read)
	}
	var m struct {
		Metrics *bedrockInvocationMetrics `json:"amazon-bedrock-invocationMetrics"`
	}
	if err := json.Unmarshal(ev.Data, &m); err != nil {
		sc.BadEvent(ev.Line, member, decodeError("", err))
		return
	}
	if m.Metrics == nil {
		return
	}
	p.metrics = m.Metrics
	if m.Metrics.LatencyMs != nil {
		sc.SetProviderLatency(streamctx.ProviderLatency{TotalMs: streamctx.Ms(*m.Metrics.LatencyMs), Source: member + ".invocationLatency"})
	}
}

// End is called at the end of input.
func (p *bedrockInvoke) End(sc *streamctx.Context) {
	if p.parser == nil && (len(p.pending) > 0 || p.dropped > 0) {
		line := p.droppedLine
		if p.dropped == 0 {
			line = p.pending[0].Line
		}
		sc.BadEvent(line, "chunk event", errInvokeUnknown)
	}
	if m := p.metrics; m != nil {
		count := func(n *uint32) streamctx.Count {
			if n == nil {
				return streamctx.Count{}
			}
			return streamctx.Of(int64(*n))
		}
		u := sc.Usage()
		switch {
		case u.IsZero():
			sc.UpdateUsage(streamctx.Usage{Input: count(m.Input), Output: count(m.Output), CacheRead: count(m.CacheRead), CacheCreation: count(m.CacheWrite)}, nil)
		case m.Input != nil && u.Input.Set && int64(*m.Input) != u.Input.N,
			m.Output != nil && u.Output.Set && int64(*m.Output) != u.Output.N:
			sc.Warn("amazon-bedrock-invocationMetrics counts input %d, output %d tokens; the model's usage, reported here, %d and %d",
				count(m.Input).N, count(m.Output).N, u.Input.N, u.Output.N)
		}
	}
	if p.parser != nil {
		p.parser.End(sc)
	}
}
