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

// geminiFormat is the Gemini API and Vertex AI streamGenerateContent
// stream; without alt=sse it is a JSON array.
var geminiFormat = Format{
	Name: "gemini", Vendor: "gemini", Aliases: []string{"GEMINI", "GEMINI_CLI", "vertex"},
	New: newGemini, detect: detectGemini,
	jsonArray: "Gemini streamGenerateContent without alt=sse",
}

// geminiProbe holds the members that detectGemini reads.
type geminiProbe struct {
	Candidates     json.RawMessage `json:"candidates"`
	UsageMetadata  json.RawMessage `json:"usageMetadata"`
	PromptFeedback json.RawMessage `json:"promptFeedback"`
	ModelVersion   json.RawMessage `json:"modelVersion"`
	Error          *struct {
		Status string `json:"status"`
	} `json:"error"`
}

// detectGemini matches the members of a GenerateContentResponse, else an
// error object with a status (Google's error shape).
func detectGemini(ev *sse.Event) match {
	var p geminiProbe
	switch {
	case !probeData(ev, &p):
		return noMatch
	case p.Candidates != nil || p.UsageMetadata != nil || p.PromptFeedback != nil || p.ModelVersion != nil:
		return matchOwnPayload
	case p.Error != nil && p.Error.Status != "":
		return matchOwnError
	}
	return noMatch
}

// newGemini returns a parser for the Gemini API and Vertex AI
// streamGenerateContent stream.
func newGemini() Parser { return &gemini{} }

// gemini parses the stream of the Gemini API and Vertex AI
// streamGenerateContent (with alt=sse, or the elements of the JSON array
// sent without it, which Replay hands over one by one). Every event's data
// is one GenerateContentResponse; the stream has no event types, no
// terminator such as [DONE], and ends after the chunk whose candidate
// carries a finishReason.
//
// Checked against the REST reference of GenerateContentResponse
// (ai.google.dev/api/generate-content, and Vertex AI's v1beta1 reference,
// which adds index, finishMessage, createTime and trafficType), the
// google-genai SDK types (FunctionCall{id,name,args,partialArgs,
// willContinue}) and the captures in testdata/captures/{gemini,vertex-ai}.
//
//   - Text: the text parts of candidate 0 (index absent means 0, as
//     protobuf JSON omits a zero) are the answer, or thinking when
//     "thought": true. Other candidates (candidateCount > 1) are ignored
//     with one warning.
//   - Tool calls: each functionCall part is a whole call (Gemini does not
//     split arguments), keyed by a running counter; its arguments are the
//     args object as received, compacted (whitespace between tokens
//     removed, tokens byte-exact, key order kept), "{}" when absent.
//     Vertex AI can stream arguments (partialArgs with willContinue):
//     those parts are merged into one call, and its arguments are
//     assembled from the pieces (each a string piece or a value at a JSON
//     path: string pieces of one path are joined, members in order of
//     first appearance) into compact JSON, when the call ends (a part
//     without willContinue) or the stream does. Pieces that cannot be
//     assembled (a path outside $.name, $['name'], [n]) are warned about
//     once; the arguments then keep what was assembled.
//   - executableCode, codeExecutionResult, inlineData and fileData parts are
//     generated content that is not text; thoughtSignature is nothing.
//   - usageMetadata is cumulative: every count present replaces the earlier
//     one, a chunk without it (or with only trafficType) changes nothing.
//   - A finishReason on candidate 0 completes the stream; a
//     promptFeedback.blockReason fails it ("prompt_blocked"); an "error"
//     object fails it with the error's status as the type.
//
// A Code Assist envelope ({"response": {...}, "traceId": ...}, the stream of
// the Gemini CLI backend) is unwrapped when it is the only shape present.
type gemini struct {
	// own is the decoding of the event being handled, unless it was
	// decoded ahead (aheadParser); it keeps decodeFastGemini's state from
	// one event to the next.
	own geminiDecoded
	// arena holds own's decoded text, when the text is kept
	// (geminiFast.arena).
	arena []byte
	// pre is the event's decoding made ahead, or nil.
	pre   *geminiDecoded
	usage geminiUsage
	// candidates and thoughts are the token counts merged so far.
	candidates, thoughts streamctx.Count
	counts               [4]int64 // the counts usage points to (decodeFastGeminiUsage)
	args                 bytes.Buffer
	calls                int          // tool calls seen: the next call's key
	open                 string       // key of a streamed call awaiting more parts, or ""
	partial              *partialArgs // the arguments of the open call, when streamed
	limit                outputLimit
	warned               onceWarnings
	tools                geminiTools // server-side tools and grounding (gemini_tools.go)
}

// geminiEnvelope is a GenerateContentResponse, possibly wrapped in a Code
// Assist envelope.
type geminiEnvelope struct {
	geminiResponse
	Response *geminiResponse `json:"response"`
}

// geminiResponse holds the members of a GenerateContentResponse that the
// parser reads.
type geminiResponse struct {
	Candidates     []geminiCandidate `json:"candidates"`
	PromptFeedback *struct {
		BlockReason        string `json:"blockReason"`
		BlockReasonMessage string `json:"blockReasonMessage"`
	} `json:"promptFeedback"`
	UsageMetadata json.RawMessage `json:"usageMetadata"`
	ModelVersion  string          `json:"modelVersion"`
	ResponseID    string          `json:"responseId"`
	// Error is the error object of an error chunk or array element:
	// {"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED"}}.
	Error json.RawMessage `json:"error"`
}

func (r *geminiResponse) empty() bool {
	return r.Candidates == nil && r.PromptFeedback == nil && r.UsageMetadata == nil &&
		r.ModelVersion == "" && r.ResponseID == "" && r.Error == nil
}

