package parser

import (
	"bufio"
	"bytes"
	"encoding/json"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/internal/jsonscan"
)

// dataLines returns the data of every event of an SSE capture, one data
// line each (the captures and the benchmark corpus have one per event).
func dataLines(b []byte) [][]byte {
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if d, ok := bytes.CutPrefix(bytes.TrimRight(sc.Bytes(), "\r"), []byte("data:")); ok {
			out = append(out, bytes.Clone(bytes.TrimSpace(d)))
		}
	}
	return out
}

// benchEvents returns the event data of a small generated capture of the
// format (the benchmark corpus).
func benchEvents(tb testing.TB, format string, size int64) [][]byte {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, benchgen.Generate(&buf, format, size, 1))
	return dataLines(buf.Bytes())
}

// captureDataLines returns the data lines of the captures under
// testdata/captures that pattern matches (at least one), each with its
// file.
func captureDataLines(tb testing.TB, pattern string) iter.Seq2[string, []byte] {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("../testdata/captures", pattern))
	require.NoError(tb, err)
	require.NotEmpty(tb, files, pattern)
	return func(yield func(string, []byte) bool) {
		for _, file := range files {
			b, err := os.ReadFile(file)
			require.NoError(tb, err)
			for _, d := range dataLines(b) {
				if !yield(file, d) {
					return
				}
			}
		}
	}
}

// fastSeeds seeds a fast-path fuzz target with the data lines of every
// capture, a sample of the benchmark corpus of format, and extra.
func fastSeeds(f *testing.F, format string, extra ...string) {
	f.Helper()
	for _, d := range captureDataLines(f, "*/*.sse") {
		f.Add(d)
	}
	ev := benchEvents(f, format, 256<<10)
	for i := 0; i < len(ev); i += 1 + len(ev)/200 {
		f.Add(ev[i])
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// checkFast holds a fast path to encoding/json: when fast accepts data,
// encoding/json must decode it without error to the same value, and the
// value must not alias data.
func checkFast[T any](t *testing.T, data []byte, fast func([]byte, *T) bool) {
	t.Helper()
	checkFastValue(t, data, fast, false)
}

// checkArenaLikeStrings holds a fast path's decoding into bytes to its
// decoding into strings: decode with an arena (the text kept, as bytes)
// must accept what decode without one accepts, keep the arena's earlier
// contents, and, once moveRaw has turned the bytes into the strings, give
// the same value.
func checkArenaLikeStrings[T any](t *testing.T, data []byte, decode func(dst *T, arena *[]byte) bool, moveRaw func(*T)) {
	t.Helper()
	if !utf8.Valid(data) {
		return // the precondition of the fast paths
	}
	var want, got T
	wantOK := decode(&want, nil)
	arena := []byte("kept")
	gotOK := decode(&got, &arena)
	require.Equal(t, wantOK, gotOK, "%q", data)
	if !gotOK {
		return
	}
	require.Equal(t, "kept", string(arena[:4]), "%q", data)
	moveRaw(&got)
	require.Equal(t, want, got, "%q", data)
}

// checkFastAliasing is checkFast for a fast path whose value may alias
// data (valid while the event is handled).
func checkFastAliasing[T any](t *testing.T, data []byte, fast func([]byte, *T) bool) {
	t.Helper()
	checkFastValue(t, data, fast, true)
}

func checkFastValue[T any](t *testing.T, data []byte, fast func([]byte, *T) bool, aliases bool) {
	t.Helper()
	if !utf8.Valid(data) {
		return // the precondition of the fast paths (the framing guarantees it)
	}
	in := bytes.Clone(data)
	var got T
	if !fast(in, &got) {
		return
	}
	if !aliases {
		for i := range in {
			in[i] = 'x'
		}
	}
	var want T
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("%q: the fast path accepted what encoding/json rejects: %v", data, err)
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%q:\n fast          %#v\n encoding/json %#v", data, got, want)
	}
}

// fastEdgeCases are inputs on the edges of what the fast paths accept.
var fastEdgeCases = []string{
	`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\nb\u00e9\ud83d\ude00\ud800"}}`,
	`{"delta":{"text":"\ud800\u0041\udc00\ud83d\ud83d\ude00\udbff\udfff\u0000\b\f\r\t\/\\\"x"}}`,
	`{"delta":{"text":"\uDFFF\uD800"},"type":"\u00e9\uD800\uDC00é"}`,
	`{"type":"content_block_delta","Index":1}`, `{"type":"a","type":"b"}`, `{"typ\u0065":"a"}`,
	`{"index":-0}`, `{"index":01}`, `{"index":1.0}`, `{"index":1e2}`, `{"index":9223372036854775807}`,
	`{"index":-9223372036854775808}`, `{"index":9223372036854775808}`, `{"index":-9223372036854775809}`,
	`{"index":null,"type":null,"delta":null,"content_block":null,"usage":null}`, `{"delta":{"text":1}}`,
	`{"x":[1,2,{"a":[true,false,null,-1.5e+3,"\u12aB\/"]}],"type":"t"}`, `{"x":[1,]}`, `{"x":"\x"}`,
	`{"x":"\u12g4"}`, `{"x":01}`, `{"x":-}`, `{"x":1.}`, `{"x":1e}`, `{"x":tru}`, `{"ſtop_reason":"x"}`,
	`{"K":1,"\u212aey":2}`, `{"type":"a"} x`, `{"type":"a"}  `, "{\"type\":\"a\t\"}", "{\t\"type\"\n:\r\"a\" }",
	`{"message":{"id":"m","usage":{"input_tokens":3}},"usage":[1, 2]}`, `{"content":[]}`, `{}`, `null`,
	`{"choices":[{"index":0,"delta":{"content":"x","role":"assistant"},"finish_reason":null}],"usage":null}`,
	`{"choices":[]}`, `{"choices":null}`, `{"choices":[{"delta":null},{"index":1,"delta":{"content":null}}]}`,
	`{"choices":[{"delta":{"content":["x"]}}]}`, `{"choices":[{"delta":{"content":1}}]}`,
	`{"choices":[{"delta":{"tool_calls":null,"function_call":null,"reasoning_details":[]}}]}`,
	`{"choices":[{"text":null},{"text":"a\u00e9"},{"text":1}]}`,
}

// checkSkipping checks a fast decoder with skipText against decoding
// everything: the same, but for the strings that texts hands to its
// function (the skipped ones), which say only whether they are empty.
func checkSkipping[T any](t *testing.T, data []byte, decode func(data []byte, v *T, skipText bool) bool, texts func(v *T, each func(*string))) {
	t.Helper()
	var all, skipped T
	okAll, okSkipped := decode(data, &all, false), decode(data, &skipped, true)
	if okAll != okSkipped {
		t.Fatalf("%q: decoded %v with text, %v without", data, okAll, okSkipped)
	}
	if !okAll {
		return
	}
	texts(&all, func(s *string) {
		if *s != "" {
			*s = jsonscan.Present
		}
	})
	if !reflect.DeepEqual(all, skipped) {
		t.Fatalf("%q:\n skipping text %#v\n decoding it   %#v", data, skipped, all)
	}
}
