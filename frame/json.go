package frame

import (
	"bytes"
	"encoding/json"
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
type JSONBody struct {
	r      *lastTime
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
	dec := json.NewDecoder(lt)
	dec.UseNumber()
	return &JSONBody{r: lt, line: line, dec: dec}
}

// Events yields the events of the body, each borrowed until the next: Data
// valid UTF-8 (invalid bytes replaced by U+FFFD), Line the body's first
// line, At the arrival of the read that completed it. A body that is not
// valid JSON ends the sequence with (nil, *Error); so does any error
// inside an array. A read error while reading an object ends it with
// (nil, err).
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
		for j.dec.More() {
			var raw json.RawMessage
			if err := j.dec.Decode(&raw); err != nil {
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

// readObject reads the rest of an object body, whose '{' was read.
func (j *JSONBody) readObject() (*sse.Event, error) {
	rest, err := io.ReadAll(io.MultiReader(j.dec.Buffered(), j.r))
	if err != nil {
		return nil, err
	}
	obj := append([]byte("{"), rest...)
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
	if _, err := j.dec.Token(); err != nil {
		return 0, j.bad(err)
	}
	rest, err := io.ReadAll(io.MultiReader(j.dec.Buffered(), j.r))
	if err != nil {
		return 0, err
	}
	if len(bytes.TrimSpace(rest)) == 0 {
		return 0, nil
	}
	return len(rest), nil
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
