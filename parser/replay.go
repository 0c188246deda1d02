package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// Replay's errors when there is nothing to report: a capture with no body,
// and one whose format cannot be recognized (wrapped).
var (
	errEmpty        = errors.New("empty input")
	errUnrecognized = errors.New("unrecognizable format")
)

// ErrNotAStream is the error (wrapped) of an input that is neither an SSE
// stream nor a JSON body, and not an HTTP error response either: not a
// capture at all (a README in a directory of captures).
var ErrNotAStream = errors.New("not an SSE stream nor a JSON body")

// Options configure Replay.
type Options struct {
	// Format is the wire format's name or alias; "" or "auto" detects it.
	Format string
	// MaxLineSize caps one line of the stream; 0 means sse.DefaultMaxLineSize.
	MaxLineSize int
	// OnEvent, when not nil, is called with each event after the wire
	// format's parser has handled it (the event is borrowed for the
	// call), so that a caller can follow the stream context event by
	// event.
	OnEvent func(ev *sse.Event)
	// Pipeline spreads the replay over goroutines (see pipeline.go):
	// framing on one, decoding ahead on others, the parser on the
	// caller's. The results are the same; use it for an input that is
	// read as fast as the disk gives it (a file), when there are cores to
	// spare. The framing may read ahead of the parser by a few batches, so
	// a caller that stops early may have had more of the input read.
	// An untimed SSE body is framed in pieces on several goroutines too
	// (pieces.go).
	Pipeline bool
	// framedCopies makes the pipeline frame on one goroutine, as it does
	// a timed body, whatever the body; pieceSize, when not 0, is the size
	// of every piece it reads otherwise (for the tests).
	framedCopies bool
	pieceSize    int
}

// Result says how a capture was read.
type Result struct {
	// Format is the wire format the capture was parsed as.
	Format Format
	// Detected names the wire format that detection tells from the
	// events, whether or not Options.Format forced one; "" when it cannot
	// tell (an error body in text, events of no known format).
	Detected string
	// aheadEvents counts the events the parser handled with a decoding
	// made ahead by the pipeline (for the tests).
	aheadEvents int
}

// maxDetectEvents is how many events auto-detection looks at before it
// gives up.
const maxDetectEvents = 256

// PartialError is Replay's error when reading stopped (the reader failed,
// or a line exceeded the cap) after events were replayed: the stream
// context holds them, so what arrived can still be reported. Err is the
// cause.
type PartialError struct {
	Err error
}

func (e *PartialError) Error() string { return e.Err.Error() }
func (e *PartialError) Unwrap() error { return e.Err }

// Replay reads a capture from r, the response itself (see
// capture.OpenResponse), and replays it into sc: ReplayCapture without
// times.
func Replay(r io.Reader, sc *streamctx.Context, opts Options) (Result, error) {
	if _, _, err := Lookup(opts.Format); err != nil {
		return Result{}, err
	}
	c, err := capture.OpenResponse(r)
	if err != nil {
		return Result{}, err
	}
	return ReplayCapture(c, sc, opts)
}

