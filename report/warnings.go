package report

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

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

// Why writes, for a report that does not show it (text, body), why the
// stream of s did not succeed: "sseinspect: NAME: the stream failed:
// TYPE: MESSAGE", or "... is incomplete: it has not reached its end", or
// "... carried N events that could not be decoded", then its warnings as
// Warnings does. It writes nothing for a stream that succeeded.
func Why(w io.Writer, name string, s *streamctx.Snapshot) error {
	var why string
	switch {
	case s.ErrorType != nil || s.ErrorMessage != nil:
		why = "the stream failed: " + strings.Join(nonEmpty(s.ErrorType, s.ErrorMessage), ": ")
	case !s.Complete:
		why = "the stream is incomplete: it has not reached its end"
	case s.Status != streamctx.StatusOK:
		why = "the stream failed"
	case s.BadEvents > 0:
		why = fmt.Sprintf("the stream carried %d events that could not be decoded", s.BadEvents)
	default:
		return nil
	}
	if _, err := io.WriteString(w, "sseinspect: "+escapeControls(name)+": "+escapeControls(why)+"\n"); err != nil {
		return err
	}
	return Warnings(w, name, s)
}

// nonEmpty returns the non-empty strings among ps.
func nonEmpty(ps ...*string) []string {
	var out []string
	for _, p := range ps {
		if p != nil && *p != "" {
			out = append(out, *p)
		}
	}
	return out
}

// TerminalText returns text to be shown on a terminal: its control
// characters but newline and tab written as Go escapes (as escapeControls
// does), so that the model's text cannot move the cursor, change colours
// or set the window title; everything else is as it is.
func TerminalText(text string) string {
	if !strings.ContainsFunc(text, isControl) {
		return text
	}
	var b strings.Builder
	for {
		i := strings.IndexAny(text, "\n\t")
		if i < 0 {
			b.WriteString(escapeControls(text))
			return b.String()
		}
		b.WriteString(escapeControls(text[:i]))
		b.WriteByte(text[i])
		text = text[i+1:]
	}
}

// isControl reports whether r is escaped on a terminal (see TerminalText).
func isControl(r rune) bool {
	return r != '\n' && r != '\t' && (unicode.IsControl(r) || r == utf8.RuneError)
}
