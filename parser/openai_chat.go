package parser

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// openAIChatFormat is OpenAI Chat Completions, the shape that every
// OpenAI-compatible server copies: its members and its error object are
// the weakest evidence of their kind, and an HTTP error body with nothing
// to detect from is read as chat.
var openAIChatFormat = Format{
	Name: "openai-chat", Vendor: "openai", Aliases: []string{"openai", "chat", "OPENAI"},
	New: newOpenAIChat, detect: detectOpenAIChat,
	// OpenAI chat and legacy completions, OpenRouter generations.
	responseIDPrefixes: []string{"chatcmpl-", "cmpl-", "gen-"},
	errorBody:          true,
}

// chatProbe holds the members that detectOpenAIChat reads.
type chatProbe struct {
	Object  string          `json:"object"`
	Choices json.RawMessage `json:"choices"`
	Error   *struct{}       `json:"error"`
}

// detectOpenAIChat matches a chat.completion.chunk (or a whole
// chat.completion, or any object with choices), else an error object.
func detectOpenAIChat(ev *sse.Event) match {
	var p chatProbe
	switch {
	case !probeData(ev, &p):
		return noMatch
	case p.Object == "chat.completion.chunk" || p.Object == "chat.completion" || p.Choices != nil:
		return matchCommonPayload
	case p.Error != nil:
		return matchCommonError
	}
	return noMatch
}

// openAIChat parses OpenAI Chat Completions streams and those of every
// OpenAI-compatible provider (Azure OpenAI, DeepSeek, Groq, Mistral,
// OpenRouter, Together, vLLM, xAI, Z.ai...): `data: <chat.completion.chunk>`
// events ended by `data: [DONE]`.
//
// Checked against the OpenAI API reference (the chunk object, stream_options
// include_usage), openai-python's ChatCompletionChunk types and
// lib/streaming/chat accumulator, and the providers' documentation and SDKs
// where they differ:
//
//   - Completion: `[DONE]` or a non-null finish_reason on choice 0 (a later
//     one replaces the stop reason: OpenRouter repeats it), except that a
//     stream whose chunks carry "usage": null (the request asked for usage:
//     include_usage) and that ends after its finish_reason without the
//     usage chunk and without [DONE] is incomplete, and so is one whose
//     request is known to have asked for usage (sc.UsageRequested, set
//     by the proxy from the request). finish_reason
//     "error" (OpenRouter, vLLM) also fails the stream when no error object
//     explains it.
//   - Text is choice 0's delta.content, a string, or (Mistral Magistral) an
//     array of parts: {"type":"text"} is text, {"type":"thinking",
//     "thinking":[{"type":"text"}...]} is reasoning (mistralai client-ts
//     ThinkChunk). delta.refusal is the visible answer of a refusal and is
//     appended to the text. Choices other than 0 (n>1) are counted and
//     named in one warning, and are not shown.
//   - Reasoning: reasoning_content (DeepSeek, xAI, Z.ai, older vLLM) or
//     reasoning (Groq, OpenRouter, newer vLLM). vLLM kept both names in
//     sync while it renamed the field (vllm-project/vllm#27752, #34030), so
//     when both are present reasoning_content alone is read (a different
//     reasoning is warned about once).
//     reasoning_details (OpenRouter's format) is a list of entries:
//     reasoning.text carries text, reasoning.summary a summary,
//     reasoning.encrypted only data. OpenRouter repeats there the text of
//     reasoning; Snowflake Cortex sends its reasoning only there. So the
//     entries' text and summary are read when no other field of the same
//     delta carries reasoning, and are never counted twice; encrypted
//     entries only mark generated content.
//   - Together (DeepSeek-R1) sends its reasoning inline as <think>...</think>
//     in delta.content; that is the content the provider sent, and it stays
//     in the text verbatim. Its choice.text duplicates delta.content and is
//     read only for a legacy completions chunk, which has no delta.
//   - Tool calls: delta.tool_calls fragments keyed by their index, id and
//     function.name on the first fragment, function.arguments pieces
//     appended (an id that changes under one index is warned about, and the
//     fragments stay merged by index). A fragment without index continues
//     the last call unless it brings a new id; a whole message's calls,
//     which have no index, are keyed by position. The legacy
//     delta.function_call is one more call.
//   - Usage: the top-level usage object (null on content chunks; alone on a
//     `choices: []` chunk with include_usage, sometimes followed by another
//     chunk whose "usage": null must not erase it) and Groq's x_groq.usage,
//     same shape. cached = prompt_tokens_details.cached_tokens, else
//     DeepSeek's prompt_cache_hit_tokens (DeepSeek SDK docs: the details'
//     cached_tokens is the "same as" it; the capture carries both), else
//     Together's top-level usage.cached_tokens (in the capture). xAI counts
//     reasoning outside completion_tokens (Google Cloud's Grok reasoning
//     guide: reasoning_tokens are "separated from the completion_tokens";
//     the xAI capture: total 303 = 12 + 1 + 290): when the numbers show
//     that, output adds the reasoning tokens back (DESIGN.md). The test is
//     on the numbers, not the provider name, as gateways relay xAI under
//     other names; OpenRouter's grok-4 usage already includes reasoning
//     (687 + 187 = 874) and is left alone.
//   - The response id is the first non-empty chunk id. Every chunk of a
//     completion repeats it, but Groq's compound systems send a new id on
//     every chunk and "stub" on the last: a changed id is warned about
//     once, and the first is kept.
//   - Beyond the token keys (openai_chat_details.go): the usage object's
//     other counts (usage_details), the provider's cost (OpenRouter's
//     usage.cost, Perplexity's usage.cost.total_cost, xAI's
//     cost_in_usd_ticks), its timings (Groq's usage or x_groq.usage,
//     Cerebras' time_info, llama.cpp's timings), citations (url_citation
//     annotations, Perplexity's and xAI's citations, Perplexity's
//     search_results) and Groq's executed_tools as server tool calls.
//   - Errors: a top-level "error" member in any chunk (OpenRouter puts it
//     next to usage, which still counts), `event: error` (Groq), vLLM's
//     {"object":"error","message":...}. Their type and message come from
//     errorPayload.info.
//   - Tolerated with one warning each: empty data events, events after
//     [DONE], unknown event types (their data is still read when it is a
//     JSON object: a chat chunk means the same whatever its event name).
type openAIChat struct {
	// own is the decoding of the event being handled, unless it was
	// decoded ahead (aheadParser).
	own  chatDecoded
	fast chatFast // decodeFastChat's state, for own
	// arena holds own's decoded content, when the text is kept
	// (chatStore.arena).
	arena []byte
	// templated and its delta are the decoding of an event decoded ahead
	// in the compact form (chatTemplated), filled in for event.
	templated      chatDecoded
	templatedDelta chatDelta

	done      bool // [DONE] seen
	choice0   bool // choice 0 seen
	finished  bool // a finish_reason on choice 0 seen
	finishErr bool // finish_reason "error" seen on choice 0
	// usageNull says that a chunk carried "usage": null, which only a
	// request asking for usage gets; usageCame that a usage object came.
	usageNull, usageCame bool

	// choices holds the choice indexes seen other than 0.
	choices map[int]bool
	// tools are the tool calls of choice 0, in order of appearance.
	tools []chatTool
	// last is the index in tools of the call the last fragment went to.
	last int
	// id is the first non-empty chunk id: the response id.
	id string
	// limit tells whether the last finish_reason was "length".
	limit outputLimit
	// details is reused to decode reasoning_details.
	details []chatReasoningDetail
	// lastCitations and lastSearchResults are the last lists read
	// (Perplexity repeats them on every chunk).
	lastCitations, lastSearchResults json.RawMessage
	// warned holds the oddities already warned about (one warning each).
	warned onceWarnings
}

