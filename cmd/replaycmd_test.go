package cmd_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
	"github.com/sseinspect/sseinspect/internal/gatedclock"
)

// lineSink is a writer safe for concurrent use that hands out the lines
// written to it.
type lineSink struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func (s *lineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	for {
		line, err := s.buf.ReadString('\n')
		if err != nil {
			s.buf.WriteString(line)
			return len(p), nil
		}
		select {
		case s.lines <- line:
		default: // a test reads the lines it waits for; the others are dropped
		}
	}
}

const servedOriginal = "data: a\n\ndata: b\n\ndata: [DONE]\n\n"

const servedCapture = ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n" +
	":sseinspect-t 0.000\ndata: a\n\n" +
	":sseinspect-t 150.000\ndata: b\n\n" +
	":sseinspect-t 160.000\ndata: [DONE]\n\n" +
	":sseinspect-end 170.000\n"

// TestReplayListen serves a timed capture over real HTTP on 127.0.0.1:0,
// on a clock the test moves: each request gets the whole stream anew, as
// text/event-stream, the first event before the wait for the second, the
// waits as recorded; the server stops cleanly when its context is
// cancelled.
func TestReplayListen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cap.sse")
	require.NoError(t, os.WriteFile(path, []byte(servedCapture), 0o644))
	clock := gatedclock.New()
	url, stop := serveReplay(t, path, clock)

	resp, err := http.Get(url + "v1/chat/completions")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	br := bufio.NewReader(resp.Body)
	first, err := br.ReadString('\n')
	require.NoError(t, err, "the first event is flushed before the wait for the second")
	assert.Equal(t, "data: a\n", first)
	assert.Equal(t, []time.Duration{150 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}, clock.Allow(3), "the stream lasts as recorded")
	rest, err := io.ReadAll(br)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, servedOriginal, first+string(rest))

	// Each request anew.
	go clock.Allow(3)
	resp, err = http.Post(url, "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, servedOriginal, string(body))

	assert.Equal(t, 0, stop())
}

// TestReplayListenRecordedStatus: a capture recorded with curl -i is
// served with its recorded status and headers (not the framing ones).
func TestReplayListenRecordedStatus(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cap.sse")
	capture := ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n" +
		":sseinspect-t 20.000\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\r\n" +
		"Content-Type: application/json\r\nRetry-After: 7\r\nContent-Length: 999\r\n\r\n" +
		":sseinspect-t 30.000\n{\"error\":{\"type\":\"rate_limit_error\"}}\n" +
		":sseinspect-end 31.000\n"
	require.NoError(t, os.WriteFile(path, []byte(capture), 0o644))
	clock := gatedclock.New()
	url, stop := serveReplay(t, path, clock)
	go clock.Allow(3)
	resp, err := http.Get(url)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, "7", resp.Header.Get("Retry-After"))
	assert.JSONEq(t, `{"error":{"type":"rate_limit_error"}}`, string(body))
	assert.True(t, strings.HasSuffix(string(body), "}\n"), "the body, as recorded")
	assert.Equal(t, 0, stop())
}

// serveReplay starts replay --listen on 127.0.0.1:0 in-process, on clock,
// and returns its URL and a function that stops it and returns its exit
// code.
func serveReplay(t *testing.T, path string, clock *gatedclock.Clock) (string, func() int) {
	t.Helper()
	url, stop, _ := serveReplayLog(t, path, clock)
	return url, stop
}

// serveReplayLog is serveReplay, also returning the lines replay writes on
// stderr after the first.
func serveReplayLog(t *testing.T, path string, clock *gatedclock.Clock) (string, func() int, <-chan string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	stderr := &lineSink{lines: make(chan string, 10)}
	done := make(chan int, 1)
	go func() {
		done <- cmd.Run([]string{"replay", "--listen", "127.0.0.1:0", path}, cmd.Env{
			Stdout: io.Discard, Stderr: stderr, Now: clock.Now, Wait: clock.Wait, Start: clock.Now(), Context: ctx,
		})
	}()
	var line string
	select {
	case line = <-stderr.lines:
	case code := <-done:
		t.Fatalf("replay exited with %d", code)
	}
	_, url, ok := strings.Cut(strings.TrimSpace(line), " on ")
	require.True(t, ok, line)
	url, _, _ = strings.Cut(url, " ")
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), line)
	return url, func() int {
		cancel()
		return <-done
	}, stderr.lines
}

