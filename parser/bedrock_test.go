package parser_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
	"github.com/sseinspect/sseinspect/timing"
)

// esMessage encodes one event-stream frame with the AWS SDK's encoder
// (hand-made frames, for cases no real capture has).
func esMessage(tb testing.TB, payload string, headers ...string) []byte {
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

// converseFrames encodes ConverseStream events, each "type payload".
func converseFrames(tb testing.TB, events ...string) []byte {
	tb.Helper()
	var b []byte
	for _, e := range events {
		typ, payload, _ := strings.Cut(e, " ")
		b = append(b, esMessage(tb, payload, ":message-type", "event", ":event-type", typ, ":content-type", "application/json")...)
	}
	return b
}

func readBedrock(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(capturesDir, "bedrock", name))
	require.NoError(tb, err)
	return b
}

// TestBedrockConverseHandMade: what no real capture shows: an exception
// frame mid-stream, a cut-off stream, cache tokens, max_tokens.
func TestBedrockConverseHandMade(t *testing.T) {
	t.Parallel()
	start := []string{
		`messageStart {"role":"assistant"}`,
		`contentBlockDelta {"contentBlockIndex":0,"delta":{"text":"Hel"}}`,
	}
	t.Run("exception_midstream", func(t *testing.T) {
		t.Parallel()
		b := converseFrames(t, start...)
		b = append(b, esMessage(t, `{"message":"Too many tokens, please wait before trying again."}`,
			":message-type", "exception", ":exception-type", "throttlingException", ":content-type", "application/json")...)
		s, err := summarize(t, bytes.NewReader(b), "")
		require.NoError(t, err)
		assert.Equal(t, "bedrock-converse", s.Format)
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		require.NotNil(t, s.ErrorType)
		assert.Equal(t, "throttlingException", *s.ErrorType)
		assert.Equal(t, "Too many tokens, please wait before trying again.", *s.ErrorMessage)
		assert.Equal(t, "Hel", s.Text, "what arrived before the exception")
		assert.False(t, s.Complete)
		assert.Empty(t, s.Warnings, "the error says it: no cut-off warning")
	})
	t.Run("cut_off", func(t *testing.T) {
		t.Parallel()
		s := mustSummarize(t, string(converseFrames(t, start...)), "")
		assert.False(t, s.Complete)
		assert.Equal(t, []string{"the stream ended without messageStop: it was cut off"}, s.Warnings)
	})
	t.Run("cache_and_max_tokens", func(t *testing.T) {
		t.Parallel()
		b := converseFrames(t, append(start,
			`contentBlockStop {"contentBlockIndex":0}`,
			`messageStop {"stopReason":"max_tokens"}`,
			`metadata {"usage":{"inputTokens":4,"outputTokens":5,"totalTokens":1209,"cacheReadInputTokens":1000,"cacheWriteInputTokens":200,"cacheDetails":[{"ttl":"5m","inputTokens":200}]},"metrics":{"latencyMs":321.5}}`)...)
		s := mustSummarize(t, string(b), "")
		assert.True(t, s.Complete)
		assert.Equal(t, "max_tokens", *s.StopReason)
		assert.Equal(t, int64(4), s.InputTokens)
		assert.Equal(t, int64(1000), s.CachedTokens)
		assert.Equal(t, int64(200), s.CacheCreationTokens)
		assert.Equal(t, int64(1204), s.TotalInputTokens, "input + cache read + cache write (+ output 5 = totalTokens 1209)")
		v, ok := s.UsageDetails.Int("cacheDetails")
		assert.False(t, ok, "an array, not a count: %v", v)
		require.Len(t, s.UsageDetails, 1)
		assert.JSONEq(t, `[{"ttl":"5m","inputTokens":200}]`, string(s.UsageDetails[0].Value))
		require.NotNil(t, s.Latency.Provider)
		assert.InDelta(t, 321.5, *s.Latency.Provider.TotalMs, 0)
		assert.Equal(t, []string{"line 4: the response is incomplete: max_tokens"}, s.Warnings)
	})
	t.Run("negative_tokens", func(t *testing.T) {
		t.Parallel()
		b := converseFrames(t, append(start, `messageStop {"stopReason":"end_turn"}`,
			`metadata {"usage":{"inputTokens":-4,"outputTokens":5}}`)...)
		s := mustSummarize(t, string(b), "")
		assert.Equal(t, 1, s.BadEvents)
		assert.Equal(t, "none", s.UsageSource)
		assert.Contains(t, s.Warnings[0], "line 4: metadata event: usage.inputTokens is a JSON number -4, not a non-negative integer")
	})
}

