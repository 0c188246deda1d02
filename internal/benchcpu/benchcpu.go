// Package benchcpu reports the CPU time a benchmark used besides its wall
// time: on a machine shared with other work, the CPU time of the process
// varies far less from run to run than the wall time does.
package benchcpu

import "testing"

// Nanos returns the CPU time of the process so far, user and system, all
// threads, in nanoseconds; 0 where it is not known.
func Nanos() int64 { return nanos() }

// PerOp starts counting the CPU time of the process; the function it
// returns reports it per op of b as cpu-ns/op (nothing where it is not
// known).
func PerOp(b *testing.B) func() {
	b.Helper()
	start := Nanos()
	return func() {
		if end := Nanos(); end > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
