package parser

import (
	"bytes"
	"errors"
	"iter"
	"net/textproto"
	"strings"
	"time"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/sse"
)

// BodyKind says what a capture's body is.
type BodyKind int

// The kinds of body.
const (
	BodyEmpty BodyKind = iota // no bytes (or only white space)
	BodySSE                   // an event stream (or text that is not JSON)
	BodyJSON                  // a JSON object or array instead of a stream
)

// ErrEmpty is returned for a capture with no body.
var ErrEmpty = errors.New("empty input")

// Input is the body of a capture, opened for framing: its kind is known.
type Input struct {
	// Capture is the capture the body is read from.
	Capture *capture.Capture
	// Kind is the kind of body.
	Kind BodyKind

	head    []byte // a copy of the first bytes of the body read so far
	scanner *sse.Scanner
	at      time.Time // the arrival time of the last body bytes read
}

// peekSize is how much of the body is looked at to tell its kind.
const peekSize = 4096

// OpenInput looks at the first bytes of c's body to tell its kind,
// reading no more of it than it takes to tell, so that a live stream is
// not held up waiting for peekSize bytes, and its events are handed on as
// they arrive. A read error here is not returned: it comes again, in
// place, when the body is read, after the bytes that did arrive.
func OpenInput(c *capture.Capture) *Input {
	in := &Input{Capture: c}
	n := 1
	for {
		head, err := c.Peek(n)
		t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
		partBOM := len(head) < 3 && bytes.HasPrefix([]byte("\xef\xbb\xbf"), head)
		switch {
		case len(t) > 0 && (!partBOM || err != nil):
			in.Kind = BodySSE
			if t[0] == '{' || t[0] == '[' {
				in.Kind = BodyJSON
			}
			return in
		case len(head) >= peekSize:
			in.Kind = BodySSE
			return in
		case err != nil:
			in.Kind = BodyEmpty
			return in
		}
		n = min(peekSize, max(c.Buffered(), n+1))
	}
}

// Events returns the SSE events of the body, in order, each borrowed until
// the next (the sse.Scanner contract): its Line counted in the capture
// (after the HTTP preamble), its At the arrival time of the read that
// completed it. A scanning error ends the sequence as a final (nil, err),
// an *sse.LineError with its line counted in the capture. maxLine caps a
// line (0: sse.DefaultMaxLineSize). Stats tells what the scanner saw.
func (in *Input) Events(maxLine int) iter.Seq2[*sse.Event, error] {
	return func(yield func(*sse.Event, error) bool) {
		s := sse.NewScanner(bodyReader{in})
		if maxLine > 0 {
			s.SetMaxLineSize(maxLine)
		}
		in.scanner = s
		off := in.Capture.HeaderLines
		for s.Scan() {
			ev := s.Event()
			ev.Line += off
			if !yield(ev, nil) {
				return
			}
		}
		if err := s.Err(); err != nil {
			var le *sse.LineError
			if errors.As(err, &le) {
				le.Line += off
			}
			yield(nil, err)
		}
	}
}

// Stats returns what the scanner of Events saw.
func (in *Input) Stats() sse.Stats {
	if in.scanner == nil {
		return sse.Stats{}
	}
	return in.scanner.Stats()
}

// bodyReader reads the body with its times (an sse.TimedReader), keeping
// a copy of its first peekSize bytes in head, for messages about a body
// that is not a stream.
type bodyReader struct{ in *Input }

func (b bodyReader) ReadTimed(p []byte) (int, time.Time, error) {
	n, at, err := b.in.Capture.ReadTimed(p)
	if n > 0 || err != nil {
		b.in.at = at
	}
	if k := min(n, peekSize-len(b.in.head)); k > 0 {
		b.in.head = append(b.in.head, p[:k]...)
	}
	return n, at, err
}

func (b bodyReader) Read(p []byte) (int, error) {
	n, _, err := b.ReadTimed(p)
	return n, err
}

// lowerHeader returns h as the stream context keeps response headers:
// names in lower case, the last value of each.
func lowerHeader(h textproto.MIMEHeader) map[string]string {
	if h == nil {
		return nil
	}
	m := make(map[string]string, len(h))
	for k, vs := range h {
		if len(vs) > 0 {
			m[strings.ToLower(k)] = vs[len(vs)-1]
		}
	}
	return m
}
