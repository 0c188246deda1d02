package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMarkdownInSync regenerates the command reference and compares it with
// docs/cli: a change to a command's help must come with
// `go run ./internal/gendocs`.
func TestMarkdownInSync(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, writeMarkdown(dir))
	committed := filepath.Join("..", "..", "docs", "cli")
	assert.Equal(t, pageNames(t, dir), pageNames(t, committed), "run `go run ./internal/gendocs` to regenerate docs/cli")
	for _, name := range pageNames(t, dir) {
		want, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(committed, name))
		if err != nil {
			continue // reported above
		}
		if d := diff.Diff("generated/"+name, want, "docs/cli/"+name, got); d != nil {
			t.Errorf("docs/cli/%s is stale; run `go run ./internal/gendocs`:\n%s", name, d)
		}
	}
}

// TestManPages generates the man pages, as scripts/release.sh does, and
// checks that every command has one, dated SOURCE_DATE_EPOCH, with its
// examples and with the "<" of the descriptions kept.
func TestManPages(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1788220800") // 2026-09-01
	dir := t.TempDir()
	require.NoError(t, writeMan(dir))
	pages := pageNames(t, dir)
	assert.Contains(t, pages, "sseinspect.1")
	assert.Contains(t, pages, "sseinspect-summarize.1")
	assert.Contains(t, pages, "sseinspect-completion-bash.1")
	assert.Len(t, pages, len(pageNames(t, filepath.Join("..", "..", "docs", "cli"))), "one man page per markdown page")

	text, err := os.ReadFile(filepath.Join(dir, "sseinspect-text.1"))
	require.NoError(t, err)
	assert.Contains(t, string(text), `.TH "SSEINSPECT" "1" "Sep 2026" "sseinspect" "sseinspect manual"`)
	assert.Contains(t, string(text), "<thinking>")
	assert.Contains(t, string(text), ".SH EXAMPLE")
}

// TestGenerateRemovesStalePages checks that a page of a command that no
// longer exists is removed, and that other files are left alone.
func TestGenerateRemovesStalePages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sseinspect_gone.md"), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), nil, 0o644))
	require.NoError(t, generate(dir, ""))
	assert.NoFileExists(t, filepath.Join(dir, "sseinspect_gone.md"))
	assert.FileExists(t, filepath.Join(dir, "README.md"))
	assert.FileExists(t, filepath.Join(dir, "sseinspect_golden.md"))
}

func pageNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
