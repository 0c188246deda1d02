package parser

import (
	"encoding/json"
	"strconv"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// cohereFormat is the Cohere v2 Chat stream (POST /v2/chat with
// "stream": true). Its ids are UUIDs, without a type prefix.
var cohereFormat = Format{
	Name: "cohere", Vendor: "cohere", Aliases: []string{"cohere-v2", "COHERE"},
	New: newCohere, detect: detectCohere,
}

// cohereTypes are the event types of the Cohere v2 Chat stream (the
// StreamedChatResponseV2 union of the cohere-python SDK, and "debug",
// which the API reference lists too).
var cohereTypes = map[string]bool{
	"message-start": true, "message-end": true,
	"content-start": true, "content-delta": true, "content-end": true,
	"tool-plan-delta": true,
	"tool-call-start": true, "tool-call-delta": true, "tool-call-end": true,
	"citation-start": true, "citation-end": true,
	"debug": true,
}

// cohereProbe holds the member that detectCohere reads.
type cohereProbe struct {
	Type string `json:"type"`
}

// detectCohere matches a Cohere v2 event type, as the SSE event type or as
// the data's type. The names (hyphenated) are no other format's.
func detectCohere(ev *sse.Event) match {
	if cohereTypes[string(ev.Type)] {
		return matchEventType
	}
	var p cohereProbe
	if probeData(ev, &p) && cohereTypes[p.Type] {
		return matchDataType
	}
	return noMatch
}

// newCohere returns a parser for one Cohere v2 Chat stream.
func newCohere() Parser { return &cohere{} }

// cohere parses the Cohere v2 Chat stream: message-start (the response
// id), content blocks (content-start, content-delta..., content-end) of
// type text or thinking, addressed by index, the tool plan
// (tool-plan-delta), tool calls (tool-call-start, tool-call-delta...,
// tool-call-end, by index), citations (citation-start, citation-end), and
// message-end with the finish reason, the usage and, on failure, an error
// message. The ruby_llm cassettes show a bare `data: [DONE]` after
// message-end, which no SDK type names: it is accepted silently.
//
// Checked against the cohere-python SDK (types/streamed_chat_response_v2.py,
// chat_message_end_event_delta.py {error, finish_reason, usage}, usage.py
// {billed_units, tokens}, api_meta_tokens.py), the API reference
// (docs.cohere.com/reference/chat-stream) and the captures in
// testdata/captures/cohere:
//
//   - The event is dispatched on the data's "type" (which every event
//     carries and the SDK decodes), else on the SSE event name.
//   - Text and thinking: a content-delta's delta.message.content.text is
//     answer text, its .thinking reasoning (the content-start of a
//     thinking block has type "thinking"; the deltas carry the member of
//     their kind).
//   - The tool plan ("a chain-of-thought style reflection and plan that
//     the model generates when working with Tools", in the API reference)
//     is reasoning, not answer: it goes to thinking.
//   - Tool calls are keyed by their index; tool-call-start brings the id,
//     name and first fragment, each tool-call-delta a fragment of
//     function.arguments.
//   - Usage: the API reports two counts. usage.tokens is what the model
//     read and wrote ("the total number of input tokens processed", "the
//     total number of output tokens generated"): input_tokens and
//     output_tokens are these, reasoning_tokens its reasoning_tokens, and
//     cached_tokens the usage's cached_tokens, a part of tokens.input_tokens
//     (448 of 502 in chat-v2-text-billed-units-cached.sse, far more than
//     the 7 billed). usage.billed_units is what Cohere bills (the prompt
//     template and cache reads left out): its members are usage details
//     (billed_units.input_tokens, billed_units.output_tokens, and
//     search_units, classifications... when present), as is any other
//     count of tokens. A usage without tokens takes the token keys from
//     billed_units, with a warning.
//   - Complete: message-end. finish_reason ERROR, or an "error" in its
//     delta, fails the stream; MAX_TOKENS is warned about as a cut-off
//     answer.
//   - Citations: each source of a citation-start; a document's url (a
//     web-search document carries one) is its url, its title the
//     document's title; a source without a url is identified by its id
//     ("doc:0", a tool call's "weather_vvavrb8p34fk:0"), given as file_id,
//     source "document" or "tool" (its type).
type cohere struct {
	ev   cohereEvent
	fast cohereFast
	// limit tells whether the last finish_reason was MAX_TOKENS.
	limit  outputLimit
	warned onceWarnings
	// ended is set at message-end.
	ended bool
}

// cohereEvent holds the members of every Cohere event the parser reads;
// one is reused (reset before each decode).
type cohereEvent struct {
	Type  string      `json:"type"`
	ID    string      `json:"id"`
	Index int64       `json:"index"`
	Delta cohereDelta `json:"delta"`
	// Error: an error object of an OpenAI-compatible shape (a gateway's).
	Error json.RawMessage `json:"error"`
	// Message: Cohere's HTTP error body is {"id","message"}, without type.
	Message json.RawMessage `json:"message"`
}

type cohereDelta struct {
	Message      cohereMessage   `json:"message"`
	FinishReason string          `json:"finish_reason"`
	Usage        json.RawMessage `json:"usage"`
	Error        *string         `json:"error"`
}

// cohereMessage is delta.message: each event fills the member of its kind
// (content an object, tool_calls an object, citations an object; in
// message-start they are arrays, left raw).
type cohereMessage struct {
	Content   json.RawMessage `json:"content"`
	ToolPlan  string          `json:"tool_plan"`
	ToolCalls json.RawMessage `json:"tool_calls"`
	Citations json.RawMessage `json:"citations"`
}

type cohereContent struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Thinking string `json:"thinking"`
}

