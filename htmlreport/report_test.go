package htmlreport_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/htmlreport"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
	"github.com/sseinspect/sseinspect/timing"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

var epoch = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// replay reads a capture as sseinspect report does and returns what the
// report shows of it.
func replay(tb testing.TB, name string, in []byte, limits htmlreport.Limits) *htmlreport.Capture {
	tb.Helper()
	cp, err := capture.Open(bytes.NewReader(in), capture.Options{})
	require.NoError(tb, err)
	start := time.Time{}
	if !cp.Start.IsZero() && !cp.EventsUntimed {
		start = cp.Start
	}
	sc := streamctx.New(streamctx.Options{CollectText: true, CountChars: true, Start: cp.Start, EventsUntimed: cp.EventsUntimed})
	rec := htmlreport.NewRecorder(sc, start, 2*time.Second, limits)
	res, err := parser.ReplayCapture(cp, sc, parser.Options{OnEvent: rec.OnEvent})
	require.NoError(tb, err)
	snap := sc.Snapshot(res.Format.Name, res.Format.Vendor)
	return rec.Finish(name, snap, snap.Status != streamctx.StatusOK, nil)
}

// timed writes a hand-made timed capture: each event at its time in ms.
func timed(tb testing.TB, events []string, ms []float64, endMs float64) []byte {
	tb.Helper()
	var b bytes.Buffer
	w := timing.NewWriter(&b, epoch)
	for i, ev := range events {
		require.NoError(tb, w.Append([]byte(ev), time.Duration(ms[i]*float64(time.Millisecond))))
	}
	require.NoError(tb, w.Close(time.Duration(endMs*float64(time.Millisecond))))
	return b.Bytes()
}

func anthropicEvent(typ, data string) string {
	return "event: " + typ + "\ndata: " + data + "\n\n"
}

// A hand-made Anthropic stream: reasoning, a stall, answer text, a tool
// call, timed by hand.
func reasoningAnswerTool() ([]string, []float64) {
	evs := []string{
		anthropicEvent("message_start", `{"type":"message_start","message":{"id":"msg_1","model":"claude-x","usage":{"input_tokens":10,"output_tokens":1}}}`),
		anthropicEvent("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}`),
		anthropicEvent("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think."}}`),
		anthropicEvent("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":" More."}}`),
		anthropicEvent("content_block_stop", `{"type":"content_block_stop","index":0}`),
		anthropicEvent("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`),
		anthropicEvent("content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello"}}`),
		anthropicEvent("content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":" world"}}`),
		anthropicEvent("content_block_stop", `{"type":"content_block_stop","index":1}`),
		anthropicEvent("content_block_start", `{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}`),
		anthropicEvent("content_block_delta", `{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"city\":\"Paris\"}"}}`),
		anthropicEvent("content_block_stop", `{"type":"content_block_stop","index":2}`),
		anthropicEvent("message_delta", `{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":20}}`),
		anthropicEvent("message_stop", `{"type":"message_stop"}`),
	}
	ms := []float64{100, 110, 150, 160, 170, 175, 3300, 3305, 3310, 3320, 3330, 3340, 3350, 3360}
	return evs, ms
}

func TestRecorderTimeline(t *testing.T) {
	t.Parallel()
	evs, ms := reasoningAnswerTool()
	c := replay(t, "hand-made", timed(t, evs, ms, 3400), htmlreport.OneCapture)
	require.True(t, c.Timed)
	assert.Equal(t, 14, c.Events)
	assert.InDelta(t, 3400.0, c.End, 0, "the end of input")
	assert.Equal(t, [2]float64{150, 160}, c.Thinking, "reasoning grew from the first to the second thinking delta")
	assert.Equal(t, [2]float64{3300, 3305}, c.Answer)
	// Every event is a point: output is text + reasoning bytes after it.
	require.Len(t, c.Points, 14)
	assert.Equal(t, htmlreport.Point{X: 150, Thinking: 13}, c.Points[2])
	assert.Equal(t, htmlreport.Point{X: 3305, Text: 11, Thinking: 19}, c.Points[7])
	assert.InDelta(t, 3360.0, c.Points[13].X, 0)
	assert.Equal(t, []htmlreport.Mark{
		{Kind: htmlreport.MarkStall, X: 160, End: 3300},
		{Kind: htmlreport.MarkToolCall, X: 3320, End: 3320},
	}, c.Marks)
	// Content events: 150, 160 (thinking), 3300, 3305 (text), 3320, 3330
	// (the tool call): gaps 10, 3140, 5, 15, 10.
	want := make([]int, len(htmlreport.GapEdges())+1)
	want[2] = 1  // 5ms: ≤5
	want[3] = 2  // 10ms, 10ms: ≤10
	want[4] = 1  // 15ms: ≤20
	want[11] = 1 // 3140ms: ≤5000
	assert.Equal(t, want, c.Gaps)
	assert.Equal(t, "Hello world", c.Text)
	assert.Equal(t, "Let me think. More.", c.Reasoning)
	require.Len(t, c.ToolCalls, 1)
	assert.JSONEq(t, `{"city":"Paris"}`, c.ToolCalls[0].Arguments)
	assert.Equal(t, []htmlreport.TypeCount{{"message_start", 1}, {"content_block_start", 3}, {"content_block_delta", 5}, {"content_block_stop", 3}, {"message_delta", 1}, {"message_stop", 1}}, c.Types)
	// The rows say which events carried content.
	var content []int
	for _, r := range c.Rows {
		if r.Content {
			content = append(content, r.Index)
		}
	}
	assert.Equal(t, []int{3, 4, 7, 8, 10, 11}, content)
}

