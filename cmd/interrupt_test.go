package cmd_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// stallingStdin is a live pipe that brings its chunks, one per read, and
// then stalls: the read after the last chunk closes stalled and blocks
// until release is closed. Reads are made one at a time, on demand, so
// when stalled is closed every chunk has been handed over and processed.
type stallingStdin struct {
	chunks  []string
	stalled chan struct{}
	release chan struct{}
}

func newStallingStdin(chunks ...string) *stallingStdin {
	return &stallingStdin{chunks: chunks, stalled: make(chan struct{}), release: make(chan struct{})}
}

func (s *stallingStdin) Read(p []byte) (int, error) {
	if len(s.chunks) == 0 {
		close(s.stalled)
		<-s.release
		return 0, io.EOF
	}
	n := copy(p, s.chunks[0])
	s.chunks[0] = s.chunks[0][n:]
	if s.chunks[0] == "" {
		s.chunks = s.chunks[1:]
	}
	return n, nil
}

// interruptRun runs args on stdin, sends sig once stdin stalls, and
// returns what the run wrote and its exit code. The signal is delivered
// as Main's would be: on the channel of Env.Signals.
func interruptRun(t *testing.T, args []string, stdin *stallingStdin, sig os.Signal) (stdout, stderr string, code int) {
	t.Helper()
	defer close(stdin.release)
	sigs := make(chan os.Signal, 1)
	stopped := make(chan struct{})
	var out, errb bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	env := cmd.Env{
		Stdin: stdin, Stdout: &out, Stderr: &errb, StdinIsLive: true,
		Now: func() time.Time {
			clock = clock.Add(10 * time.Millisecond)
			return clock
		},
		Start:   clock,
		Signals: func() (<-chan os.Signal, func()) { return sigs, func() { close(stopped) } },
	}
	done := make(chan int, 1)
	go func() { done <- cmd.Run(args, env) }()
	select {
	case <-stdin.stalled:
		sigs <- sig
	case code = <-done:
		t.Fatalf("the run ended (exit %d) before stdin stalled: %s", code, errb.String())
	}
	code = <-done
	select {
	case <-stopped:
	default:
		t.Error("the signals were not let go")
	}
	return out.String(), errb.String(), code
}

const interruptedChat = `data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hel"}}]}

data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"lo"}}]}

`

