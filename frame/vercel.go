package frame

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"
	"unicode/utf8"

	"github.com/sseinspect/sseinspect/sse"
)

// A VercelLines frames the Vercel AI SDK data-stream protocol (AI SDK
// 3.x/4.x, response header "X-Vercel-AI-Data-Stream: v1"): one part per
// line, "CODE:JSON" with CODE a one-character part code ("0" text, "9"
// tool call, "d" finish message...) and JSON its value, each line ended by
// "\n" (formatDataStreamPart in @ai-sdk/ui-utils). Each line is an event:
// Type the code (the bytes before the first ':'), Data the value after it,
// DataLines 1. A line without ':' is an event with no Type and the whole
// line as Data, for the parser to report.
//
// Lines end at LF, as in the SDK's own reader (processDataStream splits on
// "\n" and skips empty lines); a CR before the LF is dropped, so a body with
// CRLF line ends gives the same events. A lone CR ends no line. Blank lines
// are skipped. A final line without its LF is an event flagged Incomplete
// (the SDK's reader parses it too).
//
// Memory: one line may be as long as the cap set by SetMaxSize; beyond it,
// Events ends with an *sse.LineError wrapping sse.ErrLineTooLong. Results
// do not depend on how the body is split into reads.
type VercelLines struct {
	r     sse.TimedReader
	line  int // the line number of the last line read
	max   int
	buf   []byte
	start int // the start of the unconsumed bytes of buf
	at    time.Time
	eof   bool
	err   error
	ev    sse.Event
	stats LineStats
}

// LineStats tells what a VercelLines saw.
type LineStats struct {
	// Lines is the number of lines read, blank ones included.
	Lines int
	// CRLFLines counts the lines that ended with CRLF.
	CRLFLines int
	// InvalidUTF8 counts the invalid UTF-8 bytes, each replaced by
	// U+FFFD.
	InvalidUTF8 int
}

// NewVercelLines returns the framing of the data stream read from r, whose
// first line is line line of the capture.
func NewVercelLines(r sse.TimedReader, line int) *VercelLines {
	return &VercelLines{r: r, line: line - 1, max: sse.DefaultMaxLineSize}
}

// SetMaxSize sets the cap on the length of one line, in bytes
// (sse.DefaultMaxLineSize by default). It must be called before Events;
// n < 1 panics.
func (v *VercelLines) SetMaxSize(n int) {
	if n < 1 {
		panic("frame: SetMaxSize: cap must be at least 1")
	}
	v.max = n
}

// Stats returns what the framing saw so far.
func (v *VercelLines) Stats() LineStats { return v.stats }

// Events yields the parts of the body, in order, each borrowed until the
// next: Line its line in the capture, At the arrival time of the read that
// brought its LF (or of the end of input, for an Incomplete final line).
// A read error ends the sequence with (nil, err) after the lines before
// it; a line over the cap with (nil, *sse.LineError).
func (v *VercelLines) Events() iter.Seq2[*sse.Event, error] {
	return func(yield func(*sse.Event, error) bool) {
		for {
			line, incomplete, ok, err := v.next()
			if err != nil {
				yield(nil, err)
				return
			}
			if !ok {
				return
			}
			if len(line) == 0 {
				continue
			}
			if !yield(v.event(line, incomplete), nil) {
				return
			}
		}
	}
}

// next returns the next line without its terminator, and whether the end
// of input ended it; ok is false at the end of input. Bytes are read only when no LF is left in the buffer, so
// the LF of a line came with the last read, whose time is v.at.
func (v *VercelLines) next() (line []byte, incomplete, ok bool, err error) {
	for {
		rest := v.buf[v.start:]
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i]
			crlf := i > 0 && line[i-1] == '\r'
			if crlf {
				line = line[:i-1]
			}
			if len(line) > v.max {
				return nil, false, false, v.tooLong()
			}
			v.start += i + 1
			v.stats.Lines++
			v.line++
			if crlf {
				v.stats.CRLFLines++
			}
			return line, false, true, nil
		}
		if len(rest) > v.max+1 || len(rest) == v.max+1 && rest[v.max] != '\r' {
			return nil, false, false, v.tooLong()
		}
		if v.eof {
			if len(rest) == 0 {
				return nil, false, false, v.err
			}
			v.start = len(v.buf)
			v.stats.Lines++
			v.line++
			return bytes.TrimSuffix(rest, []byte("\r")), true, true, nil
		}
		v.fill()
	}
}

// fill reads once more into the buffer, moving the unconsumed bytes to its
// start first.
func (v *VercelLines) fill() {
	if v.start > 0 {
		n := copy(v.buf, v.buf[v.start:])
		v.buf = v.buf[:n]
		v.start = 0
	}
	if cap(v.buf)-len(v.buf) < 4096 {
		v.buf = append(v.buf, make([]byte, max(4096, len(v.buf)))...)[:len(v.buf)]
	}
	room := v.buf[len(v.buf):cap(v.buf)]
	room = room[:min(len(room), v.max+2)] // never hold much more than a line over the cap
	n, at, err := v.r.ReadTimed(room)
	v.buf = v.buf[:len(v.buf)+n]
	if n > 0 || err != nil {
		v.at = at
	}
	switch {
	case errors.Is(err, io.EOF):
		v.eof = true
	case err != nil:
		v.eof, v.err = true, err
	}
}

// tooLong is the error of a line over the cap.
func (v *VercelLines) tooLong() error {
	return &sse.LineError{Line: v.line + 1, Err: fmt.Errorf("%w (over %d bytes)", sse.ErrLineTooLong, v.max)}
}

// event makes the event of a non-empty line.
func (v *VercelLines) event(line []byte, incomplete bool) *sse.Event {
	if !utf8.Valid(line) {
		for b := line; len(b) > 0; {
			r, n := utf8.DecodeRune(b)
			if r == utf8.RuneError && n == 1 {
				v.stats.InvalidUTF8++
			}
			b = b[n:]
		}
		line = validUTF8(line)
	}
	v.ev = sse.Event{Data: line, Retry: -1, Line: v.line, DataLines: 1, At: v.at, Incomplete: incomplete}
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		v.ev.Type, v.ev.Data = line[:i], line[i+1:]
	}
	return &v.ev
}

// isVercelLine reports whether b (the start of a body, without BOM and
// leading white space) begins a data-stream part: a part code (a digit or
// a lower-case letter), ':' and the first byte of a JSON value. No SSE
// field has a one-character name, so an event stream never starts so.
func isVercelLine(b []byte) bool {
	if len(b) < 3 || b[1] != ':' || !isPartCode(b[0]) {
		return false
	}
	switch v := b[2]; v {
	case '"', '{', '[', '-', 't', 'f', 'n':
		return true
	default:
		return '0' <= v && v <= '9'
	}
}

// mayBeVercelLine reports whether b, shorter than isVercelLine needs, may
// be the start of a data-stream part.
func mayBeVercelLine(b []byte) bool {
	return len(b) > 0 && len(b) < 3 && isPartCode(b[0]) && (len(b) < 2 || b[1] == ':')
}

func isPartCode(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' }
