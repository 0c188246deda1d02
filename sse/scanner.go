package sse

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The read buffer starts at minBufSize and doubles up to readBufSize while
// reads fill it (a file, a fast pipe), so that scanning a small stream or a
// trickling live one costs little memory. Beyond readBufSize, it grows only
// to hold a line longer than it.
const (
	minBufSize  = 4 << 10
	readBufSize = 64 << 10
)

// maxEmptyReads is how many consecutive (0, nil) reads a Scanner tolerates
// before it fails with io.ErrNoProgress, as bufio does.
const maxEmptyReads = 100

// bom is the UTF-8 encoding of U+FEFF, stripped once at the start.
var bom = []byte{0xEF, 0xBB, 0xBF}

// errInvalidRead reports a reader that returned a count out of range.
var errInvalidRead = errors.New("sse: reader returned an invalid count")

// Stats counts what a Scanner has seen so far, in particular the ways in
// which the stream departs from the canonical "field: value\n" form that the
// spec tolerates. The counts are the same however the input is split into
// reads, once the input has been read to its end (while scanning, a CR at the
// end of one read counts in CRLines until the next byte shows it is part of a
// CRLF).
type Stats struct {
	// Lines is the number of lines consumed (a final line without a line
	// terminator included). Right after Scan returns an event, it is the
	// line number of the blank line that dispatched it (or of the last
	// line, for an incomplete final event).
	Lines int
	// Events is the number of events dispatched, the incomplete final one
	// included.
	Events int
	// Comments is the number of comment lines (lines starting with ':').
	Comments int
	// LFLines, CRLFLines and CRLines count how each line ended; a final
	// line ended by the end of input counts in none of them.
	LFLines, CRLFLines, CRLines int
	// BOM reports whether a leading byte order mark was stripped.
	BOM bool
	// NoSpaceFields counts known fields (data, event, id, retry) written
	// "name:value", with a non-empty value and no space after the colon.
	NoSpaceFields int
	// NoColonLines counts non-empty, non-comment lines without a colon (the
	// whole line is a field name with an empty value).
	NoColonLines int
	// UnknownFields counts fields other than data, event, id and retry,
	// which the spec ignores: every line that is neither a known field nor
	// a comment, once (a line without a colon too, when its whole line is
	// not a known name; NoColonLines counts it as well).
	UnknownFields int
	// IgnoredIDs counts id fields ignored because their value contains NUL.
	IgnoredIDs int
	// InvalidRetry counts retry fields ignored because their value is empty
	// or not all ASCII digits.
	InvalidRetry int
	// InvalidUTF8 counts the invalid byte sequences (maximal subparts, as
	// the WHATWG UTF-8 decoder defines them) replaced by U+FFFD.
	InvalidUTF8 int
	// EmptyEvents counts blank lines that dispatched nothing because the
	// data buffer was empty (for example the blank line after a lone
	// "event: ping", or a second blank line in a row).
	EmptyEvents int
}

