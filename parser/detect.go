package parser

import (
	"encoding/json"

	"github.com/sseinspect/sseinspect/sse"
)

// A match is how surely an event is of a format, from the weakest evidence
// to the strongest. Each format answers for itself (Format.detect);
// detection asks every format in turn and takes the surest answer, the
// earlier row of the table on a tie.
type match int

const (
	noMatch match = iota
	// matchCommonError: the data is an error object of the shape that
	// any OpenAI-compatible server sends.
	matchCommonError
	// matchOwnError: the data is an error object of the format's own
	// shape.
	matchOwnError
	// matchCommonPayload: the data has the members of the payloads that
	// OpenAI-compatible servers copy.
	matchCommonPayload
	// matchOwnPayload: the data has members of the format's own payloads.
	matchOwnPayload
	// matchDataType: the data's "type" names one of the format's events.
	matchDataType
	// matchEventType: the SSE event type is one of the format's events.
	// The surest (detectIn stops at the first format that says it).
	matchEventType
)

// detect tells the wire format of one event of a text framing (SSE, a
// JSON body), from its type and its data. ok is false when the event does
// not tell ([DONE], a ping without type, data that is not JSON).
func detect(ev *sse.Event) (f Format, ok bool) { return detectIn(ev, false) }

// detectFrame is detect for an AWS event-stream frame.
func detectFrame(ev *sse.Event) (f Format, ok bool) { return detectIn(ev, true) }

// detectIn asks the formats of one kind of framing (Format.eventStream).
func detectIn(ev *sse.Event, eventStream bool) (f Format, ok bool) {
	best := noMatch
	for _, g := range formats {
		if g.eventStream != eventStream {
			continue
		}
		if m := g.detect(ev); m > best {
			f, best = g, m
			if best == matchEventType {
				// None surer can follow, and a tie goes to the
				// earlier row: the formats after it need not decode
				// the data (start-up, issue 16).
				break
			}
		}
	}
	return f, best > noMatch
}

// probeData decodes an event's data into v, a format's detection probe.
// It reports false when the data is not a JSON object that decodes into v.
func probeData(ev *sse.Event, v any) bool {
	data := trimSpace(ev.Data)
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	return json.Unmarshal(data, v) == nil
}
