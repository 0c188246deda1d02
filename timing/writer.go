package timing

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrClosed is returned by Writer methods called after Close.
var ErrClosed = errors.New("timing: writer closed")

// ErrLineTooLong is the error (wrapped) of a Writer whose line being
// received grew past its cap (SetMaxLineSize).
var ErrLineTooLong = errors.New("line too long")

// A Writer writes a timed capture of a stream that arrives in reads: call
// Append with the bytes of each read and its arrival time, then Close with
// the time the stream ended. Each call writes to the underlying writer at
// most once, the complete lines it can (see the package doc); the line being
// received is kept until it is complete.
//
// Times are offsets from the start time given to NewWriter, truncated to
// microseconds. A Writer is not safe for concurrent use.
//
// Memory: the Writer holds the line being received, up to the cap set by
// SetMaxLineSize plus the bytes of one Append, and copies the complete lines
// of one Append once.
type Writer struct {
	w       io.Writer
	start   time.Time
	began   bool   // the header is written
	pending []byte // the incomplete line (it may end with a CR waiting for LF)
	out     []byte // what this call writes
	lastT   int64  // the last time written, in microseconds
	haveT   bool
	lastAt  int64 // arrival of the last non-empty Append, in microseconds
	closed  bool
	err     error
	maxLine int   // the cap on the line being received; 0: none
	lineNo  int64 // the number of complete original lines written
}

// NewWriter returns a Writer of a timed capture to w, whose times are offsets
// from start. Nothing is written before the first Append or Close.
func NewWriter(w io.Writer, start time.Time) *Writer {
	return &Writer{w: w, start: start}
}

// SetMaxLineSize caps the length of one original line (in bytes, line
// terminator excluded), so that the Writer's memory stays bounded: when the
// line being received grows past n bytes, Append drops it and fails with an
// error wrapping ErrLineTooLong, and the capture ends with the lines before
// it, without its end line (a reader sees a recording cut short, see
// Reader.Truncated). n <= 0 removes the cap (the default).
func (w *Writer) SetMaxLineSize(n int) { w.maxLine = max(n, 0) }

// Append records p, the bytes of one read, as arriving at offset at from the
// start. p is not retained. An error (the underlying writer's, or a line
// over the cap) is returned again by every later call.
func (w *Writer) Append(p []byte, at time.Duration) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return ErrClosed
	}
	if len(p) == 0 {
		return nil
	}
	us := at.Microseconds()
	w.lastAt = us
	// Only the new bytes, and a CR held at the end of the old ones, can
	// end a line: searching from there keeps a long line arriving in many
	// reads linear.
	from := max(len(w.pending)-1, 0)
	w.grow(len(p))
	w.pending = append(w.pending, p...)
	w.out = w.out[:0]
	if !w.began {
		if len(w.pending) < len(bom) && bytes.HasPrefix(bom, w.pending) {
			return nil // is it a BOM? wait for more
		}
		w.header(us)
		from = 0
	}
	if len(w.pending) == 0 {
		return w.flush() // it was only the BOM
	}
	// The complete lines end at the last line terminator, except a CR at
	// the very end, which may be the first half of a CRLF.
	e := len(w.pending)
	if w.pending[e-1] == '\r' {
		e--
	}
	if i := bytes.LastIndexAny(w.pending[from:e], "\r\n"); i >= 0 {
		cut := from + i + 1
		w.stamp(us, false)
		long := w.lines(w.pending[:cut])
		w.pending = w.pending[:copy(w.pending, w.pending[cut:])]
		if long {
			return w.tooLong()
		}
	}
	if err := w.flush(); err != nil {
		return err
	}
	if w.maxLine > 0 && len(bytes.TrimSuffix(w.pending, []byte("\r"))) > w.maxLine {
		return w.tooLong() // a final CR is the end of the line, not part of it
	}
	return nil
}

// grow makes room for n more bytes in the line being received: doubling
// (append grows large slices by a quarter, which allocates five times the
// final size in all), but never past what the cap lets a line reach, so
// that a line over the cap costs about twice the cap in all.
func (w *Writer) grow(n int) {
	need := len(w.pending) + n
	if need <= cap(w.pending) {
		return
	}
	size := max(2*cap(w.pending), need, 4096)
	if w.maxLine > 0 {
		size = min(size, max(need, w.maxLine+n+1))
	}
	b := make([]byte, len(w.pending), size)
	copy(b, w.pending)
	w.pending = b
}

