package cmd_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// conformanceEvent is an event as both the conformance suite and
// `events --json` write it.
type conformanceEvent struct {
	Event      string `json:"event"`
	Data       string `json:"data"`
	ID         string `json:"id"`
	Retry      *int64 `json:"retry"`
	Line       int    `json:"line"`
	Incomplete bool   `json:"incomplete"`
}

// TestConformanceThroughCLI runs every case of the SSE conformance suite
// (sse/testdata/conformance) through `sseinspect events --json`, with
// standard input read whole, one byte at a time and in half reads, and
// checks the events and the exit status (1 when the input ended inside an
// event).
func TestConformanceThroughCLI(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../sse/testdata/conformance/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			input, want := loadCase(t, file)
			wantCode := 0
			for _, e := range want {
				if e.Incomplete {
					wantCode = 1
				}
			}
			readers := map[string]func() io.Reader{
				"whole":    func() io.Reader { return bytes.NewReader(input) },
				"one_byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(input)) },
				"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(input)) },
			}
			for how, r := range readers {
				var out, errb bytes.Buffer
				code := cmd.Run([]string{"events", "--json"}, cmd.Env{Stdin: r(), Stdout: &out, Stderr: &errb})
				assert.Equal(t, wantCode, code, "%s: exit code; stderr: %s", how, errb.String())
				assert.Empty(t, errb.String(), how)
				var got []conformanceEvent
				sc := bufio.NewScanner(&out)
				sc.Buffer(nil, 8<<20)
				for sc.Scan() {
					var e conformanceEvent
					require.NoError(t, json.Unmarshal(sc.Bytes(), &e), how)
					got = append(got, e)
				}
				assert.Equal(t, want, got, how)
			}
		})
	}
}

// loadCase reads the input and events sections of a conformance case
// (input: one Go string literal per line; events: one JSON object per line).
func loadCase(tb testing.TB, file string) ([]byte, []conformanceEvent) {
	tb.Helper()
	raw, err := os.ReadFile(file)
	require.NoError(tb, err)
	var input []byte
	var events []conformanceEvent
	section := ""
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --") {
			section = strings.TrimSuffix(strings.TrimPrefix(line, "-- "), " --")
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		switch section {
		case "input":
			s, err := strconv.Unquote(line)
			require.NoError(tb, err, line)
			input = append(input, s...)
		case "events":
			var e struct {
				conformanceEvent
				Type *string `json:"type"`
			}
			require.NoError(tb, json.Unmarshal([]byte(line), &e), line)
			ev := e.conformanceEvent
			ev.Event = "message"
			if ev.Retry != nil && *ev.Retry < 0 {
				ev.Retry = nil // the suite writes -1 for "never set"
			}
			if e.Type != nil && *e.Type != "" {
				ev.Event = *e.Type
			}
			events = append(events, ev)
		}
	}
	return input, events
}

// TestStressThroughCLI: a 1 MiB line, 100,000 tiny events and a
// 10,000-line event, through `events --json`.
func TestStressThroughCLI(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		input      string
		events     int
		lastData   int // length of the last event's data
		lastLineNo int
	}{
		"one_mib_line":       {input: "data: " + strings.Repeat("x", 1<<20) + "\n\n", events: 1, lastData: 1 << 20, lastLineNo: 1},
		"100000_tiny_events": {input: strings.Repeat("data: a\n\n", 100000), events: 100000, lastData: 1, lastLineNo: 199999},
		"10000_line_event":   {input: strings.Repeat("data: ab\n", 10000) + "\n", events: 1, lastData: 10000*3 - 1, lastLineNo: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			code := cmd.Run([]string{"events", "--json"}, cmd.Env{Stdin: strings.NewReader(tc.input), Stdout: &out, Stderr: &errb})
			require.Equal(t, 0, code, errb.String())
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			require.Len(t, lines, tc.events)
			var last conformanceEvent
			require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &last))
			assert.Len(t, last.Data, tc.lastData)
			assert.Equal(t, tc.lastLineNo, last.Line)
		})
	}
}
