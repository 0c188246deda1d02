package parser_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/pricing"
	"github.com/sseinspect/sseinspect/streamctx"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// capturesDir holds the real captures, one folder per provider, each
// <capture>.sse next to its golden file <capture>.golden.json (the layout
// that `sseinspect golden` reads).
const capturesDir = "../testdata/captures"

// summarize replays input with the given format ("" detects it) and returns
// the snapshot as it would be printed. A Replay error is returned as is.
func summarize(tb testing.TB, r io.Reader, format string) (streamctx.Snapshot, error) {
	tb.Helper()
	sc := streamctx.New(streamctx.Options{CollectText: true, RecordChunks: true})
	res, err := parser.Replay(r, sc, parser.Options{Format: format})
	if err != nil {
		return streamctx.Snapshot{}, err
	}
	return sc.Snapshot(res.Format.Name, res.Format.Vendor), nil
}

// summarizePriced is summarize with the cost that sseinspect prints: the
// provider's, else the embedded price table's estimate (as for a plain
// file: no time, the provider the format's vendor).
func summarizePriced(tb testing.TB, r io.Reader) (streamctx.Snapshot, error) {
	tb.Helper()
	sc := streamctx.New(streamctx.Options{CollectText: true, RecordChunks: true})
	res, err := parser.Replay(r, sc, parser.Options{})
	if err != nil {
		return streamctx.Snapshot{}, err
	}
	s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
	if s.Cost.Source == nil {
		s.Cost = pricing.Default().SummaryCost(pricing.Stream{Summary: &s, InputExcludesCache: sc.InputExcludesCache, ProviderIsVendor: true})
	}
	return s, nil
}

// mustSummarize is summarize of a string that must replay without error.
func mustSummarize(tb testing.TB, input, format string) streamctx.Snapshot {
	tb.Helper()
	s, err := summarize(tb, strings.NewReader(input), format)
	require.NoError(tb, err)
	return s
}

func marshal(tb testing.TB, s streamctx.Snapshot) []byte {
	tb.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(tb, enc.Encode(s))
	return b.Bytes()
}

var bareLF = regexp.MustCompile(`([^\r])\n`)

// toCRLF turns every bare LF into CRLF.
func toCRLF(b []byte) []byte {
	b = bareLF.ReplaceAll(b, []byte("$1\r\n"))
	if bytes.HasPrefix(b, []byte("\n")) {
		b = append([]byte("\r"), b...)
	}
	return b
}

// captureExts are the extensions of the captures in capturesDir: SSE,
// the Vercel AI SDK data stream (.datastream), AWS event streams
// (.eventstream) and newline-delimited JSON (.ndjson, Ollama).
var captureExts = []string{".sse", ".datastream", ".eventstream", ".ndjson"}

func captures(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, ext := range captureExts {
		m, err := filepath.Glob(filepath.Join(capturesDir, "*", "*"+ext))
		require.NoError(tb, err)
		files = append(files, m...)
	}
	require.NotEmpty(tb, files, "no captures in %s", capturesDir)
	return files
}

// TestGolden replays every capture whole, one byte at a time and with CRLF
// line endings, and compares the JSON summary with its golden file. Run
// with -update to rewrite the golden files, then check them by hand against
// the capture.
func TestGolden(t *testing.T) {
	for _, path := range captures(t) {
		rel, err := filepath.Rel(capturesDir, path)
		require.NoError(t, err)
		name := strings.TrimSuffix(rel, filepath.Ext(rel))
		binary := filepath.Ext(rel) == ".eventstream" // no lines to end with CRLF
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			input, err := os.ReadFile(path)
			require.NoError(t, err)
			whole, err := summarizePriced(t, bytes.NewReader(input))
			require.NoError(t, err)
			source := filepath.Base(path) // as sseinspect golden writes it
			whole.Source = source
			got := marshal(t, whole)
			golden := filepath.Join(capturesDir, name+".golden.json")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "no golden file; run go test ./parser -run TestGolden -update")
			assert.Equal(t, string(want), string(got), "whole")

			bytewise, err := summarizePriced(t, iotest.OneByteReader(bytes.NewReader(input)))
			require.NoError(t, err)
			bytewise.Source = source
			assert.Equal(t, string(want), string(marshal(t, bytewise)), "one byte at a time")

			if binary {
				return
			}
			crlf, err := summarizePriced(t, bytes.NewReader(toCRLF(input)))
			require.NoError(t, err)
			crlf.Source = source
			assert.Equal(t, string(want), string(marshal(t, crlf)), "CRLF line endings")
		})
	}
}
