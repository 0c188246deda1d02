package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// vercelUIFormat is the UI message stream of the Vercel AI SDK 5 and
// later (toUIMessageStreamResponse, "x-vercel-ai-ui-message-stream: v1"):
// what a Next.js app's own server sends its browser, SSE with one JSON
// chunk per event and a final [DONE].
var vercelUIFormat = Format{
	Name: "vercel-ui", Vendor: "vercel-ai-sdk", Aliases: []string{"vercel-ui-message-stream", "ai-sdk-ui"},
	New: newVercelUI, detect: detectVercelUI,
	header: "X-Vercel-AI-UI-Message-Stream",
}

// vercelUITypes are the chunk types of ui-message-chunks.ts (AI SDK at
// vercel/ai ed857f50f112); "data-*" chunks are the app's own.
var vercelUITypes = map[string]bool{
	"start": true, "finish": true, "abort": true, "error": true, "message-metadata": true,
	"start-step": true, "finish-step": true, "reset-step": true,
	"text-start": true, "text-delta": true, "text-end": true,
	"reasoning-start": true, "reasoning-delta": true, "reasoning-end": true,
	"tool-input-start": true, "tool-input-delta": true, "tool-input-available": true, "tool-input-error": true,
	"tool-output-available": true, "tool-output-error": true, "tool-output-denied": true,
	"tool-approval-request": true, "tool-approval-response": true,
	"source-url": true, "source-document": true, "file": true, "reasoning-file": true, "custom": true,
}

// vercelUIProbe holds the members that detectVercelUI reads.
type vercelUIProbe struct {
	Type      string  `json:"type"`
	ErrorText *string `json:"errorText"`
}

// detectVercelUI matches data whose "type" is a UI message chunk's. An
// "error" chunk must have its errorText: Anthropic's and Responses' error
// events are of type "error" too.
func detectVercelUI(ev *sse.Event) match {
	var p vercelUIProbe
	if len(ev.Type) > 0 || !probeData(ev, &p) {
		return noMatch
	}
	switch {
	case p.Type == "error" && p.ErrorText == nil:
		return noMatch
	case vercelUITypes[p.Type] || strings.HasPrefix(p.Type, "data-"):
		return matchDataType
	}
	return noMatch
}

// newVercelUI returns a parser for the Vercel AI SDK UI message stream.
func newVercelUI() Parser { return &vercelUI{} }

// vercelUI parses the Vercel AI SDK UI message stream. Checked against
// ui-message-chunks.ts, json-to-sse-transform-stream.ts and
// ui-message-stream-headers.ts of vercel/ai (ed857f50f112), and the
// captures in testdata/captures/vercel-ai-sdk.
//
//   - Text: text-delta deltas are the answer, reasoning-delta deltas the
//     thinking; file and reasoning-file chunks are content that is not
//     text. The -start and -end chunks carry nothing shown.
//   - Tool calls: tool-input-start opens a call (toolCallId, toolName),
//     tool-input-delta adds inputTextDelta to it, tool-input-available
//     gives the whole input, which (compacted) replaces what the deltas
//     assembled; tool-input-error too, with a warning. A call marked
//     providerExecuted (the model provider ran the tool: web search...) is
//     a server tool call, completed by its tool-output-available or failed
//     by its tool-output-error. The outputs of the app's own tools are not
//     shown.
//   - start: messageId is the response id. finish completes the stream,
//     with its finishReason (sent by AI SDK 6) as the stop reason (the
//     finishReason "error" fails it, error chunk or not); error
//     fails it (errorText, masked by the SDK as "An error occurred." unless
//     the app unmasks it); abort ends it incomplete. [DONE] closes every
//     stream, finished or not: it completes nothing.
//   - source-url is a citation (url, title); source-document one without
//     url, its filename (else its sourceId) as file_id.
//   - Usage and model: the stream carries none of its own. An app may put
//     them in messageMetadata (on start, finish or message-metadata
//     chunks), in shapes of its own choosing; read are "model" (a string,
//     as the SDK's message-metadata example sends it) and an AI SDK
//     LanguageModelUsage (inputTokens, outputTokens, and cachedInputTokens
//     and reasoningTokens (AI SDK 5) or inputTokenDetails.cacheReadTokens,
//     .cacheWriteTokens and outputTokenDetails.reasoningTokens (AI SDK 6))
//     as messageMetadata itself or its "usage" or "totalUsage" member. The
//     SDK's inputTokens counts cached input too, and its outputTokens the
//     reasoning tokens.
//   - data-* chunks (the app's own data), custom, start-step, finish-step
//     and the tool approval chunks carry nothing shown; reset-step (the
//     client drops the step's parts) is warned about.
type vercelUI struct {
	chunk    vercelUIChunk
	toolKeys map[string]bool // providerExecuted calls, by toolCallId
	ended    bool            // a finish or abort came
	limit    outputLimit
	warned   onceWarnings
}

