package sse

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// msg is a record of type "message" with no id and no retry.
func msg(data string, line, dataLines int) record {
	return record{Type: "message", Data: data, Retry: -1, Line: line, DataLines: dataLines}
}

// scannerCases are spec cases with their exact events and Stats. Every case
// is replayed whole, byte by byte, in half reads, with random splits and
// split in two at every byte.
var scannerCases = []struct {
	name  string
	in    string
	want  []record
	stats Stats
}{
	{
		name:  "empty input",
		in:    "",
		stats: Stats{},
	},
	{
		name:  "one event LF",
		in:    "data: hello\n\n",
		want:  []record{msg("hello", 1, 1)},
		stats: Stats{Lines: 2, Events: 1, LFLines: 2},
	},
	{
		name:  "one event CRLF",
		in:    "data: hello\r\n\r\n",
		want:  []record{msg("hello", 1, 1)},
		stats: Stats{Lines: 2, Events: 1, CRLFLines: 2},
	},
	{
		name:  "one event CR",
		in:    "data: hello\r\r",
		want:  []record{msg("hello", 1, 1)},
		stats: Stats{Lines: 2, Events: 1, CRLines: 2},
	},
	{
		name:  "mixed line endings",
		in:    "data: a\rdata: b\r\ndata: c\n\r\n",
		want:  []record{msg("a\nb\nc", 1, 3)},
		stats: Stats{Lines: 4, Events: 1, LFLines: 1, CRLFLines: 2, CRLines: 1},
	},
	{
		name:  "CR LF CR is two line ends",
		in:    "data: x\r\n\rdata: y\n\n",
		want:  []record{msg("x", 1, 1), msg("y", 3, 1)},
		stats: Stats{Lines: 4, Events: 2, LFLines: 2, CRLFLines: 1, CRLines: 1},
	},
	{
		name:  "LF CR is two line ends",
		in:    "data: x\n\rdata: y\n\n",
		want:  []record{msg("x", 1, 1), msg("y", 3, 1)},
		stats: Stats{Lines: 4, Events: 2, LFLines: 3, CRLines: 1},
	},
	{
		name: "event type id retry",
		in:   "event: add\nid: 7\nretry: 1500\ndata: {}\n\ndata: next\n\n",
		want: []record{
			{Type: "add", Data: "{}", ID: "7", Retry: 1500, Line: 1, DataLines: 1},
			{Type: "message", Data: "next", ID: "7", Retry: 1500, Line: 6, DataLines: 1},
		},
		stats: Stats{Lines: 7, Events: 2, LFLines: 7},
	},
	{
		name:  "comment starts the event",
		in:    ": keep-alive\ndata: x\n\n",
		want:  []record{msg("x", 1, 1)},
		stats: Stats{Lines: 3, Events: 1, Comments: 1, LFLines: 3},
	},
	{
		name:  "comment only then blank",
		in:    ": OPENROUTER PROCESSING\n\n",
		stats: Stats{Lines: 2, Comments: 1, LFLines: 2, EmptyEvents: 1},
	},
	{
		name:  "blank lines without data dispatch nothing and reset the type",
		in:    "\n\nevent: ping\n\ndata: x\n\n",
		want:  []record{msg("x", 5, 1)},
		stats: Stats{Lines: 6, Events: 1, LFLines: 6, EmptyEvents: 3},
	},
	{
		name:  "no space after colon",
		in:    "event:e\ndata:x\nid:1\nretry:5\ndata:\n\n",
		want:  []record{{Type: "e", Data: "x\n", ID: "1", Retry: 5, Line: 1, DataLines: 2}},
		stats: Stats{Lines: 6, Events: 1, LFLines: 6, NoSpaceFields: 4},
	},
	{
		name:  "no colon",
		in:    "data\ndata\nfoo\n\n",
		want:  []record{msg("\n", 1, 2)},
		stats: Stats{Lines: 4, Events: 1, LFLines: 4, NoColonLines: 3, UnknownFields: 1},
	},
	{
		name:  "unknown fields and case-sensitive names",
		in:    "Data: x\nDATA: y\nfoo: bar\ndata: z\n\n",
		want:  []record{msg("z", 1, 1)},
		stats: Stats{Lines: 5, Events: 1, LFLines: 5, UnknownFields: 3},
	},
	{
		name:  "id with NUL is ignored",
		in:    "id: a\ndata: 1\n\nid: b\x00c\ndata: 2\n\n",
		want:  []record{{Type: "message", Data: "1", ID: "a", Retry: -1, Line: 1, DataLines: 1}, {Type: "message", Data: "2", ID: "a", Retry: -1, Line: 4, DataLines: 1}},
		stats: Stats{Lines: 6, Events: 2, LFLines: 6, IgnoredIDs: 1},
	},
	{
		name:  "empty id resets",
		in:    "id: a\ndata: 1\n\nid\ndata: 2\n\n",
		want:  []record{{Type: "message", Data: "1", ID: "a", Retry: -1, Line: 1, DataLines: 1}, msg("2", 4, 1)},
		stats: Stats{Lines: 6, Events: 2, LFLines: 6, NoColonLines: 1},
	},
	{
		name:  "invalid retry",
		in:    "retry: 10\nretry: 1000a\nretry:\nretry: -1\nretry:  5\ndata: x\n\n",
		want:  []record{{Type: "message", Data: "x", Retry: 10, Line: 1, DataLines: 1}},
		stats: Stats{Lines: 7, Events: 1, LFLines: 7, InvalidRetry: 4},
	},
	{
		name:  "retry saturates",
		in:    "retry: 99999999999999999999999\ndata: x\n\n",
		want:  []record{{Type: "message", Data: "x", Retry: 1<<63 - 1, Line: 1, DataLines: 1}},
		stats: Stats{Lines: 3, Events: 1, LFLines: 3},
	},
	{
		name:  "BOM stripped once",
		in:    "\xEF\xBB\xBFdata: a\n\n\xEF\xBB\xBFdata: b\n\n",
		want:  []record{msg("a", 1, 1)},
		stats: Stats{Lines: 4, Events: 1, LFLines: 4, BOM: true, UnknownFields: 1, EmptyEvents: 1},
	},
	{
		name:  "partial BOM is invalid UTF-8",
		in:    "\xEF\xBBdata: a\n\n",
		stats: Stats{Lines: 2, LFLines: 2, UnknownFields: 1, InvalidUTF8: 1, EmptyEvents: 1},
	},
	{
		name:  "BOM alone",
		in:    "\xEF\xBB\xBF",
		stats: Stats{BOM: true},
	},
	{
		name:  "unterminated event is incomplete",
		in:    "data: a\n\ndata: [DONE]",
		want:  []record{msg("a", 1, 1), {Type: "message", Data: "[DONE]", Retry: -1, Line: 3, DataLines: 1, Incomplete: true}},
		stats: Stats{Lines: 3, Events: 2, LFLines: 2},
	},
	{
		name:  "event without its blank line is incomplete",
		in:    "event: done\ndata: a\ndata: b\n",
		want:  []record{{Type: "done", Data: "a\nb", Retry: -1, Line: 1, DataLines: 2, Incomplete: true}},
		stats: Stats{Lines: 3, Events: 1, LFLines: 3},
	},
	{
		name:  "final CR ends the line",
		in:    "data: a\r",
		want:  []record{{Type: "message", Data: "a", Retry: -1, Line: 1, DataLines: 1, Incomplete: true}},
		stats: Stats{Lines: 1, Events: 1, CRLines: 1},
	},
	{
		name:  "unterminated event without data is dropped",
		in:    "event: x\nid: 3",
		stats: Stats{Lines: 2, LFLines: 1},
	},
	{
		name:  "invalid UTF-8 replaced by maximal subparts",
		in:    "data: \xF0\x9F\x98A\xC0\x80\xED\xA0\x80\n\n",
		want:  []record{msg("\uFFFDA\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", 1, 1)},
		stats: Stats{Lines: 2, Events: 1, LFLines: 2, InvalidUTF8: 6},
	},
	{
		name:  "invalid UTF-8 before a line end",
		in:    "data: \xE2\x82\ndata: \xE2\x82\xAC\n\n",
		want:  []record{msg("\uFFFD\n€", 1, 2)},
		stats: Stats{Lines: 3, Events: 1, LFLines: 3, InvalidUTF8: 1},
	},
	{
		name:  "NUL and control characters kept",
		in:    "data: a\x00b\x01\tc\x7f\n\n",
		want:  []record{msg("a\x00b\x01\tc\x7f", 1, 1)},
		stats: Stats{Lines: 2, Events: 1, LFLines: 2},
	},
	{
		name:  "event line is the first line after the previous blank line",
		in:    "data: a\n\n\n\nid: 1\n: c\ndata: b\n\n",
		want:  []record{msg("a", 1, 1), {Type: "message", Data: "b", ID: "1", Retry: -1, Line: 5, DataLines: 1}},
		stats: Stats{Lines: 8, Events: 2, Comments: 1, LFLines: 8, EmptyEvents: 2},
	},
}

