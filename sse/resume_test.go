package sse

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scanPieces scans data cut at the given offsets (each a Cut of the data
// before it) as a pipeline does: each piece from PieceStart on its own
// Scanner, then placed in order; a piece that fails is scanned again from
// its Boundary, known by then. end is the error after the last byte (nil:
// the end of input). The result must be scanAll's.
func scanPieces(tb testing.TB, data []byte, cuts []int, end error, maxLine int) result {
	tb.Helper()
	var res result
	at := StreamStart()
	var stats Stats
	from := 0
	for i := 0; i <= len(cuts); i++ {
		to, err := len(data), end
		if i < len(cuts) {
			to, err = cuts[i], nil
		}
		piece := data[from:to]
		start := PieceStart()
		if i == 0 {
			start = StreamStart()
		}
		s := &Scanner{}
		s.reset(nil)
		if maxLine > 0 {
			s.SetMaxLineSize(maxLine)
		}
		s.ResumeBytes(piece, err, start)
		var evs []record
		for s.Scan() {
			ev := *s.Event()
			if s.DataInInput() {
				// A slice of the piece, in place.
				require.True(tb, len(ev.Data) == 0 || within(ev.Data, piece), "DataInInput, yet not in the input")
			}
			if i > 0 {
				at.Place(&ev)
			}
			evs = append(evs, recordOf(&ev))
		}
		if s.Err() != nil {
			// Scanned again where the boundary is known, so that the
			// error counts its lines in the stream.
			s = &Scanner{}
			s.reset(nil)
			if maxLine > 0 {
				s.SetMaxLineSize(maxLine)
			}
			s.Resume(&errAtEnd{r: bytes.NewReader(piece), err: err}, at)
			evs = nil
			for s.Scan() {
				evs = append(evs, recordOf(s.Event()))
			}
			res.Events = append(res.Events, evs...)
			res.Err = s.Err().Error()
			res.Stats = stats.Add(s.Stats())
			return res
		}
		res.Events = append(res.Events, evs...)
		st := s.Stats()
		if i == 0 {
			stats = st
			at = s.Boundary()
		} else {
			stats = stats.Add(st)
			at = at.Then(s.Boundary())
		}
		from = to
	}
	res.Stats = stats
	return res
}

// errAtEnd reads r, then returns err (io.EOF when nil).
type errAtEnd struct {
	r   *bytes.Reader
	err error
}

func (e *errAtEnd) Read(p []byte) (int, error) {
	n, _ := e.r.Read(p)
	if n == 0 && e.err != nil {
		return 0, e.err
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func recordOf(ev *Event) record {
	return record{Type: ev.TypeName(), Data: string(ev.Data), ID: ev.ID, Retry: ev.Retry,
		Line: ev.Line, DataLines: ev.DataLines, Incomplete: ev.Incomplete}
}

// allCuts returns every offset at which Cut would cut data read up to it.
func allCuts(data []byte) []int {
	var cuts []int
	for i := range data {
		if k := Cut(data[:i+1]); k == i+1 {
			cuts = append(cuts, k)
		}
	}
	return cuts
}

// everyOther keeps one cut in step: different piece sizes.
func everyOther(cuts []int, step int) []int {
	var out []int
	for i, c := range cuts {
		if i%step == 0 {
			out = append(out, c)
		}
	}
	return out
}

var resumeCases = []string{
	"",
	"data: a\n\ndata: b\n\n",
	"\xEF\xBB\xBFdata: bom\n\ndata: x\n\n",
	"id: 1\ndata: a\n\ndata: b\n\nid: 2\n\ndata: c\n\nretry: 7\n\ndata: d\n\n",
	"id: 1\nretry: 5\ndata: a\n\n\n\ndata: b\r\n\r\nid\ndata: c\n\n",
	"id: a\x00b\ndata: a\n\nretry: x\ndata: b\n\n",
	"event: e\ndata: a\ndata: b\n\n: c\n\nevent: f\n\ndata: \xFF\n\ndata: tail",
	"data: a\r\n\r\ndata: b\rdata: c\r\r\ndata: d\n\n",
	"data: a\n\ndata: 0123456789012345678901234567890123456789\n\ndata: b\n\n",
	"data: a\n\ndata: bb\ndata: cc\ndata: dd\ndata: ee\ndata: ff\n\ndata: g\n\n",
	"data: a\n\ndata: b",
	"data: a\n\nevent: t\ndata: b\r",
}

// TestResumeInPieces: a stream cut at every boundary, or at some, and
// scanned piece by piece side by side, gives the events, stats and error
// of one Scanner: with the default cap and a small one (errors inside a
// later piece), and with a read error after the last byte.
func TestResumeInPieces(t *testing.T) {
	inputs := resumeCases
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "captures", "*", "*.sse"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		inputs = append(inputs, string(b))
	}
	readErr := errors.New("boom")
	for _, in := range inputs {
		data := []byte(in)
		cuts := allCuts(data)
		for _, maxLine := range []int{0, 20} {
			want := scanAll(t, bytes.NewReader(data), maxLine)
			for _, step := range []int{1, 2, 5} {
				got := scanPieces(t, data, everyOther(cuts, step), nil, maxLine)
				if !assertSameResult(t, want, got, "cap %d, one cut in %d: %q", maxLine, step, firstBytes(data)) {
					return
				}
			}
			wantErr := scanAll(t, &onceReader{data: data, err: readErr}, maxLine)
			got := scanPieces(t, data, cuts, readErr, maxLine)
			if !assertSameResult(t, wantErr, got, "read error, cap %d: %q", maxLine, firstBytes(data)) {
				return
			}
		}
	}
}

func firstBytes(p []byte) []byte { return p[:min(len(p), 60)] }

// onceReader returns data in one read, then err.
type onceReader struct {
	data []byte
	err  error
	done bool
}

func (r *onceReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	if len(r.data) == 0 {
		r.done = true
	}
	return n, nil
}

func TestCut(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"", -1},
		{"\n", -1},
		{"\n\n", 2},
		{"data: a\n\n", 9},
		{"data: a\n\ndata: b\n", 9},
		{"data: a\r\n\r\n", 11},
		{"data: a\r\n\n", 10},
		{"data: a\n\r\n", 10},
		{"data: a\r\r", -1},   // lone CRs: the next byte may be a LF
		{"data: a\n\r", -1},   // idem
		{"data: a\r\r\n", -1}, // "\r" ends a line, "\r\n" a blank one: not seen as such
		{"data: a\n\ndata: b\n\ndata", 18},
	} {
		assert.Equal(t, c.want, Cut([]byte(c.in)), "%q", c.in)
	}
}