// ReplayCapture replays the body of c into sc: framing, then the wire
// format's parser, each event at its arrival time; the first-byte and end
// times come from c. It returns an error when there is nothing to report:
// the input cannot be read, is empty, exceeds the line cap, or its format
// cannot be recognized. When reading stops that way after events were
// replayed, the error is a *PartialError, and sc and the Result are as
// complete as for a stream that ended there. Everything else (bad events,
// in-band errors, cut-off streams) is recorded in sc.
func ReplayCapture(c *capture.Capture, sc *streamctx.Context, opts Options) (Result, error) {
	forced, isForced, err := Lookup(opts.Format)
	if err != nil {
		return Result{}, err
	}
	in := OpenInput(c)
	sc.RecordFirstByte(c.FirstByte())
	sc.StatusCode = c.StatusCode
	if c.Header != nil {
		sc.ResponseHeaders = lowerHeader(c.Header)
	}
	rp := &replayer{sc: sc, in: in, onEvent: opts.OnEvent}
	if opts.Pipeline {
		rp.pipe = &pipeline{framedCopies: opts.framedCopies, pieceSize: opts.pieceSize}
	}
	if isForced {
		rp.forced = true
		rp.setFormat(forced)
	} else if f, ok := formatOfHeader(c.Header); ok {
		rp.setFormat(f)
	}
	switch in.Kind {
	case frame.Empty:
		if c.StatusCode >= 400 {
			rp.ensureFormat()
			sc.SetError("http_error", fmt.Sprintf("HTTP %d with an empty body", c.StatusCode))
			sc.RecordEnd(c.End())
			return Result{Format: rp.format, Detected: rp.detected}, nil
		}
		return Result{}, errEmpty
	case frame.JSON:
		err = rp.json(opts.MaxLineSize)
	case frame.NDJSON:
		err = rp.ndjson(opts.MaxLineSize)
	default:
		err = rp.sse(opts.MaxLineSize)
	}
	sc.RecordEnd(c.End())
	var partial *PartialError
	if err != nil && !errors.As(err, &partial) {
		return Result{}, err
	}
	rp.parser.End(sc)
	warnCodeAsType(sc)
	if n, ok := rp.parser.(innerNamer); ok {
		rp.format.Name = n.shownName()
		sc.APIFormat = rp.format.Name
	}
	res := Result{Format: rp.format, Detected: rp.detected}
	if rp.pipe != nil {
		res.aheadEvents = rp.pipe.ahead
	}
	return res, err
}

// formatOfHeader returns the format that a response header names
// (Format.header), if any.
func formatOfHeader(h textproto.MIMEHeader) (Format, bool) {
	for _, f := range formats {
		if f.header != "" && h.Get(f.header) != "" {
			return f, true
		}
	}
	return Format{}, false
}

type replayer struct {
	sc      *streamctx.Context
	onEvent func(ev *sse.Event) // Options.OnEvent
	in      *Input
	format  Format
	parser  Parser
	// soft and ahead are parser as a softEnder and an aheadParser, nil
	// when it is not one (asserted once, not per event).
	soft   softEnder
	ahead  aheadParser
	forced bool
	// checked is set once a forced format has been compared with detection.
	checked bool
	// detected is the format detection tells from the events (see
	// Result.Detected); tries counts the events it was asked about.
	detected string
	tries    int
	// endLine is the line of the event after which the stream had reached
	// its format's normal end (streamctx.Context.Complete), 0 before;
	// afterEnd says that data after it was warned about.
	endLine  int
	afterEnd bool
	// softEndLine is the line of the event after which a softEnder's
	// answer had finished (see softEnder).
	softEndLine int
	// firstData is a copy of the data of the stream's first event with
	// data, and firstLine its line: the same data again after the end
	// is the stream starting over (see startsOver).
	firstData []byte
	firstLine int
	// joinedWarned says that an event of two run together was warned
	// about (see ranTogether).
	joinedWarned bool
	// pipe runs the framing and decoding ahead on other goroutines
	// (Options.Pipeline); nil when all runs on the caller's.
	pipe *pipeline
}

// saw asks detection about ev until it tells a format, for at most
// maxDetectEvents events.
func (rp *replayer) saw(ev *sse.Event) {
	if rp.detected != "" || rp.tries >= maxDetectEvents {
		return
	}
	rp.tries++
	if d, ok := rp.detect(ev); ok {
		rp.detected = d.Name
	}
}

// detect asks the formats of the body's framing about ev.
func (rp *replayer) detect(ev *sse.Event) (Format, bool) {
	if rp.in.Kind == frame.EventStream {
		return detectFrame(ev)
	}
	return detect(ev)
}

func (rp *replayer) setFormat(f Format) {
	rp.format = f
	rp.parser = f.New()
	rp.soft, _ = rp.parser.(softEnder)
	rp.ahead, _ = rp.parser.(aheadParser)
	if rp.pipe != nil {
		rp.pipe.setAhead(rp.parser, rp.sc)
	}
	rp.sc.APIFormat = f.Name
	rp.sc.ResponseIDPrefixes = f.responseIDPrefixes
	rp.sc.InputExcludesCache = f.inputExcludesCache
}

// ensureFormat picks a format for a capture that has nothing to detect from
// (an error body): the one the table marks for that.
func (rp *replayer) ensureFormat() {
	if rp.parser == nil {
		rp.setFormat(formatWith(func(f *Format) bool { return f.errorBody }))
	}
}