type geminiCandidate struct {
	Index              *int64          `json:"index"`
	Content            *geminiContent  `json:"content"`
	FinishReason       string          `json:"finishReason"`
	FinishMessage      string          `json:"finishMessage"`
	GroundingMetadata  json.RawMessage `json:"groundingMetadata"`
	URLContextMetadata json.RawMessage `json:"urlContextMetadata"`
}

type geminiFunctionCall struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Args         json.RawMessage `json:"args"`
	PartialArgs  json.RawMessage `json:"partialArgs"`
	WillContinue bool            `json:"willContinue"`
}

type geminiContent struct {
	Parts []geminiPart `json:"parts"`
}

type geminiPart struct {
	Text                *string             `json:"text"`
	Thought             bool                `json:"thought"`
	FunctionCall        *geminiFunctionCall `json:"functionCall"`
	ExecutableCode      json.RawMessage     `json:"executableCode"`
	CodeExecutionResult json.RawMessage     `json:"codeExecutionResult"`
	InlineData          json.RawMessage     `json:"inlineData"`
	FileData            json.RawMessage     `json:"fileData"`

	// textRaw, when not nil, is the text, decoded by decodeFastGemini
	// into bytes (geminiFast.arena), Text then pointing to "": borrowed,
	// valid while the chunk is handled.
	textRaw []byte
}

// geminiUsage is usageMetadata. toolUsePromptTokenCount (tokens of tool
// results fed back to the model, e.g. search results, billed as input) is
// not one of the token keys: DESIGN.md defines input_tokens as
// promptTokenCount alone, although totalTokenCount = prompt + candidates +
// thoughts + toolUsePrompt; it goes to usage_details (gemini_tools.go).
// promptTokenCount includes cachedContentTokenCount ("this is still the
// total effective prompt size"), so the total input adds nothing.
type geminiUsage struct {
	PromptTokenCount        *int64 `json:"promptTokenCount"`
	CandidatesTokenCount    *int64 `json:"candidatesTokenCount"`
	ThoughtsTokenCount      *int64 `json:"thoughtsTokenCount"`
	CachedContentTokenCount *int64 `json:"cachedContentTokenCount"`
}

// geminiWhat names the payload in BadEvent warnings.
const geminiWhat = "GenerateContentResponse"

var (
	errGeminiEmpty = errors.New("empty data")
	errGeminiDone  = errors.New("[DONE] is not part of the Gemini stream (it has no terminator)")
)

// Trailer: after the finishReason, a chunk without content parts (usage
// only, or one that is not even an object) adds nothing to the answer; a
// chunk with parts is another answer, and so is one that finishes
// candidate 0 again (a stream has one finishReason per candidate: a
// second is the end of another stream, as two captures concatenated, even
// when it carries no parts, as a MALFORMED_FUNCTION_CALL). Another
// candidate's finishReason is not (candidateCount over 1).
func (p *gemini) Trailer(ev *sse.Event) bool {
	if bytes.Contains(ev.Data, []byte(`"parts"`)) {
		return false
	}
	if !bytes.Contains(ev.Data, []byte(`"finishReason"`)) {
		return true
	}
	var e geminiEnvelope
	if json.Unmarshal(ev.Data, &e) != nil {
		return true
	}
	r := &e.geminiResponse
	if e.Response != nil && r.empty() {
		r = e.Response
	}
	if len(r.Candidates) == 0 {
		return true
	}
	c := &r.Candidates[0] // candidate 0, as response reads it
	if c.Index != nil && *c.Index != 0 {
		return true
	}
	return c.FinishReason == "" || c.FinishReason == "FINISH_REASON_UNSPECIFIED"
}

// Event handles one GenerateContentResponse.
func (p *gemini) Event(sc *streamctx.Context, ev *sse.Event) { p.event(sc, ev, nil) }

// geminiDecoded is the decoding of one event's data, an object: the chunk,
// the state of decodeFastGemini that it points into, and encoding/json's
// error when the fast path gave up. Decoded ahead, it also holds the
// trimmed data and the compacted arguments of its function calls.
type geminiDecoded struct {
	chunk geminiEnvelope
	st    geminiFast
	err   error
	data  []byte
	args  []geminiArgs
}

// geminiArgs is the arguments of the function call fc as functionCall
// keeps them when text is kept: its args compacted.
type geminiArgs struct {
	fc   *geminiFunctionCall
	json string
}

// compactArgs returns the arguments of fc compacted, as functionCall
// keeps them: fc.Args (present, not null) compacted into buf, or as
// received if that fails (unreachable: the event was validated).
func compactArgs(fc *geminiFunctionCall, buf *bytes.Buffer) string {
	return compactJSONIn(buf, fc.Args)
}

// argsOf returns the compacted arguments of fc decoded ahead in d, if d
// is not nil and they were.
func (d *geminiDecoded) argsOf(fc *geminiFunctionCall) (string, bool) {
	if d == nil {
		return "", false
	}
	for i := range d.args {
		if d.args[i].fc == fc {
			return d.args[i].json, true
		}
	}
	return "", false
}

// decode decodes data, an object, into d as the parser reads it: the fast
// path, else encoding/json. d.st.skipText must be set. The one decoding of
// both the sequential replay and the decoders ahead.
func (d *geminiDecoded) decode(data []byte) {
	d.chunk = geminiEnvelope{}
	d.err = nil
	if !decodeFastGemini(data, &d.chunk, &d.st) {
		d.st.usageOK = false
		d.chunk = geminiEnvelope{}
		d.err = json.Unmarshal(data, &d.chunk)
	}
}

