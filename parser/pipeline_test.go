package parser_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// replayBoth replays b with and without the pipeline (framing in pieces,
// and framing on one goroutine), text collected or not, and fails unless
// the results, the errors and the summaries are the same; the events that
// OnEvent saw must be the same too. It returns the summary of the
// sequential replay.
func replayBoth(tb testing.TB, b []byte, collect bool, wrap func(io.Reader) io.Reader, opts parser.Options) streamctx.Snapshot {
	tb.Helper()
	type run struct {
		res    parser.Result
		err    string
		snap   streamctx.Snapshot
		events []string
	}
	replay := func(o parser.Options) run {
		var r run
		// Chunks recorded with the text, as --json records them; without,
		// the parsers do not read again the data of an event decoded
		// ahead (streamctx.Context.ChunksKept).
		sc := streamctx.New(streamctx.Options{CollectText: collect, RecordChunks: collect})
		o.OnEvent = func(ev *sse.Event) {
			r.events = append(r.events, fmt.Sprintf("%d %q %q %q %d %d %v", ev.Line, ev.Type, ev.Data, ev.ID, ev.Retry, ev.DataLines, ev.Incomplete))
		}
		var in io.Reader = bytes.NewReader(b)
		if wrap != nil {
			in = wrap(in)
		}
		res, err := parser.Replay(in, sc, o)
		r.res = res
		if err != nil {
			r.err = err.Error()
		}
		r.snap = sc.Snapshot(res.Format.Name, res.Format.Vendor)
		return r
	}
	seqOpts, pieceOpts := opts, opts
	seqOpts.Pipeline, pieceOpts.Pipeline = false, true
	seq := replay(seqOpts)
	for _, o := range []struct {
		name string
		opts parser.Options
	}{
		{"pipeline", pieceOpts},
		{"pipeline in pieces of 1 KiB", parser.PieceSize(pieceOpts, 1<<10)},
		{"pipeline framing on one goroutine", parser.FramedCopies(pieceOpts)},
	} {
		pipe := replay(o.opts)
		if seq.res.Format.Name != pipe.res.Format.Name || seq.res.Detected != pipe.res.Detected || seq.err != pipe.err {
			tb.Fatalf("%s: format %q (detected %q), error %q; sequential: %q (%q), %q", o.name,
				pipe.res.Format.Name, pipe.res.Detected, pipe.err, seq.res.Format.Name, seq.res.Detected, seq.err)
		}
		if !reflect.DeepEqual(seq.snap, pipe.snap) {
			tb.Fatalf("the %s changed the summary:\n got %+v\nwant %+v", o.name, pipe.snap, seq.snap)
		}
		if !reflect.DeepEqual(seq.events, pipe.events) {
			for i := range min(len(seq.events), len(pipe.events)) {
				if seq.events[i] != pipe.events[i] {
					tb.Fatalf("the %s changed the events handed to OnEvent: event %d is\n%s\nnot\n%s", o.name, i, pipe.events[i], seq.events[i])
				}
			}
			tb.Fatalf("the %s changed the events handed to OnEvent (%d against %d)", o.name, len(pipe.events), len(seq.events))
		}
	}
	return seq.snap
}

// TestPipelineChangesNothing: every real capture, and a generated capture
// of each format larger than a batch, summarize the same through the
// pipeline, with the text collected or not, read in one piece or a byte
// at a time.
func TestPipelineChangesNothing(t *testing.T) {
	t.Parallel()
	inputs := map[string][]byte{}
	for _, path := range captures(t) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		inputs[path] = b
	}
	for _, format := range benchgen.Formats() {
		var buf bytes.Buffer
		_, err := benchgen.GenerateStats(&buf, format, 1<<20, 3)
		require.NoError(t, err)
		inputs["generated "+format] = buf.Bytes()
	}
	for name, b := range inputs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, collect := range []bool{false, true} {
				replayBoth(t, b, collect, nil, parser.Options{})
			}
			if len(b) < 64<<10 {
				replayBoth(t, b, true, iotest.OneByteReader, parser.Options{})
			}
		})
	}
}