// check compares a forced format with what an event looks like, once.
func (rp *replayer) check(ev *sse.Event) {
	if rp.checked {
		return
	}
	d, ok := rp.detect(ev)
	if !ok {
		return
	}
	rp.checked = true
	if d.Name != rp.format.Name {
		rp.sc.Mismatch("this does not look like %s stream: line %d is %s event; parsed as %s as --format asked", article(rp.format.Name), ev.Line, article(d.Name), rp.format.Name)
	}
}

// events returns the events of the body: rp.in.Events, through the
// pipeline if there is one.
func (rp *replayer) events(maxLine int) iter.Seq2[*sse.Event, error] {
	switch {
	case rp.pipe == nil:
		return rp.in.Events(maxLine)
	case rp.in.Kind == frame.SSE && rp.in.Capture.Start.IsZero() && !rp.pipe.framedCopies:
		return rp.pipe.runPieces(rp.in, maxLine)
	}
	return rp.pipe.run(rp.in.Events(maxLine), &rp.in.beforeRead)
}

func (rp *replayer) sse(maxLine int) error {
	var pending []sse.Event // copies, while detecting
	unknown := false        // none of the first maxDetectEvents is of a known format
	for ev, err := range rp.events(maxLine) {
		if err != nil {
			if rp.parser == nil || rp.sc.Events() == 0 {
				return err // nothing to report
			}
			rp.tolerations(rp.in.Stats())
			return &PartialError{Err: err}
		}
		if rp.parser == nil {
			pending = append(pending, copyEvent(ev))
			if f, ok := rp.detect(ev); ok {
				rp.setFormat(f)
				rp.checked = true
				for i := range pending {
					rp.dispatch(&pending[i])
				}
				pending = nil
			} else if len(pending) >= maxDetectEvents {
				unknown = true
				break
			}
			continue
		}
		if rp.forced {
			rp.check(ev)
		}
		rp.dispatch(ev)
	}
	// The loop is over: the framing no longer runs (in the pipeline, it
	// did on another goroutine), its state may be read.
	if unknown {
		return rp.unrecognized(fmt.Sprintf("none of the first %d events is of a known wire format (use --format)", len(pending)))
	}
	st := rp.in.Stats()
	if rp.parser == nil {
		if len(pending) > 0 {
			return rp.unrecognized(fmt.Sprintf("none of its %d events is of a known wire format (use --format)", len(pending)))
		}
		return rp.notSSE(st)
	}
	if rp.sc.Events() == 0 && st.UnknownFields > 0 {
		if err := rp.notSSE(st); err != nil {
			rp.sc.Mismatch("no SSE events: %v", err)
		}
	}
	rp.tolerations(st)
	return nil
}

func (rp *replayer) dispatch(ev *sse.Event) {
	rp.saw(ev)
	rp.sc.CountEvent(ev.DataLines, ev.At)
	switch {
	case ev.Incomplete && (rp.in.Kind == frame.VercelData || rp.in.Kind == frame.NDJSON):
		rp.sc.Warn("line %d: the input ended inside this line (no newline after it); it was read anyway", ev.Line)
	case ev.Incomplete:
		rp.sc.Warn("line %d: the input ended inside this event (no blank line after it); it was read anyway", ev.Line)
	}
	if rp.firstLine == 0 && len(ev.Data) > 0 {
		rp.firstData, rp.firstLine = bytes.Clone(ev.Data), ev.Line
	}
	rp.afterTheEnd(ev)
	soft := rp.soft != nil && rp.endLine == 0 && !rp.afterEnd
	// Whether the event added to the answer is told by the count of
	// events that did, the same with or without the text kept (FuzzReplay:
	// the lengths of the kept text once told a chunk after the
	// finish_reason from none).
	var before int
	if soft && rp.soft.Ended() {
		before = rp.sc.ContentEvents()
	}
	bad := rp.sc.BadEvents()
	if a, i := rp.pipe.aheadOf(ev); a != nil {
		rp.ahead.eventAhead(rp.sc, ev, a, i)
	} else {
		rp.parser.Event(rp.sc, ev)
	}
	if rp.sc.BadEvents() > bad && !rp.joinedWarned && ranTogether(ev.Data) {
		rp.joinedWarned = true
		rp.sc.Warn("line %d: two events ran together in this one (no line break or blank line between them): two captures concatenated, the first without a final newline?", ev.Line)
	}
	if soft && rp.soft.Ended() {
		switch {
		case rp.softEndLine == 0:
			rp.softEndLine = ev.Line
		case rp.sc.ContentEvents() != before || rp.startsOver(ev):
			rp.afterEnd = true
			rp.sc.Warn("line %d: data after the end of the stream (line %d) was read anyway: two streams concatenated?", ev.Line, rp.softEndLine)
		}
	}
	if rp.endLine == 0 && rp.sc.Complete() {
		rp.endLine = ev.Line
	}
	if rp.onEvent != nil {
		rp.onEvent(ev)
	}
}

