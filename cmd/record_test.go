package cmd_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
	"github.com/sseinspect/sseinspect/timing"
)

// recChunks is a live stream: each Read returns the next chunk.
type recChunks []string

func (c *recChunks) Read(p []byte) (int, error) {
	if len(*c) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*c)[0])
	if n == len((*c)[0]) {
		*c = (*c)[1:]
	} else {
		(*c)[0] = (*c)[0][n:]
	}
	return n, nil
}

var recordStart = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// recClock returns a clock whose successive readings are the given
// offsets from recordStart, in ms; past the last one, it stays there.
func recClock(ms ...float64) func() time.Time {
	i := 0
	return func() time.Time {
		d := time.Duration(ms[min(i, len(ms)-1)] * float64(time.Millisecond))
		i++
		return recordStart.Add(d)
	}
}

// recRun runs sseinspect in-process with stdin and a clock.
func recRun(t *testing.T, args []string, stdin io.Reader, live bool, now func() time.Time) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cmd.Run(args, cmd.Env{
		Stdin:       stdin,
		Stdout:      &out,
		Stderr:      &errb,
		StdinIsLive: live,
		Now:         now,
		Start:       recordStart,
	})
	return out.String(), errb.String(), code
}

// stripTimed returns the original stream of a timed capture.
func stripTimed(capture string) ([]byte, error) {
	r, err := timing.NewReader(strings.NewReader(capture))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// A chat stream arriving in reads, with the clock reading at each read (the
// last reading is the end of input).
var (
	recReads = recChunks{
		`data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{"role":"assistant"}}]}` + "\n\n",
		`data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}` + "\n\n" +
			`data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{"con`,
		`tent":"lo"}}]}` + "\n\n",
		`data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}` + "\n\n",
		"data: [DONE]\n\n",
	}
	recTimes = []float64{100.25, 250, 300, 400, 450, 460.5}
)

func recStream() string { return strings.Join(recReads, "") }

func recReader() *recChunks {
	c := append(recChunks(nil), recReads...)
	return &c
}

const recCapture = ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n" +
	":sseinspect-t 100.250\n" +
	`data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{"role":"assistant"}}]}` + "\n\n" +
	":sseinspect-t 250.000\n" +
	`data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}` + "\n\n" +
	":sseinspect-t 300.000\n" +
	`data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{"content":"lo"}}]}` + "\n\n" +
	":sseinspect-t 400.000\n" +
	`data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}` + "\n\n" +
	":sseinspect-t 450.000\n" +
	"data: [DONE]\n\n" +
	":sseinspect-end 460.500\n"

func TestRecordToStdout(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := recRun(t, []string{"record"}, recReader(), true, recClock(recTimes...))
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr)
	assert.Equal(t, recCapture, stdout)
	back, err := stripTimed(stdout)
	require.NoError(t, err)
	assert.Equal(t, recStream(), string(back))
}

func TestRecordToFileTees(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cap.sse")
	stdout, stderr, code := recRun(t, []string{"record", "-o", path}, recReader(), true, recClock(recTimes...))
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr)
	assert.Equal(t, recStream(), stdout, "the stream passes through unchanged")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, recCapture, string(got))
}

func TestRecordErrors(t *testing.T) {
	t.Parallel()
	_, stderr, code := recRun(t, []string{"record", "x.sse"}, strings.NewReader(""), true, nil)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "sseinspect: record reads standard input and takes no FILE argument")

	_, stderr, code = recRun(t, []string{"record", "-o", filepath.Join(t.TempDir(), "no", "such", "dir")}, strings.NewReader(""), true, nil)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "no such file or directory")

	// A read error still ends the capture, which stays readable.
	stdout, stderr, code := recRun(t, []string{"record"}, io.MultiReader(strings.NewReader("data: a\n\n"), recErrReader{}), true, recClock(1, 2))
	assert.Equal(t, 2, code)
	assert.Equal(t, "sseinspect: stdin: boom\n", stderr)
	back, err := stripTimed(stdout)
	require.NoError(t, err)
	assert.Equal(t, "data: a\n\n", string(back))
}

type recErrReader struct{}

func (recErrReader) Read([]byte) (int, error) { return 0, recErrBoom }

var recErrBoom = &recBoomError{}

type recBoomError struct{}

func (*recBoomError) Error() string { return "boom" }

