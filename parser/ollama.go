package parser

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// ollamaFormat is Ollama's native streaming API (/api/chat and
// /api/generate), sent as NDJSON: one JSON object per line.
var ollamaFormat = Format{
	Name: "ollama", Vendor: "ollama", Aliases: []string{"ollama-native", "OLLAMA"},
	New: newOllama, detect: detectOllama,
	ndjson: true,
}

// ollamaProbe holds the members that detectOllama reads.
type ollamaProbe struct {
	Done      *bool           `json:"done"`
	CreatedAt json.RawMessage `json:"created_at"`
	Message   json.RawMessage `json:"message"`
	Response  json.RawMessage `json:"response"`
}

// detectOllama matches a chunk of /api/chat or /api/generate: a boolean
// "done" with "created_at", "message" or "response" (no other format's
// payload has a boolean done).
func detectOllama(ev *sse.Event) match {
	var p ollamaProbe
	if !probeData(ev, &p) || p.Done == nil {
		return noMatch
	}
	if p.CreatedAt != nil || p.Message != nil || p.Response != nil {
		return matchOwnPayload
	}
	return noMatch
}

// ollamaMinEvalNs: the decode rate from eval_count and eval_duration is
// left out, with a warning, when eval_duration is under a microsecond or
// the rate over streamctx.MaxProviderRate: no model decodes that fast, the
// numbers are damaged or made up.
const ollamaMinEvalNs = 1e3

// newOllama returns a parser for one Ollama stream.
func newOllama() Parser { return &ollama{} }

// ollama parses Ollama's native stream: objects with "done": false that
// carry a fragment (message.content, message.thinking and
// message.tool_calls for /api/chat; response and thinking for
// /api/generate), then one object with "done": true that carries
// done_reason, the token counts and the durations. A line {"error": "..."}
// is an error (Ollama sends it when generation fails mid-stream).
//
// Checked against Ollama's API documentation (docs/api.md, the Usage page
// of docs.ollama.com: "All timing values are measured in nanoseconds";
// prompt_eval_cached_count "how many prompt tokens were read from the
// cache"), the captures in testdata/captures/ollama, and langchaingo's
// httprr recording of /api/chat:
//
//   - Text: message.content, or response for /api/generate; thinking:
//     message.thinking, or the top-level thinking of /api/generate (sent
//     when the request asks for "think").
//   - A reasoning model asked without "think" sends its reasoning as
//     <think>…</think> inside the text (deepseek-r1 does): the text is left
//     as it came, and a warning says so; sseinspect does not guess where
//     the reasoning ends.
//   - Tool calls arrive whole, each in message.tool_calls, its arguments
//     a JSON object (kept compact); they are keyed in order of arrival,
//     with the id Ollama gives (newer servers send "call_…") or none.
//   - Usage: input_tokens prompt_eval_count, output_tokens eval_count
//     (thinking included: it is generated), cached_tokens
//     prompt_eval_cached_count when the server sends it.
//   - latency.provider: total_duration, load_duration,
//     prompt_eval_duration and eval_duration, in nanoseconds, become
//     total_ms, load_ms, prompt_ms and generation_ms, and eval_count per
//     eval_duration the decode rate. A count or duration that is not a
//     non-negative integer (of at most 10^16 ns, 115 days) is left out with
//     a warning, and so is a rate that cannot be right (ollamaMinEvalNs).
//   - Complete: the "done": true object; done_reason "length" is a cut-off
//     answer.
type ollama struct {
	chunk ollamaChunk
	fast  ollamaFast
	// tools counts the tool calls, the keys of the next one.
	tools int
	// head holds the first bytes of the text, for the <think> check.
	head    []byte
	checked bool
	done    bool
	limit   outputLimit
	warned  onceWarnings
}

// ollamaChunk holds the members of an Ollama object the parser reads; one
// is reused (reset before each decode).
type ollamaChunk struct {
	Model      string         `json:"model"`
	Message    *ollamaMessage `json:"message"`
	Response   string         `json:"response"`
	Thinking   string         `json:"thinking"`
	Done       *bool          `json:"done"`
	DoneReason string         `json:"done_reason"`

	PromptEvalCount       *float64 `json:"prompt_eval_count"`
	PromptEvalCachedCount *float64 `json:"prompt_eval_cached_count"`
	EvalCount             *float64 `json:"eval_count"`
	TotalDuration         *float64 `json:"total_duration"`
	LoadDuration          *float64 `json:"load_duration"`
	PromptEvalDuration    *float64 `json:"prompt_eval_duration"`
	EvalDuration          *float64 `json:"eval_duration"`

	Error json.RawMessage `json:"error"`
}

type ollamaMessage struct {
	Content   string           `json:"content"`
	Thinking  string           `json:"thinking"`
	ToolCalls []ollamaToolCall `json:"tool_calls"`
}