// TestReplayListenChecksAndLogs: the capture is checked before listening
// (a directory, a malformed timed capture: exit 2, nothing served); each
// request is logged on stderr, one line, when it ends.
func TestReplayListenChecksAndLogs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	malformed := filepath.Join(dir, "bad.sse")
	require.NoError(t, os.WriteFile(malformed, []byte(":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n:sseinspect-t 0.000\ndata: a\n\n:sseinspect-t x\ndata: b\n\n"), 0o644))
	for name, c := range map[string]struct{ path, stderr string }{
		"directory": {dir, "sseinspect: " + dir + ": is a directory, not a capture file\n"},
		"malformed": {malformed, "sseinspect: " + malformed + `: malformed timed capture: line 5: malformed time line ":sseinspect-t x"` + "\n"},
		"missing":   {filepath.Join(dir, "gone.sse"), "no such file or directory"},
	} {
		stdout, stderr, code := recRun(t, []string{"replay", "--listen", "127.0.0.1:0", c.path}, nil, false, nil)
		assert.Equal(t, 2, code, name)
		assert.Empty(t, stdout, name)
		assert.Contains(t, stderr, c.stderr, name)
		assert.NotContains(t, stderr, "serving", name)
	}
	_, stderr, code := recRun(t, []string{"replay", dir}, nil, false, nil)
	assert.Equal(t, 2, code)
	assert.Equal(t, "sseinspect: "+dir+": is a directory, not a capture file\n", stderr)

	path := filepath.Join(dir, "cap.sse")
	require.NoError(t, os.WriteFile(path, []byte(servedCapture), 0o644))
	clock := gatedclock.New()
	url, stop, lines := serveReplayLog(t, path, clock)
	go clock.Allow(3)
	resp, err := http.Get(url + "v1/chat/completions")
	require.NoError(t, err)
	_, err = io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Regexp(t, `^sseinspect: GET /v1/chat/completions 200 32 bytes \S+ ok\n$`, <-lines)
	assert.Equal(t, 0, stop())
}

func TestReplayToStdout(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cap.sse")
	require.NoError(t, os.WriteFile(path, []byte(servedCapture), 0o644))
	stdout, stderr, code := recRun(t, []string{"replay", "--speed", "max", path}, nil, false, nil)
	assert.Equal(t, 0, code, stderr)
	assert.Equal(t, servedOriginal, stdout)

	plain := filepath.Join(t.TempDir(), "plain.sse")
	require.NoError(t, os.WriteFile(plain, []byte(servedOriginal), 0o644))
	stdout, stderr, code = recRun(t, []string{"replay", plain}, nil, false, nil)
	assert.Equal(t, 0, code)
	assert.Equal(t, servedOriginal, stdout)
	assert.Equal(t, "sseinspect: "+plain+": not a timed capture (see sseinspect record): written at once\n", stderr)

	_, stderr, code = recRun(t, []string{"replay", "--speed", "0", path}, nil, false, nil)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `--speed: want a number above 0 and at most 1000000, or max (no waiting), got "0"`)
	_, _, code = recRun(t, []string{"replay"}, nil, false, nil)
	assert.Equal(t, 2, code)
	_, stderr, code = recRun(t, []string{"replay", filepath.Join(t.TempDir(), "missing.sse")}, nil, false, nil)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "no such file or directory")
}

// liveLatency is the latency of a summary, as summarize --json prints it.
type liveLatency struct {
	TTFB  *float64 `json:"ttfb_ms"`
	TTFT  *float64 `json:"ttft_ms"`
	Total *float64 `json:"total_ms"`
}

// checkLiveLatency checks that a summary of live input has its timings,
// in order: first byte, first content, end.
func checkLiveLatency(t *testing.T, summary string) {
	t.Helper()
	var s struct {
		Latency liveLatency `json:"latency"`
	}
	require.NoError(t, json.Unmarshal([]byte(summary), &s), summary)
	l := s.Latency
	require.NotNil(t, l.TTFB, summary)
	require.NotNil(t, l.TTFT, summary)
	require.NotNil(t, l.Total, summary)
	assert.GreaterOrEqual(t, *l.TTFT, *l.TTFB, summary)
	assert.GreaterOrEqual(t, *l.Total, *l.TTFT, summary)
}

