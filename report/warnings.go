package report

import (
	"io"
	"strings"

	"github.com/sseinspect/sseinspect/streamctx"
)

// Warnings writes the warnings of s, the summary of the capture name, one
// line each, "sseinspect: NAME: warning: TEXT", with the control characters
// of the name and the text escaped, so that neither can forge a line. It is
// for standard error, after a report for people (the two-line summary):
// JSON output carries the warnings in "warnings" instead.
func Warnings(w io.Writer, name string, s *streamctx.Snapshot) error {
	if len(s.Warnings) == 0 {
		return nil
	}
	var b strings.Builder
	prefix := "sseinspect: " + escapeControls(name) + ": warning: "
	for _, warning := range s.Warnings {
		b.WriteString(prefix)
		b.WriteString(escapeControls(warning))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
