package capture_test

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/timing"
)

// chrome.har is shaped like a Chrome export: an unrelated entry first, then
// an HTTP/2 text/event-stream response with its timings.
func TestHAR(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/chrome.har")
	require.NoError(t, err)
	defer f.Close()
	c, err := capture.Open(iotest.OneByteReader(f), capture.Options{})
	require.NoError(t, err)
	assert.False(t, c.Start.IsZero())
	assert.True(t, c.EventsUntimed)
	assert.Equal(t, 200, c.StatusCode)
	assert.Equal(t, "req_7f3a9c2b1d", c.Header.Get("X-Request-Id"))
	assert.Equal(t, "br", c.Header.Get("Content-Encoding"))
	assert.Equal(t, 5, c.HeaderLines, "as curl -i would show it: the status line, three headers, a blank line")
	assert.Equal(t, "HTTP/1.1 200 \r\ncontent-type: text/event-stream; charset=utf-8\r\nx-request-id: req_7f3a9c2b1d\r\ncontent-encoding: br\r\n\r\n", string(c.Head))
	// blocked 2.5 + dns 10.25 + connect 60.5 (ssl is part of it) + send
	// 0.25 + wait 420.125.
	assert.Equal(t, 493625*time.Microsecond, c.FirstByte().Sub(c.Start))
	reads, end := readAll(t, c)
	require.Len(t, reads, 1, "one time for the whole body")
	assert.Equal(t, 493625*time.Microsecond, reads[0].at)
	assert.True(t, strings.HasPrefix(reads[0].data, `data: {"id":"chatcmpl-h1"`))
	assert.Contains(t, reads[0].data, "Bonjour é")
	assert.True(t, strings.HasSuffix(reads[0].data, "data: [DONE]\n\n"))
	assert.Equal(t, 1834263*time.Microsecond, end, "the end: the entry's time")
	assert.Len(t, c.Notes, 1)
	assert.Contains(t, c.Notes[0], "entry 2 of 2: POST https://api.openai.com/v1/chat/completions")
}

func harOf(entries string) string { return `{"log":{"version":"1.2","entries":[` + entries + `]}}` }

func TestHAROneEntryBase64(t *testing.T) {
	t.Parallel()
	b64 := base64.StdEncoding.EncodeToString([]byte(`{"error":{"message":"slow down"}}`))
	in := harOf(`{"time":12,"request":{"method":"POST","url":"u"},"response":{"status":429,"statusText":"Too Many Requests","httpVersion":"HTTP/1.1",` +
		`"headers":[{"name":"Content-Type","value":"application/json"}],"content":{"mimeType":"application/json","text":"` + b64 + `","encoding":"base64"}},` +
		`"timings":{"blocked":-1,"dns":-1,"connect":-1,"send":1,"wait":4,"receive":7}}`)
	c, err := capture.Open(strings.NewReader(in), capture.Options{})
	require.NoError(t, err)
	assert.Equal(t, 429, c.StatusCode)
	assert.Equal(t, "application/json", c.Header.Get("Content-Type"))
	reads, end := readAll(t, c)
	assert.JSONEq(t, `{"error":{"message":"slow down"}}`, body(reads))
	assert.Equal(t, 5*time.Millisecond, c.FirstByte().Sub(c.Start))
	assert.Equal(t, 12*time.Millisecond, end)
}

