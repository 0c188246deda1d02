package capture

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sseinspect/sseinspect/timing"
)

// curl --trace-ascii output: a block header line (with --trace-time, the
// time of day first), then its dump lines "OOOO: text", where OOOO is the
// hexadecimal offset of the line's first byte in the block. In a dump line,
// bytes other than printable ASCII are shown as '.', and a CRLF ends the line
// without being shown; lines hold at most 64 bytes.
var (
	traceBlock = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:(\d\d):(\d\d):(\d\d)\.(\d{6}) )?(==|=>|<=) ([^,]*)(?:, (\d+) bytes \(0x[0-9a-f]+\))?`)
	})
	traceDump = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9a-f]{4,}): `) })
)

// isCurlTrace reports whether head begins like curl --trace-ascii output:
// `^(?:\d\d:\d\d:\d\d\.\d{6} )?(?:==|=>|<=) ` (FuzzIsCurlTrace holds it to
// that expression). Written out, so that every capture opened does not
// compile a regular expression to look at its first bytes (start-up,
// issue 16).
func isCurlTrace(head []byte) bool {
	if len(head) >= 16 && traceTime(head[:16]) && traceArrow(head[16:]) {
		return true
	}
	return traceArrow(head)
}

// traceTime reports whether b is "HH:MM:SS.uuuuuu " in digits (any).
func traceTime(b []byte) bool {
	for i, t := range []byte("99:99:99.999999 ") {
		if t == '9' && (b[i] < '0' || b[i] > '9') || t != '9' && b[i] != t {
			return false
		}
	}
	return true
}

// traceArrow reports whether b begins with "== ", "=> " or "<= ".
func traceArrow(b []byte) bool {
	return len(b) >= 3 && b[2] == ' ' && (b[0] == '=' && (b[1] == '=' || b[1] == '>') || b[0] == '<' && b[1] == '=')
}

