package timing_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/timing"
)

// TestWriterMaxLineSize: a line over the cap stops the Writer as soon as
// it is over (the Writer holds no more of it than the cap and one
// Append), and the capture keeps the lines before it, without an end line:
// it reads as a recording cut short.
func TestWriterMaxLineSize(t *testing.T) {
	t.Parallel()
	const maxLine, readSize = 1000, 100
	cases := []struct {
		name, before, line string
		tooLong            bool
	}{
		{name: "at_cap_lf", before: "data: a\n\n", line: strings.Repeat("x", maxLine) + "\n"},
		{name: "at_cap_crlf", before: "data: a\r\n\r\n", line: strings.Repeat("x", maxLine) + "\r\n"},
		{name: "at_cap_cr", before: "data: a\r\r", line: strings.Repeat("x", maxLine) + "\r"},
		{name: "over_cap", before: "data: a\n\n", line: strings.Repeat("x", maxLine+1) + "\n", tooLong: true},
		{name: "huge", before: "data: a\n\n", line: strings.Repeat("y", 1<<20) + "\n", tooLong: true},
		{name: "huge_no_eol", before: "", line: strings.Repeat("y", 1<<20), tooLong: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := tc.before + tc.line + "data: b\n\n"
			var out bytes.Buffer
			w := timing.NewWriter(&out, start)
			w.SetMaxLineSize(maxLine)
			fed := 0
			var err error
			for ; fed < len(in) && err == nil; fed += readSize {
				err = w.Append([]byte(in[fed:min(fed+readSize, len(in))]), ms(1))
			}
			if !tc.tooLong {
				require.NoError(t, err)
				require.NoError(t, w.Close(ms(2)))
				back, err := strip(out.Bytes())
				require.NoError(t, err)
				assert.Equal(t, in, string(back))
				return
			}
			require.ErrorIs(t, err, timing.ErrLineTooLong)
			assert.LessOrEqual(t, fed, len(tc.before)+maxLine+2*readSize, "it stops as soon as the line is over the cap")
			require.ErrorIs(t, w.Append([]byte("more\n"), ms(3)), timing.ErrLineTooLong, "the error stays")
			require.ErrorIs(t, w.Close(ms(3)), timing.ErrLineTooLong)
			r, err := timing.NewReader(bytes.NewReader(out.Bytes()))
			require.NoError(t, err)
			back, err := io.ReadAll(r)
			require.NoError(t, err)
			assert.Equal(t, tc.before, string(back), "the lines before it are kept")
			assert.True(t, r.Truncated(), "no end line: the recording was cut short")
		})
	}
}

// FuzzWriterMaxLineSize checks the cap on any stream read in any reads:
// either every line is within the cap and the capture gives the stream
// back, or the Writer fails with ErrLineTooLong, having held no more than
// the cap and one read of the line, and the capture gives back the stream
// up to the end of a line, cut short.
func FuzzWriterMaxLineSize(f *testing.F) {
	f.Add([]byte("data: a\n\ndata: bbbbbbbbbb\n\n"), uint8(4), uint8(3))
	f.Add([]byte("a\r\nbbbbbbbbbbbbbbb\rc"), uint8(5), uint8(1))
	f.Add([]byte("x\r"), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, maxLine, readSize uint8) {
		limit, size := int(maxLine)+1, int(readSize)+1
		var out bytes.Buffer
		w := timing.NewWriter(&out, start)
		w.SetMaxLineSize(limit)
		var err error
		fed := 0
		for ; fed < len(in) && err == nil; fed += size {
			err = w.Append(in[fed:min(fed+size, len(in))], ms(1))
		}
		if err == nil {
			err = w.Close(ms(2))
		}
		r, rerr := timing.NewReader(bytes.NewReader(out.Bytes()))
		require.NoError(t, rerr)
		back, rerr := io.ReadAll(r)
		require.NoError(t, rerr)
		if err == nil {
			assert.Equal(t, string(in), string(back))
			return
		}
		require.ErrorIs(t, err, timing.ErrLineTooLong)
		assert.True(t, r.Truncated())
		require.True(t, bytes.HasPrefix(in, back), "the capture is a prefix of the stream")
		if len(back) > 0 {
			assert.Contains(t, "\r\n", string(back[len(back)-1:]), "it ends at the end of a line")
		}
		assert.LessOrEqual(t, fed-len(back), limit+2*size+1, "the Writer held no more than the cap and one read of the line")
	})
}