// afterTheEnd warns, once, about an event that comes after the stream
// reached its format's normal end ([DONE], message_stop, a finishReason,
// response.completed): it is read all the same, but what follows the end
// is another stream or garbage (two captures concatenated). One mechanism
// for every format.
//
// A [DONE] is not such data: proxies end streams of every format with one
// (OpenRouter after response.completed); nor is what the format's parser
// calls a trailer (see trailer), unless it is the stream starting over
// (startsOver).
func (rp *replayer) afterTheEnd(ev *sse.Event) {
	if rp.endLine == 0 || rp.afterEnd || string(trimSpace(ev.Data)) == "[DONE]" {
		return
	}
	if t, ok := rp.parser.(trailer); ok && t.Trailer(ev) && !rp.startsOver(ev) {
		return
	}
	rp.afterEnd = true
	rp.sc.Warn("line %d: data after the end of the stream (line %d) was read anyway: two streams concatenated?", ev.Line, rp.endLine)
}

// startsOver reports whether ev, an event after the end, is the stream's
// first event again, byte for byte: the start of a second copy of the
// stream (cat a.sse a.sse), even when it adds nothing to the answer (a
// Gemini chunk without parts, a chat chunk after the finish_reason). A
// stream does not send its first event twice: it holds what only the
// start has (a chat chunk's role with a null finish_reason, Gemini's
// first candidate); a capture made of one event that finishes (a
// MALFORMED_FUNCTION_CALL) is the first event itself.
func (rp *replayer) startsOver(ev *sse.Event) bool {
	return ev.Line != rp.firstLine && bytes.Equal(ev.Data, rp.firstData)
}

// ranTogether reports whether data, of an event that could not be
// decoded, is a JSON value (or [DONE]) and then the start of another
// event with no line break or blank line between them: a field of the
// next event on the same line ("data: ", "event: "), or another JSON
// object on the next data line. That is what cat a.sse b.sse makes when
// a.sse lacks its final newline (or blank line).
//
// It is told apart from data after the end of the stream: the last event
// of a.sse, often its end ([DONE], message_stop, the finishReason), is
// lost in the event it ran into, so the stream never reached its end
// before b.sse began, and what came first cannot be told without
// guessing where the one event should have been cut. The warning says
// what is certain: two events ran together.
func ranTogether(data []byte) bool {
	rest, ok := bytes.CutPrefix(data, []byte("[DONE]"))
	if !ok {
		d := json.NewDecoder(bytes.NewReader(data))
		var v json.RawMessage
		if d.Decode(&v) != nil {
			return false
		}
		rest = data[d.InputOffset():]
	}
	if r, ok := bytes.CutPrefix(rest, []byte("\n")); ok {
		return bytes.HasPrefix(bytes.TrimLeft(r, " \t\r"), []byte("{"))
	}
	for _, field := range []string{"data:", "event:", "id:", "retry:", "{"} {
		if bytes.HasPrefix(rest, []byte(field)) {
			return true
		}
	}
	return false
}

func copyEvent(ev *sse.Event) sse.Event {
	c := *ev
	c.Type = append([]byte(nil), ev.Type...)
	c.Data = append([]byte(nil), ev.Data...)
	return c
}