// mayBeCurlTrace reports whether head could still turn out to begin curl
// --trace-ascii output once more bytes arrive.
func mayBeCurlTrace(head []byte) bool {
	if isCurlTrace(head) {
		return true
	}
	for _, t := range []string{"99:99:99.999999 == ", "99:99:99.999999 => ", "99:99:99.999999 <= ", "== ", "=> ", "<= "} {
		if len(head) >= len(t) {
			continue
		}
		ok := true
		for i, c := range head {
			if t[i] == '9' && (c < '0' || c > '9') || t[i] != '9' && c != t[i] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// traceBlockData is one received block of a curl trace.
type traceBlockData struct {
	header bool // Recv header, else Recv data
	at     time.Duration
	data   []byte
}

// fromCurlTrace reads curl --trace-ascii output and returns the capture of
// the response it shows: the received header (read as the preamble of a
// curl -i capture) and body, each block timed by its --trace-time time,
// from the first line of the trace. Without --trace-time, the capture has
// no times.
//
// The ASCII trace does not keep every byte: it shows each byte that is not
// printable ASCII as '.'. Line feeds are restored where an SSE line starts
// after them (a field name and ':', a comment, a blank line, the end), and
// a chunked transfer encoding is removed using the exact byte counts; other
// such bytes (non-ASCII text) stay '.', which the capture's notes say.
func fromCurlTrace(r io.Reader) (*Capture, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var (
		blocks  []traceBlockData
		cur     *traceBlockData
		size    int // the current block's byte count
		off     int // offset of the last dump line
		text    []byte
		inBlock bool // the current block is received header or data
		timed   = true
		t0      time.Duration
		first   = true
		last    time.Duration
		days    time.Duration
		line    int
	)
	flushLine := func(next int) error {
		if !inBlock || text == nil {
			return nil
		}
		cur.data = append(cur.data, text...)
		switch gap := next - off - len(text); gap {
		case 0:
		case 2:
			cur.data = append(cur.data, '\r', '\n')
		default:
			return fmt.Errorf("the dump lines of this block do not add up (%d bytes at offset %#x, then offset %#x)", len(text), off, next)
		}
		text = nil
		return nil
	}
	endBlock := func() error {
		if err := flushLine(size); err != nil {
			return err
		}
		if inBlock && len(cur.data) != size {
			return fmt.Errorf("a block of %d bytes shows %d", size, len(cur.data))
		}
		inBlock = false
		return nil
	}
	for sc.Scan() {
		line++
		l := sc.Bytes()
		if m := traceDump().FindSubmatch(l); m != nil && inBlock {
			o, _ := strconv.ParseInt(string(m[1]), 16, 64)
			if err := flushLine(int(o)); err != nil {
				return nil, traceErr(line, "curl trace: %v", err)
			}
			off = int(o)
			text = append([]byte{}, l[len(m[0]):]...)
			continue
		}
		m := traceBlock().FindSubmatch(l)
		if m == nil {
			if line == 1 {
				return nil, traceErr(line, "not a curl --trace-ascii output")
			}
			continue // a continued Info message, an unknown line
		}
		if err := endBlock(); err != nil {
			return nil, traceErr(line, "curl trace: %v", err)
		}
		var at time.Duration
		if m[1] == nil {
			timed = false
		} else {
			h, _ := strconv.Atoi(string(m[1]))
			mi, _ := strconv.Atoi(string(m[2]))
			s, _ := strconv.Atoi(string(m[3]))
			us, _ := strconv.Atoi(string(m[4]))
			if h > 23 || mi > 59 || s > 59 {
				// curl prints the local time of day; past midnight is
				// counted as a day later, which only a real clock makes
				// monotonic (FuzzOpen: 40:00:00, then 00:00:02).
				return nil, traceErr(line, "curl trace: %s is not a time of day", l[:15])
			}
			at = time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(s)*time.Second + time.Duration(us)*time.Microsecond + days
			if !first && at < last {
				days += 24 * time.Hour // past midnight
				at += 24 * time.Hour
			}
			if first {
				t0 = at
			}
			last = at
		}
		first = false
		kind := string(m[6])
		if string(m[5]) != "<=" || (kind != "Recv header" && kind != "Recv data") || m[7] == nil {
			continue
		}
		n, _ := strconv.Atoi(string(m[7]))
		blocks = append(blocks, traceBlockData{header: kind == "Recv header", at: at - t0})
		cur, size, off, text, inBlock = &blocks[len(blocks)-1], n, 0, nil, true
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := endBlock(); err != nil {
		return nil, traceErr(line, "curl trace: %v", err)
	}
	return traceCapture(blocks, timed)
}

// traceCapture turns the received blocks of a trace into a capture.
func traceCapture(blocks []traceBlockData, timed bool) (*Capture, error) {
	chunked := false
	for _, b := range blocks {
		if b.header {
			name, value, _ := strings.Cut(string(b.data), ":")
			if strings.EqualFold(strings.TrimSpace(name), "transfer-encoding") && strings.Contains(strings.ToLower(value), "chunked") {
				chunked = true
			}
		}
	}
	var d dechunker
	var body []byte // the body, for restoring line feeds across blocks
	for i := range blocks {
		b := &blocks[i]
		if b.header {
			continue
		}
		if chunked {
			b.data = d.write(b.data)
		}
		body = append(body, b.data...)
	}
	// Restore the line feeds, in place in body, then hand the bytes back
	// to their blocks.
	dots := 0
	for i, c := range body {
		if c == '.' && lineFollows(body, i+1) {
			body[i] = '\n'
			dots++
		}
	}
	c := &Capture{}
	if timed {
		c.Start = traceStart
	}
	at := func(d time.Duration) time.Time {
		if !timed {
			return time.Time{}
		}
		return traceStart.Add(d)
	}
	var head bytes.Buffer // the received header, as curl -i shows it
	src := &chunks{end: at(0)}
	pos := 0
	for i, b := range blocks {
		if i == 0 {
			c.firstByte = at(b.at)
		}
		if t := at(b.at); t.After(src.end) {
			src.end = t
		}
		if b.header {
			head.Write(b.data)
			continue
		}
		src.list = append(src.list, chunk{data: body[pos : pos+len(b.data)], at: at(b.at)})
		pos += len(b.data)
	}
	c.body = &reader{src: src}
	p, err := ReadPreamble(bufio.NewReader(bytes.NewReader(head.Bytes())))
	if err != nil {
		return nil, traceErr(1, "curl trace: the received header: %v", err)
	}
	if p != nil {
		c.StatusCode, c.Header, c.HeaderLines = p.StatusCode, p.Header, p.Lines
		c.Head = head.Bytes()
	}
	c.Notes = append(c.Notes, "read from curl --trace-ascii output: bytes other than printable ASCII show as '.' there; line feeds were restored where an SSE line follows, other such bytes (non-ASCII text) are '.'")
	if d.err != nil {
		c.Notes = append(c.Notes, "curl trace: "+d.err.Error())
	}
	if !timed {
		c.Notes = append(c.Notes, "the curl trace has no times (use --trace-time): no timing")
	}
	return c, nil
}

// traceStart is the time the times of a curl trace count from: its
// first line.
var traceStart = time.Unix(0, 0).UTC()

// traceErr returns the error of a malformed trace at a line of it.
func traceErr(line int, format string, args ...any) error {
	return &timing.FormatError{Line: line, Err: fmt.Errorf(format, args...)}
}

// lineFollows reports whether an SSE line (or the end) starts at body[i]
// after a '.' that may stand for a line feed: past any further '.', the end,
// a comment, a line terminator, or a field name and ':'.
func lineFollows(body []byte, i int) bool {
	for i < len(body) && body[i] == '.' {
		i++
	}
	rest := body[i:]
	if len(rest) == 0 || rest[0] == ':' || rest[0] == '\r' || rest[0] == '\n' {
		return true
	}
	for _, f := range []string{"data:", "event:", "id:", "retry:"} {
		if bytes.HasPrefix(rest, []byte(f)) {
			return true
		}
	}
	return false
}

// dechunker removes a chunked transfer encoding, byte counts exact.
type dechunker struct {
	state int    // 0 size line, 1 data, 2 CRLF after data, 3 done (trailers)
	size  []byte // the size line so far
	left  int64
	err   error
}

func (d *dechunker) write(p []byte) []byte {
	var out []byte
	for len(p) > 0 && d.err == nil {
		switch d.state {
		case 0:
			i := bytes.IndexByte(p, '\n')
			if i < 0 {
				d.size = append(d.size, p...)
				return out
			}
			d.size = append(d.size, p[:i]...)
			p = p[i+1:]
			s, _, _ := strings.Cut(strings.TrimSpace(string(d.size)), ";")
			n, err := strconv.ParseInt(s, 16, 64)
			d.size = d.size[:0]
			if err != nil || n < 0 {
				d.err = fmt.Errorf("malformed chunk size %q: the body may be wrong", s)
				out = append(out, p...)
				return out
			}
			d.left, d.state = n, 1
			if n == 0 {
				d.state = 3
			}
		case 1:
			k := int(min(int64(len(p)), d.left))
			out = append(out, p[:k]...)
			p, d.left = p[k:], d.left-int64(k)
			if d.left == 0 {
				d.state, d.left = 2, 2
			}
		case 2:
			k := int(min(int64(len(p)), d.left))
			p, d.left = p[k:], d.left-int64(k)
			if d.left == 0 {
				d.state = 0
			}
		case 3:
			return out
		}
	}
	return out
}