// geminiAhead holds the decodings of a batch of events (aheadParser):
// ok[i] tells that evs[i] is the decoding of the i-th event, exactly as
// Event would have decoded it. Each event has its own storage, reused
// from one batch to the next; the model and response id that
// decodeFastGemini shares between chunks are carried from one event to
// the next of the batch (they only save allocations). The arrays that
// decodeFastGemini keeps from one chunk to the next (the candidates, the
// parts, the copies of usageMetadata and of a call's args) are windows on
// arrays of the batch (see sliceArena), so that a new batch allocates a few
// arrays, not a few for each event.
type geminiAhead struct {
	skipText  bool
	arena     []byte // the batch's decoded text (geminiFast.arena)
	model, id string
	aheadSlots[geminiDecoded]
	buf      bytes.Buffer // compactArgs's
	cands    sliceArena[geminiCandidate]
	parts    sliceArena[geminiPart]
	usage    sliceArena[byte]
	callArgs sliceArena[byte]
	args     sliceArena[geminiArgs]
}

// A sliceArena hands out the free tail of one array to the events of a batch
// in turn, for a slice that the decoding of each appends to from empty:
// the elements it kept are taken from the tail. A slice that outgrew the
// tail had to be allocated; the next batch's array is large enough for
// what this one needed, with room to spare (as the sequential decoder
// keeps the largest array it needed).
type sliceArena[T any] struct {
	buf  []T
	need int // elements the windows of this batch held
}

// sliceArenaHint bounds the size that reset is told: a lent event (far larger
// than a batch) does not make its batch allocate an array of its size
// before it is needed.
const sliceArenaHint = 1 << 20

// reset starts a batch whose windows may need hint elements (a guess),
// or as many as the last batch's needed.
func (a *sliceArena[T]) reset(hint int) {
	n := max(min(hint, sliceArenaHint), a.need, 1)
	if cap(a.buf) < n {
		a.buf = make([]T, 0, n+n/4)
	}
	a.buf, a.need = a.buf[:0], 0
}

// window returns an empty slice on the free tail.
func (a *sliceArena[T]) window() []T { return a.buf[len(a.buf):len(a.buf)] }

// keep takes s, the slice that window returned after appends, off the
// tail, unless it outgrew it.
func (a *sliceArena[T]) keep(s []T) {
	n, free := len(s), a.buf[len(a.buf):cap(a.buf)]
	a.need += n
	if n > 0 && n <= len(free) && &s[0] == &free[0] {
		a.buf = a.buf[:len(a.buf)+n]
	}
}

func (p *gemini) newAhead(sc *streamctx.Context) aheadBatch {
	return &geminiAhead{skipText: !sc.CollectsText()}
}

func (a *geminiAhead) decode(evs []sse.Event) {
	a.reset(len(evs))
	size := dataSize(evs)
	a.cands.reset(len(evs))
	a.parts.reset(len(evs))
	a.usage.reset(size / 2) // a copy of a part of the data
	a.callArgs.reset(0)
	clear(a.args.buf[:cap(a.args.buf)]) // no string kept from the last batch
	a.args.reset(0)
	var arena *[]byte
	if !a.skipText {
		a.arena = reuseArena(a.arena) // the last batch's events are handled
		arena = &a.arena
	}
	for i := range evs {
		data := trimSpace(evs[i].Data)
		if len(data) == 0 || data[0] != '{' {
			continue
		}
		d := &a.evs[i]
		d.st.skipText, d.st.arena, d.st.model, d.st.id = a.skipText, arena, a.model, a.id
		d.st.cands, d.st.parts = a.cands.window(), a.parts.window()
		d.st.usage, d.st.callArgs = a.usage.window(), a.callArgs.window()
		d.decode(data)
		a.model, a.id = d.st.model, d.st.id
		a.cands.keep(d.st.cands)
		a.parts.keep(d.st.parts)
		a.usage.keep(d.st.usage)
		a.callArgs.keep(d.st.callArgs)
		d.data = data
		d.args = a.args.window()
		if d.err == nil && !a.skipText {
			a.compact(d)
		}
		a.args.keep(d.args)
		a.ok[i] = true
	}
}

// compact compacts the arguments of the function calls of d's chunk, as
// functionCall does when text is kept (see argsOf).
func (a *geminiAhead) compact(d *geminiDecoded) {
	for _, r := range []*geminiResponse{&d.chunk.geminiResponse, d.chunk.Response} {
		if r == nil {
			continue
		}
		for i := range r.Candidates {
			c := r.Candidates[i].Content
			if c == nil {
				continue
			}
			for j := range c.Parts {
				fc := c.Parts[j].FunctionCall
				if fc != nil && fc.Args != nil && !isJSONNull(fc.Args) {
					d.args = append(d.args, geminiArgs{fc, compactArgs(fc, &a.buf)})
				}
			}
		}
	}
}

func (p *gemini) eventAhead(sc *streamctx.Context, ev *sse.Event, a aheadBatch, i int) {
	p.event(sc, ev, a.(*geminiAhead).at(i))
}

// event handles one GenerateContentResponse, decoded ahead when pre is not
// nil.
func (p *gemini) event(sc *streamctx.Context, ev *sse.Event, pre *geminiDecoded) {
	if len(ev.Type) > 0 && string(ev.Type) != "message" {
		// Gemini sends no event types; read the data anyway.
		p.warned.warn(sc, "event:"+string(ev.Type), "%sunknown event type %s", linePrefix(ev.Line), ev.Type)
	}
	p.pre = pre
	d, data := pre, []byte(nil)
	if d != nil {
		data = d.data // an object
	} else {
		data = trimSpace(ev.Data)
		switch {
		case len(data) == 0:
			sc.BadEvent(ev.Line, geminiWhat, errGeminiEmpty)
			return
		case string(data) == "[DONE]":
			sc.BadEvent(ev.Line, geminiWhat, errGeminiDone)
			return
		case data[0] != '{':
			err := errNotObject
			if !json.Valid(data) {
				err = json.Unmarshal(data, new(json.RawMessage))
			}
			sc.BadEvent(ev.Line, geminiWhat, err)
			return
		}
		d = &p.own
		d.st.skipText = !sc.CollectsText()
		d.st.arena = nil
		if sc.CollectsText() {
			p.arena = reuseArena(p.arena)
			d.st.arena = &p.arena
		}
		d.decode(data)
	}
	if err := d.err; err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			sc.AddChunk(data) // valid JSON, of an unexpected shape
		}
		sc.BadEvent(ev.Line, geminiWhat, geminiDecodeError("", err))
		return
	}
	sc.AddChunk(data)
	r := &d.chunk.geminiResponse
	if d.chunk.Response != nil && r.empty() {
		r = d.chunk.Response
	}
	p.response(sc, ev, r, &d.st)
}

