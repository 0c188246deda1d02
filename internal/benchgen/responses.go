package benchgen

// OpenAIResponses is the format responsesWriter writes, as sseinspect names it.
const OpenAIResponses = "openai-responses"

// responsesWriter writes an OpenAI Responses API stream shaped like
// testdata/captures/openai/responses-*.sse: response.created and
// .in_progress, then output items (message items with output_text deltas,
// reasoning items with one summary part each, function_call items with
// argument deltas), each with its added/done events and the whole text
// repeated in the done events, every event numbered by sequence_number,
// and response.completed with the usage.
//
// One departure from the real stream: the final response's "output" is
// left empty. The real one repeats every output item, which for a stream of
// a gigabyte would be a line of hundreds of megabytes; sseinspect reads it
// only when the stream carried no deltas.
type responsesWriter struct {
	resp    []byte // "response":{... up to "status":
	respEnd []byte // after the status, up to "usage":
	seq     int64
	out     int // output_index of the current item
	item    []byte
	text    []byte // the current item's whole text
	prompt  int64
	cached  int64
	think   bool // a reasoning part was written
}

const responsesModel = "gpt-5.5-2026-04-23"

// partSeparator is what sseinspect puts between two reasoning parts.
var partSeparator = []byte("\n\n")

func (w *responsesWriter) thinking() bool           { return true }
func (w *responsesWriter) wholeTools() bool         { return false }
func (w *responsesWriter) spacedArgs() bool         { return false }
func (w *responsesWriter) compactsArgs() bool       { return false }
func (w *responsesWriter) inputExcludesCache() bool { return false }

func (w *responsesWriter) deltaTokens(g *gen, _ segKind) int { return openAIDeltaTokens(g) }

// event writes one event of type typ whose JSON members after "type" are
// body (which starts with a comma), then the sequence_number.
func (w *responsesWriter) event(g *gen, typ string, body []byte) {
	b := appendTypedEvent(g.ev[:0], typ)
	b = append(b, body...)
	b = append(b, `,"sequence_number":`...)
	b = appendInt(b, w.seq)
	b = append(b, "}\n\n"...)
	w.seq++
	g.ev = b
	g.emit(b)
}

func (w *responsesWriter) begin(g *gen) {
	id := g.r.appendID([]byte("resp_"), hexDigits, 50)
	g.st.ResponseID = string(id)
	g.st.Model = responsesModel
	created := 1778037177 + int64(g.r.intn(1e6))
	r := append([]byte(`,"response":{"id":"`), id...)
	r = append(r, `","object":"response","created_at":`...)
	r = appendInt(r, created)
	r = append(r, `,"status":`...)
	w.resp = r
	w.respEnd = []byte(`,"background":false,"error":null,"frequency_penalty":0.0,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"` + responsesModel + `","moderation":null,"output":[],"parallel_tool_calls":true,"presence_penalty":0.0,"previous_response_id":null,"prompt_cache_key":null,"prompt_cache_retention":"24h","reasoning":{"effort":"medium","summary":"auto"},"safety_identifier":null,"service_tier":"auto","store":false,"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":[{"type":"function","name":"read_file","description":"Read a file","parameters":{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]},"strict":false}],"top_logprobs":0,"top_p":0.98,"truncation":"disabled","usage":`)
	w.prompt = int64(g.r.between(2000, 120000))
	w.cached = w.prompt / 1024 * int64(g.r.intn(1024))
	for _, typ := range [...]string{"response.created", "response.in_progress"} {
		b := append(g.enc[:0], w.resp...)
		b = append(b, `"in_progress"`...)
		b = append(b, w.respEnd...)
		b = append(b, `null,"user":null,"metadata":{}}`...)
		g.enc = b
		w.event(g, typ, b)
	}
}

// itemRef appends ,"item_id":"...","output_index":N.
func (w *responsesWriter) itemRef(b []byte) []byte {
	b = append(b, `,"item_id":"`...)
	b = append(b, w.item...)
	b = append(b, `","output_index":`...)
	return appendInt(b, int64(w.out))
}

func (w *responsesWriter) blockStart(g *gen, k segKind, tc *toolCall) {
	w.text = w.text[:0]
	b := append(g.enc[:0], `,"item":{"id":"`...)
	switch k {
	case segText:
		w.item = g.r.appendID(append(w.item[:0], "msg_"...), hexDigits, 50)
		b = append(b, w.item...)
		b = append(b, `","type":"message","status":"in_progress","content":[],"phase":"final_answer","role":"assistant"}`...)
	case segThinking:
		w.item = g.r.appendID(append(w.item[:0], "rs_"...), hexDigits, 50)
		b = append(b, w.item...)
		b = append(b, `","type":"reasoning","summary":[]}`...)
	default:
		w.item = g.r.appendID(append(w.item[:0], "fc_"...), hexDigits, 50)
		tc.id = g.r.appendID(append(tc.id[:0], "call_"...), alnum, 24)
		b = append(b, w.item...)
		b = append(b, `","type":"function_call","status":"in_progress","arguments":"","call_id":"`...)
		b = append(b, tc.id...)
		b = append(b, `","name":"`...)
		b = append(b, tc.name...)
		b = append(b, `"}`...)
	}
	b = append(b, `,"output_index":`...)
	b = appendInt(b, int64(w.out))
	g.enc = b
	w.event(g, "response.output_item.added", b)
	switch k {
	case segText:
		b = append(g.enc[:0], `,"content_index":0`...)
		b = w.itemRef(b)
		b = append(b, `,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}`...)
		g.enc = b
		w.event(g, "response.content_part.added", b)
	case segThinking:
		if w.think {
			// sseinspect puts a blank line between two reasoning parts.
			g.addThinking(partSeparator)
		}
		w.think = true
		b = w.itemRef(g.enc[:0])
		b = append(b, `,"part":{"type":"summary_text","text":""},"summary_index":0`...)
		g.enc = b
		w.event(g, "response.reasoning_summary_part.added", b)
	}
}

