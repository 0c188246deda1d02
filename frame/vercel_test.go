package frame_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/sse"
)

// part is an event of a data stream, as the tests compare it.
type part struct {
	Code, Value string
	Line        int
	Incomplete  bool
	At          time.Duration
}

// frameVercel returns the parts of a data stream read in timed chunks, and
// the error that ended them.
func frameVercel(maxSize int, chunks ...string) ([]part, frame.LineStats, error) {
	v := frame.NewVercelLines(&timedReads{chunks: chunks}, 3)
	if maxSize > 0 {
		v.SetMaxSize(maxSize)
	}
	var parts []part
	for ev, err := range v.Events() {
		if err != nil {
			return parts, v.Stats(), err
		}
		parts = append(parts, part{string(ev.Type), string(ev.Data), ev.Line, ev.Incomplete, ev.At.Sub(epoch)})
	}
	return parts, v.Stats(), nil
}

// TestVercelLines: one part per LF-ended line, code before the first ':',
// timed by the read that brought its LF; blank lines skipped, CR before LF
// dropped, a final line without LF incomplete.
func TestVercelLines(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	parts, st, err := frameVercel(0, "f:{\"messageId\":\"m\"}\n0:\"a", "b\"\r\n\n0:\"x:y\"\n", "no colon\n\xff:1\nd:{}")
	require.NoError(t, err)
	assert.Equal(t, []part{
		{"f", `{"messageId":"m"}`, 3, false, 10 * ms},
		{"0", `"ab"`, 4, false, 20 * ms},
		{"0", `"x:y"`, 6, false, 20 * ms},
		{"", "no colon", 7, false, 30 * ms},
		{"\uFFFD", "1", 8, false, 30 * ms},
		{"d", "{}", 9, true, 40 * ms}, // the end of input's time
	}, parts)
	assert.Equal(t, frame.LineStats{Lines: 7, CRLFLines: 1, InvalidUTF8: 1}, st)

	parts, _, err = frameVercel(0, "0:\"a\"\r")
	require.NoError(t, err)
	assert.Equal(t, []part{{"0", `"a"`, 3, true, 20 * ms}}, parts, "a CR at the end of input is dropped too")

	parts, _, err = frameVercel(0, "0:\"a\rb\"\n")
	require.NoError(t, err)
	assert.Equal(t, []part{{"0", "\"a\rb\"", 3, false, 10 * ms}}, parts, "a lone CR ends no line")
}

// TestVercelLinesCap: a line over the cap ends the parts with a
// *sse.LineError at its line, after the lines before it.
func TestVercelLinesCap(t *testing.T) {
	t.Parallel()
	for _, chunks := range [][]string{
		{"0:\"ab\"\n0:\"abcdef\"\n"},
		{"0:\"ab\"\n0:\"abc", "def\"\n"},
		{"0:\"ab\"\n0:\"abcdef\""}, // no LF: the end of input does not help
	} {
		parts, _, err := frameVercel(8, chunks...)
		var le *sse.LineError
		require.ErrorAs(t, err, &le, "%q", chunks)
		require.ErrorIs(t, err, sse.ErrLineTooLong)
		assert.Equal(t, 4, le.Line)
		assert.Len(t, parts, 1)
	}
	parts, _, err := frameVercel(8, "0:\"abcd\"\r\n")
	require.NoError(t, err, "8 bytes and CRLF: at the cap")
	assert.Len(t, parts, 1)
}

// TestVercelLinesReadError: a read error ends the parts after those that
// arrived; the line it cut is not handed out.
func TestVercelLinesReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	v := frame.NewVercelLines(&failing{r: strings.NewReader("0:\"a\"\n0:\"b"), err: boom}, 1)
	var got []string
	var last error
	for ev, err := range v.Events() {
		if err != nil {
			last = err
			break
		}
		got = append(got, string(ev.Data))
	}
	require.ErrorIs(t, last, boom)
	assert.Equal(t, []string{`"a"`, `"b`}, got, "what arrived before the error is read, the cut line flagged")
}

// TestDetectVercelData: a body whose first line starts with a part code,
// ':' and a JSON value is a data stream; nothing else is.
func TestDetectVercelData(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]frame.Kind{
		"0:\"Hello\"\n":             frame.VercelData,
		"f:{\"messageId\":\"m\"}\n": frame.VercelData,
		"\xef\xbb\xbf\n3:\"x\"":     frame.VercelData,
		"8:[{}]":                    frame.VercelData,
		"2:12":                      frame.VercelData,
		"d:":                        frame.SSE, // no value
		"d:x":                       frame.SSE,
		"0":                         frame.SSE,
		"data: 0:\"x\"\n\n":         frame.SSE,
		"e:{}":                      frame.VercelData,
		"E:{}":                      frame.SSE, // codes are lower case
		"id: 1\n\n":                 frame.SSE,
		": comment\n":               frame.SSE,
		"{\"a\":1}":                 frame.JSON,
	} {
		assert.Equal(t, want, frame.Detect(&peeker{r: iotest.OneByteReader(strings.NewReader(in))}), "%q", in)
	}
}

// FuzzVercelLines: the parts do not depend on how the body is split into
// reads, and every part but the last ends a line.
func FuzzVercelLines(f *testing.F) {
	f.Add([]byte("f:{\"messageId\":\"m\"}\n0:\"a\"\r\n\n9:{}\nno colon\nd:{\"finishReason\":\"stop\"}"), uint8(7))
	f.Add([]byte("0:\"\xff\"\r\r\n\n\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		read := func(chunks ...string) string {
			v := frame.NewVercelLines(&timedReads{chunks: chunks}, 1)
			v.SetMaxSize(64)
			var b strings.Builder
			for ev, err := range v.Events() {
				if err != nil {
					fmt.Fprintf(&b, "error %v\n", err)
					break
				}
				fmt.Fprintf(&b, "%d %q %q %v\n", ev.Line, ev.Type, ev.Data, ev.Incomplete)
				assert.False(t, bytes.ContainsAny(ev.Data, "\n"))
			}
			return b.String()
		}
		whole := read(string(data))
		var bytewise []string
		for _, c := range data {
			bytewise = append(bytewise, string([]byte{c}))
		}
		assert.Equal(t, whole, read(bytewise...), "one byte at a time")
		k := int(split) % (len(data) + 1)
		assert.Equal(t, whole, read(string(data[:k]), string(data[k:])), "split at %d", k)
	})
}
