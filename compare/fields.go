// Package compare compares stream snapshots: a snapshot with its golden
// file (Golden), two snapshots with each other (Captures), a snapshot with
// assertions (Check). Values go in and verdicts come out; package report
// renders them, and the caller decides what they mean for an exit status.
package compare

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/sseinspect/sseinspect/streamctx"
)

// Field is one key of the JSON summary whose values differ.
type Field struct {
	Key string
	// A and B are the values as JSON (compact), nil where the key is
	// missing: A is the golden file's or the first capture's, B the
	// second capture's or the one compared with the golden file.
	A, B json.RawMessage
	// Matters says that the difference makes the captures differ (see
	// Captures); Golden sets it on every field.
	Matters bool
	// Text, for a text key (text, thinking) whose values are strings on
	// both sides, holds them, to be shown as a line diff.
	Text *TextPair
}

// TextPair is the two values of a text key.
type TextPair struct{ A, B string }

// lineDiffKeys are the keys whose string values are shown as a line diff.
var lineDiffKeys = []string{"text", "thinking"}

// summaryField is one key of the JSON summary and its value.
type summaryField struct {
	key   string
	value reflect.Value
}

// summaryFields returns the keys of the JSON summary of s, in order, with
// their values (the fields of streamctx.Snapshot by their json tags). A
// snapshot taken with streamctx.Options.TextParts has its text and
// thinking joined.
func summaryFields(s *streamctx.Snapshot) []summaryField {
	if s.TextParts != nil || s.ThinkingParts != nil {
		c := *s
		if s.TextParts != nil {
			c.Text = strings.Join(s.TextParts, "")
		}
		if s.ThinkingParts != nil {
			c.Thinking = strings.Join(s.ThinkingParts, "")
		}
		s = &c
	}
	v := reflect.ValueOf(s).Elem()
	t := v.Type()
	fields := make([]summaryField, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields = append(fields, summaryField{key: name, value: v.Field(i)})
	}
	return fields
}

// encode returns v as compact JSON, without HTML escaping, as the JSON
// summary shows it.
func encode(v reflect.Value) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v.Interface()); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// jsonEqual reports whether two JSON values are equal: byte for byte once
// compacted, else as decoded values (a hand-edited golden file may escape
// differently).
func jsonEqual(a, b json.RawMessage) bool {
	if bytes.Equal(compact(a), compact(b)) {
		return true
	}
	var av, bv any
	da := json.NewDecoder(bytes.NewReader(a))
	da.UseNumber()
	db := json.NewDecoder(bytes.NewReader(b))
	db.UseNumber()
	if da.Decode(&av) != nil || db.Decode(&bv) != nil {
		return false
	}
	return reflect.DeepEqual(av, bv)
}

// compact returns v without insignificant white space, or as it is when it
// is not valid JSON.
func compact(v json.RawMessage) json.RawMessage {
	if v == nil {
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return v
	}
	return b.Bytes()
}