// A Scanner reads an event stream and hands out its events one at a time,
// following the WHATWG HTML algorithm for parsing and interpreting an event
// stream:
//
//   - CRLF, LF and a lone CR each end a line, also when the CR and the LF of
//     a CRLF arrive in different reads; one leading byte order mark is
//     stripped.
//   - The stream is decoded as UTF-8; each invalid byte sequence (maximal
//     subpart) is replaced by U+FFFD, exactly as the WHATWG UTF-8 decoder
//     does. Type, Data, ID and comment text are therefore always valid UTF-8.
//   - A line starting with ':' is a comment. Other lines are fields: the
//     name runs up to the first ':', the value is the rest with one leading
//     space removed; a line without ':' is a name with an empty value.
//     "data" appends the value and a LF to the data buffer, "event" sets the
//     type, "id" sets the last event ID unless the value contains NUL,
//     "retry" sets the reconnection time if the value is all ASCII digits;
//     other names are ignored.
//   - A blank line dispatches the event if the data buffer is not empty
//     (one trailing LF removed) and resets the data and type buffers; the
//     last event ID and reconnection time persist.
//
// The scanner departs from the spec in one way: at the end of input, an event
// whose data buffer is not empty (its blank line never came) is handed out
// with Incomplete set instead of being discarded. A final line without a line
// terminator is processed as a line first.
//
// Limits: a line may be as long as the cap set by SetMaxLineSize
// (DefaultMaxLineSize by default); so may the Data of one event. Beyond it,
// scanning stops with a *LineError wrapping ErrLineTooLong.
//
// Memory: the Scanner keeps one read buffer (64 KiB, or up to twice the
// longest line seen when that is longer, never much more than the cap) and
// one data buffer that holds the largest multi-line event seen. In steady state, Scan allocates nothing: the Data of an event made of
// one data line is a slice of the read buffer, other events are assembled in
// the reusable data buffer, and the ID string is allocated only when an id
// field changes the last event ID.
//
// A Scanner is not safe for concurrent use.
type Scanner struct {
	r       io.Reader
	tr      TimedReader // r, when it is one
	at      time.Time   // the arrival time of the last read
	maxLine int
	buf     []byte // read buffer; buf[pos:end] is unconsumed input
	bufLent bool   // buf is the caller's (ResumeBytes), never written to
	pos     int
	end     int

	lf, cr finder // cached searches for line terminators in buf[pos:end]

	started  bool // Scan has been called
	bomDone  bool // the leading BOM question is settled
	skipLF   bool // the last line ended with a CR at the end of the buffer
	eof      bool // the reader returned io.EOF
	readFull bool // the last read filled the buffer
	done     bool // Scan will return false from now on
	readErr  error
	err      error
	line     int
	line0    int // lines before the first one read (Resume)
	evLine   int // line of the first line of the pending event, 0 if none
	ev       Event
	stats    Stats
	lastID   string
	retry    int64
	typ      []byte // event type buffer
	// typLen is the length of the value of the last event field, which
	// the type buffer's array still holds after a dispatch (repeatedType).
	typLen   int
	data     []byte // data buffer (values joined by LF, no trailing LF)
	nData    int    // data fields in the pending event
	borrowed bool   // the only data line so far is buf[bStart:bEnd]
	evInBuf  bool   // the current event's Data is a slice of buf
	bStart   int
	bEnd     int
	scratch  []byte // a line decoded with U+FFFD replacements

	// validUpto: buf[start:validUpto] is known to be valid UTF-8, where
	// start is the start of the line being processed, when validUpto >
	// start. Validating the buffer in large spans rather than line by line
	// saves the per-call overhead on short lines.
	validUpto int
}

// finder caches the position of the next occurrence of one byte in the read
// buffer, so that a stream that never (or rarely) uses one of CR and LF is
// still searched in linear time.
type finder struct {
	at   int // index of the next occurrence, or -1: none in [.., upto)
	upto int
}

// NewScanner returns a Scanner that reads from r with the cap on line and
// event data length set to DefaultMaxLineSize. When r is also a
// TimedReader, the Scanner reads through ReadTimed and times its events.
func NewScanner(r io.Reader) *Scanner {
	s := &Scanner{}
	s.reset(r)
	return s
}

// reset makes s scan r from the start, keeping its buffers and cap.
func (s *Scanner) reset(r io.Reader) {
	maxLine := s.maxLine
	buf, typ, data, scratch := s.buf, s.typ[:0], s.data[:0], s.scratch[:0]
	if s.bufLent {
		buf = nil
	}
	if maxLine == 0 {
		maxLine = DefaultMaxLineSize
	}
	tr, _ := r.(TimedReader)
	*s = Scanner{
		r:       r,
		tr:      tr,
		maxLine: maxLine,
		buf:     buf,
		lf:      finder{at: -1},
		cr:      finder{at: -1},
		retry:   -1,
		typ:     typ,
		data:    data,
		scratch: scratch,
	}
}

// SetMaxLineSize sets the cap on the length of one line (in bytes, line
// terminator excluded) and on the length of the Data of one event (after
// UTF-8 replacement). It must be called before the first call to Scan and
// panics otherwise, or if n < 1. The read buffer grows up to about this size
// only if the stream has lines that long.
func (s *Scanner) SetMaxLineSize(n int) {
	if s.started {
		panic("sse: SetMaxLineSize called after Scan")
	}
	if n < 1 {
		panic("sse: SetMaxLineSize: cap must be at least 1")
	}
	s.maxLine = n
}

