package cmd_test

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeConsoleBlocks runs the commands of the README's console blocks
// other than "Sample outputs" (TestReadmeSampleOutputs runs those, whose
// paths are relative to testdata/captures) in bash, from the repository's
// root as the README says, with sseinspect on $PATH, and compares their
// standard output with what the README shows. `$ echo $?` shows the exit
// status of the command before.
func TestReadmeConsoleBlocks(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "### Sample outputs\n\n```console\n")
	require.True(t, ok)
	_, rest, ok = strings.Cut(rest, "```\n") // skip the sample outputs
	require.True(t, ok)

	type step struct{ command, want string }
	var steps []step
	blocks := strings.Split(rest, "```console\n")[1:]
	require.NotEmpty(t, blocks, "the README has console blocks after its sample outputs")
	for _, block := range blocks {
		block, _, ok := strings.Cut(block, "```\n")
		require.True(t, ok, "an unterminated console block")
		for line := range strings.Lines(block) {
			if c, ok := strings.CutPrefix(line, "$ "); ok {
				steps = append(steps, step{command: strings.TrimSpace(c)})
				continue
			}
			require.NotEmpty(t, steps, "output before any command: %q", line)
			steps[len(steps)-1].want += line
		}
	}

	lastCode := -1
	for _, st := range steps {
		if st.command == "echo $?" {
			assert.Equal(t, strings.TrimSpace(st.want), strconv.Itoa(lastCode), "exit status")
			continue
		}
		require.True(t, strings.HasPrefix(st.command, "sseinspect "), "a README command runs sseinspect: %s", st.command)
		c := exec.Command("bash", "-c", st.command)
		c.Dir = ".."
		c.Env = append(os.Environ(), "NO_COLOR=1")
		var stdout, stderr bytes.Buffer
		c.Stdout, c.Stderr = &stdout, &stderr
		err := c.Run()
		lastCode = c.ProcessState.ExitCode()
		require.True(t, err == nil || lastCode > 0, "$ %s: %v", st.command, err)
		assert.Equal(t, st.want, stdout.String(), "$ %s\nstderr: %s", st.command, stderr.String())
	}
}
