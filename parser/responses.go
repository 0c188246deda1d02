package parser

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// responsesFormat is the OpenAI Responses API stream. Its error event has
// the same type as Anthropic's, and a row before Anthropic's to win it
// when it carries a sequence_number.
var responsesFormat = Format{
	Name: "openai-responses", Vendor: "openai", Aliases: []string{"OPENAI_CLI", "codex", "responses"},
	New: newResponses, detect: detectResponses,
	// OpenAI responses, OpenRouter generations.
	responseIDPrefixes: []string{"resp_", "gen-"},
}

// respProbe holds the members that detectResponses reads.
type respProbe struct {
	Type           string          `json:"type"`
	SequenceNumber json.RawMessage `json:"sequence_number"`
}

// detectResponses matches a "response." event type, as the SSE event type
// or the data's type, or a data type "error" with a sequence_number.
func detectResponses(ev *sse.Event) match {
	if bytes.HasPrefix(ev.Type, []byte("response.")) {
		return matchEventType
	}
	var p respProbe
	if probeData(ev, &p) && (strings.HasPrefix(p.Type, "response.") || p.Type == "error" && p.SequenceNumber != nil) {
		return matchDataType
	}
	return noMatch
}

// responses parses the OpenAI Responses API stream ("openai-responses") and
// the compatible servers that speak it (DeepSeek, OpenRouter, AWS Bedrock
// "mantle", LM Studio).
//
// The wire format, as checked against openai-python's generated types
// (src/openai/types/responses/response_stream_event.py and the event
// classes it lists) and the captures: every event is a JSON object whose
// "type" names it; "event:" lines, when present, repeat that type
// (OpenRouter sends none, Bedrock sends them after "data:"), so the JSON
// type decides and a differing "event:" line is warned about once.
// OpenRouter ends with "data: [DONE]", accepted silently. Every event
// carries a "sequence_number"; a gap or a step back is warned about once (a
// resumed background stream legitimately starts above 0).
//
// Token counts, model, response id, stop reason (the response's status)
// and completion come from the "response" object of the lifecycle events
// (response.created, .queued, .in_progress, .completed, .incomplete,
// .failed); a usage that is null or absent never erases an earlier one.
// response.incomplete completes the stream (the response is final) but is
// warned about with its incomplete_details.reason, and keeps its usage.
//
// Text is the concatenation of response.output_text.delta and
// response.refusal.delta deltas. Thinking is the concatenation of
// response.reasoning_summary_text.delta and response.reasoning_text.delta
// deltas, with a blank line ("\n\n") between two parts (a new
// summary_index, content_index or reasoning item): summary parts are
// separate paragraphs, each with its own heading, and run together without
// it ("...safely.**Explaining street crossing safety**"). That is how
// pydantic-ai and most Responses clients show them; the join therefore
// adds 2 characters per part boundary to the plain concatenation.
//
// When a server streams no deltas, the text and thinking are taken from
// the first kind of event that carries them whole, in this order: the
// *.done events (output_text.done, refusal.done, reasoning_summary_text.done,
// reasoning_text.done), then output_item.done, then the output of the
// final response. Only one source is used for the whole stream, so nothing
// is counted twice (OpenRouter, for one, renames items in its final
// response). For the same reason a resumed stream that missed some deltas
// reports only the deltas it carried.
//
// Client tool calls are function_call and custom_tool_call output items,
// keyed by item id (or output_index when a server leaves the id out): the
// call id and name come from output_item.added (or .done), the arguments
// from function_call_arguments.delta (custom_tool_call_input.delta), and
// the .done event, or output_item.done, replaces them with the complete
// string. Server-side tools (web search, file search, code interpreter,
// MCP, image generation, ...) are not client tool calls: they mark content,
// and are server tool calls (see responses_tools.go, which also reads the
// citations); encrypted reasoning only marks content.
//
// Errors: the "error" event in both the documented shape (top-level code
// and message) and the nested {"error": {...}} shape that OpenAI actually
// sent in openai/responses-error-then-failed.sse, and the error object of
// response.failed (or any response that carries one). The first error wins.
type responses struct {
	// ev is the members of the event being handled: own, or those of
	// its decoding ahead, pre (aheadParser; nil when not decoded ahead).
	ev   *respEvent
	own  respEvent
	pre  *respDecoded
	resp respResponse
	item respItem
	fast respFast // decodeFastRespResponse's state

	// textSrc and thinkSrc are the source the text (thinking) came from;
	// see the respSrc constants.
	textSrc, thinkSrc int
	// thinkKey identifies the thinking part last appended to; key is
	// scratch space to build the next one.
	thinkKey, key []byte
	arena         []byte // the current delta decoded, when it has escapes (respBytes)
	thinking      bool   // some thinking was appended
	tools         bool   // a client tool call was seen
	serverSeen    bool   // a server tool call was kept
	toolKeys      map[string]string
	codes         map[string]*respCodeCall // code_interpreter_calls by key
	terminal      bool                     // response.completed, .incomplete or .failed seen
	events        bool                     // an event other than [DONE] was seen
	seq           int64
	seqSeen       bool
	seqWarned     bool
	typeWarned    bool
	emptyWarned   bool
	warned        onceWarnings // the unknown event types warned about
	typ           string       // the type of the current event, once known
}

// The sources of text and thinking, from the most to the least granular.
const (
	respSrcNone = iota
	respSrcDelta
	respSrcDone     // output_text.done, reasoning_*_text.done, ...
	respSrcItemDone // output_item.done
	respSrcResponse // the final response's output
)

// newResponses returns a parser for one openai-responses stream.
func newResponses() Parser {
	p := &responses{}
	p.ev = &p.own
	return p
}

// respEvent holds the members of an event that the parser reads, as JSON
// values: a slice of the event data (the fast path) or of encoding/json's
// copy, valid for the event's call. Members whose JSON type differs between
// event types (delta is an object in response.shell_call_output_content.delta)
// or between servers (error codes are numbers at OpenRouter) are decoded by
// the handler of the event type that reads them. Setting set to 0 resets it:
// nothing is zeroed per event.
type respEvent struct {
	set uint32             // the members present, bit 1<<field
	raw [respFields][]byte // their values, where set
	// typ is respTypeName of the type member when respKeysTemplate
	// recognized one of the delta types (respDeltaType), else "": see
	// typeName. Reset with set.
	typ string
	// order is the keys of the last event that respKeysTemplate read in
	// e, in their order: the ones it compares first.
	order [10]*respKeyLit
	// itemID is the last item_id string token that respKeysTemplate
	// scanned in e: the deltas of an item all carry the same one.
	itemID respToken
}

// respToken is a copy of a short JSON string token, quotes included,
// validated: the same bytes need not be scanned again. n is 0 when there
// is none.
type respToken struct {
	b [64]byte
	n uint8
}

// at returns the length of the token when b begins with it, else 0.
func (t *respToken) at(b []byte) int {
	n := int(t.n)
	if n == 0 || len(b) < n || string(b[:n]) != string(t.b[:n]) {
		return 0
	}
	return n
}

// set remembers tok, a validated string token (none when it is too long).
func (t *respToken) set(tok []byte) {
	t.n = 0
	if len(tok) <= len(t.b) {
		t.n = uint8(copy(t.b[:], tok))
	}
}

// typeName is respTypeName of the type member.
func (e *respEvent) typeName() (string, error) {
	if e.typ != "" {
		return e.typ, nil
	}
	return respTypeName(e.get(rfType))
}

// The members of respEvent, in the order of respFieldNames.
const (
	rfType respField = iota
	rfSeq
	rfResponse
	rfItem
	rfItemID
	rfOutputIndex
	rfContentIndex
	rfSummaryIndex
	rfDelta
	rfText
	rfRefusal
	rfArguments
	rfInput
	rfName
	rfCode
	rfMessage
	rfError
	rfAnnotation
	rfPart
	respFields
)

// respField names a member of an event (see respEvent).
type respField uint8

// respFieldNames are the JSON names of the respFields.
var respFieldNames = [respFields]string{
	"type", "sequence_number", "response", "item", "item_id", "output_index",
	"content_index", "summary_index", "delta", "text", "refusal", "arguments",
	"input", "name", "code", "message", "error", "annotation", "part",
}

