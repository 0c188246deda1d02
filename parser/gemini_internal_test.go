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
	for _, d := range geminiTemplateCases {
		f.Add([]byte(d.data))
	}
	for _, d := range geminiUsageTemplateCases {
		f.Add([]byte(d.data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFast(t, data, decodeFastGeminiTwice)
		checkFast(t, data, decodeFastGeminiUsageFresh)
		checkFastGeminiUsageInPassing(t, data)
		checkFastGeminiSkipping(t, data)
		checkFastGeminiArena(t, data)
	})
}

// checkFastGeminiArena: decoding the text parts into bytes (an arena
// given, the text kept) decodes the same chunk as into strings, the
// arena's earlier contents kept.
func checkFastGeminiArena(t *testing.T, data []byte) {
	t.Helper()
	checkArenaLikeStrings(t, data, func(r *geminiEnvelope, arena *[]byte) bool {
		return decodeFastGemini(data, r, &geminiFast{arena: arena})
	}, func(got *geminiEnvelope) {
		for _, r := range []*geminiResponse{&got.geminiResponse, got.Response} {
			if r == nil {
				continue
			}
			for _, c := range r.Candidates {
				if c.Content == nil {
					continue
				}
				for i := range c.Content.Parts {
					pt := &c.Content.Parts[i]
					if pt.textRaw != nil {
						require.NotNil(t, pt.Text)
						require.Empty(t, *pt.Text)
						text := string(pt.textRaw)
						pt.Text, pt.textRaw = &text, nil
					}
				}
			}
		}
	})
}

// decodeFastGeminiSkip is decodeFastGemini with or without the text.
func decodeFastGeminiSkip(data []byte, r *geminiEnvelope, skipText bool) bool {
	st := geminiFast{skipText: skipText}
	return decodeFastGemini(data, r, &st)
}

// checkFastGeminiSkipping is checkSkipping for decodeFastGemini: the
// text parts are told empty or not.
func checkFastGeminiSkipping(t *testing.T, data []byte) {
	t.Helper()
	checkSkipping(t, data, decodeFastGeminiSkip, func(r *geminiEnvelope, each func(*string)) {
		for _, c := range r.Candidates {
			if c.Content == nil {
				continue
			}
			for _, pt := range c.Content.Parts {
				if pt.Text != nil {
					each(pt.Text)
				}
			}
		}
	})
}

