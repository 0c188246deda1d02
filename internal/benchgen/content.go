package benchgen

import (
	"bufio"
	"hash/crc32"
	"math/bits"
	"unicode/utf8"
)

// rng is SplitMix64: small, fast, and fixed here, so that a seed gives the
// same capture whatever the Go version (math/rand makes no such promise for
// its helper methods).
type rng struct{ s uint64 }

func newRNG(seed uint64) rng { return rng{s: seed ^ 0x5DEECE66D2B7E151} }

func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// intn returns a number in [0, n), n > 0.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance is true with probability pct/100.
func (r *rng) chance(pct int) bool { return r.intn(100) < pct }

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// appendID appends n random characters of alphabet.
func (r *rng) appendID(dst []byte, alphabet string, n int) []byte {
	for range n {
		dst = append(dst, alphabet[r.intn(len(alphabet))])
	}
	return dst
}

// The vocabulary of the generated text. Prose and code are mixed as in an
// agent's answers; some tokens carry non-ASCII text (2- and 4-byte UTF-8),
// quotes, backslashes, tabs, newlines and the HTML characters that some
// servers escape (\u003c).
var (
	proseTokens = []string{
		" the", " of", " and", " to", " a", " in", " is", " that", " for", " it",
		" with", " as", " on", " this", " be", " are", " by", " we", " can", " will",
		" should", " not", " when", " each", " one", " stream", " event", " parser",
		" token", "s", " buffer", " memory", " file", " test", "ing", " function",
		" value", " error", " result", " request", " response", " model", " usage",
		" field", " line", "ed", " chunk", " JSON", " decode", " alloc", "ation",
		" bench", "mark", " through", "put", " latency", " gateway", " provider",
		" the", " of", " and", " to", " a", " in", " is", " it", " that", " which",
		".", ".", ",", ",", ",", ":", " (", ")", " —", ";", "?",
		" café", " naïve", " résumé", " déjà", " vu", " 😊", " 🚀", " Größe",
		" über", " 日本語", " “quoted”", " \"quoted\"", " x < y", " a > b",
		" Tom & Jerry", " <b>bold</b>", " 100%", " $5", ` C:\temp`, " e.g.",
		".\n\n", "\n- ", " **", "**", "\n\n## ", " `sc`", " `Scan()`", " →",
	}
	codeTokens = []string{
		"\n", "\n", "\n\t", "\n\t\t", "if", " err", " :=", " !=", " nil", " {",
		"}", " return", " fmt", ".Errorf", `("`, "line %d: %w", `",`, " line",
		")", " for", " i", " <", " len", "(b", "); i++", " &&", " ||", ` "`,
		"json", `"`, " // ", "TODO", " 😊", " 'é'", " <-", "ch", " []byte", " ok",
		" =", " s", ".Scan", "()", " bytes", ".Equal", "(", ", ", "data",
		" `json:\"type\"`", " '\\n'", " \"\\\"\"", " &x", " >", " 0", " 1",
	}
	wordTokens = []string{
		"stream", "event", "parser", "buffer", "scanner", "usage", "token",
		"chunk", "delta", "report", "summary", "config", "handler", "cache",
	}
	toolNames = []string{"read_file", "run_shell", "edit_file", "search_code", "list_dir"}
	paths     = []string{"parser/anthropic.go", "parser/openai_chat.go", "sse/scanner.go",
		"streamctx/context.go", "cmd/commands.go", "report/summary.go", "internal/benchgen/content.go",
		"docs/résumé.md", "testdata/captures/gemini/text-crlf.sse"}
	commands = []string{
		"go test ./... -run 'TestGolden' -count=1 2>&1 | tail -n 40",
		"go vet ./... && gofmt -l .",
		`grep -rn "AppendText" parser/ | head -20`,
		"ls -la testdata/captures/*/",
		"go test -bench . -benchmem ./sse > /tmp/bench.txt",
	}
)

