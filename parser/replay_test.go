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
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

const chatStream = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}

data: [DONE]

`

func TestLookup(t *testing.T) {
	t.Parallel()
	for alias, want := range map[string]string{
		"openai": "openai-chat", "OPENAI": "openai-chat", "openai-chat": "openai-chat", "Chat": "openai-chat",
		"OPENAI_CLI": "openai-responses", "codex": "openai-responses", "responses": "openai-responses",
		"claude": "anthropic", "CLAUDE": "anthropic", "CLAUDE_CLI": "anthropic", "Anthropic": "anthropic",
		"GEMINI": "gemini", "GEMINI_CLI": "gemini", "vertex": "gemini", "gemini": "gemini",
	} {
		f, ok, err := parser.Lookup(alias)
		require.NoError(t, err, alias)
		assert.True(t, ok, alias)
		assert.Equal(t, want, f.Name, alias)
	}
	for _, auto := range []string{"", "auto", "AUTO"} {
		_, ok, err := parser.Lookup(auto)
		require.NoError(t, err)
		assert.False(t, ok, "%q detects", auto)
	}
	_, _, err := parser.Lookup("no-such-format")
	require.ErrorIs(t, err, parser.ErrUnknownFormat)
	assert.Contains(t, err.Error(), "auto, openai-chat, openai-responses, anthropic, gemini")
}

func TestReplayErrorsNothingToReport(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, input, format string
		want                error
		msg                 string
	}{
		{name: "empty", input: "", want: parser.ErrEmpty},
		{name: "white_space_only", input: " \n\r\n\t", want: parser.ErrEmpty},
		{name: "comments_only", input: ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n", want: parser.ErrUnrecognized, msg: "no SSE events (no data; 2 comment lines)"},
		{name: "plain_text", input: "hello world\nthis is not sse\n", want: parser.ErrUnrecognized, msg: `starts "hello world"`},
		{name: "html_page", input: "<html><head><title>502 Bad\n Gateway</title></head></html>\n", want: parser.ErrUnrecognized, msg: "502 Bad Gateway"},
		{name: "events_of_no_known_format", input: "data: hello\n\ndata: world\n\n", want: parser.ErrUnrecognized, msg: "none of its 2 events"},
		{name: "json_object_of_no_known_format", input: `{"hello":"world"}`, want: parser.ErrUnrecognized},
		{name: "unknown_format_flag", input: chatStream, format: "no-such-format", want: parser.ErrUnknownFormat},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := streamctx.New(streamctx.Options{})
			_, err := parser.Replay(strings.NewReader(tc.input), sc, parser.Options{Format: tc.format})
			require.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestReplayLineTooLong(t *testing.T) {
	t.Parallel()
	input := "HTTP/1.1 200 OK\ncontent-type: text/event-stream\n\n" + chatStream + "data: " + strings.Repeat("x", 300) + "\n\n"
	sc := streamctx.New(streamctx.Options{CollectText: true})
	res, err := parser.Replay(strings.NewReader(input), sc, parser.Options{MaxLineSize: 250})
	require.ErrorIs(t, err, sse.ErrLineTooLong)
	var le *sse.LineError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 10, le.Line, "line numbers count the HTTP preamble")

	var partial *parser.PartialError
	require.ErrorAs(t, err, &partial, "events came before the long line")
	assert.Equal(t, "openai-chat", res.Format.Name)
	s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
	assert.Equal(t, "Hi", s.Text, "what came before is replayed")
	assert.Equal(t, int64(1), s.OutputTokens)
	assert.True(t, s.Complete)

	sc = streamctx.New(streamctx.Options{})
	_, err = parser.Replay(strings.NewReader("data: "+strings.Repeat("x", 300)+"\n\n"+chatStream), sc, parser.Options{MaxLineSize: 250})
	require.ErrorIs(t, err, sse.ErrLineTooLong)
	assert.NotErrorAs(t, err, &partial, "nothing came before: nothing to report")
}

func TestReplayReadErrorAfterEvents(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset by peer")
	cut := chatStream[:strings.LastIndex(chatStream, "data:")+10] // inside the last event
	sc := streamctx.New(streamctx.Options{CollectText: true})
	res, err := parser.Replay(io.MultiReader(strings.NewReader(cut), iotest.ErrReader(boom)), sc, parser.Options{})
	var partial *parser.PartialError
	require.ErrorAs(t, err, &partial)
	require.ErrorIs(t, err, boom)
	s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
	assert.Equal(t, "openai-chat", s.Format)
	assert.NotEmpty(t, s.Text)
	assert.Positive(t, s.Events)

	_, err = parser.Replay(iotest.ErrReader(boom), streamctx.New(streamctx.Options{}), parser.Options{})
	require.ErrorIs(t, err, boom)
	assert.NotErrorAs(t, err, &partial)
}

func TestReplayCurlPreamble(t *testing.T) {
	t.Parallel()
	input := "HTTP/1.1 100 Continue\r\n\r\nHTTP/2 200\r\ncontent-type: text/event-stream\r\nX-Request-ID: req-42abcdefgh\r\n\r\n" + chatStream
	s := mustSummarize(t, input, "")
	require.NotNil(t, s.StatusCode)
	assert.Equal(t, 200, *s.StatusCode)
	assert.Equal(t, "req-42abcdefgh", s.RequestID, "the x-request-id header names the request")
	assert.Equal(t, streamctx.StatusOK, s.Status)
	assert.Equal(t, "openai-chat", s.Format)
}

func TestReplayHTTPErrorBodies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, input       string
		code              *int
		errType, errMsg   string
		format, provider  string
		badEvents         int
		warningsSubstring string
	}{
		{
			name:    "json_error_without_status_line",
			input:   `{"error":{"message":"Rate limit","type":"rate_limit_error","code":"rate_limit"}}`,
			errType: "rate_limit_error", errMsg: "Rate limit", format: "openai-chat",
		},
		{
			name:    "curl_i_429_json",
			input:   "HTTP/2 429\ncontent-type: application/json\n\n{\"error\": {\"code\": 429, \"message\": \"Provider returned error\"}}\n",
			code:    intp(429),
			errType: "429", errMsg: "Provider returned error", format: "openai-chat",
		},
		{
			name:    "openrouter_upstream_error_is_in_the_message",
			input:   `{"error":{"code":429,"message":"Provider returned error","metadata":{"provider_name":"Google","raw":"rate-limited upstream"}}}`,
			errType: "429", errMsg: "Provider returned error (Google: rate-limited upstream)", format: "openai-chat",
		},
		{
			name:    "curl_i_anthropic_529",
			input:   "HTTP/1.1 529\nrequest-id: req_011CZabc\n\n{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
			code:    intp(529),
			errType: "overloaded_error", errMsg: "Overloaded", format: "anthropic",
		},
		{
			name:    "gemini_error_in_array",
			input:   "HTTP/1.1 400 Bad Request\n\n[{\n  \"error\": {\n    \"code\": 400,\n    \"message\": \"API key not valid.\",\n    \"status\": \"INVALID_ARGUMENT\"\n  }\n}\n]",
			code:    intp(400),
			errType: "INVALID_ARGUMENT", errMsg: "API key not valid.", format: "gemini",
		},
		{
			name:    "curl_i_502_html",
			input:   "HTTP/1.1 502 Bad Gateway\ncontent-type: text/html\n\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n",
			code:    intp(502),
			errType: "http_error", errMsg: "HTTP 502: 502 Bad Gateway", format: "openai-chat",
		},
		{
			name:    "curl_i_500_text",
			input:   "HTTP/1.1 500 Internal Server Error\n\nupstream connect error or disconnect/reset before headers\n",
			code:    intp(500),
			errType: "http_error", errMsg: "HTTP 500: upstream connect error or disconnect/reset before headers", format: "openai-chat",
		},
		{
			name:    "curl_i_503_empty_body",
			input:   "HTTP/1.1 503 Service Unavailable\n\n",
			code:    intp(503),
			errType: "http_error", errMsg: "HTTP 503 with an empty body", format: "openai-chat",
		},
		{
			name:    "truncated_json_error_body",
			input:   "HTTP/1.1 400 Bad Request\n\n{\"error\": {\"message\": \"cut",
			code:    intp(400),
			errType: "http_error", errMsg: `HTTP 400: {"error": {"message": "cut`, format: "openai-chat",
			badEvents: 1, warningsSubstring: "line 3: JSON body: unexpected end of JSON input",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := mustSummarize(t, tc.input, "")
			assert.Equal(t, streamctx.StatusFailed, s.Status)
			assert.Equal(t, tc.code, s.StatusCode)
			require.NotNil(t, s.ErrorType)
			assert.Equal(t, tc.errType, *s.ErrorType)
			require.NotNil(t, s.ErrorMessage)
			assert.Equal(t, tc.errMsg, *s.ErrorMessage)
			assert.Equal(t, tc.format, s.Format)
			assert.Equal(t, tc.badEvents, s.BadEvents)
			if tc.warningsSubstring != "" {
				assert.Contains(t, strings.Join(s.Warnings, "\n"), tc.warningsSubstring)
			}
		})
	}
}