// Scan advances the Scanner to the next dispatched event, which Event then
// returns. It returns false when the input ends (after handing out a final
// incomplete event, if any) or when scanning fails; Err tells which.
// Once Scan has returned false, it always does.
//
// Scan reads from the reader only when the bytes it holds contain no whole
// line, so on a live stream an event is returned as soon as its blank line
// has arrived (a final CR is not held back waiting for a possible LF), and
// the line terminator that dispatches an event is always in the last read:
// the event's At is that read's arrival time.
func (s *Scanner) Scan() bool {
	s.started = true
	if s.done {
		return false
	}
	for {
		if s.pos < s.end {
			if s.skipLF {
				s.skipLF = false
				if s.buf[s.pos] == '\n' {
					s.pos++
					s.stats.CRLines--
					s.stats.CRLFLines++
					continue
				}
			}
			if !s.bomDone && !s.checkBOM() {
				if err := s.fill(); err != nil {
					return s.fail(err)
				}
				continue
			}
			if s.lines() {
				return true
			}
			if s.err != nil {
				return false
			}
			if e := s.lineEnd(); e >= 0 {
				if e-s.pos > s.maxLine {
					return s.fail(s.tooLong(s.line+1, "line"))
				}
				dispatched := s.processLine(s.buf[s.pos:e], s.pos)
				if s.err != nil {
					// Consumed up to the end of the failing line, not
					// its line end, which may not be all there.
					s.pos = e
					return false
				}
				if s.buf[e] == '\n' {
					s.pos = e + 1
					s.stats.LFLines++
				} else if e+1 < s.end {
					if s.buf[e+1] == '\n' {
						s.pos = e + 2
						s.stats.CRLFLines++
					} else {
						s.pos = e + 1
						s.stats.CRLines++
					}
				} else {
					s.pos = e + 1
					s.stats.CRLines++
					s.skipLF = true
				}
				if dispatched {
					return true
				}
				continue
			}
			if s.end-s.pos > s.maxLine {
				return s.fail(s.tooLong(s.line+1, "line"))
			}
		}
		if s.eof || s.readErr != nil {
			break
		}
		if err := s.fill(); err != nil {
			return s.fail(err)
		}
	}
	if s.readErr != nil {
		return s.fail(&LineError{Line: s.line + 1, Err: s.readErr})
	}
	// End of input.
	s.done = true
	if s.pos < s.end {
		line, start := s.buf[s.pos:s.end], s.pos
		s.pos = s.end
		s.processLine(line, start)
		if s.err != nil {
			return false
		}
	}
	if s.nData > 0 {
		s.dispatch()
		s.ev.Incomplete = true
		return true
	}
	return false
}

