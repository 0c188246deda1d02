package sse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The conformance suite lives in testdata/conformance, one case per .txtar
// file, named after what it exercises. Each file has:
//
//	a comment: what the case checks and where it comes from (the WHATWG
//	    spec, or the web-platform-tests eventsource/format-* test it mirrors)
//	-- input --     the stream: one Go string literal per line, concatenated
//	                (so that CR, LF, NUL and invalid UTF-8 are explicit)
//	-- events --    one JSON object per event: "data" and "line" required;
//	                "type" (default "message"), "id" (default ""),
//	                "retry" (default -1), "incomplete" (default false),
//	                "data_lines" (checked only when given)
//	-- comments --  optional: one JSON object {"line", "text"} per comment
//	-- stats --     optional: a JSON object with some Stats fields
//
// Every case is scanned whole, one byte at a time, in half reads, with
// random splits and split in two at every byte; all must agree with the
// file and with the naive reference implementation in reference_test.go.

type conformanceCase struct {
	input     []byte
	events    []record
	dataLines map[int]int // event index -> expected DataLines
	comments  []comment   // nil: not checked
	stats     map[string]json.RawMessage
}

func TestConformance(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "conformance", "*.txtar"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc := loadConformanceCase(t, file)
			got := assertSameEverywhere(t, tc.input, 0)
			assert.Empty(t, got.Err)
			for i := range tc.events {
				if n, ok := tc.dataLines[i]; ok {
					tc.events[i].DataLines = n
				} else if i < len(got.Events) {
					tc.events[i].DataLines = got.Events[i].DataLines // not checked
				}
			}
			assert.Equal(t, tc.events, got.Events, "events")
			if tc.comments != nil {
				assert.Len(t, tc.comments, got.Stats.Comments, "comments")
			}
			assertStatsSubset(t, tc.stats, got.Stats)
			assertMatchesReference(t, tc.input, 0, got)
		})
	}
}

// loadConformanceCase reads one testdata/conformance file.
func loadConformanceCase(tb testing.TB, file string) conformanceCase {
	tb.Helper()
	ar, err := txtar.ParseFile(file)
	require.NoError(tb, err)
	sections := map[string][]byte{}
	for _, f := range ar.Files {
		_, dup := sections[f.Name]
		require.False(tb, dup, "%s: two %s sections", file, f.Name)
		sections[f.Name] = f.Data
	}
	var tc conformanceCase

	in, ok := sections["input"]
	require.True(tb, ok, "%s: no input section", file)
	for i, line := range nonEmptyLines(in) {
		s, err := strconv.Unquote(line)
		require.NoError(tb, err, "%s: input line %d is not a Go string literal: %s", file, i+1, line)
		tc.input = append(tc.input, s...)
	}

	evs, ok := sections["events"]
	require.True(tb, ok, "%s: no events section", file)
	tc.dataLines = map[int]int{}
	for i, line := range nonEmptyLines(evs) {
		var e struct {
			Type       *string `json:"type"`
			Data       *string `json:"data"`
			ID         string  `json:"id"`
			Retry      *int64  `json:"retry"`
			Line       int     `json:"line"`
			DataLines  *int    `json:"data_lines"`
			Incomplete bool    `json:"incomplete"`
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		require.NoError(tb, dec.Decode(&e), "%s: event %d", file, i+1)
		require.NotNil(tb, e.Data, "%s: event %d has no data", file, i+1)
		require.NotZero(tb, e.Line, "%s: event %d has no line", file, i+1)
		r := record{Type: "message", Data: *e.Data, ID: e.ID, Retry: -1, Line: e.Line, Incomplete: e.Incomplete}
		if e.Type != nil && *e.Type != "" {
			r.Type = *e.Type
		}
		if e.Retry != nil {
			r.Retry = *e.Retry
		}
		if e.DataLines != nil {
			tc.dataLines[i] = *e.DataLines
		}
		tc.events = append(tc.events, r)
	}

	if cs, ok := sections["comments"]; ok {
		tc.comments = []comment{}
		for i, line := range nonEmptyLines(cs) {
			var c struct {
				Line int    `json:"line"`
				Text string `json:"text"`
			}
			require.NoError(tb, json.Unmarshal([]byte(line), &c), "%s: comment %d", file, i+1)
			tc.comments = append(tc.comments, comment(c))
		}
	}

	if st, ok := sections["stats"]; ok {
		require.NoError(tb, json.Unmarshal(st, &tc.stats), "%s: stats", file)
	}
	for name := range sections {
		switch name {
		case "input", "events", "comments", "stats":
		default:
			require.Fail(tb, "unknown section", "%s: section %q", file, name)
		}
	}
	return tc
}

// assertStatsSubset asserts that the fields of got named in want have the
// values given there.
func assertStatsSubset(tb testing.TB, want map[string]json.RawMessage, got Stats) {
	tb.Helper()
	if len(want) == 0 {
		return
	}
	b, err := json.Marshal(got)
	require.NoError(tb, err)
	var gotFields map[string]json.RawMessage
	require.NoError(tb, json.Unmarshal(b, &gotFields))
	for k, v := range want {
		g, ok := gotFields[k]
		if assert.True(tb, ok, "no Stats field %q", k) {
			assert.JSONEq(tb, string(v), string(g), "Stats.%s", k)
		}
	}
}

func nonEmptyLines(b []byte) []string {
	var out []string
	for line := range strings.Lines(string(b)) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// TestConformanceStress runs the large cases of the suite, generated here
// rather than stored: whole, byte by byte and with random splits.
func TestConformanceStress(t *testing.T) {
	t.Parallel()
	mib := strings.Repeat("abcdefghijklmnopqrstuvwxyz012345", 1<<15) // 1 MiB
	var tiny, long strings.Builder
	var tinyWant []record
	for i := range 100_000 {
		fmt.Fprintf(&tiny, "data:%d\n\n", i)
		tinyWant = append(tinyWant, record{Type: "message", Data: strconv.Itoa(i), Retry: -1, Line: 2*i + 1, DataLines: 1})
	}
	long.WriteString("event: long\r\n")
	var longData strings.Builder
	for i := range 10_000 {
		fmt.Fprintf(&long, "data: line %d\r\n", i)
		if i > 0 {
			longData.WriteByte('\n')
		}
		fmt.Fprintf(&longData, "line %d", i)
	}
	long.WriteString("\r\n")

	for _, tc := range []struct {
		name string
		in   string
		want []record
	}{
		{"one_mib_line_lf", "data: " + mib + "\n\n", []record{msg(mib, 1, 1)}},
		{"one_mib_line_cr", "data: " + mib + "\r\r", []record{msg(mib, 1, 1)}},
		{"one_mib_line_unterminated", "data: " + mib, []record{{Type: "message", Data: mib, Retry: -1, Line: 1, DataLines: 1, Incomplete: true}}},
		{"one_mib_comment", ":" + mib + "\ndata: x\n\n", []record{msg("x", 1, 1)}},
		{"hundred_thousand_tiny_events", tiny.String(), tinyWant},
		{"ten_thousand_line_event_crlf", long.String(), []record{{Type: "long", Data: longData.String(), Retry: -1, Line: 1, DataLines: 10_000}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := []byte(tc.in)
			want := scanAll(t, bytes.NewReader(in), 0)
			require.Empty(t, want.Err)
			assert.Equal(t, tc.want, want.Events)
			for _, nr := range readersFor(in, 42, 3) {
				got := scanAll(t, nr.new(), 0)
				assertSameResult(t, want, got, nr.name)
			}
		})
	}
}