// get returns the value of member f, nil when the event has none.
func (e *respEvent) get(f respField) []byte {
	if e.set&(1<<f) == 0 {
		return nil
	}
	return e.raw[f]
}

// respEventJSON is respEvent for encoding/json, the general path.
type respEventJSON struct {
	Type         json.RawMessage `json:"type"`
	Seq          json.RawMessage `json:"sequence_number"`
	Response     json.RawMessage `json:"response"`
	Item         json.RawMessage `json:"item"`
	ItemID       json.RawMessage `json:"item_id"`
	OutputIndex  json.RawMessage `json:"output_index"`
	ContentIndex json.RawMessage `json:"content_index"`
	SummaryIndex json.RawMessage `json:"summary_index"`
	Delta        json.RawMessage `json:"delta"`
	Text         json.RawMessage `json:"text"`
	Refusal      json.RawMessage `json:"refusal"`
	Arguments    json.RawMessage `json:"arguments"`
	Input        json.RawMessage `json:"input"`
	Name         json.RawMessage `json:"name"`
	Code         json.RawMessage `json:"code"`
	Message      json.RawMessage `json:"message"`
	Error        json.RawMessage `json:"error"`
	Annotation   json.RawMessage `json:"annotation"`
	Part         json.RawMessage `json:"part"`
}

// members returns the members of j in respField order.
func (j *respEventJSON) members() [respFields]*json.RawMessage {
	return [...]*json.RawMessage{
		&j.Type, &j.Seq, &j.Response, &j.Item, &j.ItemID, &j.OutputIndex,
		&j.ContentIndex, &j.SummaryIndex, &j.Delta, &j.Text, &j.Refusal, &j.Arguments,
		&j.Input, &j.Name, &j.Code, &j.Message, &j.Error, &j.Annotation, &j.Part,
	}
}

// decodeRespEvent decodes an event's data (a JSON object) into e: by the
// fast path, else by encoding/json. All members are raw: only a syntax error
// can fail.
func decodeRespEvent(data []byte, e *respEvent) error {
	if decodeFastResponses(data, e) {
		return nil
	}
	var j respEventJSON
	err := json.Unmarshal(data, &j)
	e.set, e.typ = 0, ""
	for f, m := range j.members() {
		if *m != nil {
			e.set |= 1 << f
			e.raw[f] = *m
		}
	}
	return err
}

// respResponse is the response object of the lifecycle events.
type respResponse struct {
	ID                string          `json:"id"`
	Model             string          `json:"model"`
	Status            string          `json:"status"`
	Usage             json.RawMessage `json:"usage"`
	Error             json.RawMessage `json:"error"`
	IncompleteDetails json.RawMessage `json:"incomplete_details"`
	Output            json.RawMessage `json:"output"`
}

// respUsage is response.usage.
type respUsage struct {
	InputTokens        *int64 `json:"input_tokens"`
	OutputTokens       *int64 `json:"output_tokens"`
	InputTokensDetails *struct {
		CachedTokens *int64 `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokensDetails *struct {
		ReasoningTokens *int64 `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
}

// respItem is an output item, of any type; only the members of message,
// reasoning, function_call and custom_tool_call items are read.
type respItem struct {
	Type             string          `json:"type"`
	ID               string          `json:"id"`
	CallID           string          `json:"call_id"`
	Name             string          `json:"name"`
	Arguments        string          `json:"arguments"`
	Input            string          `json:"input"`
	EncryptedContent respPresent     `json:"encrypted_content"`
	Content          json.RawMessage `json:"content"`
	Summary          json.RawMessage `json:"summary"`
}

// respPart is a content part of a message (output_text, refusal) or of a
// reasoning item (reasoning_text, summary_text).
type respPart struct {
	Type    string `json:"type"`
	Text    string `json:"text"`
	Refusal string `json:"refusal"`
}

// respPresent records whether a JSON member holds something other than null
// or "" without copying it (encrypted_content can be kilobytes).
type respPresent bool

func (p *respPresent) UnmarshalJSON(b []byte) error {
	*p = respPresent(!bytes.Equal(b, []byte("null")) && !bytes.Equal(b, []byte(`""`)))
	return nil
}

// respClientTool reports whether typ is an output item type whose calls
// the client executes and whose arguments the stream assembles.
func respClientTool(typ string) bool {
	return typ == "function_call" || typ == "custom_tool_call"
}

// respIgnored are the event types that carry nothing the summary needs
// (their content also arrives in events that are read), and keepalive
// heartbeats (undocumented, but sent on long requests: openai-node #1964;
// OpenRouter's former response.keep_alive).
var respIgnored = map[string]bool{
	"response.content_part.added":                 true,
	"response.reasoning_summary_part.added":       true,
	"response.reasoning_summary_part.done":        true,
	"response.audio.done":                         true,
	"response.audio.transcript.done":              true,
	"response.code_interpreter_call_code.done":    true,
	"response.code_interpreter_call.in_progress":  true,
	"response.code_interpreter_call.interpreting": true,
	"response.code_interpreter_call.completed":    true,
	"response.file_search_call.in_progress":       true,
	"response.file_search_call.searching":         true,
	"response.file_search_call.completed":         true,
	"response.web_search_call.in_progress":        true,
	"response.web_search_call.searching":          true,
	"response.web_search_call.completed":          true,
	"response.image_generation_call.in_progress":  true,
	"response.image_generation_call.generating":   true,
	"response.image_generation_call.completed":    true,
	"response.mcp_call_arguments.done":            true,
	"response.mcp_call.in_progress":               true,
	"response.mcp_call.completed":                 true,
	"response.mcp_call.failed":                    true,
	"response.mcp_list_tools.in_progress":         true,
	"response.mcp_list_tools.completed":           true,
	"response.mcp_list_tools.failed":              true,
	"response.shell_call_command.added":           true,
	"response.shell_call_command.done":            true,
	"response.shell_call_output_content.done":     true,
	"response.compaction.compacting":              true,
	"keepalive":                                   true,
	"response.keep_alive":                         true,
}

// respContent are event types that stream generated content other than
// text, reasoning or client tool arguments: they only mark content.
var respContent = map[string]bool{
	"response.audio.delta":                         true,
	"response.audio.transcript.delta":              true,
	"response.code_interpreter_call_code.delta":    true,
	"response.image_generation_call.partial_image": true,
	"response.mcp_call_arguments.delta":            true,
	"response.shell_call_command.delta":            true,
	"response.shell_call_output_content.delta":     true,
}

var respDoneData = []byte("[DONE]")

// respTypes interns the event types this parser knows, so that reading
// the type of an event allocates nothing.
var respTypes = func() map[string]string {
	m := map[string]string{}
	for _, t := range [...]string{
		"response.created", "response.queued", "response.in_progress",
		"response.completed", "response.incomplete", "response.failed", "error",
		"response.output_text.delta", "response.output_text.done",
		"response.refusal.delta", "response.refusal.done",
		"response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
		"response.reasoning_text.delta", "response.reasoning_text.done",
		"response.output_item.added", "response.output_item.done",
		"response.function_call_arguments.delta", "response.function_call_arguments.done",
		"response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
		"response.content_part.done", "response.output_text.annotation.added",
	} {
		m[t] = t
	}
	for t := range respIgnored {
		m[t] = t
	}
	for t := range respContent {
		m[t] = t
	}
	return m
}()

// respTypeName returns the event type from the raw JSON "type" member
// ("" when absent or null).
func respTypeName(raw []byte) (string, error) {
	// The delta events, most of a stream, without respTypes' hashing.
	switch string(raw) {
	case `"response.output_text.delta"`:
		return "response.output_text.delta", nil
	case `"response.reasoning_summary_text.delta"`:
		return "response.reasoning_summary_text.delta", nil
	case `"response.reasoning_text.delta"`:
		return "response.reasoning_text.delta", nil
	case `"response.function_call_arguments.delta"`:
		return "response.function_call_arguments.delta", nil
	}
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' {
		if t, ok := respTypes[string(raw[1:n-1])]; ok {
			return t, nil
		}
	}
	return respString(raw)
}

var errRespNoItem = errors.New("no item")

