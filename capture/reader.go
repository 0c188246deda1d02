package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// A source is where the bytes of an input come from. Each call returns
// bytes of one arrival time (the zero Time when the input has no times)
// and, with an error, the time the input ended.
type source interface {
	read(p []byte) (int, time.Time, error)
}

// reader is the one buffer between a source and the readers of a capture:
// it holds the bytes read ahead by Peek, with the arrival time of each
// read they came in, so that bytes keep their times however they are
// looked at before they are read.
type reader struct {
	src   source
	buf   []byte // buf[r:] was read ahead and not consumed yet
	r     int
	spans []span // the reads buf[r:] came in, oldest first
	err   error  // the source's error, returned again on every later read
	last  time.Time
	first time.Time
	seen  bool // a byte has arrived
}

// span is the end (an index in reader.buf) and arrival time of one read.
type span struct {
	end int
	at  time.Time
}

// maxEmptyReads is how many consecutive (0, nil) reads the reader
// tolerates before it fails with io.ErrNoProgress, as bufio does.
const maxEmptyReads = 100

// maxLine caps one line read by readSlice (the HTTP preamble).
const maxLine = 64 << 10

// errLineTooLong is readSlice's error for a line over maxLine: a
// malformed preamble (ErrMalformedPreamble).
var errLineTooLong error = &preambleError{msg: fmt.Sprintf("a line of the HTTP preamble is longer than %d bytes", maxLine)}

// readTimed is Capture.ReadTimed.
func (b *reader) readTimed(p []byte) (int, time.Time, error) {
	if len(p) == 0 {
		return 0, time.Time{}, nil
	}
	if b.r < len(b.buf) {
		s := b.spans[0]
		n := copy(p, b.buf[b.r:s.end])
		b.consume(n)
		return n, s.at, nil
	}
	if b.err != nil {
		return 0, b.last, b.err
	}
	n, at, err := b.src.read(p)
	b.arrived(n, at, err)
	return n, at, err
}

// arrived notes the result of one read of the source.
func (b *reader) arrived(n int, at time.Time, err error) {
	if n > 0 && !b.seen {
		b.seen, b.first = true, at
	}
	if n > 0 || err != nil {
		b.last = at
	}
	if err != nil {
		b.err = err
	}
}

// consume drops n read-ahead bytes.
func (b *reader) consume(n int) {
	b.r += n
	for len(b.spans) > 0 && b.spans[0].end <= b.r {
		b.spans = b.spans[1:]
	}
	if b.r == len(b.buf) {
		b.buf, b.r, b.spans = b.buf[:0], 0, b.spans[:0]
	}
}

// fill reads once more from the source into the buffer (reading again
// after a (0, nil) read).
func (b *reader) fill() {
	if b.r > 0 {
		k := copy(b.buf, b.buf[b.r:])
		for i := range b.spans {
			b.spans[i].end -= b.r
		}
		b.buf, b.r = b.buf[:k], 0
	}
	if cap(b.buf)-len(b.buf) < 512 {
		nb := make([]byte, len(b.buf), max(4096, 2*cap(b.buf)))
		copy(nb, b.buf)
		b.buf = nb
	}
	for range maxEmptyReads {
		free := b.buf[len(b.buf):cap(b.buf)]
		n, at, err := b.src.read(free)
		if n < 0 || n > len(free) {
			n, err = 0, errors.New("capture: reader returned an invalid count")
		}
		b.arrived(n, at, err)
		if n > 0 {
			b.buf = b.buf[:len(b.buf)+n]
			if k := len(b.spans); k > 0 && b.spans[k-1].at.Equal(at) {
				b.spans[k-1].end = len(b.buf)
			} else {
				b.spans = append(b.spans, span{end: len(b.buf), at: at})
			}
		}
		if n > 0 || err != nil {
			return
		}
	}
	b.err = io.ErrNoProgress
}

// buffered returns the number of bytes read ahead.
func (b *reader) buffered() int { return len(b.buf) - b.r }

// peek returns the next n bytes without consuming them, reading as much as
// it takes; with fewer, it returns what there is and the source's error.
func (b *reader) peek(n int) ([]byte, error) {
	for len(b.buf)-b.r < n && b.err == nil {
		b.fill()
	}
	if len(b.buf)-b.r < n {
		return b.buf[b.r:], b.err
	}
	return b.buf[b.r : b.r+n], nil
}

// readSlice consumes and returns the bytes up to and including the next
// delim, valid until the next call; without one before the end, what
// there is and the source's error.
//
// A line longer than maxLine bytes, its terminator (delim, or CR and delim)
// left out, is errLineTooLong however the input came in reads.
func (b *reader) readSlice(delim byte) ([]byte, error) {
	from := 0
	for {
		if i := bytes.IndexByte(b.buf[b.r+from:], delim); i >= 0 {
			if b.overCap(from + i) {
				return nil, errLineTooLong
			}
			return b.take(from + i + 1), nil
		}
		from = len(b.buf) - b.r
		if b.err != nil {
			if b.overCap(from) {
				return nil, errLineTooLong
			}
			return b.take(from), b.err
		}
		if from > maxLine+1 { // over the cap whatever ends it
			return nil, errLineTooLong
		}
		b.fill()
	}
}

// overCap reports whether the line of the n bytes at b.r, a CR at its end
// left out, is longer than maxLine.
func (b *reader) overCap(n int) bool {
	if n > 0 && b.buf[b.r+n-1] == '\r' {
		n--
	}
	return n > maxLine
}

// take consumes n bytes and returns them, in a copy that stays valid until
// the next take.
func (b *reader) take(n int) []byte {
	line := append([]byte(nil), b.buf[b.r:b.r+n]...)
	b.consume(n)
	return line
}

// plain is the source of an input without times.
type plain struct{ r io.Reader }

func (s plain) read(p []byte) (int, time.Time, error) {
	n, err := s.r.Read(p)
	return n, time.Time{}, err
}

// live is the source of a live input: each read is timed by the clock as
// it returns.
type live struct {
	r     io.Reader
	clock func() time.Time
}

func (s live) read(p []byte) (int, time.Time, error) {
	n, err := s.r.Read(p)
	return n, s.clock(), err
}

// untimedReader reads a reader's bytes without their times.
type untimedReader struct{ b *reader }

func (u untimedReader) Read(p []byte) (int, error) {
	n, _, err := u.b.readTimed(p)
	return n, err
}

// chunk is bytes of an input converted from another tool's output, with
// their arrival time.
type chunk struct {
	data []byte
	at   time.Time
}

// chunks is the source of an input converted from another tool's output:
// its chunks, then the end.
type chunks struct {
	list []chunk
	end  time.Time
}

func (s *chunks) read(p []byte) (int, time.Time, error) {
	for len(s.list) > 0 && len(s.list[0].data) == 0 {
		s.list = s.list[1:]
	}
	if len(s.list) == 0 {
		return 0, s.end, io.EOF
	}
	c := &s.list[0]
	n := copy(p, c.data)
	c.data = c.data[n:]
	return n, c.at, nil
}