// tooLong fails the Writer on the line after the ones written: the lines
// before it are written, the line and the rest are dropped.
func (w *Writer) tooLong() error {
	w.pending = nil
	if err := w.flush(); err != nil {
		return err
	}
	w.err = fmt.Errorf("line %d: %w (over %d bytes): the capture ends before it", w.lineNo+1, ErrLineTooLong, w.maxLine)
	return w.err
}

// Close ends the capture: the incomplete line, if any, is written (a final
// CR ends a line; bytes after the last line terminator are written after a
// "noeol" time line), then the end line with offset at. Close does not close
// the underlying writer. Calling Close again does nothing.
func (w *Writer) Close(at time.Duration) error { return w.CloseCut(at, "") }

// CloseCut is Close for a stream that was cut off before its end: the end
// line says by whom, "cut=<by>" (by is a word: client, upstream, proxy),
// and Reader.Cut returns it. An empty by is Close.
func (w *Writer) CloseCut(at time.Duration, by string) error {
	if by != "" && !isWord(by) {
		return fmt.Errorf("timing: cut=%q: not a word", by)
	}
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	w.closed = true
	w.out = w.out[:0]
	if !w.began {
		w.header(w.lastAt) // pending holds at most a piece of a BOM
	}
	if n := len(w.pending); n > 0 {
		if w.pending[n-1] == '\r' {
			w.stamp(w.lastAt, false)
			w.lines(w.pending)
		} else {
			w.stamp(w.lastAt, true)
			w.lines(w.pending)
			w.out = append(w.out, '\n')
		}
		w.pending = w.pending[:0]
	}
	w.out = append(w.out, endPrefix...)
	w.out = appendMs(w.out, at.Microseconds())
	if by != "" {
		w.out = append(w.out, " cut="...)
		w.out = append(w.out, by...)
	}
	w.out = append(w.out, '\n')
	return w.flush()
}

// isWord reports whether s is made of ASCII letters, digits, '-' and '_'.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		word := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
		if !word {
			return false
		}
	}
	return s != ""
}

// header writes the header line, after the original's BOM when it has one
// (which is then followed by its time, us).
func (w *Writer) header(us int64) {
	w.began = true
	hasBOM := bytes.HasPrefix(w.pending, bom)
	if hasBOM {
		w.out = append(w.out, bom...)
		w.pending = w.pending[:copy(w.pending, w.pending[len(bom):])]
	}
	w.out = append(w.out, headerPrefix...)
	w.out = append(w.out, Version...)
	w.out = append(w.out, " start="...)
	w.out = w.start.UTC().AppendFormat(w.out, time.RFC3339Nano)
	w.out = append(w.out, '\n')
	if hasBOM {
		w.stamp(us, false)
	}
}

// stamp writes a time line when the time differs from the last one written,
// or always for a noeol line.
func (w *Writer) stamp(us int64, noeol bool) {
	if us < 0 {
		us = 0
	}
	if w.haveT && us == w.lastT && !noeol {
		return
	}
	w.haveT, w.lastT = true, us
	w.out = append(w.out, timePrefix...)
	w.out = appendMs(w.out, us)
	if noeol {
		w.out = append(w.out, " noeol"...)
	}
	w.out = append(w.out, '\n')
}

// lines writes complete original lines (or the final line without its
// terminator), escaping those that begin with the format's prefix. It
// stops before a line over the cap, and then reports true.
func (w *Writer) lines(b []byte) (tooLong bool) {
	for len(b) > 0 {
		n := bytes.IndexAny(b, "\r\n") + 1
		if n == 0 {
			n = len(b)
		} else if w.maxLine > 0 && n-1 > w.maxLine {
			return true
		} else if b[n-1] == '\r' && n < len(b) && b[n] == '\n' {
			n++
		}
		w.lineNo++
		if bytes.HasPrefix(b, []byte(prefix)) {
			w.out = append(w.out, escPrefix...)
		}
		w.out = append(w.out, b[:n]...)
		b = b[n:]
	}
	return false
}

func (w *Writer) flush() error {
	if len(w.out) == 0 {
		return nil
	}
	_, err := w.w.Write(w.out)
	w.out = w.out[:0]
	if err != nil {
		w.err = err
	}
	return err
}