// tolerations turns what the scanner accepted against the spec or common
// practice into warnings.
func (rp *replayer) tolerations(st sse.Stats) {
	sc := rp.sc
	if st.CRLines > 0 {
		sc.Warn("%s with a lone CR (valid SSE, but rare)", count(st.CRLines, "line ends", "lines end"))
	}
	if n := st.UnknownFields; n > 0 {
		sc.Warn("%s not an SSE field (data, event, id, retry) nor a comment, and ignored", count(n, "line is", "lines are"))
	}
	if st.NoSpaceFields > 0 {
		sc.Warn("%s no space after the colon (as in data:{...}); providers send one", count(st.NoSpaceFields, "field has", "fields have"))
	}
	if st.InvalidUTF8 > 0 {
		sc.Warn("%s replaced with U+FFFD", count(st.InvalidUTF8, "invalid UTF-8 sequence was", "invalid UTF-8 sequences were"))
	}
	if st.IgnoredIDs > 0 {
		sc.Warn("%s NUL and ignored", count(st.IgnoredIDs, "id field contains", "id fields contain"))
	}
	if st.InvalidRetry > 0 {
		sc.Warn("%s not all digits and ignored", count(st.InvalidRetry, "retry field is", "retry fields are"))
	}
}

// article returns name after "a" or "an", as it is read: "an anthropic",
// "an openai-chat", "a gemini".
func article(name string) string {
	if name != "" && strings.ContainsRune("aeiouAEIOU", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// count says n things: "1 line is", "3 lines are".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// unrecognized is the error of a body whose events are of no known
// format; a body that is not UTF-8 text is said to be what it is instead.
func (rp *replayer) unrecognized(msg string) error {
	if kind := binaryKind(rp.in.head); kind != "" {
		msg = kind
	}
	return fmt.Errorf("%w: %s", errUnrecognized, msg)
}

// notSSE explains input that carried no SSE event: an HTTP error body in
// text or HTML is recorded as the error when the status says so, anything
// else is unrecognizable.
func (rp *replayer) notSSE(st sse.Stats) error {
	if code := rp.in.Capture.StatusCode; code >= 400 {
		rp.ensureFormat()
		rp.sc.SetError("http_error", fmt.Sprintf("HTTP %d: %s", code, rp.bodySummary()))
		return nil
	}
	if st.UnknownFields == 0 {
		if rp.parser != nil {
			return nil
		}
		return fmt.Errorf("%w: no SSE events (no data; %d comment lines)", errUnrecognized, st.Comments)
	}
	if kind := binaryKind(rp.in.head); kind != "" {
		return fmt.Errorf("%w: %w: %s", errUnrecognized, ErrNotAStream, kind)
	}
	return fmt.Errorf("%w: %w (starts %q)", errUnrecognized, ErrNotAStream, rp.bodySummary())
}

var titleRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`) })

// bodySummary returns a short description of a non-SSE body from the bytes
// remembered at its start: an HTML title, else its first non-empty line.
func (rp *replayer) bodySummary() string {
	head := rp.in.head
	if m := titleRE().FindSubmatch(head); m != nil {
		return strings.Join(strings.Fields(string(m[1])), " ")
	}
	for _, l := range strings.Split(string(head), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 200 {
				l = l[:200] + "…"
			}
			return l
		}
	}
	return ""
}

// json replays a body that is JSON instead of a stream: an HTTP error
// object, a JSON array of events (Format.jsonArray), or a single response
// object. maxSize caps one element, or the object (0: the default).
func (rp *replayer) json(maxSize int) error {
	body := frame.NewJSON(bodyReader{rp.in}, rp.in.Capture.HeaderLines+1)
	if maxSize > 0 {
		body.SetMaxSize(maxSize)
	}
	for ev, err := range body.Events() {
		if err != nil {
			return rp.badJSON(body, err)
		}
		if body.Object() {
			return rp.jsonObject(ev)
		}
		if body.Len() == 1 {
			array := formatWith(func(f *Format) bool { return f.jsonArray != "" })
			rp.sc.Warn("not SSE: the body is a JSON array (%s); its elements were read as events", array.jsonArray)
			if rp.parser == nil {
				f, ok := rp.detect(ev)
				if !ok {
					f = array
				}
				rp.setFormat(f)
				rp.checked = true
			}
		}
		if rp.forced {
			rp.check(ev)
		}
		rp.dispatch(ev)
	}
	if body.Len() == 0 {
		rp.ensureFormat()
		rp.sc.Warn("the body is an empty JSON array")
	}
	trailing, err := body.End()
	if err != nil {
		return rp.badJSON(body, err)
	}
	if trailing > 0 {
		rp.sc.Warn("%d bytes after the JSON body were ignored", trailing)
	}
	return nil
}

// jsonObject replays a body that is one JSON object: an HTTP error, or a
// response of a known format read as one event.
func (rp *replayer) jsonObject(ev *sse.Event) error {
	rp.saw(ev)
	if typ, msg, ok := errorInfo(ev.Data); ok {
		if rp.parser == nil {
			if f, ok := rp.detect(ev); ok {
				rp.setFormat(f)
			}
		}
		rp.ensureFormat()
		rp.sc.AddChunk(ev.Data)
		rp.sc.SetError(typ, msg)
		return nil
	}
	if rp.parser == nil {
		f, ok := rp.detect(ev)
		if !ok {
			if code := rp.in.Capture.StatusCode; code >= 400 {
				// An error body of a shape no format claims (Cohere's
				// {"id","message"}): the status says what it is.
				rp.ensureFormat()
				rp.sc.AddChunk(ev.Data)
				rp.sc.SetError("http_error", fmt.Sprintf("HTTP %d: %s", code, rp.bodySummary()))
				return nil
			}
			return fmt.Errorf("%w: the body is a JSON object of no known wire format", errUnrecognized)
		}
		rp.setFormat(f)
	}
	rp.sc.Warn("not SSE: the body is a single JSON object; it was read as one event")
	rp.dispatch(ev)
	return nil
}

// badJSON records a JSON body that is not valid JSON (a *frame.Error) as a
// bad event, and an object as the HTTP error its status says; other errors
// (a read error, an element over the cap) are returned, as a *PartialError
// after events.
func (rp *replayer) badJSON(body *frame.JSONBody, err error) error {
	var fe *frame.Error
	if !errors.As(err, &fe) {
		if rp.parser != nil && rp.sc.Events() > 0 {
			return &PartialError{Err: err}
		}
		return err
	}
	rp.ensureFormat()
	rp.sc.BadEvent(fe.Line, "JSON body", fe.Err)
	if code := rp.in.Capture.StatusCode; body.Object() && code >= 400 {
		rp.sc.SetError("http_error", fmt.Sprintf("HTTP %d: %s", code, rp.bodySummary()))
	}
	return nil
}

// ndjson replays a body of newline-delimited JSON: each line is an event,
// detected as in a stream; a line that tells no format (an error object,
// {"error": "..."}) is read as the table's NDJSON format (Format.ndjson)
// once no line told one.
func (rp *replayer) ndjson(maxLine int) error {
	var pending []sse.Event // copies, while detecting
	for ev, err := range rp.events(maxLine) {
		if err != nil {
			if rp.parser == nil && len(pending) > 0 {
				rp.setFormat(formatWith(func(f *Format) bool { return f.ndjson }))
				for i := range pending {
					rp.dispatch(&pending[i])
				}
			}
			if rp.parser == nil || rp.sc.Events() == 0 {
				return err
			}
			return &PartialError{Err: err}
		}
		if rp.parser == nil {
			pending = append(pending, copyEvent(ev))
			f, ok := detect(ev)
			if !ok && len(pending) < maxDetectEvents {
				continue
			}
			if !ok {
				f = formatWith(func(f *Format) bool { return f.ndjson })
			}
			rp.setFormat(f)
			rp.checked = true
			for i := range pending {
				rp.dispatch(&pending[i])
			}
			pending = nil
			continue
		}
		if rp.forced {
			rp.check(ev)
		}
		rp.dispatch(ev)
	}
	if rp.parser == nil {
		if len(pending) == 0 {
			return errEmpty
		}
		rp.setFormat(formatWith(func(f *Format) bool { return f.ndjson }))
		for i := range pending {
			rp.dispatch(&pending[i])
		}
	}
	if st := rp.in.NDJSONStats(); st.BlankLines > 0 {
		rp.sc.Warn("%d blank lines between the NDJSON lines were ignored", st.BlankLines)
	}
	return nil
}