func TestHARErrors(t *testing.T) {
	t.Parallel()
	entry := `{"response":{"status":200,"content":{"mimeType":"text/html","text":"x"}}}`
	cases := map[string]string{
		harOf(""):                  "HAR: no entries",
		`{"log":{}}`:               "HAR: no entries",
		`{"log": [`:                "HAR: unexpected EOF",
		harOf(entry + "," + entry): "none of its 2 entries is a text/event-stream response",
		harOf(`{"response":{"content":{"mimeType":"text/event-stream","text":"!","encoding":"base64"}}}`): "content.text: illegal base64",
	}
	for in, want := range cases {
		_, err := capture.Open(strings.NewReader(in), capture.Options{})
		require.ErrorIs(t, err, timing.ErrFormat, in)
		assert.Contains(t, err.Error(), want, in)
	}
	// JSON bodies that are not HAR files are left alone.
	for _, in := range []string{`{"error":{"message":"x"}}`, `{"logprobs":1}`, `[{"candidates":[]}]`, "{", " \n{ \n"} {
		c, err := capture.Open(iotest.OneByteReader(strings.NewReader(in)), capture.Options{})
		require.NoError(t, err, in)
		assert.Nil(t, c.Notes, in)
		reads, _ := readAll(t, c)
		assert.Equal(t, in, body(reads))
	}
}

// Hand-made HAR files in the shapes browsers and HAR writers give them.
func TestHARShapes(t *testing.T) {
	t.Parallel()
	resp := `"response":{"content":{"text":"data: {\"a\":1}\n\n","mimeType":"text/event-stream"},"status":200,"headers":[]}`
	timings := `"timings":{"wait":4,"send":1}`
	for name, in := range map[string]string{
		"log_not_first":       `{"comment":{"x":[1,{"y":"log"}]},"log":{"entries":[{` + timings + `,"time":9,` + resp + `}]}}`,
		"bom_and_whitespace":  "\xef\xbb\xbf\r\n  {\n \"log\" : {\"version\":\"1.2\",\"entries\":[{" + resp + "," + timings + ",\"time\":9}]}}",
		"entry_keys_reversed": `{"log":{"entries":[{` + timings + `,"time":9,"request":{"url":"u","method":"GET"},` + resp + `}],"version":"1.2"}}`,
	} {
		c, err := capture.Open(iotest.OneByteReader(strings.NewReader(in)), capture.Options{})
		require.NoError(t, err, name)
		assert.Equal(t, 200, c.StatusCode, name)
		reads, end := readAll(t, c)
		assert.Equal(t, "data: {\"a\":1}\n\n", body(reads), name)
		assert.Equal(t, 5*time.Millisecond, c.FirstByte().Sub(c.Start), name)
		assert.Equal(t, 9*time.Millisecond, end, name)
	}
}

func TestHARWithoutBody(t *testing.T) {
	t.Parallel()
	_, err := capture.Open(strings.NewReader(harOf(`{"request":{"method":"POST","url":"https://x/v1"},"response":{"status":200,"content":{"mimeType":"text/event-stream"}}}`)), capture.Options{})
	require.ErrorIs(t, err, timing.ErrFormat)
	assert.Contains(t, err.Error(), "HAR: entry 1 (POST https://x/v1, status 200) holds no response body: content.text is missing or empty")
	// An error response without its body still tells its status.
	c, err := capture.Open(strings.NewReader(harOf(`{"response":{"status":503,"content":{"mimeType":"text/html"}}}`)), capture.Options{})
	require.NoError(t, err)
	assert.Equal(t, 503, c.StatusCode)
}

