// Package capture opens one input of sseinspect — a live pipe, a file, a
// timed capture (package timing), curl --trace-ascii output or a HAR file —
// and gives every kind one shape, built once: the HTTP status and header
// of the response when the input shows them (parsed with net/textproto),
// and the body as bytes with their arrival times.
//
// Time flows forward with the bytes: each read of the body returns the
// arrival time of the bytes it returns, so a reader that frames them into
// events knows when each event was complete without asking a clock.
package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"slices"
	"time"

	"github.com/sseinspect/sseinspect/timing"
)

// A Capture is one input opened for reading: the HTTP preamble, if any,
// has been read, and the body is read with ReadTimed (or Read). It is not
// safe for concurrent use.
type Capture struct {
	// StatusCode is the HTTP status of the response, 0 when the input
	// shows none.
	StatusCode int
	// Header is the response header, nil when the input shows none.
	Header textproto.MIMEHeader
	// HeaderLines is the number of lines the HTTP status lines and headers
	// take, and the lines of curl -v output skipped before and after them:
	// body line N is line N+HeaderLines of the response.
	HeaderLines int
	// Head is the HTTP preamble as the input shows it (curl -i): the
	// status lines and headers, line terminators included; for a HAR
	// file, as curl -i would show it. Nil when there is none. Head, then
	// the body, is the response as it was received.
	Head []byte
	// Start is the time the arrival times count from: the start of the
	// recording, of the trace, or of sseinspect for a live input. The zero
	// Time when the input has no times: then every arrival time is zero.
	Start time.Time
	// StartIsWallClock says that Start is when the stream ran (a timed
	// capture, a live input, a HAR entry's startedDateTime), not the Unix
	// epoch that the times of a curl trace (or of a HAR entry without a
	// readable startedDateTime) count from: the prices in force at Start
	// apply.
	StartIsWallClock bool
	// EventsUntimed says that only the first byte and the end are timed
	// (a HAR file keeps no other times): the body's bytes all come at the
	// first byte's time, which is not the time of any event.
	EventsUntimed bool
	// Notes says what a conversion from another tool's output could not
	// keep, for warnings; nil for a timed capture and a plain input.
	Notes []string

	body      *reader
	firstByte time.Time      // set for a converted input, else the body's first arrival
	timed     *timing.Reader // the timed capture's reader, nil for other inputs
}

// Options configure Open.
type Options struct {
	// Clock, when not nil, times a live input: each read of it is
	// stamped with Clock() as the read returns. The times that a timed
	// capture, a curl trace or a HAR file carries win over it.
	Clock func() time.Time
	// Start is the time the arrival times of a live input count from (the
	// start of sseinspect); the zero value means Clock() at Open.
	Start time.Time
	// Coding is the compression of the whole input that its file name
	// says (CodingOf); "" lets Open tell gzip and zstd by their magic
	// bytes. Brotli has none: only a name ending in .br says it.
	Coding Coding
}

// OpenResponse opens r as the response itself, without times: an HTTP
// status line and header at its start (curl -i) are read; it is not
// looked at for a timed capture, a curl trace or a HAR file.
func OpenResponse(r io.Reader) (*Capture, error) {
	c := &Capture{body: &reader{src: plain{r}}}
	return c, c.readPreamble()
}

// Open looks at the first bytes of r, reading no more of it than it takes
// to tell what it is, and opens it: a timed capture is read through
// timing.Reader; curl --trace-ascii output and a HAR file are read whole
// and converted; anything else is the response itself. An HTTP status
// line and header at the start of the response (curl -i) are read.
//
// An error is a read error, a malformed timed capture, trace or HAR file
// (wrapping timing.ErrFormat), a malformed HTTP preamble
// (ErrMalformedPreamble), or a compressed input or body that does not
// decode (ErrCoding); reading the body fails with the same kinds.
func Open(r io.Reader, opts Options) (*Capture, error) {
	var src source = plain{r}
	if opts.Clock != nil {
		src = live{r: r, clock: opts.Clock}
	}
	raw, note, err := decompressInput(&reader{src: src}, opts.Coding)
	if err != nil {
		return nil, err
	}
	c, err := detect(raw)
	if err != nil {
		return nil, err
	}
	if c == nil {
		c = &Capture{body: raw}
		if opts.Clock != nil {
			c.Start = opts.Start
			if c.Start.IsZero() {
				c.Start = opts.Clock()
			}
			c.StartIsWallClock = true
		}
		err = c.readPreamble()
	}
	if note != "" {
		c.Notes = append([]string{note}, c.Notes...)
	}
	return c, err
}

// detect tells whether raw is a timed capture, a curl trace or a HAR
// file, and opens it when it is one; nil when it is none of them.
func detect(raw *reader) (*Capture, error) {
	k := 1
	var har harSniff
	for {
		b, err := raw.peek(k)
		isHAR, mayBeHAR := har.look(b, err != nil)
		switch {
		case timing.IsTimed(b):
			tr, err := timing.NewReader(untimedReader{raw})
			if err != nil {
				return nil, err
			}
			c := &Capture{body: &reader{src: timedSource{tr}}, Start: tr.Start(), StartIsWallClock: true, timed: tr}
			return c, c.readPreamble()
		case isCurlTrace(b):
			return fromCurlTrace(untimedReader{raw})
		case isHAR:
			return fromHAR(untimedReader{raw})
		case err != nil || !timing.MayBeTimed(b) && !mayBeCurlTrace(b) && !mayBeHAR:
			return nil, nil // a read error is left for the body to return
		}
		k = max(raw.buffered(), k+1)
	}
}

