package timing

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// bufSize is the size of the buffer a Reader reads the capture through; it
// also caps the length of one inserted line.
const bufSize = 64 << 10

// A Reader reads a timed capture and returns the bytes of the original
// stream, exactly, and the arrival time of the bytes it last returned.
//
// One call to Read returns bytes of one arrival time only (the lines between
// two time lines of the capture), which Elapsed then returns: a reader
// of the capture (package capture) hands each read on with its time. Read
// does not block for more input while it holds bytes to return.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	br    *bufio.Reader
	start time.Time
	cur   time.Duration // arrival of the bytes last returned
	next  time.Duration // arrival of the next original line
	end   time.Duration
	state int
	emit  []byte // original bytes to return before anything else (the BOM)
	final bool   // the next original line is the noeol last line
	timed bool   // a time line was applied
	ended bool
	trunc bool
	cut   string // the end line's cut=, if any
	err   error
	line  int // capture lines consumed, for error messages
}

const (
	stLineStart = iota // at the start of a line of the capture
	stInLine           // inside an original line
	stAfterCR          // after the CR that ended an original line
	stDone             // the end line, or the end of input, was read
)

// NewReader reads the header of the timed capture in r and returns a Reader
// of the original stream. An error wraps ErrFormat when r does not begin
// with a version 1 header, or is the read error.
func NewReader(r io.Reader) (*Reader, error) {
	tr := &Reader{br: bufio.NewReaderSize(r, bufSize), cur: -1}
	if err := tr.header(); err != nil {
		return nil, err
	}
	return tr, nil
}

func (r *Reader) header() error {
	b, err := r.br.Peek(len(bom))
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if bytes.Equal(b, bom) {
		r.emit = append(r.emit, bom...)
		_, _ = r.br.Discard(len(bom))
	}
	line, err := r.directive()
	if err != nil {
		return err
	}
	rest, ok := strings.CutPrefix(line, headerPrefix)
	if !ok {
		return formatErr(1, "no %q header", strings.TrimSpace(headerPrefix))
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 || fields[0] != Version {
		return formatErr(1, "unsupported version in %q (this sseinspect reads %s)", line, Version)
	}
	for _, f := range fields[1:] {
		if v, ok := strings.CutPrefix(f, "start="); ok {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return formatErr(1, "start: %w", err)
			}
			r.start = t
		}
	}
	if r.start.IsZero() {
		return formatErr(1, "no start= in the header")
	}
	return nil
}

// directive reads one inserted line and returns it without its LF.
func (r *Reader) directive() (string, error) {
	b, err := r.br.ReadSlice('\n')
	r.line++
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", formatErr(r.line, "an sseinspect line longer than %d bytes", bufSize)
	case errors.Is(err, io.EOF):
		if len(b) == 0 {
			return "", formatErr(r.line, "unexpected end of input")
		}
		r.trunc = true // the capture was cut inside this line
	case err != nil:
		return "", err
	}
	return string(bytes.TrimSuffix(b, []byte("\n"))), nil
}

// Start returns the time the recording started, from the header.
func (r *Reader) Start() time.Time { return r.start }

// Elapsed returns the arrival time, as an offset from Start, of the bytes
// that the last call to Read returned; once Read has returned io.EOF, the
// time the stream ended. Before the first byte it is negative.
func (r *Reader) Elapsed() time.Duration { return r.cur }

// Truncated reports, once Read has returned io.EOF, whether the capture
// lacked its end line (the recording was cut short); Elapsed is then the
// time of the last bytes.
func (r *Reader) Truncated() bool { return r.trunc }

// Cut returns, once Read has returned io.EOF, who cut the stream off
// before its end, as the end line says ("cut=client": the client went
// away, "upstream", "proxy"; see Writer.CloseCut), or "".
func (r *Reader) Cut() string { return r.cut }