// TestTimedCaptureTiming: a recorded capture reproduces the recorded timing
// in summarize, events and body, from a file or from a pipe, however it is
// read, and the timing lines change nothing else.
func TestTimedCaptureTiming(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cap.sse")
	require.NoError(t, os.WriteFile(path, []byte(recCapture), 0o644))
	plain := filepath.Join(t.TempDir(), "plain.sse")
	require.NoError(t, os.WriteFile(plain, []byte(recStream()), 0o644))
	never := func() time.Time { panic("the wall clock must not be read") }

	stdout, stderr, code := recRun(t, []string{"summarize", path}, nil, false, never)
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, "[OK] abc | m | openai | TTFB: 100ms\n      Total: 460ms | in:5 out:3\n", stdout)

	// Live standard input that is a timed capture: the recorded timing
	// wins over the clock of its reads.
	later := func() time.Time { return recordStart.Add(100 * time.Hour) }
	stdout, _, _ = recRun(t, []string{"summarize"}, strings.NewReader(recCapture), true, later)
	assert.Equal(t, "[OK] abc | m | openai | TTFB: 100ms\n      Total: 460ms | in:5 out:3\n", stdout)

	stdout, _, code = recRun(t, []string{"summarize", "--json", path}, nil, false, never)
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `"events":5,"data_count":5,"ttfb_ms":100,"ttft_ms":250,"total_ms":460,"warnings":[]`)

	// --no-timing: exactly the output of the plain stream.
	timed, _, _ := recRun(t, []string{"summarize", "--json", "--no-timing", path}, nil, false, never)
	untimed, _, _ := recRun(t, []string{"summarize", "--json", plain}, nil, false, never)
	assert.Equal(t, strings.Replace(untimed, `"source":"`+plain+`"`, `"source":"`+path+`"`, 1), timed, "but for the source")

	stdout, _, code = recRun(t, []string{"events", "--json", path}, nil, false, never)
	assert.Equal(t, 0, code)
	var tms []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		_, after, _ := strings.Cut(l, `"t_ms":`)
		tms = append(tms, strings.TrimSuffix(after, "}"))
	}
	assert.Equal(t, []string{"100", "250", "300", "400", "450"}, tms)
	assert.Contains(t, stdout, `"line":1,`, "lines are those of the original")
	assert.Contains(t, stdout, `"event":"message","data":"[DONE]","id":"","line":9,"t_ms":450}`)

	stdout, _, code = recRun(t, []string{"body", path}, nil, false, never)
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `"response_time_ms":460`)
}

func TestTimedCaptureTruncated(t *testing.T) {
	t.Parallel()
	capture := strings.TrimSuffix(recCapture, ":sseinspect-end 460.500\n")
	stdout, _, code := recRun(t, []string{"summarize", "--json"}, strings.NewReader(capture), false, nil)
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `"total_ms":450,"warnings":["the timed capture has no end line (the recording was cut short): total is the arrival of its last line"]`)
}

func TestTimedCaptureMalformed(t *testing.T) {
	t.Parallel()
	capture := strings.Replace(recCapture, ":sseinspect-t 300.000", ":sseinspect-t soon", 1)
	stdout, stderr, code := recRun(t, []string{"summarize"}, strings.NewReader(capture), false, nil)
	assert.Equal(t, 1, code, "the events before the bad line are reported")
	assert.Contains(t, stdout, "[FAIL] abc | m | openai | TTFB: 100ms")
	assert.Contains(t, stdout, "in:0 out:0", "the usage came after the bad line")
	assert.Equal(t, "sseinspect: stdin: warning: the stream ended without [DONE] and without a finish_reason: it is incomplete\n"+
		"sseinspect: stdin: warning: the input could not be read to its end: malformed timed capture: line 8: malformed time line \":sseinspect-t soon\"\n", stderr)

	capture = strings.Replace(recCapture, ":sseinspect-t 100.250", ":sseinspect-t soon", 1)
	stdout, stderr, code = recRun(t, []string{"summarize"}, strings.NewReader(capture), false, nil)
	assert.Equal(t, 2, code, "nothing to report before the bad line")
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "malformed time line")
}

