package parser_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/benchcpu"
	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// benchSize is the size of the generated capture of each format that the
// benchmarks replay from memory.
const benchSize = 8 << 20

// benchCorpus generates the benchmark captures lazily, once per run of the
// parent benchmark, so that -bench selecting one format generates only it.
type benchCorpus map[string]*benchCapture

type benchCapture struct {
	data []byte
	st   benchgen.Stats
}

func (c benchCorpus) get(tb testing.TB, format string) *benchCapture {
	tb.Helper()
	if bc := c[format]; bc != nil {
		return bc
	}
	var buf bytes.Buffer
	st, err := benchgen.GenerateStats(&buf, format, benchSize, 1)
	require.NoError(tb, err)
	bc := &benchCapture{data: buf.Bytes(), st: st}
	c[format] = bc
	return bc
}

// checkReplay replays a capture once and stops the benchmark when sseinspect
// does not summarize it exactly: a parser that gives up early would look
// fast.
func checkReplay(tb testing.TB, bc *benchCapture, collect bool) {
	tb.Helper()
	sc := streamctx.New(streamctx.Options{CollectText: collect})
	res, err := parser.Replay(bytes.NewReader(bc.data), sc, parser.Options{})
	require.NoError(tb, err)
	s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
	want := bc.st
	require.Equal(tb, want.Format, s.Format)
	require.Equal(tb, streamctx.StatusOK, s.Status, "warnings: %q", s.Warnings)
	require.Empty(tb, s.Warnings)
	require.Equal(tb, want.Events, s.Events)
	require.Equal(tb, want.InputTokens, s.InputTokens)
	require.Equal(tb, want.OutputTokens, s.OutputTokens)
	if collect {
		require.Len(tb, s.Text, int(want.TextBytes))
		require.Equal(tb, want.TextChecksum, benchgen.Checksum(s.Text))
		require.Len(tb, s.ToolCalls, want.ToolCalls)
	}
}

// BenchmarkReplay replays a generated 8 MiB capture of each format (one long
// response) from memory, with format detection: summary collects no text
// (the two-line summarize), json collects text, thinking and tool calls
// (summarize --json). ns/event is the time per SSE event. The -pipeline
// modes replay through the pipeline, framing in pieces; -copies framing on
// one goroutine, as for a timed body.
func BenchmarkReplay(b *testing.B) {
	corpus := benchCorpus{}
	for _, format := range benchgen.Formats() {
		for _, mode := range []struct {
			name                       string
			collect, pipelined, copies bool
		}{
			{"summary", false, false, false}, {"json", true, false, false},
			{"summary-pipeline", false, true, false}, {"json-pipeline", true, true, false},
			{"summary-pipeline-copies", false, true, true},
		} {
			b.Run(format+"/"+mode.name, func(b *testing.B) {
				bc := corpus.get(b, format)
				checkReplay(b, bc, mode.collect)
				opts := parser.Options{Pipeline: mode.pipelined}
				if mode.copies {
					opts = parser.FramedCopies(opts)
				}
				replayLoopWith(b, bc.data, mode.collect, opts)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(bc.st.Events), "ns/event")
			})
		}
	}
}

// BenchmarkFrame runs the SSE scanner alone over the same generated
// captures: the framing cost that Replay pays before any JSON. events/op
// turns allocs/op into allocations per event.
func BenchmarkFrame(b *testing.B) {
	corpus := benchCorpus{}
	for _, format := range benchgen.Formats() {
		b.Run(format, func(b *testing.B) {
			bc := corpus.get(b, format)
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			var r bytes.Reader
			for b.Loop() {
				r.Reset(bc.data)
				s := sse.NewScanner(&r)
				n, size := 0, 0
				for s.Scan() {
					n++
					size += len(s.Event().Data)
				}
				if s.Err() != nil || n != bc.st.Events || size == 0 {
					b.Fatalf("scanned %d events (want %d), error %v", n, bc.st.Events, s.Err())
				}
			}
			b.ReportMetric(float64(bc.st.Events), "events/op")
		})
	}
}