// TestBedrockDamagedFrame: a CRC mismatch stops the reading at the frame
// it is in, named with its byte offset; what came before is reported.
func TestBedrockDamagedFrame(t *testing.T) {
	t.Parallel()
	b := readBedrock(t, "converse-stream-nova-text.eventstream")
	// Frame 6 starts at byte 1015 (its payload holds " also the most").
	i := bytes.Index(b, []byte(" also the most"))
	require.Positive(t, i)
	b[i+1] ^= 0x20
	sc := streamctx.New(streamctx.Options{CollectText: true})
	_, err := parser.Replay(bytes.NewReader(b), sc, parser.Options{})
	var partial *parser.PartialError
	require.ErrorAs(t, err, &partial)
	require.ErrorIs(t, err, frame.ErrChecksum)
	assert.Equal(t, "event-stream frame 6 at byte 1015: message CRC mismatch", err.Error())
	assert.Equal(t, "The capital of France is Paris. Paris is not only the capital city but", sc.Text())
	assert.Equal(t, 5, sc.Events())
}

// TestBedrockCurlI: the Content-Type of a curl -i capture makes the body
// an event stream, even one whose first prelude is damaged (then the
// damage is the error, at frame 1, byte 0).
func TestBedrockCurlI(t *testing.T) {
	t.Parallel()
	body := readBedrock(t, "converse-stream-nova-tool-use.eventstream")
	head := "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\nx-amzn-RequestId: 3f5c7d1e-0000-4000-8000-000000000000\r\n\r\n"
	s := mustSummarize(t, head+string(body), "")
	assert.Equal(t, "bedrock-converse", s.Format)
	require.Len(t, s.ToolCalls, 1)
	assert.JSONEq(t, `{"latitude":"52.5200","longitude":"13.4050"}`, s.ToolCalls[0].Arguments)
	assert.Equal(t, 200, *s.StatusCode)
	assert.Equal(t, "3f5c7d1e-0000-4000-8000-000000000000", s.RequestID, "x-amzn-RequestId")

	bad := append([]byte(nil), body...)
	bad[1] = 0x7f // the frame's length
	_, err := summarize(t, strings.NewReader(head+string(bad)), "")
	var fe *frame.EventStreamError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 1, fe.Frame)
	assert.Equal(t, int64(0), fe.Offset)

	// Without the header, the same bytes are not an event stream.
	_, err = summarize(t, bytes.NewReader(bad), "")
	require.Error(t, err)
	assert.NotErrorAs(t, err, &fe)
}

// TestBedrockDetectionApart: an SSE event named after a Converse event is
// never taken for Bedrock, and frames are never taken for another format,
// even with the payload of one.
func TestBedrockDetectionApart(t *testing.T) {
	t.Parallel()
	_, err := summarize(t, strings.NewReader("event: messageStart\ndata: {\"role\":\"assistant\"}\n\n"), "")
	require.Error(t, err, "SSE is not an event stream")

	b := converseFrames(t, `message_start {"type":"message_start","message":{"id":"msg_1","model":"m"}}`,
		`data {"choices":[{"delta":{"content":"x"}}]}`)
	_, err = summarize(t, bytes.NewReader(b), "")
	require.Error(t, err, "frames of no event-stream format")
	assert.Contains(t, err.Error(), "unrecognizable format")

	// --format anthropic on frames: parsed as asked, and said so.
	s := mustSummarize(t, string(readBedrock(t, "converse-stream-nova-tool-use.eventstream")), "anthropic")
	assert.Contains(t, s.Warnings[0], "this does not look like an anthropic stream: line 1 is a bedrock-converse event")
}

