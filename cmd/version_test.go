package cmd_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sseinspect/sseinspect/cmd"
	"github.com/sseinspect/sseinspect/internal/version"
)

// TestVersion checks that --version prints the build's version, commit and
// date as package version reads them (its own tests cover the cases).
func TestVersion(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := cmd.Run([]string{"--version"}, cmd.Env{Stdout: &stdout, Stderr: &stderr})
	assert.Equal(t, cmd.ExitOK, code)
	assert.Equal(t, "sseinspect version "+version.Get().String()+"\n", stdout.String())
	assert.Empty(t, stderr.String())
}