// TestSignalWhileReadingAStalledPipe: SIGINT or SIGTERM while a command
// reads a live pipe that has stalled ends the reading at once; what
// arrived is reported (marked interrupted) and the exit status is
// 128+signal, except for check, which cannot decide (2).
func TestSignalWhileReadingAStalledPipe(t *testing.T) {
	t.Parallel()
	partial := `data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choi`
	cases := []struct {
		name      string
		args      []string
		chunks    []string
		sig       os.Signal
		code      int
		stdout    []string // each in stdout
		stderr    []string // each in stderr
		notStdout string
	}{
		{name: "summarize SIGINT", args: []string{"summarize"}, chunks: []string{interruptedChat}, sig: os.Interrupt, code: 130,
			stdout: []string{"[FAIL] c1 | gpt-4o | openai"},
			stderr: []string{"stdin: warning: line 5: interrupted by SIGINT while reading: only what arrived before is reported"}},
		{name: "summarize SIGTERM", args: []string{"summarize"}, chunks: []string{interruptedChat}, sig: syscall.SIGTERM, code: 143,
			stdout: []string{"[FAIL] c1 | gpt-4o"}, stderr: []string{"interrupted by SIGTERM"}},
		{name: "default command", args: nil, chunks: []string{interruptedChat}, sig: os.Interrupt, code: 130,
			stdout: []string{"[FAIL] c1 | gpt-4o"}, stderr: []string{"interrupted by SIGINT"}},
		{name: "summarize --json", args: []string{"summarize", "--json"}, chunks: []string{interruptedChat}, sig: os.Interrupt, code: 130,
			stdout: []string{`"warnings":[`, `interrupted by SIGINT while reading`, `"complete":false`},
			stderr: []string{"sseinspect: stdin: line 5: interrupted by SIGINT (what was read before is reported)"}},
		{name: "text", args: []string{"text"}, chunks: []string{interruptedChat}, sig: os.Interrupt, code: 130,
			stdout: []string{"Hello\n"}, stderr: []string{"interrupted by SIGINT"}},
		{name: "events", args: []string{"events"}, chunks: []string{interruptedChat}, sig: os.Interrupt, code: 130,
			stdout: []string{`"content":"lo"`}, stderr: []string{"interrupted by SIGINT"}},
		{name: "body", args: []string{"body"}, chunks: []string{interruptedChat}, sig: syscall.SIGTERM, code: 143,
			stdout: []string{`"content":"lo"`}, stderr: []string{"interrupted by SIGTERM"}},
		{name: "a partial line held", args: []string{"summarize"}, chunks: []string{interruptedChat, partial}, sig: os.Interrupt, code: 130,
			stdout: []string{"[FAIL] c1 | gpt-4o"}, stderr: []string{"interrupted by SIGINT"}},
		{name: "check cannot decide", args: []string{"check", "--complete"}, chunks: []string{interruptedChat}, sig: os.Interrupt, code: 2,
			stdout: []string{"[FAIL] c1 | gpt-4o"}, notStdout: "PASS",
			stderr: []string{"sseinspect: stdin: line 5: interrupted by SIGINT: the assertions are not decided on part of a stream"}},
		{name: "check of what would pass", args: []string{"check", "--min-output-tokens", "0"}, chunks: []string{interruptedChat}, sig: os.Interrupt, code: 2,
			notStdout: "PASS", stderr: []string{"not decided"}},
		{name: "nothing arrived", args: []string{"summarize"}, sig: os.Interrupt, code: 130,
			stderr: []string{"sseinspect: stdin: interrupted by SIGINT\n"}},
		{name: "check, nothing arrived", args: []string{"check", "--complete"}, sig: syscall.SIGTERM, code: 2,
			stderr: []string{"interrupted by SIGTERM: the assertions are not decided"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := interruptRun(t, tc.args, newStallingStdin(tc.chunks...), tc.sig)
			assert.Equal(t, tc.code, code, stderr)
			for _, s := range tc.stdout {
				assert.Contains(t, stdout, s)
			}
			for _, s := range tc.stderr {
				assert.Contains(t, stderr, s)
			}
			if tc.notStdout != "" {
				assert.NotContains(t, stdout, tc.notStdout)
			}
		})
	}
}

// TestSignalSkipsTheInputsAfter: the inputs after the interrupted one are
// not read, and said so once.
func TestSignalSkipsTheInputsAfter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a.sse")
	require.NoError(t, os.WriteFile(file, []byte(chatCapture("a", 1, 1, "stop")), 0o600))
	_, stderr, code := interruptRun(t, []string{"check", "--complete", "-", file, file}, newStallingStdin(interruptedChat), os.Interrupt)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "sseinspect: interrupted: 2 more inputs were not read\n")
	assert.NotContains(t, stderr, "a.sse")
}

