package htmlreport_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/htmlreport"
	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// BenchmarkReport compares a report of one generated 8 MiB capture per
// format with the replay that summarize --json makes of it (the text
// kept, no Recorder): the issue asks for about the same time.
//
//	go test ./htmlreport -run '^$' -bench Report -count 6 | benchstat -col /mode -
func BenchmarkReport(b *testing.B) {
	for _, format := range benchgen.Formats() {
		var buf bytes.Buffer
		require.NoError(b, benchgen.Generate(&buf, format, 8<<20, 1))
		in := buf.Bytes()
		for _, mode := range []string{"json", "report"} {
			b.Run("format="+format+"/mode="+mode, func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				for b.Loop() {
					cp, err := capture.Open(bytes.NewReader(in), capture.Options{})
					require.NoError(b, err)
					sc := streamctx.New(streamctx.Options{CollectText: true, CountChars: true})
					var popts parser.Options
					var rec *htmlreport.Recorder
					if mode == "report" {
						rec = htmlreport.NewRecorder(sc, time.Time{}, 2*time.Second, htmlreport.OneCapture)
						popts.OnEvent = rec.OnEvent
					}
					res, err := parser.ReplayCapture(cp, sc, popts)
					require.NoError(b, err)
					snap := sc.Snapshot(res.Format.Name, res.Format.Vendor)
					if rec != nil {
						require.NoError(b, htmlreport.Write(io.Discard, []*htmlreport.Capture{rec.Finish("bench", snap, false, nil)}))
					}
				}
			})
		}
	}
}
