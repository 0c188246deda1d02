// Package timing reads and writes timed captures: SSE streams recorded by
// "sseinspect record" with the arrival time of every line kept in SSE comment
// lines, so that the capture stays a valid event stream that any SSE reader
// accepts unchanged, and every byte of the original stream can be recovered
// exactly.
//
// # Format, version 1
//
// A timed capture is the original stream with these lines inserted, each
// ended by a single LF:
//
//	:sseinspect-timed v1 start=<RFC 3339 time, nanoseconds>
//	:sseinspect-t <ms>
//	:sseinspect-t <ms> noeol
//	:sseinspect-end <ms>
//
// <ms> is a time in milliseconds since start, written with exactly three
// decimals (microsecond resolution): "0.512", "1234.000".
//
//   - The header ":sseinspect-timed v1 start=..." is the first line. Readers
//     ignore further space-separated key=value fields after start, and
//     reject other versions. If the original begins with a UTF-8 byte order
//     mark, the BOM is written before the header (an SSE reader strips a
//     BOM only at the very start), and a ":sseinspect-t" line follows the
//     header at once, giving the BOM's arrival time.
//   - ":sseinspect-t <ms>" comes before an original line whose arrival time
//     differs from the previous line's (the first line always has one). The
//     arrival time of a line is the time of the read that completed it: the
//     read that brought its line terminator. All lines until the next
//     ":sseinspect-t" have that time. A line that ends with CR at the end of
//     a read is completed by the next read (which may bring the LF of a
//     CRLF), so nothing is ever inserted between a CR and its LF.
//   - ":sseinspect-t <ms> noeol" comes before the last line of an original
//     that did not end with a line terminator: that line is followed in the
//     capture by a LF that is not part of the original. Its time is the
//     arrival of its last byte.
//   - An original line that begins with ":sseinspect-" is written with
//     ":sseinspect-esc" before it (":sseinspect-t 5" becomes
//     ":sseinspect-esc:sseinspect-t 5"), so it is recovered exactly. To an
//     SSE reader both are comments.
//   - ":sseinspect-end <ms>" is the last line: the time the original ended
//     (end of input). A capture without it was cut short (the recorder was
//     stopped); Reader then returns the lines it has and reports Truncated.
//     Space-separated key=value fields may follow <ms>; readers ignore
//     those they do not know. "cut=<who>" says that the stream was cut
//     off before its end, at <ms>, by the client that went away
//     ("cut=client", written by sseinspect proxy), the upstream whose
//     body failed ("cut=upstream") or the proxy that stopped
//     ("cut=proxy"): see Reader.Cut.
//
// Inserted lines are comments, which every SSE reader ignores, and they are
// inserted only at line starts, so the capture dispatches the same events as
// the original. Line numbers do change: read a timed capture through Reader
// to see the original lines.
//
// Package capture detects a timed capture among other inputs, and also
// reads curl --trace-ascii output and HAR files, which carry times too.
//
// Recording keeps in memory the line being received (a line is written once
// it is complete), so memory is bounded by the longest line, not by the
// length of the stream.
package timing

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Version is the format version written by Writer.
const Version = "v1"

// The prefixes of the lines the format inserts.
const (
	prefix       = ":sseinspect-"
	headerPrefix = ":sseinspect-timed "
	timePrefix   = ":sseinspect-t "
	endPrefix    = ":sseinspect-end "
	escPrefix    = ":sseinspect-esc"
)

var bom = []byte{0xEF, 0xBB, 0xBF}

// ErrFormat is wrapped by the errors Reader returns for a malformed timed
// capture.
var ErrFormat = errors.New("malformed timed capture")

// IsTimed reports whether head, the first bytes of a capture, begins a timed
// capture (an optional BOM, then the header line's prefix).
func IsTimed(head []byte) bool {
	head = bytes.TrimPrefix(head, bom)
	return bytes.HasPrefix(head, []byte(headerPrefix))
}

// MayBeTimed reports whether head could still turn out to begin a timed
// capture once more bytes arrive.
func MayBeTimed(head []byte) bool {
	if len(head) < len(bom) && bytes.HasPrefix(bom, head) {
		return true
	}
	head = bytes.TrimPrefix(head, bom)
	return bytes.HasPrefix([]byte(headerPrefix), head)
}

// appendMs appends us, a time in microseconds, in milliseconds with three
// decimals; a negative time is written as 0.
func appendMs(b []byte, us int64) []byte {
	if us < 0 {
		us = 0
	}
	b = strconv.AppendInt(b, us/1000, 10)
	b = append(b, '.')
	frac := us % 1000
	if frac < 100 {
		b = append(b, '0')
	}
	if frac < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, frac, 10)
}

// parseMs parses a time written by appendMs (any number of decimals up to
// three is accepted) into a duration.
func parseMs(s string) (time.Duration, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if !digits(whole) || len(frac) > 3 || !digits(frac) && frac != "" {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > int64(1<<62)/int64(time.Millisecond) {
		return 0, false
	}
	us := w * 1000
	if frac != "" {
		for len(frac) < 3 {
			frac += "0"
		}
		f, err := strconv.ParseUint(frac, 10, 64)
		if err != nil {
			return 0, false
		}
		us += int64(f)
	}
	return time.Duration(us) * time.Microsecond, true
}

// digits reports whether s is non-empty and all ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