func TestSummarizeLatency(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cap.sse")
	require.NoError(t, os.WriteFile(path, []byte(recCapture), 0o644))

	stdout, _, code := recRun(t, []string{"summarize", "--latency", path}, nil, false, nil)
	assert.Equal(t, 0, code)
	assert.Equal(t, "[OK] abc | m | openai | TTFB: 100ms\n      Total: 460ms | in:5 out:3\n      TTFT: 250ms | TPOT: 25ms | p99 gap: 50ms\n", stdout)

	// The content events arrive at 250 and 300 ms; 3 output tokens.
	stdout, _, code = recRun(t, []string{"summarize", "--json", "--stall", "40ms", path}, nil, false, nil)
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `"warnings":[],"latency":{"ttfb_ms":100.25,"ttf_event_ms":100.25,"ttft_ms":250,"ttf_output_ms":250,"total_ms":460.5,`+
		`"gaps_ms":{"p50":50,"p90":50,"p99":50,"max":50,"count":1},"stalls":1,"stall_threshold_ms":40,`+
		`"tpot_ms":25,"output_tokens_per_s":40,"tokens_source":"provider","provider":null,"itl_ms":null},`)

	// Without timing, n/a.
	stdout, _, _ = recRun(t, []string{"summarize", "--latency", "--no-timing", path}, nil, false, nil)
	assert.Equal(t, "[OK] abc | m | openai\n      Total: n/a | in:5 out:3\n      TTFT: n/a | TPOT: n/a | p99 gap: n/a\n", stdout)

	_, stderr, code := recRun(t, []string{"summarize", "--stall", "0s", path}, nil, false, nil)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `invalid argument "0s" for "--stall" flag: must be positive, got 0s`)
}

// TestCurlTraceInput: curl --trace-ascii --trace-time output is read as a
// timed input, detected automatically.
func TestCurlTraceInput(t *testing.T) {
	t.Parallel()
	const trace = "../capture/testdata/curl-trace-ascii-chunked.txt"
	stdout, stderr, code := recRun(t, []string{"summarize", "--latency", trace}, nil, false, nil)
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, "[OK] 01XYZabc | claude-sonnet-4-5 | anthropic | TTFB: 181ms\n      Total: 2921ms | in:12 out:9\n      TTFT: 411ms | TPOT: 310.2ms | p99 gap: 2435.1ms\n", stdout)
	stdout, _, _ = recRun(t, []string{"summarize", "--json", trace}, nil, false, nil)
	assert.Contains(t, stdout, `"warnings":["read from curl --trace-ascii output: `)

	stdout, _, code = recRun(t, []string{"summarize", "../capture/testdata/curl-trace-ascii-no-time.txt"}, nil, false, nil)
	assert.Equal(t, 0, code)
	assert.Equal(t, "[OK] 01XYZabc | claude-sonnet-4-5 | anthropic\n      Total: n/a | in:12 out:9\n", stdout)
}

// TestHARInput: a HAR file is read for its event-stream response, with its
// TTFB and total, and no per-event times.
func TestHARInput(t *testing.T) {
	t.Parallel()
	const har = "../capture/testdata/chrome.har"
	stdout, stderr, code := recRun(t, []string{"summarize", "--latency", har}, nil, false, nil)
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, "[OK] req_7f3a | gpt-4o | openai | TTFB: 493ms\n      Total: 1834ms | in:9 out:4\n      TTFT: n/a | TPOT: n/a | p99 gap: n/a\n", stdout)
	stdout, _, _ = recRun(t, []string{"summarize", "--json", har}, nil, false, nil)
	assert.Contains(t, stdout, `"status_code":200,`)
	assert.Contains(t, stdout, `"ttfb_ms":493,"ttft_ms":null,"total_ms":1834,"warnings":["read from a HAR file (entry 2 of 2: POST https://api.openai.com/v1/chat/completions): `)
	assert.Contains(t, stdout, `"latency":{"ttfb_ms":493.625,"ttf_event_ms":null,"ttft_ms":null,"ttf_output_ms":null,"total_ms":1834.263,"gaps_ms":null,"stalls":null,`)
	stdout, _, code = recRun(t, []string{"events", "--json", har}, nil, false, nil)
	assert.Equal(t, 0, code)
	assert.NotContains(t, stdout, "t_ms")
}