func TestScannerCases(t *testing.T) {
	t.Parallel()
	for _, tc := range scannerCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := assertSameEverywhere(t, []byte(tc.in), 0)
			assert.Equal(t, tc.want, got.Events)
			assert.Equal(t, tc.stats, got.Stats)
			assert.Empty(t, got.Err)
			assertMatchesReference(t, []byte(tc.in), 0, got)
		})
	}
}

func TestScannerEventsAndStatsAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range scannerCases {
		got := scanAll(t, strings.NewReader(tc.in), 0)
		assert.Len(t, got.Events, got.Stats.Events, tc.name)
	}
}

func TestComments(t *testing.T) {
	t.Parallel()
	in := ":\n: OPENROUTER PROCESSING\r\n:  two spaces\rdata: x\n:\xFF\n\n"
	got := assertSameEverywhere(t, []byte(in), 0)
	assert.Equal(t, 4, got.Stats.Comments)
	assert.Equal(t, []record{msg("x", 1, 1)}, got.Events)
}

func TestEventIsBorrowedUntilNextScan(t *testing.T) {
	t.Parallel()
	s := NewScanner(strings.NewReader("event: a\ndata: 1\n\nevent: b\ndata: 2\ndata: 3\n\n"))
	require.True(t, s.Scan())
	first := s.Event()
	assert.Equal(t, "a", string(first.Type))
	assert.Equal(t, "1", string(first.Data))
	require.True(t, s.Scan())
	assert.Equal(t, "b", s.Event().TypeName())
	assert.Equal(t, "2\n3", string(s.Event().Data))
	assert.False(t, s.Scan())
	assert.False(t, s.Scan(), "Scan keeps returning false")
	require.NoError(t, s.Err())
}