// lines is the fast path of Scan. It processes the lines at the start of
// buf[pos:end] in a tight loop for as long as each is whole in the buffer
// (ended by LF, or by CRLF with both bytes there), within the cap, and valid
// UTF-8, which is the case of nearly every line of a real stream: it handles
// "data: " and "event: " fields and blank lines itself and hands other lines
// to processLine. It stops at the first line it leaves to the general loop of
// Scan (the last line of the buffer, a lone CR or a CR at the end of the
// buffer, a line over the cap or with invalid UTF-8), with s.pos at the start
// of that line. It returns true when a blank line dispatched an event; on an
// error, it returns false with s.err set.
func (s *Scanner) lines() bool {
	buf := s.buf[:s.end]
	pos := s.pos
	for pos < len(buf) {
		// Find the line end e, and next, the start of the next line.
		var e, next int
		crlf := false
		switch buf[pos] {
		case '\n':
			// A blank line, the usual end of an event, handled here in
			// full: at the join after this switch, the values live in the
			// loop are reloaded from the stack (the other cases call), a
			// cost that the most frequent lines skip (this one, a repeated
			// event type and an event's data line).
			s.line++
			s.stats.LFLines++
			pos++
			if s.nData == 0 {
				s.evLine = 0
				s.stats.EmptyEvents++
				s.typ = s.typ[:0]
				continue
			}
			s.dispatch()
			s.pos = pos
			return true
		case '\r':
			if pos+1 >= len(buf) || buf[pos+1] != '\n' {
				s.pos = pos
				return false
			}
			e, next, crlf = pos, pos+2, true
		default:
			if e := s.repeatedType(buf, pos); e > 0 {
				// Handled in full (see the blank line).
				s.line++
				if s.evLine == 0 {
					s.evLine = s.line
				}
				s.typ = s.typ[:s.typLen]
				s.stats.LFLines++
				pos = e + 1
				continue
			}
			lf := s.lf.find(buf, pos, len(buf), '\n')
			if lf < 0 {
				s.pos = pos
				return false
			}
			e, next = lf, lf+1
			// The CR finder knows that there is no CR up to cr.upto, the
			// usual case when the stream ends its lines with LF alone.
			if s.cr.at >= 0 || s.cr.upto < lf {
				if cr := s.cr.find(buf, pos, len(buf), '\r'); cr >= 0 && cr < lf {
					if cr != lf-1 {
						s.pos = pos
						return false
					}
					e, crlf = cr, true
				}
			}
			if e-pos > s.maxLine {
				s.pos = pos
				return false
			}
			if e > s.validUpto {
				s.validate(pos)
				if e > s.validUpto {
					s.pos = pos
					return false
				}
			}
			if e-pos >= 6 && string(buf[pos:pos+6]) == "data: " && s.nData == 0 {
				// An event's data line, handled in full (see the blank
				// line).
				s.line++
				if s.evLine == 0 {
					s.evLine = s.line
				}
				s.nData = 1
				s.borrowed = true
				s.bStart, s.bEnd = pos+6, e
				if crlf {
					s.stats.CRLFLines++
				} else {
					s.stats.LFLines++
				}
				pos = next
				continue
			}
		}
		line := buf[pos:e]
		dispatched := false
		switch {
		case len(line) == 0:
			s.line++
			if s.nData == 0 {
				s.evLine = 0
				s.stats.EmptyEvents++
				s.typ = s.typ[:0]
			} else {
				s.dispatch()
				dispatched = true
			}
		case len(line) >= 7 && string(line[:7]) == "event: ":
			s.line++
			if s.evLine == 0 {
				s.evLine = s.line
			}
			s.typ = append(s.typ[:0], line[7:]...)
			s.typLen = len(s.typ)
		default:
			dispatched = s.processLine(line, pos)
			if s.err != nil {
				s.pos = e
				return false
			}
		}
		if crlf {
			s.stats.CRLFLines++
		} else {
			s.stats.LFLines++
		}
		pos = next
		if dispatched {
			s.pos = pos
			return true
		}
	}
	s.pos = pos
	return false
}

// repeatedType returns the end of the line at pos when it is "event: "
// followed by the value of the last event field and a LF, else -1. Most
// streams that name their events repeat one type event after event: such
// a line needs no search for its end, and no checks (its value passed them
// when it was first read).
func (s *Scanner) repeatedType(buf []byte, pos int) int {
	const field = "event: "
	n := s.typLen
	e := pos + len(field) + n
	if n == 0 || e >= len(buf) || buf[e] != '\n' || e-pos > s.maxLine ||
		string(buf[pos:pos+len(field)]) != field || string(buf[pos+len(field):e]) != string(s.typ[:n]) {
		return -1
	}
	return e
}

// checkBOM strips a leading BOM. It returns false when more input is needed
// to decide.
func (s *Scanner) checkBOM() bool {
	p := s.buf[s.pos:s.end]
	if len(p) < len(bom) && bytes.HasPrefix(bom, p) && !s.eof && s.readErr == nil {
		return false
	}
	s.bomDone = true
	if bytes.HasPrefix(p, bom) {
		s.pos += len(bom)
		s.stats.BOM = true
	}
	return true
}

// lineEnd returns the index in buf of the first CR or LF in buf[pos:end],
// or -1 if there is none.
func (s *Scanner) lineEnd() int {
	lf := s.lf.find(s.buf, s.pos, s.end, '\n')
	cr := s.cr.find(s.buf, s.pos, s.end, '\r')
	if cr >= 0 && (lf < 0 || cr < lf) {
		return cr
	}
	return lf
}

