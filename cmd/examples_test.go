package cmd_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// background is the expected "exit code" of an example line that ends with
// "&": it runs until the script ends.
const background = -1

// exampleCodes is the exit code each line of a command's Example must
// have, by the line as --help shows it (without its indentation). A new
// example needs its entry here.
var exampleCodes = map[string]int{
	// sseinspect
	"sseinspect summarize capture.sse":                                     0,
	"curl -N https://api.example.com/v1/chat/completions ... | sseinspect": 0,
	"sseinspect capture.sse":                                               0,
	"sseinspect summarize --json testdata/captures/*/*.sse":                1, // failed and cut-off streams among them
	// summarize
	"sseinspect summarize --json a.sse b.sse":                                       0,
	"sseinspect summarize -r testdata/captures":                                     1,
	"sseinspect summarize --json --golden capture.golden.json capture.sse":          0,
	"curl -N ... | sseinspect summarize":                                            0,
	"sseinspect summarize --latency cap.sse         # a timed capture (see record)": 0,
	// body, events, text
	"sseinspect body capture.sse | jq .metadata":                           0,
	"sseinspect events --json capture.sse | jq -r .event | sort | uniq -c": 1, // the capture ends inside its last event (no blank line after it)
	"sseinspect text capture.sse":                                          0,
	"sseinspect text --thinking capture.sse":                               0,
	// check
	"sseinspect check --complete --no-error --min-output-tokens 1 capture.sse":                     0,
	"sseinspect check --expect-format anthropic --model '^claude-' --tool get_weather capture.sse": 0,
	"sseinspect check --no-error --max-ttfb 2s --max-total 30s cap.sse   # a timed capture":        0,
	"sseinspect check -r --complete --no-error testdata/captures":                                  1,
	// golden
	"sseinspect golden -r testdata/captures":          0,
	"sseinspect golden -r --update testdata/captures": 0,
	// diff
	"sseinspect diff upstream.sse gateway.sse":     1, // the gateway cut the stream short
	"curl -N ... | sseinspect diff expected.sse -": 0,
	// record and replay
	// report
	"sseinspect report capture.sse -o report.html":                                                                  0,
	"sseinspect report -r testdata/captures -o corpus.html":                                                         1, // failed and cut-off streams among them
	"curl -N ... | sseinspect report -o live.html":                                                                  0,
	"curl -N https://api.example.com/v1/chat/completions ... | sseinspect record -o cap.sse | sseinspect summarize": 0,
	"sseinspect summarize cap.sse      # the TTFB and total measured while recording":                               0,
	"sseinspect replay cap.sse         # the stream again, with its timing":                                         0,
	"curl -N https://api.example.com/v1/chat/completions ... | sseinspect record -o cap.sse":                        0,
	"sseinspect replay cap.sse | sseinspect summarize":                                                              0,
	"sseinspect replay --speed max cap.sse > original.sse":                                                          0,
	"sseinspect replay --listen 127.0.0.1:8081 cap.sse &":                                                           background,
	"curl -N http://127.0.0.1:8081/v1/chat/completions":                                                             0,
	// proxy
	"sseinspect proxy --listen 127.0.0.1:8080 --upstream http://127.0.0.1:8081 &": background,
	"curl -N http://127.0.0.1:8080/v1/chat/completions":                           0,
}

// exampleFiles are the files the examples name, made from the repository's
// captures; testdata/captures is copied whole. The stand-in for curl (see
// exampleCurl) sends upstream.sse.
var exampleFiles = map[string]string{
	"capture.sse":         "anthropic/tool-use-input-json-delta.sse",
	"capture.golden.json": "anthropic/tool-use-input-json-delta.golden.json",
	"a.sse":               "openai/chat-tool-call-incremental-arguments.sse",
	"b.sse":               "gemini/thoughts.sse",
	"upstream.sse":        "openai/chat-text-include-usage.sse",
	"expected.sse":        "openai/chat-text-include-usage.sse",
}

