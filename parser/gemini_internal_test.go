package parser

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/jsonscan"
)

// decodeFastGeminiTwice decodes data twice with one geminiFast, so that
// the second decode shares the strings of the first.
func decodeFastGeminiTwice(data []byte, r *geminiEnvelope) bool {
	var st geminiFast
	var warm geminiEnvelope
	decodeFastGemini(data, &warm, &st)
	return decodeFastGemini(data, r, &st)
}

func decodeFastGeminiUsageFresh(data []byte, u *geminiUsage) bool {
	return decodeFastGeminiUsage(data, u, new([4]int64))
}

// FuzzFastGemini holds decodeFastGemini and decodeFastGeminiUsage to
// encoding/json.
func FuzzFastGemini(f *testing.F) {
	var usages []string
	for _, d := range benchEvents(f, "gemini", 64<<10)[:20] {
		var r geminiEnvelope
		require.NoError(f, json.Unmarshal(d, &r))
		usages = append(usages, string(r.UsageMetadata))
	}
	fastSeeds(f, "gemini", append(usages,
		`{"promptTokenCount":1,"PromptTokenCount":2}`, `{"thoughtsTokenCount":null,"cachedContentTokenCount":-0}`,
		`{"candidatesTokenCount":1.0}`, `{"promptTokensDetails":[{"modality":"TEXT","tokenCount":3}],"totalTokenCount":4}`,
		`{"candidates":[{"content":{"parts":[{"text":"a","thought":true},{"text":null,"thought":null},{"text":"b"}],"role":"model"},"index":0},{"index":1,"content":null}]}`,
		`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{}}}]}}]}`,
		`{"candidates":[{"content":{"parts":[]},"finishReason":"STOP","finishMessage":"x"}],"promptFeedback":null,"response":null}`,
		`{"candidates":null,"usageMetadata":null,"error":{"code":429}}`, `{"candidates":[null,{}]}`,
		`{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png"},"executableCode":null,"thought":false}]}}]}`,
		`{"candidates":[{"groundingMetadata":{"webSearchQueries":["q"]},"urlContextMetadata":null,"groundingMetadata":{}}]}`,
		`{"candidates":[{"groundingMetadata":{},"urlContextMetadata":{"urlMetadata":[{"retrievedUrl":"u"}]},"finishReason":"STOP"}]}`,
	)...)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data, decodeFastGeminiTwice)
		checkFast(t, data, decodeFastGeminiUsageFresh)
		checkFastGeminiUsageInPassing(t, data)
	})
}

// checkFastGeminiUsageInPassing holds the usage that decodeFastGemini
// decodes while it scans a chunk to encoding/json's decoding of the
// chunk's usageMetadata.
func checkFastGeminiUsageInPassing(t *testing.T, data []byte) {
	t.Helper()
	var st geminiFast
	var r geminiEnvelope
	if !decodeFastGemini(data, &r, &st) || !st.usageOK {
		return
	}
	var want geminiUsage
	require.NoError(t, json.Unmarshal(r.UsageMetadata, &want), "%s", data)
	assert.Equal(t, want, st.u, "%s", data)
}

// TestFastGeminiTaken: the fast paths decode the text chunks and the usage
// of the benchmark corpus and of the captures.
func TestFastGeminiTaken(t *testing.T) {
	t.Parallel()
	var st geminiFast
	var counts [4]int64
	n, calls := 0, 0
	check := func(what string, d []byte) {
		t.Helper()
		var r geminiEnvelope
		if bytes.Contains(d, []byte(`"promptFeedback"`)) || jsonscan.HasControl(d) {
			return
		}
		n++
		if bytes.Contains(d, []byte(`"functionCall"`)) {
			calls++
		}
		if !assert.True(t, decodeFastGemini(d, &r, &st), "%s: %s", what, d) {
			return
		}
		var u geminiUsage
		assert.True(t, decodeFastGeminiUsage(r.UsageMetadata, &u, &counts), "%s: %s", what, r.UsageMetadata)
		if bytes.HasPrefix(r.UsageMetadata, []byte("{")) {
			assert.True(t, st.usageOK, "%s: the usage is decoded as the chunk is scanned", what)
			assert.Equal(t, u, st.u, what)
		}
	}
	for _, d := range benchEvents(t, "gemini", 512<<10) {
		check("benchgen", d)
	}
	require.Greater(t, n, 100)
	require.Greater(t, calls, 10, "function-call chunks are taken too")
	for _, d := range []string{
		`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather","args": {"city": "Paris"}},"thoughtSignature": "c2ln"}],"role": "model"},"index": 0}]}`,
		`{"candidates": [{"content": {"parts": [{"functionCall": {"id": "c1","name": "f","args": null,"partialArgs": [{"jsonPath": "$.a","stringValue": "x"}],"willContinue": true}}]}}]}`,
		`{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","willContinue": null}},{"functionCall": null}]}}]}`,
	} {
		var r geminiEnvelope
		assert.True(t, decodeFastGemini([]byte(d), &r, &st), d)
	}
	files, err := filepath.Glob("../testdata/captures/gemini/*.sse")
	require.NoError(t, err)
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, d := range dataLines(b) {
			check(file, d)
		}
	}
}

// BenchmarkDecodeGemini decodes the chunks of the benchmark corpus and
// their usage with the fast paths and with encoding/json.
func BenchmarkDecodeGemini(b *testing.B) {
	events := benchEvents(b, "gemini", 1<<20)
	var size int64
	for _, d := range events {
		size += int64(len(d))
	}
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		var st geminiFast
		var counts [4]int64
		for b.Loop() {
			for _, d := range events {
				r := geminiEnvelope{}
				u := geminiUsage{}
				if !decodeFastGemini(d, &r, &st) {
					st.usageOK = false
					r = geminiEnvelope{}
					if err := json.Unmarshal(d, &r); err != nil {
						b.Fatal(err)
					}
				}
				if st.usageOK {
					u = st.u
				} else if !decodeFastGeminiUsage(r.UsageMetadata, &u, &counts) {
					b.Fatalf("slow path: %s", r.UsageMetadata)
				}
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range events {
				r := geminiEnvelope{}
				u := geminiUsage{}
				if json.Unmarshal(d, &r) != nil || json.Unmarshal(r.UsageMetadata, &u) != nil {
					b.Fatal(d)
				}
			}
		}
	})
}

// TestSliceArena: windows on the tail of the arena's array, one after the
// other; a slice that outgrows the tail is its own, and the next batch's
// array holds what the last one needed.
func TestSliceArena(t *testing.T) {
	var a sliceArena[int]
	a.reset(3)
	w := append(a.window(), 1, 2)
	a.keep(w)
	v := append(a.window(), 3)
	a.keep(v)
	assert.Equal(t, []int{1, 2, 3}, a.buf, "two windows, one after the other")
	assert.Equal(t, []int{1, 2}, w)
	a.keep(a.window()) // an empty window takes nothing
	big := append(a.window(), 4, 5, 6, 7, 8)
	a.keep(big)
	big[0] = 9
	assert.Equal(t, []int{1, 2, 3}, a.buf, "a slice that outgrew the tail is not the arena's")
	a.reset(1)
	assert.GreaterOrEqual(t, cap(a.buf), 8, "the next batch has room for what this one needed")
	assert.Empty(t, a.buf)
}