// response handles a decoded GenerateContentResponse; st is the state of
// the decoder that decoded it.
func (p *gemini) response(sc *streamctx.Context, ev *sse.Event, r *geminiResponse, st *geminiFast) {
	sc.SetModel(r.ModelVersion)
	sc.SetResponseID(r.ResponseID)
	if r.Error != nil {
		ep := errorPayload{Error: r.Error}
		if typ, msg, ok := ep.info(); ok {
			sc.SetError(typ, msg)
		}
	}
	if pf := r.PromptFeedback; pf != nil && pf.BlockReason != "" {
		msg := pf.BlockReason
		if pf.BlockReasonMessage != "" {
			msg += ": " + pf.BlockReasonMessage
		}
		sc.SetError("prompt_blocked", msg)
		sc.SetStopReason(pf.BlockReason)
		// The blocked response is the whole answer: the stream ended
		// normally, though it failed. This makes "complete" agree with the
		// stop_reason it carries.
		sc.MarkComplete()
	}
	first := true
	for i := range r.Candidates {
		c := &r.Candidates[i]
		if (c.Index != nil && *c.Index != 0) || !first {
			p.warned.warn(sc, "candidates", "%sthe response has several candidates; only candidate 0 is reported", linePrefix(ev.Line))
			continue
		}
		first = false
		p.candidate(sc, ev, c)
	}
	if r.UsageMetadata != nil {
		p.usageMetadata(sc, ev, r.UsageMetadata, st)
	}
}

func (p *gemini) candidate(sc *streamctx.Context, ev *sse.Event, c *geminiCandidate) {
	if c.Content != nil {
		for i := range c.Content.Parts {
			p.part(sc, ev.Line, &c.Content.Parts[i])
		}
	}
	p.tools.grounding(sc, ev.Line, c.GroundingMetadata)
	p.tools.urlContext(sc, ev.Line, c.URLContextMetadata)
	switch c.FinishReason {
	case "":
		return
	case "FINISH_REASON_UNSPECIFIED":
		// The enum's zero value: "if empty, the model has not stopped".
		p.warned.warn(sc, "unspecified", "%sfinishReason FINISH_REASON_UNSPECIFIED was not taken as the end of the stream", linePrefix(ev.Line))
		return
	}
	sc.MarkComplete()
	sc.SetStopReason(c.FinishReason)
	p.limit.stop(c.FinishReason, "MAX_TOKENS", ev.Line)
	if c.FinishReason != "STOP" && c.FinishMessage != "" {
		sc.Warn("%sfinishReason %s: %s", linePrefix(ev.Line), c.FinishReason, c.FinishMessage)
	}
}

func (p *gemini) part(sc *streamctx.Context, line int, pt *geminiPart) {
	switch {
	case pt.FunctionCall != nil:
		p.functionCall(sc, line, pt)
	case pt.Text != nil && pt.textRaw != nil:
		if pt.Thought {
			sc.AppendThinkingBytes(pt.textRaw)
		} else {
			sc.AppendTextBytes(pt.textRaw)
		}
	case pt.Text != nil:
		if pt.Thought {
			sc.AppendThinking(*pt.Text)
		} else {
			sc.AppendText(*pt.Text)
		}
	case pt.ExecutableCode != nil, pt.CodeExecutionResult != nil:
		sc.MarkContent()
		p.tools.code(sc, line, pt)
	case pt.InlineData != nil, pt.FileData != nil:
		sc.MarkContent()
	}
}

// newPartial returns the assembler of a streamed call's arguments: only
// their shape when sc keeps no text.
func newPartial(sc *streamctx.Context) *partialArgs {
	return &partialArgs{shapeOnly: !sc.CollectsText()}
}

// functionCall records one functionCall part, on line, as a tool call.
func (p *gemini) functionCall(sc *streamctx.Context, line int, pt *geminiPart) {
	fc := pt.FunctionCall
	streamed := fc.WillContinue || (fc.PartialArgs != nil && !isJSONNull(fc.PartialArgs))
	continued := p.open != ""
	key := p.open
	if !continued {
		key = strconv.Itoa(p.calls)
		p.calls++
	}
	if !continued && fc.WillContinue {
		p.partial = newPartial(sc) // a streamed call: "{}" if no piece comes
	} else if !continued {
		p.partial = nil
	}
	p.open = ""
	if fc.WillContinue {
		p.open = key
	}
	sc.ToolDelta(key, fc.ID, fc.Name, "")
	// The pieces are assembled, or only their shape kept when the
	// arguments are not, so that both give the same warnings.
	if fc.PartialArgs != nil && !isJSONNull(fc.PartialArgs) {
		if p.partial == nil {
			p.partial = newPartial(sc)
		}
		if err := p.partial.add(fc.PartialArgs); err != nil {
			p.warned.warn(sc, "partialArgs", "%sstreamed function call arguments (partialArgs) not assembled: %v; the arguments shown are incomplete", linePrefix(line), err)
		}
	}
	if !sc.CollectsText() {
		// The arguments are not kept: no need to compact them.
		if p.open == "" {
			p.partial = nil
		}
		return
	}
	switch {
	case fc.Args != nil && !isJSONNull(fc.Args):
		// Whole arguments: they replace whatever pieces came.
		p.partial = nil
		args, ok := p.pre.argsOf(fc)
		if !ok {
			args = compactArgs(fc, &p.args)
		}
		sc.SetToolArguments(key, args)
	case p.partial != nil && p.open == "":
		// The streamed call ends: its arguments are assembled.
		sc.SetToolArguments(key, p.partial.JSON())
		p.partial = nil
	case !streamed && !continued:
		sc.SetToolArguments(key, "{}")
	}
}

