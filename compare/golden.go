package compare

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/sseinspect/sseinspect/streamctx"
)

// timingKeys are the JSON summary keys that Golden leaves out unless asked
// to compare timing: they differ on every live run.
var timingKeys = []string{"ttfb_ms", "ttft_ms", "total_ms", "latency"}

// GoldenSnapshot returns s as its golden file holds it: with timing, as it
// is; without, with ttfb_ms, ttft_ms and total_ms null.
func GoldenSnapshot(s *streamctx.Snapshot, timing bool) streamctx.Snapshot {
	c := *s
	if !timing {
		c.TTFBMs, c.TTFTMs, c.TotalMs = nil, nil, nil
	}
	return c
}

// Golden compares s with golden, the contents of its golden file (a JSON
// summary object, indented or not), and returns the keys whose values
// differ: those of s in the order of the JSON summary, then the keys only
// the golden file has, sorted; none when they agree. Without timing,
// ttfb_ms, ttft_ms, total_ms and latency are left out. A golden value is equal when it is the same
// JSON value, however it is spaced or escaped. The error says that golden
// is not a JSON object (null counts as an empty one).
func Golden(golden []byte, s *streamctx.Snapshot, timing bool) ([]Field, error) {
	var want map[string]json.RawMessage
	if err := json.Unmarshal(golden, &want); err != nil {
		return nil, fmt.Errorf("not a JSON summary: %w", err)
	}
	var fields []Field
	seen := make(map[string]bool, len(want))
	for _, f := range summaryFields(s) {
		seen[f.key] = true
		if !timing && slices.Contains(timingKeys, f.key) {
			continue
		}
		got, err := encode(f.value)
		if err != nil {
			return nil, err
		}
		w, ok := want[f.key]
		if ok && jsonEqual(w, got) {
			continue
		}
		fd := Field{Key: f.key, A: compact(w), B: got, Matters: true}
		if slices.Contains(lineDiffKeys, f.key) && f.value.Kind() == reflect.String {
			var ws string
			if ok && json.Unmarshal(w, &ws) == nil {
				fd.Text = &TextPair{A: ws, B: f.value.String()}
			}
		}
		fields = append(fields, fd)
	}
	var extra []string
	for k := range want {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		if !timing && slices.Contains(timingKeys, k) {
			continue
		}
		fields = append(fields, Field{Key: k, A: compact(want[k]), Matters: true})
	}
	return fields, nil
}