// A stream longer than the limits keeps points evenly spread (the last
// event's always) and the first rows.
func TestRecorderBounds(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}` + "\n\n")
	for range 99 {
		b.WriteString(`data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"ab"}}]}` + "\n\n")
	}
	b.WriteString("data: [DONE]\n\n")
	c := replay(t, "hand-made", []byte(b.String()), htmlreport.Limits{Points: 8, Rows: 5, Marks: 1, Text: 10})
	assert.False(t, c.Timed)
	assert.Equal(t, 101, c.Events)
	assert.LessOrEqual(t, len(c.Points), 9)
	for i := 1; i < len(c.Points)-2; i++ {
		assert.InDelta(t, c.Points[1].X-c.Points[0].X, c.Points[i+1].X-c.Points[i].X, 0, "evenly spread")
	}
	assert.Equal(t, htmlreport.Point{X: 101, Text: 198}, c.Points[len(c.Points)-1], "the last event is the last point")
	assert.Len(t, c.Rows, 5)
	assert.Equal(t, "ababababab", c.Text)
	assert.Equal(t, []string{"text"}, c.Cut)
}

// The report of a real, untimed capture, byte for byte: it is
// deterministic, so it can be a golden file. -update rewrites them.
func TestReportGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"anthropic/tool-use-input-json-delta", "gemini/thoughts", "openai/responses-reasoning-summary"} {
		in, err := os.ReadFile("../testdata/captures/" + name + ".sse")
		if os.IsNotExist(err) {
			t.Fatalf("%s: no such capture", name)
		}
		require.NoError(t, err)
		var out [2]bytes.Buffer
		for i := range out {
			c := replay(t, name+".sse", in, htmlreport.OneCapture)
			require.NoError(t, htmlreport.Write(&out[i], []*htmlreport.Capture{c}))
		}
		assert.Equal(t, out[0].String(), out[1].String(), "%s: the same report every time", name)
		golden := filepath.Join("testdata", strings.ReplaceAll(name, "/", "-")+".html")
		if *update {
			require.NoError(t, os.WriteFile(golden, out[0].Bytes(), 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err)
		assert.Equal(t, string(want), out[0].String(), "%s (go test ./htmlreport -update rewrites it)", golden)
	}
}

// hostile is a hand-made chat stream whose model, ids, event type, text and
// tool call try to break out of the page.
const hostile = `event: <img src=x onerror=alert(1)>
data: {"id":"chatcmpl-\"><script>window.pwned=1</script>","model":"</title><script>window.pwned=2</script>\u001b[31m","choices":[{"index":0,"delta":{"role":"assistant","content":"<b>bold</b></pre><script>window.pwned=3</script>"}}]}

data: {"id":"x","model":"</title><script>window.pwned=2</script>\u001b[31m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_<i>","type":"function","function":{"name":"<svg onload=alert(1)>","arguments":"{\"q\":\"]]></svg><script>window.pwned=4</script>\"}"}}]}}]}

data: {"id":"x","model":"</title><script>window.pwned=2</script>\u001b[31m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

data: [DONE]

`

func TestReportEscapes(t *testing.T) {
	t.Parallel()
	c := replay(t, `<script>window.pwned=5</script>.sse`, []byte(hostile), htmlreport.OneCapture)
	var out bytes.Buffer
	require.NoError(t, htmlreport.Write(&out, []*htmlreport.Capture{c}))
	html := out.String()
	for _, bad := range []string{"<script>window", "<img src=x", "<svg onload", "<b>bold", "\x1b", "<i>"} {
		assert.NotContains(t, html, bad)
	}
	assert.Contains(t, html, `&lt;/script&gt;\x1b[31m`, "the escape character shows as \\x1b")
	assert.Contains(t, html, "&lt;script&gt;window.pwned=2&lt;/script&gt;")
	assert.Equal(t, 1, strings.Count(html, "<script>"), "the report's own script only")
}

// A long stream gives a report of bounded size.
func TestReportBoundedSize(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}` + "\n\n")
	chunk := `data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"` + strings.Repeat("x", 200) + `"}}]}` + "\n\n"
	for range 50_000 { // 10 MB of text
		b.WriteString(chunk)
	}
	b.WriteString("data: [DONE]\n\n")
	c := replay(t, "hand-made", []byte(b.String()), htmlreport.OneCapture)
	var out bytes.Buffer
	require.NoError(t, htmlreport.Write(&out, []*htmlreport.Capture{c}))
	assert.Less(t, out.Len(), 2<<20, "a 10 MB capture's report stays under 2 MiB")
	assert.Contains(t, out.String(), fmt.Sprintf("The first %d of %d events are shown.", htmlreport.OneCapture.Rows, 50_002))
	assert.Contains(t, out.String(), "Cut to keep the report small: text.")
}