// _eventSourceMessages (Chrome DevTools protocol's EventSource messages,
// as HAR writers built on it export them) give each event its time.
func TestHAREventSourceMessages(t *testing.T) {
	t.Parallel()
	timings := `"startedDateTime":"2026-03-04T05:06:08.000Z","time":900,"timings":{"send":1,"wait":99}`
	text := `"data: {\"n\":1}\n\n: comment\n\nevent: x\ndata: {\"n\":2}\n\n"`
	msgs := func(t1, t2 string) string {
		return `"_eventSourceMessages":[{"time":` + t1 + `,"eventName":"message","eventId":"","data":"{\"n\":1}"},` +
			`{"time":` + t2 + `,"eventName":"x","eventId":"7","data":"{\"n\":2}"}]`
	}
	for name, tc := range map[string]struct {
		entry string
		reads []timedRead
		body  string
		note  string
	}{
		"epoch_seconds_with_text": {
			entry: `{` + timings + `,` + msgs("1772600768.25", "1772600768.5") + `,"response":{"status":200,"content":{"mimeType":"text/event-stream","text":` + text + `}}}`,
			reads: []timedRead{{"data: {\"n\":1}\n\n", 250 * time.Millisecond}, {": comment\n\nevent: x\ndata: {\"n\":2}\n\n", 500 * time.Millisecond}},
			note:  "the times of events from its _eventSourceMessages",
		},
		"monotonic_without_text": {
			entry: `{` + timings + `,` + msgs("81234.5", "81234.75") + `,"response":{"status":200,"content":{"mimeType":"text/event-stream"}}}`,
			reads: []timedRead{{"data: {\"n\":1}\n\n", 100 * time.Millisecond}, {"event: x\nid: 7\ndata: {\"n\":2}\n\n", 350 * time.Millisecond}},
			note:  "its body was rebuilt from its _eventSourceMessages",
		},
		"count_mismatch_untimed": {
			entry: `{` + timings + `,` + msgs("1", "2") + `,"response":{"status":200,"content":{"mimeType":"text/event-stream","text":"data: 1\n\n"}}}`,
			reads: []timedRead{{"data: 1\n\n", 100 * time.Millisecond}},
			note:  "the HAR entry has 2 _eventSourceMessages for 1 events in its body: their times were not used",
		},
		"time_going_back_untimed": {
			entry: `{` + timings + `,` + msgs("5", "4") + `,"response":{"status":200,"content":{"mimeType":"text/event-stream","text":` + text + `}}}`,
			reads: []timedRead{{"data: {\"n\":1}\n\n: comment\n\nevent: x\ndata: {\"n\":2}\n\n", 100 * time.Millisecond}},
			note:  "have a time that cannot be right (message 2: 4)",
		},
		"absurd_time_untimed": {
			entry: `{` + timings + `,` + msgs("1e300", "1e301") + `,"response":{"status":200,"content":{"mimeType":"text/event-stream","text":` + text + `}}}`,
			reads: []timedRead{{"data: {\"n\":1}\n\n: comment\n\nevent: x\ndata: {\"n\":2}\n\n", 100 * time.Millisecond}},
			note:  "have a time that cannot be right",
		},
	} {
		c, err := capture.Open(strings.NewReader(harOf(tc.entry)), capture.Options{})
		require.NoError(t, err, name)
		reads, _ := readAll(t, c)
		assert.Equal(t, tc.reads, reads, name)
		assert.Equal(t, len(tc.reads) == 1, c.EventsUntimed, name)
		assert.Contains(t, strings.Join(c.Notes, "\n"), tc.note, name)
	}
}