func TestStatsLines(t *testing.T) {
	t.Parallel()
	in := "\xEF\xBB\xBFdata: a\r\n\r\n: c\ndata: b\n\ndata: c"
	s := NewScanner(strings.NewReader(in))
	require.True(t, s.Scan())
	assert.Equal(t, 2, s.Stats().Lines)
	require.True(t, s.Scan())
	assert.Equal(t, 5, s.Stats().Lines)
	require.True(t, s.Scan())
	assert.True(t, s.Event().Incomplete)
	assert.Equal(t, 6, s.Stats().Lines)
	assert.False(t, s.Scan())
}

// TestCRAtEndOfReadDispatchesAtOnce checks that a CR at the end of what has
// arrived ends the line without waiting for the next byte, so that a live
// stream's event is not held back, and that a following LF is then skipped.
func TestCRAtEndOfReadDispatchesAtOnce(t *testing.T) {
	t.Parallel()
	r := &countingReader{r: &chunkReader{data: []byte("data: a\r\n\r\ndata: b\r\n\r\n"), sizes: []int{10}}}
	s := NewScanner(r)
	require.True(t, s.Scan())
	assert.Equal(t, "a", string(s.Event().Data))
	assert.Equal(t, 1, r.reads, "no read beyond the CR that ended the event")
	require.True(t, s.Scan())
	assert.Equal(t, "b", string(s.Event().Data))
	assert.Equal(t, 3, s.Event().Line, "the LF after the CR is not an extra blank line")
	assert.False(t, s.Scan())
	assert.Equal(t, Stats{Lines: 4, Events: 2, CRLFLines: 4}, s.Stats())
}

