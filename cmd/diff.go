package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// diffKey is one JSON summary key that diff compares, and the aspect it
// belongs to; an aspect of "" is shown but does not change the exit status.
type diffKey struct {
	key    string
	aspect string
}

// Aspects whose difference makes diff exit 1.
const (
	aspectUsage      = "usage"
	aspectText       = "text"
	aspectTools      = "tool calls"
	aspectCompletion = "completion"
	aspectErrors     = "errors"
)

// diffKeys are the compared keys, in the order of the JSON summary.
var diffKeys = []diffKey{
	{"format", ""},
	{"model", ""},
	{"status", aspectErrors},
	{"status_code", aspectErrors},
	{"error_type", aspectErrors},
	{"error_message", aspectErrors},
	{"complete", aspectCompletion},
	{"stop_reason", aspectCompletion}, // only between captures of one format
	{"input_tokens", aspectUsage},
	{"output_tokens", aspectUsage},
	{"cached_tokens", aspectUsage},
	{"cache_creation_tokens", aspectUsage},
	{"reasoning_tokens", aspectUsage},
	{"total_input_tokens", aspectUsage},
	{"usage_source", aspectUsage},
	{"text", aspectText},
	{"thinking", ""},
	{"tool_calls", aspectTools},
	{"events", ""},
	{"data_count", ""},
	{"ttfb_ms", ""},
	{"ttft_ms", ""},
	{"total_ms", ""},
}

type diffOptions struct {
	commonOptions
	json bool
}

func newDiffCmd(env *Env) *cobra.Command {
	o := &diffOptions{}
	c := &cobra.Command{
		Use:   "diff A B",
		Short: "Compare two captures of a response: usage, text, tool calls, completion, errors",
		Long: `Compare two captures, e.g. what the upstream sent and what the gateway passed
on, or the same prompt on two providers. The keys of the JSON summary that
differ are listed, "- key: A's value" then "+ key: B's value" (text and
thinking as a unified line diff), then a verdict line.

Exit status: 1 when the captures differ in what matters: usage (the token
counts, usage_source), text, tool calls (names and arguments), completion
(complete; stop_reason when both are of one format) or errors (status,
status_code, error_type, error_message). 0 when they differ at most in
format, model, thinking, tool call ids, events, data_count or timing. 2 when a
capture cannot be read (to its end).

With --json, print one object: {"a", "b", "differ", "differs_in",
"fields": [{"key", "a", "b", "matters"}]}.`,
		Example: `  sseinspect diff upstream.sse gateway.sse
  curl -N ... | sseinspect diff expected.sse -`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("diff compares 2 captures, got %d", len(args))
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			if _, err := inputs(args); err != nil {
				return err
			}
			var snaps [2]*streamctx.Snapshot
			var names [2]string
			for i, a := range args {
				err := eachInput(env, []string{a}, func(in *input) (int, error) {
					c, err := o.replayWhole(env, in, streamctx.Options{CollectText: true})
					if err != nil {
						return ExitError, err
					}
					snaps[i], names[i] = &c.snap, in.name
					return ExitOK, nil
				})
				if err != nil {
					return err
				}
			}
			d, err := diffSnapshots(snaps[0], snaps[1])
			if err != nil {
				return err
			}
			d.A, d.B = names[0], names[1]
			if o.json {
				err = d.writeJSON(env.Stdout)
			} else {
				err = d.writeText(env.Stdout)
			}
			if err != nil {
				return err
			}
			if d.Differ {
				return &exitError{code: ExitFailed}
			}
			return nil
		},
	}
	o.bind(c)
	c.Flags().BoolVar(&o.json, "json", false, "print the comparison as one JSON object")
	return c
}

// captureDiff is the comparison of two captures.
type captureDiff struct {
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

func diffSnapshots(a, b *streamctx.Snapshot) (*captureDiff, error) {
	am, err := summaryFields(a)
	if err != nil {
		return nil, err
	}
	bm, err := summaryFields(b)
	if err != nil {
		return nil, err
	}
	d := &captureDiff{DiffersIn: []string{}, Fields: []diffFieldJSON{}}
	for _, k := range diffKeys {
		av, bv := am[k.key], bm[k.key]
		if jsonEqual(av, bv) {
			continue
		}
		aspect := k.aspect
		matters := aspect != ""
		switch k.key {
		case "status":
			// "failed" also means incomplete: an error only when an
			// error field differs too.
			if sameErrors(a, b) {
				aspect = aspectCompletion
			}
		case "stop_reason":
			matters = a.Format == b.Format
		case "tool_calls":
			matters = !sameToolCalls(a.ToolCalls, b.ToolCalls)
		}
		d.Fields = append(d.Fields, diffFieldJSON{Key: k.key, A: av, B: bv, Matters: matters})
		if matters && !slices.Contains(d.DiffersIn, aspect) {
			d.DiffersIn = append(d.DiffersIn, aspect)
		}
	}
	d.Differ = len(d.DiffersIn) > 0
	return d, nil
}

// summaryFields returns the JSON summary of s as raw values by key.
func summaryFields(s *streamctx.Snapshot) (map[string]json.RawMessage, error) {
	var b bytes.Buffer
	if err := report.JSON(&b, s); err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	err := json.Unmarshal(b.Bytes(), &m)
	return m, err
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

func (d *captureDiff) writeText(w io.Writer) error {
	var sb strings.Builder
	if len(d.Fields) > 0 {
		fmt.Fprintf(&sb, "--- %s\n+++ %s\n", d.A, d.B)
	}
	for _, f := range d.Fields {
		fieldDiff{key: f.Key, a: f.A, b: f.B}.write(&sb)
	}
	switch {
	case d.Differ:
		fmt.Fprintf(&sb, "captures differ in %s\n", strings.Join(d.DiffersIn, ", "))
	case len(d.Fields) > 0:
		sb.WriteString("captures agree in usage, text, tool calls, completion and errors\n")
	default:
		sb.WriteString("captures agree\n")
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func (d *captureDiff) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}