// TestLivePipeTiming: a stream written in two parts into a real pipe goes
// through record on a scripted clock (each reading 50ms after the last);
// the timed capture keeps the arrival of its reads, which summarize reads
// back in order, as it does from the pipe itself.
func TestLivePipeTiming(t *testing.T) {
	t.Parallel()
	stream := `data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}` + "\n\n" +
		`data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}` + "\n\n" +
		"data: [DONE]\n\n"
	pipe := func() *os.File {
		pr, pw, err := os.Pipe()
		require.NoError(t, err)
		t.Cleanup(func() { pr.Close() })
		go func() {
			defer pw.Close()
			_, _ = pw.WriteString(stream[:10])
			_, _ = pw.WriteString(stream[10:])
		}()
		return pr
	}
	ticking := func() func() time.Time {
		now := recordStart
		return func() time.Time { now = now.Add(50 * time.Millisecond); return now }
	}
	path := filepath.Join(t.TempDir(), "cap.sse")
	var out, errb bytes.Buffer
	code := cmd.Run([]string{"record", "-o", path}, cmd.Env{
		Stdin: pipe(), Stdout: &out, Stderr: &errb, StdinIsLive: true, Now: ticking(), Start: recordStart,
	})
	require.Equal(t, 0, code, errb.String())
	assert.Equal(t, stream, out.String())

	never := func() time.Time { panic("a timed capture is timed by its recorded times") }
	stdout, stderr, code := recRun(t, []string{"summarize", "--json", path}, nil, false, never)
	require.Equal(t, 0, code, stderr)
	checkLiveLatency(t, stdout)

	stdout, stderr, code = recRun(t, []string{"summarize", "--json"}, pipe(), true, ticking())
	require.Equal(t, 0, code, stderr)
	checkLiveLatency(t, stdout)
}

// TestBinaryLivePipe: the sseinspect binary (the test binary, as testscript
// installs it in $PATH) times what it reads from a real pipe: the timings
// are there, in order, and the summary's TTFB is the latency's.
func TestBinaryLivePipe(t *testing.T) {
	t.Parallel()
	c := exec.Command("sseinspect", "summarize", "--json")
	stdin, err := c.StdinPipe()
	require.NoError(t, err)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	require.NoError(t, c.Start())
	_, err = io.WriteString(stdin, `data: {"id":"chatcmpl-abc","model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}`+"\n\ndata: [DONE]\n\n")
	require.NoError(t, err)
	require.NoError(t, stdin.Close())
	require.NoError(t, c.Wait(), errb.String())
	checkLiveLatency(t, out.String())
	var s struct {
		TTFB    *int64      `json:"ttfb_ms"`
		Latency liveLatency `json:"latency"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &s), out.String())
	require.NotNil(t, s.TTFB, out.String())
	assert.InDelta(t, float64(*s.TTFB), *s.Latency.TTFB, 1)
}

// TestReplaySignal: a signal while replay waits for the next part ends it
// with 128+signal; replay --listen stops serving and exits 0, as its help
// says.
func TestReplaySignal(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cap.sse")
	require.NoError(t, os.WriteFile(path, []byte(servedCapture), 0o644))
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"replay", path}, 143},
		{[]string{"replay", "--listen", "127.0.0.1:0", path}, 0},
	} {
		clock := gatedclock.New()
		sigs := make(chan os.Signal, 1)
		stderr := &lineSink{lines: make(chan string, 10)}
		var stdout bytes.Buffer
		done := make(chan int, 1)
		go func() {
			done <- cmd.Run(c.args, cmd.Env{
				Stdout: &stdout, Stderr: stderr, Now: clock.Now, Wait: clock.Wait, Start: clock.Now(),
				Signals: func() (<-chan os.Signal, func()) { return sigs, func() {} },
			})
		}()
		if c.code == 0 {
			line := <-stderr.lines // serving ... on URL
			_, url, _ := strings.Cut(strings.TrimSpace(line), " on ")
			url, _, _ = strings.Cut(url, " ")
			resp, err := http.Get(url)
			require.NoError(t, err)
			defer resp.Body.Close()
		}
		<-clock.Waits() // waiting for the second event
		sigs <- syscall.SIGTERM
		assert.Equal(t, c.code, <-done, c.args)
	}
}
