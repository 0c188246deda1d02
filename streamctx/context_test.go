package streamctx_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/streamctx"
)

var (
	absent = streamctx.Count{}
	of     = streamctx.Of
)

func TestUpdateUsageMerging(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		updates []streamctx.Usage
		want    streamctx.Usage
	}{
		{
			name:    "nothing_reported",
			updates: nil,
			want:    streamctx.Usage{},
		},
		{
			// Anthropic: message_start carries input, message_delta output.
			name: "pieces_merge",
			updates: []streamctx.Usage{
				{Input: of(100), Output: of(1)},
				{Output: of(50)},
			},
			want: streamctx.Usage{Input: of(100), Output: of(50)},
		},
		{
			// Aether keeps 100 here ("0 never overwrites"); a provider
			// that explicitly says 0 means 0.
			name: "explicit_zero_replaces_unlike_aether",
			updates: []streamctx.Usage{
				{CacheRead: of(55096)},
				{CacheRead: of(0)},
			},
			want: streamctx.Usage{CacheRead: of(0)},
		},
		{
			// OpenAI: a chunk with "usage": null after the usage chunk.
			name: "absent_never_erases",
			updates: []streamctx.Usage{
				{Input: of(78), Output: of(9), CacheRead: of(0), Reasoning: of(0)},
				{},
			},
			want: streamctx.Usage{Input: of(78), Output: of(9), CacheRead: of(0), Reasoning: of(0)},
		},
		{
			// Gemini: cumulative usageMetadata, the last wins.
			name: "later_explicit_value_replaces",
			updates: []streamctx.Usage{
				{Input: of(15)},
				{Input: of(13), Output: of(8)},
			},
			want: streamctx.Usage{Input: of(13), Output: of(8)},
		},
		{
			name: "aether_stale_value_case",
			// Aether: input stays 2039 if the delta said 0; here a
			// later explicit value always wins.
			updates: []streamctx.Usage{
				{Input: of(2039), CacheCreation: of(3068)},
				{Input: of(10423), CacheCreation: absent},
			},
			want: streamctx.Usage{Input: of(10423), CacheCreation: of(3068)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := streamctx.New(streamctx.Options{})
			for _, u := range tc.updates {
				sc.UpdateUsage(u, nil)
			}
			assert.Equal(t, tc.want, sc.Usage())
		})
	}
}

func TestUsageSource(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{})
	sc.UpdateUsage(streamctx.Usage{}, []byte(`null`))
	s := sc.Snapshot("openai-chat", "openai")
	assert.Equal(t, "none", s.UsageSource, "an empty usage report is no usage")
	assert.Nil(t, sc.FinalUsage())

	sc.UpdateUsage(streamctx.Usage{Output: of(0)}, []byte(`{"completion_tokens":0}`))
	s = sc.Snapshot("openai-chat", "openai")
	assert.Equal(t, "provider", s.UsageSource)
	assert.JSONEq(t, `{"completion_tokens":0}`, string(sc.FinalUsage()))
}

func TestTotalInputTokens(t *testing.T) {
	t.Parallel()
	u := streamctx.Usage{Input: of(6), CacheRead: of(6289), CacheCreation: of(3337), Output: of(198)}
	sc := streamctx.New(streamctx.Options{})
	sc.UpdateUsage(u, nil)
	assert.Equal(t, int64(6), sc.Snapshot("x", "x").TotalInputTokens, "input includes cache unless the format says otherwise")
	sc.InputExcludesCache = true
	assert.Equal(t, int64(6+6289+3337), sc.Snapshot("x", "x").TotalInputTokens)
}

// clock is a scripted clock: each time it moves, it tells the Context it
// is attached to (Observe), as the arrival of the next read would.
type clock struct {
	t  time.Time
	sc *streamctx.Context
}

func (c *clock) now() time.Time { return c.t }
func (c *clock) advance(d time.Duration) {
	c.t = c.t.Add(d)
	if c.sc != nil {
		c.sc.Observe(c.t)
	}
}

// attach makes c tell sc the time, and returns sc.
func (c *clock) attach(sc *streamctx.Context) *streamctx.Context {
	c.sc = sc
	return sc
}
func newClock() *clock  { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }
func ms(n int64) *int64 { return &n }
func timedContext(c *clock) *streamctx.Context {
	return c.attach(streamctx.New(streamctx.Options{Start: c.now(), CollectText: true}))
}

