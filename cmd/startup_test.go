package cmd_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// packageInit is what GODEBUG=inittrace=1 says of one package's
// initialization.
type packageInit struct {
	bytes, allocs int
}

// initTrace runs the test binary again, running no test, with
// GODEBUG=inittrace=1 and returns the initialization of each package that
// has one. The test binary links every package of sseinspect and its
// dependencies, as the sseinspect binary does (and the test's own).
func initTrace(t *testing.T) map[string]packageInit {
	t.Helper()
	c := exec.Command(os.Args[0], "-test.run=^$") //nolint:gosec // the test binary itself
	c.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	require.NoError(t, c.Run(), stderr.String())
	line := regexp.MustCompile(`^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs`)
	inits := map[string]packageInit{}
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		bytes, _ := strconv.Atoi(m[2])
		allocs, _ := strconv.Atoi(m[3])
		inits[m[1]] = packageInit{bytes: bytes, allocs: allocs}
	}
	require.NotEmpty(t, inits, "no init trace:\n%s", stderr.String())
	return inits
}

// TestLittleRunsBeforeMain: sseinspect's own packages do little work when
// the process starts (issue 16: start-up counts for CI runs over thousands
// of small captures). Templates and regular expressions are made on first
// use, not in package variables. The allocations of each package's
// initialization are counted (a count, not a time, so that the test does
// not depend on the machine's load).
func TestLittleRunsBeforeMain(t *testing.T) {
	t.Parallel()
	seen := 0
	for pkg, in := range initTrace(t) {
		if !strings.HasPrefix(pkg, "github.com/sseinspect/sseinspect/") || strings.HasSuffix(pkg, "_test") {
			continue
		}
		seen++
		// The html report's template alone took 2,740 allocations and
		// 125 KB when it was parsed at start-up; the largest now is
		// parser's tables of event types, 39 allocations and 15 KB.
		assert.LessOrEqual(t, in.allocs, 64, "%s: allocations before main", pkg)
		assert.LessOrEqual(t, in.bytes, 24<<10, "%s: bytes allocated before main", pkg)
	}
	require.Positive(t, seen, "no init trace of sseinspect's packages")
}

// dependencyInits are the packages outside the standard library that do
// work before main in the sseinspect binary, and what it costs (Go 1.26,
// GODEBUG=inittrace=1 of a release build, 2 vCPUs at 2.6 GHz). None of
// them can be made lazy from here: Go runs the initialization of every
// package linked in, whatever the command (issue 16, BENCHMARKS.md,
// "Start-up").
var dependencyInits = map[string]string{
	"github.com/klauspost/compress/internal/snapref":        "imported by zstd (its Snappy converter): crc32.MakeTable(Castagnoli) at init, the largest init of the binary, 0.23-0.25 ms, 9 KB",
	"github.com/klauspost/compress/internal/cpuinfo":        "CPUID, 0.02 ms",
	"github.com/klauspost/compress/zstd":                    "no allocation",
	"github.com/andybalholm/brotli":                         "no allocation",
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream": "a CRC table, 8 KB, 0.02 ms",
	"github.com/dlclark/regexp2/syntax":                     "the tokenizer's regular expressions: Unicode class tables, 29 KB, 48 allocations, 0.07-0.09 ms",
	"github.com/fatih/color":                                "NO_COLOR/TERM and isatty of stdout, 4 KB, 14 allocations",
	"github.com/spf13/cobra":                                "1 KB, 14 allocations",
	"github.com/spf13/pflag":                                "256 bytes",
	"golang.org/x/sys/unix":                                 "48 bytes",
}

// TestDependencyInits: no package outside the standard library starts to
// do work before main unnoticed (a new dependency, or a new version of one,
// with a table built at init), and the initialization of everything the
// sseinspect binary links stays within a budget of allocations. A package
// that must come in goes into dependencyInits with what it costs (see
// BENCHMARKS.md, "Start-up", for how to measure it).
func TestDependencyInits(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the packages of the binary")
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/sseinspect/sseinspect").Output() //nolint:gosec // the go command found in PATH
	require.NoError(t, err)
	inits := initTrace(t)
	var total packageInit
	for _, pkg := range strings.Fields(string(out)) {
		in, ok := inits[pkg]
		if !ok {
			continue
		}
		total.allocs += in.allocs
		total.bytes += in.bytes
		first, _, _ := strings.Cut(pkg, "/")
		if !strings.Contains(first, ".") || strings.HasPrefix(pkg, "github.com/sseinspect/sseinspect") {
			continue // the standard library (vendor/ included) and ours
		}
		_, known := dependencyInits[pkg]
		assert.True(t, known, "%s runs an initialization before main (%d bytes, %d allocations): add it to dependencyInits with its cost, or keep it out of the binary", pkg, in.bytes, in.allocs)
	}
	// At 9c1134d (Go 1.26): 103 packages, 577 allocations, 143 KB.
	assert.LessOrEqual(t, total.allocs, 640, "allocations before main, all packages of the binary")
	assert.LessOrEqual(t, total.bytes, 160<<10, "bytes allocated before main, all packages of the binary")
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