// usageMetadata merges one cumulative usageMetadata object.
// st is the state of the decoder that decoded the chunk.
func (p *gemini) usageMetadata(sc *streamctx.Context, ev *sse.Event, raw json.RawMessage, st *geminiFast) {
	if isJSONNull(raw) {
		return
	}
	p.usage = geminiUsage{}
	switch {
	case st.usageOK:
		// Decoded as the chunk was scanned (fastGeminiUsageMember).
		p.usage = st.u
	case !decodeFastGeminiUsage(raw, &p.usage, &p.counts):
		p.usage = geminiUsage{}
		if err := json.Unmarshal(raw, &p.usage); err != nil {
			sc.BadEvent(ev.Line, geminiWhat, geminiDecodeError("usageMetadata", err))
			return
		}
	}
	u := &p.usage
	// Output is candidates plus thoughts, each as merged so far (a chunk
	// without thoughtsTokenCount keeps the last one), so that output
	// includes reasoning whichever chunk carried each.
	p.candidates = streamctx.Ptr(u.CandidatesTokenCount).Or(p.candidates)
	p.thoughts = streamctx.Ptr(u.ThoughtsTokenCount).Or(p.thoughts)
	out := streamctx.Count{}
	if u.CandidatesTokenCount != nil || u.ThoughtsTokenCount != nil {
		out = p.candidates.Plus(p.thoughts)
	}
	sc.UpdateUsage(streamctx.Usage{
		Input:     streamctx.Ptr(u.PromptTokenCount),
		Output:    out,
		CacheRead: streamctx.Ptr(u.CachedContentTokenCount),
		Reasoning: streamctx.Ptr(u.ThoughtsTokenCount),
	}, raw)
}

// End warns when the stream stopped before any finishReason.
func (p *gemini) End(sc *streamctx.Context) {
	if !sc.Complete() && !sc.Failed() && sc.ChunkCount() > 0 {
		sc.Warn("the stream ended without a finishReason (cut off?)")
	}
	if p.open != "" && p.partial != nil && sc.CollectsText() {
		// A streamed call the stream never ended: what was assembled.
		sc.SetToolArguments(p.open, p.partial.JSON())
	}
	p.limit.warn(sc)
	p.tools.usageDetails(sc)
}

// geminiDecodeError is decodeError for the members of a
// GenerateContentResponse: the path of a type error names the
// geminiResponse that geminiEnvelope embeds, which is no member.
func geminiDecodeError(path string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		te.Field = strings.TrimPrefix(strings.ReplaceAll(te.Field, "geminiResponse.", ""), "geminiResponse")
	}
	return decodeError(path, err)
}

func isJSONNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// geminiFast is what decodeFastGemini keeps from one chunk to the next:
// the last model version and response id (shared, as in chatFast), and
// storage that the decoded chunk points to until the next decode: the
// first candidate's index, content and parts array, the first part's
// text, the first function call and its args, the candidates,
// usageMetadata.
type geminiFast struct {
	// skipText is set when the stream context keeps no text (the two-line
	// summary): a text part is then validated but not decoded, and its
	// Text is jsonscan.Present or "" (see textPresence). The parser sets it
	// from streamctx per stream; FuzzReplay holds the summaries of the two
	// modes equal but for the text.
	skipText bool
	// arena, when not nil (and not skipText), is where a text part is
	// decoded, into the part's textRaw instead of a string of its own
	// (see anthropicArena): its bytes when it has no escapes, else its
	// decoding appended to *arena.
	arena     *[]byte
	model, id string
	index     int64
	text      string
	cands     []geminiCandidate
	content   geminiContent
	call      geminiFunctionCall
	callArgs  json.RawMessage
	parts     []geminiPart
	usage     json.RawMessage
	// usageOK is set when the chunk's usageMetadata was an object and was
	// decoded into u (its pointers into counts) while the chunk was
	// scanned, so that it is not scanned a second time (issue 16).
	usageOK bool
	u       geminiUsage
	counts  [4]int64
	taken   uint8 // the storage that holds this chunk's values
}

const (
	takenIndex = 1 << iota
	takenText
	takenCands
	takenParts
	takenContent
	takenCall
)

// lend returns slot, zeroed, when st's storage what is free for this chunk
// (taking it), else a new zero T.
func lend[T any](st *geminiFast, what uint8, slot *T) *T {
	if !st.take(what) {
		return new(T)
	}
	var zero T
	*slot = zero
	return slot
}

// take reports whether the storage is free for this chunk, and takes it.
func (st *geminiFast) take(what uint8) bool {
	if st.taken&what != 0 {
		return false
	}
	st.taken |= what
	return true
}

// decodeFastGemini decodes a GenerateContentResponse into r (zero on entry)
// exactly as encoding/json would, or returns false, leaving r to be reset.
// Text, thought and function-call parts are the fast path; prompt feedback
// and the Code Assist envelope are left to encoding/json.
func decodeFastGemini(data []byte, r *geminiEnvelope, st *geminiFast) bool {
	st.taken = 0
	st.usageOK = false
	if geminiTextTemplate(data, r, st) {
		return true
	}
	st.usageOK = false
	s := jsonscan.New(data)
	var seen jsonscan.Seen
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "candidates":
			return seen.First(1<<0) && fastGeminiCandidates(&s, &r.Candidates, st)
		case "usageMetadata":
			return seen.First(1<<1) && fastGeminiUsageMember(&s, &r.UsageMetadata, st)
		case "modelVersion":
			return seen.First(1<<2) && s.String(&r.ModelVersion, func(b []byte) string { return jsonscan.Same(b, &st.model) })
		case "responseId":
			return seen.First(1<<3) && s.String(&r.ResponseID, func(b []byte) string { return jsonscan.Same(b, &st.id) })
		case "error":
			return seen.First(1<<4) && s.Raw(&r.Error)
		case "promptFeedback": // only null (no change) is taken here
			return seen.First(1<<5) && s.Null()
		case "response":
			return seen.First(1<<6) && s.Null()
		}
		return s.Unknown(key, "candidates", "promptFeedback", "usageMetadata", "modelVersion", "responseId", "error", "response")
	})
	return ok && s.End()
}