// textSource produces the tokens of a text: runs of prose with, now and
// then, a code block.
type textSource struct {
	r    *rng
	code bool
	left int // tokens until the mode changes
}

func (t *textSource) init(r *rng) {
	t.r = r
	t.left = r.between(50, 400)
}

// token returns the next token.
func (t *textSource) token() string {
	if t.left <= 0 {
		t.code = !t.code
		if t.code {
			t.left = t.r.between(20, 150)
			return "\n\n```go\n"
		}
		t.left = t.r.between(50, 400)
		return "\n```\n\n"
	}
	t.left--
	if t.code {
		return codeTokens[t.r.intn(len(codeTokens))]
	}
	return proseTokens[t.r.intn(len(proseTokens))]
}

// segKind is the kind of a content block.
type segKind int

const (
	segText segKind = iota
	segThinking
	segTool
)

// toolCall is one generated client tool call.
type toolCall struct {
	index int    // 0, 1, ... in the stream
	id    []byte // the call id, format-specific
	name  string
	args  []byte // the arguments, as the format carries them
}

// formatWriter writes the events of one wire format; gen drives it.
type formatWriter interface {
	// begin writes the opening events and sets the declared usage.
	begin(g *gen)
	// thinking reports whether the format carries reasoning text.
	thinking() bool
	// wholeTools reports whether tool calls come whole (blockStart writes
	// them) rather than as argument fragments.
	wholeTools() bool
	// spacedArgs reports whether tool-call arguments are JSON with spaces;
	// compactsArgs, whether sseinspect reports them compacted.
	spacedArgs() bool
	compactsArgs() bool
	// inputExcludesCache reports whether the input token count leaves
	// cache reads and writes out (sseinspect's total input adds them).
	inputExcludesCache() bool
	// deltaTokens returns the number of tokens of the next delta.
	deltaTokens(g *gen, k segKind) int
	// blockStart opens a block (content block, output item).
	blockStart(g *gen, k segKind, tc *toolCall)
	// delta writes one text or thinking delta (text is unescaped).
	delta(g *gen, k segKind, text []byte)
	// argsDelta writes one fragment of tc's arguments.
	argsDelta(g *gen, tc *toolCall, frag []byte)
	// blockEnd closes the block.
	blockEnd(g *gen, k segKind, tc *toolCall)
	// end writes the closing events: usage, stop reason, terminator.
	end(g *gen)
}

// gen is the state of one generation.
type gen struct {
	bw   *bufio.Writer
	err  error
	n    int64 // bytes written
	size int64
	r    rng
	st   Stats

	text  textSource
	think textSource

	// Output and reasoning tokens so far.
	out, reasoning int64
	tools          int
	tool           toolCall // the current tool call
	last           segKind  // the last block's kind

	ev      []byte // the event being built
	piece   []byte // scratch: the current delta or fragment
	args    []byte // scratch: tool-call arguments
	enc     []byte // scratch: an encoded delta or part
	compact []byte // scratch: compacted arguments
}

// emit writes one event (its complete bytes, blank line included).
func (g *gen) emit(ev []byte) {
	if g.err != nil {
		return
	}
	_, g.err = g.bw.Write(ev)
	g.n += int64(len(ev))
	g.st.Events++
}

// full reports whether size has been reached (or writing failed).
func (g *gen) full() bool { return g.n >= g.size || g.err != nil }

// run writes the whole capture: the opening, then blocks until size is
// reached, then the closing. The first blocks are a thinking block (when
// the format has them), a text block and a tool call, so that even a small
// capture has each; then a block is text, reasoning or a tool call at
// random.
func (g *gen) run(fw formatWriter) {
	fw.begin(g)
	g.think.init(&g.r)
	var opening []segKind
	if fw.thinking() {
		opening = append(opening, segThinking)
	}
	opening = append(opening, segText, segTool)
	for i := 0; i < len(opening) || !g.full(); i++ {
		k := segText
		switch {
		case i < len(opening):
			k = opening[i]
			if k == segTool && g.full() {
				continue // a tiny capture: no tool call
			}
		default:
			switch p := g.r.intn(100); {
			case p < 20:
				k = segTool
			case p < 40 && fw.thinking():
				k = segThinking
			}
		}
		g.block(fw, k)
	}
	fw.end(g)
}