// TestBedrockTimedCapture: a timed capture of a binary body (record) keeps
// the arrival of each line of its bytes; every frame gets the time of the
// read that brought the first LF at or after its end.
func TestBedrockTimedCapture(t *testing.T) {
	t.Parallel()
	body := readBedrock(t, "converse-stream-nova-tool-use.eventstream")
	var rec bytes.Buffer
	w := timing.NewWriter(&rec, epoch)
	// Each frame arrives 100 ms after the previous one.
	off, at := 0, time.Duration(0)
	for off < len(body) {
		n := int(binary.BigEndian.Uint32(body[off:]))
		at += 100 * time.Millisecond
		require.NoError(t, w.Append(body[off:off+n], at))
		off += n
	}
	require.NoError(t, w.Close(at+time.Millisecond))
	c, err := capture.Open(bytes.NewReader(rec.Bytes()), capture.Options{})
	require.NoError(t, err)
	sc := streamctx.New(streamctx.Options{CollectText: true, Start: c.Start})
	res, err := parser.ReplayCapture(c, sc, parser.Options{})
	require.NoError(t, err)
	assert.Equal(t, "bedrock-converse", res.Format.Name)
	s := sc.Snapshot(res.Format.Name, "")
	assert.Empty(t, s.Warnings)
	require.Len(t, s.ToolCalls, 1)
	assert.JSONEq(t, `{"latitude":"52.5200","longitude":"13.4050"}`, s.ToolCalls[0].Arguments)
	tm := sc.Timing()
	assert.Positive(t, tm.FirstEvent)
	assert.GreaterOrEqual(t, tm.FirstContent, tm.FirstEvent)
	assert.GreaterOrEqual(t, tm.End, tm.LastContent)
	assert.Equal(t, 601*time.Millisecond, tm.End)
}

// TestBedrockDetectedApartOverCorpus: over every capture in testdata,
// detection tells a Bedrock format for the captures of bedrock/ and for no
// other.
func TestBedrockDetectedApartOverCorpus(t *testing.T) {
	t.Parallel()
	for _, path := range captures(t) {
		in, err := os.ReadFile(path)
		require.NoError(t, err)
		sc := streamctx.New(streamctx.Options{})
		res, err := parser.Replay(bytes.NewReader(in), sc, parser.Options{})
		require.NoError(t, err, path)
		bedrock := filepath.Base(filepath.Dir(path)) == "bedrock"
		assert.Equal(t, bedrock, strings.HasPrefix(res.Format.Name, "bedrock-"), "%s read as %s", path, res.Format.Name)
		assert.Equal(t, bedrock, strings.HasPrefix(res.Detected, "bedrock-"), "%s detected as %s", path, res.Detected)
	}
}

// converseSeed turns the frames of a capture into FuzzBedrockConverse's
// input: one line per frame, "type payload", "!type payload" for an
// exception.
func converseSeed(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var out []byte
	for ev, err := range frame.NewEventStream(bytesTimed{bytes.NewReader(b)}).Events() {
		require.NoError(tb, err)
		if ev.ID == "exception" {
			out = append(out, '!')
		}
		out = append(out, ev.Type...)
		out = append(out, ' ')
		out = append(out, ev.Data...)
		out = append(out, '\n')
	}
	return out
}

type bytesTimed struct{ r *bytes.Reader }

func (b bytesTimed) ReadTimed(p []byte) (int, time.Time, error) {
	n, err := b.r.Read(p)
	return n, time.Time{}, err
}

// FuzzBedrockConverse replays arbitrary ConverseStream events (one line
// each, "type payload", "!type payload" for an exception), framed by the
// AWS SDK's encoder: Replay must never panic, and must give the same
// result whole and one byte at a time.
func FuzzBedrockConverse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(capturesDir, "bedrock", "converse-*.eventstream"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, path := range files {
		b, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(converseSeed(f, b))
	}
	f.Add([]byte("messageStart {}\n!throttlingException {\"message\":\"x\"}\n"))
	f.Add([]byte("contentBlockStart {\"contentBlockIndex\":-1,\"start\":{\"toolResult\":{\"toolUseId\":\"x\"}}}\nmetadata {\"usage\":{\"inputTokens\":1e3}}\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var body []byte
		for _, line := range bytes.Split(in, []byte("\n")) {
			typ, payload, _ := bytes.Cut(line, []byte(" "))
			if len(typ) > 200 || len(payload) > 1<<16 {
				return // beyond what a header (or this test) holds
			}
			mt := "event"
			typeHeader := ":event-type"
			if name, ok := bytes.CutPrefix(typ, []byte("!")); ok {
				typ, mt, typeHeader = name, "exception", ":exception-type"
			}
			body = append(body, esMessage(t, string(payload), ":message-type", mt, typeHeader, string(typ))...)
		}
		whole, errWhole := summarize(t, bytes.NewReader(body), "bedrock-converse")
		bytewise, errBytes := summarize(t, iotest.OneByteReader(bytes.NewReader(body)), "bedrock-converse")
		if errWhole != nil || errBytes != nil {
			assert.Equal(t, errWhole != nil, errBytes != nil, "whole: %v; one byte at a time: %v", errWhole, errBytes)
			return
		}
		assert.Equal(t, string(marshal(t, whole)), string(marshal(t, bytewise)))
	})
}

