package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/benchgen"
)

func TestRun(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.sse")
	var out, errb bytes.Buffer
	code := run([]string{"-format", "gemini", "-size", "10KiB", "-seed", "4", "-o", path, "-stats"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	assert.Empty(t, out.String())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var st benchgen.Stats
	require.NoError(t, json.Unmarshal(errb.Bytes(), &st))
	assert.Equal(t, int64(len(data)), st.Bytes)
	assert.GreaterOrEqual(t, st.Bytes, int64(10<<10))

	var stdout bytes.Buffer
	require.Equal(t, 0, run([]string{"-format", "gemini", "-size", "10KiB", "-seed", "4"}, &stdout, &errb))
	assert.Equal(t, data, stdout.Bytes(), "same capture on standard output")
}

func TestRunUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-size", "1TiB"},
		{"-format", "openai"},
		{"-nope"},
		{"extra"},
	} {
		var out, errb bytes.Buffer
		assert.Equal(t, 2, run(args, &out, &errb), "%q", args)
		assert.NotEmpty(t, errb.String(), "%q", args)
		assert.Empty(t, out.String(), "%q", args)
	}
}