type ollamaToolCall struct {
	ID       string `json:"id"`
	Function struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	} `json:"function"`
}

// Event handles one line (or a JSON body read as one event).
func (p *ollama) Event(sc *streamctx.Context, ev *sse.Event) {
	data := trimSpace(ev.Data)
	if len(data) == 0 || data[0] != '{' {
		err := errNotObject
		if !json.Valid(data) {
			err = json.Unmarshal(data, new(json.RawMessage))
		}
		sc.BadEvent(ev.Line, "line", err)
		return
	}
	p.chunk = ollamaChunk{}
	var err error
	// The text is decoded whole while the <think> check needs it.
	if !decodeFastOllama(data, &p.chunk, &p.fast, p.checked && !sc.CollectsText()) {
		p.chunk = ollamaChunk{}
		err = json.Unmarshal(data, &p.chunk)
	}
	if err != nil {
		if !isSyntaxError(err) {
			sc.AddChunk(data)
		}
		sc.BadEvent(ev.Line, "line", decodeError("", err))
		return
	}
	sc.AddChunk(data)
	c := &p.chunk
	if len(c.Error) > 0 && !isJSONNull(c.Error) {
		ep := errorPayload{Error: c.Error}
		if typ, msg, ok := ep.info(); ok {
			sc.SetError(typ, msg)
		}
		return
	}
	sc.SetModel(c.Model)
	if c.Done == nil {
		p.warned.warn(sc, "no-done", "line %d: an object without \"done\"", ev.Line)
	}
	if m := c.Message; m != nil {
		sc.AppendThinking(m.Thinking)
		p.text(sc, ev, m.Content)
		for i := range m.ToolCalls {
			p.tool(sc, &m.ToolCalls[i])
		}
	}
	sc.AppendThinking(c.Thinking)
	p.text(sc, ev, c.Response)
	if c.Done != nil && *c.Done {
		p.final(sc, ev)
	}
}

// text appends answer text, checking its start for <think>.
func (p *ollama) text(sc *streamctx.Context, ev *sse.Event, s string) {
	if s == "" {
		return
	}
	sc.AppendText(s)
	if p.checked {
		return
	}
	// Only what follows the leading white space is kept: a text of many
	// white-space fragments would otherwise be copied again at each one.
	p.head = bytes.TrimLeft(append(p.head, s...), " \t\r\n")
	t := string(p.head)
	switch {
	case strings.HasPrefix(t, "<think>"):
		p.checked = true
		sc.Warn("line %d: the text starts with <think>: a reasoning model's reasoning, sent inside the text (the request did not ask for \"think\"); it is left in text, not split out", ev.Line)
	case len(t) >= len("<think>") || !strings.HasPrefix("<think>", t):
		p.checked = true
	}
	if p.checked {
		p.head = nil
	}
}

// tool records one whole tool call.
func (p *ollama) tool(sc *streamctx.Context, t *ollamaToolCall) {
	key := strconv.Itoa(p.tools)
	p.tools++
	args := bytes.TrimSpace(t.Function.Arguments)
	var s string
	switch {
	case len(args) == 0 || isJSONNull(args):
		s = "{}"
	case args[0] == '"':
		_ = json.Unmarshal(args, &s) // arguments sent as a string: its text
	default:
		s = compactJSON(args)
	}
	sc.ToolDelta(key, t.ID, t.Function.Name, s)
}

// final handles the "done": true object.
func (p *ollama) final(sc *streamctx.Context, ev *sse.Event) {
	c := &p.chunk
	p.done = true
	sc.SetStopReason(c.DoneReason)
	p.limit.stop(c.DoneReason, "length", ev.Line)
	in := p.count(sc, ev, "prompt_eval_count", c.PromptEvalCount)
	out := p.count(sc, ev, "eval_count", c.EvalCount)
	cached := p.count(sc, ev, "prompt_eval_cached_count", c.PromptEvalCachedCount)
	if in.Set || out.Set || cached.Set {
		sc.UpdateUsage(streamctx.Usage{Input: in, Output: out, CacheRead: cached}, nil)
	}
	ms := func(name string, f *float64) *float64 {
		if f == nil {
			return nil
		}
		if !(*f >= 0 && *f <= 1e16) || *f != math.Trunc(*f) {
			sc.Warn("line %d: %s %v is not a duration in nanoseconds: left out", ev.Line, name, *f)
			return nil
		}
		return streamctx.Ms(*f / 1e6)
	}
	pl := streamctx.ProviderLatency{
		TotalMs:      ms("total_duration", c.TotalDuration),
		LoadMs:       ms("load_duration", c.LoadDuration),
		PromptMs:     ms("prompt_eval_duration", c.PromptEvalDuration),
		GenerationMs: ms("eval_duration", c.EvalDuration),
		Source:       "*_duration",
	}
	if out.Set && pl.GenerationMs != nil && *pl.GenerationMs > 0 {
		rate := float64(out.N) / (*pl.GenerationMs / 1000)
		if *c.EvalDuration < ollamaMinEvalNs || rate > streamctx.MaxProviderRate {
			p.warned.warn(sc, "rate", "line %d: eval_count %d in eval_duration %.0f ns is %.4g tokens/s, which cannot be right: output_tokens_per_s left out",
				ev.Line, out.N, *c.EvalDuration, rate)
		} else {
			pl.OutputTokensPerS = &rate
		}
	}
	if pl.TotalMs != nil || pl.LoadMs != nil || pl.PromptMs != nil || pl.GenerationMs != nil {
		sc.SetProviderLatency(pl)
	}
	sc.MarkComplete()
}

