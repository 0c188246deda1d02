package cmd

import (
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// zeros is an endless line: "data: " then x bytes, n in all.
type endlessLine struct{ n, done int }

func (r *endlessLine) Read(p []byte) (int, error) {
	if r.done >= r.n {
		return 0, io.EOF
	}
	k := min(len(p), r.n-r.done)
	for i := range p[:k] {
		p[i] = 'x'
	}
	if r.done == 0 && k >= 6 {
		copy(p, "data: ")
	}
	r.done += k
	return k, nil
}

// TestRecordLineCapBoundsMemory: record --max-line-size 1 MiB of a 64 MiB
// line passes all of it through and allocates a small multiple of the cap
// in all (before the cap, a 300 MB line reached 1.4 GB). Not parallel: it
// counts the process's allocations.
func TestRecordLineCapBoundsMemory(t *testing.T) {
	const limit = 1 << 20
	const size = 64 << 20
	var before, after runtime.MemStats
	var passed countingWriter
	runtime.GC()
	runtime.ReadMemStats(&before)
	code := Run([]string{"record", "-o", t.TempDir() + "/cap.sse", "--max-line-size", strconv.Itoa(limit)},
		Env{Stdin: &endlessLine{n: size}, Stdout: &passed, Stderr: io.Discard})
	runtime.ReadMemStats(&after)
	assert.Equal(t, ExitError, code, "the line is over the cap")
	assert.Equal(t, int64(size), passed.n, "passed through whole")
	n := after.TotalAlloc - before.TotalAlloc
	t.Logf("record: %d MiB line, %.1f MiB allocated with a cap of 1 MiB", size>>20, float64(n)/(1<<20))
	assert.Less(t, n, uint64(4*limit))
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
