package benchgen

// Gemini is the format geminiWriter writes, as sseinspect names it.
const Gemini = "gemini"

// geminiWriter writes a Gemini streamGenerateContent?alt=sse stream shaped
// like testdata/captures/gemini/*.sse: CRLF line endings, one
// GenerateContentResponse per data line with the Python-style spacing of
// the API (`"key": value`), larger text chunks than the other formats,
// thought parts ("thought": true), whole functionCall parts with a
// thoughtSignature, the cumulative usageMetadata on every chunk, and a last
// chunk with finishReason STOP.
type geminiWriter struct {
	rest   []byte // after usageMetadata: ,"modelVersion": ..., "responseId": ...}
	prompt int64
	cached int64
}

const geminiModel = "gemini-2.5-pro"

func (w *geminiWriter) thinking() bool           { return true }
func (w *geminiWriter) wholeTools() bool         { return true }
func (w *geminiWriter) spacedArgs() bool         { return true }
func (w *geminiWriter) compactsArgs() bool       { return true }
func (w *geminiWriter) inputExcludesCache() bool { return false }

func (w *geminiWriter) deltaTokens(g *gen, k segKind) int {
	if k == segThinking {
		return g.r.between(20, 120)
	}
	if g.r.chance(10) {
		return g.r.between(1, 7)
	}
	return g.r.between(8, 60)
}

func (w *geminiWriter) begin(g *gen) {
	id := g.r.appendID(nil, alnum, 23)
	g.st.ResponseID = string(id)
	g.st.Model = geminiModel
	w.prompt = int64(g.r.between(2000, 500000))
	w.cached = int64(g.r.intn(int(w.prompt)))
	w.rest = append([]byte(`,"modelVersion": "`+geminiModel+`","responseId": "`), id...)
	w.rest = append(w.rest, "\"}\r\n\r\n"...)
}

// chunk writes one chunk whose candidate 0 has the part (a JSON object)
// and the finish reason, if any.
func (w *geminiWriter) chunk(g *gen, part []byte, finish string) {
	b := append(g.ev[:0], `data: {"candidates": [{"content": {"parts": [`...)
	b = append(b, part...)
	b = append(b, `],"role": "model"}`...)
	if finish != "" {
		b = append(b, `,"finishReason": "`...)
		b = append(b, finish...)
		b = append(b, '"')
	}
	b = append(b, `,"index": 0}],"usageMetadata": {"promptTokenCount": `...)
	b = appendInt(b, w.prompt)
	cand := g.out - g.reasoning
	if cand > 0 {
		b = append(b, `,"candidatesTokenCount": `...)
		b = appendInt(b, cand)
	}
	b = append(b, `,"totalTokenCount": `...)
	b = appendInt(b, w.prompt+g.out)
	if w.cached > 0 {
		b = append(b, `,"cachedContentTokenCount": `...)
		b = appendInt(b, w.cached)
	}
	b = append(b, `,"promptTokensDetails": [{"modality": "TEXT","tokenCount": `...)
	b = appendInt(b, w.prompt)
	b = append(b, `}]`...)
	if g.reasoning > 0 {
		b = append(b, `,"thoughtsTokenCount": `...)
		b = appendInt(b, g.reasoning)
	}
	b = append(b, '}')
	b = append(b, w.rest...)
	g.ev = b
	g.emit(b)
}

func (w *geminiWriter) blockStart(g *gen, k segKind, tc *toolCall) {
	if k != segTool {
		return
	}
	b := append(g.enc[:0], `{"functionCall": {"name": "`...)
	b = append(b, tc.name...)
	b = append(b, `","args": `...)
	b = append(b, tc.args...)
	b = append(b, `},"thoughtSignature": "`...)
	b = g.r.appendID(b, b64, 4*g.r.between(40, 300))
	b = append(b, `"}`...)
	g.enc = b
	w.chunk(g, b, "")
}

func (w *geminiWriter) delta(g *gen, k segKind, text []byte) {
	b := append(g.enc[:0], `{"text": `...)
	b = appendJSONString(b, text, false)
	if k == segThinking {
		g.addThinking(text)
		b = append(b, `,"thought": true`...)
	} else {
		g.addText(text)
	}
	b = append(b, '}')
	g.enc = b
	w.chunk(g, b, "")
}

func (w *geminiWriter) argsDelta(*gen, *toolCall, []byte) {}
func (w *geminiWriter) blockEnd(*gen, segKind, *toolCall) {}

func (w *geminiWriter) end(g *gen) {
	st := &g.st
	st.StopReason = "STOP"
	st.InputTokens, st.OutputTokens = w.prompt, g.out
	st.CachedTokens, st.ReasoningTokens = w.cached, g.reasoning
	w.chunk(g, []byte(`{"text": ""}`), "STOP")
}
