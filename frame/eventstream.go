package frame

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/sseinspect/sseinspect/sse"
)

// The AWS event-stream encoding (application/vnd.amazon.eventstream, what
// AWS Bedrock's ConverseStream and InvokeModelWithResponseStream send):
// binary frames of a 12-byte prelude (total length, headers length, both
// uint32 big-endian, and the CRC32 of those 8 bytes), headers, a payload
// and the CRC32 of everything before it. See
// https://smithy.io/2.0/aws/amazon-eventstream.html.
const (
	esPrelude = 12
	esMinLen  = esPrelude + 4
	// EventStreamMaxFrame is the longest frame the encoding allows, and
	// esMaxHeaders its longest headers, as aws-c-event-stream's
	// AWS_EVENT_STREAM_MAX_MESSAGE_SIZE and _MAX_HEADERS_SIZE set them.
	EventStreamMaxFrame = 16 << 20
	esMaxHeaders        = 128 << 10
)

// ContentTypeEventStream is the media type of an AWS event-stream body.
const ContentTypeEventStream = "application/vnd.amazon.eventstream"

// Errors of an event-stream body, wrapped in an *EventStreamError.
var (
	// ErrChecksum: a frame's prelude CRC or message CRC does not match
	// its bytes.
	ErrChecksum = errors.New("CRC mismatch")
	// ErrTruncated: the input ended inside a frame.
	ErrTruncated = errors.New("the input ended inside the frame")
	// ErrFrameLength: a prelude declares lengths no frame can have.
	ErrFrameLength = errors.New("invalid frame length")
)

// An EventStreamError is an event-stream frame that cannot be read: which frame
// (1-based) and the byte offset of its start in the body.
type EventStreamError struct {
	Frame  int
	Offset int64
	Err    error
}

func (e *EventStreamError) Error() string {
	return fmt.Sprintf("event-stream frame %d at byte %d: %v", e.Frame, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *EventStreamError) Unwrap() error { return e.Err }

// IsEventStream reports whether b, the first bytes of a body, begins with
// a valid event-stream prelude: plausible lengths and a prelude CRC that
// matches them. A text or JSON body never does (its first four bytes
// would declare a frame of gigabytes).
func IsEventStream(b []byte) bool {
	if len(b) < esPrelude {
		return false
	}
	total, hlen := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
	return validLengths(total, hlen) && crc32.ChecksumIEEE(b[:8]) == binary.BigEndian.Uint32(b[8:])
}

func validLengths(total, hlen uint32) bool {
	return total >= esMinLen && total <= EventStreamMaxFrame && hlen <= esMaxHeaders && hlen <= total-esMinLen
}

// ValidUTF8 returns b with every byte that is not part of a valid UTF-8
// sequence replaced by U+FFFD, as the framings hand out their events' data
// (b itself when it is valid): for bytes a wire format unwraps from an
// event (Bedrock's base64 chunks).
func ValidUTF8(b []byte) []byte { return validUTF8(b) }

// An EventStreamBody frames a body in the AWS event-stream encoding. Each
// frame becomes one event:
//
//   - Type: the frame's ":event-type" header for a ":message-type" event;
//     its ":exception-type" for an exception (the exception members of the
//     API's stream union, "throttlingException"...); its ":error-code" for
//     an error message.
//   - Data: the payload (valid UTF-8, invalid bytes replaced by U+FFFD);
//     for an error message, which has no payload, {"message": <its
//     ":error-message" header>}.
//   - ID: the message type ("event", "exception", "error").
//   - Line: the frame's number, 1-based (a binary body has no lines).
//   - At: the arrival time of the read that brought the frame's last byte.
//
// Memory: a frame's declared length is not trusted: the frame's bytes are
// read as they arrive, never more than the cap (SetMaxSize, at most
// EventStreamMaxFrame), and one frame is held at a time.
type EventStreamBody struct {
	r   *lastTime
	max int
	n   int   // frames read
	off int64 // offset of the next frame
	buf bytes.Buffer
	dec *eventstream.Decoder
	pay []byte
	ev  sse.Event
}

// NewEventStream returns the framing of the event-stream body read from r.
func NewEventStream(r sse.TimedReader) *EventStreamBody {
	return &EventStreamBody{r: &lastTime{r: r}, max: EventStreamMaxFrame, dec: eventstream.NewDecoder()}
}

// SetMaxSize caps one frame at n bytes (EventStreamMaxFrame by default,
// and never more). It must be called before Events; n < 1 panics.
func (s *EventStreamBody) SetMaxSize(n int) {
	if n < 1 {
		panic("frame: SetMaxSize: cap must be at least 1")
	}
	s.max = min(n, EventStreamMaxFrame)
}

// Frames returns the number of frames read so far.
func (s *EventStreamBody) Frames() int { return s.n }

// Offset returns the number of body bytes read so far as whole frames.
func (s *EventStreamBody) Offset() int64 { return s.off }

// Events yields the frames of the body as events (see EventStreamBody), each
// borrowed until the next. The first frame that cannot be read ends the
// sequence with (nil, *EventStreamError): a CRC mismatch (ErrChecksum), an end
// of input inside the frame (ErrTruncated), impossible lengths
// (ErrFrameLength), a frame over the cap (sse.ErrLineTooLong) or headers
// the decoder rejects; a read error is wrapped too. The frames before it
// have been yielded.
func (s *EventStreamBody) Events() iter.Seq2[*sse.Event, error] {
	return func(yield func(*sse.Event, error) bool) {
		for {
			ev, err := s.next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				yield(nil, &EventStreamError{Frame: s.n + 1, Offset: s.off, Err: err})
				return
			}
			s.n++
			if !yield(ev, nil) {
				return
			}
		}
	}
}

