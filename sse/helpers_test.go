package sse

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// record is an Event with its borrowed parts copied, comparable with
// assert.Equal.
type record struct {
	Type       string
	Data       string
	ID         string
	Retry      int64
	Line       int
	DataLines  int
	Incomplete bool
}

// comment is one comment line, as the reference parser sees it.
type comment struct {
	Line int
	Text string
}

// result is everything a Scanner reports about one input.
type result struct {
	Events []record
	Stats  Stats
	Err    string
}

// scanAll scans r to its end with the given cap (0: the default) and
// returns what the scanner reported.
func scanAll(tb testing.TB, r io.Reader, maxLine int) result {
	tb.Helper()
	var res result
	s := NewScanner(r)
	if maxLine > 0 {
		s.SetMaxLineSize(maxLine)
	}
	for s.Scan() {
		ev := s.Event()
		res.Events = append(res.Events, record{
			Type:       ev.TypeName(),
			Data:       string(ev.Data),
			ID:         ev.ID,
			Retry:      ev.Retry,
			Line:       ev.Line,
			DataLines:  ev.DataLines,
			Incomplete: ev.Incomplete,
		})
	}
	if err := s.Err(); err != nil {
		res.Err = err.Error()
	}
	res.Stats = s.Stats()
	return res
}

// assertSameResult is assert.Equal(tb, want, got) made fast for results of
// many events: reflect.DeepEqual over 100,000 of them is slow under -race,
// so equal event lists are compared with slices.Equal and left out.
func assertSameResult(tb testing.TB, want, got result, msgAndArgs ...any) bool {
	tb.Helper()
	if (want.Events == nil) == (got.Events == nil) && slices.Equal(want.Events, got.Events) {
		want.Events, got.Events = nil, nil
	}
	return assert.Equal(tb, want, got, msgAndArgs...)
}

// namedReader makes a fresh reader over some input.
type namedReader struct {
	name string
	new  func() io.Reader
}

// readersFor returns the ways in which tests replay data: whole, one byte at
// a time, half reads, data with EOF, and random splits seeded from seed.
func readersFor(data []byte, seed uint64, randomSplits int) []namedReader {
	rs := []namedReader{
		{"whole", func() io.Reader { return bytes.NewReader(data) }},
		{"one-byte", func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) }},
		{"half", func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) }},
		{"data-err", func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) }},
	}
	for i := range randomSplits {
		s := seed + uint64(i)
		rs = append(rs, namedReader{fmt.Sprintf("random-split-%d", s), func() io.Reader {
			return newRandomSplitReader(data, s)
		}})
	}
	return rs
}

// assertSameEverywhere scans data through every reader of readersFor (and,
// for short inputs, through every two-read split) and asserts that all give
// the result of a single read, which it returns.
func assertSameEverywhere(tb testing.TB, data []byte, maxLine int) result {
	tb.Helper()
	want := scanAll(tb, bytes.NewReader(data), maxLine)
	for _, nr := range readersFor(data, uint64(len(data)), 8) {
		got := scanAll(tb, nr.new(), maxLine)
		if !assertSameResult(tb, want, got, "reader %s", nr.name) {
			return want
		}
	}
	if len(data) <= 512 {
		for k := 1; k < len(data); k++ {
			got := scanAll(tb, &chunkReader{data: data, sizes: []int{k}}, maxLine)
			if !assertSameResult(tb, want, got, "split at byte %d", k) {
				return want
			}
		}
	}
	return want
}

// chunkReader returns data in reads of the given sizes, then the rest in one
// read.
type chunkReader struct {
	data  []byte
	sizes []int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(r.data)
	if len(r.sizes) > 0 {
		n = min(n, r.sizes[0])
		r.sizes = r.sizes[1:]
	}
	n = copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// newRandomSplitReader returns data in reads of random sizes (mostly short,
// sometimes long), determined by seed.
func newRandomSplitReader(data []byte, seed uint64) io.Reader {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var sizes []int
	for n := 0; n < len(data); {
		k := 1 + rng.IntN(7)
		if rng.IntN(4) == 0 {
			k = 1 + rng.IntN(4096)
		}
		sizes = append(sizes, k)
		n += k
	}
	return &chunkReader{data: data, sizes: sizes}
}

// cycleReader returns the same bytes forever, without allocating.
type cycleReader struct {
	data []byte
	off  int
}

func (r *cycleReader) Read(p []byte) (int, error) {
	n := copy(p, r.data[r.off:])
	r.off = (r.off + n) % len(r.data)
	return n, nil
}

func TestReadersSplitEverything(t *testing.T) {
	t.Parallel()
	data := []byte("0123456789abcdefghijklmnopqrstuvwxyz")
	for _, nr := range readersFor(data, 1, 4) {
		got, err := io.ReadAll(nr.new())
		require.NoError(t, err, nr.name)
		assert.Equal(t, data, got, nr.name)
	}
}
