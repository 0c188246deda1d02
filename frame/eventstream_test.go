package frame_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/sse"
)

// esFrame encodes one event-stream message with the SDK's own encoder:
// headers name/value pairs (string values), then the payload. Hand-made.
func esFrame(tb testing.TB, payload string, headers ...string) []byte {
	tb.Helper()
	var m eventstream.Message
	for i := 0; i+1 < len(headers); i += 2 {
		m.Headers.Set(headers[i], eventstream.StringValue(headers[i+1]))
	}
	m.Payload = []byte(payload)
	var b bytes.Buffer
	require.NoError(tb, eventstream.NewEncoder().Encode(&b, m))
	return b.Bytes()
}

func esEvent(tb testing.TB, typ, payload string) []byte {
	tb.Helper()
	return esFrame(tb, payload, ":message-type", "event", ":event-type", typ, ":content-type", "application/json")
}

// readerOf is an sse.TimedReader without times.
type readerOf struct{ r io.Reader }

func (r readerOf) ReadTimed(p []byte) (int, time.Time, error) {
	n, err := r.r.Read(p)
	return n, time.Time{}, err
}

type esGot struct {
	typ, id, data string
	line          int
}

// frameES returns the events of an event-stream body read from r, and
// the error that ended them.
func frameES(r io.Reader, maxSize int) ([]esGot, error) {
	s := frame.NewEventStream(readerOf{r})
	if maxSize > 0 {
		s.SetMaxSize(maxSize)
	}
	var got []esGot
	for ev, err := range s.Events() {
		if err != nil {
			return got, err
		}
		got = append(got, esGot{string(ev.Type), ev.ID, string(ev.Data), ev.Line})
	}
	return got, nil
}

// readers replays a body whole, one byte at a time and in halves.
var readers = map[string]func([]byte) io.Reader{
	"whole":    func(b []byte) io.Reader { return bytes.NewReader(b) },
	"one_byte": func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
	"half":     func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
}

// TestEventStream: each frame is an event (type from its headers, the
// message type as ID, the frame number as Line); an exception and an
// error message are events too.
func TestEventStream(t *testing.T) {
	t.Parallel()
	var body []byte
	body = append(body, esEvent(t, "messageStart", `{"role":"assistant"}`)...)
	body = append(body, esEvent(t, "contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi \xff\"}}")...)
	body = append(body, esFrame(t, `{"message":"slow down"}`, ":message-type", "exception", ":exception-type", "throttlingException")...)
	body = append(body, esFrame(t, "", ":message-type", "error", ":error-code", "InternalFailure", ":error-message", `boom "x"`)...)
	want := []esGot{
		{"messageStart", "event", `{"role":"assistant"}`, 1},
		{"contentBlockDelta", "event", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi \uFFFD\"}}", 2},
		{"throttlingException", "exception", `{"message":"slow down"}`, 3},
		{"InternalFailure", "error", `{"message":"boom \"x\""}`, 4},
	}
	for name, r := range readers {
		got, err := frameES(r(body), 0)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
}

// TestEventStreamErrors: an unreadable frame ends the events with a
// *frame.EventStreamError naming the frame and its byte offset, after the
// frames before it.
func TestEventStreamErrors(t *testing.T) {
	t.Parallel()
	first := esEvent(t, "messageStart", `{"role":"assistant"}`)
	second := esEvent(t, "contentBlockDelta", `{"contentBlockIndex":0,"delta":{"text":"Hi"}}`)
	off := int64(len(first))
	damaged := func(at int) []byte {
		b := append([]byte(nil), second...)
		b[at] ^= 0x40
		return b
	}
	// A prelude with a valid CRC that declares a frame of 16 MiB, of
	// which 20 bytes arrive.
	huge := make([]byte, 12, 32)
	binary.BigEndian.PutUint32(huge, frame.EventStreamMaxFrame)
	binary.BigEndian.PutUint32(huge[4:], 0)
	binary.BigEndian.PutUint32(huge[8:], crc32.ChecksumIEEE(huge[:8]))
	huge = append(huge, make([]byte, 20)...)
	tooLong := append([]byte(nil), huge[:12]...)
	binary.BigEndian.PutUint32(tooLong, frame.EventStreamMaxFrame+1)
	binary.BigEndian.PutUint32(tooLong[8:], crc32.ChecksumIEEE(tooLong[:8]))
	cases := []struct {
		name    string
		second  []byte
		maxSize int
		want    error
		msg     string
	}{
		{name: "payload_crc", second: damaged(len(second) - 10), want: frame.ErrChecksum,
			msg: "event-stream frame 2 at byte %d: message CRC mismatch"},
		{name: "message_crc_itself", second: damaged(len(second) - 1), want: frame.ErrChecksum},
		{name: "prelude_crc", second: damaged(2), want: frame.ErrChecksum},
		{name: "truncated_prelude", second: second[:7], want: frame.ErrTruncated,
			msg: "event-stream frame 2 at byte %d: the input ended inside the frame (7 of 12 bytes)"},
		{name: "truncated_payload", second: second[:len(second)-5], want: frame.ErrTruncated},
		{name: "declared_16MiB_cut_short", second: huge, want: frame.ErrTruncated},
		{name: "over_16MiB", second: tooLong, want: frame.ErrFrameLength},
		{name: "over_the_cap", second: second, maxSize: len(first), want: sse.ErrLineTooLong},
		{name: "garbage", second: []byte("data: {\"x\":1}\n\n"), want: frame.ErrChecksum},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := append(append([]byte(nil), first...), tc.second...)
			for name, r := range readers {
				got, err := frameES(r(body), tc.maxSize)
				require.ErrorIs(t, err, tc.want, name)
				var fe *frame.EventStreamError
				require.ErrorAs(t, err, &fe, name)
				assert.Equal(t, 2, fe.Frame, name)
				assert.Equal(t, off, fe.Offset, name)
				if tc.msg != "" {
					assert.Equal(t, fmt.Sprintf(tc.msg, off), err.Error(), name)
				}
				require.Len(t, got, 1, "the frame before the damage is read (%s)", name)
				assert.Equal(t, "messageStart", got[0].typ)
			}
		})
	}
}