// TestBedrockAfterTheEnd: the metadata frame after messageStop belongs to
// the stream; a second stream after it is data after the end.
func TestBedrockAfterTheEnd(t *testing.T) {
	t.Parallel()
	b := readBedrock(t, "converse-stream-nova-tool-use.eventstream")
	s := mustSummarize(t, string(b), "")
	assert.Empty(t, s.Warnings)
	s = mustSummarize(t, string(b)+string(b), "")
	assert.Equal(t, []string{"line 7: data after the end of the stream (line 5) was read anyway: two streams concatenated?"}, s.Warnings)
}

// invokeFrames encodes InvokeModelWithResponseStream chunk frames, one per
// model event (its JSON), with the "bytes" base64 as Bedrock sends them.
func invokeFrames(tb testing.TB, events ...string) []byte {
	tb.Helper()
	var b []byte
	for _, e := range events {
		payload, err := json.Marshal(struct {
			Bytes []byte `json:"bytes"`
		}{[]byte(e)})
		require.NoError(tb, err)
		b = append(b, esMessage(tb, string(payload), ":message-type", "event", ":event-type", "chunk", ":content-type", "application/json")...)
	}
	return b
}

// TestBedrockInvokeHandMade: what the two real InvokeModel captures do not
// show.
func TestBedrockInvokeHandMade(t *testing.T) {
	t.Parallel()
	start := `{"type":"message_start","message":{"id":"msg_bdrk_1","model":"claude-x","usage":{"input_tokens":7,"output_tokens":1}}}`
	text := `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`
	t.Run("metrics_differ", func(t *testing.T) {
		t.Parallel()
		b := invokeFrames(t, start, `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`, text,
			`{"type":"content_block_stop","index":0}`,
			`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}`,
			`{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":9,"outputTokenCount":3,"invocationLatency":120,"firstByteLatency":80}}`)
		s := mustSummarize(t, string(b), "")
		assert.Equal(t, "bedrock-invoke/anthropic", s.Format)
		assert.Equal(t, int64(7), s.InputTokens, "the model's own usage is reported")
		assert.Equal(t, []string{"amazon-bedrock-invocationMetrics counts input 9, output 3 tokens; the model's usage, reported here, 7 and 3"}, s.Warnings)
		require.NotNil(t, s.Latency.Provider)
		assert.InDelta(t, 120.0, *s.Latency.Provider.TotalMs, 0)
		assert.Equal(t, "amazon-bedrock-invocationMetrics.invocationLatency", s.Latency.Provider.Source)
	})
	t.Run("exception_midstream", func(t *testing.T) {
		t.Parallel()
		b := invokeFrames(t, start, text)
		b = append(b, esMessage(t, `{"message":"Model timed out."}`, ":message-type", "exception", ":exception-type", "modelTimeoutException")...)
		s := mustSummarize(t, string(b), "")
		assert.Equal(t, streamctx.StatusFailed, s.Status)
		assert.Equal(t, "modelTimeoutException", *s.ErrorType)
		assert.Equal(t, "Model timed out.", *s.ErrorMessage)
		assert.Equal(t, "Hi", s.Text)
	})
	t.Run("unknown_inner_format_metrics_usage", func(t *testing.T) {
		t.Parallel()
		// Meta Llama's shape, which sseinspect does not read: the
		// invocation metrics still give the usage.
		b := invokeFrames(t, `{"generation":"Hi","prompt_token_count":5}`,
			`{"generation":"","stop_reason":"stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":5,"outputTokenCount":2,"invocationLatency":99}}`)
		s := mustSummarize(t, string(b), "")
		assert.Equal(t, "bedrock-invoke", s.Format)
		assert.Equal(t, 1, s.BadEvents)
		assert.Equal(t, int64(5), s.InputTokens)
		assert.Equal(t, int64(2), s.OutputTokens)
		assert.Contains(t, s.Warnings[0], "line 1: chunk event: the chunks' bytes are events of no format sseinspect reads inside bedrock-invoke")
	})
	t.Run("bad_base64", func(t *testing.T) {
		t.Parallel()
		b := invokeFrames(t, start)
		b = append(b, esMessage(t, `{"bytes":"not base64!"}`, ":message-type", "event", ":event-type", "chunk")...)
		s := mustSummarize(t, string(b), "")
		assert.Equal(t, 1, s.BadEvents)
		assert.Contains(t, s.Warnings[0], "line 2: chunk event: illegal base64 data")
	})
}

