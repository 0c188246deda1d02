package sse

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// This file holds a second, deliberately naive implementation of the
// algorithm, written straight from the spec text: decode the whole input with
// the WHATWG UTF-8 decoder's state machine, then walk the code points one by
// one. It shares no code with Scanner; tests and the fuzz target compare the
// two.

// refRune is one decoded code point and the input bytes it came from.
type refRune struct {
	r    rune
	from int // byte offset of the first byte in the input
}

// refDecode is the "UTF-8 decoder" of the WHATWG Encoding Standard, as
// written there (bytes needed, bytes seen, lower and upper boundary), with
// error mode "replacement". It also returns how many U+FFFD it emitted for
// errors.
func refDecode(in []byte) (out []refRune, errs int) {
	var cp rune
	needed, seen := 0, 0
	lower, upper := byte(0x80), byte(0xBF)
	start := 0
	for i := 0; i <= len(in); i++ {
		if i == len(in) {
			if needed != 0 {
				out = append(out, refRune{0xFFFD, start})
				errs++
			}
			break
		}
		b := in[i]
		if needed == 0 {
			start = i
			switch {
			case b <= 0x7F:
				out = append(out, refRune{rune(b), i})
			case b >= 0xC2 && b <= 0xDF:
				needed, cp = 1, rune(b&0x1F)
			case b >= 0xE0 && b <= 0xEF:
				if b == 0xE0 {
					lower = 0xA0
				}
				if b == 0xED {
					upper = 0x9F
				}
				needed, cp = 2, rune(b&0xF)
			case b >= 0xF0 && b <= 0xF4:
				if b == 0xF0 {
					lower = 0x90
				}
				if b == 0xF4 {
					upper = 0x8F
				}
				needed, cp = 3, rune(b&0x7)
			default:
				out = append(out, refRune{0xFFFD, i})
				errs++
			}
			continue
		}
		if b < lower || b > upper {
			cp, needed, seen = 0, 0, 0
			lower, upper = 0x80, 0xBF
			out = append(out, refRune{0xFFFD, start})
			errs++
			i-- // prepend the byte to the stream
			continue
		}
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(b&0x3F)
		seen++
		if seen == needed {
			out = append(out, refRune{cp, start})
			cp, needed, seen = 0, 0, 0
		}
	}
	return out, errs
}

// refParse parses in as the spec says, plus the scanner's extensions
// (incomplete final event, caps). errLine is the line of a cap error, or 0.
func refParse(in []byte, maxLine int) (events []record, comments []comment, stats Stats, errLine int) {
	if maxLine <= 0 {
		maxLine = DefaultMaxLineSize
	}
	if strings.HasPrefix(string(in), "\xEF\xBB\xBF") {
		in = in[3:]
		stats.BOM = true
	}
	runes, errs := refDecode(in)
	stats.InvalidUTF8 = errs

	var (
		dataBuf   strings.Builder
		typeBuf   string
		lastID    string
		retry     int64 = -1
		dataLines int
		evLine    int
		lineNo    int
	)
	dispatch := func(incomplete bool) {
		data := dataBuf.String()
		typ := typeBuf
		if typ == "" {
			typ = "message"
		}
		events = append(events, record{
			Type: typ,
			// Remove the last character of the data buffer (a LF).
			Data:       data[:len(data)-1],
			ID:         lastID,
			Retry:      retry,
			Line:       evLine,
			DataLines:  dataLines,
			Incomplete: incomplete,
		})
		stats.Events++
	}
	// process handles one line; it returns false on a cap error.
	process := func(line string) bool {
		lineNo++
		if line == "" {
			defer func() { evLine = 0 }()
			if dataLines == 0 {
				stats.EmptyEvents++
				typeBuf = ""
				return true
			}
			dispatch(false)
			dataBuf.Reset()
			typeBuf = ""
			dataLines = 0
			return true
		}
		if evLine == 0 {
			evLine = lineNo
		}
		if line[0] == ':' {
			stats.Comments++
			comments = append(comments, comment{lineNo, line[1:]})
			return true
		}
		name, value, found := strings.Cut(line, ":")
		spaced := true
		if found {
			if strings.HasPrefix(value, " ") {
				value = value[1:]
			} else if value != "" {
				spaced = false
			}
		} else {
			stats.NoColonLines++
		}
		switch name {
		case "event":
			typeBuf = value
		case "data":
			dataBuf.WriteString(value)
			dataBuf.WriteByte('\n')
			dataLines++
			if dataBuf.Len()-1 > maxLine {
				errLine = lineNo
				return false
			}
		case "id":
			if strings.ContainsRune(value, 0) {
				stats.IgnoredIDs++
			} else {
				lastID = value
			}
		case "retry":
			ok := value != ""
			var n int64
			for _, c := range value {
				if c < '0' || c > '9' {
					ok = false
					break
				}
				if n > (math.MaxInt64-int64(c-'0'))/10 {
					n = math.MaxInt64
				} else {
					n = n*10 + int64(c-'0')
				}
			}
			if ok {
				retry = n
			} else {
				stats.InvalidRetry++
			}
		default:
			stats.UnknownFields++
			return true
		}
		if !spaced {
			stats.NoSpaceFields++
		}
		return true
	}

	var line []rune
	lineStart := 0 // byte offset of the line in in
	text := func() string { return string(line) }
	for i := 0; i < len(runes); i++ {
		c := runes[i]
		if c.r != '\r' && c.r != '\n' {
			line = append(line, c.r)
			continue
		}
		if c.from-lineStart > maxLine {
			return events, comments, stats, lineNo + 1
		}
		switch {
		case c.r == '\n':
			stats.LFLines++
		case i+1 < len(runes) && runes[i+1].r == '\n':
			stats.CRLFLines++
			i++
		default:
			stats.CRLines++
		}
		if !process(text()) {
			return events, comments, stats, errLine
		}
		line = line[:0]
		lineStart = runes[i].from + 1
	}
	if len(line) > 0 {
		if len(in)-lineStart > maxLine {
			return events, comments, stats, lineNo + 1
		}
		if !process(text()) {
			return events, comments, stats, errLine
		}
	}
	if dataLines > 0 {
		dispatch(true)
	}
	stats.Lines = lineNo
	return events, comments, stats, 0
}

// assertMatchesReference asserts that got, the scanner's result for in,
// agrees with refParse.
func assertMatchesReference(tb testing.TB, in []byte, maxLine int, got result) bool {
	tb.Helper()
	events, comments, stats, errLine := refParse(in, maxLine)
	ok := assert.Equal(tb, events, got.Events, "events") &&
		assert.Len(tb, comments, got.Stats.Comments, "comments")
	if errLine != 0 {
		return ok && assert.Contains(tb, got.Err, fmt.Sprintf("line %d: line too long", errLine))
	}
	return ok && assert.Empty(tb, got.Err) &&
		assert.Equal(tb, stats, got.Stats, "stats")
}

func TestRefDecodeMaximalSubparts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"\xF0\x9F\x98A", "\uFFFDA"},
		{"\xC0\x80", "\uFFFD\uFFFD"},
		{"\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xE2\x82", "\uFFFD"},
		{"\xF4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"a\xFFb", "a\uFFFDb"},
		{"€😀", "€😀"},
	} {
		runes, _ := refDecode([]byte(tc.in))
		var got []rune
		for _, r := range runes {
			got = append(got, r.r)
		}
		assert.Equal(t, tc.want, string(got), "%q", tc.in)
	}
}