// TestEventReturnedBeforeNextRead checks that Scan hands out an event as
// soon as its blank line is in, without reading further (live streams).
func TestEventReturnedBeforeNextRead(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"data: a\n\n", "data: a\r\r", "data: a\r\n\r\n", "\xEF\xBB\xBFdata: a\n\n"} {
		r := &countingReader{r: &errAfterReader{data: []byte(in), err: nil}}
		s := NewScanner(r)
		require.True(t, s.Scan(), "%q", in)
		assert.Equal(t, 1, r.reads, "%q", in)
	}
}

type countingReader struct {
	r     io.Reader
	reads int
}

func (r *countingReader) Read(p []byte) (int, error) {
	r.reads++
	return r.r.Read(p)
}

func TestLineTooLong(t *testing.T) {
	t.Parallel()
	in := "data: ok\n\n" + "data: " + strings.Repeat("x", 100) + "\n\n"
	for _, nr := range readersFor([]byte(in), 3, 4) {
		s := NewScanner(nr.new())
		s.SetMaxLineSize(64)
		require.True(t, s.Scan(), nr.name)
		assert.Equal(t, "ok", string(s.Event().Data), nr.name)
		assert.False(t, s.Scan(), nr.name)
		err := s.Err()
		require.ErrorIs(t, err, ErrLineTooLong, nr.name)
		var le *LineError
		require.ErrorAs(t, err, &le, nr.name)
		assert.Equal(t, 3, le.Line, nr.name)
		assert.Equal(t, "line 3: line too long (line over 64 bytes)", err.Error(), nr.name)
	}
}

func TestLineAtCap(t *testing.T) {
	t.Parallel()
	line := "data: " + strings.Repeat("y", 58) // 64 bytes
	for _, term := range []string{"\n", "\r", "\r\n", ""} {
		in := line + term + term
		got := assertSameEverywhere(t, []byte(in), 64)
		assert.Empty(t, got.Err, "%q", term)
		require.Len(t, got.Events, 1, "%q", term)
		assert.Equal(t, strings.Repeat("y", 58), got.Events[0].Data, "%q", term)
		got = assertSameEverywhere(t, []byte(line+"y"+term), 64)
		assert.Contains(t, got.Err, "line 1: line too long", "%q", term)
		assert.Empty(t, got.Events, "%q", term)
	}
}

func TestEventDataTooLong(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("data: first\n\nevent: big\n")
	for range 10 {
		b.WriteString("data: " + strings.Repeat("z", 20) + "\n") // 21 bytes of Data each, LF included
	}
	b.WriteString("\n")
	in := []byte(b.String())

	got := assertSameEverywhere(t, in, 104) // five lines: 5*21-1 = 104 bytes of Data
	assert.Equal(t, []record{msg("first", 1, 1)}, got.Events)
	assert.Equal(t, "line 9: line too long (data of the event starting at line 3 over 104 bytes)", got.Err)
	assertMatchesReference(t, in, 104, got)

	s := NewScanner(bytes.NewReader(in))
	s.SetMaxLineSize(104)
	for s.Scan() {
	}
	require.ErrorIs(t, s.Err(), ErrLineTooLong)
	var le *LineError
	require.ErrorAs(t, s.Err(), &le)
	assert.Equal(t, 9, le.Line)

	got = assertSameEverywhere(t, in, 209) // all ten: 10*21-1 = 209
	assert.Empty(t, got.Err)
	require.Len(t, got.Events, 2)
	assert.Equal(t, 10, got.Events[1].DataLines)
}

func TestDecodedDataTooLong(t *testing.T) {
	t.Parallel()
	// 10 invalid bytes fit a 16-byte line cap but become 30 bytes of U+FFFD.
	// After the error, Stats stop at the end of the failing line, before
	// its line end (whose CR may have arrived without its LF), so that
	// they too are the same however the input is split.
	for _, term := range []string{"\n", "\r", "\r\n", ""} {
		in := []byte("data:" + strings.Repeat("\xFF", 10) + term + term)
		got := assertSameEverywhere(t, in, 16)
		assert.Contains(t, got.Err, "line 1: line too long (data of the event starting at line 1 over 16 bytes", "%q", term)
		assert.Equal(t, Stats{Lines: 1, InvalidUTF8: 10}, got.Stats, "%q", term)
		assertMatchesReference(t, in, 16, got)
	}
}