// find returns the index of the first c in buf[pos:end], or -1, searching
// each byte of the buffer at most once however often it is called.
func (f *finder) find(buf []byte, pos, end int, c byte) int {
	if f.at >= pos {
		return f.at
	}
	from := pos
	if f.at < 0 && f.upto > from {
		from = f.upto
	}
	if i := bytes.IndexByte(buf[from:end], c); i >= 0 {
		f.at = from + i
		return f.at
	}
	f.at, f.upto = -1, end
	return -1
}

// shift adjusts f after the buffer contents moved k bytes to the front,
// with pos the new start of unconsumed input.
func (f *finder) shift(k, pos int) {
	if f.at >= 0 {
		f.at -= k
		if f.at < pos {
			f.at, f.upto = -1, 0
		}
		return
	}
	f.upto = max(f.upto-k, 0)
}

// fill reads more input into the buffer, making room first: it moves the
// unconsumed bytes to the front, or grows the buffer when they fill it.
// It records io.EOF and read errors in s.eof and s.readErr; it returns an
// error only when the reader makes no progress.
func (s *Scanner) fill() error {
	if s.buf == nil {
		s.buf = make([]byte, minBufSize)
	}
	if s.pos > 0 {
		s.compact()
	}
	switch {
	case s.end == len(s.buf):
		// The unconsumed part is one partial line that fills the buffer.
		// Scan has checked that it is at most maxLine bytes long, so that
		// the buffer does grow.
		s.grow(min(len(s.buf)*2, s.maxLine+2))
	case s.readFull && len(s.buf) < readBufSize:
		s.grow(min(len(s.buf)*2, readBufSize))
	}
	for range maxEmptyReads {
		n, err := s.read(s.buf[s.end:])
		if n < 0 || n > len(s.buf)-s.end {
			return &LineError{Line: s.line + 1, Err: errInvalidRead}
		}
		s.readFull = s.end+n == len(s.buf)
		s.end += n
		if errors.Is(err, io.EOF) {
			s.eof = true
			return nil
		}
		if err != nil {
			s.readErr = err
			return nil
		}
		if n > 0 {
			return nil
		}
	}
	return &LineError{Line: s.line + 1, Err: io.ErrNoProgress}
}

// read reads once from the reader, keeping the arrival time of what it
// returns.
func (s *Scanner) read(p []byte) (int, error) {
	if s.tr == nil {
		return s.r.Read(p)
	}
	n, at, err := s.tr.ReadTimed(p)
	if n > 0 || err != nil {
		s.at = at
	}
	return n, err
}

// grow replaces the read buffer by a larger one of size n.
func (s *Scanner) grow(n int) {
	nb := make([]byte, n)
	copy(nb, s.buf[:s.end])
	s.buf = nb
}

// compact moves buf[pos:end] to the front of the buffer. A borrowed data
// line of the pending event is copied to the data buffer first.
func (s *Scanner) compact() {
	if s.borrowed {
		s.data = append(s.data[:0], s.buf[s.bStart:s.bEnd]...)
		s.borrowed = false
	}
	k := s.pos
	copy(s.buf, s.buf[k:s.end])
	s.end -= k
	s.pos = 0
	s.lf.shift(k, 0)
	s.cr.shift(k, 0)
	s.validUpto = max(s.validUpto-k, 0)
}

