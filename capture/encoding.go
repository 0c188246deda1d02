package capture

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http/httputil"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// A Coding is a compression of a whole input or of an HTTP body, named as
// the Content-Encoding header names it.
type Coding string

// The codings a capture is read through.
const (
	Gzip    Coding = "gzip"
	Zstd    Coding = "zstd"
	Brotli  Coding = "br"
	Deflate Coding = "deflate"
)

// CodingOf returns the coding that a file name's last extension says the
// file is compressed with (.gz, .zst, .br), or "" for none.
func CodingOf(name string) Coding {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".gz":
		return Gzip
	case ".zst":
		return Zstd
	case ".br":
		return Brotli
	}
	return ""
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// sniffCoding returns the coding that the magic bytes at the start of b
// show: gzip and zstd have one; brotli and raw deflate have none.
func sniffCoding(b []byte) Coding {
	switch {
	case bytes.HasPrefix(b, gzipMagic):
		return Gzip
	case bytes.HasPrefix(b, zstdMagic):
		return Zstd
	}
	return ""
}

// maxZstdWindow bounds the memory the zstd decoder may take for the
// window a frame asks for: a capture is untrusted input.
const maxZstdWindow = 64 << 20

// newDecoder returns a reader of what r holds compressed with coding.
func newDecoder(coding Coding, r *feed) (io.Reader, error) {
	switch coding {
	case Gzip:
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		return zr, nil
	case Zstd:
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxZstdWindow), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, err
		}
		return zr.IOReadCloser(), nil
	case Brotli:
		return brotli.NewReader(r), nil
	case Deflate:
		// HTTP's "deflate" is zlib (RFC 9110), but some servers send raw
		// deflate; the zlib header tells them apart.
		if b, _ := r.b.peek(2); len(b) == 2 && b[0]&0x0f == 8 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0 {
			return zlib.NewReader(r)
		}
		return flate.NewReader(r), nil
	}
	return nil, fmt.Errorf("unknown coding %q", coding)
}

// feed reads the encoded bytes of a decoder from a reader and keeps the
// arrival time of the last of them, which is the time of the decoded
// bytes they make. It is an io.ByteReader, so that gzip and flate read no
// further than they need and the times stay those of the bytes decoded.
type feed struct {
	b  *reader
	at time.Time
}

func (f *feed) Read(p []byte) (int, error) {
	n, at, err := f.b.readTimed(p)
	if n > 0 || err != nil {
		f.at = at
	}
	return n, err
}

func (f *feed) ReadByte() (byte, error) {
	if _, err := f.b.peek(1); err != nil && f.b.buffered() == 0 {
		f.at = f.b.last
		return 0, err
	}
	var one [1]byte
	_, err := f.Read(one[:])
	return one[0], err
}

// ErrCoding is wrapped by the error of an input or a body that does not
// decode as its coding says (a corrupt gzip stream, a chunk-size line
// that is not hex).
var ErrCoding = errors.New("malformed encoded data")

// codingError is a decoder's error on what, which says the coding: "gzip-
// compressed input", "chunked body".
type codingError struct {
	what string
	err  error
}

func (e *codingError) Error() string        { return e.what + ": " + e.err.Error() }
func (e *codingError) Unwrap() error        { return e.err }
func (e *codingError) Is(target error) bool { return target == ErrCoding }

// decoded is the source of bytes decoded from another source: each read
// carries the arrival time of the encoded bytes it took.
type decoded struct {
	dec  io.Reader
	from *feed
	what string // the coding, for errors
}

