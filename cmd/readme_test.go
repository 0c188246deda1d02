package cmd_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// TestReadmeSampleOutputs runs the commands of the README's "Sample
// outputs" (in testdata/captures) and compares their output with what the
// README shows: `$ sseinspect ...` lines, optionally piped into `sed -n
// A,Bp`, and `$ echo $?` for the exit status of the command before.
func TestReadmeSampleOutputs(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, block, ok := strings.Cut(string(readme), "### Sample outputs\n\n```console\n")
	require.True(t, ok, "the README has a Sample outputs console block")
	block, _, ok = strings.Cut(block, "```\n")
	require.True(t, ok)

	type step struct{ command, want string }
	var steps []step
	for line := range strings.Lines(block) {
		if c, ok := strings.CutPrefix(line, "$ "); ok {
			steps = append(steps, step{command: strings.TrimSpace(c)})
			continue
		}
		require.NotEmpty(t, steps, "output before any command: %q", line)
		steps[len(steps)-1].want += line
	}
	require.GreaterOrEqual(t, len(steps), 5)

	lastCode := -1
	for _, st := range steps {
		want := strings.TrimRight(st.want, "\n") + "\n"
		if st.command == "echo $?" {
			assert.Equal(t, strings.TrimSpace(want), strconv.Itoa(lastCode), "exit status")
			continue
		}
		command, pipe, piped := strings.Cut(st.command, " | ")
		args := strings.Fields(command)
		require.Equal(t, "sseinspect", args[0], st.command)
		args = args[1:]
		for i, a := range args {
			if strings.HasSuffix(a, ".sse") {
				args[i] = filepath.Join("../testdata/captures", a)
			}
		}
		var stdout, stderr bytes.Buffer
		lastCode = cmd.Run(args, cmd.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
		// The samples run in testdata/captures: paths (the JSON
		// summary's source) are relative to it.
		got := strings.ReplaceAll(stdout.String(), "../testdata/captures/", "")
		if piped {
			var from, to int
			_, err := fmt.Sscanf(pipe, "sed -n %d,%dp", &from, &to)
			require.NoError(t, err, "unknown pipe %q", pipe)
			lines := strings.SplitAfter(got, "\n") // as sed: lines past the end are none
			from, to = min(max(from, 1), len(lines)+1), min(to, len(lines))
			got = strings.Join(lines[from-1:max(to, from-1)], "")
		}
		assert.Equal(t, want, got, "$ %s", st.command)
	}
}
