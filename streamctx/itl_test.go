package streamctx_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/streamctx"
)

// words is a hand-computable tokenizer for these tests: a token per word.
type words struct{}

func (words) Name() string       { return "words" }
func (words) Count(s string) int { return len(strings.Fields(s)) }

// content is one event of a scripted stream: at ms, the text, thinking and
// tool arguments it appends (a tool fragment with only a name when tool is
// "name").
type content struct {
	ms                   float64
	text, thinking, tool string
}

func playContent(clock *manualClock, sc *streamctx.Context, events []content) {
	for _, e := range events {
		clock.set(e.ms)
		sc.CountEvent(1, clock.now())
		sc.AppendText(e.text)
		sc.AppendThinking(e.thinking)
		switch e.tool {
		case "":
		case "name":
			sc.ToolDelta("0", "call_1", "f", "")
		default:
			sc.ToolDelta("0", "", "", e.tool)
		}
	}
}

func TestITL(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		events []content
		want   string // latency.itl_ms
	}{{
		// 150: 50 ms / 1 token; 250: 100 ms / 2; 400 carries no token and
		// merges into 500: 250 ms / 4. Values 50 50 50 62.5 62.5 62.5 62.5.
		name: "gaps divided among the later event's tokens",
		events: []content{
			{ms: 100, text: "a b"}, {ms: 150, text: "c"}, {ms: 250, text: "d e"},
			{ms: 400, tool: "name"}, {ms: 500, text: "f g h i"},
		},
		want: `{"p50":62.5,"p90":62.5,"p99":62.5,"max":62.5,"count":7}`,
	}, {
		// One event with text, thinking and arguments: 3 tokens for 200 ms.
		name: "the tokens of every content of an event",
		events: []content{
			{ms: 100, text: "a"}, {ms: 300, text: "b", thinking: "c", tool: `{"d":1}`},
		},
		want: `{"p50":66.667,"p90":66.667,"p99":66.667,"max":66.667,"count":3}`,
	}, {
		// The first content event carries no token: the gap to the next one
		// still counts (TTFT is the first content event).
		name:   "first event without tokens",
		events: []content{{ms: 100, tool: "name"}, {ms: 130, tool: `{"x": "y z"}`}},
		want:   `{"p50":10,"p90":10,"p99":10,"max":10,"count":3}`,
	}, {
		name:   "one content event: no gap",
		events: []content{{ms: 100, text: "a b c"}},
		want:   `{"p50":null,"p90":null,"p99":null,"max":null,"count":0}`,
	}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clock := &manualClock{start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			sc := clock.attach(streamctx.New(streamctx.Options{
				Start: clock.start, CollectText: true,
				Tokens: func(string) streamctx.TokenCounter { return words{} },
			}))
			playContent(clock, sc, c.events)
			s := sc.Snapshot("openai-chat", "openai")
			require.NotNil(t, s.Latency.ITLMs)
			assert.JSONEq(t, c.want, toJSON(t, s.Latency.ITLMs))
			require.NotNil(t, s.Tokenizer)
			assert.Equal(t, "words", *s.Tokenizer)
		})
	}
}

func TestEstimateTokens(t *testing.T) {
	t.Parallel()
	events := []content{
		{ms: 100, thinking: "let me see"}, {ms: 200, text: "the answer"},
		{ms: 300, tool: "name"}, {ms: 500, text: " is", tool: `{"q": "x y"}`},
	}
	var models []string
	tokens := func(model string) streamctx.TokenCounter {
		models = append(models, model)
		return words{}
	}
	for _, c := range []struct {
		name           string
		opts           streamctx.Options
		usage          bool
		out, reasoning int64
		source         string
		tokenizer      string // "" for null
		tpot, tpotSrc  string // latency.tpot_ms and tokens_source
		itl            bool
	}{
		// Output: 3 thinking + 3 text ("the answer is") + 3 arguments = 9; TPOT over
		// 100..500 ms: 400 / 8 = 50.
		{name: "no usage, timed", opts: streamctx.Options{Tokens: tokens}, out: 9, reasoning: 3,
			source: "estimated", tokenizer: "words", tpot: "50", tpotSrc: `"estimated"`, itl: true},
		{name: "no usage, untimed", opts: streamctx.Options{Tokens: tokens}, out: 9, reasoning: 3,
			source: "estimated", tokenizer: "words", tpot: "null", tpotSrc: "null"},
		// Provider numbers are never replaced; the tokenizer is named for
		// the inter-token latency only.
		{name: "usage, timed", opts: streamctx.Options{Tokens: tokens}, usage: true, out: 5,
			source: "provider", tokenizer: "words", tpot: "100", tpotSrc: `"provider"`, itl: true},
		{name: "usage, untimed", opts: streamctx.Options{Tokens: tokens}, usage: true, out: 5,
			source: "provider", tpot: "null", tpotSrc: "null"},
		{name: "no tokenizer", source: "none", tpot: "null", tpotSrc: "null"},
	} {
		timed := strings.HasSuffix(c.name, ", timed")
		clock := &manualClock{start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		opts := c.opts
		opts.CollectText = true
		if timed {
			opts.Start = clock.start
		}
		sc := clock.attach(streamctx.New(opts))
		sc.SetModel("gpt-4o")
		playContent(clock, sc, events)
		if c.usage {
			sc.UpdateUsage(streamctx.Usage{Output: streamctx.Of(5)}, nil)
		}
		s := sc.Snapshot("openai-chat", "openai")
		assert.Equal(t, c.out, s.OutputTokens, c.name)
		assert.Equal(t, c.reasoning, s.ReasoningTokens, c.name)
		assert.Zero(t, s.InputTokens, c.name)
		assert.Equal(t, c.source, s.UsageSource, c.name)
		if c.tokenizer == "" {
			assert.Nil(t, s.Tokenizer, c.name)
		} else if assert.NotNil(t, s.Tokenizer, c.name) {
			assert.Equal(t, c.tokenizer, *s.Tokenizer, c.name)
		}
		assert.Equal(t, c.tpot, toJSON(t, s.Latency.TPOTMs), c.name)
		assert.Equal(t, c.tpotSrc, toJSON(t, s.Latency.TokensSource), c.name)
		assert.Equal(t, c.itl, s.Latency.ITLMs != nil, c.name)
	}
	// Chosen once per stream, for the model known by then.
	assert.Equal(t, []string{"gpt-4o", "gpt-4o", "gpt-4o"}, models) // not for "usage, untimed": nothing to count
}

func toJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	require.NoError(tb, err)
	return string(b)
}

// With CountChars, the characters and (with a tokenizer) tokens of text
// and thinking are counted as they come, each delta on its own.
func TestCountChars(t *testing.T) {
	t.Parallel()
	sc := streamctx.New(streamctx.Options{CountChars: true, Tokens: func(string) streamctx.TokenCounter { return words{} }})
	sc.AppendThinking("let me think")
	sc.AppendText("héllo wörld")
	sc.AppendText(" again")
	assert.Equal(t, 12, sc.ThinkingChars())
	assert.Equal(t, 17, sc.TextChars(), "characters, not bytes")
	n, name := sc.TextTokens()
	assert.Equal(t, 3, n)
	assert.Equal(t, "words", name)
	n, _ = sc.ThinkingTokens()
	assert.Equal(t, 3, n)
	plain := streamctx.New(streamctx.Options{CountChars: true})
	plain.AppendText("a b")
	n, name = plain.TextTokens()
	assert.Equal(t, 0, n)
	assert.Empty(t, name)
}