// vercelUIChunk holds the members of a chunk that the parser reads.
type vercelUIChunk struct {
	Type             string          `json:"type"`
	ID               string          `json:"id"`
	Delta            *string         `json:"delta"`
	ErrorText        *string         `json:"errorText"`
	ToolCallID       *string         `json:"toolCallId"`
	ToolName         string          `json:"toolName"`
	InputTextDelta   *string         `json:"inputTextDelta"`
	Input            json.RawMessage `json:"input"`
	ProviderExecuted bool            `json:"providerExecuted"`
	URL              string          `json:"url"`
	Title            string          `json:"title"`
	SourceID         string          `json:"sourceId"`
	Filename         string          `json:"filename"`
	MessageID        string          `json:"messageId"`
	MessageMetadata  json.RawMessage `json:"messageMetadata"`
	FinishReason     string          `json:"finishReason"`
	Reason           string          `json:"reason"`
}

// vercelUIWhat names the payload in BadEvent warnings.
const vercelUIWhat = "UI message chunk"

// Event handles one chunk.
func (p *vercelUI) Event(sc *streamctx.Context, ev *sse.Event) {
	if len(ev.Type) > 0 && string(ev.Type) != "message" {
		p.warned.warn(sc, "event:"+string(ev.Type), "%sunknown event type %s (the SDK sends none)", linePrefix(ev.Line), ev.Type)
	}
	data := trimSpace(ev.Data)
	switch {
	case string(data) == "[DONE]":
		return
	case len(data) == 0:
		sc.BadEvent(ev.Line, vercelUIWhat, errors.New("empty data"))
		return
	case data[0] != '{':
		err := errNotObject
		if !json.Valid(data) {
			err = json.Unmarshal(data, new(json.RawMessage))
		}
		sc.BadEvent(ev.Line, vercelUIWhat, err)
		return
	}
	p.chunk = vercelUIChunk{}
	if err := json.Unmarshal(data, &p.chunk); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			sc.AddChunk(data)
		}
		sc.BadEvent(ev.Line, vercelUIWhat, decodeError("", err))
		return
	}
	sc.AddChunk(data)
	p.chunkEvent(sc, ev, &p.chunk)
}