func TestTimingMilestones(t *testing.T) {
	t.Parallel()
	c := newClock()
	sc := timedContext(c)
	c.advance(250 * time.Millisecond)
	sc.RecordFirstByte(c.now())
	sc.CountEvent(1, c.now())
	c.advance(50 * time.Millisecond)
	sc.RecordFirstByte(c.now()) // only the first counts
	sc.AppendThinking("")
	sc.AppendText("") // empty deltas are no content
	c.advance(50 * time.Millisecond)
	sc.AppendThinking("hmm")
	c.advance(100 * time.Millisecond)
	sc.AppendText("Hi")
	c.advance(1100 * time.Millisecond)
	sc.RecordEnd(c.now())

	tm := sc.Timing()
	assert.Equal(t, 250*time.Millisecond, tm.FirstByte)
	assert.Equal(t, 250*time.Millisecond, tm.FirstEvent)
	assert.Equal(t, 350*time.Millisecond, tm.FirstContent)
	assert.Equal(t, 450*time.Millisecond, tm.FirstOutput)
	assert.Equal(t, 450*time.Millisecond, tm.LastContent)
	assert.Equal(t, 1550*time.Millisecond, tm.End)

	s := sc.Snapshot("anthropic", "anthropic")
	assert.Equal(t, ms(250), s.TTFBMs)
	assert.Equal(t, ms(350), s.TTFTMs)
	assert.Equal(t, ms(1550), s.TotalMs)
}

func TestNoStartMeansUnknownTiming(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{CollectText: true})
	sc.RecordFirstByte(newClock().now())
	sc.AppendText("x")
	sc.RecordEnd(newClock().now())
	s := sc.Snapshot("openai-chat", "openai")
	assert.Nil(t, s.TTFBMs)
	assert.Nil(t, s.TTFTMs)
	assert.Nil(t, s.TotalMs)
	assert.False(t, s.Timed)
}

func TestToolCallsAssembleInOrder(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{CollectText: true})
	sc.ToolDelta("1", "call_b", "second", "")
	sc.ToolDelta("0", "call_a", "first", `{"a":`)
	sc.ToolDelta("1", "", "", `{}`)
	sc.ToolDelta("0", "", "", `1}`)
	s := sc.Snapshot("openai-chat", "openai")
	assert.Equal(t, []streamctx.ToolCallSnapshot{
		{ID: "call_b", Name: "second", Arguments: "{}"},
		{ID: "call_a", Name: "first", Arguments: `{"a":1}`},
	}, s.ToolCalls)

	sc.SetToolArguments("0", `{"a": 1}`)
	assert.Equal(t, `{"a": 1}`, sc.ToolCalls()[1].Arguments())
	sc.SetToolArguments("2", `{}`)
	require.Len(t, sc.ToolCalls(), 3, "complete arguments of a new key make a call")
	assert.Equal(t, "{}", sc.ToolCalls()[2].Arguments())
}

func TestCollectTextOff(t *testing.T) {
	t.Parallel()
	c := newClock()
	sc := c.attach(streamctx.New(streamctx.Options{Start: c.now()}))
	sc.CountEvent(1, c.now())
	sc.AppendText("hello")
	sc.AppendThinking("hmm")
	c.advance(10 * time.Millisecond)
	sc.CountEvent(1, c.now())
	sc.ToolDelta("0", "id", "f", "")
	c.advance(10 * time.Millisecond)
	sc.CountEvent(1, c.now())
	sc.ToolDelta("0", "", "", "{}")
	sc.SetToolArguments("1", "{}")
	s := sc.Snapshot("x", "x")
	assert.Empty(t, s.Text)
	assert.Empty(t, s.Thinking)
	assert.Empty(t, s.ToolCalls, "tool calls are not kept")
	assert.Empty(t, sc.ToolCalls())
	assert.Equal(t, 20*time.Millisecond, sc.Timing().LastContent, "tool fragments are content all the same")
	assert.Equal(t, 2, s.Latency.GapsMs.Count)
}

func TestStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		setup    func(sc *streamctx.Context)
		status   string
		errType  *string
		errMsg   *string
		complete bool
	}{
		{"complete_is_ok", func(sc *streamctx.Context) { sc.MarkComplete() }, "ok", nil, nil, true},
		{"incomplete_is_failed", func(*streamctx.Context) {}, "failed", nil, nil, false},
		{"in_band_error_is_failed_even_with_http_200", func(sc *streamctx.Context) {
			sc.StatusCode = 200
			sc.SetError("api_error", "Internal server error")
			sc.MarkComplete()
		}, "failed", strp("api_error"), strp("Internal server error"), true},
		{"http_error_without_body_error", func(sc *streamctx.Context) {
			sc.StatusCode = 503
			sc.MarkComplete()
		}, "failed", strp("http_error"), strp("HTTP 503"), true},
		{"first_error_wins", func(sc *streamctx.Context) {
			sc.SetError("insufficient_quota", "You exceeded your current quota")
			sc.SetError("server_error", "later")
		}, "failed", strp("insufficient_quota"), strp("You exceeded your current quota"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := streamctx.New(streamctx.Options{})
			tc.setup(sc)
			s := sc.Snapshot("x", "x")
			assert.Equal(t, tc.status, s.Status.String())
			assert.Equal(t, tc.errType, s.ErrorType)
			assert.Equal(t, tc.errMsg, s.ErrorMessage)
			assert.Equal(t, tc.complete, s.Complete)
		})
	}
}

func strp(s string) *string { return &s }

func TestIsSuccessIsAethersRule(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{})
	for code, want := range map[int]bool{0: true, 200: true, 399: true, 400: false, 529: false} {
		sc.StatusCode = code
		assert.Equal(t, want, sc.IsSuccess(), "status %d", code)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	chat := []string{"chatcmpl-", "cmpl-", "gen-"}
	cases := []struct {
		name, flag, header, xheader, responseID, want string
		prefixes                                      []string
	}{
		{name: "flag_wins", flag: "abc123456789", header: "req_1", responseID: "msg_1", want: "abc123456789"},
		{name: "request_id_header", header: "req_011CZ", xheader: "x", responseID: "msg_1", want: "req_011CZ"},
		{name: "x_request_id_header", xheader: "7f1e", responseID: "msg_1", want: "7f1e"},
		{name: "chat_prefix_stripped", responseID: "chatcmpl-Dx0Xq5Xx9rHB", prefixes: chat, want: "Dx0Xq5Xx9rHB"},
		{name: "anthropic_prefix_stripped", responseID: "msg_017A4s3HAsrqf5d2WvBmrpLr", prefixes: []string{"msg_"}, want: "017A4s3HAsrqf5d2WvBmrpLr"},
		{name: "responses_prefix_stripped", responseID: "resp_00592e63", prefixes: []string{"resp_", "gen-"}, want: "00592e63"},
		{name: "openrouter_prefix_stripped", responseID: "gen-1762064096-m5Vx", prefixes: chat, want: "1762064096-m5Vx"},
		{name: "other_prefix_kept", responseID: "msg_017A4s3H", prefixes: chat, want: "msg_017A4s3H"},
		{name: "prefix_alone_kept", responseID: "msg_", prefixes: []string{"msg_"}, want: "msg_"},
		{name: "uuid_kept", responseID: "33be18fc-3842-486c", prefixes: chat, want: "33be18fc-3842-486c"},
		{name: "gemini_id_kept", responseID: "w1peaMz6INOvnvgPgYfPiQY", want: "w1peaMz6INOvnvgPgYfPiQY"},
		{name: "none", prefixes: chat, want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := streamctx.New(streamctx.Options{})
			sc.RequestID = tc.flag
			sc.ResponseIDPrefixes = tc.prefixes
			sc.ResponseHeaders = map[string]string{}
			if tc.header != "" {
				sc.ResponseHeaders["request-id"] = tc.header
			}
			if tc.xheader != "" {
				sc.ResponseHeaders["x-request-id"] = tc.xheader
			}
			sc.SetResponseID(tc.responseID)
			assert.Equal(t, tc.want, sc.Snapshot("x", "x").RequestID)
		})
	}
}

