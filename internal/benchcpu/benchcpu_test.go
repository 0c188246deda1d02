package benchcpu_test

import (
	"runtime"
	"testing"

	"github.com/sseinspect/sseinspect/internal/benchcpu"
)

// TestNanosCountsWork: work done on this thread shows in Nanos (where it
// is known at all), and it never goes backwards.
func TestNanosCountsWork(t *testing.T) {
	start := benchcpu.Nanos()
	if start == 0 && runtime.GOOS == "windows" {
		t.Skip("no CPU time here")
	}
	x := 0
	for end := start; end <= start; end = benchcpu.Nanos() {
		for i := range 1 << 20 {
			x ^= i
		}
		if end < start {
			t.Fatalf("CPU time went back: %d, then %d", start, end)
		}
	}
	_ = x
}