func (s decoded) read(p []byte) (int, time.Time, error) {
	n, err := s.dec.Read(p)
	if errors.Is(err, io.EOF) {
		// The coding ended (the last chunk, the end of a gzip member):
		// what follows it is read too, so that the end of the input
		// keeps its own time.
		_, err = io.Copy(io.Discard, s.from)
		if err == nil {
			err = io.EOF
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		if s.from.b.err != nil && !errors.Is(s.from.b.err, io.EOF) {
			err = s.from.b.err // the input's own read error, not the decoder's view of it
		} else {
			err = &codingError{what: s.what, err: err}
		}
	}
	return n, s.from.at, err
}

// decode replaces the body by what it holds encoded with coding.
func decode(body *reader, coding Coding, what string) (*reader, error) {
	f := &feed{b: body}
	dec, err := newDecoder(coding, f)
	if err != nil {
		if body.err != nil && !errors.Is(body.err, io.EOF) {
			return nil, body.err
		}
		return nil, &codingError{what: what, err: err}
	}
	return &reader{src: decoded{dec: dec, from: f, what: what}}, nil
}

// decompressInput reads a whole input that is compressed: by coding when
// it is set (the file name said so), else by its magic bytes. It returns
// raw as it is when the input is not compressed.
func decompressInput(raw *reader, coding Coding) (*reader, string, error) {
	if coding == "" {
		b, _ := raw.peek(len(zstdMagic))
		coding = sniffCoding(b)
		if coding == "" {
			return raw, "", nil
		}
	}
	what := fmt.Sprintf("%s-compressed input", coding)
	r, err := decode(raw, coding, what)
	if err != nil {
		return nil, "", err
	}
	return r, fmt.Sprintf("the input is %s-compressed: it was read decompressed", coding), nil
}

// decodeBody undoes the transfer and content codings that the response
// header names and that the body still has: a body with its chunk-size
// lines (what nc or a packet capture saves) is de-chunked, a compressed
// one decompressed, each with a note. curl decodes both itself and keeps
// the headers, so a body that is already plain is left as it is.
func (c *Capture) decodeBody() error {
	if c.Header == nil {
		return nil
	}
	first := c.body.first
	if te := c.Header.Values("Transfer-Encoding"); hasToken(te, "chunked") && c.chunkEncoded() {
		f := &feed{b: c.body}
		// A small buffer, so that the chunk-size lines are read without
		// reading far ahead of the data (whose times the feed keeps);
		// bufio reads big data reads straight through.
		dec := httputil.NewChunkedReader(bufio.NewReaderSize(f, 64))
		c.body = &reader{src: decoded{dec: dec, from: f, what: "chunked body"}}
		c.Notes = append(c.Notes, "the body has its chunk-size lines (Transfer-Encoding: chunked, as nc or a packet capture saves it): it was read de-chunked")
	}
	for _, ce := range contentCodings(c.Header) {
		coding := Coding(ce)
		b, _ := c.body.peek(64)
		if len(b) == 0 || !c.stillEncoded(coding, b) {
			break // curl --compressed decoded it, or there is no body
		}
		what := fmt.Sprintf("%s-compressed body (Content-Encoding: %s)", coding, coding)
		r, err := decode(c.body, coding, what)
		if err != nil {
			return err
		}
		c.body = r
		c.Notes = append(c.Notes, fmt.Sprintf("the body is %s-compressed (Content-Encoding: %s): it was read decompressed", coding, coding))
	}
	if c.firstByte.IsZero() {
		c.firstByte = first
	}
	return nil
}

// contentCodings returns the codings of Content-Encoding, the last applied
// first (the order to undo them), lower case; nil when one of them is
// not a coding sseinspect reads (identity is skipped).
func contentCodings(h map[string][]string) []string {
	var list []string
	for _, v := range h["Content-Encoding"] {
		for _, t := range strings.Split(v, ",") {
			t = strings.ToLower(strings.TrimSpace(t))
			switch t {
			case "", "identity":
			case "x-gzip":
				list = append(list, string(Gzip))
			case string(Gzip), string(Zstd), string(Brotli), string(Deflate):
				list = append(list, t)
			default:
				return nil
			}
		}
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

// hasToken reports whether a comma-separated header value holds tok.
func hasToken(values []string, tok string) bool {
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), tok) {
				return true
			}
		}
	}
	return false
}

// chunkEncoded reports whether the body starts with a chunk-size line: hex
// digits, maybe a chunk extension, CRLF.
func (c *Capture) chunkEncoded() bool {
	b, _ := c.body.peek(80)
	i := 0
	for i < len(b) && i < 16 && isHex(b[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(b) && b[i] == ';' {
		j := bytes.IndexByte(b[i:], '\r')
		if j < 0 {
			return false
		}
		i += j
	}
	return bytes.HasPrefix(b[i:], []byte("\r\n"))
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// stillEncoded tells from the first bytes of a body whether it is still
// compressed with coding, or was decoded already (curl --compressed).
func (c *Capture) stillEncoded(coding Coding, b []byte) bool {
	switch coding {
	case Gzip:
		return bytes.HasPrefix(b, gzipMagic)
	case Zstd:
		return bytes.HasPrefix(b, zstdMagic)
	}
	return !looksLikeText(b) // brotli and deflate have no magic bytes
}

// looksLikeText reports whether b reads as the start of a text stream or
// a JSON body: valid UTF-8 (but for a sequence cut at the end) without
// control characters other than tab, CR and LF.
func looksLikeText(b []byte) bool {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:])
		}
		if r < 0x20 && r != '\t' && r != '\r' && r != '\n' || r == 0x7f {
			return false
		}
		i += n
	}
	return true
}