func TestSummaryFields(t *testing.T) {
	t.Parallel()
	c := newClock()
	sc := timedContext(c)
	sc.RequestID = "a1b2c3d4e5f6"
	sc.SetModel("claude-sonnet-4")
	sc.UpdateUsage(streamctx.Usage{Input: of(25), Output: of(12)}, nil)
	sc.MarkComplete()
	c.advance(250 * time.Millisecond)
	sc.RecordFirstByte(c.now())
	c.advance(1250 * time.Millisecond)
	sc.RecordEnd(c.now())
	s := sc.Snapshot("anthropic", "anthropic")
	assert.Equal(t, streamctx.StatusOK, s.Status)
	assert.Equal(t, "a1b2c3d4e5f6", s.RequestID, "cut by the renderer, not here")
	assert.Equal(t, "claude-sonnet-4", *s.Model)
	assert.Equal(t, int64(250), *s.TTFBMs)
	assert.Equal(t, int64(1500), *s.TotalMs)
	assert.Equal(t, int64(25), s.InputTokens)
	assert.Equal(t, int64(12), s.OutputTokens)
}

func TestSummaryFieldsWithoutTimingOrIDs(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{})
	sc.SetError("overloaded_error", "Overloaded")
	s := sc.Snapshot("anthropic", "anthropic")
	assert.Equal(t, streamctx.StatusFailed, s.Status)
	assert.Empty(t, s.RequestID)
	assert.Nil(t, s.Model)
	assert.Nil(t, s.TTFBMs)
	assert.Nil(t, s.TotalMs)
}

func TestResetForRetry(t *testing.T) {
	t.Parallel()
	c := newClock()
	sc := c.attach(streamctx.New(streamctx.Options{Start: c.now(), CollectText: true, RecordChunks: true}))
	sc.SetModel("gpt-4o")
	sc.RequestID = "req-1"
	sc.StatusCode = 500
	sc.ResponseHeaders = map[string]string{"x-request-id": "h"}
	c.advance(time.Second)
	sc.RecordFirstByte(c.now())
	sc.CountEvent(1, c.now())
	sc.AddChunk([]byte(`{}`))
	sc.AppendText("partial")
	sc.ToolDelta("0", "id", "f", "{")
	sc.UpdateUsage(streamctx.Usage{Input: of(5)}, []byte(`{}`))
	sc.SetError("server_error", "boom")
	sc.Warn("w")

	sc.ResetForRetry()
	c.advance(100 * time.Millisecond)
	sc.RecordFirstByte(c.now())
	s := sc.Snapshot("openai-chat", "openai")
	assert.Equal(t, "gpt-4o", *s.Model, "model is kept")
	assert.Equal(t, "req-1", s.RequestID, "request id is kept")
	assert.Nil(t, s.StatusCode)
	assert.Empty(t, s.Text)
	assert.Empty(t, s.ToolCalls)
	assert.Zero(t, s.InputTokens)
	assert.Equal(t, "none", s.UsageSource)
	assert.Nil(t, s.ErrorType)
	assert.Empty(t, s.Warnings)
	assert.Zero(t, s.Events)
	assert.Empty(t, sc.Chunks())
	assert.Equal(t, ms(100), s.TTFBMs, "first byte is measured anew from the retry")
}

func TestChunksAreCopied(t *testing.T) {
	t.Parallel()
	var seen []string
	sc := streamctx.New(streamctx.Options{RecordChunks: true, OnChunk: func(b []byte) { seen = append(seen, string(b)) }})
	buf := []byte(`{"a":1}`)
	sc.AddChunk(buf)
	copy(buf, `{"b":2}`)
	assert.Equal(t, `{"a":1}`, string(sc.Chunks()[0]))
	assert.Equal(t, []string{`{"a":1}`}, seen)
	assert.Equal(t, 1, sc.ChunkCount())
}

// TestChunksKept: AddChunk keeps or hands on its argument only with
// RecordChunks or OnChunk; without, a nil chunk is counted all the same.
func TestChunksKept(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		opts streamctx.Options
		kept bool
	}{
		{streamctx.Options{}, false},
		{streamctx.Options{CollectText: true}, false},
		{streamctx.Options{RecordChunks: true}, true},
		{streamctx.Options{OnChunk: func([]byte) {}}, true},
	} {
		sc := streamctx.New(c.opts)
		assert.Equal(t, c.kept, sc.ChunksKept(), "%+v", c.opts)
	}
	sc := streamctx.New(streamctx.Options{})
	sc.AddChunk(nil)
	assert.Equal(t, 1, sc.ChunkCount())
}

func TestWarningsAreCapped(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{MaxWarnings: 2})
	for range 5 {
		sc.Warn("x")
	}
	sc.BadEvent(3, "content_block_delta event", assert.AnError)
	s := sc.Snapshot("x", "x")
	assert.Equal(t, []string{"x", "x", "4 more warnings not shown"}, s.Warnings)
	assert.Equal(t, 1, s.BadEvents)
}

