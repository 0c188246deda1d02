package capture

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
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
// only the phases of the exchange: the response's first byte is taken at
// blocked + dns + connect + send + wait (ssl is part of connect; -1 means
// the phase did not apply), its end at the entry's time; the times of
// events are unknown (EventsUntimed).

// harFile holds the members of a HAR file that are read.
type harFile struct {
	Log *struct {
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	Time    float64 `json:"time"`
	Request struct {
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
	Timings struct {
		Blocked float64 `json:"blocked"`
		DNS     float64 `json:"dns"`
		Connect float64 `json:"connect"`
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
	} `json:"timings"`
}

// isHAR reports whether head begins a JSON object whose first member is
// "log"; mayBeHAR whether it could still turn out to once more bytes arrive.
func isHAR(head []byte) bool {
	ok, decided := harPrefix(head)
	return ok && decided
}

func mayBeHAR(head []byte) bool {
	ok, _ := harPrefix(head)
	return ok
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// harPrefix reports whether head is consistent with `{ "log":` (white space
// allowed), and whether head is long enough to be sure.
func harPrefix(head []byte) (ok, decided bool) {
	head = bytes.TrimPrefix(head, bom)
	for _, want := range []string{"{", `"log"`, ":"} {
		head = bytes.TrimLeft(head, " \t\r\n")
		if len(head) < len(want) {
			return bytes.HasPrefix([]byte(want), head), false
		}
		if !bytes.HasPrefix(head, []byte(want)) {
			return false, true
		}
		head = head[len(want):]
	}
	return true, true
}

// harStart is the time the times of a HAR file count from.
var harStart = time.Unix(0, 0).UTC()

// fromHAR reads a HAR file and returns the capture of the response it
// holds.
func fromHAR(r io.Reader) (*Capture, error) {
	var f harFile
	if err := json.NewDecoder(r).Decode(&f); err != nil {
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
	body := ""
	if t := e.Response.Content.Text; t != nil {
		body = *t
	}
	if strings.EqualFold(e.Response.Content.Encoding, "base64") {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, formatErr("HAR: entry %d: content.text: %v", pick+1, err)
		}
		body = string(b)
	}
	ms := func(v float64) time.Duration {
		if v < 0 {
			return 0
		}
		return time.Duration(v * float64(time.Millisecond)).Round(time.Microsecond)
	}
	t := e.Timings
	ttfb := harStart.Add(ms(t.Blocked) + ms(t.DNS) + ms(t.Connect) + ms(t.Send) + ms(t.Wait))
	end := harStart.Add(ms(e.Time))
	if end.Before(ttfb) {
		end = ttfb
	}
	c := &Capture{
		Start:         harStart,
		EventsUntimed: true,
		body:          &reader{src: &chunks{list: []chunk{{data: []byte(body), at: ttfb}}, end: end}},
	}
	if e.Response.Status > 0 {
		// The preamble as curl -i would show it.
		proto := e.Response.HTTPVersion
		if !strings.HasPrefix(strings.ToUpper(proto), "HTTP/") {
			proto = "HTTP/1.1" // Chrome writes "h2" or "h3" for HTTP/2 and 3
		}
		c.StatusCode = e.Response.Status
		c.Header = textproto.MIMEHeader{}
		c.HeaderLines = 2 // the status line and the blank line
		head := []byte(proto + " " + strconv.Itoa(e.Response.Status) + " " + e.Response.StatusText + "\r\n")
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
	note := fmt.Sprintf("read from a HAR file (entry %d of %d: %s %s): it keeps no per-event timing; the first byte and the end come from its timings, the times of events are unknown", pick+1, len(f.Log.Entries), e.Request.Method, e.Request.URL)
	c.Notes = append(c.Notes, note)
	if sse > 1 {
		c.Notes = append(c.Notes, fmt.Sprintf("the HAR file has %d text/event-stream responses; the first was read", sse))
	}
	return c, nil
}

// formatErr returns the error of a malformed trace or HAR file.
func formatErr(format string, args ...any) error {
	return &timing.FormatError{Line: 1, Err: fmt.Errorf(format, args...)}
}
