package compare

import (
	"encoding/json"
	"reflect"
	"slices"

	"github.com/sseinspect/sseinspect/streamctx"
)

// The aspects in which two captures can differ (Diff.DiffersIn).
const (
	AspectUsage      = "usage"
	AspectText       = "text"
	AspectTools      = "tool calls"
	AspectCompletion = "completion"
	AspectErrors     = "errors"
)

// diffKey is one JSON summary key that Captures compares, and the aspect it
// belongs to; an aspect of "" is shown but does not make captures differ.
type diffKey struct {
	key    string
	aspect string
}

// diffKeys are the compared keys, in the order of the JSON summary.
var diffKeys = []diffKey{
	{"format", ""},
	{"model", ""},
	{"status", AspectErrors},
	{"status_code", AspectErrors},
	{"error_type", AspectErrors},
	{"error_message", AspectErrors},
	{"complete", AspectCompletion},
	{"stop_reason", AspectCompletion}, // only between captures of one format
	{"input_tokens", AspectUsage},
	{"output_tokens", AspectUsage},
	{"cached_tokens", AspectUsage},
	{"cache_creation_tokens", AspectUsage},
	{"reasoning_tokens", AspectUsage},
	{"total_input_tokens", AspectUsage},
	{"usage_source", AspectUsage},
	{"text", AspectText},
	{"thinking", ""},
	{"tool_calls", AspectTools},
	{"events", ""},
	{"data_count", ""},
	{"ttfb_ms", ""},
	{"ttft_ms", ""},
	{"total_ms", ""},
	{"cost", ""}, // follows the usage, and the model's prices
}

// Diff is the comparison of two captures.
type Diff struct {
	// DiffersIn are the aspects in which the captures differ, in the
	// order of their first differing key; empty when they agree.
	DiffersIn []string
	// Fields are the compared keys whose values differ, in the order of
	// the JSON summary, whether they matter or not.
	Fields []Field
}

// Differ reports whether the captures differ in what matters: usage, text,
// tool calls, completion or errors.
func (d *Diff) Differ() bool { return len(d.DiffersIn) > 0 }

// Captures compares the snapshots of two captures of a response (what the
// upstream sent and what a gateway passed on, or one prompt on two
// providers). Format, model, thinking, events, data_count, timing and cost
// are compared but do not matter; status matters as an error only when an
// error field differs too (else as completion, since "failed" also means
// incomplete); stop_reason matters only between captures of one format;
// tool calls matter by name and arguments (as JSON values), not by id.
func Captures(a, b *streamctx.Snapshot) (*Diff, error) {
	av, bv := valuesByKey(a), valuesByKey(b)
	d := &Diff{DiffersIn: []string{}, Fields: []Field{}}
	for _, k := range diffKeys {
		x, y := av[k.key], bv[k.key]
		if reflect.DeepEqual(x.Interface(), y.Interface()) {
			continue
		}
		aspect := k.aspect
		matters := aspect != ""
		switch k.key {
		case "status":
			if sameErrors(a, b) {
				aspect = AspectCompletion
			}
		case "stop_reason":
			matters = a.Format == b.Format
		case "tool_calls":
			matters = !sameToolCalls(a.ToolCalls, b.ToolCalls)
		}
		f := Field{Key: k.key, Matters: matters}
		var err error
		if f.A, err = encode(x); err != nil {
			return nil, err
		}
		if f.B, err = encode(y); err != nil {
			return nil, err
		}
		if slices.Contains(lineDiffKeys, k.key) {
			f.Text = &TextPair{A: x.String(), B: y.String()}
		}
		d.Fields = append(d.Fields, f)
		if matters && !slices.Contains(d.DiffersIn, aspect) {
			d.DiffersIn = append(d.DiffersIn, aspect)
		}
	}
	return d, nil
}

// valuesByKey returns the values of the JSON summary of s by key.
func valuesByKey(s *streamctx.Snapshot) map[string]reflect.Value {
	fields := summaryFields(s)
	m := make(map[string]reflect.Value, len(fields))
	for _, f := range fields {
		m[f.key] = f.value
	}
	return m
}

// sameErrors reports whether a and b carry the same error, if any.
func sameErrors(a, b *streamctx.Snapshot) bool {
	return ptrEqual(a.StatusCode, b.StatusCode) && ptrEqual(a.ErrorType, b.ErrorType) && ptrEqual(a.ErrorMessage, b.ErrorMessage)
}

func ptrEqual[T comparable](a, b *T) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

// sameToolCalls compares tool calls by name and arguments (as JSON values
// when both parse), not by id: ids differ between providers and runs.
func sameToolCalls(a, b []streamctx.ToolCallSnapshot) bool {
	return slices.EqualFunc(a, b, func(x, y streamctx.ToolCallSnapshot) bool {
		if x.Name != y.Name {
			return false
		}
		if x.Arguments == y.Arguments {
			return true
		}
		return json.Valid([]byte(x.Arguments)) && json.Valid([]byte(y.Arguments)) &&
			jsonEqual(json.RawMessage(x.Arguments), json.RawMessage(y.Arguments))
	})
}
