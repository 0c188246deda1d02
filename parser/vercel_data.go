package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// vercelDataFormat is the data-stream protocol of the Vercel AI SDK 3.x and
// 4.x (toDataStreamResponse, "X-Vercel-AI-Data-Stream: v1"): what a
// Next.js app's own server sends its browser, one "CODE:JSON" part per line
// (frame.VercelLines).
var vercelDataFormat = Format{
	Name: "vercel-data", Vendor: "vercel-ai-sdk", Aliases: []string{"vercel-data-stream", "ai-sdk-data"},
	New: newVercelData, detect: detectVercelData,
	responseIDPrefixes: []string{"msg-"},
	header:             "X-Vercel-AI-Data-Stream",
}

// vercelDataParts names the part codes of the protocol, as
// @ai-sdk/ui-utils data-stream-parts.ts (ui-utils 1.2.11, AI SDK 4.3.19)
// lists them.
var vercelDataParts = map[string]string{
	"0": "text", "2": "data", "3": "error", "8": "message_annotations",
	"9": "tool_call", "a": "tool_result", "b": "tool_call_streaming_start",
	"c": "tool_call_delta", "d": "finish_message", "e": "finish_step",
	"f": "start_step", "g": "reasoning", "h": "source",
	"i": "redacted_reasoning", "j": "reasoning_signature", "k": "file",
}

// detectVercelData matches a part with a known code whose value is JSON:
// only frame.VercelLines makes events whose type is a one-character code.
func detectVercelData(ev *sse.Event) match {
	if _, ok := vercelDataParts[string(ev.Type)]; ok && json.Valid(ev.Data) {
		return matchEventType
	}
	return noMatch
}

// newVercelData returns a parser for the Vercel AI SDK data stream.
func newVercelData() Parser { return &vercelData{} }

// vercelData parses the Vercel AI SDK data stream. Each part's value is
// checked as the SDK's own parser (parseDataStreamPart) checks it; a part
// it would reject is a bad event. Checked against data-stream-parts.ts and
// stream-text.ts (toDataStream) of AI SDK 4.3.19, and the captures in
// testdata/captures/vercel-ai-sdk.
//
//   - Text: "0:" strings are the answer, "g:" strings the thinking;
//     "i:" (redacted reasoning) and "k:" (a generated file) are content that
//     is not text; "j:" (a reasoning signature) is nothing.
//   - Tool calls: "b:" starts a streamed call (toolCallId, toolName), "c:"
//     adds argsTextDelta to it, "9:" is the whole call, whose args object
//     (compacted) replaces what the deltas assembled. Calls are keyed by
//     toolCallId. "a:" is the result of a tool the app's server ran: not
//     generated content, not shown.
//   - "f:" starts a step: its messageId is the response id (the last one
//     wins, as the SDK's useChat keeps it). "e:" finishes a step, with the
//     step's finishReason and usage; "d:" finishes the message, with the
//     finishReason and the usage of the whole message. The SDK computes
//     "d:" usage as the sum of the steps' (addLanguageModelUsage), so the
//     token counts come from "d:" alone, never from adding the "e:" lines;
//     when "d:" disagrees with that sum, or never comes, a warning says
//     what the steps added up to. An absent or null count (the SDK sends
//     NaN, which JSON.stringify writes as null, when the model gave none)
//     is absent.
//   - "d:" completes the stream; its finishReason "error" fails it. "3:"
//     is an error (a string: "An error occurred." unless the app unmasks
//     it), which fails it.
//   - "h:" is a source (sourceType "url"): a citation. "2:" (data) and
//     "8:" (message annotations) are the app's own values, checked to be
//     arrays and not shown.
//
// The stream names no model. promptTokens is the SDK provider's input
// count: whether it includes cached tokens depends on the provider behind
// the app (Anthropic's leaves them out), which the stream does not name, so
// no cache count is shown and the total input is promptTokens.
type vercelData struct {
	stepIn, stepOut streamctx.Count // the sum of the steps' usage so far
	steps           int             // "e:" parts with usage
	stepsLine       int             // the line of the last of them
	finished        bool            // a "d:" part came
	limit           outputLimit
	warned          onceWarnings
}

