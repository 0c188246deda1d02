package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/sseinspect/sseinspect/capture"
)

// captureExts are the file name extensions of captures found in a
// directory.
var captureExts = []string{".sse", ".ndjson", ".txt", ".har", ".datastream", ".eventstream"}

// dirOptions say whether a directory argument stands for the captures in
// it. The zero value makes a directory an error.
type dirOptions struct {
	allow     bool
	recursive bool
}

func (d *dirOptions) bind(c *cobra.Command) {
	d.allow = true
	c.Flags().BoolVarP(&d.recursive, "recursive", "r", false, "also read the captures in the subdirectories of a DIR")
}

// expand returns the files an argument stands for: the argument itself,
// or, for a directory, the captures in it and the entries of it that
// could not be read (see captureFiles). fromDir says that the files were
// found in a directory, not named.
func (d dirOptions) expand(arg string) (files []string, unreadable []error, fromDir bool, err error) {
	if !d.allow || arg == "-" {
		return []string{arg}, nil, false, nil
	}
	fi, err := os.Stat(arg)
	if err != nil || !fi.IsDir() {
		return []string{arg}, nil, false, nil // open reports the error
	}
	files, unreadable, err = captureFiles(arg, d.recursive, captureExts)
	if err != nil {
		return nil, nil, true, err
	}
	if len(files) == 0 && len(unreadable) == 0 {
		return nil, nil, true, fmt.Errorf("no captures in %s%s", arg, recursiveHint(arg, d.recursive, captureExts))
	}
	return files, unreadable, true, nil
}

// recursiveHint says, for a directory without captures of its own, that
// its subdirectories have some when -r was not given: " (its
// subdirectories have captures: use -r)"; else "".
func recursiveHint(dir string, recursive bool, exts []string) string {
	if recursive {
		return ""
	}
	deeper, _, err := captureFiles(dir, true, exts)
	if err != nil || len(deeper) == 0 {
		return ""
	}
	return " (its subdirectories have captures: use -r)"
}

// anyDir reports whether one of args names a directory.
func anyDir(args []string) bool {
	for _, a := range args {
		if fi, err := os.Stat(a); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// captureExt returns the extension that says what kind of capture a file
// is: its last, or the one before a compression's (.sse of x.sse.gz).
func captureExt(path string) string {
	ext := filepath.Ext(path)
	if capture.CodingOf(path) != "" {
		ext = filepath.Ext(strings.TrimSuffix(path, ext))
	}
	return ext
}

// captureExtFull returns the extensions captureExt looks past as well:
// ".sse.gz" for x.sse.gz, ".sse" for x.sse.
func captureExtFull(path string) string {
	if capture.CodingOf(path) == "" {
		return filepath.Ext(path)
	}
	return captureExt(path) + filepath.Ext(path)
}

// dirFS opens a directory as a file system for captureFiles; tests
// replace it (when no other test runs) with one whose entries fail.
var dirFS = os.DirFS

// captureFiles returns the regular files (or symbolic links) in dir whose
// names end in one of exts (compressed or not: see captureExt), sorted by
// path; recursive descends into subdirectories, except hidden ones (.git). An entry that cannot be read
// (a subdirectory without permission) does not hide the others: it is in
// unreadable, with its error, and the walk goes on. err is dir's own error.
func captureFiles(dir string, recursive bool, exts []string) (files []string, unreadable []error, err error) {
	err = fs.WalkDir(dirFS(dir), ".", func(rel string, d fs.DirEntry, err error) error {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err != nil {
			if rel == "." {
				return err
			}
			unreadable = append(unreadable, fmt.Errorf("%s: %w", path, unwrapPath(err)))
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel != "." && (!recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		if slices.Contains(exts, captureExt(path)) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, unwrapPath(err))
	}
	slices.Sort(files)
	return files, unreadable, nil
}

// unwrapPath returns the error of a *fs.PathError, whose path (relative
// to the walk) the caller replaces.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
