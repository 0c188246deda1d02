package parser_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"iter"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// goTypeLeaks are what a warning shows when it passes on a Go decoding
// error as it is: the user knows the JSON, not the parser's types.
var goTypeLeaks = []string{"Go struct field", "Go value", "parser."}

// checkNoGoTypes replays input as each of formats ("auto" detects), and
// fails on a warning or error that names the parser's Go types.
func checkNoGoTypes(t *testing.T, name string, input []byte, formats []string) {
	t.Helper()
	for _, format := range formats {
		sc := streamctx.New(streamctx.Options{CollectText: true, MaxWarnings: math.MaxInt})
		res, err := parser.Replay(bytes.NewReader(input), sc, parser.Options{Format: format})
		said := sc.Snapshot(res.Format.Name, res.Format.Vendor).Warnings
		if err != nil {
			said = append(said, err.Error())
		}
		for _, w := range said {
			for _, leak := range goTypeLeaks {
				if strings.Contains(w, leak) {
					t.Errorf("%s as %q: %q", name, format, w)
				}
			}
		}
	}
}

// TestWarningsNameNoGoTypes replays every capture and fuzz seed under
// testdata and ../testdata as every format, and the events of each capture
// with each member in turn given a value of another JSON type as the
// capture's format, and checks that no warning speaks of Go types.
func TestWarningsNameNoGoTypes(t *testing.T) {
	t.Parallel()
	formats := parser.Names()
	var captures []string
	for _, root := range []string{"testdata", "../testdata"} {
		require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			switch {
			case filepath.Ext(path) == ".sse" || strings.HasSuffix(filepath.Dir(path), "vercel-ai-sdk"):
				captures = append(captures, path)
				checkNoGoTypes(t, path, b, formats)
			case bytes.HasPrefix(b, []byte("go test fuzz v1\n")):
				for _, seed := range fuzzSeedArgs(t, path, b) {
					checkNoGoTypes(t, path, seed, formats)
				}
			}
			return nil
		}))
	}
	require.NotEmpty(t, captures)
	seen := map[string]bool{} // each mutation once per format and event type
	for _, path := range captures {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		sc := streamctx.New(streamctx.Options{})
		res, err := parser.Replay(bytes.NewReader(b), sc, parser.Options{})
		if err != nil {
			continue
		}
		format := res.Format.Name
		var mutants bytes.Buffer // the mutated events, one stream
		for ev := range captureEvents(b) {
			var tree any
			dec := json.NewDecoder(bytes.NewReader(ev.Data))
			dec.UseNumber()
			if dec.Decode(&tree) != nil {
				continue
			}
			obj, _ := tree.(map[string]any)
			typ, _ := obj["type"].(string)
			head := format + " " + string(ev.Type) + " " + typ
			mutate(tree, "", func(where string) {
				if seen[head+" "+where] {
					return
				}
				seen[head+" "+where] = true
				data, err := json.Marshal(tree)
				require.NoError(t, err)
				switch {
				case format == "vercel-data":
					mutants.WriteString(string(ev.Type) + ":" + string(data) + "\n")
				case len(ev.Type) > 0:
					mutants.WriteString("event: " + string(ev.Type) + "\n")
					fallthrough
				default:
					mutants.WriteString("data: " + string(data) + "\n\n")
				}
			})
		}
		checkNoGoTypes(t, path+" mutated", mutants.Bytes(), []string{format})
	}
}

// jsonAlternatives are the values mutate puts in place of each member: a
// member of any JSON type differs in type from at least two of them.
var jsonAlternatives = []any{"x", json.Number("1.5"), map[string]any{}}

// mutate calls try for each value inside v (a decoded JSON tree) replaced,
// in place, by each of jsonAlternatives in turn, and restores it. where
// names the member and the alternative, with array indexes left out.
func mutate(v any, path string, try func(where string)) {
	each := func(sub string, get func() any, set func(any)) {
		old := get()
		for _, alt := range jsonAlternatives {
			set(alt)
			try(sub + " = " + typeOf(alt))
		}
		set(old)
		mutate(old, sub, try)
	}
	switch v := v.(type) {
	case map[string]any:
		for k := range v {
			each(path+"."+k, func() any { return v[k] }, func(x any) { v[k] = x })
		}
	case []any:
		for i := range v {
			each(path+"[]", func() any { return v[i] }, func(x any) { v[i] = x })
		}
	}
}

func typeOf(v any) string {
	switch v := v.(type) {
	case json.Number:
		return "number " + v.String()
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "array"
	}
	return "object"
}

// fuzzSeedArgs returns the []byte and string arguments of a fuzz corpus
// file ("go test fuzz v1" then one Go literal a line).
func fuzzSeedArgs(t *testing.T, path string, b []byte) [][]byte {
	t.Helper()
	var args [][]byte
	for _, line := range strings.Split(string(b), "\n")[1:] {
		for _, prefix := range []string{"[]byte(", "string("} {
			if lit, ok := strings.CutPrefix(line, prefix); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
				require.NoError(t, err, path)
				args = append(args, []byte(s))
			}
		}
	}
	return args
}

// captureEvents returns the events of a capture in its own framing (SSE,
// or the Vercel data stream's lines).
func captureEvents(b []byte) iter.Seq[*sse.Event] {
	return func(yield func(*sse.Event) bool) {
		c, err := capture.OpenResponse(bytes.NewReader(b))
		if err != nil {
			return
		}
		for ev, err := range parser.OpenInput(c).Events(0) {
			if err != nil || !yield(ev) {
				return
			}
		}
	}
}