// TestPipelineEdges: inputs that take the pipeline's less common paths
// replay as without it (hand-made).
func TestPipelineEdges(t *testing.T) {
	t.Parallel()
	delta := func(i int, text string) string {
		return fmt.Sprintf("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":%q}}\n\n", text)
	}
	head := "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n" +
		"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
	tail := "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
		"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}\n\n" +
		"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
	var many strings.Builder
	many.WriteString(head)
	for i := range 5000 {
		many.WriteString(delta(i, fmt.Sprintf("word %d ", i)))
		if i%777 == 0 {
			many.WriteString("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"} }\n\n") // not the template
		}
		if i == 2500 {
			many.WriteString("data: {not json\n\n")
		}
	}
	many.WriteString(tail)
	big := head + delta(1, strings.Repeat("é big ", 100_000)) + delta(2, "after") + tail // an event lent, not copied
	var unknown strings.Builder
	for i := range 300 {
		fmt.Fprintf(&unknown, "data: {\"n\":%d}\n\n", i) // no known format: detection gives up
	}
	// A Gemini stream whose events take every path of its decoding ahead
	// (hand-made): text, thoughts and whole function calls on the fast
	// path, a Code Assist envelope and a promptFeedback that encoding/json
	// decodes, bad JSON, valid JSON of the wrong shape, usageMetadata that
	// is no object, a streamed call, data that is no object, padded data,
	// an event type, a model that changes, a chunk of many parts.
	var gem strings.Builder
	for i := range 4000 {
		model := "gemini-2.5-pro"
		if i > 2000 {
			model = "gemini-2.5-flash"
		}
		switch i % 500 {
		case 7:
			gem.WriteString("data: {\"response\": {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"wrapped\"}]}}]}, \"traceId\": \"t\"}\r\n\r\n")
		case 11:
			gem.WriteString("data: {not json\r\n\r\n")
		case 13:
			gem.WriteString("data: {\"candidates\": 5}\r\n\r\n")
		case 17:
			gem.WriteString("data: {\"usageMetadata\": \"many\"}\r\n\r\n")
		case 19:
			gem.WriteString("data: [DONE]\r\n\r\n\r\ndata:\r\n\r\ndata: [1, 2]\r\n\r\n")
		case 23:
			gem.WriteString("event: chunk\r\ndata:   {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"typed\"}]}}]}  \r\n\r\n")
		case 29:
			gem.WriteString("data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"f\", \"partialArgs\": [{\"jsonPath\": \"$.a\", \"stringValue\": \"x\"}], \"willContinue\": true}}]}}]}\r\n\r\n" +
				"data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"f\", \"partialArgs\": [{\"jsonPath\": \"$.a\", \"stringValue\": \"y\"}]}}]}}]}\r\n\r\n")
		case 31:
			gem.WriteString("data: {\"promptFeedback\": {\"safetyRatings\": []}, \"candidates\": [{\"content\": {\"parts\": [{\"text\": \"fed back\"}]}}]}\r\n\r\n")
		case 37:
			gem.WriteString("data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"a\", \"args\": {\"k\": [1, 2]}}}, {\"functionCall\": {\"name\": \"b\", \"args\": { \"s\" : \"\\u00e9\" }}}]}}, {\"index\": 1, \"content\": {\"parts\": [{\"functionCall\": {\"name\": \"c\", \"args\": {}}}]}}]}\r\n\r\n")
		case 43: // more parts than a batch's arena holds
			gem.WriteString("data: {\"candidates\": [{\"content\": {\"parts\": [" + strings.Repeat("{\"text\": \"p\"}, ", 300) + "{\"text\": \"q\"}]}}]}\r\n\r\n")
		case 41:
			gem.WriteString("data: {\"error\": {\"code\": 429, \"message\": \"slow down\", \"status\": \"RESOURCE_EXHAUSTED\"}}\r\n\r\n")
		}
		fmt.Fprintf(&gem, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": %q, \"thought\": %v}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 10,\"candidatesTokenCount\": %d,\"totalTokenCount\": %d},\"modelVersion\": %q,\"responseId\": \"r%d\"}\r\n\r\n", fmt.Sprintf("word \\ %d ", i), i%3 == 0, i, i+10, model, i/1000)
	}
	gem.WriteString("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 10,\"candidatesTokenCount\": 5,\"thoughtsTokenCount\": 2}}\r\n\r\n")
	// An OpenAI Responses stream whose events take every path of its
	// decoding ahead (hand-made): deltas of text, thinking and tool
	// arguments, items, lifecycle responses, citations, on the fast path
	// and off it (an escaped key, for encoding/json), bad JSON, members of
	// the wrong type, a null item, error events, a type only on the event:
	// line, a differing event: line, an unknown type, [DONE], empty data
	// and data that is no object.
	var resp strings.Builder
	seq := 0
	re := func(typ, data string) {
		if typ != "" {
			fmt.Fprintf(&resp, "event: %s\n", typ)
		}
		fmt.Fprintf(&resp, "data: %s\n\n", data)
		seq++
	}
	re("response.created", `{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","model":"gpt-x","status":"in_progress","output":[],"usage":null}}`)
	for i := range 4000 {
		switch i % 500 {
		case 3:
			re("", `{not json`)
		case 5:
			re("response.output_text.delta", fmt.Sprintf(`{"type":"response.output_text.delta","sequence_number":%d,"delta":5}`, seq))
		case 7:
			re("response.output_text.delta", fmt.Sprintf(`{"type":"response.output_text.delta","sequence_number":%d,"del\u0074a":"esc \"%d\" "}`, seq, i))
		case 9:
			id := fmt.Sprintf("fc_%d", i)
			re("response.output_item.added", fmt.Sprintf(`{"type":"response.output_item.added","sequence_number":%d,"output_index":1,"item":{"type":"function_call","id":%q,"call_id":"call_%d","name":"get","arguments":""}}`, seq, id, i))
			re("response.function_call_arguments.delta", fmt.Sprintf(`{"type":"response.function_call_arguments.delta","sequence_number":%d,"item_id":%q,"output_index":1,"delta":"{\"a\":"}`, seq, id))
			re("response.function_call_arguments.delta", fmt.Sprintf(`{"type":"response.function_call_arguments.delta","sequence_number":%d,"output_index":1,"delta":"\"\u00e9\"}"}`, seq))
			re("response.function_call_arguments.done", fmt.Sprintf(`{"type":"response.function_call_arguments.done","sequence_number":%d,"item_id":%q,"output_index":1,"name":"get","arguments":"{\"a\":\"\u00e9\"}"}`, seq, id))
			re("response.output_item.done", fmt.Sprintf(`{"type":"response.output_item.done","sequence_number":%d,"output_index":1,"item":{"type":"function_call","id":%q,"call_id":"call_%d","name":"get","arguments":"{\"a\":\"\u00e9\"}"}}`, seq, id, i))
		case 11:
			re("response.function_call_arguments.done", fmt.Sprintf(`{"type":"response.function_call_arguments.done","sequence_number":%d,"item_id":"fc_x","arguments":5,"name":"n"}`, seq))
			re("response.custom_tool_call_input.done", fmt.Sprintf(`{"type":"response.custom_tool_call_input.done","sequence_number":%d,"item_id":"ct_x","input":"in","name":7}`, seq))
		case 13:
			re("error", fmt.Sprintf(`{"type":"error","sequence_number":%d,"code":"rate_limit","message":"slow \u00e9 down"}`, seq))
			re("", `{"error":{"message":"gateway","type":"upstream"}}`)
		case 15:
			re("response.output_text.delta", `{"delta":"typed "}`)
			re("response.reasoning_text.delta", `{"delta":"typed thought","content_index":2}`)
		case 17:
			re("response.something_new", fmt.Sprintf(`{"type":"response.something_new","sequence_number":%d,"delta":"x"}`, seq))
			re("response.output_text.delta", fmt.Sprintf(`{"type":"response.refusal.delta","sequence_number":%d,"delta":"refused "}`, seq))
		case 19:
			re("response.content_part.done", fmt.Sprintf(`{"type":"response.content_part.done","sequence_number":%d,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"all","annotations":[{"type":"url_citation","url":"https://example.com/%d","title":"t","start_index":0,"end_index":1}]}}`, seq, i))
			re("response.content_part.done", fmt.Sprintf(`{"type":"response.content_part.done","sequence_number":%d,"part":{"ty\u0070e":"output_text","annotations":[{"type":"url_citation","url":"https://example.org/%d"}]}}`, seq, i))
			re("response.content_part.done", fmt.Sprintf(`{"type":"response.content_part.done","sequence_number":%d,"part":{"type":"output_text","text":"none","annotations":[]}}`, seq))
		case 23:
			re("response.output_item.done", fmt.Sprintf(`{"type":"response.output_item.done","sequence_number":%d,"output_index":0,"item":null}`, seq))
			re("response.output_item.added", fmt.Sprintf(`{"type":"response.output_item.added","sequence_number":%d,"output_index":0,"item":{"type":"message","i\u0064":"msg_%d","content":[]}}`, seq, i))
			re("response.output_item.done", fmt.Sprintf(`{"type":"response.output_item.done","sequence_number":%d,"output_index":0,"item":{"type":"message","id":"msg_%d","content":[{"type":"output_text","text":"whole","annotations":[]},{"type":"output_text","annotations":[{"type":"url_citation","url":"https://a.example/%d"},{"type":"file_citation","file_id":"f"}]},{"type":"refusal","refusal":"no"},{"t\u0079pe":"output_text","annotations":[{"type":"url_citation","url":"https://b.example/%d"}]}]}}`, seq, i, i, i))
			re("response.output_item.done", fmt.Sprintf(`{"type":"response.output_item.done","sequence_number":%d,"output_index":2,"item":{"type":"reasoning","id":"rs_%d","encrypted_content":"abc","summary":5}}`, seq, i))
		case 25:
			re("response.in_progress", fmt.Sprintf(`{"type":"response.in_progress","sequence_number":%d,"response":{"i\u0064":"resp_1","model":"gpt-x","status":"in_progress"}}`, seq))
			re("response.in_progress", fmt.Sprintf(`{"type":"response.in_progress","sequence_number":%d,"response":5}`, seq))
			re("response.in_progress", fmt.Sprintf(`{"type":"response.in_progress","sequence_number":%d,"response":null}`, seq))
		case 27:
			re("", `[DONE]`)
			re("", ``)
			re("", `  [1, 2]`)
			re("", `"str`)
		case 29:
			re("response.output_item.added", fmt.Sprintf(`{"type":"response.output_item.added","sequence_number":%d,"output_index":3,"item":{"type":"custom_tool_call","id":"ct_%d","call_id":"c","name":"sh","input":""}}`, seq, i))
			re("response.custom_tool_call_input.delta", fmt.Sprintf(`{"type":"response.custom_tool_call_input.delta","sequence_number":%d,"item_id":"ct_%d","output_index":3,"delta":"ls \t-l"}`, seq, i))
			re("response.custom_tool_call_input.done", fmt.Sprintf(`{"type":"response.custom_tool_call_input.done","sequence_number":%d,"item_id":"ct_%d","output_index":3,"input":"ls \t-l","name":"sh"}`, seq, i))
		case 31:
			re("response.reasoning_text.delta", fmt.Sprintf(`{"type":"response.output_text.delta","sequence_number":%d,"delta":"said other "}`, seq))
		case 33:
			re("response.output_text.done", fmt.Sprintf(`{"type":"response.output_text.done","sequence_number":%d,"text":"done text"}`, seq))
			re("response.reasoning_summary_text.done", fmt.Sprintf(`{"type":"response.reasoning_summary_text.done","sequence_number":%d,"item_id":"rs_1","summary_index":0,"text":"done thought"}`, seq))
			re("response.output_text.annotation.added", fmt.Sprintf(`{"type":"response.output_text.annotation.added","sequence_number":%d,"annotation":{"type":"url_citation","url":"https://example.net"}}`, seq))
			re("response.audio.delta", fmt.Sprintf(`{"type":"response.audio.delta","sequence_number":%d,"delta":"AAAA"}`, seq))
		}
		re("response.output_text.delta", fmt.Sprintf(`{"type":"response.output_text.delta","sequence_number":%d,"item_id":"msg_1","output_index":0,"content_index":0,"delta":%q}`, seq, fmt.Sprintf("w\\ %d ", i)))
		if i%3 == 0 {
			re("response.reasoning_summary_text.delta", fmt.Sprintf(`{"type":"response.reasoning_summary_text.delta","sequence_number":%d,"item_id":"rs_1","output_index":2,"summary_index":%d,"delta":"think %d "}`, seq, i/1000, i))
		}
	}
	re("response.completed", fmt.Sprintf(`{"type":"response.completed","sequence_number":%d,"response":{"id":"resp_1","object":"response","model":"gpt-x","status":"completed","output":[{"type":"message","id":"msg_1","content":[{"type":"output_text","text":"final","annotations":[]}]}],"usage":{"input_tokens":5,"output_tokens":9,"output_tokens_details":{"reasoning_tokens":3},"total_tokens":14}}}`, seq))
	// An OpenAI chat stream whose events take every path of its decoding
	// ahead (hand-made): content, reasoning and tool-call chunks on the fast
	// path (from the repeated prefix or not), usage null on every chunk and
	// an object, choices other than 0, a content array, function_call and
	// x_groq that encoding/json decodes, bad JSON, valid JSON of the wrong
	// shape, data that is no object, padded data, empty data, event types
	// (error, unknown), in-band errors, usage of the wrong shape, a whole
	// completion, chunks of more choices and tool calls than a batch's
	// arenas hold, an id and a model that change.
	var chat strings.Builder
	for i := range 4000 {
		model, id := "gpt-4o", "chatcmpl-1"
		if i > 2000 {
			model = "gpt-4o-mini"
		}
		if i > 3000 {
			id = "chatcmpl-2"
		}
		switch i % 500 {
		case 3:
			chat.WriteString("data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}\n\n" +
				"data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":\"}},{\"index\":1,\"id\":\"call_2\",\"function\":{\"name\":\"g\",\"arguments\":{\"x\":1}}}]}}]}\n\n")
		case 5:
			chat.WriteString("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"part\"},{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\"hm\"}]}]}}]}\n\n")
		case 7:
			chat.WriteString("data: {\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"name\":\"legacy\",\"arguments\":\"{}\"}}}]}\n\n")
		case 11:
			chat.WriteString("data: {not json\n\n")
		case 13:
			chat.WriteString("data: {\"choices\": 5}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":7}}]}\n\n")
		case 17:
			chat.WriteString("data: [1, 2]\n\ndata:\n\ndata: \"text\"\n\n")
		case 19:
			chat.WriteString("event: error\ndata: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n")
		case 23:
			chat.WriteString("event: chunk\ndata:   {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"typed\"}}]}  \n\n")
		case 29:
			chat.WriteString("data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"g\"}}],\"x_groq\":{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}}\n\n")
		case 31:
			chat.WriteString("data: {\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"whole\",\"tool_calls\":[{\"id\":\"w\",\"function\":{\"name\":\"h\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"stop\"}]}\n\n")
		case 37:
			chat.WriteString("data: {\"choices\":[" + strings.Repeat("{\"index\":1,\"delta\":{\"content\":\"n\"}},", 600) + "{\"index\":0,\"delta\":{\"reasoning_content\":\"r\",\"reasoning\":\"s\",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"d\"}],\"annotations\":[{\"type\":\"url_citation\",\"url_citation\":{\"url\":\"https://example.com\"}}]}}]}\n\n")
		case 41:
			chat.WriteString("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[" + strings.Repeat("{\"index\":5,\"function\":{\"arguments\":\"x\"}},", 300) + "{\"function\":{\"arguments\":\"y\"}}]}}]}\n\n")
		case 43:
			chat.WriteString("data: {\"object\":\"error\",\"message\":\"bad\",\"type\":\"BadRequestError\",\"code\":400}\n\n")
		case 53:
			chat.WriteString("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":\"many\"}}\n\ndata: {\"choices\":[],\"usage\":[]}\n\n")
		case 47:
			chat.WriteString("data: {\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3},\"error\":{\"message\":\"cut\"}}\n\n")
		}
		fmt.Fprintf(&chat, "data: {\"id\":%q,\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":%q,\"choices\":[{\"index\":0,\"delta\":{\"content\":%q,\"reasoning\":%q},\"finish_reason\":null}],\"usage\":null}\n\n", id, model, fmt.Sprintf("word \\ %d ", i), fmt.Sprintf("think %d", i%2))
	}
	chat.WriteString("data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":null}\n\n" +
		"data: {\"id\":\"chatcmpl-2\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,\"prompt_tokens_details\":{\"cached_tokens\":2}}}\n\ndata: [DONE]\n\ndata: {\"late\":1}\n\n")
	// Framing in pieces: an event longer than a piece (the rest is framed
	// on the parser's goroutine), lines ended by a lone CR (no boundary to
	// cut at), ids and retries that pieces carry into the next, tiny
	// events (more per piece than are decoded ahead), a line over the cap
	// in a later piece.
	long := head + delta(1, "before") + delta(2, strings.Repeat("x", 1<<20+5000)) + many.String()[len(head):]
	huge := head + delta(1, "before") + delta(2, strings.Repeat("x", 4<<20+5000)) + many.String()[len(head):]
	var ids, tiny strings.Builder
	ids.WriteString(head)
	for i := range 6000 {
		switch {
		case i%1000 == 0:
			fmt.Fprintf(&ids, "id: %d\nretry: %d\n\n", i, i)
		case i%997 == 0:
			fmt.Fprintf(&ids, "id: e%d\n", i)
		}
		ids.WriteString(delta(i, fmt.Sprintf("w%d ", i)))
	}
	ids.WriteString(tail)
	tiny.WriteString(head)
	for range 40000 {
		tiny.WriteString("data: {}\n\n")
	}
	tiny.WriteString(tail)
	cases := map[string]struct {
		in   string
		opts parser.Options
	}{
		"an event longer than a piece":           {in: long},
		"an event longer than the longest piece": {in: huge},
		"lines ended by CR":                      {in: strings.ReplaceAll(many.String(), "\n", "\r")},
		"ids and retries":                        {in: ids.String()},
		"tiny events":                            {in: tiny.String()},
		"line over the cap in a later piece":     {in: many.String() + delta(1, strings.Repeat("a", 5000)) + tail, opts: parser.Options{MaxLineSize: 1000}},
		"openai-chat, every path":                {in: chat.String()},
		"openai-chat forced":                     {in: chat.String(), opts: parser.Options{Format: "openai-chat"}},
		"many events, some off the template":     {in: many.String()},
		"an event larger than a batch":           {in: big},
		"unrecognized":                           {in: unknown.String()},
		"line over the cap after events":         {in: head + delta(1, strings.Repeat("a", 5000)) + tail, opts: parser.Options{MaxLineSize: 1000}},
		"cut off inside an event":                {in: many.String()[:len(many.String())/2]},
		"forced format":                          {in: many.String(), opts: parser.Options{Format: "anthropic"}},
		"forced other format":                    {in: many.String(), opts: parser.Options{Format: "openai-chat"}},
		"gemini, every path":                     {in: gem.String()},
		"gemini forced":                          {in: gem.String(), opts: parser.Options{Format: "gemini"}},
		"openai-responses, every path":           {in: resp.String()},
		"openai-responses forced":                {in: resp.String(), opts: parser.Options{Format: "openai-responses"}},
		"ndjson":                                 {in: strings.Repeat("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"done\":false}\n", 3000) + "{\"model\":\"m\",\"done\":true,\"eval_count\":2}\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, collect := range []bool{false, true} {
				replayBoth(t, []byte(c.in), collect, nil, c.opts)
				replayBoth(t, []byte(c.in), collect, iotest.HalfReader, c.opts)
			}
		})
	}
	s := replayBoth(t, []byte(big), true, nil, parser.Options{})
	assert.Equal(t, strings.Repeat("é big ", 100_000)+"after", s.Text)
	s = replayBoth(t, []byte(chat.String()), true, nil, parser.Options{})
	assert.Len(t, s.ToolCalls, 4)
	assert.Contains(t, s.Text, "gword \\ 29 ")
	assert.True(t, strings.HasSuffix(s.Text, "word \\ 3999 "), "%.40q", s.Text[max(0, len(s.Text)-40):])
	s = replayBoth(t, []byte(gem.String()), true, nil, parser.Options{})
	require.Len(t, s.ToolCalls, 24)
	assert.Equal(t, []string{`{"a":"xy"}`, `{"k":[1,2]}`, `{"s":"\u00e9"}`}, []string{s.ToolCalls[0].Arguments, s.ToolCalls[1].Arguments, s.ToolCalls[2].Arguments})
}