// TestSignalWhileRecording: record writes what it holds (the partial
// last line, already passed through) and the end line, then exits with
// 128+signal; the capture reads back as the stream that arrived.
func TestSignalWhileRecording(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		sig  os.Signal
		code int
	}{{"SIGINT", os.Interrupt, 130}, {"SIGTERM", syscall.SIGTERM, 143}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			arrived := interruptedChat + `data: {"id":"c1","obj`
			stdout, stderr, code := interruptRun(t, []string{"record"}, newStallingStdin(interruptedChat, `data: {"id":"c1","obj`), tc.sig)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr, "stdin: interrupted by "+tc.name+" (what arrived is recorded: the capture ends there)")
			assert.Contains(t, stdout, " noeol\n"+`data: {"id":"c1","obj`+"\n")
			assert.Regexp(t, `\n:sseinspect-end [0-9.]+\n$`, stdout)
			orig, err := stripTimed(stdout)
			require.NoError(t, err)
			assert.Equal(t, arrived, string(orig))

			dir := t.TempDir()
			capture := filepath.Join(dir, "cap.sse")
			passed, stderr, code := interruptRun(t, []string{"record", "-o", capture}, newStallingStdin(interruptedChat, `data: {"id":"c1","obj`), tc.sig)
			assert.Equal(t, tc.code, code, stderr)
			assert.Equal(t, arrived, passed, "passed through as it arrived")
			got, err := os.ReadFile(capture)
			require.NoError(t, err)
			orig, err = stripTimed(string(got))
			require.NoError(t, err)
			assert.Equal(t, arrived, string(orig))
			assert.Contains(t, string(got), ":sseinspect-end ")

			// The capture is complete as a recording: summarize does not
			// call it cut short.
			var out, errb bytes.Buffer
			code = cmd.Run([]string{"summarize", "--json", capture}, cmd.Env{Stdout: &out, Stderr: &errb})
			assert.Equal(t, 1, code, "the stream itself was cut")
			var s struct{ Warnings []string }
			require.NoError(t, json.Unmarshal(out.Bytes(), &s))
			assert.NotContains(t, strings.Join(s.Warnings, "\n"), "no end line")
		})
	}
}

// TestSignalComparisonsAreUndecided: diff and summarize --golden of an
// interrupted pipe decide nothing: exit 2, as check.
func TestSignalComparisonsAreUndecided(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a.sse")
	require.NoError(t, os.WriteFile(file, []byte(chatCapture("a", 1, 1, "stop")), 0o600))
	golden := filepath.Join(dir, "a.golden.json")
	for name, args := range map[string][]string{
		"diff":   {"diff", "-", file},
		"golden": {"summarize", "--golden", golden, "--update", "-"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := interruptRun(t, args, newStallingStdin(interruptedChat), os.Interrupt)
			assert.Equal(t, 2, code, stderr)
			assert.Contains(t, stderr, "interrupted by SIGINT")
			assert.Empty(t, stdout)
			assert.NoFileExists(t, golden, "part of a stream never becomes a golden file")
		})
	}
}

// TestSignalWhileRecordingProcess: a real sseinspect process, a real
// SIGINT. The test waits until the partial line has been passed through
// (record has read it), not for a time.
func TestSignalWhileRecordingProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	t.Parallel()
	exe, err := os.Executable()
	require.NoError(t, err)
	dir := t.TempDir()
	bin := filepath.Join(dir, "sseinspect") // TestMain runs cmd.Main under this name
	require.NoError(t, os.Symlink(exe, bin))
	capture := filepath.Join(dir, "cap.sse")

	p := exec.Command(bin, "record", "-o", capture)
	stdin, err := p.StdinPipe()
	require.NoError(t, err)
	stdout, err := p.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	p.Stderr = &stderr
	require.NoError(t, p.Start())
	defer stdin.Close()

	arrived := interruptedChat + `data: {"id":"c1","obj`
	_, err = io.WriteString(stdin, arrived)
	require.NoError(t, err)
	passed := make([]byte, len(arrived))
	_, err = io.ReadFull(stdout, passed)
	require.NoError(t, err)
	require.Equal(t, arrived, string(passed))

	require.NoError(t, p.Process.Signal(os.Interrupt))
	err = p.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, stderr.String())
	assert.Equal(t, 130, ee.ExitCode(), stderr.String())
	assert.Contains(t, stderr.String(), "stdin: interrupted by SIGINT")
	got, err := os.ReadFile(capture)
	require.NoError(t, err)
	orig, err := stripTimed(string(got))
	require.NoError(t, err)
	assert.Equal(t, arrived, string(orig))
	assert.Contains(t, string(got), ":sseinspect-end ")
}
