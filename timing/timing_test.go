package timing_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/timing"
)

var start = time.Date(2026, 1, 2, 3, 4, 5, 600_000_000, time.UTC)

const header = ":sseinspect-timed v1 start=2026-01-02T03:04:05.6Z\n"

// read is one read of a recorded stream: its bytes and arrival time in ms.
type read struct {
	data string
	ms   float64
}

// strip returns the original stream of a timed capture.
func strip(capture []byte) ([]byte, error) {
	r, err := timing.NewReader(bytes.NewReader(capture))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func ms(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }

// record writes the timed capture of reads ending at endMs.
func record(tb testing.TB, reads []read, endMs float64) string {
	tb.Helper()
	var b bytes.Buffer
	w := timing.NewWriter(&b, start)
	for _, r := range reads {
		require.NoError(tb, w.Append([]byte(r.data), ms(r.ms)))
	}
	require.NoError(tb, w.Close(ms(endMs)))
	return b.String()
}

func TestWriterFormat(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		reads []read
		end   float64
		want  string
	}{
		"empty_stream": {
			end:  5,
			want: header + ":sseinspect-end 5.000\n",
		},
		"one_event_one_read": {
			reads: []read{{"data: a\n\n", 1.5}},
			end:   2,
			want:  header + ":sseinspect-t 1.500\ndata: a\n\n:sseinspect-end 2.000\n",
		},
		"line_time_is_the_read_that_completes_it": {
			reads: []read{{"data: a", 1}, {"bc\n", 2}, {"\ndata: x\n\nda", 3}, {"ta: y\n\n", 4}},
			end:   4.0005,
			want: header + ":sseinspect-t 2.000\ndata: abc\n:sseinspect-t 3.000\n\ndata: x\n\n" +
				":sseinspect-t 4.000\ndata: y\n\n:sseinspect-end 4.000\n",
		},
		"same_time_written_once": {
			reads: []read{{"data: a\n", 1}, {"\n", 1}},
			end:   1,
			want:  header + ":sseinspect-t 1.000\ndata: a\n\n:sseinspect-end 1.000\n",
		},
		"cr_at_end_of_read_waits_for_its_lf": {
			reads: []read{{"data: a\r", 1}, {"\n\r", 2}, {"\n", 3}},
			end:   3,
			want:  header + ":sseinspect-t 2.000\ndata: a\r\n:sseinspect-t 3.000\n\r\n:sseinspect-end 3.000\n",
		},
		"lone_cr_lines": {
			reads: []read{{"data: a\r", 1}, {"\r", 2}},
			end:   3,
			want:  header + ":sseinspect-t 2.000\ndata: a\r\r:sseinspect-end 3.000\n",
		},
		"final_line_without_terminator": {
			reads: []read{{"data: [DONE]", 7.25}},
			end:   8,
			want:  header + ":sseinspect-t 7.250 noeol\ndata: [DONE]\n:sseinspect-end 8.000\n",
		},
		"lines_starting_with_the_prefix_are_escaped": {
			reads: []read{{":sseinspect-t 9\n:sseinspect-esc\n: sseinspect-t\n:sseinspect-end 1", 1}},
			end:   2,
			want: header + ":sseinspect-t 1.000\n:sseinspect-esc:sseinspect-t 9\n:sseinspect-esc:sseinspect-esc\n: sseinspect-t\n" +
				":sseinspect-t 1.000 noeol\n:sseinspect-esc:sseinspect-end 1\n:sseinspect-end 2.000\n",
		},
		"bom_goes_before_the_header": {
			reads: []read{{"\xef", 1}, {"\xbb\xbfdata: a\n\n", 2}},
			end:   3,
			want:  "\xef\xbb\xbf" + header + ":sseinspect-t 2.000\ndata: a\n\n:sseinspect-end 3.000\n",
		},
		"part_of_a_bom_is_not_a_bom": {
			reads: []read{{"\xef\xbb", 1}},
			end:   3,
			want:  header + ":sseinspect-t 1.000 noeol\n\xef\xbb\n:sseinspect-end 3.000\n",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := record(t, c.reads, c.end)
			assert.Equal(t, c.want, got)
			var orig strings.Builder
			for _, r := range c.reads {
				orig.WriteString(r.data)
			}
			back, err := strip([]byte(got))
			require.NoError(t, err)
			assert.Equal(t, orig.String(), string(back))
			assert.True(t, timing.IsTimed([]byte(got)))
		})
	}
}

// segment is what one Read of a Reader returned and the time it reported.
type segment struct {
	data string
	ms   float64
}

