package report

import (
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fatih/color"

	"github.com/sseinspect/sseinspect/streamctx"
)

// Summary writes the two-line summary of s exactly as Aether's
// get_log_summary prints it, followed by a newline:
//
//	[OK] a1b2c3d4 | claude-sonnet-4 | anthropic | TTFB: 250ms
//	      Total: 1500ms | in:25 out:12
//
// The request id is cut to its first 8 characters ("-" when there is none),
// the model is "unknown" when none, TTFB appears only when known, and the
// total is "n/a" when the capture carries no timing. The request id, model
// and provider are printed with their control characters escaped, so that
// a capture cannot forge a line. With colour, only the status tag is
// coloured: [OK] green, [FAIL] red.
func Summary(w io.Writer, s *streamctx.Snapshot, useColor bool) error {
	tag := "[FAIL]"
	if s.Status == streamctx.StatusOK {
		tag = "[OK]"
	}
	if useColor {
		c := color.New(color.FgRed, color.Bold)
		if s.Status == streamctx.StatusOK {
			c = color.New(color.FgGreen, color.Bold)
		}
		c.EnableColor()
		tag = c.Sprint(tag)
	}
	var b strings.Builder
	b.WriteString(tag)
	rid := s.RequestID
	if rid == "" {
		rid = "-"
	}
	if n := firstRunes(rid, 8); n < len(rid) {
		rid = rid[:n]
	}
	model := "unknown"
	if s.Model != nil {
		model = *s.Model
	}
	b.WriteString(" ")
	b.WriteString(escapeControls(rid))
	b.WriteString(" | ")
	b.WriteString(escapeControls(model))
	b.WriteString(" | ")
	b.WriteString(escapeControls(s.Provider))
	if s.TTFBMs != nil {
		b.WriteString(" | TTFB: ")
		b.WriteString(strconv.FormatInt(*s.TTFBMs, 10))
		b.WriteString("ms")
	}
	b.WriteString("\n      Total: ")
	if s.TotalMs != nil {
		b.WriteString(strconv.FormatInt(*s.TotalMs, 10))
		b.WriteString("ms")
	} else {
		b.WriteString("n/a")
	}
	b.WriteString(" | in:")
	b.WriteString(strconv.FormatInt(s.InputTokens, 10))
	b.WriteString(" out:")
	b.WriteString(strconv.FormatInt(s.OutputTokens, 10))
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// firstRunes returns the byte length of the first n runes of s (Python's
// s[:8] counts characters, not bytes).
func firstRunes(s string, n int) int {
	i := 0
	for j := range s {
		if i == n {
			return j
		}
		i++
	}
	return len(s)
}

// Latency writes the third summary line that summarize --latency prints,
// indented by six spaces like the second, followed by a newline:
//
//	TTFT: 250ms | TPOT: 8.3ms | p99 gap: 31.2ms
//
// with n/a for what is unknown. Times are rounded to 0.1 ms.
func Latency(w io.Writer, s *streamctx.Snapshot) error {
	var b strings.Builder
	l := &s.Latency
	var p99 *float64
	if l.GapsMs != nil {
		p99 = l.GapsMs.P99
	}
	b.WriteString("      TTFT: ")
	b.WriteString(shortMs(l.TTFTMs))
	b.WriteString(" | TPOT: ")
	b.WriteString(shortMs(l.TPOTMs))
	b.WriteString(" | p99 gap: ")
	b.WriteString(shortMs(p99))
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func shortMs(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(math.Round(*v*10)/10, 'f', -1, 64) + "ms"
}
