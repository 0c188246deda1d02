package capture_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/timing"
)

// compress returns s compressed with coding ("deflate-raw": deflate
// without the zlib header, as some servers send it).
func compress(tb testing.TB, coding, s string) string {
	tb.Helper()
	var b bytes.Buffer
	var w io.WriteCloser
	var err error
	switch coding {
	case "gzip":
		w = gzip.NewWriter(&b)
	case "zstd":
		w, err = zstd.NewWriter(&b)
	case "br":
		w = brotli.NewWriter(&b)
	case "deflate":
		w = zlib.NewWriter(&b)
	case "deflate-raw":
		w, err = flate.NewWriter(&b, flate.DefaultCompression)
	default:
		tb.Fatalf("no coding %q", coding)
	}
	require.NoError(tb, err)
	_, err = io.WriteString(w, s)
	require.NoError(tb, err)
	require.NoError(tb, w.Close())
	return b.String()
}

// chunked returns s in HTTP/1.1 chunked transfer coding, in chunks of n
// bytes, with a chunk extension on the first.
func chunked(s string, n int) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		part := s[i:min(i+n, len(s))]
		ext := ""
		if i == 0 {
			ext = ";name=value"
		}
		fmt.Fprintf(&b, "%x%s\r\n%s\r\n", len(part), ext, part)
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

const stream = "event: a\ndata: {\"n\":1}\n\nevent: b\ndata: {\"n\":2}\n\n"

func TestCodingOf(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]capture.Coding{
		"x.sse.gz": capture.Gzip, "X.GZ": capture.Gzip, "a/b.zst": capture.Zstd, "c.sse.br": capture.Brotli,
		"x.sse": "", "x.gzip": "", "gz": "", "x.tar": "",
	} {
		assert.Equal(t, want, capture.CodingOf(name), name)
	}
}

func TestOpenCompressedInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		coding string
		opt    capture.Coding // what the file name says
	}{
		{"gzip", ""}, // by the magic bytes
		{"zstd", ""},
		{"gzip", capture.Gzip},
		{"zstd", capture.Zstd},
		{"br", capture.Brotli}, // brotli has no magic bytes: only the name says it
	} {
		name := tc.coding + "/" + string(tc.opt)
		for _, split := range []string{"whole", "byte"} {
			var r io.Reader = strings.NewReader(compress(t, tc.coding, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"+stream))
			if split == "byte" {
				r = iotest.OneByteReader(r)
			}
			c, err := capture.Open(r, capture.Options{Coding: tc.opt})
			require.NoError(t, err, name)
			reads, _ := readAll(t, c)
			assert.Equal(t, stream, body(reads), name)
			assert.Equal(t, 200, c.StatusCode, name)
			assert.Equal(t, []string{"the input is " + tc.coding + "-compressed: it was read decompressed"}, c.Notes, name)
		}
	}
}

// A timed capture that was gzipped whole keeps its times.
func TestOpenCompressedTimedCapture(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := timing.NewWriter(&b, epoch)
	require.NoError(t, w.Append([]byte("data: 1\n\n"), 10*time.Millisecond))
	require.NoError(t, w.Append([]byte("data: 2\n\n"), 30*time.Millisecond))
	require.NoError(t, w.Close(40*time.Millisecond))
	c, err := capture.Open(strings.NewReader(compress(t, "gzip", b.String())), capture.Options{})
	require.NoError(t, err)
	reads, end := readAll(t, c)
	assert.Equal(t, []timedRead{{"data: 1\n\n", 10 * time.Millisecond}, {"data: 2\n\n", 30 * time.Millisecond}}, reads)
	assert.Equal(t, 40*time.Millisecond, end)
	assert.Equal(t, epoch, c.Start)
}

func TestOpenCompressedInputErrors(t *testing.T) {
	t.Parallel()
	gz := compress(t, "gzip", stream)
	for name, tc := range map[string]struct {
		in     string
		coding capture.Coding
		want   string
	}{
		"gzip_cut_short":      {in: gz[:len(gz)-6], want: "gzip-compressed input: unexpected EOF"},
		"gzip_bad_checksum":   {in: gz[:len(gz)-8] + "\x00\x00\x00\x00" + gz[len(gz)-4:], want: "gzip-compressed input: gzip: invalid checksum"},
		"named_gz_not_gzip":   {in: stream, coding: capture.Gzip, want: "gzip-compressed input: gzip: invalid header"},
		"named_br_not_brotli": {in: stream, coding: capture.Brotli, want: "br-compressed input: "},
		"zstd_garbage":        {in: "\x28\xb5\x2f\xfd" + "garbage", want: "zstd-compressed input: "},
	} {
		c, err := capture.Open(strings.NewReader(tc.in), capture.Options{Coding: tc.coding})
		if err == nil {
			_, err = io.ReadAll(c)
		}
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
}

func TestOpenContentEncoding(t *testing.T) {
	t.Parallel()
	head := func(h string) string { return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n" + h + "\r\n" }
	for name, tc := range map[string]struct {
		in    string
		notes []string
	}{
		"gzip": {in: head("Content-Encoding: gzip\r\n") + compress(t, "gzip", stream),
			notes: []string{"the body is gzip-compressed (Content-Encoding: gzip): it was read decompressed"}},
		"x-gzip": {in: head("Content-Encoding: x-gzip\r\n") + compress(t, "gzip", stream),
			notes: []string{"the body is gzip-compressed (Content-Encoding: gzip): it was read decompressed"}},
		"br": {in: head("content-encoding: br\r\n") + compress(t, "br", stream),
			notes: []string{"the body is br-compressed (Content-Encoding: br): it was read decompressed"}},
		"zstd": {in: head("Content-Encoding: zstd\r\n") + compress(t, "zstd", stream),
			notes: []string{"the body is zstd-compressed (Content-Encoding: zstd): it was read decompressed"}},
		"deflate_zlib": {in: head("Content-Encoding: deflate\r\n") + compress(t, "deflate", stream),
			notes: []string{"the body is deflate-compressed (Content-Encoding: deflate): it was read decompressed"}},
		"deflate_raw": {in: head("Content-Encoding: deflate\r\n") + compress(t, "deflate-raw", stream),
			notes: []string{"the body is deflate-compressed (Content-Encoding: deflate): it was read decompressed"}},
		"two_codings_undone_last_first": {in: head("Content-Encoding: deflate, gzip\r\n") + compress(t, "gzip", compress(t, "deflate", stream)),
			notes: []string{
				"the body is gzip-compressed (Content-Encoding: gzip): it was read decompressed",
				"the body is deflate-compressed (Content-Encoding: deflate): it was read decompressed",
			}},
		// curl --compressed decodes the body and keeps the header.
		"gzip_already_decoded": {in: head("Content-Encoding: gzip\r\n") + stream},
		"br_already_decoded":   {in: head("Content-Encoding: br\r\n") + stream},
		"unknown_coding_left":  {in: head("Content-Encoding: compress\r\n") + stream},
		"chunked": {in: head("Transfer-Encoding: chunked\r\n") + chunked(stream, 7),
			notes: []string{"the body has its chunk-size lines (Transfer-Encoding: chunked, as nc or a packet capture saves it): it was read de-chunked"}},
		"chunked_then_gzip": {in: head("Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n") + chunked(compress(t, "gzip", stream), 5),
			notes: []string{
				"the body has its chunk-size lines (Transfer-Encoding: chunked, as nc or a packet capture saves it): it was read de-chunked",
				"the body is gzip-compressed (Content-Encoding: gzip): it was read decompressed",
			}},
		// curl de-chunks and keeps the header.
		"chunked_already_decoded": {in: head("Transfer-Encoding: chunked\r\n") + stream},
	} {
		for _, split := range []string{"whole", "byte"} {
			var r io.Reader = strings.NewReader(tc.in)
			if split == "byte" {
				r = iotest.OneByteReader(r)
			}
			c, err := capture.Open(r, capture.Options{})
			require.NoError(t, err, name)
			reads, _ := readAll(t, c)
			assert.Equal(t, stream, body(reads), "%s %s", name, split)
			assert.Equal(t, tc.notes, c.Notes, name)
		}
	}
}

// A timed capture of a raw chunked response (what a recording of nc's
// output holds): the de-chunked events keep the times of their lines.
func TestOpenChunkedTimed(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := timing.NewWriter(&b, epoch)
	require.NoError(t, w.Append([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), 5*time.Millisecond))
	for i, ms := range []int{10, 20, 30} {
		ev := fmt.Sprintf("data: %d\n\n", i)
		require.NoError(t, w.Append(fmt.Appendf(nil, "%x\r\n%s\r\n", len(ev), ev), time.Duration(ms)*time.Millisecond))
	}
	require.NoError(t, w.Append([]byte("0\r\n\r\n"), 40*time.Millisecond))
	require.NoError(t, w.Close(41*time.Millisecond))

	c, err := capture.Open(&b, capture.Options{})
	require.NoError(t, err)
	reads, end := readAll(t, c)
	assert.Equal(t, "data: 0\n\ndata: 1\n\ndata: 2\n\n", body(reads))
	for i, r := range reads {
		// Each event is no later than the chunk that carries it, and no
		// earlier than the chunk-size line before it.
		assert.Contains(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond}, r.at, "read %d %q", i, r.data)
	}
	require.NotEmpty(t, reads)
	assert.Equal(t, 10*time.Millisecond, reads[0].at, "the first event's time is its chunk's")
	assert.Equal(t, 41*time.Millisecond, end)
	assert.Equal(t, epoch.Add(5*time.Millisecond), c.FirstByte(), "the first byte is the preamble's")
}

// A malformed chunked or compressed body is a read error after what
// decoded; the preamble is still read.
func TestOpenEncodedBodyErrors(t *testing.T) {
	t.Parallel()
	gz := compress(t, "gzip", stream)
	for name, tc := range map[string]struct {
		in, want string
	}{
		"bad_chunk_size": {in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ndata:\r\nzz\r\n", want: "chunked body: "},
		"gzip_cut":       {in: "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + gz[:len(gz)-10], want: "gzip-compressed body (Content-Encoding: gzip): unexpected EOF"},
	} {
		c, err := capture.Open(strings.NewReader(tc.in), capture.Options{})
		require.NoError(t, err, name)
		assert.Equal(t, 200, c.StatusCode, name)
		_, err = io.ReadAll(c)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
}

// FuzzEncodedBody: whatever follows a header that names codings, Open and
// the reads of the body end without a panic, and a body that is not
// encoded after all reads as it is.
func FuzzEncodedBody(f *testing.F) {
	f.Add("gzip", false, compress(f, "gzip", stream))
	f.Add("br", false, compress(f, "br", stream))
	f.Add("zstd", true, chunked(compress(f, "zstd", stream), 9))
	f.Add("deflate", true, chunked(compress(f, "deflate", stream), 3))
	f.Add("gzip", true, chunked(stream, 4))
	f.Add("", true, "ffffffffffffffff\r\nx")
	f.Fuzz(func(t *testing.T, coding string, chunk bool, b string) {
		if strings.ContainsAny(coding, "\r\n") {
			return
		}
		h := "HTTP/1.1 200 OK\r\n"
		if chunk {
			h += "Transfer-Encoding: chunked\r\n"
		}
		if coding != "" {
			h += "Content-Encoding: " + coding + "\r\n"
		}
		c, err := capture.Open(strings.NewReader(h+"\r\n"+b), capture.Options{})
		if err != nil {
			return
		}
		got, err := io.ReadAll(io.LimitReader(c, 1<<20))
		if err == nil && len(c.Notes) == 0 && len(got) < 1<<20 {
			assert.Equal(t, b, string(got), "a body read without a note is the body as it is")
		}
	})
}

// TestOpenCorruptCodingIsErrCoding: an input or a body that does not
// decode as its coding says fails with ErrCoding, a kind Open documents
// (FuzzOpen found a cut gzip input failing with an error of no kind).
func TestOpenCorruptCodingIsErrCoding(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"\x1f\x8b", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\x1f\x8b"} {
		_, err := capture.Open(strings.NewReader(in), capture.Options{})
		require.ErrorIs(t, err, capture.ErrCoding, "%q", in)
		assert.Contains(t, err.Error(), "gzip-compressed", "%q", in)
	}
	c, err := capture.Open(strings.NewReader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"), capture.Options{})
	require.NoError(t, err)
	_, err = io.ReadAll(c)
	require.ErrorIs(t, err, capture.ErrCoding)
	assert.Contains(t, err.Error(), "chunked body: ")
}
