// Package sse implements the WHATWG HTML "Parsing an event stream"
// algorithm as a streaming scanner. It knows nothing about LLMs.
//
// A Scanner reads bytes from an io.Reader and hands out one Event per
// dispatch. Results never depend on how the input is split into reads. Where
// the spec discards an event that the input ended inside, the Scanner hands
// it out flagged Incomplete. Lines, and the data of an event, may be as long
// as a configurable cap (DefaultMaxLineSize); beyond it, scanning stops with
// a *LineError wrapping ErrLineTooLong.
// Allocation policy: in steady state Scan allocates nothing per event; the
// Type and Data slices of an Event are borrowed and stay valid only until the
// next call to Scan (the bufio.Scanner.Bytes contract). ID is a string that is
// allocated only when an id field changes the last event ID.
//
// A Scanner is not safe for concurrent use.
package sse

import (
	"errors"
	"fmt"
	"time"
)

// DefaultMaxLineSize is the default cap on the length of one line, and on the
// data buffer of one event. It is far above the 64 KiB bufio.Scanner default
// that silently breaks many SSE clients on large Responses API events.
const DefaultMaxLineSize = 64 << 20

// ErrLineTooLong is wrapped in the LineError returned when a line, or the
// data of one event, exceeds the scanner's cap.
var ErrLineTooLong = errors.New("line too long")

// LineError is an error at a position in the stream.
type LineError struct {
	Line int   // 1-based line number
	Err  error // what went wrong
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// Event is one dispatched event.
type Event struct {
	// Type is the event type buffer at dispatch: the value of the last
	// "event" field of this event, or empty when none was set, in which case
	// the spec's type is "message". Borrowed until the next Scan. Type, Data
	// and ID are valid UTF-8 (invalid input bytes are replaced by U+FFFD).
	Type []byte
	// Data is the data buffer with its final LF removed. Borrowed until the
	// next Scan.
	Data []byte
	// ID is the last event ID at dispatch (it persists across events).
	ID string
	// Retry is the reconnection time in milliseconds in force at dispatch,
	// or -1 when no valid retry field has been seen.
	Retry int64
	// Line is the 1-based line number of the first line of this event: the
	// first line after the previous blank line (or after the start of the
	// stream), whatever it holds — a data, event, id, retry or unknown field,
	// or a comment. A BOM is not a line; CRLF, LF and CR each end one.
	Line int
	// DataLines is the number of data fields in this event.
	DataLines int
	// Incomplete is true for a final event that the input ended inside
	// (no blank line after it). The spec discards such an event; the
	// scanner hands it out flagged so that nothing that arrived is lost.
	Incomplete bool
	// At is the arrival time of the read that completed the event: the
	// read that brought the line terminator that dispatched it, or the end
	// of input for an Incomplete event. The zero Time when the reader is
	// not a TimedReader, or does not know.
	At time.Time
}

// A TimedReader reads bytes with their arrival time. A Scanner that reads
// from one gives every event the time it was complete (Event.At).
type TimedReader interface {
	// ReadTimed is Read that also returns the arrival time of the bytes
	// read (bytes of one arrival time per call), or, with an error such
	// as io.EOF, the time the input ended; the zero Time when unknown.
	ReadTimed(p []byte) (n int, at time.Time, err error)
}

// TypeName returns the event type as the spec reports it: "message" when no
// type was set.
func (e *Event) TypeName() string {
	if len(e.Type) == 0 {
		return "message"
	}
	return string(e.Type)
}
