package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// release lays out a small release folder, its files dated now.
func release(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sseinspect_1.0.0_linux_amd64")
	for name, body := range map[string]string{"README.md": "read me\n", "man/sseinspect.1": ".TH\n", "sseinspect": "binary"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o777))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	}
	require.NoError(t, os.Chmod(filepath.Join(dir, "sseinspect"), 0o700))
	return dir
}

var epoch = time.Unix(1788220800, 0).UTC()

// TestPackIsReproducible packs two copies of one tree, made at different
// times with different permissions, and gets the same bytes.
func TestPackIsReproducible(t *testing.T) {
	t.Parallel()
	for _, ext := range []string{".tar.gz", ".zip"} {
		a, b := release(t), release(t)
		old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		require.NoError(t, os.Chtimes(filepath.Join(b, "README.md"), old, old))
		require.NoError(t, os.Chmod(filepath.Join(b, "README.md"), 0o664))
		outA, outB := filepath.Join(t.TempDir(), "a"+ext), filepath.Join(t.TempDir(), "b"+ext)
		require.NoError(t, pack(outA, a, epoch))
		require.NoError(t, pack(outB, b, epoch))
		bytesA, err := os.ReadFile(outA)
		require.NoError(t, err)
		bytesB, err := os.ReadFile(outB)
		require.NoError(t, err)
		assert.Equal(t, bytesA, bytesB, ext)
	}
}

type item struct {
	mode  os.FileMode
	mtime time.Time
	body  string
}

func TestPackTarGz(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "r.tar.gz")
	require.NoError(t, pack(out, release(t), epoch))
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	assert.Empty(t, gz.Name)
	assert.True(t, gz.ModTime.IsZero(), "no time in the gzip header")
	got := map[string]item{}
	var names []string
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		body, err := io.ReadAll(tr)
		require.NoError(t, err)
		names = append(names, h.Name)
		got[h.Name] = item{h.FileInfo().Mode(), h.ModTime.UTC(), string(body)}
		assert.Equal(t, 0, h.Uid)
		assert.Equal(t, "root", h.Uname)
	}
	assertRelease(t, names, got)
}

func TestPackZip(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "r.zip")
	require.NoError(t, pack(out, release(t), epoch))
	zr, err := zip.OpenReader(out)
	require.NoError(t, err)
	defer zr.Close()
	got := map[string]item{}
	var names []string
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		body, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		names = append(names, f.Name)
		got[f.Name] = item{f.Mode(), f.Modified.UTC(), string(body)}
	}
	assertRelease(t, names, got)
}

func assertRelease(t *testing.T, names []string, got map[string]item) {
	t.Helper()
	const top = "sseinspect_1.0.0_linux_amd64/"
	assert.Equal(t, []string{top, top + "README.md", top + "man/", top + "man/sseinspect.1", top + "sseinspect"}, names)
	assert.Equal(t, item{os.ModeDir | 0o755, epoch, ""}, got[top+"man/"])
	assert.Equal(t, item{0o644, epoch, "read me\n"}, got[top+"README.md"])
	assert.Equal(t, item{0o755, epoch, "binary"}, got[top+"sseinspect"])
}

func TestPackRejectsUnknownArchiveType(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "r.rar")
	require.EqualError(t, pack(out, release(t), epoch), out+": unknown archive type (want .tar.gz or .zip)")
	assert.NoFileExists(t, out)
}
