package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// trickyStrings are strings whose JSON encoding is easy to get wrong.
var trickyStrings = []string{
	"",
	"plain ASCII",
	`quote " and backslash \ and slash /`,
	"<b>bold</b> & <script>alert(1)</script>",                   // no HTML escaping
	"line\nfeed\r\ntab\tbackspace\bform\ffeed",                  // short escapes
	"\x00\x01\x07\x0b\x0e\x1f and \x7f",                         // \u00XX, DEL as is
	"separators \u2028 and \u2029, next to \u2027 and \u202a",   // \u2028, \u2029 only
	"é, 日本語, 😊, 👨‍👩‍👧 (ZWJ), e\u0301 (combining), \ufeff (BOM)", // as is
	"invalid: \xff, \xc3 (truncated), \xed\xa0\x80 (surrogate), \xf4\x90\x80\x80 (too big), \xc0\xaf (overlong)",
	"\xe6\x97", // truncated at the end
	"\ufffd (a real replacement character)",
	strings.Repeat("long \"text\" with <tags> & emoji 😊\n", 5000),
}

// encodingJSON is what report.JSON and report.JSONIndent must write: the
// output of encoding/json's Encoder.
func encodingJSON(tb testing.TB, v any, indent string) string {
	tb.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	require.NoError(tb, enc.Encode(v))
	return b.String()
}

func assertSameAsEncodingJSON(tb testing.TB, s *streamctx.Snapshot) {
	tb.Helper()
	var compact, indented bytes.Buffer
	require.NoError(tb, report.JSON(&compact, s))
	require.NoError(tb, report.JSONIndent(&indented, s))
	assert.Equal(tb, encodingJSON(tb, s, ""), compact.String())
	assert.Equal(tb, encodingJSON(tb, s, "  "), indented.String())
}

func fullSnapshot() streamctx.Snapshot {
	str := func(v string) *string { return &v }
	i64 := func(v int64) *int64 { return &v }
	f64 := func(v float64) *float64 { return &v }
	code, stalls := 429, 3
	return streamctx.Snapshot{
		Format: "anthropic", Provider: "anthropic", RequestID: "r", ResponseID: str("msg_r"), Model: str("m"),
		Status: streamctx.StatusFailed, StatusCode: &code, ErrorType: str("rate_limit_error"), ErrorMessage: str("slow <down>"),
		StopReason: str("end_turn"), InputTokens: 1, OutputTokens: -2, CachedTokens: math.MaxInt64, UsageSource: "provider",
		Text: "t", Thinking: "th",
		ToolCalls: []streamctx.ToolCallSnapshot{{ID: "1", Name: "f", Arguments: `{"a": "<&>"}`}, {}},
		TTFBMs:    i64(1), TTFTMs: i64(0), TotalMs: i64(3), Warnings: []string{"w <1>", ""},
		Latency: streamctx.Latency{
			TTFBMs: f64(0.001), TTFTMs: f64(1e21), TotalMs: f64(123456.789), StallThresholdMs: 2000,
			GapsMs: &streamctx.Gaps{P50: f64(1), P99: f64(1e-7), Count: 7}, Stalls: &stalls, TokensSource: str("provider"),
			Provider: &streamctx.ProviderLatency{QueueMs: f64(0.5), TotalMs: f64(12), Source: "x_groq.usage"},
			ITLMs:    &streamctx.Gaps{P50: f64(2), Count: 1},
		},
		UsageDetails: streamctx.UsageDetails{
			{Key: "a.<b>", Value: json.RawMessage("1")},
			{Key: "iterations", Value: json.RawMessage(`[{"type":"compaction","x":"<&>"}]`)},
		},
		Cost:            streamctx.Cost{USD: f64(0.000123), Source: str("provider"), ProviderField: str("usage.cost")},
		ServerToolCalls: []streamctx.ServerToolCallSnapshot{{Type: "server_tool_use", Name: "web_search", Input: `{"q":"<&>"}`, Status: str("completed")}, {}},
		Citations:       []streamctx.Citation{{URL: str("https://a/?b=<c>&d"), Title: str("T"), Source: "url_citation"}, {Source: "file_citation", FileID: str("f")}},
		Tokenizer:       str("o200k_base"),
		Source:          "dir/<x>.sse",
	}
}

func TestJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	t.Run("full", func(t *testing.T) {
		t.Parallel()
		s := fullSnapshot()
		assertSameAsEncodingJSON(t, &s)
	})
	t.Run("zero", func(t *testing.T) {
		t.Parallel()
		assertSameAsEncodingJSON(t, &streamctx.Snapshot{}) // null slices and pointers
	})
	t.Run("empty", func(t *testing.T) {
		t.Parallel()
		s := streamctx.New(streamctx.Options{CollectText: true}).Snapshot("gemini", "google")
		assertSameAsEncodingJSON(t, &s)
	})
	for i, str := range trickyStrings {
		t.Run(fmt.Sprintf("tricky_%d", i), func(t *testing.T) {
			t.Parallel()
			s := fullSnapshot()
			s.Text, s.Thinking, s.RequestID = str, str+str, str
			s.Model, s.ErrorMessage = &str, &str
			s.ToolCalls = []streamctx.ToolCallSnapshot{{ID: str, Name: str, Arguments: str}}
			s.Warnings = []string{str}
			assertSameAsEncodingJSON(t, &s)
		})
	}
}

// FuzzJSONMatchesEncodingJSON checks the escaping of any text against
// encoding/json's.
func FuzzJSONMatchesEncodingJSON(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s := streamctx.Snapshot{Text: text, ToolCalls: []streamctx.ToolCallSnapshot{{Arguments: text}}}
		var b bytes.Buffer
		require.NoError(t, report.JSON(&b, &s))
		assert.Equal(t, encodingJSON(t, &s, ""), b.String())
	})
}

func TestJSONWritesNothingWhenEncodingFails(t *testing.T) {
	t.Parallel()
	s := fullSnapshot()
	nan := math.NaN()
	s.Latency.TPOTMs = &nan
	var b bytes.Buffer
	err := report.JSON(&b, &s)
	var uv *json.UnsupportedValueError
	require.ErrorAs(t, err, &uv)
	assert.Empty(t, b.String())
}

// TestJSONMemoryDoesNotGrowWithToolCalls checks that the JSON of a summary
// is written as it is walked: what it allocates does not grow with the
// number of tool calls (it once kept a record of every string to write, 28
// MB for 100,000 calls). Not parallel: it reads the process's allocation
// count.
func TestJSONMemoryDoesNotGrowWithToolCalls(t *testing.T) {
	allocated := func(calls int) uint64 {
		s := fullSnapshot()
		s.ToolCalls = make([]streamctx.ToolCallSnapshot, calls)
		for i := range s.ToolCalls {
			s.ToolCalls[i] = streamctx.ToolCallSnapshot{ID: fmt.Sprint("call_", i), Name: "edit_file", Arguments: `{"path":"a.go"}`}
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		require.NoError(t, report.JSON(io.Discard, &s))
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	few, many := allocated(10), allocated(100_000)
	assert.Less(t, many, few+256<<10, "100,000 tool calls take %d bytes more than 10", many-few)
}

func TestJSONReportsWriteErrors(t *testing.T) {
	t.Parallel()
	s := fullSnapshot()
	s.Text = strings.Repeat("x", 200<<10) // more than the buffer
	err := report.JSON(failingWriter{}, &s)
	require.ErrorIs(t, err, iotest.ErrTimeout)
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, iotest.ErrTimeout }

// split cuts text into parts as streamctx keeps a long text: every part
// but the last at least utf8.UTFMax bytes long, at any byte (inside a
// rune too). size is taken from seed.
func split(text string, seed uint) []string {
	size := 4 + int(seed%13)
	parts := []string{}
	for len(text) > size {
		parts = append(parts, text[:size])
		text = text[size:]
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// TestJSONFromPartsMatchesJoined: a text given in parts (Options.TextParts)
// is written exactly as the joined text, whatever runes the cuts split.
func TestJSONFromPartsMatchesJoined(t *testing.T) {
	t.Parallel()
	for _, text := range trickyStrings {
		want := encodingJSON(t, &streamctx.Snapshot{Text: text, Thinking: text + "x"}, "  ")
		for seed := range uint(13) {
			lazy := streamctx.Snapshot{TextParts: split(text, seed), ThinkingParts: split(text+"x", seed+1)}
			var got bytes.Buffer
			require.NoError(t, report.JSONIndent(&got, &lazy))
			assert.Equal(t, want, got.String(), "%q cut every %d bytes", text, 4+seed%13)
		}
	}
}

// FuzzJSONFromPartsMatchesJoined is TestJSONFromPartsMatchesJoined for any
// text.
func FuzzJSONFromPartsMatchesJoined(f *testing.F) {
	for i, s := range trickyStrings {
		f.Add(s, uint(i))
	}
	f.Fuzz(func(t *testing.T, text string, seed uint) {
		want := encodingJSON(t, &streamctx.Snapshot{Text: text}, "")
		var got bytes.Buffer
		require.NoError(t, report.JSON(&got, &streamctx.Snapshot{TextParts: split(text, seed)}))
		assert.Equal(t, want, got.String())
	})
}
