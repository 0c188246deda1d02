package frame

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/sseinspect/sseinspect/sse"
)

// An NDJSONBody frames newline-delimited JSON (application/x-ndjson, the
// framing of Ollama's native API): each line that is not blank is an
// event, its Data the line without its line ending. A line ends with LF
// (CRLF too: the CR is dropped); a lone CR is not a line ending. Whether
// a line is JSON is the wire format's business: the framing hands on
// every line as it is.
//
// Results do not depend on how the input is split into reads. Memory: one
// line may be as long as the cap set by SetMaxLineSize; beyond it, Events
// ends with an *sse.LineError wrapping sse.ErrLineTooLong. A last line
// without its LF is handed on, flagged Incomplete.
type NDJSONBody struct {
	r     sse.TimedReader
	max   int
	first int // the capture's line number of the body's first line
	buf   []byte
	ev    sse.Event
	stats NDJSONStats
}

// NDJSONStats counts what the framing tolerated.
type NDJSONStats struct {
	Lines      int // lines read, blank ones included
	BlankLines int // blank (or white-space-only) lines, skipped
	CRLFLines  int // lines that end with CRLF
}

// NewNDJSON returns the framing of the NDJSON body read from r, whose first
// line is line line of the capture.
func NewNDJSON(r sse.TimedReader, line int) *NDJSONBody {
	return &NDJSONBody{r: r, max: sse.DefaultMaxLineSize, first: line}
}

// SetMaxLineSize sets the cap on the length of one line, in bytes
// (sse.DefaultMaxLineSize by default). It must be called before Events;
// n < 1 panics.
func (b *NDJSONBody) SetMaxLineSize(n int) {
	if n < 1 {
		panic("frame: SetMaxLineSize: cap must be at least 1")
	}
	b.max = n
}

// Stats returns what the framing saw so far.
func (b *NDJSONBody) Stats() NDJSONStats { return b.stats }

// ndjsonRead is the size of one read.
const ndjsonRead = 32 << 10

// Events yields the lines of the body that are not blank, each as an event
// borrowed until the next: Data the line (valid UTF-8: invalid bytes are
// replaced by U+FFFD), Line its line number in the capture, DataLines 1,
// Retry -1, At the arrival of the read that completed it. A read error
// ends the sequence with (nil, err) after the lines before it; a line over
// the cap with (nil, *sse.LineError).
func (b *NDJSONBody) Events() iter.Seq2[*sse.Event, error] {
	return func(yield func(*sse.Event, error) bool) {
		line := b.first
		var at time.Time
		start := 0 // where the unscanned part of buf starts
		for {
			// Hand on every complete line in buf.
			for {
				i := bytes.IndexByte(b.buf[start:], '\n')
				if i < 0 {
					break
				}
				l := b.buf[start : start+i]
				start += i + 1
				if len(bytes.TrimSuffix(l, []byte{'\r'})) > b.max {
					yield(nil, b.tooLong(line))
					return
				}
				ev := b.event(l, line, at, false)
				line++
				if ev != nil && !yield(ev, nil) {
					return
				}
			}
			// Keep the partial line only.
			n := copy(b.buf, b.buf[start:])
			b.buf, start = b.buf[:n], 0
			if len(b.buf) > b.max+1 { // +1: its CR may yet be dropped
				yield(nil, b.tooLong(line))
				return
			}
			b.grow()
			k, t, err := b.r.ReadTimed(b.buf[len(b.buf):cap(b.buf)])
			if k > 0 {
				b.buf = b.buf[:len(b.buf)+k]
				at = t
			}
			if err == nil {
				continue
			}
			if !errors.Is(err, io.EOF) {
				yield(nil, err)
				return
			}
			// The end: a last line without its LF.
			if bytes.IndexByte(b.buf, '\n') >= 0 {
				continue // read to the end with k > 0: scan it first
			}
			if len(b.buf) > 0 {
				if len(b.buf) > b.max {
					yield(nil, b.tooLong(line))
					return
				}
				if ev := b.event(b.buf, line, at, true); ev != nil {
					yield(ev, nil)
				}
			}
			return
		}
	}
}

// grow makes room for a read at the end of buf: the buffer doubles, never
// past the cap and one read, so that a line over the cap costs about twice
// the cap (append's growth by a quarter would cost five times).
func (b *NDJSONBody) grow() {
	if cap(b.buf)-len(b.buf) >= ndjsonRead/4 {
		return
	}
	n := max(2*cap(b.buf), ndjsonRead)
	n = min(n, b.max+1+ndjsonRead)
	n = max(n, len(b.buf)+ndjsonRead/4)
	nb := make([]byte, len(b.buf), n)
	copy(nb, b.buf)
	b.buf = nb
}

// event makes the event of one line (without its LF), or returns nil for
// a blank line.
func (b *NDJSONBody) event(l []byte, line int, at time.Time, incomplete bool) *sse.Event {
	b.stats.Lines++
	if !incomplete && len(l) > 0 && l[len(l)-1] == '\r' {
		l = l[:len(l)-1]
		b.stats.CRLFLines++
	}
	if len(bytes.TrimSpace(l)) == 0 {
		b.stats.BlankLines++
		return nil
	}
	b.ev = sse.Event{Data: validUTF8(l), Retry: -1, Line: line, DataLines: 1, At: at, Incomplete: incomplete}
	return &b.ev
}

func (b *NDJSONBody) tooLong(line int) error {
	return &sse.LineError{Line: line, Err: fmt.Errorf("%w (over %d bytes)", sse.ErrLineTooLong, b.max)}
}
