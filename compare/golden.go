package compare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"

	"github.com/sseinspect/sseinspect/streamctx"
)

// timingKeys are the JSON summary keys that Golden leaves out unless asked
// to compare timing: they differ on every live run. latency.provider is
// not among them: it is what the stream reported, the same on every run.
var timingKeys = []string{"ttfb_ms", "ttft_ms", "total_ms", "latency", "latency.itl_ms"}

// sourceKey is the key Golden never compares: the path a capture was read
// from is not what it holds.
const sourceKey = "source"

// costKey is the key Golden compares only when a side holds a provider
// cost (providerCost): a cost estimated from a price table, or unknown,
// depends on the table (the embedded snapshot of the sseinspect version,
// or --prices), not on the capture.
const costKey = "cost"

// NewKeys are the keys of the JSON summary that came after the first
// version of its schema (v1), in order: a golden file written before them
// does not hold them, and Golden reports them as new instead of as
// differences. latency.provider and latency.itl_ms are members of latency.
var NewKeys = []string{
	"usage_details", "cost", "server_tool_calls", "citations", "tokenizer", "source",
	"latency.provider", "latency.itl_ms",
}

// latencyMembers are the members of latency that Golden compares as keys
// of their own ("latency.provider"), so that a golden without them (or
// compared without timing) still compares the rest.
var latencyMembers = []string{"provider", "itl_ms"}

// GoldenSnapshot returns s as its golden file holds it: with timing, as it
// is; without, with ttfb_ms, ttft_ms and total_ms null. Its source is the
// base name of the capture's path, which Golden does not compare.
func GoldenSnapshot(s *streamctx.Snapshot, timing bool) streamctx.Snapshot {
	c := *s
	if !timing {
		c.TTFBMs, c.TTFTMs, c.TotalMs = nil, nil, nil
	}
	if c.Source != "" && c.Source != "-" {
		c.Source = filepath.Base(c.Source)
	}
	return c
}

// GoldenResult is what Golden found.
type GoldenResult struct {
	// Fields are the keys whose values differ: those of the summary in
	// its order, then the keys only the golden file has, sorted; none
	// when they agree.
	Fields []Field
	// New are the keys of NewKeys that the golden file does not hold
	// (it was written by an earlier version): not compared, and not a
	// difference. golden --update adds them.
	New []string
}

// Golden compares s with golden, the contents of its golden file (a JSON
// summary object, indented or not). Without timing, ttfb_ms, ttft_ms,
// total_ms and latency (but for latency.provider) are left out; source is
// never compared; cost is compared only when one side holds a provider
// cost (source "provider"), since a price-table estimate changes with the
// table, not with the capture. A golden value is equal when it is the same
// JSON value, however it is spaced or escaped. The error says that golden
// is not a JSON object (null counts as an empty one).
func Golden(golden []byte, s *streamctx.Snapshot, timing bool) (GoldenResult, error) {
	var res GoldenResult
	var want map[string]json.RawMessage
	if err := json.Unmarshal(golden, &want); err != nil {
		return res, fmt.Errorf("not a JSON summary: %w", err)
	}
	if err := splitLatency(want); err != nil {
		return res, err
	}
	got, err := goldenValues(s)
	if err != nil {
		return res, err
	}
	seen := make(map[string]bool, len(want))
	for _, f := range got {
		seen[f.key] = true
		w, ok := want[f.key]
		switch {
		case f.key == sourceKey:
			continue
		case !timing && slices.Contains(timingKeys, f.key):
			continue
		case !ok && slices.Contains(NewKeys, f.key):
			res.New = append(res.New, f.key)
			continue
		case ok && jsonEqual(w, f.json):
			continue
		case f.key == costKey && !providerCost(w) && !providerCost(f.json):
			continue
		}
		fd := Field{Key: f.key, A: compact(w), B: f.json, Matters: true}
		if slices.Contains(lineDiffKeys, f.key) && f.value.Kind() == reflect.String {
			var ws string
			if ok && json.Unmarshal(w, &ws) == nil {
				fd.Text = &TextPair{A: ws, B: f.value.String()}
			}
		}
		res.Fields = append(res.Fields, fd)
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
		res.Fields = append(res.Fields, Field{Key: k, A: compact(want[k]), Matters: true})
	}
	return res, nil
}

// providerCost reports whether cost, a cost object, holds a cost the
// stream reported (source "provider").
func providerCost(cost json.RawMessage) bool {
	var c struct{ Source *string }
	return json.Unmarshal(cost, &c) == nil && c.Source != nil && *c.Source == "provider"
}

// goldenValue is one key of the summary as Golden compares it.
type goldenValue struct {
	key   string
	value reflect.Value
	json  json.RawMessage
}

// goldenValues returns the keys of the JSON summary of s in order, with
// latency.provider and latency.itl_ms split from latency, right after it.
func goldenValues(s *streamctx.Snapshot) ([]goldenValue, error) {
	var out []goldenValue
	for _, f := range summaryFields(s) {
		if f.key == "latency" {
			parts, err := latencyValues(s.Latency)
			if err != nil {
				return nil, err
			}
			out = append(out, parts...)
			continue
		}
		b, err := encode(f.value)
		if err != nil {
			return nil, err
		}
		out = append(out, goldenValue{key: f.key, value: f.value, json: b})
	}
	return out, nil
}

// splitLatency moves the members latencyMembers of the golden's latency
// object to keys of their own ("latency.provider"); what is left stays
// latency, in its order, and compares with the summary's latency without
// them.
func splitLatency(want map[string]json.RawMessage) error {
	raw, ok := want["latency"]
	if !ok {
		return nil
	}
	members, ok := objectMembers(raw)
	if !ok {
		return nil // not an object: it differs, as it is
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for _, m := range members {
		if slices.Contains(latencyMembers, m.key) {
			want["latency."+m.key] = m.value
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(compact(m.value))
	}
	b.WriteByte('}')
	want["latency"] = b.Bytes()
	return nil
}

// member is one member of a JSON object.
type member struct {
	key   string
	value json.RawMessage
}

// objectMembers returns the members of a JSON object in order, and false
// when raw is not one.
func objectMembers(raw json.RawMessage) ([]member, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var out []member
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		out = append(out, member{key: t.(string), value: v})
	}
	return out, true
}

// latencyValues returns latency without latencyMembers, then each of them.
func latencyValues(l streamctx.Latency) ([]goldenValue, error) {
	whole, err := encode(reflect.ValueOf(l))
	if err != nil {
		return nil, err
	}
	want := map[string]json.RawMessage{"latency": whole}
	if err := splitLatency(want); err != nil {
		return nil, err
	}
	out := []goldenValue{{key: "latency", value: reflect.ValueOf(l), json: want["latency"]}}
	for _, m := range latencyMembers {
		k := "latency." + m
		out = append(out, goldenValue{key: k, value: reflect.ValueOf(want[k]), json: want[k]})
	}
	return out, nil
}
