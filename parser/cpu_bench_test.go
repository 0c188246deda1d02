package parser_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/sseinspect/sseinspect/internal/benchcpu"
	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// BenchmarkCPUReplay is BenchmarkReplay without the pipeline, reporting
// the process's CPU time per op, per event and as MB/s besides the wall
// time: on a machine shared with other work, wall times vary with the load
// (time slices) far more than CPU times do. Measure with -cpu 1 (the GC's
// workers then share the one P, so that CPU time is that of the replay).
// BenchmarkReplay reports cpu-ns/op too (benchcpu.PerOp); this one adds the time
// per event and the MB/s of CPU time.
func BenchmarkCPUReplay(b *testing.B) {
	corpus := benchCorpus{}
	for _, format := range benchgen.Formats() {
		for _, mode := range []struct {
			name    string
			collect bool
		}{{"summary", false}, {"json", true}} {
			b.Run(format+"/"+mode.name, func(b *testing.B) {
				bc := corpus.get(b, format)
				checkReplay(b, bc, mode.collect)
				b.SetBytes(int64(len(bc.data)))
				start := time.Duration(benchcpu.Nanos())
				for b.Loop() {
					sc := streamctx.New(streamctx.Options{CollectText: mode.collect})
					if _, err := parser.Replay(bytes.NewReader(bc.data), sc, parser.Options{}); err != nil {
						b.Fatal(err)
					}
				}
				cpu := float64(time.Duration(benchcpu.Nanos())-start) / float64(b.N)
				b.ReportMetric(cpu, "cpu-ns/op")
				b.ReportMetric(float64(len(bc.data))/cpu*1e3, "cpu-MB/s")
				b.ReportMetric(cpu/float64(bc.st.Events), "cpu-ns/event")
			})
		}
	}
}
