package cmd

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// captureExts are the file name extensions of captures found in a
// directory.
var captureExts = []string{".sse", ".txt", ".har"}

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
// or, for a directory, the captures in it (see captureFiles).
func (d dirOptions) expand(arg string) ([]string, error) {
	if !d.allow || arg == "-" {
		return []string{arg}, nil
	}
	fi, err := os.Stat(arg)
	if err != nil || !fi.IsDir() {
		return []string{arg}, nil // open reports the error
	}
	files, err := captureFiles(arg, d.recursive, captureExts)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no captures in %s%s", arg, recursiveHint(arg, d.recursive, captureExts))
	}
	return files, nil
}

// recursiveHint says, for a directory without captures of its own, that
// its subdirectories have some when -r was not given: " (its
// subdirectories have captures: use -r)"; else "".
func recursiveHint(dir string, recursive bool, exts []string) string {
	if recursive {
		return ""
	}
	deeper, err := captureFiles(dir, true, exts)
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

// captureFiles returns the regular files in dir whose names end in one of
// exts, sorted by path; recursive descends into subdirectories, except
// hidden ones (.git).
func captureFiles(dir string, recursive bool, exts []string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && (!recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		if slices.Contains(exts, filepath.Ext(path)) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	return files, nil
}