// vercelDataUsage is the usage of "d:" and "e:" parts.
type vercelDataUsage struct {
	PromptTokens     *int64 `json:"promptTokens"`
	CompletionTokens *int64 `json:"completionTokens"`
}

// vercelDataPart holds the members of every part value that the parser
// reads; each part reads its own.
type vercelDataPart struct {
	ToolCallID    *string          `json:"toolCallId"`
	ToolName      *string          `json:"toolName"`
	Args          json.RawMessage  `json:"args"`
	Result        json.RawMessage  `json:"result"`
	ArgsTextDelta *string          `json:"argsTextDelta"`
	FinishReason  *string          `json:"finishReason"`
	Usage         *vercelDataUsage `json:"usage"`
	IsContinued   json.RawMessage  `json:"isContinued"`
	MessageID     *string          `json:"messageId"`
	SourceType    string           `json:"sourceType"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	Data          *string          `json:"data"`
	Signature     *string          `json:"signature"`
	MimeType      *string          `json:"mimeType"`
}

// Event handles one part.
func (p *vercelData) Event(sc *streamctx.Context, ev *sse.Event) {
	code := string(ev.Type)
	name, ok := vercelDataParts[code]
	if !ok {
		if len(ev.Type) == 0 {
			sc.BadEvent(ev.Line, "data stream part", errors.New("no part code (no ':' in the line)"))
			return
		}
		sc.BadEvent(ev.Line, "data stream part", fmt.Errorf("unknown part code %q", code))
		return
	}
	what := code + ": " + name + " part"
	data := trimSpace(ev.Data)
	if !json.Valid(data) {
		sc.BadEvent(ev.Line, what, json.Unmarshal(data, new(json.RawMessage)))
		return
	}
	sc.AddChunk(data)
	switch code {
	case "0", "g", "3":
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			sc.BadEvent(ev.Line, what, errors.New("the value is not a string"))
			return
		}
		switch code {
		case "0":
			sc.AppendText(s)
		case "g":
			sc.AppendThinking(s)
		default:
			sc.SetError("error", s)
		}
	case "2", "8":
		if data[0] != '[' {
			sc.BadEvent(ev.Line, what, errors.New("the value is not an array"))
		}
	default:
		p.object(sc, ev, code, what, data)
	}
}

// object handles a part whose value is an object.
func (p *vercelData) object(sc *streamctx.Context, ev *sse.Event, code, what string, data []byte) {
	if data[0] != '{' {
		sc.BadEvent(ev.Line, what, errors.New("the value is not an object"))
		return
	}
	var v vercelDataPart
	if err := json.Unmarshal(data, &v); err != nil {
		sc.BadEvent(ev.Line, what, decodeError("", err))
		return
	}
	missing := func(members string) {
		sc.BadEvent(ev.Line, what, fmt.Errorf("the value has no %s", members))
	}
	switch code {
	case "9":
		args := bytes.TrimSpace(v.Args)
		// The SDK asks typeof args === "object": an object, an array or null.
		if v.ToolCallID == nil || v.ToolName == nil || len(args) == 0 || args[0] != '{' && args[0] != '[' && args[0] != 'n' {
			missing(`"toolCallId" and "toolName" strings and "args" object`)
			return
		}
		sc.ToolDelta(*v.ToolCallID, *v.ToolCallID, *v.ToolName, "")
		sc.SetToolArguments(*v.ToolCallID, compactJSON(args))
	case "b":
		if v.ToolCallID == nil || v.ToolName == nil {
			missing(`"toolCallId" and "toolName" strings`)
			return
		}
		sc.ToolDelta(*v.ToolCallID, *v.ToolCallID, *v.ToolName, "")
	case "c":
		if v.ToolCallID == nil || v.ArgsTextDelta == nil {
			missing(`"toolCallId" and "argsTextDelta" strings`)
			return
		}
		sc.ToolDelta(*v.ToolCallID, "", "", *v.ArgsTextDelta)
	case "a":
		if v.ToolCallID == nil || v.Result == nil {
			missing(`"toolCallId" string and "result"`)
		}
	case "f":
		if v.MessageID == nil {
			missing(`"messageId" string`)
			return
		}
		sc.SetResponseID(*v.MessageID)
	case "e", "d":
		p.finish(sc, ev, code, what, &v)
	case "h":
		if v.SourceType == "url" {
			sc.AddCitation(v.URL, v.Title, "source", "")
		}
	case "i":
		if v.Data == nil {
			missing(`"data" string`)
			return
		}
		sc.MarkContent()
	case "j":
		if v.Signature == nil {
			missing(`"signature" string`)
		}
	case "k":
		if v.Data == nil || v.MimeType == nil {
			missing(`"data" and "mimeType" strings`)
			return
		}
		sc.MarkContent()
	}
}

// finish handles a finish_step ("e:") or finish_message ("d:") part.
func (p *vercelData) finish(sc *streamctx.Context, ev *sse.Event, code, what string, v *vercelDataPart) {
	if v.FinishReason == nil {
		sc.BadEvent(ev.Line, what, errors.New(`the value has no "finishReason" string`))
		return
	}
	sc.SetStopReason(*v.FinishReason)
	p.limit.stop(*v.FinishReason, "length", ev.Line)
	if code == "d" {
		failedFinish(sc, *v.FinishReason)
	}
	var in, out streamctx.Count
	if u := v.Usage; u != nil {
		in, out = p.count(sc, ev, "promptTokens", u.PromptTokens), p.count(sc, ev, "completionTokens", u.CompletionTokens)
	}
	if code == "e" {
		if in.Set || out.Set {
			p.stepIn, p.stepOut = sumCount(p.stepIn, in), sumCount(p.stepOut, out)
			p.steps++
			p.stepsLine = ev.Line
		}
		return
	}
	p.finished = true
	sc.UpdateUsage(streamctx.Usage{Input: in, Output: out}, nil)
	sc.MarkComplete()
	if p.steps > 0 && (in.Set || out.Set) && (in != p.stepIn || out != p.stepOut) {
		sc.Warn("line %d: the finish message's usage (in:%s out:%s) is not the sum of the %d steps' (in:%s out:%s)",
			ev.Line, countText(in), countText(out), p.steps, countText(p.stepIn), countText(p.stepOut))
	}
}

// count checks a token count: a negative one is left out, with a warning.
func (p *vercelData) count(sc *streamctx.Context, ev *sse.Event, name string, n *int64) streamctx.Count {
	c := streamctx.Ptr(n)
	if c.Set && c.N < 0 {
		p.warned.warn(sc, "negative:"+name, "line %d: usage.%s is negative (%d): left out", ev.Line, name, c.N)
		return streamctx.Count{}
	}
	return c
}

// End warns about a stream that ended without its finish message, with
// what its steps reported.
func (p *vercelData) End(sc *streamctx.Context) {
	p.limit.warn(sc)
	if p.finished || p.steps == 0 {
		return
	}
	sc.Warn("no finish message (d:): the usage is unknown; the %d finished steps (e:, line %d the last) reported in:%s out:%s",
		p.steps, p.stepsLine, countText(p.stepIn), countText(p.stepOut))
}

// sumCount adds two counts (never negative); the sum is present when
// either is, and stops at the largest int64.
func sumCount(a, b streamctx.Count) streamctx.Count {
	if !a.Set && !b.Set {
		return streamctx.Count{}
	}
	if b.N > math.MaxInt64-a.N {
		return streamctx.Of(math.MaxInt64)
	}
	return streamctx.Of(a.N + b.N)
}

// countText writes a count, "-" when absent.
func countText(c streamctx.Count) string {
	if !c.Set {
		return "-"
	}
	return fmt.Sprint(c.N)
}

// failedFinish fails a Vercel AI SDK stream whose finish reason is the
// SDK's "error" (the model call failed), when no error part said so
// already.
func failedFinish(sc *streamctx.Context, reason string) {
	if reason == "error" && sc.ErrorType() == "" {
		sc.SetError("error", `the stream finished with finishReason "error" and no error message`)
	}
}
