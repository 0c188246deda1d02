package compare_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/compare"
	"github.com/sseinspect/sseinspect/streamctx"
)

func ptr[T any](v T) *T { return &v }

// snapshot is a complete chat stream's snapshot.
func snapshot() *streamctx.Snapshot {
	return &streamctx.Snapshot{
		Format: "openai-chat", Provider: "openai", RequestID: "a", ResponseID: ptr("chatcmpl-a"), Model: ptr("m"),
		Status: streamctx.StatusOK, Complete: true, StopReason: ptr("stop"), InputTokens: 1, OutputTokens: 2,
		TotalInputTokens: 1, UsageSource: "provider", Text: "one\ntwo", ToolCalls: []streamctx.ToolCallSnapshot{},
		Events: 2, DataCount: 2, TTFBMs: ptr(int64(5)), Warnings: []string{},
	}
}

// goldenOf returns the golden file of s: its JSON summary, indented.
func goldenOf(tb testing.TB, s *streamctx.Snapshot) []byte {
	tb.Helper()
	g := compare.GoldenSnapshot(s, false)
	b, err := json.MarshalIndent(&g, "", "  ")
	require.NoError(tb, err)
	return b
}

func TestGoldenAgrees(t *testing.T) {
	t.Parallel()
	s := snapshot()
	res, err := compare.Golden(goldenOf(t, s), s, false)
	require.NoError(t, err)
	fields := res.Fields
	assert.Empty(t, fields, "timings are left out")

	res, err = compare.Golden(goldenOf(t, s), s, true)
	require.NoError(t, err)
	fields = res.Fields
	require.Len(t, fields, 1, "with timing, ttfb_ms differs (the golden file has it null)")
	assert.Equal(t, compare.Field{Key: "ttfb_ms", A: json.RawMessage("null"), B: json.RawMessage("5"), Matters: true}, fields[0])
}

func TestGoldenFieldsInSummaryOrderThenGoldenOnlyKeys(t *testing.T) {
	t.Parallel()
	want := snapshot()
	var m map[string]any
	require.NoError(t, json.Unmarshal(goldenOf(t, want), &m))
	delete(m, "events")
	m["zeta"], m["alpha"], m["total_ms"] = 1, "x", 9 // total_ms: a timing key, left out
	m["model"] = "m\u0020"                           // escaped differently and different: shown compact
	golden, err := json.Marshal(m)
	require.NoError(t, err)

	got := snapshot()
	got.Text = "one\n2"
	res, err := compare.Golden(golden, got, false)
	require.NoError(t, err)
	fields := res.Fields
	var keys []string
	for _, f := range fields {
		keys = append(keys, f.Key)
	}
	assert.Equal(t, []string{"model", "text", "events", "alpha", "zeta"}, keys)
	assert.Equal(t, compare.Field{Key: "model", A: json.RawMessage(`"m "`), B: json.RawMessage(`"m"`), Matters: true}, fields[0])
	assert.Equal(t, &compare.TextPair{A: "one\ntwo", B: "one\n2"}, fields[1].Text)
	assert.Nil(t, fields[2].A, "events is missing from the golden file")
	assert.JSONEq(t, "2", string(fields[2].B))
	assert.Nil(t, fields[4].B, "zeta is only in the golden file")
}

func TestGoldenValuesCompareAsJSON(t *testing.T) {
	t.Parallel()
	s := snapshot()
	s.Text = "<b> & é"
	golden := []byte(`{"text": "\u003cb\u003e \u0026 \u00e9", "model": "m"}`)
	res, err := compare.Golden(golden, s, false)
	require.NoError(t, err)
	fields := res.Fields
	for _, f := range fields {
		assert.NotContains(t, []string{"text", "model"}, f.Key, "the same values, escaped differently")
	}
}

