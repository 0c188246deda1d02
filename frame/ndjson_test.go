package frame_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/sse"
)

// ndjsonLine is what the tests compare of one NDJSON event.
type ndjsonLine struct {
	Data       string
	Line       int
	Incomplete bool
}

// untimed is an sse.TimedReader over a plain reader.
type untimed struct{ r io.Reader }

func (u untimed) ReadTimed(p []byte) (int, time.Time, error) {
	n, err := u.r.Read(p)
	return n, time.Time{}, err
}

// frameNDJSON returns the lines of an NDJSON body read from r, and the
// error that ended them.
func frameNDJSON(r io.Reader, maxLine int) ([]ndjsonLine, frame.NDJSONStats, error) {
	body := frame.NewNDJSON(untimed{r}, 1)
	if maxLine > 0 {
		body.SetMaxLineSize(maxLine)
	}
	var got []ndjsonLine
	for ev, err := range body.Events() {
		if err != nil {
			return got, body.Stats(), err
		}
		got = append(got, ndjsonLine{string(ev.Data), ev.Line, ev.Incomplete})
	}
	return got, body.Stats(), nil
}

// TestNDJSON replays each case whole, one byte at a time and in halves.
func TestNDJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		max      int
		want     []ndjsonLine
		stats    frame.NDJSONStats
		err      string
	}{
		{name: "lines", in: "{\"a\":1}\n{\"b\":2}\n", want: []ndjsonLine{{`{"a":1}`, 1, false}, {`{"b":2}`, 2, false}}, stats: frame.NDJSONStats{Lines: 2}},
		{name: "crlf", in: "{\"a\":1}\r\n{\"b\":2}\r\n", want: []ndjsonLine{{`{"a":1}`, 1, false}, {`{"b":2}`, 2, false}}, stats: frame.NDJSONStats{Lines: 2, CRLFLines: 2}},
		{name: "lone_cr_is_not_a_line_end", in: "{\"a\":1}\r{\"b\":2}\n", want: []ndjsonLine{{"{\"a\":1}\r{\"b\":2}", 1, false}}, stats: frame.NDJSONStats{Lines: 1}},
		{name: "blank_lines_skipped", in: "\n{}\n \t\n\r\n{}\n", want: []ndjsonLine{{"{}", 2, false}, {"{}", 5, false}}, stats: frame.NDJSONStats{Lines: 5, BlankLines: 3, CRLFLines: 1}},
		{name: "last_line_without_lf", in: "{}\n{\"done\":true}", want: []ndjsonLine{{"{}", 1, false}, {`{"done":true}`, 2, true}}, stats: frame.NDJSONStats{Lines: 2}},
		{name: "last_line_blank_without_lf", in: "{}\n  ", want: []ndjsonLine{{"{}", 1, false}}, stats: frame.NDJSONStats{Lines: 2, BlankLines: 1}},
		{name: "invalid_utf8_replaced", in: "{\"a\":\"\xff\"}\n", want: []ndjsonLine{{"{\"a\":\"\uFFFD\"}", 1, false}}, stats: frame.NDJSONStats{Lines: 1}},
		{name: "not_json_handed_on", in: "hello\n", want: []ndjsonLine{{"hello", 1, false}}, stats: frame.NDJSONStats{Lines: 1}},
		{name: "empty"},
		{name: "line_at_the_cap", in: "{\"a\":1}\r\n", max: 7, want: []ndjsonLine{{`{"a":1}`, 1, false}}, stats: frame.NDJSONStats{Lines: 1, CRLFLines: 1}},
		{name: "line_over_the_cap", in: "{}\n{\"a\":12}\n{}\n", max: 7, want: []ndjsonLine{{"{}", 1, false}}, stats: frame.NDJSONStats{Lines: 1}, err: "line 2: line too long (over 7 bytes)"},
		{name: "last_line_over_the_cap", in: "{}\n{\"a\":12}", max: 7, want: []ndjsonLine{{"{}", 1, false}}, stats: frame.NDJSONStats{Lines: 1}, err: "line 2: line too long (over 7 bytes)"},
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one_byte": iotest.OneByteReader,
		"halves":   iotest.HalfReader,
	}
	for _, tc := range cases {
		for rname, wrap := range readers {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				t.Parallel()
				got, stats, err := frameNDJSON(wrap(strings.NewReader(tc.in)), tc.max)
				if tc.err != "" {
					require.EqualError(t, err, tc.err)
					require.ErrorIs(t, err, sse.ErrLineTooLong)
				} else {
					require.NoError(t, err)
				}
				assert.Equal(t, tc.want, got)
				assert.Equal(t, tc.stats, stats)
			})
		}
	}
}

