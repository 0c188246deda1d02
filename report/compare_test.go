package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/compare"
	"github.com/sseinspect/sseinspect/report"
)

var someFields = []compare.Field{
	{Key: "model", A: json.RawMessage(`"m"`), B: json.RawMessage(`"m2"`), Matters: false},
	{Key: "events", B: json.RawMessage(`2`), Matters: true},
	{Key: "text", A: json.RawMessage(`"a\nb"`), B: json.RawMessage(`"a\nc"`), Matters: true, Text: &compare.TextPair{A: "a\nb", B: "a\nc"}},
	{Key: "zeta", A: json.RawMessage(`1`), Matters: true},
}

func TestGoldenOutput(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, report.GoldenDiff(&b, "a.golden.json", "a.sse", someFields))
	diff := "--- a.golden.json\n+++ a.sse\n- model: \"m\"\n+ model: \"m2\"\n+ events: 2\ntext:\n  @@ -1,2 +1,2 @@\n   a\n  -b\n  +c\n- zeta: 1\n"
	assert.Equal(t, diff, b.String())

	b.Reset()
	require.NoError(t, report.GoldenPass(&b, "p.sse"))
	require.NoError(t, report.GoldenUpdated(&b, "u.sse"))
	require.NoError(t, report.GoldenError(&b, errors.New("e.sse: no such golden file")))
	require.NoError(t, report.GoldenFail(&b, "a.golden.json", "a.sse", someFields[:1]))
	require.NoError(t, report.GoldenTotal(&b, 1, 2, 0, false))
	require.NoError(t, report.GoldenTotal(&b, 1, 2, 1, true))
	assert.Equal(t, "PASS p.sse\nUPDATED u.sse\nFAIL e.sse: no such golden file\n"+
		"FAIL a.sse\n    --- a.golden.json\n    +++ a.sse\n    - model: \"m\"\n    + model: \"m2\"\n"+
		"1 passed, 2 failed\n1 passed, 2 failed, 1 updated\n", b.String())
}

func TestDiffOutput(t *testing.T) {
	t.Parallel()
	text := func(d *compare.Diff) string {
		var b bytes.Buffer
		require.NoError(t, report.Diff(&b, "a.sse", "b.sse", d))
		return b.String()
	}
	assert.Equal(t, "captures agree\n", text(&compare.Diff{}))
	assert.Equal(t, "--- a.sse\n+++ b.sse\n- model: \"m\"\n+ model: \"m2\"\ncaptures agree in usage, text, tool calls, completion and errors\n",
		text(&compare.Diff{Fields: someFields[:1]}))
	assert.Equal(t, "--- a.sse\n+++ b.sse\n- model: \"m\"\n+ model: \"m2\"\ncaptures differ in usage, text\n",
		text(&compare.Diff{DiffersIn: []string{"usage", "text"}, Fields: someFields[:1]}))

	var b bytes.Buffer
	require.NoError(t, report.DiffJSON(&b, "a.sse", "b.sse", &compare.Diff{DiffersIn: []string{"text"}, Fields: someFields[:1]}))
	assert.JSONEq(t, `{"a":"a.sse","b":"b.sse","differ":true,"differs_in":["text"],"fields":[{"key":"model","a":"m","b":"m2","matters":false}]}`, b.String())
	assert.Equal(t, 1, strings.Count(b.String(), "\n"), "one line")
	b.Reset()
	require.NoError(t, report.DiffJSON(&b, "a", "b", &compare.Diff{}))
	assert.JSONEq(t, `{"a":"a","b":"b","differ":false,"differs_in":[],"fields":[]}`, b.String())
}

func TestCheckOutput(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	require.NoError(t, report.Check(&b, "a.sse", &compare.CheckResult{Assertions: 1}))
	require.NoError(t, report.Check(&b, "b.sse", &compare.CheckResult{Assertions: 3, Failures: []compare.Failure{{Flag: "--complete", Why: "it did not"}}}))
	assert.Equal(t, "PASS a.sse (1 assertion)\nFAIL --complete: it did not\nFAIL b.sse (1 of 3 assertions failed)\n", b.String())
}

func TestCheckOutputCannotBeForged(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	r := &compare.CheckResult{Assertions: 1, Failures: []compare.Failure{{Flag: "--model x", Why: "model is m\nPASS a.sse (1 assertion)"}}}
	require.NoError(t, report.Check(&b, "a.sse", r))
	assert.Equal(t, "FAIL --model x: model is m\\nPASS a.sse (1 assertion)\nFAIL a.sse (1 of 1 assertion failed)\n", b.String())
}