// The fixed parts of the dominant chunk of the Gemini API, one text part
// of candidate 0 (geminiTextTemplate), as the API writes them. Those over
// 16 bytes are compared in pieces of at most 16: the compiler compares a
// constant of up to 16 bytes in two loads, and calls memequal for a
// longer one, which costs more than the comparison itself.
const (
	geminiTextHead1 = `{"candidates": [`
	geminiTextHead2 = `{"content": {"pa`
	geminiTextHead3 = `rts": [{"text": `
	geminiTextHead  = geminiTextHead1 + geminiTextHead2 + geminiTextHead3
	// Vertex AI writes the role first, and a createTime.
	geminiVertexHead2 = `{"content": {"ro`
	geminiVertexHead3 = `le": "model","pa`
	geminiVertexHead  = geminiTextHead1 + geminiVertexHead2 + geminiVertexHead3 + geminiTextHead3
	geminiVertexParts = `}]}`
	geminiVertexTime  = `,"createTime": `
	geminiTextThought = `,"thought": true`
	geminiTextRole1   = `}],"role": "mode`
	geminiTextRole2   = `l"}`
	geminiTextIndex   = `,"index": `
	geminiTextUsage1  = `}],"usageMetadat`
	geminiTextUsage2  = `a": `
	geminiTextModel1  = `,"modelVersion":`
	geminiTextModel2  = ` `
	geminiTextID      = `,"responseId": `
)

// geminiTextHeadLen returns the length of the fixed head of
// geminiTextTemplate's chunk at the start of data (either API's), with a
// byte after it, 0 for none, and whether it is Vertex AI's.
func geminiTextHeadLen(data []byte) (int, bool) {
	if len(data) <= len(geminiTextHead) || string(data[:16]) != geminiTextHead1 {
		return 0, false
	}
	if string(data[16:32]) == geminiTextHead2 && string(data[32:48]) == geminiTextHead3 {
		return len(geminiTextHead), false
	}
	if len(data) > len(geminiVertexHead) && string(data[16:32]) == geminiVertexHead2 &&
		string(data[32:48]) == geminiVertexHead3 && string(data[48:64]) == geminiTextHead3 {
		return len(geminiVertexHead), true
	}
	return 0, false
}

// geminiTextTemplate decodes a chunk of the dominant shape (issue 16), as
// the Gemini API writes it:
//
//	{"candidates": [{"content": {"parts": [{"text": "..."[,"thought": true]}],
//	"role": "model"}[,"index": N]}],"usageMetadata": {...},
//	"modelVersion": "...","responseId": "..."}
//
// or as Vertex AI does:
//
//	{"candidates": [{"content": {"role": "model","parts": [{"text": "..."
//	[,"thought": true]}]}[,"index": N]}],"usageMetadata": {...},
//	"modelVersion": "..."[,"createTime": "..."],"responseId": "..."}
//
// on one line, byte for byte but for the values: the fixed parts are
// compared in one go, the values scanned as the general path scans them
// (usageMetadata by fastGeminiUsageMember, in any shape). Any other byte
// gives up, r unchanged, and the general path reads the chunk. The
// decoded chunk is the general path's, in the same storage of st.
func geminiTextTemplate(data []byte, r *geminiEnvelope, st *geminiFast) bool {
	head, vertex := geminiTextHeadLen(data)
	if head == 0 || data[head] != '"' {
		return false
	}
	s := jsonscan.New(data[head:])
	var text string
	var raw []byte
	switch {
	case st.skipText:
		if !s.TextPresence(&text) {
			return false
		}
	case st.arena != nil:
		if !s.Bytes(&raw, st.arena) {
			return false
		}
	default:
		if !s.String(&text, nil) {
			return false
		}
	}
	thought := s.Literal(geminiTextThought)
	if vertex && !s.Literal(geminiVertexParts) ||
		!vertex && (!s.Literal(geminiTextRole1) || !s.Literal(geminiTextRole2)) {
		return false
	}
	var index int64
	hasIndex := s.Literal(geminiTextIndex)
	if hasIndex && (s.Peek() == 'n' || !s.Int64(&index)) {
		return false
	}
	var usage json.RawMessage
	var model, id string
	if !s.Literal(geminiTextUsage1) || !s.Literal(geminiTextUsage2) || !fastGeminiUsageMember(&s, &usage, st) ||
		!s.Literal(geminiTextModel1) || !s.Literal(geminiTextModel2) || !s.String(&model, func(b []byte) string { return jsonscan.Same(b, &st.model) }) ||
		(vertex && s.Literal(geminiVertexTime) && !s.Skip()) ||
		!s.Literal(geminiTextID) || !s.String(&id, func(b []byte) string { return jsonscan.Same(b, &st.id) }) ||
		!s.Consume('}') || !s.End() {
		return false
	}
	st.taken = takenCands | takenContent | takenParts | takenText
	st.text = text
	st.parts = append(st.parts[:0], geminiPart{Text: &st.text, Thought: thought, textRaw: raw})
	st.content = geminiContent{Parts: st.parts}
	st.cands = append(st.cands[:0], geminiCandidate{Content: &st.content})
	if hasIndex {
		st.taken |= takenIndex
		st.index = index
		st.cands[0].Index = &st.index
	}
	r.Candidates = st.cands
	r.UsageMetadata = usage
	r.ModelVersion = model
	r.ResponseID = id
	return true
}

