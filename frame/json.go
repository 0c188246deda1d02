package frame

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"
	"unicode/utf8"

	"github.com/sseinspect/sseinspect/sse"
)

// A JSONBody frames a body that is JSON instead of an event stream: each
// element of a top-level array is an event (the array Gemini sends without
// alt=sse), or the one object the body is (an HTTP error, a response that
// was not streamed) is.
//
// Memory: one event (the object, or one array element) may be as long as
// the cap set by SetMaxSize; beyond it, Events ends with an error wrapping
// sse.ErrLineTooLong. The bytes after an array are counted, not kept.
type JSONBody struct {
	r      *lastTime
	lim    *capped
	line   int
	dec    *json.Decoder
	array  bool
	object bool
	n      int
	ev     sse.Event
}

// An Error says that a JSON body is not valid JSON.
type Error struct {
	Line int   // the line of the body's start
	Err  error // what the decoder found
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: JSON body: %v", e.Line, e.Err) }

// Unwrap returns the decoder's error.
func (e *Error) Unwrap() error { return e.Err }

// NewJSON returns the framing of the JSON body read from r, whose first
// line is line line of the capture.
func NewJSON(r sse.TimedReader, line int) *JSONBody {
	lt := &lastTime{r: r}
	lim := &capped{r: lt, max: sse.DefaultMaxLineSize}
	dec := json.NewDecoder(lim)
	dec.UseNumber()
	return &JSONBody{r: lt, lim: lim, line: line, dec: dec}
}

// SetMaxSize sets the cap on the length of one event, the object or one
// array element, in bytes (sse.DefaultMaxLineSize by default, as for a
// line of a stream). It must be called before Events; n < 1 panics.
func (j *JSONBody) SetMaxSize(n int) {
	if n < 1 {
		panic("frame: SetMaxSize: cap must be at least 1")
	}
	j.lim.max = n
}

// tooLong is the error of an event over the cap.
func (j *JSONBody) tooLong(what string) error {
	return &sse.LineError{Line: j.line, Err: fmt.Errorf("%w (%s over %d bytes)", sse.ErrLineTooLong, what, j.lim.max)}
}

// Events yields the events of the body, each borrowed until the next: Data
// valid UTF-8 (invalid bytes replaced by U+FFFD), Line the body's first
// line, At the arrival of the read that completed it. A body that is not
// valid JSON ends the sequence with (nil, *Error); so does any error
// inside an array. A read error ends it with (nil, err), and an event over
// the cap with (nil, *sse.LineError) wrapping sse.ErrLineTooLong.
func (j *JSONBody) Events() iter.Seq2[*sse.Event, error] {
	return func(yield func(*sse.Event, error) bool) {
		tok, err := j.dec.Token()
		if err != nil {
			yield(nil, j.bad(err))
			return
		}
		if tok != json.Delim('[') {
			j.object = true
			ev, err := j.readObject()
			yield(ev, err)
			return
		}
		j.array = true
		for {
			j.lim.from(j.dec.InputOffset()) // the next element starts here
			if !j.dec.More() {
				break
			}
			var raw json.RawMessage
			if err := j.dec.Decode(&raw); err != nil {
				if errors.Is(err, errCapped) {
					yield(nil, j.tooLong(fmt.Sprintf("element %d of the JSON array", j.n+1)))
					return
				}
				yield(nil, j.bad(err))
				return
			}
			j.n++
			// The decoder reads only when the bytes it holds do not
			// complete a value: the last read completed this one.
			if !yield(j.event(validUTF8(raw), j.r.at), nil) {
				return
			}
		}
	}
}

// appendCapped appends p to b, growing b by doubling, but never past what
// a body of at most limit bytes (and the read that goes over it) needs:
// append grows large slices by a quarter, which allocates five times the
// final size in all; this, about twice.
func appendCapped(b, p []byte, limit int) []byte {
	need := len(b) + len(p)
	if need > cap(b) {
		size := max(min(2*cap(b)+len(p), limit+len(p)+1), need)
		nb := make([]byte, len(b), size)
		copy(nb, b)
		b = nb
	}
	return append(b, p...)
}

// readObject reads the rest of an object body, whose '{' was read.
func (j *JSONBody) readObject() (*sse.Event, error) {
	obj := []byte("{")
	src := io.MultiReader(j.dec.Buffered(), j.r)
	chunk := make([]byte, 32<<10)
	for {
		n, err := src.Read(chunk)
		obj = appendCapped(obj, chunk[:n], j.lim.max)
		if len(obj) > j.lim.max {
			// White space may follow the object: it is not kept.
			if obj = bytes.TrimRight(obj, " \t\r\n"); len(obj) > j.lim.max {
				return nil, j.tooLong("JSON body")
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	obj = validUTF8(bytes.TrimRight(obj, " \t\r\n"))
	if !json.Valid(obj) {
		return nil, j.bad(json.Unmarshal(obj, new(json.RawMessage)))
	}
	return j.event(obj, j.r.at), nil // read to the end: the end's time
}

func (j *JSONBody) event(data []byte, at time.Time) *sse.Event {
	j.ev = sse.Event{Data: data, Retry: -1, Line: j.line, DataLines: 1, At: at}
	return &j.ev
}

func (j *JSONBody) bad(err error) error { return &Error{Line: j.line, Err: err} }

// Array reports whether the body is a JSON array, once Events has begun.
func (j *JSONBody) Array() bool { return j.array }

// Object reports whether the body is a JSON object, once Events has begun.
func (j *JSONBody) Object() bool { return j.object }

// Len returns the number of array elements read so far.
func (j *JSONBody) Len() int { return j.n }

// End reads the rest of an array body once Events is done, and returns the
// number of bytes after the array when they are not all white space (0
// for an object). An array that is not closed is an *Error.
func (j *JSONBody) End() (trailing int, err error) {
	if !j.array {
		return 0, nil
	}
	j.lim.from(j.dec.InputOffset())
	if _, err := j.dec.Token(); err != nil {
		return 0, j.bad(err)
	}
	var rest trailer
	if _, err := io.Copy(&rest, io.MultiReader(j.dec.Buffered(), j.r)); err != nil {
		return 0, err
	}
	if !rest.text {
		return 0, nil
	}
	return rest.n, nil
}

// trailer counts the bytes after a JSON array without keeping them, and
// whether any is not white space.
type trailer struct {
	n    int
	text bool
}

func (t *trailer) Write(p []byte) (int, error) {
	t.n += len(p)
	t.text = t.text || len(bytes.TrimSpace(p)) > 0
	return len(p), nil
}

// errCapped is capped's error when the event being read is over the cap.
var errCapped = errors.New("event over the cap")

// capped reads r for the JSON decoder, never further than max+1 bytes past
// the start of the event being read: a decoder that needs more is reading
// an event over the cap, and fails with errCapped instead of holding it.
type capped struct {
	r     io.Reader
	max   int
	read  int64 // bytes read so far
	start int64 // offset of the start of the event being read
}

// from marks the start of the next event at offset off of the body.
func (c *capped) from(off int64) { c.start = off }

func (c *capped) Read(p []byte) (int, error) {
	room := c.start + int64(c.max) + 1 - c.read
	if room <= 0 {
		return 0, errCapped
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

// lastTime reads a TimedReader, keeping the arrival time of the last read.
type lastTime struct {
	r  sse.TimedReader
	at time.Time
}

func (l *lastTime) Read(p []byte) (int, error) {
	n, at, err := l.r.ReadTimed(p)
	if n > 0 || err != nil {
		l.at = at
	}
	return n, err
}

// validUTF8 returns b with every byte that is not part of a valid UTF-8
// sequence replaced by U+FFFD, as encoding/json does inside strings; b
// itself when it is valid.
func validUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}
