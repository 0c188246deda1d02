package main

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRun(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("true"); err != nil {
		t.Skip("no true command")
	}
	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"-n", "3", "true"}, &out, &errb), errb.String())
	assert.Regexp(t, `^median \d+ us  min \d+ us  p90 \d+ us  runs 3\n$`, out.String())
	assert.Equal(t, 2, run(nil, &out, &errb))
	assert.Equal(t, 2, run([]string{"-n", "0", "true"}, &out, &errb))
	if _, err := exec.LookPath("false"); err == nil {
		assert.Equal(t, 1, run([]string{"-n", "3", "false"}, &out, &errb), "a failed run stops it")
	}
}

// TestRunInterleaved: commands separated by "--" each get their line, in
// their order, with -n runs each.
func TestRunInterleaved(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("true"); err != nil {
		t.Skip("no true command")
	}
	if _, err := exec.LookPath("echo"); err != nil {
		t.Skip("no echo command")
	}
	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"-n", "3", "--", "true", "--", "echo", "a", "b"}, &out, &errb), errb.String())
	assert.Regexp(t, `^true: median \d+ us  min \d+ us  p90 \d+ us  runs 3\necho a b: median \d+ us  min \d+ us  p90 \d+ us  runs 3\n$`, out.String())
	out.Reset()
	assert.Equal(t, 0, run([]string{"-n", "2", "--", "true"}, &out, &errb), "one command after --: as without")
	assert.Regexp(t, `^median \d+ us  min \d+ us  p90 \d+ us  runs 2\n$`, out.String())
	assert.Equal(t, 2, run([]string{"--", "--"}, &out, &errb))
}