// fastArray reads an array value into *s: null sets it to nil, [] to an
// empty slice, and elem decodes each element (zero on entry). The elements
// go to the backing array of *backing when it is not nil, which then keeps
// the grown array.
func fastGeminiCandidates(s *jsonscan.Scanner, cs *[]geminiCandidate, st *geminiFast) bool {
	var back *[]geminiCandidate
	if st.take(takenCands) {
		back = &st.cands
	}
	return jsonscan.Array(s, cs, back, func(c *geminiCandidate) bool {
		var seen jsonscan.Seen
		return s.Object(func(key []byte) bool {
			switch string(key) {
			case "index":
				if !seen.First(1 << 0) {
					return false
				}
				if s.Peek() == 'n' {
					return s.Literal("null")
				}
				p := lend(st, takenIndex, &st.index)
				c.Index = p
				return s.Int64(p)
			case "content":
				if !seen.First(1 << 1) {
					return false
				}
				if s.Peek() == 'n' {
					return s.Literal("null")
				}
				content := lend(st, takenContent, &st.content)
				c.Content = content
				var back *[]geminiPart
				if st.take(takenParts) {
					back = &st.parts
				}
				var cseen jsonscan.Seen
				return s.Object(func(key []byte) bool {
					switch string(key) {
					case "parts":
						return cseen.First(1) && jsonscan.Array(s, &content.Parts, back, func(pt *geminiPart) bool {
							return fastGeminiPart(s, pt, st)
						})
					}
					return s.Unknown(key, "parts")
				})
			case "finishReason":
				return seen.First(1<<2) && s.String(&c.FinishReason, internGeminiFinish)
			case "finishMessage":
				return seen.First(1<<3) && s.String(&c.FinishMessage, nil)
			case "groundingMetadata":
				return seen.First(1<<4) && s.Raw(&c.GroundingMetadata)
			case "urlContextMetadata":
				return seen.First(1<<5) && s.Raw(&c.URLContextMetadata)
			}
			return s.Unknown(key, "index", "content", "finishReason", "finishMessage", "groundingMetadata", "urlContextMetadata")
		})
	})
}

func fastGeminiPart(s *jsonscan.Scanner, pt *geminiPart, st *geminiFast) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "text":
			if !seen.First(1 << 0) {
				return false
			}
			if s.Peek() == 'n' {
				return s.Literal("null")
			}
			p := lend(st, takenText, &st.text)
			pt.Text = p
			switch {
			case st.skipText:
				return s.Peek() == '"' && s.TextPresence(p)
			case st.arena != nil:
				return s.Peek() == '"' && s.Bytes(&pt.textRaw, st.arena)
			}
			return s.Peek() == '"' && s.String(p, nil)
		case "thought":
			return seen.First(1<<1) && s.Bool(&pt.Thought)
		case "functionCall":
			if !seen.First(1 << 2) {
				return false
			}
			if s.Peek() == 'n' {
				return s.Literal("null")
			}
			fc := lend(st, takenCall, &st.call)
			pt.FunctionCall = fc
			var args *json.RawMessage // st's storage for the lent call's args
			if fc == &st.call {
				args = &st.callArgs
			}
			return fastGeminiFunctionCall(s, fc, args)
		case "executableCode":
			return seen.First(1<<3) && s.Raw(&pt.ExecutableCode)
		case "codeExecutionResult":
			return seen.First(1<<4) && s.Raw(&pt.CodeExecutionResult)
		case "inlineData":
			return seen.First(1<<5) && s.Raw(&pt.InlineData)
		case "fileData":
			return seen.First(1<<6) && s.Raw(&pt.FileData)
		}
		return s.Unknown(key, "text", "thought", "functionCall", "executableCode", "codeExecutionResult", "inlineData", "fileData")
	})
}

// fastGeminiFunctionCall decodes a part's functionCall; its args and
// partialArgs are kept as JSON text (copies; the args into *args when that
// is not nil, see jsonscan.Scanner.RawInto).
func fastGeminiFunctionCall(s *jsonscan.Scanner, fc *geminiFunctionCall, args *json.RawMessage) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return seen.First(1<<0) && s.String(&fc.ID, nil)
		case "name":
			return seen.First(1<<1) && s.String(&fc.Name, nil)
		case "args":
			if !seen.First(1 << 2) {
				return false
			}
			if args != nil {
				return s.RawInto(&fc.Args, args)
			}
			return s.Raw(&fc.Args)
		case "partialArgs":
			return seen.First(1<<3) && s.Raw(&fc.PartialArgs)
		case "willContinue":
			return seen.First(1<<4) && s.Bool(&fc.WillContinue)
		}
		return s.Unknown(key, "id", "name", "args", "partialArgs", "willContinue")
	})
}

func internGeminiFinish(b []byte) string {
	if string(b) == "STOP" {
		return "STOP"
	}
	return string(b)
}

// decodeFastGeminiUsage decodes usageMetadata into u (zero on entry)
// exactly as encoding/json would, or returns false, leaving u to be reset. Its
// pointers point into *store, valid until the next call.
func decodeFastGeminiUsage(data []byte, u *geminiUsage, store *[4]int64) bool {
	s := jsonscan.New(data)
	return fastGeminiUsage(&s, u, store) && s.End()
}

