package parser

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
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

// Input is a capture opened for reading: an optional HTTP status line and
// headers (a curl -i capture) have been consumed, and the kind of body is
// known.
type Input struct {
	// StatusCode is the HTTP status of the last status line, 0 when the
	// capture has none.
	StatusCode int
	// Headers are the response headers, names in lower case.
	Headers map[string]string
	// HeaderLines is the number of lines taken by the status lines and
	// headers: body line N is capture line N+HeaderLines.
	HeaderLines int
	// Kind is the kind of body.
	Kind BodyKind

	br   *bufio.Reader
	head []byte // a copy of the first bytes of the body read so far
}

// Body returns the reader of the body, positioned after any preamble.
func (in *Input) Body() io.Reader { return headReader{in} }

// peekSize is how much of the body is looked at to tell its kind.
const peekSize = 4096

// Open reads the HTTP preamble of a capture, if any, and peeks at its body.
// Read errors are returned as they are.
func Open(r io.Reader) (*Input, error) {
	in := &Input{br: bufio.NewReaderSize(&stickyReader{r: r}, 64<<10)}
	if err := in.readPreamble(); err != nil {
		return nil, err
	}
	in.classify()
	return in, nil
}

// classify tells the kind of body from its first bytes other than a BOM and
// white space (up to peekSize of them). It reads no more of the body than
// it takes to tell, so that a live stream is not held up waiting for
// peekSize bytes, and its events are handed on, and timed, as they arrive.
// A read error here is not returned: it comes again, in place, when the
// body is read (stickyReader), after the bytes that did arrive.
func (in *Input) classify() {
	n := 1
	for {
		head, err := in.br.Peek(n)
		t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
		partBOM := len(head) < 3 && bytes.HasPrefix([]byte("\xef\xbb\xbf"), head)
		switch {
		case len(t) > 0 && (!partBOM || err != nil):
			in.Kind = BodySSE
			if t[0] == '{' || t[0] == '[' {
				in.Kind = BodyJSON
			}
			return
		case len(head) >= peekSize:
			in.Kind = BodySSE
			return
		case err != nil:
			in.Kind = BodyEmpty
			return
		}
		n = min(peekSize, max(in.br.Buffered(), n+1))
	}
}

// headReader reads the body and keeps a copy of its first peekSize bytes
// in head, for messages about a body that is not a stream.
type headReader struct{ in *Input }

func (h headReader) Read(p []byte) (int, error) {
	n, err := h.in.br.Read(p)
	if k := min(n, peekSize-len(h.in.head)); k > 0 {
		h.in.head = append(h.in.head, p[:k]...)
	}
	return n, err
}

// readPreamble consumes "HTTP/x NNN reason" status lines and their headers
// (several, as after a 100 Continue or a proxy CONNECT).
func (in *Input) readPreamble() error {
	for {
		b, err := in.br.Peek(5)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if !bytes.Equal(b, []byte("HTTP/")) {
			return nil
		}
		line, err := in.readLine()
		if err != nil {
			return err
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			return fmt.Errorf("line %d: malformed HTTP status line %q", in.HeaderLines, line)
		}
		code, cerr := strconv.Atoi(fields[1])
		if cerr != nil || code < 100 || code > 999 {
			return fmt.Errorf("line %d: malformed HTTP status line %q", in.HeaderLines, line)
		}
		in.StatusCode = code
		in.Headers = map[string]string{}
		for {
			h, err := in.readLine()
			if err != nil {
				return err
			}
			if h == "" {
				break
			}
			name, value, ok := strings.Cut(h, ":")
			if !ok {
				continue
			}
			in.Headers[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(value)
		}
	}
}

// readLine reads one preamble line without its CRLF or LF; at EOF it
// returns what there was.
func (in *Input) readLine() (string, error) {
	s, err := in.br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	if s == "" && errors.Is(err, io.EOF) {
		return "", nil
	}
	in.HeaderLines++
	return strings.TrimRight(s, "\r\n"), nil
}

// stickyReader returns the first error of r again on every later read
// instead of calling r after it failed, so that a read error seen while
// peeking is seen again, in place, by the reader of the body.
type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.err = err
	return n, err
}
