package benchgen

// Anthropic is the format anthropicWriter writes, as sseinspect names it.
const Anthropic = "anthropic"

// anthropicWriter writes an Anthropic Messages stream shaped like
// testdata/captures/anthropic/*.sse: an event: line and a data: line per
// event, JSON padded with spaces before its closing brace as Anthropic
// does, message_start with the input usage, content blocks by index
// (thinking blocks with thinking_delta and a signature_delta, text blocks
// with text_delta, tool_use blocks with input_json_delta fragments), pings
// now and then, message_delta with the stop reason and cumulative usage,
// and message_stop.
type anthropicWriter struct {
	index     int64 // the current block's index
	untilPing int
	input     int64
	cacheRead int64
	cacheNew  int64
}

const anthropicModel = "claude-sonnet-4-5-20250929"

var pingEvent = []byte("event: ping\ndata: {\"type\": \"ping\"}\n\n")

func (w *anthropicWriter) thinking() bool           { return true }
func (w *anthropicWriter) wholeTools() bool         { return false }
func (w *anthropicWriter) spacedArgs() bool         { return true }
func (w *anthropicWriter) compactsArgs() bool       { return false }
func (w *anthropicWriter) inputExcludesCache() bool { return true }

func (w *anthropicWriter) deltaTokens(g *gen, _ segKind) int {
	switch p := g.r.intn(100); {
	case p < 30:
		return 1
	case p < 90:
		return g.r.between(2, 6)
	default:
		return g.r.between(7, 40)
	}
}

// event writes `event: typ` and `data: {"type":"typ"<body><pad>}`.
func (w *anthropicWriter) event(g *gen, typ string, body []byte) {
	b := appendTypedEvent(g.ev[:0], typ)
	b = append(b, body...)
	b = g.pad(b)
	b = append(b, "}\n\n"...)
	g.ev = b
	g.emit(b)
}

// ping writes a ping every few hundred events.
func (w *anthropicWriter) ping(g *gen) {
	w.untilPing--
	if w.untilPing > 0 {
		return
	}
	w.untilPing = g.r.between(200, 800)
	g.emit(pingEvent)
}

func (w *anthropicWriter) begin(g *gen) {
	id := g.r.appendID([]byte("msg_01"), alnum, 22)
	g.st.ResponseID = string(id)
	g.st.Model = anthropicModel
	w.input = int64(g.r.between(1, 3000))
	w.cacheRead = int64(g.r.between(0, 150000))
	w.cacheNew = int64(g.r.between(0, 8000))
	w.index = -1
	w.untilPing = 1 // after the first content_block_start, as Anthropic does
	b := append(g.enc[:0], `,"message":{"model":"`+anthropicModel+`","id":"`...)
	b = append(b, id...)
	b = append(b, `","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":`...)
	b = appendInt(b, w.input)
	b = append(b, `,"cache_creation_input_tokens":`...)
	b = appendInt(b, w.cacheNew)
	b = append(b, `,"cache_read_input_tokens":`...)
	b = appendInt(b, w.cacheRead)
	b = append(b, `,"cache_creation":{"ephemeral_5m_input_tokens":`...)
	b = appendInt(b, w.cacheNew)
	b = append(b, `,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard","inference_geo":"not_available"}}`...)
	g.enc = b
	w.event(g, "message_start", b)
}

// blockRef appends ,"index":N.
func (w *anthropicWriter) blockRef(b []byte) []byte {
	b = append(b, `,"index":`...)
	return appendInt(b, w.index)
}

func (w *anthropicWriter) blockStart(g *gen, k segKind, tc *toolCall) {
	w.index++
	b := w.blockRef(g.enc[:0])
	switch k {
	case segText:
		b = append(b, `,"content_block":{"type":"text","text":""}`...)
	case segThinking:
		b = append(b, `,"content_block":{"type":"thinking","thinking":"","signature":""}`...)
	default:
		tc.id = g.r.appendID(append(tc.id[:0], "toolu_01"...), alnum, 22)
		b = append(b, `,"content_block":{"type":"tool_use","id":"`...)
		b = append(b, tc.id...)
		b = append(b, `","name":"`...)
		b = append(b, tc.name...)
		b = append(b, `","input":{}}`...)
	}
	g.enc = b
	w.event(g, "content_block_start", b)
	w.ping(g)
	if k == segTool {
		// Anthropic starts every input with an empty fragment.
		w.argsDelta(g, tc, nil)
	}
}

func (w *anthropicWriter) delta(g *gen, k segKind, text []byte) {
	b := w.blockRef(g.enc[:0])
	if k == segText {
		g.addText(text)
		b = append(b, `,"delta":{"type":"text_delta","text":`...)
	} else {
		g.addThinking(text)
		b = append(b, `,"delta":{"type":"thinking_delta","thinking":`...)
	}
	b = appendJSONString(b, text, false)
	b = append(b, '}')
	g.enc = b
	w.event(g, "content_block_delta", b)
	w.ping(g)
}

func (w *anthropicWriter) argsDelta(g *gen, _ *toolCall, frag []byte) {
	b := w.blockRef(g.enc[:0])
	b = append(b, `,"delta":{"type":"input_json_delta","partial_json":`...)
	b = appendJSONString(b, frag, false)
	b = append(b, '}')
	g.enc = b
	w.event(g, "content_block_delta", b)
	w.ping(g)
}

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func (w *anthropicWriter) blockEnd(g *gen, k segKind, _ *toolCall) {
	if k == segThinking {
		b := w.blockRef(g.enc[:0])
		b = append(b, `,"delta":{"type":"signature_delta","signature":"`...)
		b = g.r.appendID(b, b64, 4*g.r.between(60, 200))
		b = append(b, `"}`...)
		g.enc = b
		w.event(g, "content_block_delta", b)
	}
	g.enc = w.blockRef(g.enc[:0])
	w.event(g, "content_block_stop", g.enc)
}

func (w *anthropicWriter) end(g *gen) {
	stop := "end_turn"
	if g.last == segTool {
		stop = "tool_use"
	}
	st := &g.st
	st.StopReason = stop
	st.InputTokens, st.OutputTokens = w.input, g.out
	st.CachedTokens, st.CacheCreationTokens = w.cacheRead, w.cacheNew
	b := append(g.enc[:0], `,"delta":{"stop_reason":"`...)
	b = append(b, stop...)
	b = append(b, `","stop_sequence":null},"usage":{"input_tokens":`...)
	b = appendInt(b, w.input)
	b = append(b, `,"cache_creation_input_tokens":`...)
	b = appendInt(b, w.cacheNew)
	b = append(b, `,"cache_read_input_tokens":`...)
	b = appendInt(b, w.cacheRead)
	b = append(b, `,"output_tokens":`...)
	b = appendInt(b, g.out)
	b = append(b, '}')
	g.enc = b
	w.event(g, "message_delta", b)
	w.event(g, "message_stop", nil)
}