// BenchmarkReplayCaptures replays every real capture in testdata/captures
// that replays without error (each as its own stream, text not collected);
// one op is the whole set.
func BenchmarkReplayCaptures(b *testing.B) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "captures", "*", "*.sse"))
	require.NoError(b, err)
	if len(files) == 0 {
		b.Skip("no captures in ../testdata/captures (run from the package directory)")
	}
	var inputs [][]byte
	var total int64
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(b, err)
		sc := streamctx.New(streamctx.Options{})
		if _, err := parser.Replay(bytes.NewReader(data), sc, parser.Options{}); err != nil {
			b.Logf("skipped %s: %v", f, err)
			continue
		}
		inputs = append(inputs, data)
		total += int64(len(data))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range inputs {
			sc := streamctx.New(streamctx.Options{})
			if _, err := parser.Replay(bytes.NewReader(data), sc, parser.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(inputs)), "captures/op")
}

// BenchmarkReplayGeminiFunctionCalls replays 8 MiB of Gemini chunks that
// each carry one whole function call (Gemini sends calls whole), with
// arguments of a few hundred bytes, as an agent editing files does.
func BenchmarkReplayGeminiFunctionCalls(b *testing.B) {
	var buf bytes.Buffer
	calls := 0
	for buf.Len() < benchSize {
		fmt.Fprintf(&buf, `data: {"candidates": [{"content": {"parts": [{"functionCall": {"name": "edit_file","args": {"path": "internal/x%d.go","old_string": "func main() {\n\tfmt.Println(\"héllo\")\n}\n","new_string": "func main() {\n\tfmt.Println(\"hello, 世界\")\n\tos.Exit(%d)\n}\n"}}}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 10,"candidatesTokenCount": %d,"totalTokenCount": %d},"modelVersion": "gemini-2.5-pro","responseId": "r1"}`+"\r\n\r\n", calls, calls, calls, calls+10)
		calls++
	}
	buf.WriteString(`data: {"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 10,"candidatesTokenCount": 5,"totalTokenCount": 15},"modelVersion": "gemini-2.5-pro","responseId": "r1"}` + "\r\n\r\n")
	benchReplayData(b, buf.Bytes(), "gemini", calls+1, calls)
}

// benchReplayData checks that data summarizes completely (events events;
// with text collected, tools tool calls), then replays it, collecting text
// (json) or not (summary).
func benchReplayData(b *testing.B, data []byte, format string, events, tools int) {
	b.Helper()
	for _, collect := range []bool{false, true} {
		name := map[bool]string{false: "summary", true: "json"}[collect]
		b.Run(name, func(b *testing.B) {
			sc := streamctx.New(streamctx.Options{CollectText: collect})
			res, err := parser.Replay(bytes.NewReader(data), sc, parser.Options{})
			require.NoError(b, err)
			s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
			require.Equal(b, format, s.Format)
			require.Equal(b, streamctx.StatusOK, s.Status, "warnings: %q", s.Warnings)
			require.Empty(b, s.Warnings)
			require.Equal(b, events, s.Events)
			if collect {
				require.Len(b, s.ToolCalls, tools)
			}
			replayLoop(b, data, collect)
		})
	}
}

// replayLoop is the timed loop of the Replay benchmarks: data replayed
// from memory into a new stream context, collecting text or not.
func replayLoop(b *testing.B, data []byte, collect bool) {
	b.Helper()
	replayLoopWith(b, data, collect, parser.Options{})
}

// replayLoopWith is replayLoop with Replay's options.
func replayLoopWith(b *testing.B, data []byte, collect bool, opts parser.Options) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	defer benchcpu.PerOp(b)()
	for b.Loop() {
		sc := streamctx.New(streamctx.Options{CollectText: collect})
		if _, err := parser.Replay(bytes.NewReader(data), sc, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplayChatToolCalls replays 8 MiB of OpenAI chat chunks that
// stream one tool call's arguments in small fragments, as an agent writing
// a file does (the generated corpus has few such chunks).
func BenchmarkReplayChatToolCalls(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"edit_file","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n")
	fragments := []string{`{\"path\": \"`, `main.go`, `\", \"new_string\": \"`, `func`, ` main`, `() {\\n`, `\\tfmt`, `.Println`, `(\\\"héllo\\\")`, `\\n}`, `\\n`, `\"}`}
	args := 0
	for i := 0; buf.Len() < benchSize; i++ {
		f := fragments[i%len(fragments)]
		buf.WriteString(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"` + f + `"}}]},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n")
		args++
	}
	buf.WriteString(`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":10,"completion_tokens":1000,"total_tokens":1010}}` + "\n\ndata: [DONE]\n\n")
	benchReplayData(b, buf.Bytes(), "openai-chat", args+3, 1)
}