// Read reads original bytes into p. See the type's doc.
func (r *Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		// The BOM goes out with the first original bytes, once the time
		// line after the header has been applied.
		if len(r.emit) > 0 && (r.state != stLineStart || r.timed) {
			r.cur = r.next
			k := copy(p[n:], r.emit)
			r.emit = r.emit[k:]
			n += k
			continue
		}
		switch r.state {
		case stDone:
			if n > 0 {
				return n, nil
			}
			if errors.Is(r.err, io.EOF) {
				if r.ended {
					r.cur = r.end
				} else {
					r.cur = max(r.cur, r.next)
				}
			}
			return 0, r.err
		case stLineStart:
			if n > 0 && r.br.Buffered() < len(escPrefix) {
				return n, nil // do not block with bytes in hand
			}
			kind, err := r.kind()
			if err != nil {
				r.fail(err)
				continue
			}
			switch kind {
			case kindEOF:
				r.trunc = true
				r.finish()
			case kindEsc:
				_, _ = r.br.Discard(len(escPrefix))
				r.state = stInLine
			case kindDirective:
				if n > 0 {
					return n, nil // a new arrival time: the next Read
				}
				if err := r.apply(); err != nil {
					r.fail(err)
				}
			default:
				r.state = stInLine
			}
		case stInLine:
			if r.br.Buffered() == 0 {
				if n > 0 {
					return n, nil
				}
				if _, err := r.br.Peek(1); err != nil {
					if errors.Is(err, io.EOF) {
						r.trunc = true // the writer always ends its lines
						r.finish()
					} else {
						r.fail(err)
					}
					continue
				}
			}
			avail, _ := r.br.Peek(min(r.br.Buffered(), len(p)-n))
			r.cur = r.next
			i := bytes.IndexAny(avail, "\r\n")
			if i < 0 {
				n += copy(p[n:], avail)
				_, _ = r.br.Discard(len(avail))
				continue
			}
			r.line++
			if r.final {
				if avail[i] != '\n' {
					r.fail(formatErr(r.line, "a CR in the noeol line"))
					continue
				}
				n += copy(p[n:], avail[:i]) // its LF is not original
				_, _ = r.br.Discard(i + 1)
				r.final = false
				r.state = stLineStart
				continue
			}
			n += copy(p[n:], avail[:i+1])
			_, _ = r.br.Discard(i + 1)
			if avail[i] == '\n' {
				r.state = stLineStart
			} else {
				r.state = stAfterCR
			}
		case stAfterCR:
			if n > 0 && r.br.Buffered() == 0 {
				return n, nil
			}
			b, _ := r.br.Peek(1)
			if len(b) == 1 && b[0] == '\n' {
				p[n] = '\n'
				n++
				_, _ = r.br.Discard(1)
			}
			r.state = stLineStart
		}
	}
	return n, nil
}

type lineKind int

const (
	kindOriginal lineKind = iota
	kindEsc
	kindDirective
	kindEOF
)

// kind tells what the line at the read position is, reading only as many
// bytes as it takes to tell.
func (r *Reader) kind() (lineKind, error) {
	k := 1
	for {
		b, err := r.br.Peek(k)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		switch {
		case len(b) == 0:
			return kindEOF, nil
		case bytes.HasPrefix(b, []byte(escPrefix)):
			return kindEsc, nil
		case bytes.HasPrefix(b, []byte(prefix)) && (len(b) >= len(escPrefix) || !bytes.HasPrefix([]byte(escPrefix), b)):
			return kindDirective, nil
		case !bytes.HasPrefix([]byte(escPrefix), b) && !bytes.HasPrefix(b, []byte(prefix)):
			return kindOriginal, nil
		case err != nil: // EOF within a prefix of the escape prefix
			if bytes.HasPrefix(b, []byte(prefix)) {
				return kindDirective, nil
			}
			return kindOriginal, nil
		}
		k = min(max(r.br.Buffered(), k+1), len(escPrefix))
	}
}

// apply reads and applies one inserted line other than the header.
func (r *Reader) apply() error {
	line, err := r.directive()
	if err != nil {
		return err
	}
	if v, ok := strings.CutPrefix(line, timePrefix); ok {
		ms, flag, _ := strings.Cut(v, " ")
		d, ok := parseMs(ms)
		if !ok || (flag != "" && flag != "noeol") {
			return formatErr(r.line, "malformed time line %q", line)
		}
		r.next = d
		r.timed = true
		r.final = flag == "noeol"
		return nil
	}
	if v, ok := strings.CutPrefix(line, endPrefix); ok {
		ms, fields, _ := strings.Cut(v, " ")
		d, ok := parseMs(ms)
		if !ok {
			return formatErr(r.line, "malformed end line %q", line)
		}
		for _, f := range strings.Fields(fields) {
			k, val, ok := strings.Cut(f, "=")
			if !ok {
				return formatErr(r.line, "malformed end line %q", line)
			}
			if k == "cut" {
				r.cut = val
			}
		}
		if b, _ := r.br.Peek(1); len(b) > 0 {
			return formatErr(r.line+1, "input after the end line")
		}
		if r.final {
			return formatErr(r.line, "no line after a noeol time line")
		}
		r.end = d
		r.ended = true
		r.finish()
		return nil
	}
	return formatErr(r.line, "unknown sseinspect line %q (an original line starting with %q is written after %q)", line, prefix, escPrefix)
}

// finish ends reading at the end line or the end of input.
func (r *Reader) finish() {
	r.state = stDone
	r.err = io.EOF
}

func (r *Reader) fail(err error) {
	r.state = stDone
	r.err = err
}

// A FormatError is a malformed timed capture, at a line of the capture.
type FormatError struct {
	Line int   // 1-based line of the timed capture
	Err  error // what is wrong
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("malformed timed capture: line %d: %v", e.Line, e.Err)
}

// Unwrap returns the underlying error.
func (e *FormatError) Unwrap() error { return e.Err }

// Is reports whether target is ErrFormat.
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

func formatErr(line int, format string, args ...any) error {
	return &FormatError{Line: line, Err: fmt.Errorf(format, args...)}
}
