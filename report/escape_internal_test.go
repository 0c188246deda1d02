package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEscapeControls(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                         "",
		"claude-sonnet-4":          "claude-sonnet-4",
		"é, 日本語, 😊, \ufffd, \\ \"": "é, 日本語, 😊, \ufffd, \\ \"", // kept as is
		"m\n[OK] forged":           `m\n[OK] forged`,
		"a\rb\tc":                  `a\rb\tc`,
		"\x1b[31mred\x1b[0m":       `\x1b[31mred\x1b[0m`,
		"nul\x00 del\x7f":          `nul\x00 del\x7f`,
		"c1 \u0085 \u009b":         `c1 \u0085 \u009b`,
		"bad \xff\xfe utf-8":       `bad \xff\xfe utf-8`,
	} {
		assert.Equal(t, want, escapeControls(in), "%q", in)
	}
}

// TestEscapeControlsKeepsCleanStrings: not parallel (AllocsPerRun).
func TestEscapeControlsKeepsCleanStrings(t *testing.T) {
	s := "a clean model name"
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = escapeControls(s) }))
}