// TestStatsAddCoversEveryCount: Add sums every count of Stats (a count
// added to Stats and forgotten in Add fails here).
func TestStatsAddCoversEveryCount(t *testing.T) {
	var one Stats
	v := reflect.ValueOf(&one).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.Int:
			f.SetInt(1)
		case reflect.Bool:
		default:
			t.Fatalf("Stats.%s: a kind Add does not know", v.Type().Field(i).Name)
		}
	}
	two := one.Add(one)
	w := reflect.ValueOf(two)
	for i := range w.NumField() {
		if w.Field(i).Kind() == reflect.Int {
			assert.EqualValues(t, 2, w.Field(i).Int(), "Stats.%s", w.Type().Field(i).Name)
		}
	}
}

// within reports whether the first byte of p is one of q's.
func within(p, q []byte) bool {
	a, lo := uintptr(unsafe.Pointer(&p[0])), uintptr(unsafe.Pointer(&q[0]))
	return a >= lo && a < lo+uintptr(len(q))
}

// FuzzResume checks, for any input, that scanning it in pieces cut at
// its boundaries gives what one Scanner gives, under the default cap and a
// small one derived from the input, and with a read error at the end.
func FuzzResume(f *testing.F) {
	for _, c := range resumeCases {
		f.Add([]byte(c), uint8(1))
	}
	readErr := errors.New("boom")
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		cuts := everyOther(allCuts(data), 1+int(step%4))
		for _, maxLine := range []int{0, 1 + len(data)%48} {
			want := scanAll(t, bytes.NewReader(data), maxLine)
			if !assertSameResult(t, want, scanPieces(t, data, cuts, nil, maxLine), "cap %d", maxLine) {
				return
			}
			want = scanAll(t, &onceReader{data: data, err: readErr}, maxLine)
			if !assertSameResult(t, want, scanPieces(t, data, cuts, readErr, maxLine), "read error, cap %d", maxLine) {
				return
			}
		}
	})
}
