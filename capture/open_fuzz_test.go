package capture_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/timing"
)

// opened is all that Open and the reads of the body tell about an input,
// to compare two ways of reading it.
type opened struct {
	Err              string
	StatusCode       int
	Header           map[string][]string
	HeaderLines      int
	Head             string
	Start            time.Time
	StartIsWallClock bool
	EventsUntimed    bool
	Notes            []string
	FirstByte        time.Duration
	Reads            []timedRead
	End              time.Duration
	ReadErr          string
	Truncated        bool
	Cut              string
}

// documented reports whether err is of a kind that Open documents (the
// input is a bytes.Reader: no read error of its own).
func documented(err error) bool {
	return errors.Is(err, timing.ErrFormat) || errors.Is(err, capture.ErrMalformedPreamble) || errors.Is(err, capture.ErrCoding)
}

// openAll opens in through r and reads its body, up to limit bytes.
func openAll(tb testing.TB, r io.Reader, limit int) opened {
	tb.Helper()
	c, err := capture.Open(r, capture.Options{})
	if err != nil {
		if !documented(err) {
			tb.Fatalf("Open: an error of no documented kind: %v", err)
		}
		return opened{Err: err.Error()}
	}
	o := opened{
		StatusCode: c.StatusCode, Header: c.Header, HeaderLines: c.HeaderLines, Head: string(c.Head),
		Start: c.Start, StartIsWallClock: c.StartIsWallClock, EventsUntimed: c.EventsUntimed, Notes: c.Notes,
	}
	offset := func(t time.Time) time.Duration {
		if t.IsZero() {
			return -1
		}
		return t.Sub(c.Start)
	}
	buf := make([]byte, 512)
	total := 0
	for total < limit {
		n, at, err := c.ReadTimed(buf)
		if n > 0 {
			total += n
			if k := len(o.Reads); k > 0 && o.Reads[k-1].at == offset(at) {
				o.Reads[k-1].data += string(buf[:n])
			} else {
				o.Reads = append(o.Reads, timedRead{string(buf[:n]), offset(at)})
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				if !documented(err) {
					tb.Fatalf("reading the body: an error of no documented kind: %v", err)
				}
				o.ReadErr = err.Error()
			}
			break
		}
	}
	o.FirstByte, o.End = offset(c.FirstByte()), offset(c.End())
	o.Truncated, o.Cut = c.Truncated(), c.Cut()
	return o
}

// checkOpen holds for any input of Open: no panic; an error of the
// documented kinds; the same capture read whole or one byte at a time;
// times that never go backwards, from the first byte to the end; and a
// body bounded by the input, a few times its size (a HAR entry rebuilt
// from its _eventSourceMessages writes "data: " for each line) unless a
// Content-Encoding or a compressed input is decoded.
func checkOpen(t *testing.T, in []byte) {
	t.Helper()
	limit := 64*len(in) + 64<<10
	whole := openAll(t, bytes.NewReader(in), limit)
	bytewise := openAll(t, iotest.OneByteReader(bytes.NewReader(in)), limit)
	if !reflect.DeepEqual(whole, bytewise) {
		t.Fatalf("read whole and one byte at a time differ:\n whole    %+v\n bytewise %+v", whole, bytewise)
	}
	if whole.Err != "" {
		return
	}
	// A timed capture's times are given as it records them, even when
	// they go backwards (the summary warns: streamctx's FuzzArrivalTimes);
	// the times of the other inputs, converted by Open, never do.
	asRecorded := timing.IsTimed(bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF")))
	size := 0
	last := whole.FirstByte
	for _, r := range whole.Reads {
		size += len(r.data)
		if whole.Start.IsZero() {
			if r.at != -1 {
				t.Fatalf("a time %v without a start", r.at)
			}
			continue
		}
		if r.at < 0 || r.at < last && !asRecorded {
			t.Fatalf("times go backwards: %v after %v (first byte %v)", r.at, last, whole.FirstByte)
		}
		last = r.at
	}
	if !whole.Start.IsZero() && whole.ReadErr == "" && whole.End < last && !asRecorded {
		t.Fatalf("the end %v before the last bytes %v", whole.End, last)
	}
	decoded := len(whole.Header["Content-Encoding"]) > 0 || len(whole.Header["Transfer-Encoding"]) > 0
	for _, n := range whole.Notes {
		decoded = decoded || strings.Contains(n, "compressed")
	}
	if !decoded && size+len(whole.Head) > 4*len(in)+64 {
		t.Fatalf("%d bytes of body and %d of head from %d bytes of input", size, len(whole.Head), len(in))
	}
}

// openSeeds are inputs of every kind Open tells apart: the captures of
// the corpus under 16 KiB (plain streams, JSON bodies, curl -i), curl
// traces, a HAR file, timed captures, curl -v output, and edges.
func openSeeds(f *testing.F) {
	f.Helper()
	var paths []string
	for _, glob := range []string{"../testdata/captures/*/*", "testdata/*"} {
		m, err := filepath.Glob(glob)
		require.NoError(f, err)
		paths = append(paths, m...)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".md") {
			continue
		}
		st, err := os.Stat(p)
		require.NoError(f, err)
		if st.IsDir() || st.Size() > 16<<10 {
			continue
		}
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b)
	}
	for _, s := range []string{
		"",
		":sseinspect-timed v1 start=2026-03-04T05:06:07.123456789Z\n:sseinspect-t 180.250\ndata: a\n\n:sseinspect-t 410.000 noeol\ndata: b\n:sseinspect-end 420.5 cut=client\n",
		":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n:sseinspect-t 1.000\ndata: a\n",
		"\xef\xbb\xbf:sseinspect-timed v1 start=2026-03-04T05:06:07Z\n:sseinspect-t 0.000\n:sseinspect-esc:sseinspect-t 5\n:sseinspect-end 1.000\n",
		curlVerboseHead + "data: a\n\n",
		curlVerboseHead + "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n{ [5 bytes data]\n" + "data: a\n\n",
		"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ndata:\r\n0\r\n\r\n",
		"HTTP/2 429 \r\ncontent-type: application/json\r\n\r\n{\"error\":{}}",
		"HTTP/ 500 \n<",
		"* " + strings.Repeat("a", 100),
		"\x1f\x8b",
		"10:00:00.000000 <= Recv data, 3 bytes (0x3)\n0000: a.b\n",
	} {
		f.Add([]byte(s))
	}
	for _, s := range harSeeds() {
		f.Add([]byte(s))
	}
}

