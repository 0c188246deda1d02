// Package report renders stream snapshots: the two-line summary that the
// Aether gateway logs and its latency line, the totals line, the JSON
// summary, the JSON response body, the events and the reconstructed text;
// and the verdicts of package compare: the golden, diff and check output.
// It is the only package that knows about colour; the caller decides
// whether to use it.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/sseinspect/sseinspect/streamctx"
)

// JSON writes s as one compact JSON object on one line (JSON Lines), with
// the documented key order and no HTML escaping: the bytes that
// encoding/json's Encoder with SetEscapeHTML(false) writes. The text,
// thinking and tool-call arguments are escaped straight to w (through a
// 64 KiB buffer), so the encoding is never held in memory; nothing is
// written when s cannot be encoded.
func JSON(w io.Writer, s *streamctx.Snapshot) error {
	return streamJSON(w, s, "", textParts(s))
}

// JSONIndent writes s as an indented JSON object followed by a newline,
// as JSON does (the bytes of an Encoder with SetIndent("", "  ")).
func JSONIndent(w io.Writer, s *streamctx.Snapshot) error {
	return streamJSON(w, s, "  ", textParts(s))
}

// textParts gives the text and thinking of a snapshot taken with
// streamctx.Options.TextParts: written from their parts, never joined.
func textParts(s *streamctx.Snapshot) map[string][]string {
	var m map[string][]string
	for name, p := range map[string][]string{"text": s.TextParts, "thinking": s.ThinkingParts} {
		if p != nil {
			if m == nil {
				m = map[string][]string{}
			}
			m[name] = p
		}
	}
	return m
}

func encode(w io.Writer, v any, indent string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	return enc.Encode(v)
}

// BodyMetadata is the metadata of Aether's build_response_body.
type BodyMetadata struct {
	Stream         bool   `json:"stream"`
	TotalChunks    int    `json:"total_chunks"`
	DataCount      int    `json:"data_count"`
	HasCompletion  bool   `json:"has_completion"`
	ResponseTimeMs *int64 `json:"response_time_ms"`
}

// BodyWriter writes the JSON response body of Aether's build_response_body,
// {"chunks": [...], "metadata": {...}}, as chunks arrive: each chunk is
// echoed byte for byte on its own line (no re-encoding that would change
// key order, spacing or numbers), so memory does not grow with the stream.
type BodyWriter struct {
	w   io.Writer
	n   int
	err error
}

// NewBodyWriter returns a BodyWriter that writes to w.
func NewBodyWriter(w io.Writer) *BodyWriter { return &BodyWriter{w: w} }

// Chunk writes one chunk (a complete JSON value). chunk is not retained.
func (b *BodyWriter) Chunk(chunk []byte) {
	if b.err != nil {
		return
	}
	sep := ",\n"
	if b.n == 0 {
		sep = "{\"chunks\": [\n"
	}
	b.n++
	if _, b.err = io.WriteString(b.w, sep); b.err != nil {
		return
	}
	_, b.err = b.w.Write(bytes.TrimSpace(chunk))
}

// Close writes the metadata and the end of the object.
func (b *BodyWriter) Close(s *streamctx.Snapshot) error {
	if b.err != nil {
		return b.err
	}
	head := "\n], "
	if b.n == 0 {
		head = "{\"chunks\": [], "
	}
	md := BodyMetadata{
		Stream:         true,
		TotalChunks:    b.n,
		DataCount:      s.DataCount,
		HasCompletion:  s.Complete,
		ResponseTimeMs: s.TotalMs,
	}
	var buf bytes.Buffer
	if err := encode(&buf, md, ""); err != nil {
		return err
	}
	_, err := io.WriteString(b.w, head+"\"metadata\": "+strings.TrimSuffix(buf.String(), "\n")+"}\n")
	return err
}

// Text writes the reconstructed text: with thinking, the reasoning first
// between <thinking> and </thinking> lines. A final newline is added when
// the text does not end with one. The text is written as it is, not
// copied.
func Text(w io.Writer, s *streamctx.Snapshot, thinking bool) error {
	var parts []string
	if thinking && s.Thinking != "" {
		parts = append(parts, "<thinking>\n", s.Thinking)
		if !strings.HasSuffix(s.Thinking, "\n") {
			parts = append(parts, "\n")
		}
		parts = append(parts, "</thinking>\n")
	}
	parts = append(parts, s.Text)
	if s.Text != "" && !strings.HasSuffix(s.Text, "\n") {
		parts = append(parts, "\n")
	}
	bw := bufio.NewWriter(w)
	for _, p := range parts {
		_, _ = bw.WriteString(p)
	}
	return bw.Flush() // the first write error, if any
}

// Event is one SSE event as `events --json` prints it.
type Event struct {
	Event      string `json:"event"`
	Data       string `json:"data"`
	ID         string `json:"id"`
	Retry      *int64 `json:"retry,omitempty"`
	Line       int    `json:"line"`
	Incomplete bool   `json:"incomplete,omitempty"`
	TMs        *int64 `json:"t_ms,omitempty"`
}

// EventJSON writes e as one JSON line.
func EventJSON(w io.Writer, e *Event) error { return encode(w, e, "") }

// EventText writes e for people: a header line, then the data lines
// indented (no blank line after them).
func EventText(w io.Writer, e *Event) error {
	var b strings.Builder
	b.WriteString("line ")
	b.WriteString(strconv.Itoa(e.Line))
	b.WriteString(" event: ")
	b.WriteString(escapeControls(e.Event))
	if e.ID != "" {
		b.WriteString(" id: ")
		b.WriteString(escapeControls(e.ID))
	}
	if e.Retry != nil {
		b.WriteString(" retry: ")
		b.WriteString(strconv.FormatInt(*e.Retry, 10))
	}
	if e.TMs != nil {
		b.WriteString(" t: ")
		b.WriteString(strconv.FormatInt(*e.TMs, 10))
		b.WriteString("ms")
	}
	if e.Incomplete {
		b.WriteString(" (incomplete)")
	}
	b.WriteByte('\n')
	// From the capture: control characters escaped (escapeControls), so
	// that the data cannot drive the terminal; events --json is exact.
	for _, l := range strings.Split(e.Data, "\n") {
		b.WriteString("  ")
		b.WriteString(escapeControls(l))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
