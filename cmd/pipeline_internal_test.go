package cmd

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPipelineForALoneFile: a regular file read alone (or one at a time)
// is replayed through the parser's pipeline when there is a core to spare
// and it is not small, standard input too when it is redirected from such
// a file; live or small standard input, small files and files read side by
// side on all cores are not.
func TestPipelineForALoneFile(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: no core to spare")
	}
	dir := t.TempDir()
	for _, name := range []string{"a.sse", "b.sse", "small.sse"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(chat("chatcmpl-1")), 0o644))
	}
	a, b := filepath.Join(dir, "a.sse"), filepath.Join(dir, "b.sse")
	for _, f := range []string{a, b} {
		require.NoError(t, os.Truncate(f, pipelineMinSize)) // the work below reads nothing
	}
	env := &Env{Stdin: strings.NewReader(chat("chatcmpl-1"))}
	redirected, err := os.Open(a) // sseinspect < a.sse
	require.NoError(t, err)
	defer redirected.Close()
	half, err := os.Open(b) // (head -c …; sseinspect) < b.sse: less than pipelineMinSize left
	require.NoError(t, err)
	defer half.Close()
	_, err = half.Seek(pipelineMinSize/2, 0)
	require.NoError(t, err)
	cases := []struct {
		env     *Env
		args    []string
		workers int
		want    []bool
	}{
		{&Env{Stdin: redirected}, []string{"-"}, 2, []bool{true}},
		{&Env{Stdin: half}, []string{"-"}, 2, []bool{false}},
		{&Env{Stdin: redirected, StdinIsLive: true}, []string{"-"}, 2, []bool{false}},
		{env, []string{a}, 2, []bool{true}},
		{env, []string{a, b}, 1, []bool{true, true}},
		{env, []string{a, b}, 2, []bool{false, false}},
		{env, []string{"-"}, 2, []bool{false}},
		{env, []string{filepath.Join(dir, "small.sse")}, 2, []bool{false}},
		{env, []string{dir}, 2, []bool{false, false, false}},
	}
	for _, c := range cases {
		var got []bool
		err := eachInputOrdered(c.env, c.args, dirOptions{allow: true}, c.workers, false, func(in *input) (bool, error) {
			return in.pipeline, nil
		}, func(p bool) (int, error) {
			got = append(got, p)
			return ExitOK, nil
		})
		require.NoError(t, err)
		assert.Equal(t, c.want, got, "%v with %d workers", c.args, c.workers)
	}
}