// TestHARURLKeyRedacted: the URL a note or an error shows loses the value
// of its credential parameters (Gemini's key=): notes reach warnings,
// JSON summaries and HTML reports, which get shared. Hand-made entries.
func TestHARURLKeyRedacted(t *testing.T) {
	t.Parallel()
	url := `https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=AIzaSECRET`
	_, err := capture.Open(strings.NewReader(harOf(`{"request":{"method":"POST","url":"`+url+`"},"response":{"status":200,"content":{"mimeType":"text/event-stream"}}}`)), capture.Options{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "AIzaSECRET")
	assert.Contains(t, err.Error(), "?alt=sse&key=REDACTED")
	c, err := capture.Open(strings.NewReader(harOf(`{"request":{"method":"POST","url":"`+url+`"},"response":{"status":200,"content":{"mimeType":"text/event-stream","text":"data: {}\n\n"}}}`)), capture.Options{})
	require.NoError(t, err)
	notes := strings.Join(c.Notes, "\n")
	assert.NotContains(t, notes, "AIzaSECRET")
	assert.Contains(t, notes, "streamGenerateContent?alt=sse&key=REDACTED")
	// The other parameters the proxy redacts.
	for _, tc := range []struct{ query, want string }{
		{"api-version=2024-10-21&api-key=SECRET", "api-version=2024-10-21&api-key=REDACTED"},
		{"subscription-key=SECRET", "subscription-key=REDACTED"},
		{"Api_Key=SECRET&apikey=SECRET&keyword=x", "Api_Key=REDACTED&apikey=REDACTED&keyword=x"},
		{"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=SECRET&X-Amz-Signature=SECRET&X-Amz-Security-Token=SECRET",
			"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED"},
	} {
		c, err := capture.Open(strings.NewReader(harOf(`{"request":{"method":"POST","url":"https://h/v1?`+tc.query+`"},"response":{"status":200,"content":{"mimeType":"text/event-stream","text":"data: {}\n\n"}}}`)), capture.Options{})
		require.NoError(t, err, tc.query)
		notes := strings.Join(c.Notes, "\n")
		assert.NotContains(t, notes, "SECRET", tc.query)
		assert.Contains(t, notes, "https://h/v1?"+tc.want+")", tc.query)
	}
}

// A HAR status out of HTTP's three digits (a damaged or edited file) is no
// status: replay --listen would pass it to WriteHeader, which panics on it.
// A status text cannot add lines to the preamble. Hand-made entries.
func TestHARStatusOutOfRange(t *testing.T) {
	t.Parallel()
	for _, status := range []string{"42", "1000"} {
		c, err := capture.Open(strings.NewReader(harOf(`{"request":{"method":"POST","url":"u"},"response":{"status":`+status+`,"content":{"mimeType":"text/event-stream","text":"data: {}\n\n"}}}`)), capture.Options{})
		require.NoError(t, err, status)
		assert.Zero(t, c.StatusCode, status)
		assert.Nil(t, c.Head, status)
	}
	c, err := capture.Open(strings.NewReader(harOf(`{"request":{"method":"POST","url":"u"},"response":{"status":200,"statusText":"OK\r\nX-Forged: 1","content":{"mimeType":"text/event-stream","text":"data: {}\n\n"}}}`)), capture.Options{})
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1 200 OK  X-Forged: 1\r\n\r\n", string(c.Head))
	assert.Equal(t, 2, c.HeaderLines)
}

// TestHARTimes: the start, first byte and end of an entry come from its
// startedDateTime and timings; values that cannot be right are left out
// with a note. Hand-made entries.
func TestHARTimes(t *testing.T) {
	t.Parallel()
	started := time.Date(2026, 3, 4, 5, 6, 8, 125e6, time.UTC)
	for _, tc := range []struct {
		name, entry string
		start       time.Time // zero: the Unix epoch, not a wall clock
		ttfb, end   time.Duration
		note        string
	}{
		{
			name:  "all_phases",
			entry: `"startedDateTime":"2026-03-04T05:06:08.125Z","time":100,"timings":{"blocked":1,"dns":2,"connect":3,"ssl":2,"send":4,"wait":5,"receive":85}`,
			start: started, ttfb: 15 * time.Millisecond, end: 100 * time.Millisecond,
		},
		{
			name:  "offset_zone_and_not_applicable",
			entry: `"startedDateTime":"2026-03-04T06:06:08.125+01:00","time":12.5,"timings":{"blocked":-1,"dns":-1,"connect":-1,"ssl":-1,"send":0.5,"wait":2,"receive":10}`,
			start: started, ttfb: 2500 * time.Microsecond, end: 12500 * time.Microsecond,
		},
		{
			name:  "receive_missing_end_from_time",
			entry: `"startedDateTime":"2026-03-04T05:06:08.125Z","time":40,"timings":{"send":1,"wait":9}`,
			start: started, ttfb: 10 * time.Millisecond, end: 40 * time.Millisecond,
		},
		{
			name:  "receive_minus_one_end_from_time",
			entry: `"startedDateTime":"2026-03-04T05:06:08.125Z","time":40,"timings":{"send":1,"wait":9,"receive":-1}`,
			start: started, ttfb: 10 * time.Millisecond, end: 40 * time.Millisecond,
		},
		{
			name:  "time_disagrees_timings_win",
			entry: `"startedDateTime":"2026-03-04T05:06:08.125Z","time":500,"timings":{"send":1,"wait":9,"receive":20}`,
			start: started, ttfb: 10 * time.Millisecond, end: 30 * time.Millisecond,
			note: "the HAR entry's time (500 ms) is not the sum of its timings (30 ms): the end is taken from its timings",
		},
		{
			name:  "negative_phase_counts_zero",
			entry: `"startedDateTime":"2026-03-04T05:06:08.125Z","time":30,"timings":{"blocked":-7,"send":1,"wait":9,"receive":20}`,
			start: started, ttfb: 10 * time.Millisecond, end: 30 * time.Millisecond,
			note: "the HAR entry has times that cannot be right (blocked -7 ms): they count 0",
		},
		{
			name:  "phase_over_a_day_counts_zero",
			entry: `"startedDateTime":"2026-03-04T05:06:08.125Z","time":1e300,"timings":{"send":1,"wait":1e12,"receive":20}`,
			start: started, ttfb: time.Millisecond, end: 21 * time.Millisecond,
			note: "the HAR entry has times that cannot be right (wait 1e+12, time 1e+300 ms): they count 0",
		},
		{
			name:  "end_before_first_byte",
			entry: `"startedDateTime":"2026-03-04T05:06:08.125Z","time":3,"timings":{"send":1,"wait":9}`,
			start: started, ttfb: 10 * time.Millisecond, end: 10 * time.Millisecond,
		},
		{
			name:  "no_started_date_time",
			entry: `"time":30,"timings":{"send":1,"wait":9,"receive":20}`,
			ttfb:  10 * time.Millisecond, end: 30 * time.Millisecond,
		},
		{
			name:  "started_date_time_not_a_date",
			entry: `"startedDateTime":"yesterday","time":30,"timings":{"send":1,"wait":9,"receive":20}`,
			ttfb:  10 * time.Millisecond, end: 30 * time.Millisecond,
			note: `the HAR entry's startedDateTime "yesterday" is not a date: when the stream ran is unknown, its times count from 0`,
		},
		{
			name:  "started_date_time_out_of_range",
			entry: `"startedDateTime":"0001-01-01T00:00:00Z","time":30,"timings":{"send":1,"wait":9,"receive":20}`,
			ttfb:  10 * time.Millisecond, end: 30 * time.Millisecond,
			note: `the HAR entry's startedDateTime "0001-01-01T00:00:00Z" is not a date`,
		},
	} {
		in := harOf(`{` + tc.entry + `,"request":{"method":"POST","url":"u"},"response":{"status":200,"content":{"mimeType":"text/event-stream","text":"data: {}\n\n"}}}`)
		c, err := capture.Open(strings.NewReader(in), capture.Options{})
		require.NoError(t, err, tc.name)
		if tc.start.IsZero() {
			assert.Equal(t, time.Unix(0, 0).UTC(), c.Start, tc.name)
			assert.False(t, c.StartIsWallClock, tc.name)
		} else {
			assert.True(t, tc.start.Equal(c.Start), "%s: start %v", tc.name, c.Start)
			assert.True(t, c.StartIsWallClock, tc.name)
		}
		assert.Equal(t, tc.ttfb, c.FirstByte().Sub(c.Start), tc.name)
		reads, end := readAll(t, c)
		assert.Equal(t, []timedRead{{"data: {}\n\n", tc.ttfb}}, reads, tc.name)
		assert.Equal(t, tc.end, end, tc.name)
		notes := strings.Join(c.Notes[1:], "\n")
		if tc.note == "" {
			assert.Empty(t, notes, tc.name)
		} else {
			assert.Contains(t, notes, tc.note, tc.name)
		}
	}
}