// processLine interprets one line (terminator removed) that starts at index
// start of the read buffer. It returns true when the line dispatched an event.
func (s *Scanner) processLine(line []byte, start int) bool {
	s.line++
	if len(line) == 0 {
		if s.nData == 0 {
			s.evLine = 0
			s.stats.EmptyEvents++
			s.typ = s.typ[:0]
			return false
		}
		s.dispatch()
		return true
	}
	if s.evLine == 0 {
		s.evLine = s.line
	}
	inBuf := true
	if end := start + len(line); end > s.validUpto {
		s.validate(start)
		if end > s.validUpto {
			line = s.decode(line)
			inBuf = false
		}
	}
	if line[0] == ':' {
		s.stats.Comments++
		return false
	}
	var name, value []byte
	colon := indexColon(line)
	spaced := true
	if colon < 0 {
		name = line
		s.stats.NoColonLines++
	} else {
		name, value = line[:colon], line[colon+1:]
		if len(value) > 0 {
			if value[0] == ' ' {
				value = value[1:]
			} else {
				spaced = false
			}
		}
	}
	switch string(name) {
	case "data":
		s.nData++
		if s.nData == 1 {
			if inBuf {
				s.borrowed = true
				s.bEnd = start + len(line)
				s.bStart = s.bEnd - len(value)
			} else {
				s.data = append(s.data[:0], value...)
			}
		} else {
			if s.borrowed {
				s.data = append(s.data[:0], s.buf[s.bStart:s.bEnd]...)
				s.borrowed = false
			}
			if len(s.data)+1+len(value) > s.maxLine {
				s.fail(s.tooLong(s.line, "data of the event starting at line "+strconv.Itoa(s.evLine)))
				return false
			}
			s.data = append(s.data, '\n')
			s.data = append(s.data, value...)
		}
		if !inBuf && len(s.data) > s.maxLine {
			// Only a decoded single line can get here: U+FFFD is longer
			// than the bytes it replaces.
			s.fail(s.tooLong(s.line, "data of the event starting at line "+strconv.Itoa(s.evLine)))
			return false
		}
	case "event":
		s.typ = append(s.typ[:0], value...)
		s.typLen = len(s.typ)
	case "id":
		if bytes.IndexByte(value, 0) >= 0 {
			s.stats.IgnoredIDs++
		} else if string(value) != s.lastID {
			s.lastID = string(value)
		}
	case "retry":
		if ms, ok := parseRetry(value); ok {
			s.retry = ms
		} else {
			s.stats.InvalidRetry++
		}
	default:
		s.stats.UnknownFields++
		return false
	}
	if !spaced {
		s.stats.NoSpaceFields++
	}
	return false
}

// indexColon returns the index of the first ':' in line, or -1. Field names
// are short: a plain loop finds the colon faster than the vectorised search,
// which takes over for a long line without one.
func indexColon(line []byte) int {
	n := min(len(line), 16)
	for i, c := range line[:n] {
		if c == ':' {
			return i
		}
	}
	if n == len(line) {
		return -1
	}
	if i := bytes.IndexByte(line[n:], ':'); i >= 0 {
		return n + i
	}
	return -1
}

// dispatch sets s.ev from the pending event and resets the event buffers.
func (s *Scanner) dispatch() {
	data := s.data
	s.evInBuf = s.borrowed
	if s.borrowed {
		data = s.buf[s.bStart:s.bEnd]
		s.borrowed = false
	}
	ev := &s.ev
	ev.Type = s.typ
	ev.Data = data
	ev.ID = s.lastID
	ev.Retry = s.retry
	ev.Line = s.evLine
	ev.DataLines = s.nData
	ev.Incomplete = false
	ev.At = s.at
	s.stats.Events++
	s.typ = s.typ[:0]
	s.data = s.data[:0]
	s.nData = 0
	s.evLine = 0
}

// parseRetry parses a retry value: one or more ASCII digits, in base ten.
// Values beyond math.MaxInt64 saturate.
func parseRetry(v []byte) (int64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			n = math.MaxInt64
		} else {
			n = n*10 + d
		}
	}
	return n, true
}

// decode returns line with each invalid UTF-8 sequence replaced by U+FFFD as
// the WHATWG UTF-8 decoder does, in the scanner's scratch buffer.
func (s *Scanner) decode(line []byte) []byte {
	out := s.scratch[:0]
	for i := 0; i < len(line); {
		if line[i] < utf8.RuneSelf {
			out = append(out, line[i])
			i++
			continue
		}
		r, n := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && n == 1 {
			n = maximalSubpart(line[i:])
			out = utf8.AppendRune(out, utf8.RuneError)
			s.stats.InvalidUTF8++
		} else {
			out = append(out, line[i:i+n]...)
		}
		i += n
	}
	s.scratch = out
	return out
}