func TestSetMaxLineSizeMisuse(t *testing.T) {
	t.Parallel()
	s := NewScanner(strings.NewReader("data: x\n\n"))
	assert.Panics(t, func() { s.SetMaxLineSize(0) })
	s.Scan()
	assert.Panics(t, func() { s.SetMaxLineSize(100) })
}

func TestLongLineGrowsBuffer(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("0123456789", 500_000) // 5 MB, far over the initial buffer
	in := "data: a\n\ndata: " + big + "\r\ndata: tail\r\n\r\n"
	readers := []namedReader{
		{"whole", func() io.Reader { return strings.NewReader(in) }},
		{"half", func() io.Reader { return iotest.HalfReader(strings.NewReader(in)) }},
		{"1000-byte reads", func() io.Reader {
			return &chunkReader{data: []byte(in), sizes: slices.Repeat([]int{1000}, len(in)/1000)}
		}},
	}
	for _, nr := range readers {
		got := scanAll(t, nr.new(), 0)
		require.Empty(t, got.Err, nr.name)
		require.Len(t, got.Events, 2, nr.name)
		assert.Equal(t, big+"\ntail", got.Events[1].Data, nr.name)
	}
}

func TestReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: b\ndata: par"), iotest.ErrReader(boom))
	s := NewScanner(r)
	require.True(t, s.Scan())
	assert.Equal(t, "a", string(s.Event().Data))
	assert.False(t, s.Scan(), "the pending event is not handed out on a read error")
	require.ErrorIs(t, s.Err(), boom)
	var le *LineError
	require.ErrorAs(t, s.Err(), &le)
	assert.Equal(t, 4, le.Line)
	assert.Equal(t, "line 4: connection reset", s.Err().Error())
}

func TestReadErrorWithData(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	s := NewScanner(&errAfterReader{data: []byte("data: a\n\n"), err: boom})
	require.True(t, s.Scan(), "data returned with the error is still scanned")
	assert.False(t, s.Scan())
	require.ErrorIs(t, s.Err(), boom)
}

type errAfterReader struct {
	data []byte
	err  error
}

func (r *errAfterReader) Read(p []byte) (int, error) {
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, r.err
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestNoProgress(t *testing.T) {
	t.Parallel()
	s := NewScanner(zeroReader{})
	assert.False(t, s.Scan())
	require.ErrorIs(t, s.Err(), io.ErrNoProgress)
}

func TestTypeName(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "message", (&Event{}).TypeName())
	assert.Equal(t, "ping", (&Event{Type: []byte("ping")}).TypeName())
}

// TestZeroAllocsPerEvent pins the allocation policy: once warm, scanning an
// event allocates nothing, whether its Data is borrowed from the read buffer
// or assembled, with CRLF, comments, invalid UTF-8, a repeated id and a
// retry.
func TestZeroAllocsPerEvent(t *testing.T) {
	for _, tc := range []struct {
		name  string
		event string
	}{
		{"single data line", `data: {"choices":[{"delta":{"content":"hello"}}]}` + "\n\n"},
		{"event and data", "event: content_block_delta\ndata: {\"type\":\"content_block_delta\"}\n\n"},
		{"multi-line data", "data: one\ndata: two\ndata: three\n\n"},
		{"CRLF", "data: {\"candidates\":[]}\r\n\r\n"},
		{"CR", "data: x\rdata: y\r\r"},
		{"comment id retry", ": ping\nid: 42\nretry: 3000\ndata: x\n\n"},
		{"invalid UTF-8", "data: caf\xE9\n\n"},
		{"empty dispatch", "event: ping\n\ndata: x\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Enough events to wrap the read buffer many times, so that
			// events straddling a refill are measured too.
			s := NewScanner(&cycleReader{data: []byte(tc.event)})
			for range 10_000 {
				if !s.Scan() {
					t.Fatal("Scan returned false")
				}
			}
			allocs := testing.AllocsPerRun(10_000, func() {
				if !s.Scan() {
					t.Fatal("Scan returned false")
				}
			})
			assert.Zero(t, allocs)
		})
	}
}
