package parser

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// bedrockConverseFormat is AWS Bedrock's ConverseStream, framed as AWS
// event-stream frames. Its inputTokens leave cache reads and writes out.
var bedrockConverseFormat = Format{
	Name: "bedrock-converse", Vendor: "bedrock", Aliases: []string{"bedrock", "converse", "BEDROCK"},
	New: newBedrockConverse, detect: detectBedrockConverse,
	inputExcludesCache: true,
	eventStream:        true,
}

// bedrockConverseTypes are the event members of ConverseStreamOutput
// (Bedrock API reference, ConverseStreamOutput).
var bedrockConverseTypes = map[string]bool{
	"messageStart": true, "contentBlockStart": true, "contentBlockDelta": true,
	"contentBlockStop": true, "messageStop": true, "metadata": true,
}

// bedrockExceptions are the exception members of Bedrock's stream unions
// (ConverseStreamOutput and ResponseStream), which arrive as frames of
// :message-type exception.
var bedrockExceptions = map[string]bool{
	"internalServerException": true, "modelStreamErrorException": true,
	"validationException": true, "throttlingException": true,
	"serviceUnavailableException": true, "modelTimeoutException": true,
}

// detectBedrockConverse matches a frame whose :event-type is a
// ConverseStream event. Only event-stream frames are asked
// (Format.eventStream).
func detectBedrockConverse(ev *sse.Event) match {
	if bedrockConverseTypes[string(ev.Type)] {
		return matchEventType
	}
	return noMatch
}

// bedrockConverse parses a ConverseStream: messageStart, then content
// blocks addressed by contentBlockIndex (contentBlockStart for tool use
// and tool results only, contentBlockDelta..., contentBlockStop),
// messageStop with the stopReason, and metadata with usage and metrics.
//
// Checked against the Bedrock API reference (ConverseStreamOutput,
// ContentBlockDeltaEvent, TokenUsage, ConverseStreamMetrics) and the real
// captures in testdata/captures/bedrock:
//
//   - Text deltas are the answer, reasoningContent.text the thinking;
//     reasoningContent.signature and redactedContent are generated
//     content but neither (as Anthropic's signature and redacted_thinking).
//   - toolUse blocks are the client tool calls, keyed by block index, the
//     input assembled from its string fragments; a toolUse whose type is
//     "server_tool_use" (Nova's code interpreter and grounding) is a server
//     tool call, and the toolResult block that names its toolUseId gives
//     its status.
//   - Web citations (citation.location.web.url) are citations; document
//     citations name no URL nor file and are not listed.
//   - Usage: inputTokens excludes cacheReadInputTokens and
//     cacheWriteInputTokens, which AWS reports beside it (its prompt
//     caching guide; opencode PR 38427 and Apache APISIX commit 96ba388
//     made the same correction); cacheDetails goes to usage_details.
//     Bedrock breaks no reasoning count out of outputTokens.
//   - metrics.latencyMs is the provider's total latency.
//   - An exception frame (throttlingException...) is the stream's error.
type bedrockConverse struct {
	ev     bedrockConverseEvent
	blocks map[int64]*bedrockBlock
	limit  outputLimit
	warned onceWarnings
	stop   bool // messageStop arrived
	meta   bool // metadata arrived
}

type bedrockBlock struct {
	server   bool                      // a server tool's call
	serverTC *streamctx.ServerToolCall // its record, nil when not kept
}

func newBedrockConverse() Parser { return &bedrockConverse{} }