// TestNDJSONTimes: each line is timed by the read that completed it.
func TestNDJSONTimes(t *testing.T) {
	t.Parallel()
	body := frame.NewNDJSON(&timedReads{chunks: []string{"{\"a\"", ":1}\n{}\n{", "}"}}, 3)
	var got []time.Duration
	var lines []int
	for ev, err := range body.Events() {
		require.NoError(t, err)
		got = append(got, ev.At.Sub(epoch))
		lines = append(lines, ev.Line)
	}
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{20 * ms, 20 * ms, 30 * ms}, got)
	assert.Equal(t, []int{3, 4, 5}, lines, "counted from the body's first line")
}

// TestNDJSONReadError: the lines before a read error are handed on, then
// the error.
func TestNDJSONReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	body := frame.NewNDJSON(&failing{r: bytes.NewReader([]byte("{}\n{\"a\"")), err: boom}, 1)
	var n int
	var last error
	for ev, err := range body.Events() {
		if err != nil {
			last = err
			break
		}
		assert.Equal(t, "{}", string(ev.Data))
		n++
	}
	assert.Equal(t, 1, n)
	require.ErrorIs(t, last, boom)
}

// TestDetectNDJSON: a body that starts with '{' is NDJSON when its first
// line is a whole JSON value followed by a line that starts with '{'.
func TestDetectNDJSON(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]frame.Kind{
		"{\"done\":false}\n{\"done\":true}\n":       frame.NDJSON,
		"{\"done\":false}\r\n\r\n{\"done\":true}":   frame.NDJSON,
		"\xef\xbb\xbf {}\n{":                        frame.NDJSON,
		"{\"error\":\"x\"}\n":                       frame.JSON, // one line: a JSON body
		"{\"error\":\"x\"}":                         frame.JSON,
		"{\n  \"a\": 1\n}\n{}\n":                    frame.JSON, // pretty-printed: one value over lines
		"{\"a\":1}\n[1]\n":                          frame.JSON,
		"{\"a\":1}\ndata: x\n":                      frame.JSON,
		"{" + strings.Repeat(" ", 5000) + "}\n{}\n": frame.JSON, // no line end in 4096 bytes
	} {
		assert.Equal(t, want, frame.Detect(&peeker{r: iotest.OneByteReader(strings.NewReader(in))}), "%q", in)
	}
	// On a live stream, Detect waits only for the first byte of the
	// second line.
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write([]byte("{\"done\":false}\n"))
		_, _ = pw.Write([]byte("{"))
	}()
	assert.Equal(t, frame.NDJSON, frame.Detect(&peeker{r: pr}))
	pw.Close()
}

// FuzzNDJSON: the lines of any input are the same whole and one byte at a
// time, and never longer than the cap.
func FuzzNDJSON(f *testing.F) {
	for _, s := range []string{
		"{\"a\":1}\n{\"b\":2}\n", "\r\n{}\r\n\n", "{}\n{\"done\":true}", "\xff\n\r\r\n", "",
		"{\"model\":\"m\",\"message\":{\"content\":\"x\"},\"done\":false}\n{\"done\":true,\"eval_count\":1}\n",
	} {
		f.Add([]byte(s), 16)
	}
	f.Fuzz(func(t *testing.T, in []byte, maxLine int) {
		maxLine = 1 + (maxLine&0xffff)%64
		whole, ws, werr := frameNDJSON(bytes.NewReader(in), maxLine)
		bytewise, bs, berr := frameNDJSON(iotest.OneByteReader(bytes.NewReader(in)), maxLine)
		assert.Equal(t, whole, bytewise)
		assert.Equal(t, ws, bs)
		assert.Equal(t, werr == nil, berr == nil)
		for _, l := range whole {
			assert.LessOrEqual(t, len(strings.TrimSuffix(l.Data, "\r")), 3*maxLine, "a line over the cap (U+FFFD may triple an invalid byte)")
		}
	})
}