func TestGoldenNotAJSONSummary(t *testing.T) {
	t.Parallel()
	_, err := compare.Golden([]byte(`[1]`), snapshot(), false)
	require.ErrorContains(t, err, "not a JSON summary")
	_, err = compare.Golden([]byte(`{`), snapshot(), false)
	require.ErrorContains(t, err, "not a JSON summary")
}

func TestGoldenSnapshotNullsTimings(t *testing.T) {
	t.Parallel()
	s := snapshot()
	s.TTFTMs, s.TotalMs = ptr(int64(7)), ptr(int64(9))
	g := compare.GoldenSnapshot(s, false)
	assert.Nil(t, g.TTFBMs)
	assert.Nil(t, g.TTFTMs)
	assert.Nil(t, g.TotalMs)
	assert.Equal(t, int64(5), *s.TTFBMs, "s itself is left alone")
	assert.Equal(t, *s, compare.GoldenSnapshot(s, true))
}

// v1Golden returns the golden file of s as version 1 wrote it: without the
// keys new since (compare.NewKeys), latency without provider and itl_ms.
func v1Golden(t *testing.T, s *streamctx.Snapshot) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(goldenOf(t, s), &m))
	for _, k := range compare.NewKeys {
		delete(m, k)
	}
	l := m["latency"].(map[string]any)
	delete(l, "provider")
	delete(l, "itl_ms")
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func TestGoldenOfAnEarlierVersionPassesAndNamesTheNewKeys(t *testing.T) {
	t.Parallel()
	s := snapshot()
	s.Latency.Provider = &streamctx.ProviderLatency{TotalMs: streamctx.Ms(12), Source: "x_groq.usage"}
	s.Citations = []streamctx.Citation{{URL: ptr("https://a"), Source: "url_citation"}}
	for _, timing := range []bool{false, true} {
		res, err := compare.Golden(v1Golden(t, s), s, timing)
		require.NoError(t, err)
		wantFields := 0
		if timing {
			wantFields = 1 // ttfb_ms, as in TestGoldenAgrees
		}
		assert.Len(t, res.Fields, wantFields, "timing %v", timing)
		wantNew := []string{"latency.provider", "usage_details", "cost", "server_tool_calls", "citations", "tokenizer"}
		if timing {
			wantNew = []string{"latency.provider", "latency.itl_ms", "usage_details", "cost", "server_tool_calls", "citations", "tokenizer"}
		}
		assert.Equal(t, wantNew, res.New, "source is never compared, nor reported new; timing %v", timing)
	}
}

func TestGoldenComparesTheNewKeysItHolds(t *testing.T) {
	t.Parallel()
	s := snapshot()
	s.Latency.Provider = &streamctx.ProviderLatency{TotalMs: streamctx.Ms(12), Source: "x_groq.usage"}
	golden := goldenOf(t, s)
	got := snapshot()
	got.Latency.Provider = &streamctx.ProviderLatency{TotalMs: streamctx.Ms(13), Source: "x_groq.usage"}
	got.Citations = []streamctx.Citation{{URL: ptr("https://a"), Source: "url_citation"}}
	got.Source = "elsewhere/x.sse"
	res, err := compare.Golden(golden, got, false)
	require.NoError(t, err)
	var keys []string
	for _, f := range res.Fields {
		keys = append(keys, f.Key)
	}
	assert.Equal(t, []string{"latency.provider", "citations"}, keys, "provider timings compare without --golden-timing; source never")
	assert.Empty(t, res.New)
}

func TestGoldenSnapshotSourceIsTheBaseName(t *testing.T) {
	t.Parallel()
	s := snapshot()
	s.Source = "testdata/captures/openai/x.sse"
	assert.Equal(t, "x.sse", compare.GoldenSnapshot(s, false).Source)
	s.Source = "-"
	assert.Equal(t, "-", compare.GoldenSnapshot(s, false).Source)
}