// TestBedrockInvokeBadEvents: each chunk counts at most once in
// BadEvents, and chunks of no inner format count one for them all,
// however many they are (it was one below 64 chunks, then one more per
// chunk past 64; an undecodable event with invocation metrics counted
// twice). Hand-made chunks.
func TestBedrockInvokeBadEvents(t *testing.T) {
	t.Parallel()
	start := `{"type":"message_start","message":{"id":"msg_bdrk_1","model":"claude-x","usage":{"input_tokens":7,"output_tokens":1}}}`
	block := `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`
	text := `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`
	stop := `{"type":"message_stop"}`
	llama := `{"generation":"Hi","prompt_token_count":5}`
	repeat := func(s string, n int) []string {
		r := make([]string, n)
		for i := range r {
			r[i] = s
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		chunks []string
		format string
		bad    int
		warn   string // the first warning of a bad event
	}{
		{"no_bad_event", []string{start, block, text, stop}, "bedrock-invoke/anthropic", 0, ""},
		{"undecodable_event", []string{start, block, `{"type":"content_block_delta",`, text, stop}, "bedrock-invoke/anthropic", 1, "line 3: data: unexpected end of JSON input"},
		{"undecodable_event_with_metrics", []string{start, block, text, `{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":9`}, "bedrock-invoke/anthropic", 1, "line 4: data: unexpected end of JSON input"},
		{"metrics_not_a_count", []string{start, block, text, `{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":"x"}}`}, "bedrock-invoke/anthropic", 1, "line 4: amazon-bedrock-invocationMetrics: amazon-bedrock-invocationMetrics.inputTokenCount is a JSON string, not a non-negative integer"},
		{"undecodable_before_the_format_is_told", []string{"not json", start, block, text, stop}, "bedrock-invoke/anthropic", 1, "line 1: data: invalid character 'o' in literal null"},
		{"bad_base64", nil, "bedrock-invoke/anthropic", 1, "line 2: chunk event: illegal base64 data"},
		{"no_inner_format_2", repeat(llama, 2), "bedrock-invoke", 1, "line 1: chunk event: the chunks' bytes are events of no format sseinspect reads inside bedrock-invoke"},
		{"no_inner_format_64", repeat(llama, 64), "bedrock-invoke", 1, "line 1: chunk event: the chunks' bytes are events of no format"},
		{"no_inner_format_65", repeat(llama, 65), "bedrock-invoke", 1, "line 1: chunk event: the chunks' bytes are events of no format"},
		{"no_inner_format_200", repeat(llama, 200), "bedrock-invoke", 1, "line 1: chunk event: the chunks' bytes are events of no format"},
		{"no_inner_format_invalid_metrics", append(repeat(llama, 3), `{"generation":"","amazon-bedrock-invocationMetrics":{`), "bedrock-invoke", 1, "line 1: chunk event: the chunks' bytes are events of no format"},
		// 66 undecodable chunks, then Anthropic's: the last 64 are read
		// (each bad once), the 2 dropped before them count once.
		{"format_told_after_66_chunks", append(repeat("not json", 66), start, block, text, stop), "bedrock-invoke/anthropic", 65,
			"line 1: chunk event: 2 chunks from this one on were not read: more than 64 came before line 67, the first whose format (anthropic) was told, and only the last 64 were kept"},
	} {
		b := invokeFrames(t, tc.chunks...)
		if tc.name == "bad_base64" {
			b = invokeFrames(t, start)
			b = append(b, esMessage(t, `{"bytes":"not base64!"}`, ":message-type", "event", ":event-type", "chunk")...)
			b = append(b, invokeFrames(t, block, text, stop)...)
		}
		s := mustSummarize(t, string(b), "")
		assert.Equal(t, tc.format, s.Format, tc.name)
		assert.Equal(t, tc.bad, s.BadEvents, "%s: %q", tc.name, s.Warnings)
		if tc.warn != "" {
			i := slices.IndexFunc(s.Warnings, func(w string) bool { return !strings.Contains(w, "which no content_block_start opened") })
			require.GreaterOrEqual(t, i, 0, tc.name)
			assert.Contains(t, s.Warnings[i], tc.warn, tc.name)
		}
	}
}

// FuzzBedrockInvoke replays arbitrary model events (one line each), each
// as the base64 bytes of a chunk frame: Replay must never panic, and must
// give the same result whole and one byte at a time.
func FuzzBedrockInvoke(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(capturesDir, "bedrock", "invoke-*.eventstream"))
	require.NoError(f, err)
	require.NotEmpty(f, files)
	for _, path := range files {
		var seed []byte
		for ev, err := range frame.NewEventStream(bytesTimed{bytes.NewReader(readBedrock(f, filepath.Base(path)))}).Events() {
			require.NoError(f, err)
			var c struct {
				Bytes []byte `json:"bytes"`
			}
			require.NoError(f, json.Unmarshal(ev.Data, &c))
			seed = append(append(seed, c.Bytes...), '\n')
		}
		f.Add(seed)
	}
	f.Add([]byte(`{"generation":"x","amazon-bedrock-invocationMetrics":{"inputTokenCount":-1}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		lines := strings.Split(string(in), "\n")
		if len(lines) > 300 {
			return
		}
		body := invokeFrames(t, lines...)
		whole, errWhole := summarize(t, bytes.NewReader(body), "bedrock-invoke")
		bytewise, errBytes := summarize(t, iotest.OneByteReader(bytes.NewReader(body)), "bedrock-invoke")
		if errWhole != nil || errBytes != nil {
			assert.Equal(t, errWhole != nil, errBytes != nil, "whole: %v; one byte at a time: %v", errWhole, errBytes)
			return
		}
		assert.Equal(t, string(marshal(t, whole)), string(marshal(t, bytewise)))
	})
}

// TestBedrockLiveArrivals: from a live pipe, each frame is timed by the
// read that brought its last byte, however the frames are split.
func TestBedrockLiveArrivals(t *testing.T) {
	t.Parallel()
	start := converseFrames(t, `messageStart {"role":"assistant"}`)
	text := converseFrames(t, `contentBlockDelta {"contentBlockIndex":0,"delta":{"text":"Hi"}}`)
	end := converseFrames(t, `contentBlockStop {"contentBlockIndex":0}`, `messageStop {"stopReason":"end_turn"}`,
		`metadata {"usage":{"inputTokens":1,"outputTokens":1},"metrics":{"latencyMs":5}}`)
	a := &arrivals{chunks: []string{
		string(start) + string(text[:20]), // 10 ms: the first frame and part of the second
		string(text[20:]),                 // 20 ms: the text
		string(end),                       // 30 ms
	}}
	c, err := capture.Open(a, capture.Options{Clock: a.now, Start: epoch})
	require.NoError(t, err)
	sc := streamctx.New(streamctx.Options{Start: epoch})
	res, err := parser.ReplayCapture(c, sc, parser.Options{})
	require.NoError(t, err)
	assert.Equal(t, "bedrock-converse", res.Format.Name)
	ms := time.Millisecond
	assert.Equal(t, streamctx.Timing{FirstByte: 10 * ms, FirstEvent: 10 * ms, FirstContent: 20 * ms, FirstOutput: 20 * ms, LastContent: 20 * ms, End: 30 * ms}, sc.Timing())
}
