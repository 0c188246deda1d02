package cmd_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"os"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/rogpeppe/go-internal/testscript"
)

// scriptCmds are the commands the scripts have beyond testscript's own:
// they make the compressed and chunk-encoded captures that the tests of
// such inputs read, from real captures, so that no binary file needs to
// be kept in the scripts.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// compress gzip|zstd|br|deflate SRC DST
	"compress": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 3 {
			ts.Fatalf("usage: compress gzip|zstd|br|deflate SRC DST")
		}
		var b bytes.Buffer
		var w io.WriteCloser
		var err error
		switch args[0] {
		case "gzip":
			w = gzip.NewWriter(&b)
		case "zstd":
			w, err = zstd.NewWriter(&b)
		case "br":
			w = brotli.NewWriter(&b)
		case "deflate":
			w = zlib.NewWriter(&b)
		default:
			ts.Fatalf("compress: no coding %q", args[0])
		}
		ts.Check(err)
		_, err = w.Write([]byte(ts.ReadFile(args[1])))
		ts.Check(err)
		ts.Check(w.Close())
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), b.Bytes(), 0o644))
	},
	// chunk N SRC DST: SRC in HTTP/1.1 chunked transfer coding, N bytes
	// a chunk.
	"chunk": func(ts *testscript.TestScript, neg bool, args []string) {
		var n int
		if neg || len(args) != 3 {
			ts.Fatalf("usage: chunk N SRC DST")
		}
		if _, err := fmt.Sscan(args[0], &n); err != nil || n < 1 {
			ts.Fatalf("chunk: bad size %q", args[0])
		}
		src := []byte(ts.ReadFile(args[1]))
		var b bytes.Buffer
		for len(src) > 0 {
			k := min(n, len(src))
			fmt.Fprintf(&b, "%x\r\n%s\r\n", k, src[:k])
			src = src[k:]
		}
		b.WriteString("0\r\n\r\n")
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), b.Bytes(), 0o644))
	},
	// cut N FILE drops the last N bytes of FILE.
	"cut": func(ts *testscript.TestScript, neg bool, args []string) {
		var n int
		if neg || len(args) != 2 {
			ts.Fatalf("usage: cut N FILE")
		}
		if _, err := fmt.Sscan(args[0], &n); err != nil || n < 0 {
			ts.Fatalf("cut: bad count %q", args[0])
		}
		b := ts.ReadFile(args[1])
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b[:max(len(b)-n, 0)]), 0o644))
	},
	// catfiles DST FILE... joins files into DST, bytes as they are.
	"catfiles": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 {
			ts.Fatalf("usage: catfiles DST FILE...")
		}
		var b bytes.Buffer
		for _, f := range args[1:] {
			b.WriteString(ts.ReadFile(f))
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[0]), b.Bytes(), 0o644))
	},
}
