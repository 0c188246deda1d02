package cmd

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failingDirFS is a directory whose subdirectory "locked" cannot be
// listed (as with mode 000, which root ignores).
type failingDirFS struct{ fs.FS }

func (f failingDirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == "locked" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return fs.ReadDir(f.FS, name)
}

func chat(id string) string {
	return `data: {"id":"` + id + `","model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}` + "\n\ndata: [DONE]\n\n"
}

// TestUnreadableEntryDoesNotHideTheDirectory: one entry that cannot be
// read is reported; the captures around it are summarized, checked and
// compared, and the exit status is the worst. It replaces dirFS: not
// parallel.
func TestUnreadableEntryDoesNotHideTheDirectory(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"a.sse": chat("a"), "z.sse": chat("z"), "locked/b.sse": chat("b")} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	}
	dirFS = func(dir string) fs.FS { return failingDirFS{os.DirFS(dir)} }
	defer func() { dirFS = os.DirFS }()

	run := func(args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := Run(args, Env{Stdout: &out, Stderr: &errb})
		return out.String(), errb.String(), code
	}
	locked := "sseinspect: " + filepath.Join(dir, "locked") + ": permission denied\n"
	stdout, stderr, code := run("summarize", "-r", dir)
	assert.Equal(t, 2, code)
	assert.Equal(t, "[OK] a | m | openai\n      Total: n/a | in:1 out:2\n[OK] z | m | openai\n      Total: n/a | in:1 out:2\n"+
		"captures: 2  failed: 0  incomplete: 0  in: 2  out: 4\n", stdout)
	assert.Equal(t, locked, stderr)

	stdout, stderr, code = run("summarize", "--json", "-r", dir)
	assert.Equal(t, 2, code)
	assert.Equal(t, 2, strings.Count(stdout, "\n"))
	assert.Equal(t, locked, stderr)

	stdout, stderr, code = run("check", "-r", "--complete", dir)
	assert.Equal(t, 2, code)
	assert.Equal(t, "PASS "+filepath.Join(dir, "a.sse")+" (1 assertion)\nPASS "+filepath.Join(dir, "z.sse")+" (1 assertion)\n", stdout)
	assert.Equal(t, locked, stderr)

	_, _, code = run("summarize", dir)
	assert.Equal(t, 0, code, "without -r the locked subdirectory is not entered")

	files, unreadable, err := captureFiles(dir, true, captureExts)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "a.sse"), filepath.Join(dir, "z.sse")}, files)
	require.Len(t, unreadable, 1)
	assert.ErrorIs(t, unreadable[0], fs.ErrPermission)
}

// TestUnreadableEntryMode000: the same with a real directory of mode 000,
// where permissions are enforced (not as root).
func TestUnreadableEntryMode000(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads a directory of mode 000")
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.sse"), []byte(chat("a")), 0o600))
	locked := filepath.Join(dir, "locked")
	require.NoError(t, os.Mkdir(locked, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(locked, "b.sse"), []byte(chat("b")), 0o600))
	require.NoError(t, os.Chmod(locked, 0))
	defer func() { _ = os.Chmod(locked, 0o755) }()
	var out, errb bytes.Buffer
	code := Run([]string{"summarize", "-r", dir}, Env{Stdout: &out, Stderr: &errb})
	assert.Equal(t, 2, code)
	assert.Contains(t, out.String(), "[OK] a | m | openai")
	assert.Contains(t, errb.String(), locked+": permission denied")
}
