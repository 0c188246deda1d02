package sse

import (
	"bytes"
	"io"
)

// A Boundary is what the scanning of a stream carries from one event to
// the next: its state after a blank line, where a stream may be cut into
// pieces that Scanners read one after the other (Resume) or side by side
// (ResumeBytes with UnknownID and UnknownRetry, fixed up in order).
type Boundary struct {
	// Start says that the boundary is the start of the stream: a leading
	// byte order mark is stripped.
	Start bool
	// Line is the number of lines before the boundary.
	Line int
	// LastID and Retry are the last event ID and the reconnection time in
	// force (what the next event's ID and Retry are unless it sets them).
	LastID string
	Retry  int64
}

// UnknownID and UnknownRetry stand for a last event ID and a reconnection
// time not known yet, in a Boundary and in the events of a Scanner resumed
// there. No stream can set them: an id with NUL is ignored, and a retry is
// at least 0 (-1 when none was set).
const (
	UnknownID    = "\x00"
	UnknownRetry = -2
)

// StreamStart returns the Boundary at the start of a stream.
func StreamStart() Boundary { return Boundary{Start: true, Retry: -1} }

// Resume makes s scan r as the rest of a stream cut at b, as a Scanner
// that had read the stream up to b would: events and errors count lines
// from b.Line, carry b's last event ID and reconnection time until a field
// sets them, and no byte order mark is stripped unless b is the start.
// Stats counts from zero. s keeps its buffers and cap.
func (s *Scanner) Resume(r io.Reader, b Boundary) {
	s.reset(r)
	s.resume(b)
}

// ResumeBytes is Resume on the bytes of p followed by err (nil: the end
// of input), scanned where they are, without copying: an event's Data is a
// slice of p when DataInInput says so. p is not modified; it must not
// change while s scans it.
func (s *Scanner) ResumeBytes(p []byte, err error, b Boundary) {
	s.reset(nil)
	s.buf, s.end, s.bufLent = p, len(p), true
	if err == nil {
		s.eof = true
	} else {
		s.readErr = err
	}
	s.resume(b)
}

func (s *Scanner) resume(b Boundary) {
	s.bomDone = !b.Start
	s.line, s.line0 = b.Line, b.Line
	s.lastID = b.LastID
	s.retry = b.Retry
}

// Boundary returns the state of the scanning after the last line read.
// It is a boundary between events when the last line read was blank (or
// no line was), as it is once Scan has returned false at the end of a
// piece that ends with a blank line.
func (s *Scanner) Boundary() Boundary {
	return Boundary{Line: s.line, LastID: s.lastID, Retry: s.retry}
}

// DataInInput reports whether the Data of the current event is a slice of
// the bytes given to ResumeBytes, valid as long as they are, rather than
// of the Scanner's own buffers, valid until the next Scan.
func (s *Scanner) DataInInput() bool { return s.bufLent && s.evInBuf }

// Add returns the counts of st and o together: the Stats of a stream
// scanned in two pieces, st the first (only the first can have a BOM).
func (st Stats) Add(o Stats) Stats {
	st.BOM = st.BOM || o.BOM
	st.Lines += o.Lines
	st.Events += o.Events
	st.Comments += o.Comments
	st.LFLines += o.LFLines
	st.CRLFLines += o.CRLFLines
	st.CRLines += o.CRLines
	st.NoSpaceFields += o.NoSpaceFields
	st.NoColonLines += o.NoColonLines
	st.UnknownFields += o.UnknownFields
	st.IgnoredIDs += o.IgnoredIDs
	st.InvalidRetry += o.InvalidRetry
	st.InvalidUTF8 += o.InvalidUTF8
	st.EmptyEvents += o.EmptyEvents
	return st
}

// PieceStart returns the Boundary to scan a piece of a stream from, side
// by side with the pieces before it, before what they carry is known: the
// piece's lines count from zero, its events have UnknownID and
// UnknownRetry until it sets them. Place and Then fix them up in order.
func PieceStart() Boundary { return Boundary{LastID: UnknownID, Retry: UnknownRetry} }

// Place gives ev, an event of a piece scanned from PieceStart, its place
// in a stream where the piece starts at b: its line, and the ID and Retry
// that b carries into the piece until the piece sets them.
func (b Boundary) Place(ev *Event) {
	ev.Line += b.Line
	ev.ID, ev.Retry = b.carry(ev.ID, ev.Retry)
}

// Then returns the boundary at the end of a piece that starts at b and
// was scanned from PieceStart to end (its Scanner's Boundary).
func (b Boundary) Then(end Boundary) Boundary {
	next := Boundary{Line: b.Line + end.Line}
	next.LastID, next.Retry = b.carry(end.LastID, end.Retry)
	return next
}

// carry returns id and retry, a piece's, with the last event ID and
// reconnection time that b carries into the piece in place of UnknownID
// and UnknownRetry.
func (b Boundary) carry(id string, retry int64) (string, int64) {
	if id == UnknownID {
		id = b.LastID
	}
	if retry == UnknownRetry {
		retry = b.Retry
	}
	return id, retry
}

// Cut returns the length of the longest prefix of p that ends at a
// boundary between events: just after a blank line whose line terminator
// is a LF ("\n\n" or "\n\r\n"), so that it ends there however the stream
// goes on. It returns -1 when p has no such boundary (a stream whose lines
// end with a lone CR has none).
func Cut(p []byte) int {
	for end := len(p); end > 1; {
		i := bytes.LastIndexByte(p[:end], '\n')
		if i < 1 {
			return -1
		}
		if p[i-1] == '\n' || p[i-1] == '\r' && i >= 2 && p[i-2] == '\n' {
			return i + 1
		}
		end = i
	}
	return -1
}