// TestEventStreamBoundedRead: a prelude that declares 16 MiB is read as
// its bytes arrive: a reader that fails after 64 KiB fails the frame, and
// no more than that was asked of it.
func TestEventStreamBoundedRead(t *testing.T) {
	t.Parallel()
	p := make([]byte, 12)
	binary.BigEndian.PutUint32(p, frame.EventStreamMaxFrame)
	binary.BigEndian.PutUint32(p[8:], crc32.ChecksumIEEE(p[:8]))
	boom := errors.New("boom")
	c := &countingReads{r: io.MultiReader(bytes.NewReader(p), io.LimitReader(zeros{}, 64<<10), errReader{boom})}
	s := frame.NewEventStream(c)
	for _, err := range s.Events() {
		require.ErrorIs(t, err, boom)
	}
	assert.Equal(t, 12+64<<10, c.n)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestEventStreamTimes: a frame's time is the arrival of the read that
// brought its last byte.
func TestEventStreamTimes(t *testing.T) {
	t.Parallel()
	a := esEvent(t, "messageStart", `{}`)
	b := esEvent(t, "messageStop", `{"stopReason":"end_turn"}`)
	// Read 1: a and half of b; read 2: the rest of b.
	chunks := []string{string(a) + string(b[:10]), string(b[10:])}
	s := frame.NewEventStream(&timedReads{chunks: chunks})
	var at []time.Duration
	for ev, err := range s.Events() {
		require.NoError(t, err)
		at = append(at, ev.At.Sub(epoch))
	}
	assert.Equal(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}, at)
	assert.Equal(t, 2, s.Frames())
	assert.Equal(t, int64(len(a)+len(b)), s.Offset())
}

// TestDetectEventStream: a valid prelude is an event stream, however the
// bytes arrive; text, JSON and a prelude whose CRC does not match are not.
func TestDetectEventStream(t *testing.T) {
	t.Parallel()
	f := esEvent(t, "messageStart", `{}`)
	bad := append([]byte(nil), f...)
	bad[9] ^= 1
	for name, c := range map[string]struct {
		in   []byte
		want frame.Kind
	}{
		"frame":          {f, frame.EventStream},
		"prelude_only":   {f[:12], frame.EventStream},
		"short":          {f[:11], frame.SSE},
		"bad_prelude":    {bad, frame.SSE},
		"nul_text":       {[]byte("\x00data: x\n\n"), frame.SSE},
		"sse":            {[]byte("data: {}\n\n"), frame.SSE},
		"json":           {[]byte(`{"message":"x"}`), frame.JSON},
		"aws_json_error": {[]byte(`{"message":"The security token included in the request is invalid."}`), frame.JSON},
	} {
		for rn, r := range readers {
			assert.Equal(t, c.want, frame.Detect(&peeker{r: r(c.in)}), "%s %s", name, rn)
		}
	}
	for _, path := range bedrockCaptures(t) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.True(t, frame.IsEventStream(b), path)
	}
}

func bedrockCaptures(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("../testdata/captures/bedrock/*.eventstream")
	require.NoError(tb, err)
	require.NotEmpty(tb, files)
	return files
}

// FuzzEventStream: any bytes frame without a panic, and the same whole
// and one byte at a time.
func FuzzEventStream(f *testing.F) {
	for _, path := range bedrockCaptures(f) {
		b, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte{0, 0, 0, 16, 0, 0, 0, 0, 0x5, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		whole, werr := frameES(bytes.NewReader(b), 0)
		bytewise, berr := frameES(iotest.OneByteReader(bytes.NewReader(b)), 0)
		assert.Equal(t, whole, bytewise)
		if werr == nil || berr == nil {
			assert.Equal(t, werr, berr)
			return
		}
		assert.Equal(t, werr.Error(), berr.Error())
	})
}
