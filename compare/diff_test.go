package compare_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/compare"
	"github.com/sseinspect/sseinspect/streamctx"
)

func TestCapturesAgree(t *testing.T) {
	t.Parallel()
	d, err := compare.Captures(snapshot(), snapshot())
	require.NoError(t, err)
	assert.False(t, d.Differ())
	assert.Empty(t, d.Fields)
	assert.NotNil(t, d.DiffersIn, "an empty list, not null, in JSON")
}

func TestCapturesDifferInWhatMatters(t *testing.T) {
	t.Parallel()
	a, b := snapshot(), snapshot()
	b.Model = ptr("m2")       // shown, does not matter
	b.OutputTokens = 3        // usage
	b.Text = "one\n2"         // text
	b.TTFBMs = ptr(int64(50)) // shown, does not matter
	d, err := compare.Captures(a, b)
	require.NoError(t, err)
	assert.True(t, d.Differ())
	assert.Equal(t, []string{compare.AspectUsage, compare.AspectText}, d.DiffersIn)
	var keys []string
	for _, f := range d.Fields {
		keys = append(keys, f.Key)
	}
	assert.Equal(t, []string{"model", "output_tokens", "text", "ttfb_ms"}, keys)
	assert.Equal(t, compare.Field{Key: "model", A: json.RawMessage(`"m"`), B: json.RawMessage(`"m2"`)}, d.Fields[0])
	assert.Equal(t, &compare.TextPair{A: "one\ntwo", B: "one\n2"}, d.Fields[2].Text)
}

func TestCapturesStatusAloneIsCompletion(t *testing.T) {
	t.Parallel()
	a, b := snapshot(), snapshot()
	b.Status, b.Complete, b.StopReason = streamctx.StatusFailed, false, nil
	d, err := compare.Captures(a, b)
	require.NoError(t, err)
	assert.Equal(t, []string{compare.AspectCompletion}, d.DiffersIn)

	b.ErrorType, b.ErrorMessage = ptr("overloaded_error"), ptr("Overloaded")
	d, err = compare.Captures(a, b)
	require.NoError(t, err)
	assert.Equal(t, []string{compare.AspectErrors, compare.AspectCompletion}, d.DiffersIn)
}

func TestCapturesStopReasonOnlyWithinAFormat(t *testing.T) {
	t.Parallel()
	a, b := snapshot(), snapshot()
	b.Format, b.StopReason = "anthropic", ptr("end_turn")
	d, err := compare.Captures(a, b)
	require.NoError(t, err)
	assert.False(t, d.Differ(), "%+v", d)
	require.Len(t, d.Fields, 2)
	assert.False(t, d.Fields[1].Matters)
}

func TestCapturesToolCallsByNameAndArguments(t *testing.T) {
	t.Parallel()
	a, b := snapshot(), snapshot()
	a.ToolCalls = []streamctx.ToolCallSnapshot{{ID: "call_1", Name: "f", Arguments: `{"x": 1}`}}
	b.ToolCalls = []streamctx.ToolCallSnapshot{{ID: "toolu_1", Name: "f", Arguments: `{"x":1}`}}
	d, err := compare.Captures(a, b)
	require.NoError(t, err)
	assert.False(t, d.Differ(), "ids and spacing do not matter")
	require.Len(t, d.Fields, 1)

	b.ToolCalls[0].Arguments = `{"x":2}`
	d, err = compare.Captures(a, b)
	require.NoError(t, err)
	assert.Equal(t, []string{compare.AspectTools}, d.DiffersIn)
}