// readPreamble reads the HTTP preamble at the start of the body, if any,
// and the lines of curl -v output before and after it.
func (c *Capture) readPreamble() error {
	before, err := c.skipCurlVerbose()
	if err != nil {
		return err
	}
	lr := &lineReader{b: c.body}
	p, err := ReadPreamble(lr)
	if err != nil {
		return err
	}
	lines, after := 0, 0
	if p != nil {
		c.StatusCode, c.Header, c.Head = p.StatusCode, p.Header, lr.read
		lines = p.Lines
		if after, err = c.skipCurlVerbose(); err != nil {
			return err
		}
	}
	c.HeaderLines = before + lines + after
	if n := before + after; n > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%d lines of curl -v output (starting with \"* \", \"> \", \"< \", \"{ [\" or \"} [\") before the body were skipped", n))
	}
	return c.decodeBody()
}

// curlVerbose are the starts of the lines that curl -v writes on standard
// error, which a capture taken with 2>&1 begins with: its progress ("* "),
// the request ("> "), the response head ("< ") and the data it received
// or sent ("{ [5 bytes data]", "} [...").
var curlVerbose = []string{"* ", "> ", "< ", "{ [", "} ["}

// skipCurlVerbose consumes the lines of curl -v output at the start of the
// body and returns how many. None of them can begin a stream or a JSON
// body. A read error is left for the body to return.
func (c *Capture) skipCurlVerbose() (int, error) {
	n := 0
	for {
		b, _ := c.body.peek(3)
		if !slices.ContainsFunc(curlVerbose, func(p string) bool { return bytes.HasPrefix(b, []byte(p)) }) {
			return n, nil
		}
		if _, err := c.body.readSlice('\n'); errors.Is(err, errLineTooLong) {
			return n, err
		}
		n++
	}
}

// ReadTimed reads body bytes into p and returns with them their arrival
// time: bytes of one arrival time at most per call. At the end of input,
// or on a read error, it returns the time the input ended (or failed)
// with the error, io.EOF or the read error, and the same on every later
// call. Times are zero when the input has none (Start is zero).
func (c *Capture) ReadTimed(p []byte) (n int, at time.Time, err error) {
	return c.body.readTimed(p)
}

// Read reads body bytes like ReadTimed, without their time.
func (c *Capture) Read(p []byte) (int, error) {
	n, _, err := c.body.readTimed(p)
	return n, err
}

// Peek returns the next n body bytes without consuming them, reading as
// much as it takes; with fewer, what there is and the error that ended
// the input. The slice is valid until the next read.
func (c *Capture) Peek(n int) ([]byte, error) { return c.body.peek(n) }

// Buffered returns the number of body bytes read ahead by Peek.
func (c *Capture) Buffered() int { return c.body.buffered() }

// FirstByte returns the arrival time of the first byte of the response
// (its preamble, if any): the zero Time when none has arrived yet or the
// input has no times.
func (c *Capture) FirstByte() time.Time {
	if !c.firstByte.IsZero() {
		return c.firstByte
	}
	return c.body.first
}

// End returns the time the input ended, once ReadTimed has returned an
// error; before, the arrival time of the last bytes read. The zero Time
// when the input has no times.
func (c *Capture) End() time.Time { return c.body.last }

// Truncated reports, once the body has been read to its end, whether a
// timed capture lacked its end line (the recording was cut short): End is
// then the arrival of its last line.
func (c *Capture) Truncated() bool { return c.timed != nil && c.timed.Truncated() }

// Cut reports, once the body has been read to its end, who cut the stream
// off before its end, as a timed capture recorded by sseinspect proxy
// says: "client", "upstream" or "proxy" (timing.Reader.Cut); "" when no
// one did or the input does not say.
func (c *Capture) Cut() string {
	if c.timed == nil {
		return ""
	}
	return c.timed.Cut()
}

// CutNote is the warning about a stream cut off before its end by cut
// ("client", "upstream" or "proxy", see Cut).
func CutNote(cut string) string {
	switch cut {
	case "client":
		return "the client went away before the end: the response was cut off by the client (recorded by sseinspect proxy)"
	case "upstream":
		return "reading the upstream's response failed before its end: it was cut short (recorded by sseinspect proxy)"
	case "proxy":
		return "the proxy stopped before the end: the response was cut short (recorded by sseinspect proxy)"
	}
	return fmt.Sprintf("the stream was cut off before its end (cut=%s)", cut)
}

// timedSource is the source of a timed capture: its recorded times.
type timedSource struct{ tr *timing.Reader }

func (s timedSource) read(p []byte) (int, time.Time, error) {
	n, err := s.tr.Read(p)
	return n, s.tr.Start().Add(max(s.tr.Elapsed(), 0)), err
}

// lineReader lets ReadPreamble read a capture's body, keeping what it read.
type lineReader struct {
	b    *reader
	read []byte
}

func (l *lineReader) Peek(n int) ([]byte, error) { return l.b.peek(n) }

func (l *lineReader) ReadSlice(delim byte) ([]byte, error) {
	line, err := l.b.readSlice(delim)
	l.read = append(l.read, line...)
	return line, err
}