// chatTool is the parser's state of one tool call.
type chatTool struct {
	index int    // the wire index, or chatNoIndex, chatFunctionCallIndex
	key   string // the stream context's key
	id    string
}

// newOpenAIChat returns a parser for one OpenAI-compatible chat stream.
func newOpenAIChat() Parser { return &openAIChat{last: -1} }

// chatChunk holds the members of a chat.completion.chunk (or of a whole
// chat.completion, or of an error payload) that the parser reads. One is
// reused, reset before each decode.
type chatChunk struct {
	ID      string          `json:"id"`
	Model   string          `json:"model"`
	Object  string          `json:"object"`
	Choices []chatChoice    `json:"choices"`
	Usage   json.RawMessage `json:"usage"`
	XGroq   struct {
		Usage json.RawMessage `json:"usage"`
	} `json:"x_groq"`
	Error json.RawMessage `json:"error"`

	// Provider extras (openai_chat_details.go): Cerebras' time_info,
	// llama.cpp's timings, Perplexity's and xAI's citations, Perplexity's
	// search_results.
	TimeInfo      json.RawMessage `json:"time_info"`
	Timings       json.RawMessage `json:"timings"`
	Citations     json.RawMessage `json:"citations"`
	SearchResults json.RawMessage `json:"search_results"`

	// An error payload without an "error" member: {"type":"error",...}
	// or vLLM's {"object":"error","type":...,"message":...,"code":...}.
	// Raw, so that a chunk where these names mean something else does
	// not fail to decode.
	Type    json.RawMessage `json:"type"`
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
}

type chatChoice struct {
	Index        int        `json:"index"`
	Delta        *chatDelta `json:"delta"`
	Message      *chatDelta `json:"message"` // a whole chat.completion
	Text         *string    `json:"text"`    // a legacy completions chunk
	FinishReason string     `json:"finish_reason"`
}

// chatDelta is a chunk's delta, or a whole completion's message.
type chatDelta struct {
	Content          chatContent     `json:"content"`
	Refusal          string          `json:"refusal"`
	ReasoningContent string          `json:"reasoning_content"`
	Reasoning        string          `json:"reasoning"`
	ReasoningDetails json.RawMessage `json:"reasoning_details"`
	ToolCalls        []chatToolCall  `json:"tool_calls"`
	FunctionCall     *chatFunction   `json:"function_call"`
	Annotations      json.RawMessage `json:"annotations"`    // url_citation...
	ExecutedTools    json.RawMessage `json:"executed_tools"` // Groq compound
}

type chatToolCall struct {
	Index    *int         `json:"index"`
	ID       string       `json:"id"`
	Function chatFunction `json:"function"`
}

type chatFunction struct {
	Name      string   `json:"name"`
	Arguments chatText `json:"arguments"`
}

// chatContent is delta.content: a string, null, or (Mistral) an array of
// content parts.
type chatContent struct {
	text  string
	parts []chatPart
	// raw, when not nil, is the text, decoded by decodeFastChatInto into
	// bytes instead (chatStore.arena): borrowed, valid while the chunk is
	// handled.
	raw []byte
}

type chatPart struct {
	Type     string          `json:"type"`
	Text     string          `json:"text"`
	Thinking json.RawMessage `json:"thinking"`
}

var errChatContent = errors.New("content is neither a string nor an array of parts")

// UnmarshalJSON decodes a string, null or an array of parts.
func (c *chatContent) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '"':
		return json.Unmarshal(b, &c.text)
	case '[':
		return json.Unmarshal(b, &c.parts)
	case 'n':
		return nil
	}
	return errChatContent
}

// chatText is a string that may arrive as another JSON value: tool-call
// arguments are a JSON string, but some compatible servers send the
// arguments object itself, kept then as its JSON text. null is "".
type chatText string

// UnmarshalJSON decodes a string, or keeps any other value's JSON text.
func (t *chatText) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '"':
		var s string
		err := json.Unmarshal(b, &s)
		*t = chatText(s)
		return err
	case 'n':
		return nil
	}
	*t = chatText(b)
	return nil
}

