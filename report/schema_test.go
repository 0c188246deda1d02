package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// schemaFile is the published JSON Schema of the JSON summary.
const schemaFile = "../schema/summary.v1.schema.json"

// schema is the subset of JSON Schema 2020-12 that summary.v1 uses: type
// (a name or a list of names), enum (of strings), required, properties,
// additionalProperties false, items. Annotations ($schema, $id, title,
// description) are read and ignored; any other keyword fails the test, so
// the validator cannot silently skip what the schema asks for.
type schema struct {
	Type                 typeList           `json:"type"`
	Enum                 []string           `json:"enum"`
	Required             []string           `json:"required"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties *bool              `json:"additionalProperties"`
	Items                *schema            `json:"items"`

	Schema      string `json:"$schema"`
	ID          string `json:"$id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// typeList is "type": a single name or a list of names.
type typeList []string

func (t *typeList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = typeList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*t = many
	return nil
}

func loadSchema(tb testing.TB) *schema {
	tb.Helper()
	b, err := os.ReadFile(schemaFile)
	require.NoError(tb, err)
	var s schema
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a keyword the validator does not know
	require.NoError(tb, dec.Decode(&s))
	require.Equal(tb, "https://json-schema.org/draft/2020-12/schema", s.Schema)
	return &s
}

// validate returns the ways v (decoded with UseNumber) breaks s, each as
// "path: what".
func (s *schema) validate(path string, v any) []string {
	if len(s.Type) > 0 && !slices.ContainsFunc(s.Type, func(t string) bool { return hasType(v, t) }) {
		return []string{fmt.Sprintf("%s: %s is not of type %s", path, jsonTypeOf(v), strings.Join(s.Type, " or "))}
	}
	var errs []string
	if s.Enum != nil {
		if str, ok := v.(string); !ok || !slices.Contains(s.Enum, str) {
			errs = append(errs, fmt.Sprintf("%s: %v is not one of %q", path, v, s.Enum))
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, k := range s.Required {
			if _, ok := v[k]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required key %q", path, k))
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p, ok := s.Properties[k]
			if !ok {
				if s.AdditionalProperties != nil && !*s.AdditionalProperties {
					errs = append(errs, fmt.Sprintf("%s: key %q is not allowed", path, k))
				}
				continue
			}
			errs = append(errs, p.validate(path+"."+k, v[k])...)
		}
	case []any:
		if s.Items != nil {
			for i, e := range v {
				errs = append(errs, s.Items.validate(fmt.Sprintf("%s[%d]", path, i), e)...)
			}
		}
	}
	return errs
}

func hasType(v any, t string) bool {
	switch t {
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, err := n.Int64()
		return err == nil
	case "number":
		_, ok := v.(json.Number)
		return ok
	}
	return jsonTypeOf(v) == t
}

func jsonTypeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func decode(tb testing.TB, b []byte) any {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(tb, dec.Decode(&v))
	return v
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
		assert.Empty(t, s.validate("$", decode(t, b)), path)
		return nil
	})
	require.NoError(t, err)
	require.NotZero(t, n, "no golden files found")
}

// TestSchemaMatchesSnapshot keeps the schema and streamctx.Snapshot in
// step: the same keys in the same order, and a snapshot with every
// optional value set (and one with none) validates.
func TestSchemaMatchesSnapshot(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	str := func(v string) *string { return &v }
	i64 := func(v int64) *int64 { return &v }
	code := 429
	full := streamctx.Snapshot{
		Format: "anthropic", Provider: "anthropic", RequestID: "r", ResponseID: str("msg_r"), Model: str("m"),
		Status: streamctx.StatusFailed, StatusCode: &code, ErrorType: str("rate_limit_error"), ErrorMessage: str("slow down"),
		StopReason: str("end_turn"), InputTokens: 1, OutputTokens: 2, UsageSource: "provider",
		Text: "t", Thinking: "th", ToolCalls: []streamctx.ToolCallSnapshot{{ID: "1", Name: "f", Arguments: "{}"}},
		TTFBMs: i64(1), TTFTMs: i64(2), TotalMs: i64(3), Warnings: []string{"w"},
	}
	empty := streamctx.Snapshot{Format: "gemini", Status: streamctx.StatusOK, UsageSource: "none", ToolCalls: []streamctx.ToolCallSnapshot{}, Warnings: []string{}}
	for name, snap := range map[string]streamctx.Snapshot{"full": full, "empty": empty} {
		var b bytes.Buffer
		require.NoError(t, report.JSONIndent(&b, &snap))
		assert.Empty(t, s.validate("$", decode(t, b.Bytes())), name)
		if name == "full" {
			assert.Equal(t, s.Required, objectKeys(t, b.Bytes()), "schema keys and Snapshot keys, in order")
		}
	}
	var props []string
	for k := range s.Properties {
		props = append(props, k)
	}
	assert.ElementsMatch(t, s.Required, props, "every key is required")
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

// TestSchemaValidator checks that the validator rejects what it must.
func TestSchemaValidator(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	b, err := os.ReadFile("../testdata/captures/anthropic/text.golden.json")
	require.NoError(t, err)
	cases := map[string]struct {
		edit func(m map[string]any)
		want string
	}{
		"valid":               {func(map[string]any) {}, ""},
		"missing_key":         {func(m map[string]any) { delete(m, "model") }, `$: missing required key "model"`},
		"extra_key":           {func(m map[string]any) { m["cost"] = json.Number("1") }, `$: key "cost" is not allowed`},
		"null_not_allowed":    {func(m map[string]any) { m["text"] = nil }, "$.text: null is not of type string"},
		"nullable":            {func(m map[string]any) { m["model"] = nil }, ""},
		"not_an_integer":      {func(m map[string]any) { m["output_tokens"] = json.Number("1.5") }, "$.output_tokens: number is not of type integer"},
		"nullable_wrong_type": {func(m map[string]any) { m["ttfb_ms"] = "12" }, "$.ttfb_ms: string is not of type integer or null"},
		"enum":                {func(m map[string]any) { m["status"] = "meh" }, `$.status: meh is not one of ["ok" "failed"]`},
		"items":               {func(m map[string]any) { m["warnings"] = []any{json.Number("1")} }, "$.warnings[0]: number is not of type string"},
		"nested_object":       {func(m map[string]any) { m["tool_calls"] = []any{map[string]any{"id": "1", "name": "f"}} }, `$.tool_calls[0]: missing required key "arguments"`},
		"nested_additional_key": {func(m map[string]any) {
			m["tool_calls"] = []any{map[string]any{"id": "1", "name": "f", "arguments": "", "x": true}}
		}, `$.tool_calls[0]: key "x" is not allowed`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := decode(t, b).(map[string]any)
			c.edit(m)
			errs := s.validate("$", m)
			if c.want == "" {
				assert.Empty(t, errs)
			} else {
				assert.Equal(t, []string{c.want}, errs)
			}
		})
	}
}