// next reads one frame; io.EOF at a clean end of input.
func (s *EventStreamBody) next() (*sse.Event, error) {
	s.buf.Reset()
	if err := s.fill(esPrelude); err != nil {
		if errors.Is(err, io.EOF) && s.buf.Len() == 0 {
			return nil, io.EOF
		}
		return nil, s.short(err, esPrelude)
	}
	p := s.buf.Bytes()
	total, hlen := binary.BigEndian.Uint32(p), binary.BigEndian.Uint32(p[4:])
	if crc32.ChecksumIEEE(p[:8]) != binary.BigEndian.Uint32(p[8:]) {
		return nil, fmt.Errorf("prelude %w (lengths %d and %d cannot be trusted)", ErrChecksum, total, hlen)
	}
	if !validLengths(total, hlen) {
		return nil, fmt.Errorf("%w: total %d, headers %d", ErrFrameLength, total, hlen)
	}
	if int64(total) > int64(s.max) {
		return nil, fmt.Errorf("%w (a frame of %d bytes, over %d)", sse.ErrLineTooLong, total, s.max)
	}
	if err := s.fill(int(total)); err != nil {
		return nil, s.short(err, int(total))
	}
	msg, err := s.dec.Decode(bytes.NewReader(s.buf.Bytes()), s.pay[:0])
	if err != nil {
		var ce eventstream.ChecksumError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("message %w", ErrChecksum)
		}
		return nil, fmt.Errorf("headers: %w", err)
	}
	s.pay = msg.Payload
	s.off += int64(total)
	return s.event(&msg), nil
}

// fill reads until buf holds n bytes, as they arrive.
func (s *EventStreamBody) fill(n int) error {
	for s.buf.Len() < n {
		s.buf.Grow(min(n-s.buf.Len(), 32<<10))
		k := min(n-s.buf.Len(), s.buf.Available())
		m, err := s.r.Read(s.buf.AvailableBuffer()[:k])
		s.buf.Write(s.buf.AvailableBuffer()[:m])
		if err != nil && s.buf.Len() < n {
			return err
		}
	}
	return nil
}

// short explains an input that ended before the n bytes of a frame.
func (s *EventStreamBody) short(err error, n int) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w (%d of %d bytes)", ErrTruncated, s.buf.Len(), n)
	}
	return err
}

func (s *EventStreamBody) event(msg *eventstream.Message) *sse.Event {
	header := func(name string) string {
		if v := msg.Headers.Get(name); v != nil {
			return v.String()
		}
		return ""
	}
	mt := header(":message-type")
	var typ string
	data := msg.Payload
	switch mt {
	case "exception":
		typ = header(":exception-type")
	case "error":
		typ = header(":error-code")
		data, _ = json.Marshal(struct {
			Message string `json:"message"`
		}{header(":error-message")})
	default:
		typ = header(":event-type")
	}
	s.ev = sse.Event{
		Type: validUTF8([]byte(typ)), Data: validUTF8(data), ID: mt,
		Retry: -1, Line: s.n + 1, DataLines: 1, At: s.r.at,
	}
	return &s.ev
}