// block writes one block of kind k.
func (g *gen) block(fw formatWriter, k segKind) {
	g.last = k
	if k == segTool {
		tc := g.newTool(fw)
		if fw.wholeTools() {
			g.out += int64(len(tc.args)/3 + 1)
		}
		fw.blockStart(g, k, tc)
		if !fw.wholeTools() {
			// The arguments come whole even past size: a tool call is
			// never cut.
			a := tc.args
			for len(a) > 0 {
				n := runeCut(a, g.r.between(1, 14))
				g.out++
				fw.argsDelta(g, tc, a[:n])
				a = a[n:]
			}
		}
		fw.blockEnd(g, k, tc)
		return
	}
	budget := g.r.between(50, 1000)
	if k == segThinking {
		budget = g.r.between(30, 500)
	}
	fw.blockStart(g, k, nil)
	for budget > 0 {
		n := fw.deltaTokens(g, k)
		g.piece = g.piece[:0]
		src := &g.text
		if k == segThinking {
			src = &g.think
		}
		for range n {
			g.piece = append(g.piece, src.token()...)
		}
		g.out += int64(n)
		if k == segThinking {
			g.reasoning += int64(n)
		}
		fw.delta(g, k, g.piece)
		budget -= n
		if g.full() {
			break
		}
	}
	fw.blockEnd(g, k, nil)
}