// TestPipelineDecodesAhead: with the pipeline, the parsers that can decode
// ahead get most events of a long stream decoded ahead (the batches before
// the format is detected are not), so that the tests above compare the
// two paths.
func TestPipelineDecodesAhead(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"anthropic", "gemini", "openai-responses", "openai-chat"} {
		var buf bytes.Buffer
		st, err := benchgen.GenerateStats(&buf, format, 4<<20, 1)
		require.NoError(t, err)
		for _, collect := range []bool{false, true} {
			sc := streamctx.New(streamctx.Options{CollectText: collect})
			res, err := parser.Replay(&buf, sc, parser.Options{Pipeline: true})
			require.NoError(t, err)
			assert.Greater(t, parser.AheadEvents(res), st.Events*9/10, "%s: %d events of %d decoded ahead", format, parser.AheadEvents(res), st.Events)
			buf.Reset()
			_, err = benchgen.GenerateStats(&buf, format, 4<<20, 1)
			require.NoError(t, err)
		}
	}
}

// TestPipelineReadError: a read error after events ends the replay with a
// *PartialError, and what arrived before it is reported, as without the
// pipeline.
func TestPipelineReadError(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	_, err := benchgen.GenerateStats(&buf, "anthropic", 256<<10, 1)
	require.NoError(t, err)
	failing := func(r io.Reader) io.Reader {
		return io.MultiReader(io.LimitReader(r, 200<<10), iotest.ErrReader(errors.New("disk on fire")))
	}
	s := replayBoth(t, buf.Bytes(), true, failing, parser.Options{})
	assert.NotZero(t, s.Events)
	stalled := func(r io.Reader) io.Reader { return io.MultiReader(io.LimitReader(r, 200<<10), noProgress{}) }
	s = replayBoth(t, buf.Bytes(), true, stalled, parser.Options{})
	assert.NotZero(t, s.Events)
}