// count reads a token count; one that is not a non-negative integer is
// left out with a warning.
func (p *ollama) count(sc *streamctx.Context, ev *sse.Event, name string, f *float64) streamctx.Count {
	if f == nil {
		return streamctx.Count{}
	}
	if !(*f >= 0 && *f <= 1e15) || *f != math.Trunc(*f) {
		sc.Warn("line %d: %s %v is not a count of tokens: left out", ev.Line, name, *f)
		return streamctx.Count{}
	}
	return streamctx.Of(int64(*f))
}

// End is called at the end of input.
func (p *ollama) End(sc *streamctx.Context) {
	if !p.done && !sc.Failed() && sc.Events() > 0 {
		sc.Warn("the stream ended without a \"done\": true line: it was cut off")
	}
	p.limit.warn(sc)
}

// ollamaFast is the storage the fast decoder lends a chunk until the next
// decode: its message and done flag, and the last model name (shared, so
// that a repeated name is not allocated again).
type ollamaFast struct {
	msg   ollamaMessage
	done  bool
	model string
}

// ollamaChunkFields and ollamaMessageFields are the members encoding/json
// decodes (case-insensitively) into ollamaChunk and ollamaMessage.
var (
	ollamaChunkFields = []string{"model", "message", "response", "thinking", "done", "done_reason",
		"prompt_eval_count", "prompt_eval_cached_count", "eval_count", "total_duration", "load_duration",
		"prompt_eval_duration", "eval_duration", "error"}
	ollamaMessageFields = []string{"content", "thinking", "tool_calls"}
)

// decodeFastOllama decodes a chunk of text or thinking into c (zero on
// entry) exactly as encoding/json would, or returns false, leaving c to be
// reset: the final object (its counts and durations), tool calls and
// errors are left to encoding/json. With skipText, the texts are not
// decoded, only told empty or not (see jsonscan.Scanner.Text). c points
// into st until the next decode.
func decodeFastOllama(data []byte, c *ollamaChunk, st *ollamaFast, skipText bool) bool {
	s := jsonscan.New(data)
	var seen jsonscan.Seen
	ok := s.Object(func(key []byte) bool {
		switch string(key) {
		case "model":
			return seen.First(1<<0) && s.String(&c.Model, st.internModel)
		case "message":
			if !seen.First(1 << 1) {
				return false
			}
			if s.Peek() == 'n' {
				return s.Null()
			}
			st.msg = ollamaMessage{}
			c.Message = &st.msg
			return fastOllamaMessage(&s, &st.msg, skipText)
		case "response":
			return seen.First(1<<2) && s.Text(&c.Response, skipText)
		case "thinking":
			return seen.First(1<<3) && s.Text(&c.Thinking, skipText)
		case "done":
			if !seen.First(1 << 4) {
				return false
			}
			if s.Peek() == 'n' {
				return s.Null()
			}
			st.done = false
			c.Done = &st.done
			return s.Bool(&st.done)
		case "done_reason":
			return seen.First(1<<5) && s.String(&c.DoneReason, nil)
		}
		return s.Unknown(key, ollamaChunkFields...)
	})
	return ok && s.End()
}

func fastOllamaMessage(s *jsonscan.Scanner, m *ollamaMessage, skipText bool) bool {
	var seen jsonscan.Seen
	return s.Object(func(key []byte) bool {
		switch string(key) {
		case "content":
			return seen.First(1<<0) && s.Text(&m.Content, skipText)
		case "thinking":
			return seen.First(1<<1) && s.Text(&m.Thinking, skipText)
		}
		return s.Unknown(key, ollamaMessageFields...)
	})
}

// internModel returns the last model name for the same bytes.
func (st *ollamaFast) internModel(b []byte) string {
	if string(b) != st.model { // no allocation
		st.model = string(b)
	}
	return st.model
}