type cohereToolCall struct {
	ID       string `json:"id"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type cohereCitation struct {
	Sources []struct {
		Type     string          `json:"type"`
		ID       string          `json:"id"`
		Document json.RawMessage `json:"document"`
	} `json:"sources"`
}

// cohereDocument holds the members of a cited document the parser reads;
// a document's members are the user's (or the search connector's), of any
// type, so each is read only when it is a string.
type cohereDocument struct {
	URL   json.RawMessage `json:"url"`
	Title json.RawMessage `json:"title"`
}

type cohereUsage struct {
	BilledUnits  json.RawMessage `json:"billed_units"`
	Tokens       json.RawMessage `json:"tokens"`
	CachedTokens *int64          `json:"cached_tokens"`
}

type cohereTokens struct {
	InputTokens     *float64 `json:"input_tokens"`
	OutputTokens    *float64 `json:"output_tokens"`
	ReasoningTokens *float64 `json:"reasoning_tokens"`
}

// Event handles one SSE event.
func (p *cohere) Event(sc *streamctx.Context, ev *sse.Event) {
	data := trimSpace(ev.Data)
	if string(data) == "[DONE]" {
		return
	}
	what := p.what(ev)
	if len(data) == 0 || data[0] != '{' {
		err := errNotObject
		if !json.Valid(data) {
			err = json.Unmarshal(data, new(json.RawMessage))
		}
		sc.BadEvent(ev.Line, what, err)
		return
	}
	p.ev = cohereEvent{}
	var err error
	if !decodeFastCohere(data, &p.ev, &p.fast) {
		p.ev = cohereEvent{}
		err = json.Unmarshal(data, &p.ev)
	}
	if err != nil {
		if !isSyntaxError(err) {
			sc.AddChunk(data)
		}
		sc.BadEvent(ev.Line, what, decodeError("", err))
		return
	}
	sc.AddChunk(data)
	e := &p.ev
	typ := e.Type
	if typ == "" {
		typ = string(ev.Type)
	}
	key := strconv.FormatInt(e.Index, 10)
	m := &e.Delta.Message
	switch typ {
	case "message-start":
		sc.SetResponseID(e.ID)
	case "content-start", "content-delta":
		var c cohereContent
		if !decodeFastCohereContent(m.Content, &c, !sc.CollectsText()) {
			c = cohereContent{}
			if !p.decode(sc, ev, "delta.message.content", m.Content, &c) {
				return
			}
		}
		if c.Type != "" && c.Type != "text" && c.Type != "thinking" {
			p.warned.warn(sc, "content:"+c.Type, "line %d: unknown content type %q", ev.Line, c.Type)
		}
		sc.AppendThinking(c.Thinking)
		sc.AppendText(c.Text)
	case "tool-plan-delta":
		sc.AppendThinking(m.ToolPlan)
	case "tool-call-start", "tool-call-delta":
		var t cohereToolCall
		if !decodeFastCohereToolCall(m.ToolCalls, &t) {
			t = cohereToolCall{}
			if !p.decode(sc, ev, "delta.message.tool_calls", m.ToolCalls, &t) {
				return
			}
		}
		sc.ToolDelta(key, t.ID, t.Function.Name, t.Function.Arguments)
	case "citation-start":
		var c cohereCitation
		if !p.decode(sc, ev, "delta.message.citations", m.Citations, &c) {
			return
		}
		p.citation(sc, &c)
	case "message-end":
		p.end(sc, ev)
	case "content-end", "tool-call-end", "citation-end", "debug":
	case "":
		if msg := jsonString(p.ev.Message); msg != "" && !p.inBandError(sc) {
			// Cohere's error body ({"id","message"}), read as one event.
			sc.SetError("error", msg)
			return
		}
		if !p.inBandError(sc) {
			p.warned.warn(sc, "event:", "line %d: an event without type", ev.Line)
		}
		return
	default:
		if !p.inBandError(sc) {
			p.warned.warn(sc, "event:"+typ, "line %d: unknown event type %q", ev.Line, typ)
		}
		return
	}
	p.inBandError(sc)
}

// decode decodes the member at path into v; a member that is absent or
// null leaves v zero. It reports false (a bad event) when the member does
// not decode.
func (p *cohere) decode(sc *streamctx.Context, ev *sse.Event, path string, raw json.RawMessage, v any) bool {
	if len(raw) == 0 || isJSONNull(raw) {
		return true
	}
	if err := json.Unmarshal(raw, v); err != nil {
		sc.BadEvent(ev.Line, p.what(ev), decodeError(path, err))
		return false
	}
	return true
}

// what names an event in a BadEvent warning.
func (p *cohere) what(ev *sse.Event) string {
	if len(ev.Type) > 0 {
		return string(ev.Type) + " event"
	}
	return "data"
}

// end handles message-end: the stop reason, usage and error.
func (p *cohere) end(sc *streamctx.Context, ev *sse.Event) {
	d := &p.ev.Delta
	p.ended = true
	sc.SetStopReason(d.FinishReason)
	p.limit.stop(d.FinishReason, "MAX_TOKENS", ev.Line)
	p.usage(sc, ev, d.Usage)
	switch {
	case d.Error != nil && *d.Error != "":
		sc.SetError("error", *d.Error)
	case d.FinishReason == "ERROR":
		sc.SetError("error", "finish_reason ERROR (no error message)")
	}
	sc.MarkComplete()
}

// usage decodes message-end's usage.
func (p *cohere) usage(sc *streamctx.Context, ev *sse.Event, raw json.RawMessage) {
	if len(raw) == 0 || isJSONNull(raw) {
		return
	}
	var u cohereUsage
	if !p.decode(sc, ev, "delta.usage", raw, &u) {
		return
	}
	var tok, billed cohereTokens
	if !p.decode(sc, ev, "delta.usage.tokens", u.Tokens, &tok) ||
		!p.decode(sc, ev, "delta.usage.billed_units", u.BilledUnits, &billed) {
		return
	}
	counts := tok
	if len(u.Tokens) == 0 || isJSONNull(u.Tokens) {
		if len(u.BilledUnits) == 0 || isJSONNull(u.BilledUnits) {
			counts = cohereTokens{}
		} else {
			counts = billed
			sc.Warn("line %d: usage has billed_units but no tokens: input_tokens and output_tokens are the billed units", ev.Line)
		}
	}
	n := func(name string, f *float64) streamctx.Count {
		if f == nil {
			return streamctx.Count{}
		}
		if *f < 0 || *f > 1e15 || *f != float64(int64(*f)) {
			sc.Warn("line %d: usage %s %v is not a count of tokens: left out", ev.Line, name, *f)
			return streamctx.Count{}
		}
		return streamctx.Of(int64(*f))
	}
	sc.UpdateUsage(streamctx.Usage{
		Input:     n("input_tokens", counts.InputTokens),
		Output:    n("output_tokens", counts.OutputTokens),
		Reasoning: n("reasoning_tokens", counts.ReasoningTokens),
		CacheRead: streamctx.Ptr(u.CachedTokens),
	}, raw)
	// Every other count, by its dotted path: billed_units whole.
	chatMembers(raw, func(key string, v json.RawMessage) {
		if key == "cached_tokens" || v[0] != '{' {
			return
		}
		chatMembers(v, func(sub string, v json.RawMessage) {
			if key == "tokens" && (sub == "input_tokens" || sub == "output_tokens" || sub == "reasoning_tokens") {
				return
			}
			if n, ok := chatInt(v); ok {
				sc.SetUsageDetail(key+"."+sub, n)
			}
		})
	})
}

// citation records the sources of a citation.
func (p *cohere) citation(sc *streamctx.Context, c *cohereCitation) {
	for _, s := range c.Sources {
		var d cohereDocument
		if len(s.Document) > 0 && s.Document[0] == '{' {
			_ = json.Unmarshal(s.Document, &d) // raw members: cannot fail on valid JSON
		}
		url, title := jsonString(d.URL), jsonString(d.Title)
		if url != "" {
			sc.AddCitation(url, title, s.Type, "")
			continue
		}
		sc.AddCitation("", title, s.Type, s.ID)
	}
}

// jsonString returns raw as a string when it is a JSON string, else "".
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// inBandError records an "error" member at the top of an event (a
// gateway's in-band error), and reports whether there was one.
func (p *cohere) inBandError(sc *streamctx.Context) bool {
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

// End is called at the end of input.
func (p *cohere) End(sc *streamctx.Context) {
	if !p.ended && !sc.Failed() && sc.Events() > 0 {
		sc.Warn("the stream ended without message-end: it was cut off")
	}
	p.limit.warn(sc)
}

// cohereFast is the storage the fast decoders lend an event until the next
// decode: the raw members of delta.message, whose storage is reused.
type cohereFast struct {
	content, toolCalls json.RawMessage
}

// The members encoding/json decodes (case-insensitively) into cohereEvent,
// cohereDelta, cohereMessage, cohereContent and cohereToolCall.
var (
	cohereEventFields    = []string{"type", "id", "index", "delta", "error", "message"}
	cohereDeltaFields    = []string{"message", "finish_reason", "usage", "error"}
	cohereMessageFields  = []string{"content", "tool_plan", "tool_calls", "citations"}
	cohereContentFields  = []string{"type", "text", "thinking"}
	cohereToolCallFields = []string{"id", "function"}
	cohereFunctionFields = []string{"name", "arguments"}
)

// decodeFastCohere decodes a Cohere event into e (zero on entry) exactly as
// encoding/json would, or returns false, leaving e to be reset: an error
// in message-end is left to encoding/json. delta.message.content and
// tool_calls point into st until the next decode.
func decodeFastCohere(data []byte, e *cohereEvent, st *cohereFast) bool {
	s := jsonscan.New(data)
	var seen jsonscan.Seen
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return seen.First(1<<0) && s.String(&e.Type, internCohereType)
		case "id":
			return seen.First(1<<1) && s.String(&e.ID, nil)
		case "index":
			return seen.First(1<<2) && s.Int64(&e.Index)
		case "delta":
			return seen.First(1<<3) && fastCohereDelta(&s, &e.Delta, st)
		case "error":
			return seen.First(1<<4) && s.Raw(&e.Error)
		case "message":
			return seen.First(1<<5) && s.Raw(&e.Message)
		}
		return s.Unknown(key, cohereEventFields...)
	})
	return ok && s.End()
}

func fastCohereDelta(s *jsonscan.Scanner, d *cohereDelta, st *cohereFast) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "message":
			return seen.First(1<<0) && fastCohereMessage(s, &d.Message, st)
		case "finish_reason":
			return seen.First(1<<1) && s.String(&d.FinishReason, nil)
		case "usage":
			return seen.First(1<<2) && s.Raw(&d.Usage)
		case "error":
			return false
		}
		return s.Unknown(key, cohereDeltaFields...)
	})
}

func fastCohereMessage(s *jsonscan.Scanner, m *cohereMessage, st *cohereFast) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "content":
			return seen.First(1<<0) && s.RawInto(&m.Content, &st.content)
		case "tool_plan":
			return seen.First(1<<1) && s.String(&m.ToolPlan, nil)
		case "tool_calls":
			return seen.First(1<<2) && s.RawInto(&m.ToolCalls, &st.toolCalls)
		case "citations":
			return seen.First(1<<3) && s.Raw(&m.Citations)
		}
		return s.Unknown(key, cohereMessageFields...)
	})
}

// decodeFastCohereContent decodes delta.message.content (absent or null:
// nothing) into c (zero on entry) as encoding/json would, or returns false.
// With skipText the texts are only told empty or not.
func decodeFastCohereContent(raw []byte, c *cohereContent, skipText bool) bool {
	if len(raw) == 0 {
		return true
	}
	s := jsonscan.New(raw)
	var seen jsonscan.Seen
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return seen.First(1<<0) && s.String(&c.Type, internCohereType)
		case "text":
			return seen.First(1<<1) && s.Text(&c.Text, skipText)
		case "thinking":
			return seen.First(1<<2) && s.Text(&c.Thinking, skipText)
		}
		return s.Unknown(key, cohereContentFields...)
	})
	return ok && s.End()
}

// decodeFastCohereToolCall decodes delta.message.tool_calls (absent or
// null: nothing) into t (zero on entry) as encoding/json would, or returns
// false.
func decodeFastCohereToolCall(raw []byte, t *cohereToolCall) bool {
	if len(raw) == 0 {
		return true
	}
	s := jsonscan.New(raw)
	var seen jsonscan.Seen
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return seen.First(1<<0) && s.String(&t.ID, nil)
		case "function":
			if !seen.First(1 << 1) {
				return false
			}
			var fseen jsonscan.Seen
			return s.Object(func(key []byte) bool {
				switch string(key) {
				case "name":
					return fseen.First(1<<0) && s.String(&t.Function.Name, nil)
				case "arguments":
					return fseen.First(1<<1) && s.String(&t.Function.Arguments, nil)
				}
				return s.Unknown(key, cohereFunctionFields...)
			})
		}
		return s.Unknown(key, cohereToolCallFields...)
	})
	return ok && s.End()
}

// internCohereType returns the constant for a known type name.
func internCohereType(b []byte) string {
	switch string(b) {
	case "content-delta":
		return "content-delta"
	case "tool-call-delta":
		return "tool-call-delta"
	case "tool-plan-delta":
		return "tool-plan-delta"
	case "text":
		return "text"
	case "thinking":
		return "thinking"
	}
	return string(b)
}
