package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sseinspect/sseinspect/compare"
)

// Diff writes the comparison of the captures a and b for people: "--- a",
// "+++ b" and the fields that differ (when some do), then a verdict line.
func Diff(w io.Writer, a, b string, d *compare.Diff) error {
	var sb strings.Builder
	if len(d.Fields) > 0 {
		fmt.Fprintf(&sb, "--- %s\n+++ %s\n", a, b)
		_ = fieldDiffs(&sb, d.Fields)
	}
	switch {
	case d.Differ():
		fmt.Fprintf(&sb, "captures differ in %s\n", strings.Join(d.DiffersIn, ", "))
	case len(d.Fields) > 0:
		sb.WriteString("captures agree in usage, text, tool calls, completion and errors\n")
	default:
		sb.WriteString("captures agree\n")
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// diffJSON is the object of DiffJSON.
type diffJSON struct {
	A         string          `json:"a"`
	B         string          `json:"b"`
	Differ    bool            `json:"differ"`
	DiffersIn []string        `json:"differs_in"`
	Fields    []diffFieldJSON `json:"fields"`
}

type diffFieldJSON struct {
	Key     string          `json:"key"`
	A       json.RawMessage `json:"a"`
	B       json.RawMessage `json:"b"`
	Matters bool            `json:"matters"`
}

// DiffJSON writes the comparison of the captures a and b as one JSON
// object on one line: {"a", "b", "differ", "differs_in", "fields": [{"key",
// "a", "b", "matters"}]}.
func DiffJSON(w io.Writer, a, b string, d *compare.Diff) error {
	out := diffJSON{A: a, B: b, Differ: d.Differ(), DiffersIn: d.DiffersIn, Fields: []diffFieldJSON{}}
	if out.DiffersIn == nil {
		out.DiffersIn = []string{}
	}
	for _, f := range d.Fields {
		out.Fields = append(out.Fields, diffFieldJSON{Key: f.Key, A: f.A, B: f.B, Matters: f.Matters})
	}
	return encode(w, out, "")
}
