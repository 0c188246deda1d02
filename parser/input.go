package parser

import (
	"errors"
	"io"
	"iter"
	"mime"
	"net/textproto"
	"strings"
	"time"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/sse"
)

// Input is the body of a capture, opened for framing: its framing is
// known.
type Input struct {
	// Capture is the capture the body is read from.
	Capture *capture.Capture
	// Kind is the framing of the body.
	Kind frame.Kind

	head    []byte // a copy of the first bytes of the body read so far
	scanner *sse.Scanner
	lines   *frame.VercelLines
	frames  *frame.EventStreamBody
	ndjson  *frame.NDJSONBody
	// beforeRead, when set, is called before a read of the body that
	// follows a read that did not fill its buffer (the pipeline sends what
	// was framed before the framing may wait for input).
	beforeRead func()
	// lastReadFull says that the last read filled its buffer: more input
	// is likely waiting, and beforeRead is not called.
	lastReadFull bool
	// pieceStats is what the body held, when the pipeline frames it in
	// pieces (pieces.go).
	pieceStats *sse.Stats
}

// headSize is how much of the body is kept for messages about a body that
// is not a stream.
const headSize = 4096

// OpenInput tells the framing of c's body (frame.Detect); a body that is
// not JSON, sent with the "X-Vercel-AI-Data-Stream" header of a curl -i
// capture, is a data stream whatever its first line; a body that starts
// like JSON is NDJSON when the response's Content-Type says so
// (application/x-ndjson, as Ollama sends it), even when it holds one line.
// A body that a Content-Type of application/vnd.amazon.eventstream
// announces is read as AWS event-stream frames unless it is JSON (an HTTP
// error) or empty, even when its first prelude is damaged, so that the
// damage is reported where it is.
func OpenInput(c *capture.Capture) *Input {
	in := &Input{Capture: c, Kind: frame.Detect(c)}
	switch {
	case in.Kind == frame.SSE && c.Header.Get("X-Vercel-AI-Data-Stream") != "":
		in.Kind = frame.VercelData
	case in.Kind == frame.JSON && isNDJSONType(c.Header.Get("Content-Type")):
		in.Kind = frame.NDJSON
	}
	if in.Kind == frame.SSE && isEventStreamType(c.Header.Get("Content-Type")) {
		in.Kind = frame.EventStream
	}
	return in
}

// isEventStreamType reports whether a Content-Type is the AWS event-stream
// media type (parameters aside).
func isEventStreamType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), frame.ContentTypeEventStream)
}

// isNDJSONType reports whether a Content-Type names newline-delimited
// JSON.
func isNDJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch mt {
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
		return true
	}
	return false
}

// Events returns the events of the body, in order, each borrowed until
// the next (the sse.Scanner contract): SSE events, the parts of a Vercel
// data stream (frame.VercelLines), or the lines of an NDJSON body
// (frame.NDJSONBody); its Line counted in the capture (after the HTTP
// preamble), its At the arrival time of the read that completed it. A
// scanning error ends the sequence as a final (nil, err), an
// *sse.LineError with its line counted in the capture. maxLine caps a line
// (0: sse.DefaultMaxLineSize). Stats tells what the scanner saw.
//
// For an EventStream body, the events are its frames
// (frame.EventStreamBody: Line is the frame's number), maxLine caps a
// frame, and an unreadable frame ends the sequence with a
// *frame.EventStreamError.
func (in *Input) Events(maxLine int) iter.Seq2[*sse.Event, error] {
	switch in.Kind {
	case frame.VercelData:
		in.lines = frame.NewVercelLines(bodyReader{in}, in.Capture.HeaderLines+1)
		if maxLine > 0 {
			in.lines.SetMaxSize(maxLine)
		}
		return in.lines.Events()
	case frame.NDJSON:
		in.ndjson = frame.NewNDJSON(bodyReader{in}, in.Capture.HeaderLines+1)
		if maxLine > 0 {
			in.ndjson.SetMaxLineSize(maxLine)
		}
		return in.ndjson.Events()
	}
	if in.Kind == frame.EventStream {
		in.frames = frame.NewEventStream(bodyReader{in})
		if maxLine > 0 {
			in.frames.SetMaxSize(maxLine)
		}
		return in.frames.Events()
	}
	return func(yield func(*sse.Event, error) bool) {
		s := newScanner(bodyReader{in}, maxLine)
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
			yield(nil, lineErrorAt(err, off))
		}
	}
}

// newScanner returns an sse.Scanner over r with the cap maxLine (0: the
// default).
func newScanner(r io.Reader, maxLine int) *sse.Scanner {
	s := sse.NewScanner(r)
	if maxLine > 0 {
		s.SetMaxLineSize(maxLine)
	}
	return s
}

// lineErrorAt returns err, a scanner's, with the line of an
// *sse.LineError counted in the capture: off lines of preamble come
// before the body.
func lineErrorAt(err error, off int) error {
	var le *sse.LineError
	if errors.As(err, &le) {
		le.Line += off
	}
	return err
}

// NDJSONStats returns what the framing of an NDJSON body saw.
func (in *Input) NDJSONStats() frame.NDJSONStats {
	if in.ndjson == nil {
		return frame.NDJSONStats{}
	}
	return in.ndjson.Stats()
}

// Stats returns what the scanner of Events saw. Of a data stream, it
// tells the lines and the invalid UTF-8 bytes.
func (in *Input) Stats() sse.Stats {
	if in.lines != nil {
		st := in.lines.Stats()
		return sse.Stats{Lines: st.Lines, CRLFLines: st.CRLFLines, InvalidUTF8: st.InvalidUTF8}
	}
	if in.pieceStats != nil {
		return *in.pieceStats
	}
	if in.scanner == nil {
		return sse.Stats{}
	}
	return in.scanner.Stats()
}

// bodyReader reads the body with its times (an sse.TimedReader), keeping
// a copy of its first headSize bytes in head, for messages about a body
// that is not a stream.
type bodyReader struct{ in *Input }

func (b bodyReader) ReadTimed(p []byte) (int, time.Time, error) {
	if b.in.beforeRead != nil && !b.in.lastReadFull {
		b.in.beforeRead()
	}
	n, at, err := b.in.Capture.ReadTimed(p)
	b.in.lastReadFull = n == len(p)
	if k := min(n, headSize-len(b.in.head)); k > 0 {
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