// respDecoded is the decoding of one event whose data is an object, made
// ahead by the decoders (aheadParser): what Event decodes of it that
// depends only on its bytes and on whether text is kept, by the same
// functions. The parser takes the rest from its own state.
type respDecoded struct {
	ev     respEvent
	err    error  // decodeRespEvent's
	typ    string // respTypeName of the type member, and its error
	typErr error
	// strs are the string members that str decodes for the event's type
	// (respString), nstr of them.
	strs [2]respStrDecoded
	nstr int
	// resp is the decoding of the response member of a lifecycle event,
	// item that of the item of response.output_item.*: nil when not
	// decoded ahead. They point into their batch's storage.
	resp *respRespDecoded
	item *respItemDecoded
	// anns are the annotations that serverEvent records for
	// response.content_part.done and outputItem for a message's
	// response.output_item.done (respPartAnnotationsOf of each part, those
	// not nil), when cites is set: if text is kept.
	anns  [][]respAnnotation
	cites bool
}

// cite records the citations decoded ahead in d.
func (d *respDecoded) cite(sc *streamctx.Context) {
	for _, list := range d.anns {
		for i := range list {
			respCite(sc, &list[i])
		}
	}
}

// addAnns adds the annotations of a content part (see anns).
func (d *respDecoded) addAnns(part []byte) {
	if anns := respPartAnnotationsOf(part); anns != nil {
		d.anns = append(d.anns, anns)
	}
}

// respStrDecoded is respString of the member f, or, when isRaw,
// respBytes of it (raw: a delta of kept text or thinking).
type respStrDecoded struct {
	f     respField
	s     string
	raw   []byte
	isRaw bool
	err   error
}

// respRespDecoded is decodeRespResponse's decoding of a response member.
type respRespDecoded struct {
	r   respResponse
	err error
}

// respItemDecoded is decodeRespItem's decoding of an item member.
type respItemDecoded struct {
	it  respItem
	err error
}

// str returns the decoding ahead of member f, or nil; d may be nil.
func (d *respDecoded) str(f respField) *respStrDecoded {
	if d == nil {
		return nil
	}
	for i := range d.nstr {
		if d.strs[i].f == f {
			return &d.strs[i]
		}
	}
	return nil
}

// respAhead holds the decodings of a batch of events (aheadParser): ok[i]
// tells that evs[i] is the decoding of the i-th event. All storage is
// reused from one batch to the next. fast is the batch's own copy of the
// id and model that decodeFastRespResponse shares from one response to
// the next (it only saves allocations).
type respAhead struct {
	collect bool // the stream context keeps text
	aheadSlots[respDecoded]
	resps []*respRespDecoded
	items []*respItemDecoded
	nresp int
	nitem int
	fast  respFast
	arena []byte // the batch's decoded deltas with escapes (respBytes)
}

func (p *responses) newAhead(sc *streamctx.Context) aheadBatch {
	return &respAhead{collect: sc.CollectsText()}
}

func (a *respAhead) decode(evs []sse.Event) {
	a.reset(len(evs))
	a.nresp, a.nitem = 0, 0
	a.arena = reuseArena(a.arena) // the last batch's events are handled
	for i := range evs {
		data := trimSpace(evs[i].Data)
		if len(data) == 0 || data[0] != '{' {
			continue // the parser's own paths
		}
		a.decodeEvent(&a.evs[i], &evs[i], data)
		a.ok[i] = true
	}
}

// decodeEvent decodes the event ev, of data data (trimmed, an object),
// into d.
func (a *respAhead) decodeEvent(d *respDecoded, ev *sse.Event, data []byte) {
	d.nstr, d.resp, d.item, d.cites = 0, nil, nil, false
	clear(d.anns)
	d.anns = d.anns[:0]
	d.err = decodeRespEvent(data, &d.ev)
	d.typ, d.typErr = "", nil
	if d.err != nil {
		return
	}
	d.typ, d.typErr = d.ev.typeName()
	if d.typErr != nil {
		return
	}
	typ := d.typ
	if typ == "" && len(ev.Type) > 0 {
		typ = respTypes[string(ev.Type)] // as Event does, for a type it knows
	}
	e := &d.ev
	switch typ {
	case "response.created", "response.queued", "response.in_progress",
		"response.completed", "response.incomplete", "response.failed":
		if raw := bytes.TrimSpace(e.get(rfResponse)); len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
			if a.nresp == len(a.resps) {
				a.resps = append(a.resps, new(respRespDecoded))
			}
			r := a.resps[a.nresp]
			a.nresp++
			r.r = respResponse{}
			r.err = decodeRespResponse(raw, &r.r, &a.fast)
			d.resp = r
		}
	case "response.output_text.delta", "response.refusal.delta",
		"response.reasoning_summary_text.delta", "response.reasoning_text.delta":
		if a.collect { // what delta decodes
			b, err := respBytes(e.get(rfDelta), &a.arena)
			d.strs[d.nstr] = respStrDecoded{f: rfDelta, raw: b, isRaw: true, err: err}
			d.nstr++
		} else if raw := e.get(rfDelta); len(raw) == 0 || raw[0] != '"' {
			d.addStr(rfDelta)
		}
	case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta":
		// What text decodes.
		if raw := e.get(rfDelta); a.collect || len(raw) == 0 || raw[0] != '"' {
			d.addStr(rfDelta)
		}
	case "response.function_call_arguments.done", "response.custom_tool_call_input.done":
		f := rfArguments
		if typ == "response.custom_tool_call_input.done" {
			f = rfInput
		}
		if raw := e.get(f); a.collect || len(raw) > 0 && raw[0] != '"' { // what strIf decodes
			d.addStr(f)
		}
		d.addStr(rfName)
	case "response.content_part.done":
		if raw := e.get(rfPart); raw != nil && a.collect { // what serverEvent reads
			d.addAnns(raw)
			d.cites = true
		}
	case "response.output_item.added", "response.output_item.done":
		if raw := bytes.TrimSpace(e.get(rfItem)); len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
			if a.nitem == len(a.items) {
				a.items = append(a.items, new(respItemDecoded))
			}
			it := a.items[a.nitem]
			a.nitem++
			it.err = decodeRespItem(raw, &it.it)
			d.item = it
			if it.err == nil && it.it.Type == "message" && a.collect && typ == "response.output_item.done" { // itemCitations
				respContentParts(it.it.Content, d.addAnns)
				d.cites = true
			}
		}
	}
}

// addStr decodes the string member f of d's event ahead.
func (d *respDecoded) addStr(f respField) {
	s, err := respString(d.ev.get(f))
	d.strs[d.nstr] = respStrDecoded{f: f, s: s, err: err}
	d.nstr++
}

func (p *responses) eventAhead(sc *streamctx.Context, ev *sse.Event, a aheadBatch, i int) {
	p.event(sc, ev, a.(*respAhead).at(i))
}

// Event handles one SSE event.
func (p *responses) Event(sc *streamctx.Context, ev *sse.Event) { p.event(sc, ev, nil) }