func segments(tb testing.TB, capture string, bufSize int) ([]segment, *timing.Reader) {
	tb.Helper()
	r, err := timing.NewReader(strings.NewReader(capture))
	require.NoError(tb, err)
	var segs []segment
	buf := make([]byte, bufSize)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			at := float64(r.Elapsed()) / float64(time.Millisecond)
			if k := len(segs) - 1; k >= 0 && segs[k].ms == at {
				segs[k].data += string(buf[:n])
			} else {
				segs = append(segs, segment{string(buf[:n]), at})
			}
		}
		if errors.Is(err, io.EOF) {
			return segs, r
		}
		require.NoError(tb, err)
	}
}

func TestReaderTimes(t *testing.T) {
	t.Parallel()
	reads := []read{{"\xef\xbb\xbfdata: a", 1}, {"bc\n", 2}, {"\ndata: x\n\nda", 3}, {"ta: y\n\r", 4}, {"\n:sseinspect-t 1\nx", 5}}
	capture := record(t, reads, 6.5)
	want := []segment{
		{"\xef\xbb\xbf", 1}, // the BOM's time: the first read
		{"data: abc\n", 2},
		{"\ndata: x\n\n", 3},
		{"data: y\n", 4},
		{"\r\n:sseinspect-t 1\nx", 5},
	}
	for _, size := range []int{1, 3, 4096} {
		got, r := segments(t, capture, size)
		assert.Equal(t, want, got, "read size %d", size)
		assert.Equal(t, ms(6.5), r.Elapsed())
		assert.False(t, r.Truncated())
		assert.Equal(t, start, r.Start())
	}
}

func TestReaderOneReadPerTime(t *testing.T) {
	t.Parallel()
	capture := record(t, []read{{"data: a\n\n", 1}, {"data: b\n\n", 2}}, 3)
	r, err := timing.NewReader(strings.NewReader(capture))
	require.NoError(t, err)
	buf := make([]byte, 4096)
	n, err := r.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "data: a\n\n", string(buf[:n]))
	assert.Equal(t, ms(1), r.Elapsed())
	n, err = r.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "data: b\n\n", string(buf[:n]))
	assert.Equal(t, ms(2), r.Elapsed())
	n, err = r.Read(buf)
	assert.Equal(t, 0, n)
	require.ErrorIs(t, err, io.EOF)
	assert.Equal(t, ms(3), r.Elapsed())
}

func TestReaderTruncated(t *testing.T) {
	t.Parallel()
	capture := record(t, []read{{"data: a\n\n", 1}, {"data: b\n\n", 2}}, 3)
	capture = strings.TrimSuffix(capture, ":sseinspect-end 3.000\n")
	got, r := segments(t, capture, 4096)
	assert.Equal(t, []segment{{"data: a\n\n", 1}, {"data: b\n\n", 2}}, got)
	assert.True(t, r.Truncated())
	assert.Equal(t, ms(2), r.Elapsed())
}

// TestCut: a stream cut off ends with "cut=<who>" on its end line, which
// the Reader returns; other key=value fields there are ignored.
func TestCut(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := timing.NewWriter(&b, start)
	require.NoError(t, w.Append([]byte("data: a\n\ndata: b"), ms(1)))
	require.NoError(t, w.CloseCut(ms(2), "client"))
	assert.Equal(t, header+":sseinspect-t 1.000\ndata: a\n\n:sseinspect-t 1.000 noeol\ndata: b\n:sseinspect-end 2.000 cut=client\n", b.String())
	r, err := timing.NewReader(&b)
	require.NoError(t, err)
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "data: a\n\ndata: b", string(got))
	assert.Equal(t, "client", r.Cut())
	assert.False(t, r.Truncated())
	assert.Equal(t, ms(2), r.Elapsed())

	r, err = timing.NewReader(strings.NewReader(header + ":sseinspect-end 2.000 later=1\n"))
	require.NoError(t, err)
	_, err = io.ReadAll(r)
	require.NoError(t, err)
	assert.Empty(t, r.Cut())

	assert.Error(t, timing.NewWriter(io.Discard, start).CloseCut(0, "two words"))
}

func TestReaderErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ in, err string }{
		"no_header":       {"data: x\n", "no \":sseinspect-timed\" header"},
		"other_version":   {":sseinspect-timed v2 start=2026-01-02T03:04:05Z\n", "unsupported version"},
		"no_start":        {":sseinspect-timed v1\n", "no start="},
		"bad_start":       {":sseinspect-timed v1 start=yesterday\n", "start:"},
		"bad_time":        {header + ":sseinspect-t 1.2345\ndata: x\n", "line 2: malformed time line"},
		"negative_time":   {header + ":sseinspect-t -1\ndata: x\n", "malformed time line"},
		"unknown_line":    {header + ":sseinspect-x 1\n", "line 2: unknown sseinspect line"},
		"after_end":       {header + ":sseinspect-end 1.000\ndata: x\n", "line 3: input after the end line"},
		"end_field":       {header + ":sseinspect-end 1.000 cut\n", "line 2: malformed end line"},
		"dangling_noeol":  {header + ":sseinspect-t 1.000 noeol\n:sseinspect-end 1.000\n", "no line after a noeol"},
		"second_header":   {header + header, "unknown sseinspect line"},
		"empty":           {"", "unexpected end of input"},
		"line_numbers":    {header + ":sseinspect-t 1.000\ndata: a\r\n\r:sseinspect-q\n", "line 5: unknown"},
		"cr_in_noeol_row": {header + ":sseinspect-t 1.000 noeol\nab\rc\n:sseinspect-end 1.000\n", "a CR in the noeol line"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := strip([]byte(c.in))
			require.Error(t, err)
			require.ErrorIs(t, err, timing.ErrFormat)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}

// roundTrip records data split into reads by a PRNG seeded with seed, with
// scripted, non-decreasing times, and checks that stripping gives back data
// exactly, and that the capture dispatches the same SSE events as data.
func roundTrip(t *testing.T, data []byte, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var capture bytes.Buffer
	w := timing.NewWriter(&capture, start)
	at := time.Duration(0)
	times := map[time.Duration]bool{}
	for rest := data; len(rest) > 0; {
		n := 1 + rng.IntN(min(len(rest), 16))
		if rng.IntN(3) > 0 {
			at += time.Duration(rng.IntN(5000)) * time.Microsecond
		}
		require.NoError(t, w.Append(rest[:n], at))
		times[at.Truncate(time.Microsecond)] = true
		rest = rest[n:]
	}
	require.NoError(t, w.Close(at+time.Millisecond))

	back, err := strip(capture.Bytes())
	require.NoError(t, err, "capture %q", capture.Bytes())
	require.Equal(t, string(data), string(back), "capture %q", capture.Bytes())

	// Read back one byte at a time and through odd buffer sizes: the same.
	r, err := timing.NewReader(iotest.OneByteReader(bytes.NewReader(capture.Bytes())))
	require.NoError(t, err)
	back, err = io.ReadAll(iotest.HalfReader(r))
	require.NoError(t, err)
	require.Equal(t, string(data), string(back))

	// Arrival times never go backwards and stay within the recorded ones.
	r, err = timing.NewReader(bytes.NewReader(capture.Bytes()))
	require.NoError(t, err)
	last := time.Duration(-1)
	buf := make([]byte, 7)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			require.GreaterOrEqual(t, r.Elapsed(), last)
			if !times[r.Elapsed()] {
				require.Failf(t, "time not recorded", "%v", r.Elapsed())
			}
			last = r.Elapsed()
		}
		if err != nil {
			require.ErrorIs(t, err, io.EOF)
			break
		}
	}

	// The capture is the same event stream as the original.
	require.Equal(t, events(t, data), events(t, capture.Bytes()))
}

type event struct {
	Type, Data, ID string
	Retry          int64
	Incomplete     bool
}

func events(tb testing.TB, b []byte) []event {
	tb.Helper()
	s := sse.NewScanner(bytes.NewReader(b))
	var evs []event
	for s.Scan() {
		e := s.Event()
		evs = append(evs, event{string(e.Type), string(e.Data), e.ID, e.Retry, e.Incomplete})
	}
	require.NoError(tb, s.Err())
	return evs
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range roundTripSeeds {
		for seed := range uint64(20) {
			roundTrip(t, []byte(s), seed)
		}
	}
}

var roundTripSeeds = []string{
	"",
	"data: a\n\n",
	"data: a\r\n\r\ndata: b\r\n\r\n",
	"data: a\r\rdata: b\r\r",
	"\xef\xbb\xbfdata: a\n\n",
	"\xef\xbb\xbf",
	"\xef\xbb",
	"\xef\xbb\xbf:sseinspect-t 1\n",
	":sseinspect-timed v1 start=2026-01-02T03:04:05Z\n:sseinspect-end 1\n",
	":sseinspect-esc\n:sseinspect-t 5 noeol\ndata: x",
	"event: e\ndata: 1\nid: 7\nretry: 10\n\ndata: [DONE]",
	"\r\n\r\r\n\n\r",
	"data: x\r",
	":sseinspect-",
	":sseinspect-e",
	"data: \xff\xfe\n\n",
}

func FuzzRoundTrip(f *testing.F) {
	for i, s := range roundTripSeeds {
		f.Add([]byte(s), uint64(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		roundTrip(t, data, seed)
	})
}
