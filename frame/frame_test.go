package frame_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/frame"
)

// peeker is a frame.Peeker over a reader, as capture.Capture is.
type peeker struct {
	r   io.Reader
	buf []byte
	err error
}

func (p *peeker) Peek(n int) ([]byte, error) {
	for len(p.buf) < n && p.err == nil {
		b := make([]byte, 4096)
		k, err := p.r.Read(b)
		p.buf = append(p.buf, b[:k]...)
		p.err = err
	}
	if len(p.buf) < n {
		return p.buf, p.err
	}
	return p.buf[:n], nil
}

func (p *peeker) Buffered() int { return len(p.buf) }

func TestDetect(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]frame.Kind{
		"":                        frame.Empty,
		" \r\n\t":                 frame.Empty,
		"\xef\xbb\xbf":            frame.Empty,
		"\xef":                    frame.SSE, // not a BOM after all
		"data: x\n\n":             frame.SSE,
		"\xef\xbb\xbf\n data: x":  frame.SSE,
		"<html>":                  frame.SSE,
		` {"error":{}}`:           frame.JSON,
		"\xef\xbb\xbf\n[{}]":      frame.JSON,
		strings.Repeat(" ", 5000): frame.SSE, // 4096 bytes of nothing: not JSON
	} {
		assert.Equal(t, want, frame.Detect(&peeker{r: iotest.OneByteReader(strings.NewReader(in))}), "%q", in)
	}
	// On a live stream whose first read is "data", Detect reads no further.
	pr, pw := io.Pipe()
	go func() { _, _ = pw.Write([]byte("data")) }()
	assert.Equal(t, frame.SSE, frame.Detect(&peeker{r: pr}))
	pw.Close()
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// timedReads is an sse.TimedReader: each read returns the next chunk,
// which arrived at 10ms times its index (from 1); the end comes after.
type timedReads struct {
	chunks []string
	i      int
}

func (r *timedReads) ReadTimed(p []byte) (int, time.Time, error) {
	at := epoch.Add(time.Duration(r.i+1) * 10 * time.Millisecond)
	if r.i >= len(r.chunks) {
		return 0, at, io.EOF
	}
	n := copy(p, r.chunks[r.i])
	r.chunks[r.i] = r.chunks[r.i][n:]
	if r.chunks[r.i] == "" {
		r.i++
	}
	return n, at, nil
}

type jsonEvent struct {
	data string
	at   time.Duration
}

// frameJSON returns the events of a JSON body read in chunks, and the
// error that ended them.
func frameJSON(chunks ...string) (*frame.JSONBody, []jsonEvent, error) {
	body := frame.NewJSON(&timedReads{chunks: chunks}, 3)
	var evs []jsonEvent
	for ev, err := range body.Events() {
		if err != nil {
			return body, evs, err
		}
		evs = append(evs, jsonEvent{string(ev.Data), ev.At.Sub(epoch)})
	}
	return body, evs, nil
}

// TestJSONArray: each element is an event, timed by the read that
// completed it.
func TestJSONArray(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	body, evs, err := frameJSON(`[{"a":1},{"b":`, "2}", ",\xff{}]\n", " x")
	require.ErrorAs(t, err, new(*frame.Error), "the invalid byte between elements")
	assert.Equal(t, []jsonEvent{{`{"a":1}`, 10 * ms}, {`{"b":2}`, 20 * ms}}, evs)
	assert.True(t, body.Array())

	body, evs, err = frameJSON(`[{"a":1},{"b":`, "2}", ",{\"c\":\"\xff\"}]\n", " x")
	require.NoError(t, err)
	assert.Equal(t, []jsonEvent{{`{"a":1}`, 10 * ms}, {`{"b":2}`, 20 * ms}, {"{\"c\":\"\uFFFD\"}", 30 * ms}}, evs)
	assert.Equal(t, 3, body.Len())
	trailing, err := body.End()
	require.NoError(t, err)
	assert.Equal(t, 3, trailing, "the bytes after the array")

	body, evs, err = frameJSON("[ ]")
	require.NoError(t, err)
	assert.Empty(t, evs)
	trailing, err = body.End()
	require.NoError(t, err)
	assert.Zero(t, trailing)

	body, _, err = frameJSON(`[{"a":1}`)
	require.NoError(t, err)
	_, err = body.End()
	var fe *frame.Error
	require.ErrorAs(t, err, &fe, "an array that is not closed")
	assert.Equal(t, 3, fe.Line)
}

// TestJSONObject: the object is one event, at the end of the body.
func TestJSONObject(t *testing.T) {
	t.Parallel()
	body, evs, err := frameJSON(`{"error":`, `{"message":"x"}}`, "\n")
	require.NoError(t, err)
	assert.True(t, body.Object())
	assert.Equal(t, []jsonEvent{{`{"error":{"message":"x"}}`, 40 * time.Millisecond}}, evs)

	body, _, err = frameJSON(`{"error":`)
	var fe *frame.Error
	require.ErrorAs(t, err, &fe)
	assert.True(t, body.Object())
	assert.Equal(t, "line 3: JSON body: unexpected end of JSON input", err.Error())

	boom := errors.New("boom")
	body = frame.NewJSON(&failing{r: bytes.NewReader([]byte(`{"a"`)), err: boom}, 1)
	for _, err := range body.Events() {
		require.ErrorIs(t, err, boom, "a read error is not bad JSON")
		assert.NotErrorAs(t, err, &fe)
	}
}

// failing reads r, then fails with err.
type failing struct {
	r   io.Reader
	err error
}

func (f *failing) ReadTimed(p []byte) (int, time.Time, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		err = f.err
	}
	return n, time.Time{}, err
}
