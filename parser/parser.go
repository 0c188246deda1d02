// Package parser replays the events of a captured LLM stream through the
// parser of its wire format into a stream context.
//
// Each wire format is one file in this package, which declares its Format
// (names, vendor, detection, response-id prefixes, token semantics,
// decoders, error translation), and one entry in the formats table;
// detection, HTTP preambles (curl -i), HTTP error bodies and JSON-array
// bodies are handled once, in Replay, for all of them.
package parser

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// onceWarnings holds the keys of the oddities of a stream already warned
// about, so that each is one warning however often it recurs. The zero
// value is ready to use.
type onceWarnings map[string]bool

// warn warns once per key.
func (w *onceWarnings) warn(sc *streamctx.Context, key, format string, args ...any) {
	if (*w)[key] {
		return
	}
	if *w == nil {
		*w = make(onceWarnings)
	}
	(*w)[key] = true
	sc.Warn(format, args...)
}

// Parser turns the events of one wire format into updates of a stream
// context. A Parser holds the per-stream state of its format (open content
// blocks, tool-call keys); use a new one per stream.
type Parser interface {
	// Event handles one dispatched SSE event. ev and its slices are
	// borrowed for the duration of the call: copy what you keep. An event
	// that cannot be decoded is reported with sc.BadEvent, never a panic.
	Event(sc *streamctx.Context, ev *sse.Event)
	// End is called once at the end of input, after the last Event.
	End(sc *streamctx.Context)
}

// trailer is implemented by the parsers of formats whose normal end
// (streamctx.Context.Complete) may be followed by events that belong to
// the same stream: Trailer says whether ev is one (Gemini's usage-only
// chunk after the finishReason). Any other event after the end is warned
// about as data after the end of the stream.
type trailer interface {
	Trailer(ev *sse.Event) bool
}

// softEnder is implemented by the parsers of formats whose stream may end
// without an end marker, its end known only at the end of input (an
// OpenAI chat stream without [DONE]): Ended says that the answer has
// finished (a finish_reason on choice 0). After it, an event that adds
// text, thinking or a tool call is data after the end of the stream;
// other events (usage, moderation or filter chunks) are not.
type softEnder interface {
	Ended() bool
}

// Format describes one wire format. Each format's file declares its Format;
// the formats table lists them.
type Format struct {
	// Name is the canonical name, as --format takes it.
	Name string
	// Vendor is the provider shown when --provider is not given.
	Vendor string
	// Aliases are other accepted names (matched case-insensitively).
	Aliases []string
	// New returns a parser for one stream.
	New func() Parser

	// detect tells how surely an event is of this format.
	detect func(ev *sse.Event) match
	// responseIDPrefixes are the type prefixes of the format's response
	// ids ("msg_"), which the request id made from a response id leaves
	// out.
	responseIDPrefixes []string
	// inputExcludesCache says that the format's input token count leaves
	// cache reads and writes out, so that the total input adds them.
	inputExcludesCache bool
	// header, when set, is a response header whose presence names the
	// format (in a curl -i capture), whatever the events look like.
	header string
	// errorBody marks the format of a capture that has nothing to detect
	// from (an HTTP error body): the one whose vendor is the most common.
	errorBody bool
	// jsonArray, when set, says which API sends the format as a JSON
	// array instead of a stream; a JSON-array body whose first element
	// does not tell its format is read as this format.
	jsonArray string
	// eventStream says that the format's events are AWS event-stream
	// frames: detection asks it only about those, and asks only such
	// formats about them, so that no SSE event is ever taken for one.
	eventStream bool
	// ndjson marks the format sent as newline-delimited JSON: an NDJSON
	// body none of whose lines tells its format is read as this format.
	ndjson bool

	// inner names the formats whose events this format's events carry
	// (bedrock-invoke: a model's own stream inside each chunk). The parser
	// tells which one it read (innerNamer), and the format is shown as
	// "name/inner".
	inner []string
}

// innerNamer is implemented by the parsers of formats with inner formats
// (Format.inner): shownName is the name to show, "name/inner" once the
// inner format is known.
type innerNamer interface {
	shownName() string
}

// ShownNames returns every name a format can be shown with (the JSON
// summary's "format"): each canonical name, followed by its "name/inner"
// names (Format.inner).
func ShownNames() []string {
	var names []string
	for _, f := range formats {
		names = append(names, f.Name)
		for _, in := range f.inner {
			names = append(names, f.Name+"/"+in)
		}
	}
	return names
}

// formats is the table of wire formats, in the order --help lists them.
var formats = [...]Format{openAIChatFormat, responsesFormat, anthropicFormat, geminiFormat, cohereFormat, vercelDataFormat, bedrockConverseFormat, bedrockInvokeFormat, ollamaFormat, vercelUIFormat}

// ErrUnknownFormat is wrapped by Lookup for a name that names no format.
var ErrUnknownFormat = errors.New("unknown format")

// Names returns the canonical format names, "auto" first.
func Names() []string {
	names := []string{"auto"}
	for _, f := range formats {
		names = append(names, f.Name)
	}
	return names
}

// Lookup returns the format named name (canonical or alias, any case).
// "auto" and "" return ok=false with no error: detect the format.
func Lookup(name string) (f Format, ok bool, err error) {
	if name == "" || strings.EqualFold(name, "auto") {
		return Format{}, false, nil
	}
	for _, f := range formats {
		if strings.EqualFold(name, f.Name) {
			return f, true, nil
		}
		for _, a := range f.Aliases {
			if strings.EqualFold(name, a) {
				return f, true, nil
			}
		}
	}
	return Format{}, false, fmt.Errorf("%w %q (valid: %s)", ErrUnknownFormat, name, strings.Join(Names(), ", "))
}

// formatWith returns the first format of the table that has a property
// (errorBody, jsonArray); TestFormatTable keeps exactly one row with each.
func formatWith(has func(*Format) bool) Format {
	for i := range formats {
		if has(&formats[i]) {
			return formats[i]
		}
	}
	return formats[0]
}

// outputLimit remembers whether the last stop reason of a stream was its
// format's output-token limit (chat "length", Anthropic "max_tokens",
// Gemini "MAX_TOKENS"), and on which line, so that End can warn that the
// answer was cut off, in the words of Responses' response.incomplete. The
// zero value is ready to use.
type outputLimit struct {
	reason string // the limit's stop reason, when it is the last one
	line   int
}

// stop records a stop reason ("" is none: no change) that arrived on line
// (0 when the input has no lines); limit is the format's name for the
// output-token limit.
func (o *outputLimit) stop(reason, limit string, line int) {
	switch reason {
	case "":
	case limit:
		o.reason, o.line = reason, line
	default:
		o.reason, o.line = "", 0
	}
}

// warn warns when the last stop reason was the output-token limit.
func (o *outputLimit) warn(sc *streamctx.Context) {
	if o.reason != "" {
		sc.Warn("%sthe response is incomplete: %s", linePrefix(o.line), o.reason)
	}
}

// linePrefix is "line N: " for a warning about line N, or "" for line 0 (an
// input without lines: a JSON-array body).
func linePrefix(line int) string {
	if line <= 0 {
		return ""
	}
	return "line " + strconv.Itoa(line) + ": "
}