// A cost from a price table, or none, depends on the table, not on the
// capture: it is compared only when one side is a provider cost.
func TestGoldenComparesCostOnlyFromTheProvider(t *testing.T) {
	t.Parallel()
	table := streamctx.Cost{USD: ptr(0.25), Source: ptr("price-table"), PricesDate: ptr("2026-09-23"), ModelMatched: ptr("m")}
	none := streamctx.Cost{Reason: ptr("the stream reported no cost")}
	provider := streamctx.Cost{USD: ptr(0.5), Source: ptr("provider"), ProviderField: ptr("usage.cost")}
	for _, tc := range []struct {
		name         string
		golden, got  streamctx.Cost
		wantCompared bool
	}{
		{"an estimate from another table", table, streamctx.Cost{USD: ptr(0.3), Source: ptr("price-table"), PricesDate: ptr("2027-01-01"), ModelMatched: ptr("m")}, false},
		{"an estimate where an earlier version had none", none, table, false},
		{"no model in the table", table, streamctx.Cost{Reason: ptr(`model "m" is not in the price table`)}, false},
		{"a provider cost lost", provider, table, true},
		{"a provider cost found", none, provider, true},
		{"a provider cost changed", provider, streamctx.Cost{USD: ptr(0.6), Source: ptr("provider"), ProviderField: ptr("usage.cost")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, got := snapshot(), snapshot()
			g.Cost, got.Cost = tc.golden, tc.got
			res, err := compare.Golden(goldenOf(t, g), got, false)
			require.NoError(t, err)
			if !tc.wantCompared {
				assert.Empty(t, res.Fields)
				return
			}
			require.Len(t, res.Fields, 1)
			assert.Equal(t, "cost", res.Fields[0].Key)
		})
	}
	// The same provider cost agrees.
	g := snapshot()
	g.Cost = provider
	res, err := compare.Golden(goldenOf(t, g), g, false)
	require.NoError(t, err)
	assert.Empty(t, res.Fields)
}

// FuzzGolden: golden files are read from disk (check, golden, diff), so
// any bytes: no panic; an error exactly when they are not a JSON object;
// the same result however the JSON is spaced (compact or indented); each
// key reported once, and only keys of the summary or of the file.
func FuzzGolden(f *testing.F) {
	paths, err := filepath.Glob("../testdata/captures/*/*.golden.json")
	require.NoError(f, err)
	for i, p := range paths {
		if i%8 != 0 { // a few of the real ones: they all have one shape
			continue
		}
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b, false)
	}
	s := snapshot()
	f.Add(goldenOf(f, s), true)
	for _, g := range []string{
		"null", "{}", "[]", `{"latency":{"provider":{"a":1},"itl_ms":null,"ttfb_ms":3}}`, `{"latency":[1]}`,
		`{"model":"m","model":"x"}`, `{"text":"\ud800"}`, `{"cost":{"source":"provider","usd":1}}`, `{"TEXT":"one\ntwo"}`,
	} {
		f.Add([]byte(g), false)
	}
	f.Fuzz(func(t *testing.T, b []byte, timing bool) {
		res, err := compare.Golden(b, s, timing)
		var want map[string]json.RawMessage
		if json.Unmarshal(b, &want) != nil {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		var compact, indented bytes.Buffer
		require.NoError(t, json.Compact(&compact, b))
		require.NoError(t, json.Indent(&indented, b, "", "  "))
		for _, other := range [][]byte{compact.Bytes(), indented.Bytes()} {
			o, err := compare.Golden(other, s, timing)
			require.NoError(t, err)
			require.Equal(t, res, o, "spaced as %q", other)
		}
		summary := map[string]bool{}
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(goldenOf(t, s), &m))
		for k := range m {
			summary[k] = true
		}
		seen := map[string]bool{}
		for _, fd := range res.Fields {
			require.False(t, seen[fd.Key], "%s reported twice", fd.Key)
			seen[fd.Key] = true
			_, inFile := want[fd.Key]
			member := fd.Key == "latency.provider" || fd.Key == "latency.itl_ms"
			require.True(t, summary[fd.Key] || inFile || member, "%s is a key of neither", fd.Key)
		}
	})
}
