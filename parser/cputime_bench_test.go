package parser_test

import (
	"syscall"
	"testing"
)

// cpuPerOp starts counting the CPU time of the process (user and system,
// all threads); the function it returns reports it per op as cpu-ns/op.
// On a machine shared with other work, the CPU time a benchmark used
// varies less than its wall time.
func cpuPerOp(b *testing.B) func() {
	b.Helper()
	start := cpuNanos()
	return func() { b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op") }
}

func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