// event handles one SSE event, decoded ahead when pre is not nil (its data
// is then an object).
func (p *responses) event(sc *streamctx.Context, ev *sse.Event, pre *respDecoded) {
	p.pre = pre
	// A decoding ahead is of an object (respAhead.decode): its bytes are
	// not read again here unless the chunks are kept, as in anthropic's
	// event (a cache miss at every event on the parser's goroutine).
	var data []byte
	if pre == nil || sc.ChunksKept() {
		data = trimSpace(ev.Data)
	}
	if pre == nil && bytes.Equal(data, respDoneData) {
		return // OpenRouter's terminator; completion comes from response.completed
	}
	if pre == nil && len(data) == 0 {
		if !p.emptyWarned {
			p.emptyWarned = true
			sc.Warn("line %d: an event with empty data was ignored", ev.Line)
		}
		return
	}
	p.events = true
	p.typ = ""
	if pre != nil {
		p.ev = &pre.ev
	} else {
		p.ev = &p.own
		p.own.set, p.own.typ = 0, ""
	}
	e := p.ev
	if pre == nil && data[0] != '{' {
		err := errNotObject
		if !json.Valid(data) {
			err = json.Unmarshal(data, new(json.RawMessage)) // the syntax error
		}
		sc.BadEvent(ev.Line, p.what(ev), err)
		return
	}
	var err error
	if pre != nil {
		err = pre.err
	} else {
		err = decodeRespEvent(data, e)
	}
	if err != nil {
		sc.BadEvent(ev.Line, p.what(ev), err)
		return
	}
	sc.AddChunk(data)
	var typ string
	if pre != nil {
		typ, err = pre.typ, pre.typErr
	} else {
		typ, err = e.typeName()
	}
	if err != nil {
		sc.BadEvent(ev.Line, p.what(ev), decodeError("type", err))
		return
	}
	if len(ev.Type) > 0 {
		switch {
		case typ == "":
			typ = respTypes[string(ev.Type)]
			if typ == "" {
				typ = string(ev.Type)
			}
		case typ != string(ev.Type) && !p.typeWarned:
			p.typeWarned = true
			sc.Warn("line %d: the event: line says %q but the JSON type is %q; the JSON type was used", ev.Line, ev.Type, typ)
		}
	}
	p.typ = typ
	p.checkSeq(sc, ev.Line)

	switch typ {
	case "response.created", "response.queued", "response.in_progress":
		p.response(sc, ev.Line, typ, false)
	case "response.completed", "response.incomplete", "response.failed":
		p.response(sc, ev.Line, typ, true)
	case "error":
		p.errorEvent(sc, "error")
	case "response.output_text.delta", "response.refusal.delta":
		if sc.CollectsText() {
			p.deltaBytes(sc, ev, typ, false)
		} else if s, ok := p.text(sc, ev, rfDelta); ok && s != "" {
			p.textSrc = respSrcDelta
			sc.AppendText(s)
		}
	case "response.output_text.done":
		if s, ok := p.strIf(sc, ev, rfText, p.accepts(p.textSrc, respSrcDone)); ok {
			p.appendText(sc, respSrcDone, s)
		}
	case "response.refusal.done":
		if s, ok := p.strIf(sc, ev, rfRefusal, p.accepts(p.textSrc, respSrcDone)); ok {
			p.appendText(sc, respSrcDone, s)
		}
	case "response.reasoning_summary_text.delta", "response.reasoning_text.delta":
		if sc.CollectsText() {
			p.deltaBytes(sc, ev, typ, true)
		} else if s, ok := p.text(sc, ev, rfDelta); ok && s != "" {
			p.thinkSrc = respSrcDelta
			p.appendThinking(sc, p.partKey(typ), s)
		}
	case "response.reasoning_summary_text.done", "response.reasoning_text.done":
		if s, ok := p.strIf(sc, ev, rfText, p.accepts(p.thinkSrc, respSrcDone)); ok && p.accepts(p.thinkSrc, respSrcDone) && s != "" {
			p.thinkSrc = respSrcDone
			p.appendThinking(sc, p.partKey(typ), s)
		}
	case "response.output_item.added", "response.output_item.done":
		p.outputItem(sc, ev, typ)
	case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta":
		if s, ok := p.text(sc, ev, rfDelta); ok {
			p.tools = true
			sc.ToolDelta(p.toolKey(), "", "", s)
		}
	case "response.function_call_arguments.done", "response.custom_tool_call_input.done":
		f := rfArguments
		if typ == "response.custom_tool_call_input.done" {
			f = rfInput
		}
		raw := e.get(f)
		args, ok := p.strIf(sc, ev, f, sc.CollectsText()) // only kept text is set
		if !ok {
			return
		}
		name, ok := p.str(sc, ev, rfName)
		if !ok {
			return
		}
		p.tools = true
		key := p.toolKey()
		sc.ToolDelta(key, "", name, "")
		if len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
			sc.SetToolArguments(key, args) // the complete string replaces the deltas
		}
	case "response.content_part.done", "response.output_text.annotation.added":
		if sc.CollectsText() {
			p.serverEvent(sc, typ)
		}
	default:
		switch {
		case respIgnored[typ]:
			if sc.CollectsText() {
				p.serverEvent(sc, typ)
			}
		case respContent[typ]:
			sc.MarkContent()
			if sc.CollectsText() {
				p.serverEvent(sc, typ)
			}
		case typ == "" && p.errorEvent(sc, ""):
			// A chat-style {"error": {...}} injected by a gateway.
		default:
			if typ == "" {
				p.warned.warn(sc, typ, "line %d: an event without a type was ignored", ev.Line)
			} else {
				p.warned.warn(sc, typ, "line %d: unknown event type %q", ev.Line, typ)
			}
		}
	}
}

// End is called at the end of input.
func (p *responses) End(sc *streamctx.Context) {
	p.endServerTools(sc)
	if p.events && !p.terminal && !sc.Failed() {
		sc.Warn("the stream ended without response.completed, response.incomplete or response.failed: it was cut off")
	}
}

// what names an event for BadEvent.
func (p *responses) what(ev *sse.Event) string {
	if p.typ != "" {
		return p.typ + " event"
	}
	if len(ev.Type) > 0 {
		return string(ev.Type) + " event"
	}
	return "event data"
}

// str decodes the JSON string member f of the current event (or takes
// its decoding ahead); null or absent is "". Any other JSON type is a bad
// event (ok false).
func (p *responses) str(sc *streamctx.Context, ev *sse.Event, f respField) (string, bool) {
	var s string
	var err error
	if d := p.pre.str(f); d != nil {
		s, err = d.s, d.err
	} else {
		s, err = respString(p.ev.get(f))
	}
	if err != nil {
		sc.BadEvent(ev.Line, p.what(ev), decodeError(respFieldNames[f], err))
		return "", false
	}
	return s, true
}

// strIf is str when need is set; else it only checks that the member is
// a string, null or absent, as str does, and returns "" without decoding
// it (the event was validated whole).
func (p *responses) strIf(sc *streamctx.Context, ev *sse.Event, f respField, need bool) (string, bool) {
	if raw := p.ev.get(f); !need && (len(raw) == 0 || raw[0] == '"') {
		return "", true
	}
	return p.str(sc, ev, f)
}

// respBytes is respString into bytes: borrowed from raw when the string
// has no escapes, else decoded into *arena. raw is a member's value as
// the event's decoding validated it: a string token without a backslash
// is its own decoding, and is not scanned again.
func respBytes(raw []byte, arena *[]byte) ([]byte, error) {
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && bytes.IndexByte(raw[1:n-1], '\\') < 0 {
		return raw[1 : n-1 : n-1], nil
	}
	var b []byte
	if s := jsonscan.New(raw); len(raw) == 0 || s.Bytes(&b, arena) && s.End() {
		return b, nil
	}
	s, err := respString(raw) // not a string, or not valid: its error
	return []byte(s), err
}

// respString decodes a JSON string value with the scanner, else (another
// type) with encoding/json, for its error. null and empty input give "".
func respString(raw []byte) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var str string
	if s := jsonscan.New(raw); s.String(&str, nil) && s.End() {
		return str, nil
	}
	var other string // escapes, as encoding/json's argument
	err := json.Unmarshal(raw, &other)
	return other, err
}

// accepts reports whether text from source src may be appended when the
// text so far came from cur: deltas always, whole texts only from the one
// source that supplied text first.
func (p *responses) accepts(cur, src int) bool {
	return src == respSrcDelta || cur == respSrcNone || cur == src
}

func (p *responses) appendText(sc *streamctx.Context, src int, s string) {
	if s == "" || !p.accepts(p.textSrc, src) {
		return
	}
	p.textSrc = src
	sc.AppendText(s)
}

// appendThinking appends s to the thinking, after a blank line when it
// starts a new part (key differs from the last part's).
func (p *responses) appendThinking(sc *streamctx.Context, key []byte, s string) {
	p.startThinking(sc, key)
	sc.AppendThinking(s)
}

// startThinking makes key the thinking part appended to next, after a
// blank line when it starts a new part.
func (p *responses) startThinking(sc *streamctx.Context, key []byte) {
	if p.thinking && !bytes.Equal(key, p.thinkKey) {
		sc.AppendThinking("\n\n")
	}
	p.thinking = true
	p.thinkKey, p.key = key, p.thinkKey
}

// deltaBytes appends the delta member of a delta of text (or of
// thinking, of type typ) when the text is kept: as bytes borrowed from the
// event, its decoding ahead or p.arena, not as a string per delta.
func (p *responses) deltaBytes(sc *streamctx.Context, ev *sse.Event, typ string, thinking bool) {
	var b []byte
	var err error
	if d := p.pre.str(rfDelta); d != nil && d.isRaw {
		b, err = d.raw, d.err
	} else {
		p.arena = reuseArena(p.arena)
		b, err = respBytes(p.ev.get(rfDelta), &p.arena)
	}
	switch {
	case err != nil:
		sc.BadEvent(ev.Line, p.what(ev), decodeError(respFieldNames[rfDelta], err))
	case len(b) == 0:
	case thinking:
		p.thinkSrc = respSrcDelta
		p.startThinking(sc, p.partKey(typ))
		sc.AppendThinkingBytes(b)
	default:
		p.textSrc = respSrcDelta
		sc.AppendTextBytes(b)
	}
}

