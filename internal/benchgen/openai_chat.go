package benchgen

// OpenAIChat is the format chatWriter writes, as sseinspect names it.
const OpenAIChat = "openai-chat"

// chatWriter writes an OpenAI Chat Completions stream with
// stream_options.include_usage, shaped like
// testdata/captures/openai/chat-text-include-usage.sse: one
// chat.completion.chunk per data line, content deltas of one to a few
// tokens (HTML characters escaped as \u003c, as OpenAI does), tool calls as
// argument fragments by index, one finish_reason at the end, then the
// usage chunk with "choices": [] and data: [DONE].
type chatWriter struct {
	head []byte // data: {...,"choices":[{"index":0,"delta":
	// Usage as declared.
	prompt, cached int64
}

const chatModel = "gpt-4o-2024-08-06"

func (w *chatWriter) thinking() bool           { return false }
func (w *chatWriter) wholeTools() bool         { return false }
func (w *chatWriter) spacedArgs() bool         { return false }
func (w *chatWriter) compactsArgs() bool       { return false }
func (w *chatWriter) inputExcludesCache() bool { return false }

func (w *chatWriter) deltaTokens(g *gen, _ segKind) int { return openAIDeltaTokens(g) }

// openAIDeltaTokens is how many tokens one text delta of the OpenAI formats
// carries: mostly one, sometimes a few, rarely a burst.
func openAIDeltaTokens(g *gen) int {
	switch p := g.r.intn(100); {
	case p < 55:
		return 1
	case p < 95:
		return g.r.between(2, 4)
	default:
		return g.r.between(5, 30)
	}
}

func (w *chatWriter) begin(g *gen) {
	id := g.r.appendID([]byte("chatcmpl-"), alnum, 29)
	g.st.ResponseID = string(id)
	g.st.Model = chatModel
	h := append([]byte(`data: {"id":"`), id...)
	h = append(h, `","object":"chat.completion.chunk","created":`...)
	h = appendInt(h, 1782955818+int64(g.r.intn(1e6)))
	h = append(h, `,"model":"`+chatModel+`","service_tier":"default","system_fingerprint":"fp_`...)
	h = g.r.appendID(h, hexDigits, 10)
	h = append(h, `","choices":[{"index":0,"delta":`...)
	w.head = h
	w.prompt = int64(g.r.between(2000, 120000))
	w.cached = w.prompt / 1024 * int64(g.r.intn(1024))
	w.chunk(g, []byte(`{"role":"assistant","content":"","refusal":null}`), "null")
}

// chunk writes one chunk whose choice 0 has delta and finish_reason (a
// JSON value).
func (w *chatWriter) chunk(g *gen, delta []byte, finish string) {
	b := append(g.ev[:0], w.head...)
	b = append(b, delta...)
	b = append(b, `,"logprobs":null,"finish_reason":`...)
	b = append(b, finish...)
	b = append(b, `}],"usage":null,"obfuscation":"`...)
	b = g.r.appendID(b, alnum, g.r.between(1, 16))
	b = append(b, "\"}\n\n"...)
	g.ev = b
	g.emit(b)
}

func (w *chatWriter) blockStart(g *gen, k segKind, tc *toolCall) {
	if k != segTool {
		return
	}
	tc.id = g.r.appendID(append(tc.id[:0], "call_"...), alnum, 24)
	d := append(g.enc[:0], `{"tool_calls":[{"index":`...)
	d = appendInt(d, int64(tc.index))
	d = append(d, `,"id":"`...)
	d = append(d, tc.id...)
	d = append(d, `","type":"function","function":{"name":"`...)
	d = append(d, tc.name...)
	d = append(d, `","arguments":""}}]}`...)
	g.enc = d
	w.chunk(g, d, "null")
}

func (w *chatWriter) delta(g *gen, _ segKind, text []byte) {
	g.addText(text)
	d := append(g.enc[:0], `{"content":`...)
	d = appendJSONString(d, text, true)
	d = append(d, '}')
	g.enc = d
	w.chunk(g, d, "null")
}

func (w *chatWriter) argsDelta(g *gen, tc *toolCall, frag []byte) {
	d := append(g.enc[:0], `{"tool_calls":[{"index":`...)
	d = appendInt(d, int64(tc.index))
	d = append(d, `,"function":{"arguments":`...)
	d = appendJSONString(d, frag, true)
	d = append(d, `}}]}`...)
	g.enc = d
	w.chunk(g, d, "null")
}

func (w *chatWriter) blockEnd(*gen, segKind, *toolCall) {}

func (w *chatWriter) end(g *gen) {
	finish := "stop"
	if g.last == segTool {
		finish = "tool_calls"
	}
	g.st.StopReason = finish
	w.chunk(g, []byte(`{}`), `"`+finish+`"`)

	out := g.out
	g.st.InputTokens, g.st.OutputTokens, g.st.CachedTokens = w.prompt, out, w.cached
	b := append(g.ev[:0], w.head[:len(w.head)-len(`[{"index":0,"delta":`)]...)
	b = append(b, `[],"usage":{"prompt_tokens":`...)
	b = appendInt(b, w.prompt)
	b = append(b, `,"completion_tokens":`...)
	b = appendInt(b, out)
	b = append(b, `,"total_tokens":`...)
	b = appendInt(b, w.prompt+out)
	b = append(b, `,"prompt_tokens_details":{"cached_tokens":`...)
	b = appendInt(b, w.cached)
	b = append(b, `,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"`...)
	b = g.r.appendID(b, alnum, g.r.between(1, 16))
	b = append(b, "\"}\n\n"...)
	g.ev = b
	g.emit(b)
	g.emit([]byte("data: [DONE]\n\n"))
}