// Several captures: the failed ones first, each linked.
func TestReportMany(t *testing.T) {
	t.Parallel()
	var caps []*htmlreport.Capture
	for _, name := range []string{"anthropic/text", "errors/anthropic-http-529-overloaded"} {
		in, err := os.ReadFile("../testdata/captures/" + name + ".sse")
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		caps = append(caps, replay(t, name, in, htmlreport.ManyCaptures))
	}
	evs, ms := reasoningAnswerTool()
	caps = append(caps, replay(t, "timed", timed(t, evs, ms, 3400), htmlreport.ManyCaptures))
	var out bytes.Buffer
	require.NoError(t, htmlreport.Write(&out, caps))
	html := out.String()
	assert.Contains(t, html, `id="capture-table"`)
	assert.Contains(t, html, "time to first byte (1 captures with timing)")
	assert.Contains(t, html, "captures: "+fmt.Sprint(len(caps)))
	for i := range caps {
		assert.Contains(t, html, fmt.Sprintf(`<a href="#capture-%d">`, i+1))
	}
}

// The output axis counts whole characters: a stream with no text has ticks 0
// and 1, not 0.5.
func TestTimelineTicksAreWholeBytes(t *testing.T) {
	t.Parallel()
	in, err := os.ReadFile("../testdata/captures/bedrock/converse-stream-nova-code-interpreter-and-tool-use.eventstream")
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, htmlreport.Write(&out, []*htmlreport.Capture{replay(t, "x", in, htmlreport.OneCapture)}))
	assert.NotContains(t, out.String(), `text-anchor="end">0.5</text>`)
	assert.Contains(t, out.String(), `text-anchor="end">1</text>`)
}

// The timeline counts characters, not bytes.
func TestRecorderCountsCharacters(t *testing.T) {
	t.Parallel()
	in := `data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"héllo, 世界"}}]}` + "\n\ndata: [DONE]\n\n"
	c := replay(t, "hand-made", []byte(in), htmlreport.OneCapture)
	require.NotEmpty(t, c.Points)
	assert.Equal(t, 9, c.Points[len(c.Points)-1].Text, "héllo, 世界 is 9 characters (14 bytes)")
}

// As many tool calls as Limits.Rows are all shown and none is said to be
// cut; one more is cut. Hand-made OpenAI chat streams.
func TestRecorderToolCallsAtTheLimit(t *testing.T) {
	t.Parallel()
	stream := func(n int) []byte {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":%d,"id":"call_%d","type":"function","function":{"name":"f%d","arguments":"{}"}}]}}]}`+"\n\n", i, i, i)
		}
		b.WriteString(`data: {"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}` + "\n\ndata: [DONE]\n\n")
		return []byte(b.String())
	}
	limits := htmlreport.Limits{Points: 8, Rows: 2, Marks: 10, Text: 100}
	c := replay(t, "hand-made", stream(2), limits)
	assert.Len(t, c.ToolCalls, 2)
	assert.NotContains(t, c.Cut, "tool calls", "all of them are shown")
	c = replay(t, "hand-made", stream(3), limits)
	assert.Len(t, c.ToolCalls, 2)
	assert.Contains(t, c.Cut, "tool calls")
}

// Events without an event field count as "message" however many other
// types came first, merged with those that say "message".
func TestRecorderTypesMessage(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("data: {}\n\n")
	for i := range 70 {
		fmt.Fprintf(&b, "event: t%d\ndata: {}\n\n", i)
	}
	b.WriteString("data: {}\n\nevent: message\ndata: {}\n\n")
	sc := streamctx.New(streamctx.Options{CollectText: true, CountChars: true})
	rec := htmlreport.NewRecorder(sc, time.Time{}, 2*time.Second, htmlreport.OneCapture)
	cp, err := capture.Open(strings.NewReader(b.String()), capture.Options{})
	require.NoError(t, err)
	_, _ = parser.ReplayCapture(cp, sc, parser.Options{Format: "openai-chat", OnEvent: rec.OnEvent})
	c := rec.Finish("hand-made", sc.Snapshot("openai-chat", "openai"), false, nil)
	assert.Len(t, c.Types, 64, "at most maxTypes types are listed")
	assert.Equal(t, htmlreport.TypeCount{Type: "message", Count: 2}, c.Types[0], "the untyped events, the second after 64 types")
	assert.Equal(t, 73, c.Events)
}
