package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
	"strings"
)

// A Preamble is the head of an HTTP response as curl -i shows it before
// the body: a status line and the header. When the response had interim
// ones (100 Continue) or came through a proxy (CONNECT), it is the last.
type Preamble struct {
	// Proto is the protocol of the status line, as in "HTTP/1.1".
	Proto string
	// StatusCode is the status, 100 to 999.
	StatusCode int
	// Header is the header of the last status line, keys canonical
	// (textproto.CanonicalMIMEHeaderKey), values in the order they came.
	Header textproto.MIMEHeader
	// Lines is the number of lines the status lines and headers take,
	// the blank line after each header included: body line N is line
	// N+Lines of the response.
	Lines int
}

// ErrMalformedPreamble is wrapped by ReadPreamble's error for a status line
// or header that is not HTTP.
var ErrMalformedPreamble = errors.New("malformed HTTP preamble")

// A LineReader is what ReadPreamble reads from; *bufio.Reader is one.
type LineReader interface {
	Peek(n int) ([]byte, error)
	ReadSlice(delim byte) ([]byte, error)
}

// ReadPreamble reads the "HTTP/x NNN reason" status lines and headers at
// the start of r, and returns the last status and its header, parsed with
// net/textproto; nil when r does not start with "HTTP/". It consumes the
// preamble and nothing after it. An error is r's read error, or a
// malformed status line or header with its line number
// (ErrMalformedPreamble).
func ReadPreamble(r LineReader) (*Preamble, error) {
	var p *Preamble
	lines := 0
	for {
		b, err := r.Peek(5)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if !bytes.Equal(b, []byte("HTTP/")) {
			return p, nil
		}
		status, _, err := readLine(r)
		if err != nil {
			return nil, err
		}
		lines++
		proto, code, ok := parseStatusLine(status)
		if !ok {
			return nil, &preambleError{msg: fmt.Sprintf("line %d: malformed HTTP status line %q", lines, status)}
		}
		first := lines + 1
		var head bytes.Buffer
		for {
			h, ok, err := readLine(r)
			if err != nil {
				return nil, err
			}
			if ok {
				lines++
			}
			if h == "" {
				break // the blank line, or the end of input
			}
			head.WriteString(h)
			head.WriteString("\r\n")
		}
		head.WriteString("\r\n")
		h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(head.Bytes()))).ReadMIMEHeader()
		if err != nil {
			return nil, &preambleError{msg: fmt.Sprintf("line %d: malformed HTTP header: %v", first+headerLine(head.Bytes(), err), err), err: err}
		}
		p = &Preamble{Proto: proto, StatusCode: code, Header: h, Lines: lines}
	}
}

// preambleError is a malformed status line or header, with its line; err
// is textproto's error, if any.
type preambleError struct {
	msg string
	err error
}

func (e *preambleError) Error() string        { return e.msg }
func (e *preambleError) Unwrap() error        { return e.err }
func (e *preambleError) Is(target error) bool { return target == ErrMalformedPreamble }

// parseStatusLine parses "HTTP/x NNN reason".
func parseStatusLine(line string) (proto string, code int, ok bool) {
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return "", 0, false
	}
	code, err := strconv.Atoi(fields[1])
	if err != nil || code < 100 || code > 999 {
		return "", 0, false
	}
	return fields[0], code, true
}

// headerLine returns the index, in the header block head, of the line
// that a textproto error shows, or 0.
func headerLine(head []byte, err error) int {
	msg := err.Error()
	for i, l := range strings.Split(string(head), "\r\n") {
		if l != "" && (strings.Contains(msg, strconv.Quote(l)) || strings.HasSuffix(msg, ": "+l)) {
			return i
		}
	}
	return 0
}

// readLine reads one line of the preamble without its CRLF or LF; at the
// end of input it returns what there was, and ok false when nothing.
func readLine(r LineReader) (line string, ok bool, err error) {
	b, err := r.ReadSlice('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		if errors.Is(err, bufio.ErrBufferFull) {
			return "", false, errLineTooLong
		}
		return "", false, err
	}
	return strings.TrimRight(string(b), "\r\n"), len(b) > 0, nil
}
