package capture

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/sseinspect/sseinspect/timing"
)

// A HAR file (HTTP Archive 1.2, as Chrome and Firefox export it) is read
// for its response: the entry whose response is text/event-stream (the
// first such one), or its only entry. Its status and headers are the
// capture's, its content.text the body. HAR keeps no per-event timing,
// only the phases of the exchange, which count from the entry's
// startedDateTime (the capture's Start): the response's first byte is
// taken at blocked + dns + connect + send + wait (ssl is part of connect;
// -1 means the phase did not apply), its end receive later (at the
// entry's time when receive is missing); the times of events are unknown
// (EventsUntimed). A phase that is neither -1 nor a time (negative, more
// than a day) counts 0, with a note.

// harFile holds the members of a HAR file that are read.
type harFile struct {
	Log *struct {
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	StartedDateTime string  `json:"startedDateTime"`
	Time            float64 `json:"time"`
	Request         struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	} `json:"request"`
	Response struct {
		Status      int    `json:"status"`
		StatusText  string `json:"statusText"`
		HTTPVersion string `json:"httpVersion"`
		Headers     []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
		Content struct {
			MimeType string  `json:"mimeType"`
			Text     *string `json:"text"`
			Encoding string  `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
	// EventSourceMessages are the events of an EventSource response, as
	// Chrome's DevTools protocol reports them (Network.eventSourceMessage
	// Received) and HAR writers built on it export them, beside Chrome's
	// own _webSocketMessages. Time is in seconds: since the epoch, or on
	// the protocol's monotonic clock.
	EventSourceMessages []struct {
		Time      float64 `json:"time"`
		EventName string  `json:"eventName"`
		EventID   string  `json:"eventId"`
		Data      string  `json:"data"`
	} `json:"_eventSourceMessages"`
	// Timings are the phases of the exchange, in milliseconds; nil when
	// the entry has none, -1 when it did not apply.
	Timings struct {
		Blocked *float64 `json:"blocked"`
		DNS     *float64 `json:"dns"`
		Connect *float64 `json:"connect"`
		Send    *float64 `json:"send"`
		Wait    *float64 `json:"wait"`
		Receive *float64 `json:"receive"`
	} `json:"timings"`
}

// harSniff tells, as the head of an input grows, whether it is a HAR
// file (harPrefix), at a cost linear in the head's length: harPrefix reads
// the whole head each time, so that asking it on every read of an input
// read a byte at a time would take time quadratic in the bytes it takes
// to tell (64 KiB of a JSON object: seconds). It is asked while all it has
// read stays within harSniffBudget times the head, and at the end of the
// input; a decision, once made, stands, as more bytes do not change it.
type harSniff struct {
	read        int // bytes harPrefix has read in all
	decided, is bool
}

// harSniffBudget bounds the bytes harPrefix reads, in all, to this many
// times the head: an input whose head comes in a few reads (a JSON body,
// a live stream's first line) is asked about on every read.
const harSniffBudget = 8

// look returns whether head is a HAR file, and whether it may still turn
// out to be one; end says that head is all there is.
func (s *harSniff) look(head []byte, end bool) (is, may bool) {
	if s.decided {
		return s.is, s.is
	}
	if !end && s.read+len(head) > harSniffBudget*len(head) {
		return false, true // not asked: undecided
	}
	s.read += len(head)
	ok, decided := harPrefix(head)
	s.decided, s.is = decided, ok && decided
	return s.is, ok
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// maxHARPeek is how far into a JSON object harPrefix looks for "log".
const maxHARPeek = 64 << 10

// harPrefix reports whether head is consistent with a JSON object that
// has a "log" member, its members in any order (the ones before "log"
// are skipped, within maxHARPeek bytes), and whether head is long enough
// to be sure. A byte order mark may come first.
func harPrefix(head []byte) (ok, decided bool) {
	if len(head) < len(bom) && bytes.HasPrefix(bom, head) {
		return true, false // a byte order mark may be coming
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	if len(head) == 0 {
		return true, false
	}
	if head[0] != '{' {
		return false, true
	}
	d := json.NewDecoder(bytes.NewReader(head))
	if _, err := d.Token(); err != nil {
		return false, true
	}
	undecided := func(err error) (bool, bool) {
		if (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) && len(head) < maxHARPeek {
			return true, false
		}
		return false, true // not JSON, or no "log" near enough the start
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return undecided(err)
		}
		key, isKey := tok.(string)
		if !isKey {
			return false, true // the object ended without "log"
		}
		if key == "log" {
			return true, true
		}
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			return undecided(err)
		}
	}
}

// harStart is the time the times of a HAR entry count from when its
// startedDateTime cannot be read.
var harStart = time.Unix(0, 0).UTC()

// The startedDateTime of a HAR entry is taken between these (HAR is of
// 2009; a date far from it is a damaged or edited file).
var (
	harEarliest = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)
	harLatest   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// harTimes returns the times of e: its start (startedDateTime, or
// harStart when it cannot be read, then wall is false), its first byte
// and its end, and notes on the values that could not be used.
func (e *harEntry) harTimes() (start time.Time, wall bool, ttfb, end time.Time, notes []string) {
	start = harStart
	if t, err := time.Parse(time.RFC3339Nano, e.StartedDateTime); err == nil && !t.Before(harEarliest) && t.Before(harLatest) {
		start, wall = t, true
	} else if e.StartedDateTime != "" {
		notes = append(notes, fmt.Sprintf("the HAR entry's startedDateTime %q is not a date: when the stream ran is unknown, its times count from 0", oneLine(e.StartedDateTime)))
	}
	var bad []string
	phase := func(name string, v *float64) (time.Duration, bool) {
		switch {
		case v == nil || *v == -1:
			return 0, false
		case *v >= 0 && *v <= maxHARMillis:
			return time.Duration(*v * float64(time.Millisecond)).Round(time.Microsecond), true
		}
		bad = append(bad, fmt.Sprintf("%s %v", name, *v))
		return 0, false
	}
	t := &e.Timings
	var sum time.Duration
	for _, p := range []struct {
		name string
		v    *float64
	}{{"blocked", t.Blocked}, {"dns", t.DNS}, {"connect", t.Connect}, {"send", t.Send}, {"wait", t.Wait}} {
		d, _ := phase(p.name, p.v)
		sum += d
	}
	ttfb = start.Add(sum)
	receive, hasReceive := phase("receive", t.Receive)
	total, hasTotal := phase("time", &e.Time)
	switch {
	case hasReceive:
		end = ttfb.Add(receive)
		if hasTotal && e.Time > 0 && (total-sum-receive).Abs() > time.Millisecond {
			notes = append(notes, fmt.Sprintf("the HAR entry's time (%v ms) is not the sum of its timings (%v ms): the end is taken from its timings", e.Time, float64(sum+receive)/float64(time.Millisecond)))
		}
	case hasTotal:
		end = start.Add(total)
	}
	if end.Before(ttfb) {
		end = ttfb
	}
	if len(bad) > 0 {
		notes = append(notes, fmt.Sprintf("the HAR entry has times that cannot be right (%s ms): they count 0", strings.Join(bad, ", ")))
	}
	return start, wall, ttfb, end, notes
}

// fromHAR reads a HAR file and returns the capture of the response it
// holds.
func fromHAR(r io.Reader) (*Capture, error) {
	var f harFile
	br := bufio.NewReader(r)
	if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
		_, _ = br.Discard(len(bom)) // Fiddler and Windows tools write one
	}
	if err := json.NewDecoder(br).Decode(&f); err != nil {
		return nil, formatErr("HAR: %v", err)
	}
	if f.Log == nil || len(f.Log.Entries) == 0 {
		return nil, formatErr("HAR: no entries")
	}
	pick, sse := -1, 0
	for i, e := range f.Log.Entries {
		if strings.Contains(strings.ToLower(e.Response.Content.MimeType), "text/event-stream") {
			if pick < 0 {
				pick = i
			}
			sse++
		}
	}
	if pick < 0 {
		if len(f.Log.Entries) > 1 {
			return nil, formatErr("HAR: none of its %d entries is a text/event-stream response (export only the request to read)", len(f.Log.Entries))
		}
		pick = 0
	}
	e := &f.Log.Entries[pick]
	var notes []string
	body, hasText := "", false
	if t := e.Response.Content.Text; t != nil && *t != "" {
		body, hasText = *t, true
	}
	if hasText && strings.EqualFold(e.Response.Content.Encoding, "base64") {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, formatErr("HAR: entry %d: content.text: %v", pick+1, err)
		}
		body = string(b)
	}
	if !hasText && len(e.EventSourceMessages) > 0 {
		body = e.sseFromMessages()
		notes = append(notes, "the HAR entry has no content.text: its body was rebuilt from its _eventSourceMessages (their event, id and data; comments and the exact bytes are lost)")
	}
	if !hasText && len(e.EventSourceMessages) == 0 && e.Response.Status < 400 {
		return nil, formatErr("HAR: entry %d (%s %s, status %d) holds no response body: content.text is missing or empty. "+
			"Browsers leave it out when the HAR is saved without content, while the stream is still open, or for a response they did not keep; "+
			"save the HAR again after the stream has ended (Chrome: \"Save all as HAR with content\")",
			pick+1, e.Request.Method, redactURL(e.Request.URL), e.Response.Status)
	}
	start, wall, ttfb, end, timeNotes := e.harTimes()
	notes = append(notes, timeNotes...)
	list, note := e.timedEvents(body, start, wall, ttfb)
	if note != "" {
		notes = append(notes, note)
	}
	untimed := list == nil
	if untimed {
		list = []chunk{{data: []byte(body), at: ttfb}}
	} else if last := list[len(list)-1].at; last.After(end) {
		end = last
	}
	c := &Capture{
		Start:            start,
		StartIsWallClock: wall,
		EventsUntimed:    untimed,
		body:             &reader{src: &chunks{list: list, end: end}},
	}
	if e.Response.Status >= 100 && e.Response.Status <= 999 { // else none (0: Chrome's failed request)
		// The preamble as curl -i would show it.
		proto := e.Response.HTTPVersion
		if !strings.HasPrefix(strings.ToUpper(proto), "HTTP/") {
			proto = "HTTP/1.1" // Chrome writes "h2" or "h3" for HTTP/2 and 3
		}
		c.StatusCode = e.Response.Status
		c.Header = textproto.MIMEHeader{}
		c.HeaderLines = 2 // the status line and the blank line
		head := []byte(proto + " " + strconv.Itoa(e.Response.Status) + " " + oneLine(e.Response.StatusText) + "\r\n")
		for _, h := range e.Response.Headers {
			if strings.HasPrefix(h.Name, ":") || strings.ContainsAny(h.Name+h.Value, "\r\n") {
				continue // HTTP/2 pseudo-headers
			}
			c.Header.Add(strings.TrimSpace(h.Name), strings.TrimSpace(h.Value))
			c.HeaderLines++
			head = append(head, h.Name+": "+h.Value+"\r\n"...)
		}
		c.Head = append(head, "\r\n"...)
	}
	if c.StatusCode > 0 || body != "" {
		c.firstByte = ttfb
	}
	if untimed {
		c.Notes = append(c.Notes, fmt.Sprintf("read from a HAR file (entry %d of %d: %s %s): it keeps no per-event timing; the first byte and the end come from its timings, the times of events are unknown", pick+1, len(f.Log.Entries), e.Request.Method, redactURL(e.Request.URL)))
	} else {
		c.Notes = append(c.Notes, fmt.Sprintf("read from a HAR file (entry %d of %d: %s %s): the first byte and the end come from its timings, the times of events from its _eventSourceMessages", pick+1, len(f.Log.Entries), e.Request.Method, redactURL(e.Request.URL)))
	}
	c.Notes = append(c.Notes, notes...)
	if sse > 1 {
		c.Notes = append(c.Notes, fmt.Sprintf("the HAR file has %d text/event-stream responses; the first was read", sse))
	}
	return c, nil
}

// redactURL returns a request URL as a note or an error may show it: the
// values of its credential query parameters (the ones the proxy redacts,
// proxy.secretParams: Gemini's key=, API Management's subscription-key=, a
// presigned AWS request's X-Amz-*) replaced by REDACTED, as notes reach
// warnings, JSON summaries and HTML reports.
func redactURL(u string) string {
	base, query, ok := strings.Cut(u, "?")
	if !ok {
		return u
	}
	parts := strings.Split(query, "&")
	for i, part := range parts {
		name, _, hasValue := strings.Cut(part, "=")
		switch strings.ToLower(name) {
		case "key", "api_key", "apikey", "api-key", "subscription-key",
			"x-amz-credential", "x-amz-signature", "x-amz-security-token":
			if hasValue {
				parts[i] = name + "=REDACTED"
			}
		}
	}
	return base + "?" + strings.Join(parts, "&")
}

// maxHARMillis bounds a time in a HAR file (a day): a larger one cannot
// be the time of one exchange, and would overflow a time.Duration.
const maxHARMillis = 24 * 60 * 60 * 1000

// sseFromMessages writes the events of _eventSourceMessages as an SSE
// stream: an event line unless the type is "message", an id line when
// there is one, a data line per line of data (ended by LF, CRLF or CR),
// a blank line.
func (e *harEntry) sseFromMessages() string {
	var b strings.Builder
	for _, m := range e.EventSourceMessages {
		if m.EventName != "" && m.EventName != "message" {
			b.WriteString("event: " + oneLine(m.EventName) + "\n")
		}
		if m.EventID != "" {
			b.WriteString("id: " + oneLine(m.EventID) + "\n")
		}
		for _, l := range strings.Split(crlf.Replace(m.Data), "\n") {
			b.WriteString("data: " + l + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// crlf turns CRLF and CR into LF: a CR in a message's data (which an
// EventSource cannot have received, as CR ends a line) ends a data line
// as it would in the stream, instead of ending it there and starting a
// line of another field.
var crlf = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// oneLine keeps a field value on its line.
func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

// timedEvents splits body into the events that _eventSourceMessages
// time, each with its arrival: nil when the entry has no such times, with
// a note when it has some that cannot be used. A message time since the
// epoch counts from startedDateTime (start, when wall); one on the
// protocol's monotonic clock cannot be placed against the request, so the
// first message is taken at the first byte (ttfb) and the others by their
// differences.
func (e *harEntry) timedEvents(body string, start time.Time, wall bool, ttfb time.Time) ([]chunk, string) {
	msgs := e.EventSourceMessages
	if len(msgs) == 0 {
		return nil, ""
	}
	blocks := dataBlocks(body)
	if len(blocks) != len(msgs) {
		return nil, fmt.Sprintf("the HAR entry has %d _eventSourceMessages for %d events in its body: their times were not used", len(msgs), len(blocks))
	}
	epoch := wall && msgs[0].Time > 1e9
	at := make([]time.Time, len(msgs))
	for i, m := range msgs {
		var secs float64 // since the start of the exchange
		if epoch {
			secs = m.Time - float64(start.UnixNano())/1e9
		} else {
			secs = ttfb.Sub(start).Seconds() + m.Time - msgs[0].Time
		}
		var d time.Duration
		if secs >= 0 && secs <= maxHARMillis/1000 { // false for NaN
			d = time.Duration(secs * float64(time.Second)).Round(time.Microsecond)
		}
		if d == 0 && secs != 0 || i > 0 && d < at[i-1].Sub(start) {
			return nil, fmt.Sprintf("the HAR entry's _eventSourceMessages have a time that cannot be right (message %d: %v): their times were not used", i+1, m.Time)
		}
		at[i] = start.Add(max(d, ttfb.Sub(start)))
	}
	list := make([]chunk, 0, len(blocks)+1)
	from := 0
	for i, to := range blocks {
		list = append(list, chunk{data: []byte(body[from:to]), at: at[i]})
		from = to
	}
	if from < len(body) {
		list = append(list, chunk{data: []byte(body[from:]), at: at[len(at)-1]})
	}
	return list, ""
}

// dataBlocks returns the end offsets in an SSE body of the events that an
// EventSource dispatches: the blank line after a block with a data field.
func dataBlocks(body string) []int {
	var ends []int
	hasData := false
	for i := 0; i < len(body); {
		j := strings.IndexAny(body[i:], "\r\n")
		line, next := body[i:], len(body)
		if j >= 0 {
			line, next = body[i:i+j], i+j+1
			if body[i+j] == '\r' && next < len(body) && body[next] == '\n' {
				next++
			}
		}
		switch {
		case line == "":
			if hasData {
				ends = append(ends, next)
			}
			hasData = false
		case line == "data" || strings.HasPrefix(line, "data:"):
			hasData = true
		}
		i = next
	}
	if hasData {
		ends = append(ends, len(body))
	}
	return ends
}

// formatErr returns the error of a malformed trace or HAR file.
func formatErr(format string, args ...any) error {
	return &timing.FormatError{Line: 1, Err: fmt.Errorf(format, args...)}
}