func intp(n int) *int { return &n }

func TestReplayForcedFormatMismatchWarns(t *testing.T) {
	t.Parallel()
	s := mustSummarize(t, chatStream, "anthropic")
	assert.Equal(t, "anthropic", s.Format)
	assert.Positive(t, s.BadEvents, "a mismatch is not a clean read")
	assert.Contains(t, strings.Join(s.Warnings, "\n"), "this does not look like an anthropic stream: line 1 is an openai-chat event")
}

func TestReplayDetectsEachFormat(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"openai-chat":      chatStream,
		"openai-responses": "data: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}\n\n",
		"anthropic":        "event: ping\ndata: {\"type\": \"ping\"}\n\n",
		"gemini":           "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}]}}]}\r\n\r\n",
	}
	for want, input := range cases {
		t.Run(want, func(t *testing.T) {
			t.Parallel()
			sc := streamctx.New(streamctx.Options{})
			res, err := parser.Replay(strings.NewReader(input), sc, parser.Options{})
			require.NoError(t, err)
			assert.Equal(t, want, res.Format.Name)
		})
	}
}

func TestReplayDetectionLooksPastUndecidedEvents(t *testing.T) {
	t.Parallel()
	input := ": keep-alive\n\ndata: not json\n\n" + chatStream
	sc := streamctx.New(streamctx.Options{CollectText: true})
	res, err := parser.Replay(strings.NewReader(input), sc, parser.Options{})
	require.NoError(t, err)
	assert.Equal(t, "openai-chat", res.Format.Name)
	assert.Equal(t, 4, sc.Events(), "the undecided event is replayed too")
}