// chunkEvent handles a decoded chunk.
func (p *vercelUI) chunkEvent(sc *streamctx.Context, ev *sse.Event, c *vercelUIChunk) {
	what := c.Type + " chunk"
	missing := func(member string) {
		sc.BadEvent(ev.Line, what, errors.New("no "+member))
	}
	switch c.Type {
	case "text-delta", "reasoning-delta":
		if c.Delta == nil {
			missing(`"delta" string`)
			return
		}
		if c.Type == "text-delta" {
			sc.AppendText(*c.Delta)
		} else {
			sc.AppendThinking(*c.Delta)
		}
	case "tool-input-start":
		if c.ToolCallID == nil {
			missing(`"toolCallId" string`)
			return
		}
		p.toolStart(sc, c)
	case "tool-input-delta":
		if c.ToolCallID == nil || c.InputTextDelta == nil {
			missing(`"toolCallId" and "inputTextDelta" strings`)
			return
		}
		if t := p.serverTool(sc, *c.ToolCallID); t != nil {
			sc.AppendServerToolInput(t, *c.InputTextDelta)
			return
		}
		if !p.toolKeys[*c.ToolCallID] {
			sc.ToolDelta(*c.ToolCallID, "", "", *c.InputTextDelta)
		}
	case "tool-input-available", "tool-input-error":
		if c.ToolCallID == nil {
			missing(`"toolCallId" string`)
			return
		}
		p.toolInput(sc, ev, c)
	case "tool-output-available", "tool-output-error":
		if c.ToolCallID != nil {
			if t := p.serverTool(sc, *c.ToolCallID); t != nil {
				t.Status = "completed"
				if c.Type == "tool-output-error" {
					t.Status, t.Error = "failed", strValue(c.ErrorText)
				}
			}
		}
	case "source-url":
		sc.AddCitation(c.URL, c.Title, "source-url", "")
	case "source-document":
		id := c.Filename
		if id == "" {
			id = c.SourceID
		}
		sc.AddCitation("", c.Title, "source-document", id)
	case "file", "reasoning-file":
		sc.MarkContent()
	case "start":
		sc.SetResponseID(c.MessageID)
		p.metadata(sc, ev, c.MessageMetadata)
	case "message-metadata":
		p.metadata(sc, ev, c.MessageMetadata)
	case "finish":
		p.metadata(sc, ev, c.MessageMetadata)
		sc.SetStopReason(c.FinishReason)
		p.limit.stop(c.FinishReason, "length", ev.Line)
		failedFinish(sc, c.FinishReason)
		p.ended = true
		sc.MarkComplete()
	case "error":
		if c.ErrorText == nil {
			missing(`"errorText" string`)
			return
		}
		sc.SetError("error", *c.ErrorText)
	case "abort":
		p.ended = true
		reason := "no reason given"
		if c.Reason != "" {
			reason = c.Reason
		}
		sc.SetStopReason("abort")
		sc.Warn("line %d: the stream was aborted (%s)", ev.Line, reason)
	case "reset-step":
		p.warned.warn(sc, "reset-step", "line %d: reset-step: the client drops the parts of the current step; they are still shown here", ev.Line)
	case "text-start", "text-end", "reasoning-start", "reasoning-end", "start-step", "finish-step",
		"tool-output-denied", "tool-approval-request", "tool-approval-response", "custom":
	default:
		if !strings.HasPrefix(c.Type, "data-") {
			p.warned.warn(sc, "type:"+c.Type, "line %d: unknown chunk type %q (ignored)", ev.Line, c.Type)
		}
	}
}

// toolStart opens a tool call: a server tool call when the provider runs
// it.
func (p *vercelUI) toolStart(sc *streamctx.Context, c *vercelUIChunk) {
	if c.ProviderExecuted {
		if p.toolKeys == nil {
			p.toolKeys = make(map[string]bool)
		}
		p.toolKeys[*c.ToolCallID] = true
		sc.MarkContent()
		if t := sc.ServerTool(*c.ToolCallID); t != nil {
			t.Type, t.Name, t.ID = "providerExecuted", c.ToolName, *c.ToolCallID
		}
		return
	}
	sc.ToolDelta(*c.ToolCallID, *c.ToolCallID, c.ToolName, "")
}

// serverTool returns the server tool call of id, or nil when the call is
// not one (or text is not kept).
func (p *vercelUI) serverTool(sc *streamctx.Context, id string) *streamctx.ServerToolCall {
	if !p.toolKeys[id] {
		return nil
	}
	return sc.ServerTool(id)
}

// toolInput handles the whole input of a call.
func (p *vercelUI) toolInput(sc *streamctx.Context, ev *sse.Event, c *vercelUIChunk) {
	id := *c.ToolCallID
	input := "{}"
	if in := bytes.TrimSpace(c.Input); len(in) > 0 {
		input = compactJSON(in)
	}
	if c.Type == "tool-input-error" {
		sc.Warn("line %d: tool call %s (%s): invalid input: %s", ev.Line, id, c.ToolName, strValue(c.ErrorText))
	}
	if c.ProviderExecuted && !p.toolKeys[id] {
		p.toolStart(sc, c)
	}
	if t := p.serverTool(sc, id); t != nil {
		sc.SetServerToolInput(t, input)
		return
	}
	if p.toolKeys[id] {
		return
	}
	sc.ToolDelta(id, id, c.ToolName, "")
	sc.SetToolArguments(id, input)
}