// bedrockConverseEvent holds the members of every ConverseStream event
// the parser reads; one is reused (reset before each decode).
type bedrockConverseEvent struct {
	Index *int64 `json:"contentBlockIndex"`
	Start struct {
		ToolUse *struct {
			ID   string `json:"toolUseId"`
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"toolUse"`
		ToolResult *struct {
			ID     string `json:"toolUseId"`
			Status string `json:"status"`
			Type   string `json:"type"`
		} `json:"toolResult"`
	} `json:"start"`
	Delta struct {
		Text    *string `json:"text"`
		ToolUse *struct {
			Input string `json:"input"`
		} `json:"toolUse"`
		Reasoning *struct {
			Text      string `json:"text"`
			Signature string `json:"signature"`
			Redacted  string `json:"redactedContent"`
		} `json:"reasoningContent"`
		Citation *struct {
			Title    string `json:"title"`
			Location struct {
				Web *struct {
					URL string `json:"url"`
				} `json:"web"`
			} `json:"location"`
		} `json:"citation"`
		ToolResult json.RawMessage `json:"toolResult"`
	} `json:"delta"`
	StopReason string `json:"stopReason"`
	Usage      *struct {
		Input        *uint32         `json:"inputTokens"`
		Output       *uint32         `json:"outputTokens"`
		CacheRead    *uint32         `json:"cacheReadInputTokens"`
		CacheWrite   *uint32         `json:"cacheWriteInputTokens"`
		CacheDetails json.RawMessage `json:"cacheDetails"`
	} `json:"usage"`
	Metrics *struct {
		LatencyMs *float64 `json:"latencyMs"`
	} `json:"metrics"`
}

// Event handles one frame.
func (p *bedrockConverse) Event(sc *streamctx.Context, ev *sse.Event) {
	typ := string(ev.Type)
	data := trimSpace(ev.Data)
	if bedrockFailed(sc, ev, data) {
		return
	}
	if len(data) == 0 || data[0] != '{' {
		err := errNotObject
		if !json.Valid(data) {
			err = json.Unmarshal(data, new(json.RawMessage))
		}
		sc.BadEvent(ev.Line, typ+" event", err)
		return
	}
	p.ev = bedrockConverseEvent{}
	if err := json.Unmarshal(data, &p.ev); err != nil {
		if !isSyntaxError(err) {
			sc.AddChunk(data)
		}
		sc.BadEvent(ev.Line, typ+" event", decodeError("", err))
		return
	}
	sc.AddChunk(data)
	e := &p.ev
	switch typ {
	case "messageStart":
	case "contentBlockStart":
		p.blockStart(sc, e)
	case "contentBlockDelta":
		p.blockDelta(sc, ev, e)
	case "contentBlockStop":
		if e.Index != nil {
			delete(p.blocks, *e.Index)
		}
	case "messageStop":
		p.stop = true
		sc.SetStopReason(e.StopReason)
		p.limit.stop(e.StopReason, "max_tokens", ev.Line)
		sc.MarkComplete()
	case "metadata":
		p.meta = true
		p.metadata(sc, data, e)
	default:
		p.warned.warn(sc, "event:"+typ, "line %d: unknown event type %q", ev.Line, typ)
	}
}

// bedrockFailed records an exception or error frame as the stream's error,
// and reports whether the frame was one.
func bedrockFailed(sc *streamctx.Context, ev *sse.Event, data []byte) bool {
	if ev.ID != "exception" && ev.ID != "error" && !bedrockExceptions[string(ev.Type)] {
		return false
	}
	var e struct {
		Message string `json:"message"`
	}
	msg := string(data)
	if json.Unmarshal(data, &e) == nil && e.Message != "" {
		msg = e.Message
	}
	sc.AddChunk(data)
	sc.SetError(string(ev.Type), msg)
	return true
}

func (p *bedrockConverse) block(i int64) *bedrockBlock {
	if p.blocks == nil {
		p.blocks = make(map[int64]*bedrockBlock)
	}
	b := p.blocks[i]
	if b == nil {
		b = &bedrockBlock{}
		p.blocks[i] = b
	}
	return b
}

func (p *bedrockConverse) blockStart(sc *streamctx.Context, e *bedrockConverseEvent) {
	if e.Index == nil {
		return
	}
	b := p.block(*e.Index)
	key := strconv.FormatInt(*e.Index, 10)
	switch s := &e.Start; {
	case s.ToolUse != nil && s.ToolUse.Type == "server_tool_use":
		sc.MarkContent()
		b.server = true
		if b.serverTC = sc.ServerTool(s.ToolUse.ID); b.serverTC != nil {
			b.serverTC.Type, b.serverTC.Name, b.serverTC.ID = s.ToolUse.Type, s.ToolUse.Name, s.ToolUse.ID
		}
	case s.ToolUse != nil:
		sc.ToolDelta(key, s.ToolUse.ID, s.ToolUse.Name, "")
	case s.ToolResult != nil:
		sc.MarkContent()
		if t := sc.ServerTool(s.ToolResult.ID); t != nil && t.Type != "" {
			t.Status = s.ToolResult.Status
			if s.ToolResult.Status == "error" {
				t.Error = "error"
			}
		}
	}
}

func (p *bedrockConverse) blockDelta(sc *streamctx.Context, ev *sse.Event, e *bedrockConverseEvent) {
	var b *bedrockBlock
	if e.Index != nil {
		b = p.block(*e.Index)
	}
	d := &e.Delta
	switch {
	case d.Text != nil:
		sc.AppendText(*d.Text)
	case d.ToolUse != nil:
		switch {
		case b == nil:
			p.warned.warn(sc, "toolUse:noindex", "line %d: a toolUse delta without contentBlockIndex was left out", ev.Line)
		case b.server:
			sc.MarkContent()
			if b.serverTC != nil {
				sc.AppendServerToolInput(b.serverTC, d.ToolUse.Input)
			}
		default:
			sc.ToolDelta(strconv.FormatInt(*e.Index, 10), "", "", d.ToolUse.Input)
		}
	case d.Reasoning != nil:
		if d.Reasoning.Text != "" {
			sc.AppendThinking(d.Reasoning.Text)
		} else if d.Reasoning.Signature != "" || d.Reasoning.Redacted != "" {
			sc.MarkContent()
		}
	case d.Citation != nil:
		if w := d.Citation.Location.Web; w != nil {
			sc.AddCitation(w.URL, d.Citation.Title, "citation.location.web", "")
		}
	case d.ToolResult != nil:
		sc.MarkContent()
	default:
		p.warned.warn(sc, "delta:unknown", "line %d: a contentBlockDelta of no known kind (text, toolUse, reasoningContent, citation, toolResult)", ev.Line)
	}
}

// metadata records usage and metrics.
func (p *bedrockConverse) metadata(sc *streamctx.Context, data []byte, e *bedrockConverseEvent) {
	if u := e.Usage; u != nil {
		count := func(n *uint32) streamctx.Count {
			if n == nil {
				return streamctx.Count{}
			}
			return streamctx.Of(int64(*n))
		}
		sc.UpdateUsage(streamctx.Usage{
			Input: count(u.Input), Output: count(u.Output),
			CacheRead: count(u.CacheRead), CacheCreation: count(u.CacheWrite),
		}, rawMember(data, "usage"))
		if len(u.CacheDetails) > 0 && !bytes.Equal(u.CacheDetails, []byte("null")) {
			sc.SetUsageDetailJSON("cacheDetails", u.CacheDetails)
		}
	}
	if m := e.Metrics; m != nil && m.LatencyMs != nil {
		sc.SetProviderLatency(streamctx.ProviderLatency{TotalMs: streamctx.Ms(*m.LatencyMs), Source: "metadata.metrics.latencyMs"})
	}
}

// rawMember returns the raw JSON of a top-level member of the object
// data, nil when it has none.
func rawMember(data []byte, name string) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	return m[name]
}

// End is called at the end of input.
func (p *bedrockConverse) End(sc *streamctx.Context) {
	switch {
	case sc.Failed() || sc.Events() == 0:
	case !p.stop:
		sc.Warn("the stream ended without messageStop: it was cut off")
	case !p.meta:
		sc.Warn("the stream ended without its metadata event: no usage")
	}
	p.limit.warn(sc)
}

// Trailer says that the metadata event after messageStop (the usage and
// metrics, which ConverseStream sends last) belongs to the stream; only
// the first one does.
func (p *bedrockConverse) Trailer(ev *sse.Event) bool {
	return string(ev.Type) == "metadata" && !p.meta
}
