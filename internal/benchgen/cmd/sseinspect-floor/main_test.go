package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/benchgen"
)

// TestScanCountsWhateverTheReads checks the floor's counts against a
// direct count, whatever the buffer size and however the input is split
// into reads, on a generated capture of each format.
func TestScanCountsWhateverTheReads(t *testing.T) {
	t.Parallel()
	for _, format := range benchgen.Formats() {
		var capture bytes.Buffer
		_, err := benchgen.GenerateStats(&capture, format, 32<<10, 3)
		require.NoError(t, err)
		data := capture.Bytes()
		wantLines := int64(bytes.Count(data, []byte("\n")))
		if !bytes.HasSuffix(data, []byte("\n")) {
			wantLines++
		}
		wantPayloads := int64(bytes.Count(data, []byte("\ndata:")))
		if bytes.HasPrefix(data, []byte("data:")) {
			wantPayloads++
		}
		for _, v := range []struct {
			name  string
			valid func([]byte) bool
		}{{"std", validators["std"]}, {"jsonscan", validators["jsonscan"]}} {
			whole, err := scan(bytes.NewReader(data), make([]byte, 1<<20), v.valid)
			require.NoError(t, err)
			assert.Equal(t, wantLines, whole.Lines, format)
			assert.Equal(t, wantPayloads, whole.Payloads, format)
			bytewise, err := scan(iotest.OneByteReader(bytes.NewReader(data)), make([]byte, 8<<10), v.valid)
			require.NoError(t, err)
			assert.Equal(t, whole, bytewise, "%s %s", format, v.name)
		}
	}
}

func TestScanFindsInvalidPayloads(t *testing.T) {
	t.Parallel()
	in := "event: x\ndata: {\"a\":1}\r\n\ndata:[1,2]\ndata: {\"a\":\n\ndata: [DONE]\nlast line"
	for _, name := range []string{"std", "jsonscan"} {
		c, err := scan(bytes.NewReader([]byte(in)), make([]byte, 16), validators[name])
		require.NoError(t, err)
		assert.Equal(t, counts{Lines: 8, Payloads: 4, Invalid: 2}, c, name)
	}
	c, err := scan(bytes.NewReader([]byte(in)), make([]byte, 16), nil)
	require.NoError(t, err)
	assert.Equal(t, counts{Lines: 8}, c)
}

func TestScanLineLongerThanTheBuffer(t *testing.T) {
	t.Parallel()
	_, err := scan(bytes.NewReader([]byte("0123456789abcdef\n")), make([]byte, 8), nil)
	assert.ErrorIs(t, err, errLineTooLong)
}

func TestRun(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.sse")
	require.NoError(t, os.WriteFile(path, []byte("data: {}\n\ndata: [DONE]\n\n"), 0o600))
	for _, v := range []string{"none", "std", "jsonscan"} {
		var out, errb bytes.Buffer
		code := run([]string{"-validate", v, "-buf", "4KiB", path, path}, &out, &errb)
		require.Equal(t, 0, code, errb.String())
		payloads := 0
		if v != "none" {
			payloads = 4
		}
		invalid := payloads / 2
		assert.Equal(t, "lines 8  data payloads "+strconv.Itoa(payloads)+"  invalid "+strconv.Itoa(invalid)+"\n", out.String(), v)
	}
	var out, errb bytes.Buffer
	assert.Equal(t, 2, run([]string{"-validate", "simd", path}, &out, &errb))
	assert.Equal(t, 1, run([]string{filepath.Join(t.TempDir(), "missing")}, &out, &errb))
}