// TestOnKeepCountsWhatSnapshotWillShow checks what OnKeep is told: the
// chunks of a long text and thinking (the first MiB of each aside), and
// every tool call's id, name, arguments' buffer and ToolCallCost; and that
// ResetForRetry gives it all back.
func TestOnKeepCountsWhatSnapshotWillShow(t *testing.T) {
	t.Parallel()
	var kept, calls int
	sc := streamctx.New(streamctx.Options{CollectText: true, OnKeep: func(n int) { kept += n; calls++ }})

	piece := strings.Repeat("x", 1<<10)
	for range 3<<10 + 1<<9 {
		sc.AppendText(piece)
	}
	assert.Equal(t, 3<<20, kept, "3.5 MiB of text: the first MiB, then three chunks of 1 MiB")
	thought := 0
	for kept == 3<<20 && thought <= 2<<20 {
		sc.AppendThinking(piece)
		thought += len(piece)
	}
	assert.Equal(t, 4<<20, kept, "thinking past its first MiB takes a chunk")
	assert.Greater(t, thought, 1<<20, "not before")

	kept = 0
	sc.ToolDelta("0", "call_1", "get_weather", `{"city":`)
	first := kept
	assert.GreaterOrEqual(t, first, streamctx.ToolCallCost+len("call_1")+len("get_weather")+len(`{"city":`))
	sc.ToolDelta("0", "", "", strings.Repeat("z", 5000))
	assert.GreaterOrEqual(t, kept, streamctx.ToolCallCost+len("call_1get_weather")+len(`{"city":`)+5000, "the arguments' buffer grew")
	assert.LessOrEqual(t, kept, streamctx.ToolCallCost+len("call_1get_weather")+2*(len(`{"city":`)+5000), "at most twice what it holds")
	grown := kept
	sc.SetToolArguments("0", `{}`)
	assert.Equal(t, first, kept, "replaced arguments let their grown buffer go")
	assert.Less(t, kept, grown)
	sc.SetToolArguments("1", `{"a":1}`)
	assert.GreaterOrEqual(t, kept, 2*streamctx.ToolCallCost, "a second call")

	n := calls
	sc.AppendText("")
	sc.ToolDelta("1", "", "", "")
	assert.Equal(t, n, calls, "nothing kept, nothing told")

	kept = 4<<20 + kept
	sc.ResetForRetry()
	assert.Zero(t, kept, "a retry lets everything go")
	sc.AppendText("again")
	assert.Zero(t, kept, "a short text is not counted")
}

func TestOnKeepWithoutCollectText(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{OnKeep: func(int) { t.Error("OnKeep called without CollectText") }})
	sc.AppendText(strings.Repeat("x", 3<<20))
	sc.ToolDelta("0", "id", "f", "{}")
	sc.SetToolArguments("1", "{}")
	sc.ResetForRetry()
}

// TestAppendBytesMatchesAppendString: AppendTextBytes and
// AppendThinkingBytes leave the Context as AppendText and AppendThinking
// do, with every option that reads the text, and do not keep the bytes.
func TestAppendBytesMatchesAppendString(t *testing.T) {
	t.Parallel()
	pieces := []string{"", "Hi", " wörld 😊\n", "", strings.Repeat("x", 1<<20+3), "end"}
	for name, opts := range map[string]streamctx.Options{
		"none": {}, "text": {CollectText: true}, "parts": {CollectText: true, TextParts: true},
		"chars": {CollectText: true, CountChars: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			strs, byts := streamctx.New(opts), streamctx.New(opts)
			for i, p := range pieces {
				strs.CountEvent(1, time.Time{})
				byts.CountEvent(1, time.Time{})
				b := []byte(p)
				if i%2 == 0 {
					strs.AppendText(p)
					byts.AppendTextBytes(b)
				} else {
					strs.AppendThinking(p)
					byts.AppendThinkingBytes(b)
				}
				for j := range b {
					b[j] = '!' // borrowed for the call only
				}
			}
			assert.Equal(t, strs.Snapshot("f", "v"), byts.Snapshot("f", "v"))
			assert.Equal(t, strs.ContentEvents(), byts.ContentEvents())
		})
	}
}
