package report

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/sseinspect/sseinspect/compare"
)

// fieldDiffs writes fields that differ: "- key: A" and "+ key: B" lines
// (a missing side has none), or, for a text field, "key:" and a unified
// line diff of the two texts indented by two spaces.
func fieldDiffs(w io.Writer, fields []compare.Field) error {
	var b strings.Builder
	for _, f := range fields {
		if f.Text != nil {
			b.WriteString(f.Key + ":\n")
			for _, l := range strings.SplitAfter(lineDiff(f.Text.A, f.Text.B), "\n") {
				if l != "" {
					b.WriteString("  " + l)
				}
			}
			continue
		}
		if f.A != nil {
			b.WriteString("- " + f.Key + ": " + string(f.A) + "\n")
		}
		if f.B != nil {
			b.WriteString("+ " + f.Key + ": " + string(f.B) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// hunkHeader matches the header of a hunk of go-internal/diff.
var hunkHeader = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$`) })

// lineDiff returns the line diff of a and b in the unified format, without
// file names: hunks "@@ -l,n +l,n @@" (",n" left out when n is 1, as diff
// -u does) with three lines of context, lines prefixed by " ", "-" or
// "+". Each text is taken as lines that all end with a newline (an empty
// text is one empty line). It returns "" when a == b.
func lineDiff(a, b string) string {
	d := string(diff.Diff("a", []byte(a+"\n"), "b", []byte(b+"\n")))
	var sb strings.Builder
	for i, l := range strings.SplitAfter(d, "\n") {
		if i < 3 { // "diff a b", "--- a", "+++ b"
			continue
		}
		if m := hunkHeader().FindStringSubmatch(strings.TrimSuffix(l, "\n")); m != nil {
			fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(m[1], m[2]), hunkRange(m[3], m[4]))
			continue
		}
		sb.WriteString(l)
	}
	return sb.String()
}

// hunkRange formats a hunk's range as diff -u does: the length is left out
// when it is 1.
func hunkRange(start, n string) string {
	if k, _ := strconv.Atoi(n); k == 1 {
		return start
	}
	return start + "," + n
}