// partKey builds, in scratch space, the key of the thinking part of the
// current event: item id, kind, and summary or content index.
func (p *responses) partKey(typ string) []byte {
	e := p.ev
	k := append(p.key[:0], e.get(rfItemID)...)
	if typ == "response.reasoning_summary_text.delta" || typ == "response.reasoning_summary_text.done" {
		k = append(k, "\x00s"...)
		k = append(k, respIndex(e.get(rfSummaryIndex))...)
	} else {
		k = append(k, "\x00c"...)
		k = append(k, respIndex(e.get(rfContentIndex))...)
	}
	p.key = k
	return k
}

// text is str for a delta of text, thinking or arguments: when the stream
// context keeps no text (the two-line summary), a string is not decoded,
// only told empty or not ("" or jsonscan.Present: a non-empty string token
// never decodes to ""). The event was validated whole before.
func (p *responses) text(sc *streamctx.Context, ev *sse.Event, f respField) (string, bool) {
	if raw := p.ev.get(f); !sc.CollectsText() && len(raw) > 0 && raw[0] == '"' {
		if len(raw) > len(`""`) {
			return jsonscan.Present, true
		}
		return "", true
	}
	return p.str(sc, ev, f)
}

func respIndex(raw []byte) []byte {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return []byte("0")
	}
	return raw
}

// toolKey is the key of the tool call of the current event: its item id,
// else the key registered for its output_index.
func (p *responses) toolKey() string {
	id, _ := respString(p.ev.get(rfItemID))
	return p.itemKey(id, p.ev.get(rfOutputIndex))
}

func (p *responses) itemKey(id string, outputIndex []byte) string {
	if id != "" {
		return id
	}
	idx := string(respIndex(outputIndex))
	if k, ok := p.toolKeys[idx]; ok {
		return k
	}
	return "#" + idx
}

// checkSeq warns once when sequence_number does not go up by one from an
// event to the next (an event without one breaks the chain).
func (p *responses) checkSeq(sc *streamctx.Context, line int) {
	n, ok := respUint(p.ev.get(rfSeq))
	if !ok {
		p.seqSeen = false
		return
	}
	if p.seqSeen && n != p.seq+1 && !p.seqWarned {
		p.seqWarned = true
		sc.Warn("line %d: sequence_number %d follows %d: events are missing or out of order", line, n, p.seq)
	}
	p.seq, p.seqSeen = n, true
}