func (w *responsesWriter) delta(g *gen, k segKind, text []byte) {
	w.text = append(w.text, text...)
	var b []byte
	if k == segText {
		g.addText(text)
		b = append(g.enc[:0], `,"content_index":0,"delta":`...)
		b = appendJSONString(b, text, true)
		b = w.itemRef(b)
		b = append(b, `,"logprobs":[],"obfuscation":"`...)
		b = g.r.appendID(b, alnum, g.r.between(1, 16))
		b = append(b, '"')
		g.enc = b
		w.event(g, "response.output_text.delta", b)
		return
	}
	g.addThinking(text)
	b = append(g.enc[:0], `,"delta":`...)
	b = appendJSONString(b, text, true)
	b = w.itemRef(b)
	b = append(b, `,"obfuscation":"`...)
	b = g.r.appendID(b, alnum, g.r.between(1, 16))
	b = append(b, `","summary_index":0`...)
	g.enc = b
	w.event(g, "response.reasoning_summary_text.delta", b)
}

func (w *responsesWriter) argsDelta(g *gen, _ *toolCall, frag []byte) {
	b := append(g.enc[:0], `,"delta":`...)
	b = appendJSONString(b, frag, true)
	b = w.itemRef(b)
	b = append(b, `,"obfuscation":"`...)
	b = g.r.appendID(b, alnum, g.r.between(1, 16))
	b = append(b, '"')
	g.enc = b
	w.event(g, "response.function_call_arguments.delta", b)
}

func (w *responsesWriter) blockEnd(g *gen, k segKind, tc *toolCall) {
	var b []byte
	switch k {
	case segText:
		b = append(g.enc[:0], `,"content_index":0`...)
		b = w.itemRef(b)
		b = append(b, `,"logprobs":[],"text":`...)
		b = appendJSONString(b, w.text, true)
		g.enc = b
		w.event(g, "response.output_text.done", b)

		b = append(g.enc[:0], `,"content_index":0`...)
		b = w.itemRef(b)
		b = append(b, `,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":`...)
		b = appendJSONString(b, w.text, true)
		b = append(b, '}')
		g.enc = b
		w.event(g, "response.content_part.done", b)

		b = append(g.enc[:0], `,"item":{"id":"`...)
		b = append(b, w.item...)
		b = append(b, `","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":`...)
		b = appendJSONString(b, w.text, true)
		b = append(b, `}],"phase":"final_answer","role":"assistant"}`...)
	case segThinking:
		b = w.itemRef(g.enc[:0])
		b = append(b, `,"summary_index":0,"text":`...)
		b = appendJSONString(b, w.text, true)
		g.enc = b
		w.event(g, "response.reasoning_summary_text.done", b)

		b = w.itemRef(g.enc[:0])
		b = append(b, `,"part":{"type":"summary_text","text":`...)
		b = appendJSONString(b, w.text, true)
		b = append(b, `},"summary_index":0`...)
		g.enc = b
		w.event(g, "response.reasoning_summary_part.done", b)

		b = append(g.enc[:0], `,"item":{"id":"`...)
		b = append(b, w.item...)
		b = append(b, `","type":"reasoning","summary":[{"type":"summary_text","text":`...)
		b = appendJSONString(b, w.text, true)
		b = append(b, `}]}`...)
	default:
		b = append(g.enc[:0], `,"arguments":`...)
		b = appendJSONString(b, tc.args, true)
		b = w.itemRef(b)
		g.enc = b
		w.event(g, "response.function_call_arguments.done", b)

		b = append(g.enc[:0], `,"item":{"id":"`...)
		b = append(b, w.item...)
		b = append(b, `","type":"function_call","status":"completed","arguments":`...)
		b = appendJSONString(b, tc.args, true)
		b = append(b, `,"call_id":"`...)
		b = append(b, tc.id...)
		b = append(b, `","name":"`...)
		b = append(b, tc.name...)
		b = append(b, `"}`...)
	}
	b = append(b, `,"output_index":`...)
	b = appendInt(b, int64(w.out))
	g.enc = b
	w.event(g, "response.output_item.done", b)
	w.out++
}

func (w *responsesWriter) end(g *gen) {
	out := g.out
	g.st.InputTokens, g.st.OutputTokens = w.prompt, out
	g.st.CachedTokens, g.st.ReasoningTokens = w.cached, g.reasoning
	g.st.StopReason = "completed"
	b := append(g.enc[:0], w.resp...)
	b = append(b, `"completed"`...)
	b = append(b, w.respEnd...)
	b = append(b, `{"input_tokens":`...)
	b = appendInt(b, w.prompt)
	b = append(b, `,"input_tokens_details":{"cached_tokens":`...)
	b = appendInt(b, w.cached)
	b = append(b, `},"output_tokens":`...)
	b = appendInt(b, out)
	b = append(b, `,"output_tokens_details":{"reasoning_tokens":`...)
	b = appendInt(b, g.reasoning)
	b = append(b, `},"total_tokens":`...)
	b = appendInt(b, w.prompt+out)
	b = append(b, `},"user":null,"metadata":{}}`...)
	g.enc = b
	w.event(g, "response.completed", b)
}