// runeCut returns a cut point near n in b that does not split a UTF-8
// sequence.
func runeCut(b []byte, n int) int {
	if n >= len(b) {
		return len(b)
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	if n == 0 {
		_, n = utf8.DecodeRune(b)
	}
	return n
}

// addText records visible answer text.
func (g *gen) addText(s []byte) {
	g.st.TextBytes += int64(len(s))
	g.st.TextChecksum = crc32.Update(g.st.TextChecksum, castagnoli, s)
}

// addThinking records reasoning text.
func (g *gen) addThinking(s []byte) {
	g.st.ThinkingBytes += int64(len(s))
	g.st.ThinkingChecksum = crc32.Update(g.st.ThinkingChecksum, castagnoli, s)
}

// addToolArgs records tool-call arguments as sseinspect assembles them.
func (g *gen) addToolArgs(s []byte) {
	g.st.ToolArgsBytes += int64(len(s))
	g.st.ToolArgsChecksum = crc32.Update(g.st.ToolArgsChecksum, castagnoli, s)
}

// newTool makes the next tool call (reusing g.tool), with arguments as fw's
// format sends them (fw.spacedArgs), and records the arguments as
// sseinspect reports them (fw.compactsArgs).
func (g *gen) newTool(fw formatWriter) *toolCall {
	tc := &g.tool
	tc.index, tc.name = g.tools, toolNames[g.r.intn(len(toolNames))]
	g.tools++
	g.st.ToolCalls++
	tc.args = g.toolArgs(g.args[:0], tc.name, fw.spacedArgs())
	g.args = tc.args
	if fw.compactsArgs() {
		g.compact = compactJSON(g.compact[:0], tc.args)
		g.addToolArgs(g.compact)
	} else {
		g.addToolArgs(tc.args)
	}
	return tc
}

// compactJSON appends JSON src without the white space between tokens, as
// json.Compact does, for the arguments generated here (whose strings hold
// no white space outside escapes that matters: white space inside strings
// is kept).
func compactJSON(dst, src []byte) []byte {
	inStr, esc := false, false
	for _, c := range src {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// toolArgs appends the JSON arguments of a call of name.
func (g *gen) toolArgs(dst []byte, name string, spaced bool) []byte {
	colon, comma := ":", ","
	if spaced {
		colon, comma = ": ", ", "
	}
	key := func(dst []byte, k string, first bool) []byte {
		if !first {
			dst = append(dst, comma...)
		}
		dst = append(dst, '"')
		dst = append(dst, k...)
		dst = append(dst, '"')
		return append(dst, colon...)
	}
	r := &g.r
	dst = append(dst, '{')
	switch name {
	case "read_file":
		dst = key(dst, "path", true)
		dst = appendJSONString(dst, paths[r.intn(len(paths))], false)
		dst = key(dst, "offset", false)
		dst = appendInt(dst, int64(r.intn(2000)))
		dst = key(dst, "limit", false)
		dst = appendInt(dst, int64(r.between(20, 400)))
	case "run_shell":
		dst = key(dst, "command", true)
		dst = appendJSONString(dst, commands[r.intn(len(commands))], false)
		dst = key(dst, "timeout_ms", false)
		dst = appendInt(dst, 120000)
	case "edit_file":
		dst = key(dst, "path", true)
		dst = appendJSONString(dst, paths[r.intn(len(paths))], false)
		for _, k := range [...]string{"old_string", "new_string"} {
			dst = key(dst, k, false)
			g.piece = g.piece[:0]
			for range r.between(10, 120) {
				g.piece = append(g.piece, codeTokens[r.intn(len(codeTokens))]...)
			}
			dst = appendJSONString(dst, g.piece, false)
		}
	case "search_code":
		dst = key(dst, "query", true)
		g.piece = g.piece[:0]
		for range r.between(2, 8) {
			g.piece = append(g.piece, proseTokens[r.intn(len(proseTokens))]...)
		}
		dst = appendJSONString(dst, g.piece, false)
		dst = key(dst, "max_results", false)
		dst = appendInt(dst, 10)
	default: // list_dir
		dst = key(dst, "path", true)
		dst = appendJSONString(dst, wordTokens[r.intn(len(wordTokens))]+"/", false)
		dst = key(dst, "recursive", false)
		if r.chance(50) {
			dst = append(dst, "true"...)
		} else {
			dst = append(dst, "false"...)
		}
	}
	return append(dst, '}')
}

// appendTypedEvent appends `event: typ` and the start of the event's data,
// `data: {"type":"typ"`, to dst: the head of every event of the formats that
// name each event twice (anthropic, openai-responses).
func appendTypedEvent(dst []byte, typ string) []byte {
	dst = append(dst, "event: "...)
	dst = append(dst, typ...)
	dst = append(dst, "\ndata: {\"type\":\""...)
	dst = append(dst, typ...)
	return append(dst, '"')
}

func appendInt(dst []byte, n int64) []byte {
	if n < 0 {
		dst = append(dst, '-')
		n = -n
	}
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(dst, b[i:]...)
}

const hexDigits = "0123456789abcdef"

// safeASCII tells the ASCII bytes that a JSON string holds as they are;
// htmlChar those that appendJSONString escapes with html.
var safeASCII, htmlChar = func() (safe, html [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		safe[c] = c != '"' && c != '\\'
	}
	html['<'], html['>'], html['&'] = true, true, true
	return safe, html
}()

// appendJSONString appends s as a JSON string. Quotes, backslashes and
// control characters are escaped (\n, \t, \r, \u00XX), as are U+2028 and
// U+2029; with html, <, > and & are escaped as \u003c, \u003e, \u0026 (as
// Go's encoding/json and OpenAI do). Other non-ASCII text is kept as UTF-8.
func appendJSONString[S ~string | ~[]byte](dst []byte, s S, html bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] && (!html || !htmlChar[c]) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		// U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
		if c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
			i += 3
			start = i
			continue
		}
		i++
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// pad appends 0 to 15 spaces one time in three, as Anthropic pads its JSON
// before the closing brace.
func (g *gen) pad(dst []byte) []byte {
	if g.r.intn(3) == 0 {
		for range g.r.intn(16) {
			dst = append(dst, ' ')
		}
	}
	return dst
}