// respUint parses a JSON non-negative integer without allocating.
func respUint(raw []byte) (int64, bool) {
	if len(raw) == 0 || len(raw) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range raw {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// errorEvent records the error of an "error" event (typ "error"), or of a
// typeless chat-style error object (typ ""), and reports whether there was
// one.
func (p *responses) errorEvent(sc *streamctx.Context, typ string) bool {
	e := p.ev
	msg, _ := respString(e.get(rfMessage))
	ep := errorPayload{Type: typ, Code: e.get(rfCode), Message: msg, Error: e.get(rfError)}
	et, m, ok := ep.info()
	if ok {
		sc.SetError(et, m)
	}
	return ok
}

// response handles a lifecycle event and its response object.
func (p *responses) response(sc *streamctx.Context, line int, typ string, terminal bool) {
	raw := bytes.TrimSpace(p.ev.get(rfResponse))
	r := &p.resp
	*r = respResponse{}
	if len(raw) > 0 && !bytes.Equal(raw, []byte("null")) {
		var err error
		if d := p.pre; d != nil && d.resp != nil {
			*r, err = d.resp.r, d.resp.err
		} else {
			err = decodeRespResponse(raw, r, &p.fast)
		}
		if err != nil {
			sc.BadEvent(line, typ+" event", decodeError("response", err))
			*r = respResponse{}
		}
	}
	sc.SetModel(r.Model)
	sc.SetResponseID(r.ID)
	p.usage(sc, line, typ)
	if e := bytes.TrimSpace(r.Error); len(e) > 0 && !bytes.Equal(e, []byte("null")) {
		// response.failed always fails; another response fails only with
		// a real error in it (not a {} or "" placeholder).
		ep := errorPayload{Error: e}
		if et, m, ok := ep.info(); ok && (typ == "response.failed" || m != "" || et != "error") {
			sc.SetError(et, m)
		}
	}
	if !terminal {
		return
	}
	p.terminal = true
	sc.MarkComplete()
	status := r.Status
	if status == "" {
		status = typ[len("response."):]
	}
	sc.SetStopReason(status)
	if len(raw) > 0 {
		sc.SetFinalResponse(raw)
	}
	switch typ {
	case "response.incomplete":
		var d struct {
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal(r.IncompleteDetails, &d) // absent, null or odd: no reason
		if d.Reason == "" {
			d.Reason = "no reason given"
		}
		sc.Warn("line %d: the response is incomplete: %s", line, d.Reason)
	case "response.failed":
		if !sc.Failed() {
			sc.SetError("response_failed", "response.failed without an error object")
		}
	}
	p.finalOutput(sc, line, typ)
}

// usage merges response.usage.
func (p *responses) usage(sc *streamctx.Context, line int, typ string) {
	raw := bytes.TrimSpace(p.resp.Usage)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return
	}
	var u respUsage
	if err := json.Unmarshal(raw, &u); err != nil {
		sc.BadEvent(line, typ+" event", decodeError("response.usage", err))
		return
	}
	su := streamctx.Usage{
		Input:  streamctx.Ptr(u.InputTokens),
		Output: streamctx.Ptr(u.OutputTokens),
	}
	if d := u.InputTokensDetails; d != nil {
		su.CacheRead = streamctx.Ptr(d.CachedTokens)
	}
	if d := u.OutputTokensDetails; d != nil {
		su.Reasoning = streamctx.Ptr(d.ReasoningTokens)
	}
	sc.UpdateUsage(su, raw)
	respUsageDetails(sc, raw)
}

// respUsageDetails records what response.usage carries outside the six
// token keys, in the order of its members, as chatUsageDetails does for a
// chat usage object:
//
//   - every integer member, and every integer member of a nested object,
//     under its dotted path, but for those the token keys read
//     (input_tokens, output_tokens, total_tokens,
//     input_tokens_details.cached_tokens,
//     output_tokens_details.reasoning_tokens): xAI's num_sources_used,
//     num_server_side_tools_used and context_details (which repeats
//     input_tokens and output_tokens in xai/responses-reasoning-summary-
//     cost-in-usd-ticks.sse), AWS Bedrock's
//     input_tokens_details.cache_write_tokens...;
//   - OpenRouter's cost (dollars) is the provider cost, its cost_details
//     kept whole as the usage detail "cost_details"; xAI's
//     cost_in_usd_ticks divided by 10^10 is the provider cost (docs.x.ai,
//     Cost Tracking: "1 USD = 10,000,000,000 ticks", in the usage of chat
//     completions and of the Responses API alike).
//
// OpenRouter's is_byok is a flag, not a quantity: left out. Decoded always
// (it comes once, in the final response): a price estimate needs it.
func respUsageDetails(sc *streamctx.Context, raw []byte) {
	const path = "response.usage"
	respMembers(raw, func(key, v []byte) {
		switch string(key) {
		case "input_tokens", "output_tokens", "total_tokens", "is_byok":
			return
		case "cost":
			chatCost(sc, path, v)
			return
		case "cost_in_usd_ticks": // xAI: 1 USD = 10^10 ticks (docs.x.ai, Cost Tracking)
			if n, ok := respInt(v); ok {
				sc.SetProviderCost(float64(n)/1e10, path+".cost_in_usd_ticks")
			}
			return
		case "cost_details":
			if v[0] == '{' {
				sc.SetUsageDetailJSON("cost_details", v)
			}
			return
		}
		switch v[0] {
		case '{':
			respMembers(v, func(sub, v []byte) {
				switch {
				case string(key) == "input_tokens_details" && string(sub) == "cached_tokens",
					string(key) == "output_tokens_details" && string(sub) == "reasoning_tokens":
					return // cached_tokens, reasoning_tokens
				}
				if n, ok := respInt(v); ok {
					sc.SetUsageDetail(string(key)+"."+string(sub), n)
				}
			})
		default:
			if n, ok := respInt(v); ok {
				sc.SetUsageDetail(string(key), n)
			}
		}
	})
}

// respMembers calls member for each member of the JSON object raw, in
// order, with its value, as chatMembers does, but without allocating: by
// the scanner, else (an escaped key, more than 16 members) by chatMembers.
// key and v are valid for the call.
func respMembers(raw []byte, member func(key, v []byte)) {
	var keys, vals [16][]byte
	n := 0
	s := jsonscan.New(raw)
	if s.Peek() == '{' && s.Object(func(key []byte) bool {
		if n == len(keys) {
			return false
		}
		v, ok := s.Value()
		keys[n], vals[n] = key, v
		n++
		return ok
	}) && s.End() {
		for i := range n {
			if len(vals[i]) > 0 {
				member(keys[i], vals[i])
			}
		}
		return
	}
	chatMembers(raw, func(key string, v json.RawMessage) { member([]byte(key), v) })
}

// respInt returns v as an integer, when it is a JSON integer in range.
func respInt(v []byte) (int64, bool) {
	var n int64
	s := jsonscan.New(v)
	return n, len(v) > 0 && v[0] != 'n' && s.Int64(&n) && s.End()
}

// finalOutput takes text, thinking and tool calls from the final
// response's output when the stream carried none of them.
func (p *responses) finalOutput(sc *streamctx.Context, line int, typ string) {
	needText := p.accepts(p.textSrc, respSrcResponse)
	needThinking := p.accepts(p.thinkSrc, respSrcResponse)
	collect := sc.CollectsText()                         // citations
	needServer := sc.KeepsServerTools() && !p.serverSeen // kept, and none in the stream
	if !needText && !needThinking && p.tools && !collect && !needServer {
		return
	}
	out := bytes.TrimSpace(p.resp.Output)
	if len(out) == 0 || out[0] != '[' {
		return
	}
	var items []json.RawMessage
	if err := json.Unmarshal(out, &items); err != nil {
		sc.BadEvent(line, typ+" event", decodeError("response.output", err))
		return
	}
	tools := p.tools
	for i, raw := range items {
		it := &p.item
		if err := decodeRespItem(raw, it); err != nil {
			if it.Type == "message" || it.Type == "reasoning" || respClientTool(it.Type) {
				sc.BadEvent(line, typ+" event", decodeError("response.output["+strconv.Itoa(i)+"]", err))
			}
			continue
		}
		switch {
		case it.Type == "message":
			if needText {
				p.messageText(sc, line, typ, respSrcResponse)
			}
			if collect {
				p.itemCitations(sc)
			}
		case it.Type == "reasoning" && needThinking:
			p.reasoningText(sc, line, typ, respSrcResponse)
		case respClientTool(it.Type) && !tools:
			p.tools = true
			key := p.itemKey(it.ID, []byte(strconv.Itoa(i)))
			sc.ToolDelta(key, it.CallID, it.Name, "")
			sc.SetToolArguments(key, p.itemArgs())
		case needServer:
			if _, ok := respServerToolNames[it.Type]; ok {
				p.serverItem(sc, raw, it.Type, []byte(strconv.Itoa(i)), true)
			}
		}
	}
}

// outputItem handles response.output_item.added and .done.
func (p *responses) outputItem(sc *streamctx.Context, ev *sse.Event, typ string) {
	done := typ == "response.output_item.done"
	it := &p.item
	*it = respItem{}
	raw := bytes.TrimSpace(p.ev.get(rfItem))
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		sc.BadEvent(ev.Line, typ+" event", errRespNoItem)
		return
	}
	var err error
	if d := p.pre; d != nil && d.item != nil {
		*it, err = d.item.it, d.item.err
	} else {
		err = decodeRespItem(raw, it)
	}
	if err != nil {
		// Only the members of the types below are read: an odd member of
		// another type does not matter.
		if it.Type == "message" || it.Type == "reasoning" || respClientTool(it.Type) {
			sc.BadEvent(ev.Line, typ+" event", decodeError("item", err))
			return
		}
	}
	switch {
	case it.Type == "message":
		if done && p.accepts(p.textSrc, respSrcItemDone) {
			p.messageText(sc, ev.Line, typ, respSrcItemDone)
		}
		if done && sc.CollectsText() {
			if d := p.pre; d != nil && d.cites {
				d.cite(sc)
			} else {
				p.itemCitations(sc)
			}
		}
	case it.Type == "reasoning":
		if it.EncryptedContent {
			sc.MarkContent()
		}
		if done && p.accepts(p.thinkSrc, respSrcItemDone) {
			p.reasoningText(sc, ev.Line, typ, respSrcItemDone)
		}
	case respClientTool(it.Type):
		p.tools = true
		idx := respIndex(p.ev.get(rfOutputIndex))
		key := p.itemKey(it.ID, idx)
		if it.ID != "" {
			if p.toolKeys == nil {
				p.toolKeys = make(map[string]string)
			}
			p.toolKeys[string(idx)] = key
		}
		args := p.itemArgs()
		if done {
			sc.ToolDelta(key, it.CallID, it.Name, "")
			if args != "" {
				sc.SetToolArguments(key, args)
			}
		} else {
			sc.ToolDelta(key, it.CallID, it.Name, args)
		}
	default:
		// A server-side tool call (web_search_call, file_search_call,
		// code_interpreter_call, mcp_call, image_generation_call, ...) or
		// another item the client does not assemble.
		sc.MarkContent()
		if _, ok := respServerToolNames[it.Type]; ok && sc.KeepsServerTools() {
			p.serverItem(sc, raw, it.Type, respIndex(p.ev.get(rfOutputIndex)), done)
		}
	}
}

// itemArgs returns the arguments of a function_call item or the input of a
// custom_tool_call item.
func (p *responses) itemArgs() string {
	if p.item.Type == "custom_tool_call" {
		return p.item.Input
	}
	return p.item.Arguments
}

// messageText appends the text of the current message item's content.
func (p *responses) messageText(sc *streamctx.Context, line int, typ string, src int) {
	parts, ok := p.parts(sc, line, typ, "content", p.item.Content)
	if !ok {
		return
	}
	for _, part := range parts {
		switch part.Type {
		case "output_text":
			p.appendText(sc, src, part.Text)
		case "refusal":
			p.appendText(sc, src, part.Refusal)
		}
	}
}

// reasoningText appends the summary and the reasoning text of the current
// reasoning item, one thinking part each.
func (p *responses) reasoningText(sc *streamctx.Context, line int, typ string, src int) {
	for _, kind := range [...]string{"s", "c"} {
		field, raw := "summary", p.item.Summary
		if kind == "c" {
			field, raw = "content", p.item.Content
		}
		parts, ok := p.parts(sc, line, typ, field, raw)
		if !ok {
			return
		}
		for i, part := range parts {
			if part.Text == "" || !p.accepts(p.thinkSrc, src) {
				continue
			}
			p.thinkSrc = src
			k := append(p.key[:0], p.item.ID...)
			k = append(k, "\x00"+kind...)
			k = strconv.AppendInt(k, int64(i), 10)
			p.key = k
			p.appendThinking(sc, k, part.Text)
		}
	}
}

func (p *responses) parts(sc *streamctx.Context, line int, typ, field string, raw []byte) ([]respPart, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, true
	}
	var parts []respPart
	if err := json.Unmarshal(raw, &parts); err != nil {
		sc.BadEvent(line, typ+" event", decodeError("item."+field, err))
		return nil, false
	}
	return parts, true
}

// decodeRespResponse decodes a response object into r (zero on entry),
// by the fast path (sharing id and model through st), else by
// encoding/json.
func decodeRespResponse(raw []byte, r *respResponse, st *respFast) error {
	if decodeFastRespResponse(raw, r, st) {
		return nil
	}
	*r = respResponse{}
	return json.Unmarshal(raw, r)
}

