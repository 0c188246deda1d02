// Package frame holds the framings below the wire formats: each splits a
// response body into events, so that a wire format's parser receives
// events (sse.Event) whatever the framing. SSE is package sse; a body that
// is JSON instead of a stream is framed by JSON. Each event carries the
// arrival time of the read that completed it.
//
// Adding a framing (NDJSON, the Vercel AI SDK line protocol) is one file
// here and one Kind; eventstream.go is the AWS event-stream.
package frame

import (
	"bytes"
	"encoding/json"
)

// Kind is the framing of a body.
type Kind int

// The framings.
const (
	Empty       Kind = iota // no bytes (or only white space): no framing
	SSE                     // an event stream (or text that is not JSON)
	JSON                    // a JSON object or array instead of a stream
	VercelData              // the Vercel AI SDK data-stream protocol ("0:\"text\"" lines)
	EventStream             // binary AWS event-stream frames (EventStreamBody)
	NDJSON                  // newline-delimited JSON objects (Ollama)
)

// A Peeker shows the first bytes of a body without consuming them;
// capture.Capture is one.
type Peeker interface {
	// Peek returns the next n bytes, or fewer and the error that ended
	// the input.
	Peek(n int) ([]byte, error)
	// Buffered returns the number of bytes that can be peeked without
	// reading.
	Buffered() int
}

// peekSize is how much of a body Detect looks at.
const peekSize = 4096

var bom = []byte("\xef\xbb\xbf")

// Detect tells the framing of a body from its first bytes other than a BOM
// and white space (up to 4096 of them). It reads no more of the body than
// it takes to tell, so that a live stream is not held up, and its events
// are handed on as they arrive. A read error is not returned: the body's
// reader returns it again, in place, after the bytes that did arrive.
//
// A body that begins with a valid AWS event-stream prelude (IsEventStream)
// is EventStream: its first byte, the high byte of a frame length of at
// most 16 MiB, is 0 or 1, which no text or JSON body begins with.
//
// A body that starts with '{' is NDJSON when its first line is a whole
// JSON value and the next line that is not blank starts with '{' too (so
// Detect waits for that line's first byte); else it is JSON (one object,
// pretty-printed or not). A first line longer than 4096 bytes is JSON.
func Detect(p Peeker) Kind {
	if head, _ := p.Peek(1); len(head) == 1 && head[0] <= 1 {
		if head, _ = p.Peek(esPrelude); IsEventStream(head) {
			return EventStream
		}
	}
	n := 1
	for {
		head, err := p.Peek(n)
		t := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
		partBOM := len(head) < len(bom) && bytes.HasPrefix(bom, head)
		final := err != nil || len(head) >= peekSize
		switch {
		case err == nil && len(head) < peekSize && mayBeVercelLine(t):
			// A data-stream part code, perhaps: peek on.
		case len(t) > 0 && (!partBOM || err != nil):
			switch t[0] {
			case '[':
				return JSON
			case '{':
				if k, ok := objectLines(t, final); ok {
					return k
				}
			default:
				if isVercelLine(t) {
					return VercelData
				}
				return SSE
			}
		case len(head) >= peekSize:
			return SSE
		case err != nil:
			return Empty
		}
		n = min(peekSize, max(p.Buffered(), n+1))
	}
}

// objectLines tells JSON from NDJSON for a body that starts with '{', from
// its first bytes t; ok is false when t does not tell yet (final: no more
// bytes will come).
func objectLines(t []byte, final bool) (k Kind, ok bool) {
	i := bytes.IndexByte(t, '\n')
	if i < 0 {
		return JSON, final
	}
	if !json.Valid(t[:i]) {
		return JSON, true // a value over several lines
	}
	rest := bytes.TrimLeft(t[i+1:], " \t\r\n")
	switch {
	case len(rest) == 0:
		return JSON, final
	case rest[0] == '{':
		return NDJSON, true
	}
	return JSON, true
}