// TestRecordRefusesInputAsOutput: an output that is the file standard
// input reads (by any name) is refused before anything is truncated; other
// inputs and outputs, /dev/null included, are not.
func TestRecordRefusesInputAsOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.sse")
	require.NoError(t, os.WriteFile(path, []byte(recStream()), 0o600))
	link := filepath.Join(dir, "link.sse")
	require.NoError(t, os.Link(path, link))
	symlink := filepath.Join(dir, "symlink.sse")
	require.NoError(t, os.Symlink("x.sse", symlink))

	run := func(args []string, stdout func() io.Writer) (string, int) {
		in, err := os.Open(path)
		require.NoError(t, err)
		defer in.Close()
		var errb bytes.Buffer
		code := cmd.Run(args, cmd.Env{Stdin: in, Stdout: stdout(), Stderr: &errb, Now: recClock(1), Start: recordStart})
		return errb.String(), code
	}
	discard := func() io.Writer { return io.Discard }
	for _, out := range []string{path, link, symlink} {
		stderr, code := run([]string{"record", "-o", out}, discard)
		assert.Equal(t, 2, code, out)
		assert.Contains(t, stderr, "sseinspect: -o "+out+": it is standard input", out)
	}
	appendTo := func() io.Writer {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		require.NoError(t, err)
		t.Cleanup(func() { _ = f.Close() })
		return &boundedFile{File: f, n: 1 << 20}
	}
	stderr, code := run([]string{"record"}, appendTo)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "standard output is standard input")
	stderr, code = run([]string{"record", "-o", filepath.Join(dir, "other.sse")}, appendTo)
	assert.Equal(t, 2, code, "the stream passed through would feed itself")
	assert.Contains(t, stderr, "standard output is standard input")

	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, recStream(), string(got), "the input is untouched")

	stderr, code = run([]string{"record", "-o", filepath.Join(dir, "copy.sse")}, discard)
	assert.Equal(t, 0, code, stderr)

	null, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer null.Close()
	nullOut, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer nullOut.Close()
	code = cmd.Run([]string{"record"}, cmd.Env{Stdin: null, Stdout: nullOut, Stderr: io.Discard, Now: recClock(1), Start: recordStart})
	assert.Equal(t, 0, code, "/dev/null in and out is not one file being overwritten")
}

func TestRecordEmptyOutputName(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := recRun(t, []string{"record", "-o", ""}, recReader(), true, recClock(recTimes...))
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "sseinspect: -o: empty file name")

	stdout, _, code = recRun(t, []string{"record", "-o", "-"}, recReader(), true, recClock(recTimes...))
	assert.Equal(t, 0, code)
	assert.Equal(t, recCapture, stdout, "-o - is standard output")
}

// TestRecordLineCap: a line over --max-line-size ends the capture before
// it (cut short), the stream passes through whole, and record exits 2.
func TestRecordLineCap(t *testing.T) {
	t.Parallel()
	before := "data: {\"a\":1}\n\n"
	stream := before + "data: " + strings.Repeat("x", 5000) + "\n\n" + "data: [DONE]\n\n"
	var reads recChunks
	for i := 0; i < len(stream); i += 100 {
		reads = append(reads, stream[i:min(i+100, len(stream))])
	}
	path := filepath.Join(t.TempDir(), "cap.sse")
	stdout, stderr, code := recRun(t, []string{"record", "--max-line-size", "1000", "-o", path}, &reads, true, recClock(1))
	assert.Equal(t, 2, code)
	assert.Equal(t, stream, stdout, "the stream passes through whole")
	assert.Equal(t, "sseinspect: "+path+": line 3: line too long (over 1000 bytes): the capture ends before it\n", stderr)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	r, err := timing.NewReader(bytes.NewReader(got))
	require.NoError(t, err)
	back, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, before, string(back))
	assert.True(t, r.Truncated(), "the capture says it was cut short")

	// To standard output: the capture is all there is; it stops there.
	reads = recChunks{stream}
	stdout, stderr, code = recRun(t, []string{"record", "--max-line-size", "1000"}, &reads, true, recClock(1))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "line too long")
	back, err = stripTimed(stdout)
	require.NoError(t, err)
	assert.Equal(t, before, string(back))

	_, stderr, code = recRun(t, []string{"record", "--max-line-size", "0"}, strings.NewReader(""), true, nil)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--max-line-size: must be positive")
}

// boundedFile is a file that fails writes past n bytes: should the refusal
// regress, a recording that feeds itself stops instead of filling the disk.
type boundedFile struct {
	*os.File
	n int
}

func (f *boundedFile) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errors.New("boundedFile: limit reached")
	}
	f.n -= len(p)
	return f.File.Write(p)
}