// decodeRespItem decodes an output item into it, by the fast path, else
// by encoding/json.
func decodeRespItem(raw []byte, it *respItem) error {
	*it = respItem{}
	if decodeFastRespItem(raw, it) {
		return nil
	}
	*it = respItem{}
	return json.Unmarshal(raw, it)
}

// respFast is what decodeFastRespResponse keeps from one response object
// to the next: the last id and model, shared rather than copied again.
type respFast struct {
	id, model string
}

// decodeFastResponses decodes an event's data into e exactly as encoding/json
// decodes it into a respEventJSON, or returns false. The values are
// slices of data (every member is kept raw). Unknown members are skipped,
// validated; an escaped key, a repeated member or one that differs from a
// member name only in case gives up.
func decodeFastResponses(data []byte, e *respEvent) bool {
	if respKeysTemplate(data, e) {
		return true
	}
	s := jsonscan.New(data)
	e.set, e.typ = 0, ""
	ok := s.Object(func(key []byte) bool {
		f, known := respFieldOf(key)
		if !known {
			switch string(key) {
			case "logprobs", "obfuscation":
				// In every OpenAI delta; no member name in any case, so
				// Unknown's comparisons can be spared.
				return s.Skip()
			}
			return s.Unknown(key, respFieldNames[:]...)
		}
		if e.set&(1<<f) != 0 {
			return false
		}
		v, ok := s.Value()
		e.set |= 1 << f
		e.raw[f] = v
		return ok
	})
	return ok && s.End()
}

// respSkipped stands for the members that respKeysTemplate validates and
// skips (logprobs, obfuscation).
const respSkipped = respFields

// respKeyLit is a member's key as written compactly, `"name":`, and its
// field. respKeysTemplate compares it with the input in three words
// rather than with a call to memequal: w holds the literal's bytes,
// zero-padded to 24 (the longest literal has 18), and m the mask of its
// bytes in them.
type respKeyLit struct {
	lit string
	f   respField
	w   [3]uint64
	m   [3]uint64
}

// match reports whether the 24 bytes x0, x1, x2 begin with k.lit.
func (k *respKeyLit) match(x0, x1, x2 uint64) bool {
	return (x0^k.w[0])&k.m[0]|(x1^k.w[1])&k.m[1]|(x2^k.w[2])&k.m[2] == 0
}

// respKeyLits are the respKeyLits of the members of respEvent and of the
// skipped ones, by the first letter of their name, the most frequent
// first (a literal, so that nothing is built before main; TestRespKeyLits
// checks it against respFieldNames and the words against the literals).
var respKeyLits = [128][]respKeyLit{
	'a': {
		{`"arguments":`, rfArguments, [3]uint64{0x6e656d7567726122, 0x000000003a227374, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x00000000ffffffff, 0x0000000000000000}},
		{`"annotation":`, rfAnnotation, [3]uint64{0x7461746f6e6e6122, 0x0000003a226e6f69, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x000000ffffffffff, 0x0000000000000000}},
	},
	'c': {
		{`"content_index":`, rfContentIndex, [3]uint64{0x746e65746e6f6322, 0x3a227865646e695f, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000000}},
		{`"code":`, rfCode, [3]uint64{0x003a2265646f6322, 0x0000000000000000, 0x0000000000000000}, [3]uint64{0x00ffffffffffffff, 0x0000000000000000, 0x0000000000000000}},
	},
	'd': {
		{`"delta":`, rfDelta, [3]uint64{0x3a2261746c656422, 0x0000000000000000, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000}},
	},
	'e': {
		{`"error":`, rfError, [3]uint64{0x3a22726f72726522, 0x0000000000000000, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000}},
	},
	'i': {
		{`"item_id":`, rfItemID, [3]uint64{0x64695f6d65746922, 0x0000000000003a22, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x000000000000ffff, 0x0000000000000000}},
		{`"item":`, rfItem, [3]uint64{0x003a226d65746922, 0x0000000000000000, 0x0000000000000000}, [3]uint64{0x00ffffffffffffff, 0x0000000000000000, 0x0000000000000000}},
		{`"input":`, rfInput, [3]uint64{0x3a227475706e6922, 0x0000000000000000, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000}},
	},
	'l': {
		{`"logprobs":`, respSkipped, [3]uint64{0x626f7270676f6c22, 0x00000000003a2273, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x0000000000ffffff, 0x0000000000000000}},
	},
	'm': {
		{`"message":`, rfMessage, [3]uint64{0x6567617373656d22, 0x0000000000003a22, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x000000000000ffff, 0x0000000000000000}},
	},
	'n': {
		{`"name":`, rfName, [3]uint64{0x003a22656d616e22, 0x0000000000000000, 0x0000000000000000}, [3]uint64{0x00ffffffffffffff, 0x0000000000000000, 0x0000000000000000}},
	},
	'o': {
		{`"output_index":`, rfOutputIndex, [3]uint64{0x5f74757074756f22, 0x003a227865646e69, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x00ffffffffffffff, 0x0000000000000000}},
		{`"obfuscation":`, respSkipped, [3]uint64{0x6163737566626f22, 0x00003a226e6f6974, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x0000ffffffffffff, 0x0000000000000000}},
	},
	'p': {
		{`"part":`, rfPart, [3]uint64{0x003a227472617022, 0x0000000000000000, 0x0000000000000000}, [3]uint64{0x00ffffffffffffff, 0x0000000000000000, 0x0000000000000000}},
	},
	'r': {
		{`"response":`, rfResponse, [3]uint64{0x736e6f7073657222, 0x00000000003a2265, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x0000000000ffffff, 0x0000000000000000}},
		{`"refusal":`, rfRefusal, [3]uint64{0x6c61737566657222, 0x0000000000003a22, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0x000000000000ffff, 0x0000000000000000}},
	},
	's': {
		{`"sequence_number":`, rfSeq, [3]uint64{0x636e657571657322, 0x7265626d756e5f65, 0x0000000000003a22}, [3]uint64{0xffffffffffffffff, 0xffffffffffffffff, 0x000000000000ffff}},
		{`"summary_index":`, rfSummaryIndex, [3]uint64{0x7972616d6d757322, 0x3a227865646e695f, 0x0000000000000000}, [3]uint64{0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000000}},
	},
	't': {
		{`"type":`, rfType, [3]uint64{0x003a226570797422, 0x0000000000000000, 0x0000000000000000}, [3]uint64{0x00ffffffffffffff, 0x0000000000000000, 0x0000000000000000}},
		{`"text":`, rfText, [3]uint64{0x003a227478657422, 0x0000000000000000, 0x0000000000000000}, [3]uint64{0x00ffffffffffffff, 0x0000000000000000, 0x0000000000000000}},
	},
}