// FuzzReplay feeds arbitrary bytes through the whole pipeline with format
// detection: a snapshot or a clean error, never a panic or a hang.
func FuzzReplay(f *testing.F) {
	for _, p := range captureFiles(f) {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte("HTTP/1.1 500 x\n\n<html>"))
	f.Add([]byte("[{\"error\":{}}]"))
	// A body that does not decode as its header says (ErrCoding).
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\x1f\x8b"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"))
	f.Fuzz(func(t *testing.T, b []byte) {
		sc := streamctx.New(streamctx.Options{CollectText: true, RecordChunks: true})
		res, err := parser.Replay(bytes.NewReader(b), sc, parser.Options{MaxLineSize: 1 << 20})
		var partial *parser.PartialError
		if err != nil && !errors.As(err, &partial) {
			known := errors.Is(err, parser.ErrEmpty) || errors.Is(err, parser.ErrUnrecognized) ||
				errors.Is(err, sse.ErrLineTooLong) || errors.Is(err, capture.ErrMalformedPreamble) ||
				errors.Is(err, capture.ErrCoding) ||
				// An event-stream body whose first frame cannot be read
				// (a later one ends the replay with a warning).
				errors.As(err, new(*frame.EventStreamError))
			if !known {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if partial != nil && !errors.Is(err, sse.ErrLineTooLong) {
			t.Fatalf("a bytes.Reader fails only on a line over the cap: %v", err)
		}
		// A partial replay (a line over the cap after events) is checked
		// as any other: what came before is a summary too.
		s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
		if s.Status == streamctx.StatusOK && (!s.Complete || s.ErrorType != nil) {
			t.Fatalf("ok status for an incomplete or failed stream: %+v", s)
		}
		// Without text collected (parsers may skip decoding it), the
		// summary is the same but for the text, tool calls, server tool
		// calls and citations (kept only with the text).
		lean := streamctx.New(streamctx.Options{})
		if _, leanErr := parser.Replay(bytes.NewReader(b), lean, parser.Options{MaxLineSize: 1 << 20}); (leanErr == nil) != (err == nil) {
			t.Fatalf("replay without text: %v, with text: %v", leanErr, err)
		}
		if got, want := withoutText(lean.Snapshot(res.Format.Name, res.Format.Vendor)), withoutText(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("collecting the text changed the summary:\n got %+v\nwant %+v", got, want)
		}
		// The pipeline (framing and decoding on other goroutines) changes
		// nothing.
		piped := streamctx.New(streamctx.Options{CollectText: true, RecordChunks: true})
		pres, pipedErr := parser.Replay(bytes.NewReader(b), piped, parser.Options{MaxLineSize: 1 << 20, Pipeline: true})
		if fmt.Sprint(pipedErr) != fmt.Sprint(err) || pres.Format.Name != res.Format.Name {
			t.Fatalf("pipeline: %q, %v; without: %q, %v", pres.Format.Name, pipedErr, res.Format.Name, err)
		}
		if got := piped.Snapshot(res.Format.Name, res.Format.Vendor); !reflect.DeepEqual(got, s) {
			t.Fatalf("the pipeline changed the summary:\n got %+v\nwant %+v", got, s)
		}
		// So does framing the input in many small pieces, without the
		// chunks recorded (the parsers then do not read again the data
		// of an event decoded ahead).
		pieces := streamctx.New(streamctx.Options{CollectText: true})
		size := 16 + len(b)%200
		pres, piecesErr := parser.Replay(bytes.NewReader(b), pieces, parser.PieceSize(parser.Options{MaxLineSize: 1 << 20, Pipeline: true}, size))
		if fmt.Sprint(piecesErr) != fmt.Sprint(err) || pres.Format.Name != res.Format.Name {
			t.Fatalf("pipeline in pieces of %d bytes: %q, %v; without: %q, %v", size, pres.Format.Name, piecesErr, res.Format.Name, err)
		}
		if got := pieces.Snapshot(res.Format.Name, res.Format.Vendor); !reflect.DeepEqual(got, s) {
			t.Fatalf("the pipeline in pieces of %d bytes changed the summary:\n got %+v\nwant %+v", size, got, s)
		}
		// A small line cap stops most inputs part way: the partial
		// summary holds the same invariant.
		small := streamctx.New(streamctx.Options{CollectText: true})
		res, err = parser.Replay(bytes.NewReader(b), small, parser.Options{MaxLineSize: 256})
		if errors.As(err, &partial) {
			if s := small.Snapshot(res.Format.Name, res.Format.Vendor); s.Status == streamctx.StatusOK && (!s.Complete || s.ErrorType != nil) {
				t.Fatalf("ok status for an incomplete or failed partial stream: %+v", s)
			}
		}
	})
}

// withoutText is s but for the text, thinking and tool calls.
func withoutText(s streamctx.Snapshot) streamctx.Snapshot {
	s.Text, s.Thinking, s.ToolCalls, s.Tools = "", "", nil, nil
	s.ServerToolCalls, s.Citations = nil, nil // kept only with the text
	return s
}

// TestCollectingTextChangesNothingElse: every capture summarizes the same
// with and without its text collected, but for the text.
func TestCollectingTextChangesNothingElse(t *testing.T) {
	t.Parallel()
	inputs := map[string][]byte{}
	for _, path := range captures(t) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		inputs[path] = b
	}
	// Empty deltas before the first text, which are no content.
	inputs["responses with empty deltas"] = []byte(`event: response.created
data: {"type":"response.created","response":{"id":"resp_1","model":"gpt-4o","status":"in_progress"}}

event: response.reasoning_summary_text.delta
data: {"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":""}

event: response.function_call_arguments.delta
data: {"type":"response.function_call_arguments.delta","item_id":"fc_1","output_index":1,"delta":""}

event: response.output_text.delta
data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":2,"content_index":0,"delta":""}

event: response.output_text.delta
data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":2,"content_index":0,"delta":"Hi \u00e9"}

event: response.completed
data: {"type":"response.completed","response":{"id":"resp_1","model":"gpt-4o","status":"completed","usage":{"input_tokens":3,"output_tokens":2}}}

`)
	for _, format := range benchgen.Formats() { // long streams, tool calls included
		var buf bytes.Buffer
		require.NoError(t, benchgen.Generate(&buf, format, 256<<10, 1))
		inputs["benchgen "+format] = buf.Bytes()
	}
	// Every line arrives at its own time, so that the timings (first
	// content above all) differ if one mode marks content where the other
	// does not.
	for path, b := range inputs {
		full := streamctx.New(streamctx.Options{CollectText: true, Start: epoch})
		_, err := parser.ReplayCapture(lineByLine(t, b), full, parser.Options{})
		require.NoError(t, err)
		lean := streamctx.New(streamctx.Options{Start: epoch})
		res, err := parser.ReplayCapture(lineByLine(t, b), lean, parser.Options{})
		require.NoError(t, err)
		want := withoutText(full.Snapshot(res.Format.Name, res.Format.Vendor))
		assert.Equal(t, want, withoutText(lean.Snapshot(res.Format.Name, res.Format.Vendor)), path)
	}
}

// lineByLine opens b as a live capture whose lines arrive one per read, a
// millisecond apart.
func lineByLine(tb testing.TB, b []byte) *capture.Capture {
	tb.Helper()
	r := &linesReader{b: b}
	c, err := capture.Open(r, capture.Options{Clock: r.now, Start: epoch})
	require.NoError(tb, err)
	return c
}

// linesReader returns one line per read; its clock reads a millisecond
// per read.
type linesReader struct {
	b     []byte
	reads int
}

func (r *linesReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	r.reads++
	n := len(r.b)
	if i := bytes.IndexByte(r.b, '\n'); i >= 0 {
		n = i + 1
	}
	n = copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

func (r *linesReader) now() time.Time { return epoch.Add(time.Duration(r.reads) * time.Millisecond) }

func captureFiles(tb testing.TB) []string {
	tb.Helper()
	return captures(tb)
}