// TestHelpExamples runs every line of every command's --help examples in
// bash, as a user would type them, in a directory that holds the files they
// name, with sseinspect on $PATH, and checks each line's exit status
// (pipefail: the first failing command of a pipeline counts). curl is a
// stand-in that sends a capture, or, for a local address, fetches it (the
// replay --listen example). The lines of one command run in order in one
// shell, so that a file recorded by one line is read by the next.
func TestHelpExamples(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	_, err := exec.LookPath("jq")
	haveJQ := err == nil
	captures, err := filepath.Abs("../testdata/captures")
	require.NoError(t, err)

	seen := map[string]bool{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Example != "" {
			lines := exampleLines(c.Example)
			for _, l := range lines {
				seen[l] = true
			}
			t.Run(c.CommandPath(), func(t *testing.T) {
				t.Parallel()
				if !haveJQ && strings.Contains(c.Example, "| jq ") {
					t.Skip("jq is not installed")
				}
				runExamples(t, captures, lines)
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(cmd.NewRootCommand(cmd.Env{}))
	for l := range exampleCodes {
		assert.True(t, seen[l], "exampleCodes has a line that no command shows: %q", l)
	}
}

// exampleLines splits an Example into its lines, without indentation.
func exampleLines(example string) []string {
	var lines []string
	for l := range strings.Lines(example) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

func runExamples(t *testing.T, captures string, lines []string) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(filepath.Join(dir, "testdata", "captures"), os.DirFS(captures)))
	for name, src := range exampleFiles {
		b, err := os.ReadFile(filepath.Join(captures, src))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
	}
	writeExampleDerivedFiles(t, dir)

	// The replay --listen and proxy examples' ports, made free for this
	// run.
	port, proxyPort := freePort(t), freePort(t)
	var script strings.Builder
	script.WriteString("set -o pipefail\ncurl() { sseinspect-example-curl \"$@\"; }\n")
	var want []string
	for _, l := range lines {
		code, ok := exampleCodes[l]
		if !assert.True(t, ok, "example %q has no expected exit code in exampleCodes", l) {
			continue
		}
		run := strings.ReplaceAll(l, "127.0.0.1:8081", "127.0.0.1:"+port)
		run = strings.ReplaceAll(run, "127.0.0.1:8080", "127.0.0.1:"+proxyPort)
		if code == background {
			fmt.Fprintf(&script, "%s\necho bg >> .codes\n", run)
		} else {
			fmt.Fprintf(&script, "%s\necho \"$?\" >> .codes\n", run)
		}
		want = append(want, l)
	}
	script.WriteString("kill $(jobs -p) 2>/dev/null\nwait\nexit 0\n")

	c := exec.Command("bash", "-c", script.String())
	c.Dir = dir
	c.Env = append(os.Environ(), "SSEINSPECT_EXAMPLE_CURL="+filepath.Join(dir, "upstream.sse"), "NO_COLOR=1")
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	require.NoError(t, c.Run(), out.String())
	codes, err := os.ReadFile(filepath.Join(dir, ".codes"))
	require.NoError(t, err, out.String())
	got := strings.Fields(string(codes))
	require.Len(t, got, len(want), out.String())
	for i, l := range want {
		wantCode := strconv.Itoa(exampleCodes[l])
		if exampleCodes[l] == background {
			wantCode = "bg"
		}
		assert.Equal(t, wantCode, got[i], "exit status of %q; the examples' output:\n%s", l, out.String())
	}
}

// writeExampleDerivedFiles writes the files that the examples name and that
// are not captures as they are: cap.sse, a timed capture (as record writes
// it) of upstream.sse, and gateway.sse, upstream.sse cut off before its
// end.
func writeExampleDerivedFiles(t *testing.T, dir string) {
	t.Helper()
	up, err := os.ReadFile(filepath.Join(dir, "upstream.sse"))
	require.NoError(t, err)
	timed := ":sseinspect-timed v1 start=2026-03-04T05:06:07.123456789Z\n:sseinspect-t 180.250\n" + string(up) + ":sseinspect-end 2920.000\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cap.sse"), []byte(timed), 0o644))
	events := strings.SplitAfter(string(up), "\n\n")
	require.Greater(t, len(events), 3)
	cut := strings.Join(events[:len(events)/2], "")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gateway.sse"), []byte(cut), 0o644))
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	_, port, err := net.SplitHostPort(l.Addr().String())
	require.NoError(t, err)
	require.NoError(t, l.Close())
	return port
}

// exampleCurl stands in for curl in TestHelpExamples: with an
// http://127.0.0.1 URL among its arguments it prints that URL's body,
// waiting for the server to listen; else it prints the file named by
// $SSEINSPECT_EXAMPLE_CURL. It returns curl's exit status.
func exampleCurl() int {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "http://127.0.0.1:") {
			return fetchLocal(a)
		}
	}
	f, err := os.Open(os.Getenv("SSEINSPECT_EXAMPLE_CURL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "curl:", err)
		return 2
	}
	defer f.Close()
	if _, err := io.Copy(os.Stdout, f); err != nil {
		fmt.Fprintln(os.Stderr, "curl:", err)
		return 23
	}
	return 0
}

// fetchLocal fetches url, retrying while the connection is refused (the
// server, started in the background, may not listen yet), 20 s at most.
func fetchLocal(url string) int {
	client := &http.Client{Timeout: 20 * time.Second}
	var err error
	for range 200 {
		var resp *http.Response
		resp, err = client.Get(url)
		if err == nil {
			defer resp.Body.Close()
			if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
				fmt.Fprintln(os.Stderr, "curl:", err)
				return 18
			}
			return 0
		}
		var opErr *net.OpError
		if !errors.As(err, &opErr) || opErr.Op != "dial" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "curl:", err)
	return 7
}
