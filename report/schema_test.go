package report_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/compare"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// schemaFile is the published JSON Schema of the JSON summary, and
// schemaV1File its first version, which stays published.
const (
	schemaFile   = "../schema/summary.v2.schema.json"
	schemaV1File = "../schema/summary.v1.schema.json"
)

// loadSchema compiles the published schema with a full JSON Schema
// validator, which also checks the schema itself against the 2020-12
// metaschema.
func loadSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	return loadSchemaFile(tb, schemaFile)
}

func loadSchemaFile(tb testing.TB, file string) *jsonschema.Schema {
	tb.Helper()
	s, err := jsonschema.NewCompiler().Compile(file)
	require.NoError(tb, err)
	return s
}

// schemaKeys is what the tests read of the schema themselves: its draft
// and its top-level keys.
type schemaKeys struct {
	Schema     string                     `json:"$schema"`
	Required   []string                   `json:"required"`
	Properties map[string]json.RawMessage `json:"properties"`
}

func loadSchemaKeys(tb testing.TB) schemaKeys {
	tb.Helper()
	b, err := os.ReadFile(schemaFile)
	require.NoError(tb, err)
	var k schemaKeys
	require.NoError(tb, json.Unmarshal(b, &k))
	require.Equal(tb, "https://json-schema.org/draft/2020-12/schema", k.Schema)
	return k
}

// validate returns the error of validating the JSON document b against s.
func validate(tb testing.TB, s *jsonschema.Schema, b []byte) error {
	tb.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(tb, err)
	return s.Validate(v)
}

// violations returns the ways the JSON document b breaks s, each as the
// JSON pointer of the value and the keyword it breaks
// ("/tool_calls/0: required"), sorted; none when b is valid.
func violations(tb testing.TB, s *jsonschema.Schema, b []byte) []string {
	tb.Helper()
	err := validate(tb, s, b)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	require.ErrorAs(tb, err, &ve)
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, "/"+strings.Join(e.InstanceLocation, "/")+": "+strings.Join(e.ErrorKind.KeywordPath(), "/"))
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	slices.Sort(out)
	return out
}

// TestGoldenFilesMatchSchema validates every golden JSON summary of the
// parser tests against the published schema.
func TestGoldenFilesMatchSchema(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	n := 0
	err := filepath.WalkDir("../testdata/captures", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".golden.json") {
			return err
		}
		n++
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.NoError(t, validate(t, s, b), path)
		return nil
	})
	require.NoError(t, err)
	require.NotZero(t, n, "no golden files found")
}

// TestGoldenFilesWithoutTheNewKeysMatchSchemaV1 keeps schema v1 true: a
// golden file with the keys new in v2 removed (as version 1 wrote it)
// validates against it.
func TestGoldenFilesWithoutTheNewKeysMatchSchemaV1(t *testing.T) {
	t.Parallel()
	s := loadSchemaFile(t, schemaV1File)
	for _, path := range []string{
		"../testdata/captures/anthropic/text.golden.json",
		"../testdata/captures/openai/chat-tool-call-incremental-arguments.golden.json",
	} {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(b, &m))
		for _, k := range compare.NewKeys {
			delete(m, k)
		}
		var l map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(m["latency"], &l))
		delete(l, "provider")
		delete(l, "itl_ms")
		m["latency"], err = json.Marshal(l)
		require.NoError(t, err)
		v1, err := json.Marshal(m)
		require.NoError(t, err)
		assert.NoError(t, validate(t, s, v1), path)
		assert.Error(t, validate(t, s, b), "%s: a v2 golden is not v1", path)
	}
}