// noProgress reads nothing, for ever, without an error.
type noProgress struct{}

func (noProgress) Read([]byte) (int, error) { return 0, nil }

// liveReader hands out one chunk per read; before read i it waits until
// want[i] events were handled, as a live stream whose server sends its
// next bytes only once the client has handled the last ones. A replay that
// held events back until it read more would wait for ever (and the test
// fail on go test's timeout).
type liveReader struct {
	chunks  [][]byte
	handled chan struct{} // one value per event handled
	want    []int
	reads   int
	waited  int
}

func (r *liveReader) Read(p []byte) (int, error) {
	if r.reads >= len(r.chunks) {
		return 0, io.EOF
	}
	for ; r.waited < r.want[r.reads]; r.waited++ {
		<-r.handled
	}
	n := copy(p, r.chunks[r.reads])
	r.reads++
	return n, nil
}

// TestPipelineHandsOutEventsBeforeReading: the pipeline hands the events
// framed so far to the parser before it reads again, so that an event of
// a live stream is never held back waiting for the next bytes.
func TestPipelineHandsOutEventsBeforeReading(t *testing.T) {
	t.Parallel()
	for _, pipeline := range []bool{false, true} {
		chunks := [][]byte{
			[]byte("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\"}}\n\n"),
			[]byte("event: ping\ndata: {\"type\":\"ping\"}\n\n"),
			[]byte("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"),
		}
		r := &liveReader{chunks: chunks, handled: make(chan struct{}, len(chunks)), want: []int{0, 1, 2}}
		sc := streamctx.New(streamctx.Options{})
		_, err := parser.Replay(r, sc, parser.Options{Pipeline: pipeline, Format: "anthropic", OnEvent: func(*sse.Event) {
			r.handled <- struct{}{}
		}})
		require.NoError(t, err)
		assert.Equal(t, 3, sc.Events())
		assert.True(t, sc.Complete())
	}
}