type chatUsage struct {
	PromptTokens         *int64 `json:"prompt_tokens"`
	CompletionTokens     *int64 `json:"completion_tokens"`
	TotalTokens          *int64 `json:"total_tokens"`
	CachedTokens         *int64 `json:"cached_tokens"`           // Together
	PromptCacheHitTokens *int64 `json:"prompt_cache_hit_tokens"` // DeepSeek
	PromptTokensDetails  *struct {
		CachedTokens *int64 `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails *struct {
		ReasoningTokens *int64 `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

// Tool-call indexes outside the wire's range: fragments without index,
// and the legacy delta.function_call.
const (
	chatNoIndex           = math.MinInt
	chatFunctionCallIndex = math.MinInt + 1
)

var chatDone = []byte("[DONE]")

// Event handles one SSE event.
// Ended: a finish_reason on choice 0 (see softEnder).
func (p *openAIChat) Ended() bool { return p.finished }

func (p *openAIChat) Event(sc *streamctx.Context, ev *sse.Event) { p.event(sc, ev, nil) }

// chatDecoded is the decoding of one event's data, an object, as the
// parser reads it: the chunk, and encoding/json's error when the fast path
// gave up, with what the parser derives from the chunk alone (derive).
// The chunk may point into the chatStore given to decode.
type chatDecoded struct {
	data  []byte // the event's data, trimmed
	chunk chatChunk
	err   error
	// usage and groqUsage are the chunk's usage and x_groq.usage.
	usage, groqUsage chatUsageDecoded
}

// chatUsageDecoded is a usage member of a chunk: absent, null, or a value,
// decoded (with encoding/json's error).
type chatUsageDecoded struct {
	raw  json.RawMessage // trimmed
	kind chatRawKind
	u    chatUsage
	err  error
}

// chatRawKind tells a raw member absent, null or another value.
type chatRawKind uint8

const (
	chatRawAbsent chatRawKind = iota
	chatRawNull
	chatRawValue
)

// of decodes raw, a usage member.
func (du *chatUsageDecoded) of(raw json.RawMessage) {
	// du.u is zero unless du.kind is chatRawValue (derive and of keep it
	// so): a slot reused for chunks with "usage": null clears nothing.
	if du.kind == chatRawValue {
		du.u = chatUsage{}
	}
	du.raw, du.err = trimSpace(raw), nil
	switch {
	case len(du.raw) == 0:
		du.kind = chatRawAbsent
	case string(du.raw) == "null": // a constant: compared inline, with no call
		du.kind = chatRawNull
	default:
		du.kind = chatRawValue
		du.err = json.Unmarshal(du.raw, &du.u)
	}
}

// derive works out what the parser reads of d's chunk beyond its members:
// its usage members decoded. Part of decode: ahead, it runs on the
// decoders.
func (d *chatDecoded) derive(data []byte) {
	d.data = data
	if d.err != nil {
		d.usage = chatUsageDecoded{}
		d.groqUsage = chatUsageDecoded{}
		return
	}
	d.usage.of(d.chunk.Usage)
	d.groqUsage.of(d.chunk.XGroq.Usage)
}

// decode decodes data, an object, into d: the fast path with st and b,
// else encoding/json. st.skipText must be set. The one decoding of both
// the sequential replay and the decoders ahead.
func (d *chatDecoded) decode(data []byte, st *chatFast, b *chatStore) {
	clear(d.chunk.Choices[:cap(d.chunk.Choices)])
	d.chunk = chatChunk{Choices: d.chunk.Choices[:0]}
	d.err = nil
	if !decodeFastChatInto(data, &d.chunk, st, b) {
		clear(d.chunk.Choices[:cap(d.chunk.Choices)])
		d.chunk = chatChunk{Choices: d.chunk.Choices[:0]}
		d.err = json.Unmarshal(data, &d.chunk)
	}
	d.derive(data)
}

// decodeFresh is decode for the decoders ahead: d.chunk.Choices is an
// empty window on an array that is not zeroed (the fast path appends zero
// choices), and encoding/json, which would reuse that array's elements as
// they are, gets a new one instead. The chunk decodes to the same values.
func (d *chatDecoded) decodeFresh(data []byte, st *chatFast, b *chatStore) {
	d.chunk = chatChunk{Choices: d.chunk.Choices[:0]}
	d.err = nil
	if !decodeFastChatInto(data, &d.chunk, st, b) {
		d.chunk = chatChunk{}
		d.err = json.Unmarshal(data, &d.chunk)
	}
	d.derive(data)
}

// chatAhead holds the decodings of a batch of events (aheadParser): ok[i]
// tells that evs[i] is the decoding of the i-th event, exactly as Event
// would have decoded it. Each event has its own storage, reused from one
// batch to the next; its arrays (the choices, the tool calls of choice 0,
// the copy of the usage) are windows on arrays of the batch (see
// sliceArena), so that a new batch allocates a few arrays, not a few for
// each event. fast is decodeFastChat's state carried from one event of the
// batch to the next (its shared strings and its prefix only save work:
// they never change a decoding).
type chatAhead struct {
	fast  chatFast
	arena []byte // the batch's decoded content (chatStore.arena)
	aheadSlots[chatAheadEvent]
	// templated holds the events of the dominant shape, decoded in a
	// compact form (an eighth of a chatAheadEvent's size): fewer bytes to
	// write here and to read on the parser's goroutine, on the other
	// core. An event is in templated or in aheadSlots, or in neither.
	templated aheadSlots[chatTemplated]
	choices   sliceArena[chatChoice]
	toolCalls sliceArena[chatToolCall]
	usage     sliceArena[byte]
}

// chatAheadEvent is the decoding of one event of a batch, with the
// storage it points into.
type chatAheadEvent struct {
	chatDecoded
	store chatStore
}

func (p *openAIChat) newAhead(sc *streamctx.Context) aheadBatch {
	return &chatAhead{fast: chatFast{skipText: !sc.CollectsText()}}
}

func (a *chatAhead) decode(evs []sse.Event) {
	a.reset(len(evs))
	a.templated.reset(len(evs))
	size := dataSize(evs)
	// Guesses for the first batch: a choice and a tool call per event (a
	// stream of tool calls has one in each chunk), and usage members
	// ("usage": null on every chunk, or an object) an eighth of the data.
	a.choices.reset(len(evs))
	a.toolCalls.reset(len(evs))
	a.usage.reset(size / 8)
	var arena *[]byte
	if !a.fast.skipText {
		a.arena = reuseArena(a.arena) // the last batch's events are handled
		arena = &a.arena
	}
	for i := range evs {
		if string(evs[i].Type) == "error" { // errorEvent decodes nothing
			continue
		}
		data := trimSpace(evs[i].Data)
		if len(data) == 0 || data[0] != '{' {
			continue
		}
		if a.templated.evs[i].read(data, &a.fast, arena) {
			a.templated.ok[i] = true
			continue
		}
		d := &a.evs[i]
		d.chunk.Choices = a.choices.window()
		d.store.toolCalls, d.store.usage = a.toolCalls.window(), a.usage.window()
		d.store.arena = arena
		d.decodeFresh(data, &a.fast, &d.store)
		a.choices.keep(d.chunk.Choices)
		a.toolCalls.keep(d.store.toolCalls)
		a.usage.keep(d.store.usage)
		a.ok[i] = true
	}
}

func (p *openAIChat) eventAhead(sc *streamctx.Context, ev *sse.Event, a aheadBatch, i int) {
	aa := a.(*chatAhead)
	if t := aa.templated.at(i); t != nil {
		t.fill(&p.templated, &p.templatedDelta)
		if sc.ChunksKept() {
			p.templated.data = trimSpace(ev.Data)
		}
		p.event(sc, ev, &p.templated)
		return
	}
	if d := aa.at(i); d != nil {
		p.event(sc, ev, &d.chatDecoded)
		return
	}
	p.event(sc, ev, nil)
}

// event handles one SSE event, decoded ahead when pre is not nil.
func (p *openAIChat) event(sc *streamctx.Context, ev *sse.Event, pre *chatDecoded) {
	var data []byte
	if pre != nil {
		data = pre.data // trimmed ahead
	} else {
		data = trimSpace(ev.Data)
	}
	switch typ := string(ev.Type); typ {
	case "", "message":
	case "error":
		p.errorEvent(sc, ev, data)
		return
	default:
		p.warned.warn(sc, "event:"+typ, "line %d: unknown event type %q", ev.Line, typ)
		if len(data) == 0 || data[0] != '{' {
			return
		}
	}
	// A decoding ahead is of an object (chatAhead.decode): its data is
	// not read again here, on the parser's goroutine, where its first
	// byte was a cache miss at every chunk (the decoders read it on the
	// other core).
	if pre == nil {
		if bytes.Equal(data, chatDone) {
			p.done = true
			sc.MarkComplete()
			return
		}
		if len(data) == 0 {
			p.warned.warn(sc, "empty", "line %d: an event with empty data was ignored", ev.Line)
			return
		}
		if data[0] != '{' {
			err := errNotObject
			if !json.Valid(data) {
				err = json.Unmarshal(data, new(json.RawMessage))
			}
			sc.BadEvent(ev.Line, "chat completion chunk", err)
			return
		}
	}

	d := pre
	if d == nil {
		p.fast.skipText = !sc.CollectsText()
		p.fast.store.arena = nil
		if sc.CollectsText() {
			p.arena = reuseArena(p.arena)
			p.fast.store.arena = &p.arena
		}
		p.own.decode(data, &p.fast, &p.fast.store)
		d = &p.own
	}
	data = d.data
	err := d.err
	if err != nil && isSyntaxError(err) {
		sc.BadEvent(ev.Line, "chat completion chunk", err)
		return
	}
	sc.AddChunk(data)
	if err != nil {
		sc.BadEvent(ev.Line, "chat completion chunk", decodeError("", err))
		// Whatever else is wrong, an error the chunk carries counts.
		if typ, msg, ok := errorInfo(data); ok {
			sc.SetError(typ, msg)
		}
		return
	}

	c := &d.chunk
	sc.SetModel(c.Model)
	p.responseID(sc, c.ID, ev.Line)
	p.inBandError(sc, c)
	for i := range c.Choices {
		p.choice(sc, &c.Choices[i], ev.Line)
	}
	p.updateUsage(sc, ev, "x_groq.usage", &d.groqUsage)
	p.updateUsage(sc, ev, "usage", &d.usage)
	if chatNonEmpty(c.TimeInfo) {
		chatTimeInfo(sc, c.TimeInfo)
	}
	if chatNonEmpty(c.Timings) {
		chatTimings(sc, c.Timings)
	}
	if sc.CollectsText() {
		p.chatCitations(sc, c)
	}
}

// noteUsage notes whether a chunk's usage member is null or a usage
// object (see End).
func (p *openAIChat) noteUsage(kind chatRawKind) {
	switch kind {
	case chatRawNull:
		p.usageNull = true
	case chatRawValue:
		p.usageCame = true
	}
}

// End is called at the end of input.
func (p *openAIChat) End(sc *streamctx.Context) {
	if len(p.choices) > 0 {
		n := len(p.choices)
		if p.choice0 {
			n++
		}
		sc.Warn("the stream has %d choices (n>1); only choice 0 is shown", n)
	}
	if p.finishErr {
		// No-op when an error object already explained the failure.
		sc.SetError("error", `the stream ended with finish_reason "error"`)
	}
	switch {
	case sc.Complete(): // [DONE]
	case p.finished && p.usageNull && !p.usageCame:
		sc.Warn(`the stream ended after its finish_reason, without the usage chunk that its "usage": null members announce (the request asked for usage) and without [DONE]: it is incomplete`)
	case p.finished && sc.UsageRequested && !p.usageCame:
		sc.Warn(`the stream ended after its finish_reason, without the usage chunk that the request asked for (stream_options.include_usage) and without [DONE]: it is incomplete`)
	case p.finished:
		sc.MarkComplete()
	case !sc.Failed():
		sc.Warn("the stream ended without [DONE] and without a finish_reason: it is incomplete")
	}
	p.limit.warn(sc)
}

// responseID takes the first non-empty chunk id, on line, as the response
// id, and warns once when a later chunk brings another.
func (p *openAIChat) responseID(sc *streamctx.Context, id string, line int) {
	switch {
	case id == "" || id == p.id:
	case p.id == "":
		p.id = id
		sc.SetResponseID(id)
	default:
		p.warned.warn(sc, "id", "line %d: the chunk id changed from %q to %q; the first one is the response id", line, p.id, id)
	}
}

// errorEvent handles `event: error` (Groq): its data is an error payload,
// or else its text is the message.
func (p *openAIChat) errorEvent(sc *streamctx.Context, ev *sse.Event, data []byte) {
	if len(data) > 0 && data[0] == '{' && json.Valid(data) {
		sc.AddChunk(data)
		if typ, msg, ok := errorInfo(data); ok {
			sc.SetError(typ, msg)
			return
		}
		var e struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Message != "" {
			sc.SetError(cmp.Or(e.Type, "error"), e.Message)
			return
		}
	}
	msg := string(data)
	if msg == "" {
		msg = fmt.Sprintf("line %d: an error event without data", ev.Line)
	}
	sc.SetError("error", msg)
}

// inBandError records the error a chunk carries: an "error" member, or an
// error payload at the top level.
func (p *openAIChat) inBandError(sc *streamctx.Context, c *chatChunk) {
	if len(c.Error) > 0 {
		ep := errorPayload{Error: c.Error}
		if typ, msg, ok := ep.info(); ok {
			sc.SetError(typ, msg)
			return
		}
	}
	typeError := len(c.Type) > 0 && bytes.Equal(trimSpace(c.Type), []byte(`"error"`))
	if c.Object != "error" && !typeError {
		return
	}
	var o errorObject
	_ = json.Unmarshal(c.Message, &o.Message)
	if !typeError {
		_ = json.Unmarshal(c.Type, &o.Type)
	}
	o.Code = c.Code
	sc.SetError(o.typeName(), o.Message)
}

// choice handles one choice of a chunk, which is on line.
func (p *openAIChat) choice(sc *streamctx.Context, ch *chatChoice, line int) {
	if ch.Index != 0 {
		if p.choices == nil {
			p.choices = make(map[int]bool)
		}
		p.choices[ch.Index] = true
		return
	}
	p.choice0 = true
	d, whole := ch.Delta, false
	if d == nil {
		d, whole = ch.Message, true
	}
	switch {
	case d != nil:
		p.delta(sc, d, whole)
	case ch.Text != nil:
		sc.AppendText(*ch.Text)
	}
	if ch.FinishReason != "" {
		p.finished = true
		if ch.FinishReason == "error" {
			p.finishErr = true
		}
		sc.SetStopReason(ch.FinishReason)
		p.limit.stop(ch.FinishReason, "length", line)
	}
}

// delta handles choice 0's delta (or whole message).
func (p *openAIChat) delta(sc *streamctx.Context, d *chatDelta, whole bool) {
	switch {
	case d.ReasoningContent != "":
		if d.Reasoning != "" && d.Reasoning != d.ReasoningContent {
			p.warned.warn(sc, "two-reasoning", "a delta carries both reasoning_content and a different reasoning; reasoning_content was read")
		}
		sc.AppendThinking(d.ReasoningContent)
	case d.Reasoning != "":
		sc.AppendThinking(d.Reasoning)
	case sc.CollectsText() && chatNonEmpty(d.ReasoningDetails):
		p.reasoningDetails(sc, d.ReasoningDetails)
	}
	if chatNonEmpty(d.ReasoningDetails) {
		sc.MarkContent()
	}
	if d.Content.raw != nil {
		sc.AppendTextBytes(d.Content.raw)
	} else {
		sc.AppendText(d.Content.text)
	}
	for i := range d.Content.parts {
		p.part(sc, &d.Content.parts[i])
	}
	sc.AppendText(d.Refusal)
	for i := range d.ToolCalls {
		p.toolCall(sc, &d.ToolCalls[i], i, whole)
	}
	if f := d.FunctionCall; f != nil {
		// The legacy function_call: one call, never indexed.
		t := &p.tools[p.toolAt(chatFunctionCallIndex)]
		sc.ToolDelta(t.key, "", f.Name, string(f.Arguments))
	}
	if sc.CollectsText() {
		if chatNonEmpty(d.Annotations) {
			chatAnnotations(sc, d.Annotations)
		}
		if chatNonEmpty(d.ExecutedTools) {
			chatExecutedTools(sc, d.ExecutedTools)
		}
	}
}

// chatReasoningDetail is one entry of delta.reasoning_details.
type chatReasoningDetail struct {
	Type    string `json:"type"`
	Text    string `json:"text"`
	Summary string `json:"summary"`
}

// reasoningDetails appends the reasoning of a delta's reasoning_details,
// read only when no other field of the delta carries reasoning (and only
// with CollectsText: without it, the entries only mark content).
func (p *openAIChat) reasoningDetails(sc *streamctx.Context, raw json.RawMessage) {
	clear(p.details[:cap(p.details)])
	p.details = p.details[:0]
	if err := json.Unmarshal(raw, &p.details); err != nil {
		p.warned.warn(sc, "reasoning-details", "reasoning_details is not a list of reasoning entries; its text was not read")
		return
	}
	for i := range p.details {
		switch e := &p.details[i]; e.Type {
		case "reasoning.text":
			sc.AppendThinking(e.Text)
		case "reasoning.summary":
			sc.AppendThinking(e.Summary)
		}
	}
}

// part handles one Mistral content part.
func (p *openAIChat) part(sc *streamctx.Context, part *chatPart) {
	switch part.Type {
	case "text":
		sc.AppendText(part.Text)
	case "thinking":
		th := bytes.TrimSpace(part.Thinking)
		if len(th) == 0 {
			return
		}
		if th[0] == '"' {
			var s string
			if json.Unmarshal(th, &s) == nil {
				sc.AppendThinking(s)
			}
			return
		}
		var inner []chatPart
		if json.Unmarshal(th, &inner) != nil {
			p.warned.warn(sc, "thinking-shape", "a thinking content part is neither text nor a list of parts; ignored")
			return
		}
		for i := range inner {
			switch inner[i].Type {
			case "text":
				sc.AppendThinking(inner[i].Text)
			case "reference":
			default:
				p.warned.warn(sc, "part:"+inner[i].Type, "content part type %q in thinking ignored", inner[i].Type)
			}
		}
	case "reference":
		// Citation markers (Mistral ReferenceChunk): no text.
	default:
		p.warned.warn(sc, "part:"+part.Type, "content part type %q ignored", part.Type)
	}
}

// toolCall handles one tool-call fragment of choice 0. pos is its position
// in the array: the key of a whole message's calls, which carry no index.
func (p *openAIChat) toolCall(sc *streamctx.Context, f *chatToolCall, pos int, whole bool) {
	var i int
	switch {
	case f.Index != nil:
		i = p.toolAt(*f.Index)
	case whole:
		i = p.toolAt(pos)
	case f.ID != "":
		i = p.toolByID(f.ID)
	case p.last >= 0:
		i = p.last
	default:
		i = p.toolAt(chatNoIndex)
	}
	p.last = i
	t := &p.tools[i]
	if f.ID != "" && t.id != "" && f.ID != t.id {
		p.warned.warn(sc, "tool-id:"+t.key, "tool call index %d changed its id from %q to %q; its fragments were merged by index", t.index, t.id, f.ID)
	}
	if f.ID != "" {
		t.id = f.ID
	}
	sc.ToolDelta(t.key, f.ID, f.Function.Name, string(f.Function.Arguments))
}

// toolAt returns the position in p.tools of the call with the wire index,
// creating it.
func (p *openAIChat) toolAt(index int) int {
	for i := range p.tools {
		if p.tools[i].index == index {
			return i
		}
	}
	return p.newTool(index, "")
}

// toolByID returns the position of the call with id, creating it (for
// fragments without index).
func (p *openAIChat) toolByID(id string) int {
	for i := range p.tools {
		if p.tools[i].id == id {
			return i
		}
	}
	return p.newTool(chatNoIndex, id)
}

func (p *openAIChat) newTool(index int, id string) int {
	p.tools = append(p.tools, chatTool{index: index, key: "chat:" + strconv.Itoa(len(p.tools)), id: id})
	return len(p.tools) - 1
}

// updateUsage merges a usage member, found at path, when it is an object.
func (p *openAIChat) updateUsage(sc *streamctx.Context, ev *sse.Event, path string, du *chatUsageDecoded) {
	p.noteUsage(du.kind)
	if du.kind != chatRawValue {
		return
	}
	if du.err != nil {
		sc.BadEvent(ev.Line, "chat completion chunk", decodeError("usage", du.err))
		return
	}
	raw, u := du.raw, &du.u
	cached := streamctx.Ptr(u.CachedTokens)
	cached = streamctx.Ptr(u.PromptCacheHitTokens).Or(cached)
	if d := u.PromptTokensDetails; d != nil {
		cached = streamctx.Ptr(d.CachedTokens).Or(cached)
	}
	var reasoning streamctx.Count
	if d := u.CompletionTokensDetails; d != nil {
		reasoning = streamctx.Ptr(d.ReasoningTokens)
	}
	output := streamctx.Ptr(u.CompletionTokens)
	if u.CompletionTokens != nil && reasoning.N > 0 {
		// xAI: completion_tokens leaves reasoning out. Told by the
		// total (prompt + completion + reasoning), or, without one
		// (a relay that drops it), by a completion smaller than its
		// reasoning, which cannot include it.
		out := *u.CompletionTokens
		excluded := out < reasoning.N
		if u.PromptTokens != nil && u.TotalTokens != nil {
			// Sums that overflow decide nothing (and are not equal).
			in, total := streamctx.Ptr(u.PromptTokens), *u.TotalTokens
			inOut := in.Plus(output)
			all := inOut.Plus(reasoning)
			excluded = !all.Overflow && total == all.N && (inOut.Overflow || total != inOut.N)
		}
		if excluded {
			output = output.Plus(reasoning)
		}
	}
	sc.UpdateUsage(streamctx.Usage{
		Input:     streamctx.Ptr(u.PromptTokens),
		Output:    output,
		CacheRead: cached,
		Reasoning: reasoning,
	}, raw)
	chatUsageDetails(sc, path, raw)
}

// chatNonEmpty reports whether raw is a JSON value other than null, [] and
// {} (and ""). An absent member costs no call.
func chatNonEmpty(raw json.RawMessage) bool { return len(raw) > 0 && chatNonEmptyValue(raw) }

func chatNonEmptyValue(raw json.RawMessage) bool {
	raw = trimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
		return false
	}
	if len(raw) >= 2 && (raw[0] == '[' || raw[0] == '{') {
		return len(bytes.TrimSpace(raw[1:len(raw)-1])) > 0
	}
	return true
}

// chatFast is what decodeFastChat keeps from one chunk to the next: the
// last id and model (every chunk repeats them: the strings are shared
// rather than copied again), and storage that the decoded chunk points to
// until the next decode: the delta of choice 0 (its tool calls too) and
// the usage.
type chatFast struct {
	// skipText is set when the stream context keeps no text: content,
	// refusal and a choice's text are then validated but not decoded, as
	// in geminiFast. (Reasoning is decoded all the same: the parser
	// compares reasoning_content with reasoning.)
	skipText  bool
	id, model string
	// store is the storage of decodeFastChat (decodeFastChatInto is
	// given its storage).
	store chatStore
	// prefix is the bytes of the last chunk up to its "choices" key when
	// the members before it were only id, model, object and members the
	// parser does not keep (created, service_tier, system_fingerprint):
	// a chunk that starts with the same bytes decodes them the same, to
	// seen and the three strings kept here, and is read from its
	// "choices" on (issue 16: within a stream, every chunk repeats them).
	prefix                []byte
	prefixSeen            jsonscan.Seen
	prefixID, prefixModel string
	prefixObject          string
}

// chatStore is the storage that a chunk decoded by decodeFastChatInto
// points to until the next decode into it: the delta of choice 0 (its
// tool calls too) and the usage.
type chatStore struct {
	usage     json.RawMessage // lent to the chunk's Usage (see jsonscan.Scanner.RawInto)
	delta     chatDelta
	toolCalls []chatToolCall // the backing array of delta's tool calls
	toolIndex int            // the index of delta's first tool call
	taken     bool           // delta holds this chunk's first delta
	// arena, when not nil (and the text is kept), is where a delta's
	// content is decoded, into its raw instead of a string of its own
	// (see anthropicArena): shared by the events of a batch decoded
	// ahead.
	arena *[]byte
}

// decodeFastChat decodes a chat.completion.chunk into c exactly as
// encoding/json would, or returns false, leaving c to be reset. c is zero on
// entry, but for its Choices, empty (their backing array zeroed). The
// delta of the first choice may be st.store.delta (its tool calls in
// st.store), and the usage shares st.store.usage: all are valid until the
// next decode with st. Content and tool-call chunks are the fast path;
// function_call, arguments that are not a string, content arrays, whole
// messages, x_groq and executed_tools are left to encoding/json. A chunk
// that repeats the bytes of the last chunk up to its "choices" (st.prefix)
// is read from there on, with what those bytes decoded to then.
func decodeFastChat(data []byte, c *chatChunk, st *chatFast) bool {
	return decodeFastChatInto(data, c, st, &st.store)
}

// decodeFastChatInto is decodeFastChat with the storage b instead of
// st.store: the chunk points into b, valid until the next decode into b.
func decodeFastChatInto(data []byte, c *chatChunk, st *chatFast, b *chatStore) bool {
	s := jsonscan.New(data)
	var seen jsonscan.Seen
	b.taken = false
	resumed := len(st.prefix) > 1 && len(data) > len(st.prefix) && bytes.HasPrefix(data, st.prefix)
	if resumed {
		seen = st.prefixSeen
		c.ID, c.Model, c.Object = st.prefixID, st.prefixModel, st.prefixObject
	}
	// plain is set while the members read are those a prefix may hold;
	// choicesAt is the offset of the "choices" key's opening quote.
	plain, choicesAt := !resumed, 0
	member := func(key []byte) bool {
		switch string(key) {
		case "id":
			return seen.First(1<<0) && s.String(&c.ID, func(b []byte) string { return jsonscan.Same(b, &st.id) })
		case "model":
			return seen.First(1<<1) && s.String(&c.Model, func(b []byte) string { return jsonscan.Same(b, &st.model) })
		case "object":
			return seen.First(1<<2) && s.String(&c.Object, internChatObject)
		case "choices":
			if plain {
				choicesAt = cap(data) - cap(key) - 1 // key is a slice of data
				plain = false
			}
			if !seen.First(1 << 3) {
				return false
			}
			if chatChoicesTemplate(&s, c, st.skipText, b) {
				return chatTailTemplate(&s, c, &seen)
			}
			return fastChatChoices(&s, c, st.skipText, b)
		case "usage":
			plain = false
			return seen.First(1<<4) && s.RawInto(&c.Usage, &b.usage)
		case "error":
			plain = false
			return seen.First(1<<5) && s.Raw(&c.Error)
		case "type":
			plain = false
			return seen.First(1<<6) && s.Raw(&c.Type)
		case "code":
			plain = false
			return seen.First(1<<7) && s.Raw(&c.Code)
		case "message":
			plain = false
			return seen.First(1<<8) && s.Raw(&c.Message)
		case "x_groq":
			return false
		case "obfuscation":
			// In every OpenAI chunk; no member name in any case, so
			// Unknown's comparisons can be spared.
			return s.Skip()
		case "time_info":
			plain = false
			return seen.First(1<<9) && s.Raw(&c.TimeInfo)
		case "timings":
			plain = false
			return seen.First(1<<10) && s.Raw(&c.Timings)
		case "citations":
			plain = false
			return seen.First(1<<11) && s.Raw(&c.Citations)
		case "search_results":
			plain = false
			return seen.First(1<<12) && s.Raw(&c.SearchResults)
		}
		return s.Unknown(key, "id", "model", "object", "choices", "usage", "x_groq", "error", "type", "code", "message",
			"time_info", "timings", "citations", "search_results")
	}
	var ok bool
	if resumed {
		ok = s.ObjectFrom(len(st.prefix), member)
	} else {
		// What the members before "choices" decoded (members after it may
		// set the same fields in this chunk only).
		var before jsonscan.Seen
		var id, model, object string
		ok = s.Object(func(key []byte) bool {
			if plain && string(key) == "choices" {
				before, id, model, object = seen, c.ID, c.Model, c.Object
			}
			return member(key)
		})
		st.prefix = st.prefix[:0]
		if ok && choicesAt > 1 && s.End() {
			st.prefix = append(st.prefix, data[:choicesAt]...)
			st.prefixSeen = before
			st.prefixID, st.prefixModel, st.prefixObject = id, model, object
		}
	}
	return ok && s.End()
}

func internChatObject(b []byte) string {
	if string(b) == "chat.completion.chunk" {
		return "chat.completion.chunk"
	}
	return string(b)
}

// The fixed parts of the dominant choices of OpenAI's chunks, one content
// delta (chatChoicesTemplate).
const (
	chatChoicesHead    = `[{"index":`
	chatChoicesContent = `,"delta":{"content":`
	chatChoicesLogp    = `},"logprobs":null`
	chatChoicesTail    = `,"finish_reason":null}]`
)

// chatChoicesTemplate decodes, as fastChatChoices would, the choices of
// the dominant shape of OpenAI's chunks (issue 16):
// [{"index":N,"delta":{"content":"..."},"logprobs":null,"finish_reason":null}]
// (logprobs may be absent), byte for byte but for the values: the fixed
// parts are compared in one go. Any other byte gives up with s, c and b
// unchanged, for fastChatChoices to read the choices.
func chatChoicesTemplate(s *jsonscan.Scanner, c *chatChunk, skipText bool, b *chatStore) bool {
	var ch chatChoiceTemplated
	if !ch.read(s, skipText, b.arena) {
		return false
	}
	d := &b.delta
	if b.taken {
		d = new(chatDelta)
	}
	b.taken = true
	*d = chatDelta{}
	d.Content.text, d.Content.raw = ch.text, ch.raw
	c.Choices = append(c.Choices[:0], chatChoice{Index: ch.index, Delta: d})
	return true
}

// chatTemplated is the decoding of a chunk of the dominant shape of
// OpenAI's streams, in a compact form (issue 16): its members before the
// choices are those of the last chunk's (chatFast.prefix), its choices are
// one that chatChoicesTemplate reads, and what follows them is a tail
// that chatTailTemplate takes, or nothing.
type chatTemplated struct {
	usage             chatRawKind // chatRawNull, or chatRawAbsent
	choice            chatChoiceTemplated
	id, model, object string
}

// read decodes data, trimmed, when it has that shape, as decodeFastChatInto
// decodes it with st (which it does not change) and arena; else it
// returns false, and t is garbage.
func (t *chatTemplated) read(data []byte, st *chatFast, arena *[]byte) bool {
	const key = `"choices":`
	n := len(st.prefix)
	if n <= 1 || len(data) < n+len(key) || !bytes.HasPrefix(data, st.prefix) || string(data[n:n+len(key)]) != key {
		return false
	}
	if st.prefixObject == "error" {
		return false // not the usual case: leave it to the general path
	}
	// The prefix has neither "choices" nor "usage" (plain members only),
	// so that neither is a repeated member here.
	s := jsonscan.New(data)
	s.Advance(n + len(key))
	if !t.choice.read(&s, st.skipText, arena) {
		return false
	}
	tail, usage := chatTail(s.Rest())
	if rest := s.Rest(); tail >= len(rest) || rest[tail] != '}' {
		return false
	}
	s.Advance(tail + 1)
	if !s.End() {
		return false
	}
	t.usage = chatRawAbsent
	if usage {
		t.usage = chatRawNull
	}
	t.id, t.model, t.object = st.prefixID, st.prefixModel, st.prefixObject
	return true
}

// fill writes into d, with its one delta in delta, the decoding that
// decode would have made of the chunk that t was read from, but for
// d.data, which is left nil.
func (t *chatTemplated) fill(d *chatDecoded, delta *chatDelta) {
	*delta = chatDelta{}
	delta.Content.text, delta.Content.raw = t.choice.text, t.choice.raw
	d.chunk = chatChunk{ID: t.id, Model: t.model, Object: t.object,
		Choices: append(d.chunk.Choices[:0], chatChoice{Index: t.choice.index, Delta: delta})}
	d.data, d.err = nil, nil
	d.usage, d.groqUsage = chatUsageDecoded{}, chatUsageDecoded{}
	if t.usage == chatRawNull {
		d.chunk.Usage = chatUsageNull
		d.usage = chatUsageDecoded{raw: chatUsageNull, kind: chatRawNull}
	}
}

// chatChoiceTemplated is the one choice that chatChoicesTemplate reads:
// its index and its delta's content (a chatContent's text and raw).
type chatChoiceTemplated struct {
	index int
	text  string
	raw   []byte
}

// read is chatChoicesTemplate's reading: on success s is after the
// choices and ch holds them (the text decoded into *arena when arena is
// not nil and the text is kept); else s and ch are unchanged.
func (ch *chatChoiceTemplated) read(s *jsonscan.Scanner, skipText bool, arena *[]byte) bool {
	t := *s
	var n int64
	if !t.Literal(chatChoicesHead) || t.Peek() == 'n' || !t.Int64(&n) || int64(int(n)) != n ||
		!t.Literal(chatChoicesContent) || t.Peek() != '"' {
		return false
	}
	var text string
	var raw []byte
	if arena != nil && !skipText {
		if !t.Bytes(&raw, arena) {
			return false
		}
	} else if !t.Text(&text, skipText) {
		return false
	}
	if !t.Literal(chatChoicesLogp) && !t.Literal("}") {
		return false
	}
	if !t.Literal(chatChoicesTail) {
		return false
	}
	*ch = chatChoiceTemplated{index: int(n), text: text, raw: raw}
	*s = t
	return true
}

// The members that follow the choices in OpenAI's chunks
// (chatTailTemplate): "usage":null with stream_options.include_usage
// (DeepSeek's chunks too), and an "obfuscation" string (OpenAI's since
// August 2025), in this order when both are there.
const (
	chatTailUsage       = `,"usage":null`
	chatTailObfuscation = `,"obfuscation":"`
)

// chatUsageNull is the usage that the template decodes: "null", as
// RawInto would copy it, in an array that an append cannot write into.
var chatUsageNull = json.RawMessage("null")[:4:4]

// chatTailTemplate reads, after the choices that chatChoicesTemplate
// decoded, the members that end the chunks of OpenAI and DeepSeek and the
// closing brace: ,"usage":null and ,"obfuscation":"..." (either or both),
// byte for byte but for the obfuscation, a string without escapes that is
// skipped. It leaves s at that brace, with c.Usage as the members would
// have decoded it, and returns false where they would have given up (a
// "usage" already seen). On any other byte, s stays after the choices, for
// the members to read on, and it returns true.
func chatTailTemplate(s *jsonscan.Scanner, c *chatChunk, seen *jsonscan.Seen) bool {
	n, usage := chatTail(s.Rest())
	if n == 0 {
		return true
	}
	if usage {
		if !seen.First(1 << 4) {
			return false
		}
		c.Usage = chatUsageNull
	}
	s.Advance(n)
	return true
}

// chatTail returns the length of the tail that chatTailTemplate takes at
// the start of rest, up to the closing brace, and whether it has the
// usage; 0 when there is none.
func chatTail(rest []byte) (n int, usage bool) {
	i := 0
	usage = len(rest) >= len(chatTailUsage) && string(rest[:len(chatTailUsage)]) == chatTailUsage
	if usage {
		i = len(chatTailUsage)
	}
	if len(rest)-i >= len(chatTailObfuscation) && string(rest[i:i+len(chatTailObfuscation)]) == chatTailObfuscation {
		end := jsonscan.StringEnd(rest, i+len(chatTailObfuscation))
		if end >= len(rest) || rest[end] != '"' {
			return 0, false
		}
		i = end + 1
	}
	if i == 0 || i >= len(rest) || rest[i] != '}' {
		return 0, false
	}
	return i, usage
}

func fastChatChoices(s *jsonscan.Scanner, c *chatChunk, skipText bool, b *chatStore) bool {
	return jsonscan.Array(s, &c.Choices, nil, func(ch *chatChoice) bool {
		return fastChatChoice(s, ch, skipText, b)
	})
}

func fastChatChoice(s *jsonscan.Scanner, ch *chatChoice, skipText bool, b *chatStore) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "index":
			var n int64 // null leaves Index 0
			if !seen.First(1<<0) || !s.Int64(&n) || int64(int(n)) != n {
				return false
			}
			ch.Index = int(n)
			return true
		case "delta":
			if !seen.First(1 << 1) {
				return false
			}
			if s.Peek() == 'n' {
				return s.Literal("null")
			}
			d, lent := &b.delta, !b.taken
			if !lent {
				d = new(chatDelta)
			}
			b.taken = true
			*d = chatDelta{}
			ch.Delta = d
			return fastChatDelta(s, d, skipText, b, lent)
		case "finish_reason":
			return seen.First(1<<2) && s.String(&ch.FinishReason, nil)
		case "text": // Together repeats delta.content here
			if !seen.First(1 << 3) {
				return false
			}
			switch s.Peek() {
			case 'n':
				return s.Literal("null") // Text stays nil
			case '"':
				ch.Text = new(string)
				return s.Text(ch.Text, skipText)
			}
			return false
		case "message":
			return false
		}
		return s.Unknown(key, "index", "delta", "message", "text", "finish_reason")
	})
}