// maximalSubpart returns the length of the invalid sequence at the start of p
// that the WHATWG UTF-8 decoder replaces by one U+FFFD: a valid lead byte and
// as many of the continuation bytes it requires as follow it in range, or one
// byte when the first byte cannot start a sequence. p must not start with a
// valid sequence.
func maximalSubpart(p []byte) int {
	lo, hi := byte(0x80), byte(0xBF)
	var need int
	switch b := p[0]; {
	case b >= 0xC2 && b <= 0xDF:
		need = 1
	case b >= 0xE0 && b <= 0xEF:
		need = 2
		switch b {
		case 0xE0:
			lo = 0xA0 // overlong
		case 0xED:
			hi = 0x9F // surrogates
		}
	case b >= 0xF0 && b <= 0xF4:
		need = 3
		switch b {
		case 0xF0:
			lo = 0x90 // overlong
		case 0xF4:
			hi = 0x8F // over U+10FFFF
		}
	default:
		return 1
	}
	n := 1
	for n <= need && n < len(p) && p[n] >= lo && p[n] <= hi {
		lo, hi = 0x80, 0xBF
		n++
	}
	return n
}

// validate extends validUpto over the longest valid UTF-8 prefix of
// buf[start:end] that it does not cover yet. start, the start of a line, is
// at a rune boundary, and so is validUpto when it is past start.
func (s *Scanner) validate(start int) {
	from := max(start, s.validUpto)
	// Leave out the last rune when it is not ASCII: it may be incomplete,
	// its end not read yet. The line being processed ends before it, at an
	// ASCII CR or LF.
	limit := s.end
	for i := 0; i < utf8.UTFMax-1 && limit > from && s.buf[limit-1]&0xC0 == 0x80; i++ {
		limit--
	}
	if limit > from && s.buf[limit-1] >= utf8.RuneSelf {
		limit--
	}
	if validUTF8(s.buf[from:limit]) {
		s.validUpto = limit
		return
	}
	s.validUpto = from + validPrefix(s.buf[from:limit])
}

// validPrefix returns the length of the longest prefix of p that is valid
// UTF-8. An incomplete sequence at the end of p is not part of it.
func validPrefix(p []byte) int {
	const hi = 0x8080808080808080
	n := 0
	for n < len(p) {
		for len(p)-n >= 32 {
			w := binary.LittleEndian.Uint64(p[n:]) | binary.LittleEndian.Uint64(p[n+8:]) |
				binary.LittleEndian.Uint64(p[n+16:]) | binary.LittleEndian.Uint64(p[n+24:])
			if w&hi != 0 {
				break
			}
			n += 32
		}
		if n == len(p) {
			break
		}
		if c := p[n]; c < utf8.RuneSelf {
			n++
			continue
		}
		r, size := utf8.DecodeRune(p[n:])
		if r == utf8.RuneError && size == 1 {
			return n
		}
		n += size
	}
	return n
}

// fail ends scanning with err.
func (s *Scanner) fail(err error) bool {
	s.err = err
	s.done = true
	s.borrowed = false
	return false
}

// tooLong returns the error for a line, or event data, over the cap.
func (s *Scanner) tooLong(line int, what string) error {
	return &LineError{Line: line, Err: fmt.Errorf("%w (%s over %d bytes)", ErrLineTooLong, what, s.maxLine)}
}

// Event returns the event that the last successful call to Scan advanced to.
// The Event and its Type and Data slices are owned by the Scanner and valid
// only until the next call to Scan; copy what must outlive it. ID is an
// ordinary string and may be kept.
func (s *Scanner) Event() *Event { return &s.ev }

// Err returns the error that ended scanning: nil at a clean end of input; a
// *LineError wrapping ErrLineTooLong when a line or the data of an event is
// over the cap; a *LineError wrapping the reader's error (or
// io.ErrNoProgress) when reading failed. On an error, the pending event and
// the partial line are not handed out.
func (s *Scanner) Err() error { return s.err }

// Stats returns the counts of what the Scanner has seen so far.
func (s *Scanner) Stats() Stats {
	st := s.stats
	st.Lines = s.line - s.line0
	return st
}