// metadata reads the model and the usage an app put in messageMetadata.
func (p *vercelUI) metadata(sc *streamctx.Context, ev *sse.Event, raw json.RawMessage) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return
	}
	var m struct {
		Model      json.RawMessage `json:"model"`
		Usage      json.RawMessage `json:"usage"`
		TotalUsage json.RawMessage `json:"totalUsage"`
		vercelUIUsage
	}
	if json.Unmarshal(raw, &m) != nil {
		p.warned.warn(sc, "metadata", "line %d: messageMetadata has members of unexpected types: model and usage not read", ev.Line)
		return
	}
	var model string
	if json.Unmarshal(m.Model, &model) == nil {
		sc.SetModel(model)
	}
	u, where := &m.vercelUIUsage, "messageMetadata"
	for _, c := range []struct {
		name string
		raw  json.RawMessage
	}{{"totalUsage", m.TotalUsage}, {"usage", m.Usage}} {
		var nested vercelUIUsage
		if len(c.raw) > 0 && c.raw[0] == '{' && json.Unmarshal(c.raw, &nested) == nil && nested.any() {
			u, where = &nested, "messageMetadata."+c.name
			break
		}
	}
	if !u.any() {
		return
	}
	usage := streamctx.Usage{
		Input:         p.count(sc, ev, where+".inputTokens", u.InputTokens),
		Output:        p.count(sc, ev, where+".outputTokens", u.OutputTokens),
		CacheRead:     p.count(sc, ev, where+".cachedInputTokens", u.CachedInputTokens),
		Reasoning:     p.count(sc, ev, where+".reasoningTokens", u.ReasoningTokens),
		CacheCreation: streamctx.Count{},
	}
	if d := u.InputTokenDetails; d != nil {
		usage.CacheRead = p.count(sc, ev, where+".inputTokenDetails.cacheReadTokens", d.CacheReadTokens).Or(usage.CacheRead)
		usage.CacheCreation = p.count(sc, ev, where+".inputTokenDetails.cacheWriteTokens", d.CacheWriteTokens)
	}
	if d := u.OutputTokenDetails; d != nil {
		usage.Reasoning = p.count(sc, ev, where+".outputTokenDetails.reasoningTokens", d.ReasoningTokens).Or(usage.Reasoning)
	}
	sc.UpdateUsage(usage, nil)
}

// vercelUIUsage is an AI SDK LanguageModelUsage (AI SDK 5 and 6 members);
// a count that is not a non-negative integer is absent.
type vercelUIUsage struct {
	InputTokens       json.RawMessage `json:"inputTokens"`
	OutputTokens      json.RawMessage `json:"outputTokens"`
	CachedInputTokens json.RawMessage `json:"cachedInputTokens"`
	ReasoningTokens   json.RawMessage `json:"reasoningTokens"`
	InputTokenDetails *struct {
		CacheReadTokens  json.RawMessage `json:"cacheReadTokens"`
		CacheWriteTokens json.RawMessage `json:"cacheWriteTokens"`
	} `json:"inputTokenDetails"`
	OutputTokenDetails *struct {
		ReasoningTokens json.RawMessage `json:"reasoningTokens"`
	} `json:"outputTokenDetails"`
}

// any reports whether u has an input or output count: what makes an
// object a usage.
func (u *vercelUIUsage) any() bool {
	return len(u.InputTokens) > 0 || len(u.OutputTokens) > 0
}

// count reads a token count: absent when missing or null; a value that is
// not a non-negative integer is left out, with a warning.
func (p *vercelUI) count(sc *streamctx.Context, ev *sse.Event, name string, raw json.RawMessage) streamctx.Count {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return streamctx.Count{}
	}
	var n int64
	if json.Unmarshal(raw, &n) != nil || n < 0 {
		p.warned.warn(sc, "count:"+name, "line %d: %s is %s, not a token count: left out", ev.Line, name, raw)
		return streamctx.Count{}
	}
	return streamctx.Of(n)
}

// End warns about an output cut by the token limit.
func (p *vercelUI) End(sc *streamctx.Context) {
	p.limit.warn(sc)
}

// strValue is *s, or "" for nil.
func strValue(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