// fastChatDelta decodes a delta; lent says that d is b.delta, whose tool
// calls may then use b's storage.
func fastChatDelta(s *jsonscan.Scanner, d *chatDelta, skipText bool, b *chatStore, lent bool) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "content":
			// chatContent.UnmarshalJSON: a string, or null (no change).
			if b.arena != nil && !skipText {
				return seen.First(1<<0) && s.Bytes(&d.Content.raw, b.arena)
			}
			return seen.First(1<<0) && s.Text(&d.Content.text, skipText)
		case "refusal":
			return seen.First(1<<1) && s.Text(&d.Refusal, skipText)
		case "reasoning_content":
			return seen.First(1<<2) && s.String(&d.ReasoningContent, nil)
		case "reasoning":
			return seen.First(1<<3) && s.String(&d.Reasoning, nil)
		case "reasoning_details":
			return seen.First(1<<4) && s.Raw(&d.ReasoningDetails)
		case "tool_calls":
			return seen.First(1<<5) && fastChatToolCalls(s, d, skipText, b, lent)
		case "function_call":
			return seen.First(1<<6) && s.Null()
		case "annotations":
			return seen.First(1<<7) && s.Raw(&d.Annotations)
		case "executed_tools":
			return false // rare, and its outputs are long
		}
		return s.Unknown(key, "content", "refusal", "reasoning_content", "reasoning", "reasoning_details", "tool_calls", "function_call",
			"annotations", "executed_tools")
	})
}