// geminiTemplateCases are chunks that geminiTextTemplate takes (the
// dominant shape of the Gemini API, issue 16), and near misses that it
// must leave to the general path.
var geminiTemplateCases = []struct {
	data  string
	taken bool
}{
	{`{"candidates": [{"content": {"parts": [{"text": "Hi \"you\"\n\u00e9"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 5,"candidatesTokenCount": 2,"totalTokenCount": 7,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 5}],"thoughtsTokenCount": 3},"modelVersion": "gemini-2.5-pro","responseId": "r1"}`, true},
	{`{"candidates": [{"content": {"parts": [{"text": "hm","thought": true}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 5},"modelVersion": "m","responseId": "r"}`, true},
	{`{"candidates": [{"content": {"parts": [{"text": ""}],"role": "model"}}],"usageMetadata": {"promptTokenCount": 15,"totalTokenCount": 15},"modelVersion": "gemini-2.0-flash-exp","responseId": "w1"}`, true},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 1}],"usageMetadata": null,"modelVersion": null,"responseId": "r"}  `, true},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": {"PromptTokenCount": 1,"promptTokenCount": 2},"modelVersion": "m","responseId": "r"}`, false}, // encoding/json's
	{`{"candidates": [{"content": {"role": "model","parts": [{"text": "We"}]}}],"usageMetadata": {"trafficType": "ON_DEMAND"},"modelVersion": "gemini-2.5-flash","createTime": "2026-10-09T02:36:52.821265Z","responseId": "RFPIapGQMtKCidsPmcai6AM"}`, true},
	{`{"candidates": [{"content": {"role": "model","parts": [{"text": "hm\n","thought": true}]},"index": 0}],"usageMetadata": {"promptTokenCount": 3},"modelVersion": "m","responseId": "r"}`, true},
	{`{"candidates": [{"content": {"role": "model","parts": [{"text": "a"}]}}],"usageMetadata": {},"modelVersion": "m","createTime": 1,"responseId": "r"}`, true},
	// Near misses: the general path decides.
	{`{"candidates": [{"content": {"role": "model","parts": [{"text": "a"}],"role": "model"}}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"role": "model","parts": [{"text": "a"}]}}],"usageMetadata": {},"modelVersion": "m","createTime": "t","createTime": "u","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"role": "model","parts": [{"text": "a"}]}}],"usageMetadata": {},"modelVersion": "m","createTime": "t\x","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"role": "model","parts": [{"text": "a"}]}}],"usageMetadata": {},"modelVersion": "m","responseId": "r","createTime": "t"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"}}],"usageMetadata": {},"modelVersion": "m","createTime": "t","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a","thought": false}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": null}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0,"finishReason": "STOP"}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r","modelVersion": "n"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}x`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": 1}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0.0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 1}}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": null}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a\x"}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"},{"text": "b"}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "user"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}], "usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates":[{"content":{"parts":[{"text":"a"}],"role":"model"},"index":0}],"usageMetadata":{},"modelVersion":"m","responseId":"r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0},{"index": 1}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	// A byte off in each 16-byte piece of the heads and the fixed parts
	// compared in two pieces (geminiTextHeadLen, the Role, Usage and
	// Model literals), the head alone, and the head at the end.
	{`{"candidates": [{"content": {"parts": [{"text":"a"}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"Parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"role": "model","parts": [{"text":"a"}]}}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"role": "modem","parts": [{"text": "a"}]}}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "modelx"},"index": 0}],"usageMetadata": {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata" : {},"modelVersion": "m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": {},"modelVersion":"m","responseId": "r"}`, false},
	{`{"candidates": [{"content": {"parts": [{"text": `, false},
	{`{"candidates": [{"content": {"role": "model","parts": [{"text": `, false},
	{`{"candidates": [{"content": {"parts": [{"text": "`, false},
}

// geminiUsageTemplateCases are usageMetadata objects that
// geminiUsageTemplate takes, and near misses that it leaves to
// fastGeminiUsage.
var geminiUsageTemplateCases = []struct {
	data  string
	taken bool
}{
	{`{"promptTokenCount": 375634,"totalTokenCount": 375720,"cachedContentTokenCount": 266421,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 375634}],"thoughtsTokenCount": 86}`, true},
	{`{"promptTokenCount":13,"candidatesTokenCount":8,"totalTokenCount":21,"trafficType":"ON_DEMAND","promptTokensDetails":[{"modality":"TEXT","tokenCount":13}],"candidatesTokensDetails":[{"modality":"TEXT","tokenCount":8}],"thoughtsTokenCount":-0}`, true},
	{`{"toolUsePromptTokenCount": 4,"toolUsePromptTokensDetails": [],"thoughtsTokenCount": 9223372036854775807}`, true},
	{`{"trafficType":"ON_DEMAND"}`, true},
	{`{}`, false},
	{`{"promptTokenCount": null}`, false},
	{`{"promptTokenCount": 1.5}`, false},
	{`{"promptTokenCount": 1,"promptTokenCount": 2}`, false},
	{`{"candidatesTokenCount": 1,"promptTokenCount": 2}`, false},
	{`{"promptTokenCount": 1 ,"totalTokenCount": 2}`, false},
	{`{ "promptTokenCount": 1}`, false},
	{`{"promptTokenCount": 1,"PromptTokenCount": 2}`, false},
	{`{"promptTokenCount": 1,"other": 2}`, false},
	{`{"x":1}`, false},
	{`{"promptTokenCount": 1,"x":1}`, false},
	{`{"promptTokenCount": 1,"promptTokenCountX": 2}`, false},
	{`{"promptTokenCount": 1,}`, false},
	{`{"promptTokenCount": 1`, false},
	{`{"promptTokenCount": 9223372036854775808}`, false},
}

