package pricing

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDashDates(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"claude-sonnet-4-5-20250929": "claude-sonnet-4-5-2025-09-29",
		"claude-x-20250229":          "claude-x-20250229", // no such day
		"model-20251301":             "model-20251301",    // no such month
		"m-20240101:thinking":        "m-2024-01-01:thinking",
		"m-20240101x":                "m-20240101x",
		"gpt-4o-mini-2024-07-18":     "gpt-4o-mini-2024-07-18",
		"a-20240101-b-20240202":      "a-2024-01-01-b-2024-02-02",
	} {
		assert.Equal(t, want, dashDates(in), in)
	}
}

func TestNegativeLookahead(t *testing.T) {
	t.Parallel()
	m := matcher{kind: "regex", value: `^(?![^/]+/)(?:labs-)?(?:mi|code)stral`}
	require.NoError(t, m.compile())
	assert.True(t, m.match("mistral-large"))
	assert.True(t, m.match("labs-codestral"))
	assert.False(t, m.match("mistralai/mistral-large"))
	assert.False(t, m.match("pixtral"))
}
