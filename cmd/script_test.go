package cmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sseinspect/sseinspect/cmd"
)

func TestMain(m *testing.M) {
	// A binary built with -race sleeps a second before it exits (GORACE
	// atexit_sleep_ms, 1000 by default), and the scripts run this one as
	// sseinspect dozens of times. The user's own GORACE settings still win.
	_ = os.Setenv("GORACE", strings.TrimSpace("atexit_sleep_ms=10 "+os.Getenv("GORACE")))
	testscript.Main(m, map[string]func(){
		"sseinspect":              func() { os.Exit(cmd.Main()) },
		"sseinspect-example-curl": func() { os.Exit(exampleCurl()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script. $CAPTURES
// names the real captures. Run with -update to rewrite their expectations.
func TestScripts(t *testing.T) {
	captures, err := filepath.Abs("../testdata/captures")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Cmds:          scriptCmds,
		Setup: func(e *testscript.Env) error {
			e.Setenv("CAPTURES", captures)
			e.Setenv("NO_COLOR", "")
			return nil
		},
	})
}