// TestSchemaMatchesSnapshot keeps the schema and streamctx.Snapshot in
// step: the same keys in the same order, and a snapshot with every
// optional value set (and one with none) validates.
func TestSchemaMatchesSnapshot(t *testing.T) {
	t.Parallel()
	s, keys := loadSchema(t), loadSchemaKeys(t)
	str := func(v string) *string { return &v }
	f64 := func(v float64) *float64 { return &v }
	i64 := func(v int64) *int64 { return &v }
	code := 429
	full := streamctx.Snapshot{
		Format: "anthropic", Provider: "anthropic", RequestID: "r", ResponseID: str("msg_r"), Model: str("m"),
		Status: streamctx.StatusFailed, StatusCode: &code, ErrorType: str("rate_limit_error"), ErrorMessage: str("slow down"),
		StopReason: str("end_turn"), InputTokens: 1, OutputTokens: 2, UsageSource: "provider",
		Text: "t", Thinking: "th", ToolCalls: []streamctx.ToolCallSnapshot{{ID: "1", Name: "f", Arguments: "{}"}},
		TTFBMs: i64(1), TTFTMs: i64(2), TotalMs: i64(3), Warnings: []string{"w"},
		UsageDetails:    streamctx.UsageDetails{{Key: "toolUsePromptTokenCount", Value: json.RawMessage("102")}, {Key: "iterations", Value: json.RawMessage(`[{"type":"compaction"}]`)}},
		Cost:            streamctx.Cost{USD: f64(0.5), Source: str("price-table"), PricesDate: str("2026-11-30"), ModelMatched: str("claude-sonnet-4")},
		ServerToolCalls: []streamctx.ServerToolCallSnapshot{{Type: "server_tool_use", Name: "web_search", ID: "srvtoolu_1", Input: `{"query":"q"}`, Status: str("completed"), Error: str("max_uses_exceeded")}},
		Citations:       []streamctx.Citation{{URL: str("https://a"), Title: str("A"), Source: "url_citation"}, {Source: "file_citation", FileID: str("file-1")}},
		Tokenizer:       str("o200k_base"), Source: "-",
	}
	full.Latency.Provider = &streamctx.ProviderLatency{QueueMs: f64(1), PromptMs: f64(2), GenerationMs: f64(3), TotalMs: f64(6), OutputTokensPerS: f64(100), Source: "x_groq.usage"}
	full.Latency.ITLMs = &streamctx.Gaps{P50: f64(1), P90: f64(2), P99: f64(3), Max: f64(4), Count: 9}
	empty := streamctx.Snapshot{
		Format: "gemini", Status: streamctx.StatusOK, UsageSource: "none", ToolCalls: []streamctx.ToolCallSnapshot{}, Warnings: []string{},
		UsageDetails: streamctx.UsageDetails{}, ServerToolCalls: []streamctx.ServerToolCallSnapshot{}, Citations: []streamctx.Citation{},
	}
	for name, snap := range map[string]streamctx.Snapshot{"full": full, "empty": empty} {
		var b bytes.Buffer
		require.NoError(t, report.JSONIndent(&b, &snap))
		assert.NoError(t, validate(t, s, b.Bytes()), name)
		if name == "full" {
			assert.Equal(t, keys.Required, objectKeys(t, b.Bytes()), "schema keys and Snapshot keys, in order")
		}
	}
	var props []string
	for k := range keys.Properties {
		props = append(props, k)
	}
	assert.ElementsMatch(t, keys.Required, props, "every key is required")
}

func objectKeys(tb testing.TB, b []byte) []string {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	_, err := dec.Token()
	require.NoError(tb, err)
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		require.NoError(tb, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(tb, dec.Decode(&skip))
	}
	return keys
}

// TestSchemaValidator checks that the validator rejects what the schema
// forbids: each case edits a valid golden summary.
func TestSchemaValidator(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	b, err := os.ReadFile("../testdata/captures/anthropic/text.golden.json")
	require.NoError(t, err)
	cases := map[string]struct {
		edit func(m map[string]any)
		want []string
	}{
		"valid":               {func(map[string]any) {}, nil},
		"missing_key":         {func(m map[string]any) { delete(m, "model") }, []string{"/: required"}},
		"extra_key":           {func(m map[string]any) { m["price"] = json.Number("1") }, []string{"/: additionalProperties"}},
		"null_not_allowed":    {func(m map[string]any) { m["text"] = nil }, []string{"/text: type"}},
		"nullable":            {func(m map[string]any) { m["model"] = nil }, nil},
		"not_an_integer":      {func(m map[string]any) { m["output_tokens"] = json.Number("1.5") }, []string{"/output_tokens: type"}},
		"nullable_wrong_type": {func(m map[string]any) { m["ttfb_ms"] = "12" }, []string{"/ttfb_ms: type"}},
		"enum":                {func(m map[string]any) { m["status"] = "meh" }, []string{"/status: enum"}},
		"items":               {func(m map[string]any) { m["warnings"] = []any{json.Number("1")} }, []string{"/warnings/0: type"}},
		"nested_object":       {func(m map[string]any) { m["tool_calls"] = []any{map[string]any{"id": "1", "name": "f"}} }, []string{"/tool_calls/0: required"}},
		"nested_additional_key": {func(m map[string]any) {
			m["tool_calls"] = []any{map[string]any{"id": "1", "name": "f", "arguments": "", "x": true}}
		}, []string{"/tool_calls/0: additionalProperties"}},
		"two_faults": {func(m map[string]any) { m["events"] = "3"; delete(m, "latency") }, []string{"/: required", "/events: type"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			var m map[string]any
			require.NoError(t, dec.Decode(&m))
			c.edit(m)
			edited, err := json.Marshal(m)
			require.NoError(t, err)
			assert.Equal(t, c.want, violations(t, s, edited))
		})
	}
}
