package report_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/benchcpu"
	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// BenchmarkJSON writes the JSON summary of a generated capture of each
// format, its text in parts as summarize --json keeps it; the bytes are
// those of the text, thinking and tool-call arguments.
func BenchmarkJSON(b *testing.B) {
	for _, format := range benchgen.Formats() {
		b.Run(format, func(b *testing.B) {
			var buf bytes.Buffer
			st, err := benchgen.GenerateStats(&buf, format, 16<<20, 1)
			require.NoError(b, err)
			sc := streamctx.New(streamctx.Options{CollectText: true, TextParts: true})
			res, err := parser.Replay(&buf, sc, parser.Options{})
			require.NoError(b, err)
			s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
			b.SetBytes(st.TextBytes + st.ThinkingBytes + st.ToolArgsBytes)
			b.ReportAllocs()
			defer benchcpu.PerOp(b)()
			for b.Loop() {
				if err := report.JSON(io.Discard, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkJSONRealText writes the text of the real captures (about 90 %
// of its 8-byte words need no escape, against 62 % in the generated
// captures, which are dense in non-ASCII and escapes on purpose), repeated
// to 4 MiB.
func BenchmarkJSONRealText(b *testing.B) {
	files, err := filepath.Glob("../testdata/captures/*/*.sse")
	require.NoError(b, err)
	var text strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(b, err)
		sc := streamctx.New(streamctx.Options{CollectText: true})
		if _, err := parser.Replay(bytes.NewReader(data), sc, parser.Options{}); err == nil {
			text.WriteString(sc.Text())
			text.WriteString(sc.Thinking())
		}
	}
	require.Positive(b, text.Len())
	s := streamctx.Snapshot{Text: strings.Repeat(text.String(), (4<<20)/text.Len()+1)}
	b.SetBytes(int64(len(s.Text)))
	b.ReportAllocs()
	defer benchcpu.PerOp(b)()
	for b.Loop() {
		if err := report.JSON(io.Discard, &s); err != nil {
			b.Fatal(err)
		}
	}
}