// FuzzOpen: any input is opened as what it looks like, or refused with
// an error of the documented kind (checkOpen).
func FuzzOpen(f *testing.F) {
	openSeeds(f)
	f.Fuzz(checkOpen)
}

// harSeeds are hand-made HAR files in the shapes browsers and HAR writers
// give them: members in any order, base64 bodies, _eventSourceMessages
// with times since the epoch or on a monotonic clock, odd timings.
func harSeeds() []string {
	sse := `"content":{"mimeType":"text/event-stream","text":"data: {\"a\":1}\n\ndata: [DONE]\n\n"}`
	msgs := `"_eventSourceMessages":[{"time":1772600767.5,"eventName":"message","eventId":"","data":"{\"a\":1}"},{"time":1772600767.75,"eventName":"done","eventId":"7","data":"[DONE]"}]`
	b64 := base64.StdEncoding.EncodeToString([]byte("data: {\"b\":2}\n\n"))
	return []string{
		harOf(`{"startedDateTime":"2026-03-04T05:06:07.000Z","time":9,"response":{"status":200,"httpVersion":"h2","headers":[{"name":":status","value":"200"},{"name":"content-type","value":"text/event-stream"}],` + sse + `},"timings":{"blocked":-1,"dns":-1,"connect":-1,"send":1,"wait":4,"receive":4}}`),
		harOf(`{"startedDateTime":"2026-03-04T05:06:07.000Z","response":{"status":200,"content":{"mimeType":"text/event-stream"}},` + msgs + `,"timings":{"wait":4}}`),
		harOf(`{"response":{"status":200,"content":{"mimeType":"text/event-stream"}},"_eventSourceMessages":[{"time":5000.25,"data":"a\nb"},{"time":5000.5,"data":""}],"timings":{"wait":1e9,"receive":-5}}`),
		harOf(`{"response":{"content":{"encoding":"base64","text":"` + b64 + `","mimeType":"text/event-stream"},"status":200},"startedDateTime":"not a date","time":-1}`),
		`{"comment":"x","log":{"entries":[{"timings":{"send":0.5},"response":{"status":0,` + sse + `}}]}}`,
		"\xef\xbb\xbf" + harOf(`{"response":{"status":503,"content":{"mimeType":"text/html"}}}`),
		harOf(`{"response":{"status":200,"content":{"mimeType":"text/event-stream","text":""}},"_eventSourceMessages":[{"time":1,"data":"x\r\rdata: y"}]}`),
	}
}

// FuzzHAR: FuzzOpen seeded with HAR files only, since a HAR file must
// start with a JSON object with a "log" member that a mutation of another
// seed seldom makes.
func FuzzHAR(f *testing.F) {
	b, err := os.ReadFile("testdata/chrome.har")
	require.NoError(f, err)
	f.Add(b)
	for _, s := range harSeeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(checkOpen)
}