// fastGeminiUsageMember reads the usageMetadata member of a chunk: its
// bytes into *raw (st.usage's storage, as RawInto), and, when it is an
// object that decodeFastGeminiUsage takes, its counts into st.u in the same
// pass (st.usageOK). Any other value is only validated, for usageMetadata
// to decode or warn about as before; an object that the fast path does not
// take gives up on the chunk, which encoding/json then decodes.
func fastGeminiUsageMember(s *jsonscan.Scanner, raw *json.RawMessage, st *geminiFast) bool {
	start := s.Offset()
	if s.Peek() == '{' {
		st.u = geminiUsage{}
		if t := *s; geminiUsageTemplate(&t, &st.u, &st.counts) {
			*s = t
		} else {
			st.u = geminiUsage{}
			if !fastGeminiUsage(s, &st.u, &st.counts) {
				return false
			}
		}
		st.usageOK = true
	} else if !s.Skip() {
		return false
	}
	st.usage = append(st.usage[:0], s.Since(start)...)
	*raw = st.usage
	return true
}

// geminiUsageKeys are the members of usageMetadata in the order in which
// the Gemini API and Vertex AI write them (geminiUsageTemplate), as
// `"name":`, with the count of geminiUsage each one sets (-1: none, the
// value is only validated).
var geminiUsageKeys = [...]struct {
	key   string
	count int
}{
	{`"promptTokenCount":`, 0},
	{`"candidatesTokenCount":`, 1},
	{`"totalTokenCount":`, -1},
	{`"cachedContentTokenCount":`, 3},
	{`"trafficType":`, -1},
	{`"promptTokensDetails":`, -1},
	{`"cacheTokensDetails":`, -1},
	{`"candidatesTokensDetails":`, -1},
	{`"toolUsePromptTokenCount":`, -1},
	{`"toolUsePromptTokensDetails":`, -1},
	{`"thoughtsTokenCount":`, 2},
}

// geminiUsageHeads are the first eight bytes of the keys of
// geminiUsageKeys, as little-endian words.
var geminiUsageHeads = func() (w [len(geminiUsageKeys)]uint64) {
	for k := range geminiUsageKeys {
		w[k] = binary.LittleEndian.Uint64([]byte(geminiUsageKeys[k].key[:8]))
	}
	return w
}()

// geminiUsageTails are bytes 8 to 31 of the keys of geminiUsageKeys (all
// are 19 to 29 bytes long), as three little-endian words, with masks of
// the bytes that the key has: the rest of a key whose head matched is
// compared in three words, without a call to memequal.
var geminiUsageTails = func() (t [len(geminiUsageKeys)]struct{ words, masks [3]uint64 }) {
	for k, key := range geminiUsageKeys {
		var b, m [32]byte
		copy(b[:], key.key)
		for i := range len(key.key) {
			m[i] = 0xFF
		}
		for j := range 3 {
			t[k].words[j] = binary.LittleEndian.Uint64(b[8+8*j:])
			t[k].masks[j] = binary.LittleEndian.Uint64(m[8+8*j:])
		}
	}
	return t
}()

// geminiUsageKeyAt reports whether rest, whose first eight bytes are the
// head of key k, starts with the whole key k.
func geminiUsageKeyAt(rest []byte, k int) bool {
	if len(rest) < 32 {
		key := geminiUsageKeys[k].key
		return len(rest) >= len(key) && string(rest[:len(key)]) == key
	}
	t := &geminiUsageTails[k]
	return (binary.LittleEndian.Uint64(rest[8:])^t.words[0])&t.masks[0]|
		(binary.LittleEndian.Uint64(rest[16:])^t.words[1])&t.masks[1]|
		(binary.LittleEndian.Uint64(rest[24:])^t.words[2])&t.masks[2] == 0
}

// geminiUsageTemplate is fastGeminiUsage for an object (s at its opening
// brace) whose members are some of geminiUsageKeys, in that order, each
// key written as there and followed by a comma or the closing brace at
// once (issue 16): each key is compared in one go rather than scanned and
// looked up. It gives up on anything else, u and s to be reset by the
// caller, which then reads the object with fastGeminiUsage.
func geminiUsageTemplate(s *jsonscan.Scanner, u *geminiUsage, store *[4]int64) bool {
	if !s.Literal("{") || s.Literal("}") {
		return false
	}
	dst := [4]**int64{&u.PromptTokenCount, &u.CandidatesTokenCount, &u.ThoughtsTokenCount, &u.CachedContentTokenCount}
	for k := 0; ; {
		// The first eight bytes of a key (all are longer) tell all but
		// three pairs apart: only a key whose first word matches is
		// compared whole.
		rest := s.Rest()
		if len(rest) < 8 {
			return false
		}
		w := binary.LittleEndian.Uint64(rest)
		for k < len(geminiUsageKeys) && (w != geminiUsageHeads[k] || !geminiUsageKeyAt(rest, k)) {
			k++
		}
		if k == len(geminiUsageKeys) {
			return false
		}
		s.Advance(len(geminiUsageKeys[k].key))
		if n := geminiUsageKeys[k].count; n < 0 {
			if !s.Skip() {
				return false
			}
		} else {
			p := &store[n]
			if s.Peek() == 'n' || !s.Int64(p) {
				return false // null: the general path
			}
			*dst[n] = p
		}
		k++
		if !s.Literal(",") {
			return s.Literal("}")
		}
	}
}

// fastGeminiUsage is decodeFastGeminiUsage of the value at s.
func fastGeminiUsage(s *jsonscan.Scanner, u *geminiUsage, store *[4]int64) bool {
	var seen jsonscan.Seen
	field := func(bit uint32, dst **int64) bool {
		if !seen.First(1 << bit) {
			return false
		}
		if s.Peek() == 'n' {
			return s.Literal("null")
		}
		p := &store[bit]
		*p = 0
		*dst = p
		return s.Int64(p)
	}
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "promptTokenCount":
			return field(0, &u.PromptTokenCount)
		case "candidatesTokenCount":
			return field(1, &u.CandidatesTokenCount)
		case "thoughtsTokenCount":
			return field(2, &u.ThoughtsTokenCount)
		case "cachedContentTokenCount":
			return field(3, &u.CachedContentTokenCount)
		}
		return s.Unknown(key, "promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount", "cachedContentTokenCount")
	})
}