// TestGeminiTemplates: the templates take the dominant shapes and leave
// the near misses to the general path, which decodes all of them as
// encoding/json does.
func TestGeminiTemplates(t *testing.T) {
	t.Parallel()
	for _, c := range geminiTemplateCases {
		for _, skip := range []bool{false, true} {
			var r geminiEnvelope
			st := geminiFast{skipText: skip}
			assert.Equal(t, c.taken, geminiTextTemplate([]byte(c.data), &r, &st), "%s", c.data)
		}
		checkFast(t, []byte(c.data), decodeFastGeminiTwice)
		checkFastGeminiSkipping(t, []byte(c.data))
		checkFastGeminiUsageInPassing(t, []byte(c.data))
	}
	for _, c := range geminiUsageTemplateCases {
		var u geminiUsage
		var counts [4]int64
		s := jsonscan.New([]byte(c.data))
		ok := geminiUsageTemplate(&s, &u, &counts) && s.End()
		assert.Equal(t, c.taken, ok, "%s", c.data)
		checkFast(t, []byte(c.data), decodeFastGeminiUsageFresh)
		chunk := `{"candidates": [{"content": {"parts": [{"text": "a"}],"role": "model"},"index": 0}],"usageMetadata": ` + c.data + `,"modelVersion": "m","responseId": "r"}`
		checkFast(t, []byte(chunk), decodeFastGeminiTwice)
		checkFastGeminiUsageInPassing(t, []byte(chunk))
	}
	// The template fires on the text chunks of the benchmark corpus and
	// of the Gemini API captures.
	n := 0
	for _, d := range benchEvents(t, "gemini", 256<<10) {
		if bytes.Contains(d, []byte(`"finishReason"`)) || bytes.Contains(d, []byte(`"functionCall"`)) {
			continue
		}
		var r geminiEnvelope
		var st geminiFast
		require.True(t, geminiTextTemplate(d, &r, &st), "%s", d)
		n++
	}
	require.Greater(t, n, 100)
	for _, file := range []string{"gemini/text-crlf.sse", "gemini/thoughts.sse", "vertex-ai/max-tokens-thought-only.sse"} {
		b, err := os.ReadFile(filepath.Join("../testdata/captures", file))
		require.NoError(t, err)
		taken := 0
		for _, d := range dataLines(b) {
			var r geminiEnvelope
			var st geminiFast
			if geminiTextTemplate(d, &r, &st) {
				taken++
			}
		}
		assert.Positive(t, taken, file)
	}
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
	for file, d := range captureDataLines(t, "gemini/*.sse") {
		check(file, d)
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

// TestGeminiUsageKeyAt holds geminiUsageKeyAt, which compares a key's
// bytes after its head in three masked words (or as a string near the end
// of the data), to a plain prefix test: each key whole, with each of its
// bytes changed, cut anywhere, and followed by more or by nothing.
func TestGeminiUsageKeyAt(t *testing.T) {
	t.Parallel()
	for k, key := range geminiUsageKeys {
		for _, tail := range []string{` 12345, "totalTokenCount": 7}, "modelVersion": "x"}`, ``, ` 1}`} {
			rest := []byte(key.key + tail)
			want := func(b []byte) bool { return bytes.HasPrefix(b, []byte(key.key)) }
			require.True(t, geminiUsageKeyAt(rest, k), "%s", rest)
			for i := 8; i < len(key.key); i++ {
				changed := bytes.Clone(rest)
				changed[i] ^= 0x20
				require.Equal(t, want(changed), geminiUsageKeyAt(changed, k), "%s changed at %d", changed, i)
			}
			for n := 8; n < len(rest); n++ {
				require.Equal(t, want(rest[:n]), geminiUsageKeyAt(rest[:n], k), "%s cut at %d", rest, n)
			}
		}
		for j, other := range geminiUsageKeys {
			rest := []byte(other.key + ` 1, "x": 2, "yyyyyyyyyyyyyyyy": 3}`)
			if string(rest[:8]) == key.key[:8] {
				assert.Equal(t, j == k, geminiUsageKeyAt(rest, k), "%s against %s", other.key, key.key)
			}
		}
	}
}
