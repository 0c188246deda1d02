package cmd_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// TestLittleRunsBeforeMain: sseinspect's own packages do little work when
// the process starts (issue 16: start-up counts for CI runs over thousands
// of small captures). Templates and regular expressions are made on first
// use, not in package variables. The test binary, which links every
// package of sseinspect, is run again with GODEBUG=inittrace=1, and the
// allocations of each package's initialization are counted (a count, not a
// time, so that the test does not depend on the machine's load).
func TestLittleRunsBeforeMain(t *testing.T) {
	t.Parallel()
	c := exec.Command(os.Args[0], "-test.run=^$") //nolint:gosec // the test binary itself
	c.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	require.NoError(t, c.Run(), stderr.String())
	line := regexp.MustCompile(`^init (github\.com/sseinspect/sseinspect/\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs`)
	seen := 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		seen++
		bytes, _ := strconv.Atoi(m[2])
		allocs, _ := strconv.Atoi(m[3])
		// The html report's template alone took 2,740 allocations and
		// 125 KB when it was parsed at start-up.
		assert.LessOrEqual(t, allocs, 200, "%s: allocations before main", m[1])
		assert.LessOrEqual(t, bytes, 64<<10, "%s: bytes allocated before main", m[1])
	}
	require.Positive(t, seen, "no init trace of sseinspect's packages:\n%s", stderr.String())
}

// TestOneCommandTreeHelp: a run of one command makes that command alone
// (start-up, issue 16); its help and its usage errors read the same as in
// the whole tree.
func TestOneCommandTreeHelp(t *testing.T) {
	t.Parallel()
	root := cmd.NewRootCommand(cmd.Env{})
	n := 0
	for _, c := range root.Commands() {
		if c.Name() == "completion" || c.Name() == "help" {
			continue
		}
		n++
		for _, args := range [][]string{{c.Name(), "--help"}, {c.Name(), "--no-such-flag"}, {c.Name(), "--version"}} {
			var wantOut, wantErr bytes.Buffer
			whole := cmd.NewRootCommand(cmd.Env{Stdout: &wantOut, Stderr: &wantErr})
			whole.SetArgs(args)
			whole.SetOut(&wantOut)
			whole.SetErr(&wantErr)
			wantFailed := whole.Execute() != nil
			var out, errb bytes.Buffer
			code := cmd.Run(args, cmd.Env{Stdout: &out, Stderr: &errb})
			assert.Equal(t, wantFailed, code != cmd.ExitOK, "%q", args)
			assert.Equal(t, wantOut.String(), out.String(), "%q", args)
		}
	}
	assert.Equal(t, 11, n, "the commands of the whole tree")
}
