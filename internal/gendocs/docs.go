package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/sseinspect/sseinspect/cmd"
)

// tree is the documented command tree: the one sseinspect runs, without
// cobra's "Auto generated on <date>" lines, so that the pages depend on the
// code alone. The descriptions are plain text in --help but markdown in the
// pages: a "<" is escaped so that <thinking> is not taken for HTML.
func tree() *cobra.Command {
	root := cmd.NewRootCommand(cmd.Env{})
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		c.Long = strings.ReplaceAll(c.Long, "<", `\<`)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return root
}

// writeMarkdown writes one page per command into dir (sseinspect.md,
// sseinspect_summarize.md …, linked to each other), after removing the
// pages of a previous run, so that a removed command leaves no page behind.
func writeMarkdown(dir string) error {
	if err := removePages(dir, "sseinspect*.md"); err != nil {
		return err
	}
	if err := doc.GenMarkdownTree(tree(), dir); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	return nil
}

// writeMan writes one man page per command into dir (sseinspect.1,
// sseinspect-summarize.1 …).
func writeMan(dir string) error {
	if err := removePages(dir, "sseinspect*.1"); err != nil {
		return err
	}
	header := &doc.GenManHeader{Title: "SSEINSPECT", Section: "1", Source: "sseinspect", Manual: "sseinspect manual"}
	if err := doc.GenManTree(tree(), header, dir); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
}

// removePages creates dir if needed and removes the files in it that match
// pattern.
func removePages(dir, pattern string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	return nil
}