// fastChatToolCalls decodes delta.tool_calls, in b's storage when lent.
func fastChatToolCalls(s *jsonscan.Scanner, d *chatDelta, skipText bool, b *chatStore, lent bool) bool {
	var back *[]chatToolCall
	if lent {
		back = &b.toolCalls
	}
	n := 0
	return jsonscan.Array(s, &d.ToolCalls, back, func(tc *chatToolCall) bool {
		var index *int
		if lent && n == 0 {
			index = &b.toolIndex
		}
		n++
		return fastChatToolCall(s, tc, index, skipText)
	})
}

// fastChatToolCall decodes one element of delta.tool_calls. Its index goes
// to *index when that is not nil (b's storage), else to a new int.
func fastChatToolCall(s *jsonscan.Scanner, tc *chatToolCall, index *int, skipText bool) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "index":
			if !seen.First(1 << 0) {
				return false
			}
			if s.Peek() == 'n' {
				return s.Literal("null") // Index stays nil
			}
			var n int64
			if !s.Int64(&n) || int64(int(n)) != n {
				return false
			}
			if index == nil {
				index = new(int)
			}
			*index = int(n)
			tc.Index = index
			return true
		case "id":
			return seen.First(1<<1) && s.String(&tc.ID, nil)
		case "function":
			if !seen.First(1 << 2) {
				return false
			}
			if s.Peek() == 'n' {
				return s.Literal("null")
			}
			return fastChatFunction(s, &tc.Function, skipText)
		}
		return s.Unknown(key, "index", "id", "function")
	})
}

// fastChatFunction decodes a tool call's function: its name, and its
// arguments when they are a string or null (chatText keeps any other
// value's JSON text: left to encoding/json).
func fastChatFunction(s *jsonscan.Scanner, f *chatFunction, skipText bool) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "name":
			return seen.First(1<<0) && s.String(&f.Name, nil)
		case "arguments":
			if !seen.First(1 << 1) {
				return false
			}
			switch s.Peek() {
			case '"', 'n':
				args := string(f.Arguments)
				ok := s.Text(&args, skipText)
				f.Arguments = chatText(args)
				return ok
			}
			return false
		}
		return s.Unknown(key, "name", "arguments")
	})
}