// respKeysTemplate is decodeFastResponses for an object whose keys are
// all among respKeyLits (issue 16), in any order, as OpenAI and the
// servers that copy it write events: each key is compared in one go with
// the names that begin with its first letter, colon included, rather than
// scanned and looked up; the strings, integers and empty arrays that most
// values are, are scanned here, the other values by jsonscan.SkipAt, as
// the general path scans them. Any other key (escaped, of another case,
// unknown), white space after the opening brace or before a colon, or a
// repeated member gives up, and the general path reads the event.
func respKeysTemplate(data []byte, e *respEvent) bool {
	if len(data) < 2 || data[0] != '{' || data[1] != '"' {
		return false
	}
	e.set, e.typ = 0, ""
	for i, n := 1, 0; ; n++ {
		// data[i] is the opening quote of the n-th key.
		if i+1 >= len(data) || data[i+1] >= 0x80 {
			return false
		}
		// The 24 bytes from the key's quote, zero-padded at the end of
		// data: no literal matches a zero byte, and no literal is longer.
		var x0, x1, x2 uint64
		if i+24 <= len(data) {
			x0 = binary.LittleEndian.Uint64(data[i:])
			x1 = binary.LittleEndian.Uint64(data[i+8:])
			x2 = binary.LittleEndian.Uint64(data[i+16:])
		} else {
			var pad [24]byte
			copy(pad[:], data[i:])
			x0 = binary.LittleEndian.Uint64(pad[0:])
			x1 = binary.LittleEndian.Uint64(pad[8:])
			x2 = binary.LittleEndian.Uint64(pad[16:])
		}
		var k *respKeyLit
		if n < len(e.order) {
			if l := e.order[n]; l != nil && l.match(x0, x1, x2) {
				k = l
			}
		}
		if k == nil {
			lits := respKeyLits[data[i+1]]
			for j := range lits {
				if l := &lits[j]; l.match(x0, x1, x2) {
					k = l
					break
				}
			}
			if k == nil {
				return false
			}
			if n < len(e.order) {
				e.order[n] = k
			}
		}
		i += len(k.lit)
		if i >= len(data) {
			return false
		}
		start, ok := i, true
		switch c := data[i]; {
		case c == '"':
			n := 0
			switch k.f {
			case rfType:
				var t string
				if t, n = respDeltaType(data[i:]); n > 0 {
					e.typ = t
				}
			case rfItemID:
				n = e.itemID.at(data[i:])
			}
			if n > 0 {
				i += n
				break
			}
			i, ok = jsonscan.SkipString(data, i)
			if ok && k.f == rfItemID {
				e.itemID.set(data[start:i])
			}
		case '0' <= c && c <= '9':
			// An integer, or the start of a number that SkipAt reads. A
			// digit after a leading 0 is left for the check below to refuse.
			if i++; c != '0' {
				for i < len(data) && data[i]-'0' <= 9 {
					i++
				}
			}
			if i < len(data) && (data[i] == '.' || data[i]|0x20 == 'e') {
				start, i, ok = jsonscan.SkipAt(data, start)
			}
		case c == '[' && i+1 < len(data) && data[i+1] == ']':
			i += 2
		default:
			start, i, ok = jsonscan.SkipAt(data, i)
		}
		if !ok {
			return false
		}
		if k.f != respSkipped {
			if e.set&(1<<k.f) != 0 {
				return false
			}
			e.set |= 1 << k.f
			e.raw[k.f] = data[start:i]
		}
		// A comma and the next key's quote, else the end of the object:
		// white space around them is looked for only when the next byte
		// is not what compact JSON has.
		if i < len(data) && data[i] != ',' {
			i = respSpace(data, i)
		}
		if i >= len(data) || data[i] != ',' {
			return i < len(data) && data[i] == '}' && respSpace(data, i+1) == len(data)
		}
		if i++; i < len(data) && data[i] != '"' {
			i = respSpace(data, i)
		}
		if i >= len(data) || data[i] != '"' {
			return false
		}
	}
}

// respDeltaType returns the name of the delta event type that the JSON
// string at the start of b is, as respTypeName names it, and the string's
// length; 0 when it is none of them. The most frequent events of a stream
// are deltas: their type is compared in pieces of at most 16 bytes, which
// the compiler compares inline, rather than scanned for its end and then
// compared with respTypeName's cases.
func respDeltaType(b []byte) (string, int) {
	if len(b) < len(`"response.output_text.delta"`) || string(b[:10]) != `"response.` {
		return "", 0
	}
	switch {
	case string(b[10:26]) == "output_text.delt" && string(b[26:28]) == `a"`:
		return "response.output_text.delta", 28
	case len(b) < len(`"response.reasoning_text.delta"`):
	case string(b[10:26]) == "reasoning_text.d" && string(b[26:31]) == `elta"`:
		return "response.reasoning_text.delta", 31
	case len(b) < len(`"response.reasoning_summary_text.delta"`):
	case string(b[10:26]) == "reasoning_summar" && string(b[26:39]) == `y_text.delta"`:
		return "response.reasoning_summary_text.delta", 39
	case len(b) < len(`"response.function_call_arguments.delta"`):
	case string(b[10:26]) == "function_call_ar" && string(b[26:40]) == `guments.delta"`:
		return "response.function_call_arguments.delta", 40
	}
	return "", 0
}

// respSpace returns the index of the first byte at or after i that is not
// JSON white space, or len(data).
func respSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// respFieldOf returns the member a key names.
func respFieldOf(key []byte) (respField, bool) {
	switch string(key) {
	case "type":
		return rfType, true
	case "sequence_number":
		return rfSeq, true
	case "response":
		return rfResponse, true
	case "item":
		return rfItem, true
	case "item_id":
		return rfItemID, true
	case "output_index":
		return rfOutputIndex, true
	case "content_index":
		return rfContentIndex, true
	case "summary_index":
		return rfSummaryIndex, true
	case "delta":
		return rfDelta, true
	case "text":
		return rfText, true
	case "refusal":
		return rfRefusal, true
	case "arguments":
		return rfArguments, true
	case "input":
		return rfInput, true
	case "name":
		return rfName, true
	case "code":
		return rfCode, true
	case "message":
		return rfMessage, true
	case "error":
		return rfError, true
	case "annotation":
		return rfAnnotation, true
	case "part":
		return rfPart, true
	}
	return 0, false
}

// respValue reads the member marked bit of seen (a repeated one gives up)
// into *dst as a slice of the input, not a copy.
func respValue(s *jsonscan.Scanner, seen *jsonscan.Seen, bit uint32, dst *json.RawMessage) bool {
	if !seen.First(bit) {
		return false
	}
	v, ok := s.Value()
	*dst = v
	return ok
}

// decodeFastRespResponse decodes a response object into r (zero on entry)
// exactly as encoding/json would, or returns false, leaving r to be reset. Its
// raw members are slices of data; its id and model are shared through st.
// Only the few members the parser reads are decoded: the rest (the
// request's echo, tools, instructions) are only validated.
func decodeFastRespResponse(data []byte, r *respResponse, st *respFast) bool {
	s := jsonscan.New(data)
	var seen jsonscan.Seen
	value := func(bit uint32, dst *json.RawMessage) bool { return respValue(&s, &seen, bit, dst) }
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return seen.First(1<<0) && s.String(&r.ID, func(b []byte) string { return jsonscan.Same(b, &st.id) })
		case "model":
			return seen.First(1<<1) && s.String(&r.Model, func(b []byte) string { return jsonscan.Same(b, &st.model) })
		case "status":
			return seen.First(1<<2) && s.String(&r.Status, internRespStatus)
		case "usage":
			return value(1<<3, &r.Usage)
		case "error":
			return value(1<<4, &r.Error)
		case "incomplete_details":
			return value(1<<5, &r.IncompleteDetails)
		case "output":
			return value(1<<6, &r.Output)
		}
		return s.Unknown(key, "id", "model", "status", "usage", "error", "incomplete_details", "output")
	})
	return ok && s.End()
}

// internRespStatus returns the constant for a known response status.
func internRespStatus(b []byte) string {
	switch string(b) {
	case "in_progress":
		return "in_progress"
	case "completed":
		return "completed"
	case "incomplete":
		return "incomplete"
	case "failed":
		return "failed"
	case "queued":
		return "queued"
	}
	return string(b)
}

// decodeFastRespItem decodes an output item into it (zero on entry)
// exactly as encoding/json would, or returns false, leaving it to be reset.
// Its content and summary are slices of data.
func decodeFastRespItem(data []byte, it *respItem) bool {
	s := jsonscan.New(data)
	var seen jsonscan.Seen
	value := func(bit uint32, dst *json.RawMessage) bool { return respValue(&s, &seen, bit, dst) }
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "type":
			return seen.First(1<<0) && s.String(&it.Type, internRespItemType)
		case "id":
			return seen.First(1<<1) && s.String(&it.ID, nil)
		case "call_id":
			return seen.First(1<<2) && s.String(&it.CallID, nil)
		case "name":
			return seen.First(1<<3) && s.String(&it.Name, nil)
		case "arguments":
			return seen.First(1<<4) && s.String(&it.Arguments, nil)
		case "input":
			return seen.First(1<<5) && s.String(&it.Input, nil)
		case "encrypted_content":
			var v json.RawMessage
			if !value(1<<6, &v) {
				return false
			}
			return it.EncryptedContent.UnmarshalJSON(v) == nil
		case "content":
			return value(1<<7, &it.Content)
		case "summary":
			return value(1<<8, &it.Summary)
		}
		return s.Unknown(key, "type", "id", "call_id", "name", "arguments", "input", "encrypted_content", "content", "summary")
	})
	return ok && s.End()
}

// internRespItemType returns the constant for a common output item type.
func internRespItemType(b []byte) string {
	switch string(b) {
	case "message":
		return "message"
	case "reasoning":
		return "reasoning"
	case "function_call":
		return "function_call"
	case "custom_tool_call":
		return "custom_tool_call"
	}
	return string(b)
}
