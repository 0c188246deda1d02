package parser

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/streamctx"
)

// decodeFastResponsesJSON is decodeFastResponses into a respEventJSON, to
// compare with encoding/json.
func decodeFastResponsesJSON(data []byte, j *respEventJSON) bool {
	var e respEvent
	if !decodeFastResponses(data, &e) {
		return false
	}
	for f, m := range j.members() {
		if v := e.get(respField(f)); v != nil {
			*m = v
		}
	}
	return true
}

func decodeFastRespResponseTwice(data []byte, r *respResponse) bool {
	var st respFast
	decodeFastRespResponse(data, new(respResponse), &st)
	return decodeFastRespResponse(data, r, &st)
}

// FuzzFastResponses holds decodeFastResponses, decodeFastRespResponse and
// decodeFastRespItem to encoding/json; the last two also on the response and
// item of each event.
func FuzzFastResponses(f *testing.F) {
	fastSeeds(f, "openai-responses", append(fastEdgeCases,
		`{"type":"response.output_text.delta","TYPE":"x"}`, `{"type":"a","delta":"b","delta":"c"}`, `{"del\u0074a":"x"}`,
		`{"type":"response.completed","response":{"id":"r","status":"completed","usage":null,"output":[],"error":null,"incomplete_details":{"reason":"max_output_tokens"}}}`,
		`{"response":{"id":1}}`, `{"response":{"Status":"x"}}`, `{"response":null}`, `{"response":{"model":"m","model":"n"}}`,
		`{"item":{"type":"reasoning","encrypted_content":"","summary":[{"type":"summary_text","text":"t"}]}}`,
		`{"item":{"type":"reasoning","encrypted_content":null}}`, `{"item":{"type":"reasoning","encrypted_content":{"a":1}}}`,
		`{"item":{"type":"function_call","id":"fc","call_id":"c","name":"f","arguments":"{\"a\":1}","status":"completed"}}`,
		`{"item":{"type":"custom_tool_call","input":"x","arguments":1}}`,
		`{"type":"response.output_text.annotation.added","annotation":{"type":"url_citation","url":"u"},"annotation_index":0}`,
		`{"annotation":1,"annotation":2}`, `{"Annotation":null,"PART":[]}`, `{"part":{"type":"output_text","annotations":[]},"part":null}`,
		`{"type":"response.code_interpreter_call_code.done","item_id":"ci","code":"print(1)"}`,
		`{"type":"response.image_generation_call.partial_image","item_id":"ig","partial_image_b64":"AAAA"}`,
		`{"item":{"type":"mcp_call","id":"mcp","name":"ask","server_label":"s","arguments":"{}","error":{"code":1}}}`,
		`{"item":{"type":"image_generation_call","id":"ig","result":"AAAA","revised_prompt":"p"}}`,
		`{"item":{"type":"web_search_call","id":"ws","status":"completed","action":{"type":"search","queries":["q"],"sources":[]}}}`,
		`{"response":{"usage":{"input_tokens":1,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":2},"num_sources_used":0,"cost":1.1e-05,"cost_details":{"a":null}}}}`,
		`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17}`,
		`{"type":"output_text","text":"x","annotations":[{"type":"url_citation","url":"u","title":"t"},{"type":"file_path","file_id":"f"}]}`,
		`{"type":"output_text","annotations":[{"type":"url_citation","url":1}]}`, `{"type":"output_text","Annotations":[{"type":"url_citation","url":"u"}]}`,
		`{"type":"output_text","annotations":[{"type":"url_citation","url":"a"}],"annotations":[]}`, `{"type":"refusal","annotations":[{"type":"url_citation","url":"u"}]}`,
		`{"t\u0079pe":"output_text","annotations":[{"type":"url_citation","url":"u"}]}`, `{"type":"output_text","annotations":{"a":1}}`,
		`{"a":1,"a":2,"b\u0041":3}`, `{"a" : 1 , "b":[ 1 ] }`, `{"a":1,}`,
		`{"type":"response.output_text.delta","delta":"x","logprobs":[{"token":"x"}],"obfuscation":"ab","LogProbs":1,"OBFUSCATION":null}`,
		`{"logprobs":[1,],"delta":"x"}`, `{"obfuscation":"a","obfuscation":"b"}`,
	)...)
	for _, c := range respKeysTemplateCases {
		f.Add([]byte(c.data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastAliasing(t, data, decodeFastResponsesJSON)
		checkRespKeyOrder(t, data)
		checkFastAliasing(t, data, decodeFastRespResponseTwice)
		checkFastAliasing(t, data, decodeFastRespItem)
		checkRespMembers(t, data)
		checkPartCitations(t, data)
		var e respEvent
		if decodeFastResponses(data, &e) {
			if e.typ != "" {
				want, err := respTypeName(e.get(rfType))
				if err != nil || want != e.typ {
					t.Fatalf("%q: the template's type %q, respTypeName %q (%v)", data, e.typ, want, err)
				}
			}
			if r := e.get(rfResponse); r != nil {
				var rr respResponse
				if decodeFastRespResponse(r, &rr, new(respFast)) {
					checkRespMembers(t, rr.Usage)
				}
			}
			if v := e.get(rfPart); v != nil {
				checkPartCitations(t, v)
			}
			for _, f := range []respField{rfResponse, rfItem} {
				if v := e.get(f); v != nil {
					checkFastAliasing(t, v, decodeFastRespResponseTwice)
					checkFastAliasing(t, v, decodeFastRespItem)
				}
			}
		}
	})
}

// checkRespKeyOrder: decodeFastResponses decodes data into a respEvent
// that holds the key order of earlier events (respEvent.order) as into a
// new one.
func checkRespKeyOrder(t *testing.T, data []byte) {
	t.Helper()
	var fresh respEvent
	okFresh := decodeFastResponses(data, &fresh)
	for _, prev := range []string{
		`{"type":"response.output_text.delta","content_index":0,"delta":"x","item_id":"m","output_index":1,"logprobs":[],"obfuscation":"o","sequence_number":2}`,
		`{"type":"response.output_text.delta","sequence_number":2,"item_id":"m","output_index":1,"content_index":0,"delta":"x","logprobs":[],"obfuscation":"o"}`,
		`{"item":{},"item_id":"m","input":"i","text":"t","type":"t","code":"c","summary_index":0,"sequence_number":1,"output_index":0,"obfuscation":"o"}`,
	} {
		var e respEvent
		require.True(t, decodeFastResponses([]byte(prev), &e), prev)
		ok := decodeFastResponses(data, &e)
		same := ok == okFresh && e.set == fresh.set && e.typ == fresh.typ
		for f := range respFields {
			same = same && bytes.Equal(fresh.get(f), e.get(f))
		}
		if !same {
			t.Fatalf("%q after %s:\n %v %+v\n a new respEvent: %v %+v", data, prev, ok, e, okFresh, fresh)
		}
	}
}

// checkRespMembers holds respMembers to chatMembers (encoding/json):
// the same members, in the same order, with the same values.
func checkRespMembers(t *testing.T, data []byte) {
	t.Helper()
	if !utf8.Valid(data) {
		return // the precondition of the scanner (the framing guarantees it)
	}
	var fast, slow []string
	respMembers(data, func(k, v []byte) { fast = append(fast, string(k), string(v)) })
	chatMembers(data, func(k string, v json.RawMessage) { slow = append(slow, k, string(v)) })
	if !reflect.DeepEqual(slow, fast) {
		t.Fatalf("%q:\n respMembers %q\n chatMembers %q", data, fast, slow)
	}
}

// checkPartCitations holds respPartCitations to decoding the part with
// encoding/json.
func checkPartCitations(t *testing.T, data []byte) {
	t.Helper()
	if !utf8.Valid(data) {
		return
	}
	fast := streamctx.New(streamctx.Options{CollectText: true})
	respPartCitations(fast, data)
	slow := streamctx.New(streamctx.Options{CollectText: true})
	var part respPartAnnotations
	if json.Unmarshal(data, &part) == nil && part.Type == "output_text" {
		for i := range part.Annotations {
			respCite(slow, &part.Annotations[i])
		}
	}
	if want, got := slow.Snapshot("f", "p").Citations, fast.Snapshot("f", "p").Citations; !reflect.DeepEqual(want, got) {
		t.Fatalf("%q:\n respPartCitations %v\n encoding/json     %v", data, got, want)
	}
}

// TestRespPartCitationsAllocs: a part without annotations costs no
// allocation.
func TestRespPartCitationsAllocs(t *testing.T) {
	raw := []byte(`{"type":"output_text","annotations":[ ],"logprobs":[],"text":"Hello \u00e9 world"}`)
	sc := streamctx.New(streamctx.Options{CollectText: true})
	assert.Zero(t, testing.AllocsPerRun(100, func() { respPartCitations(sc, raw) }))
}

// TestRespUsageDetailsAllocs: an OpenAI usage object, whose members are
// all token keys, costs no allocation.
func TestRespUsageDetailsAllocs(t *testing.T) {
	raw := []byte(`{"input_tokens":1875,"input_tokens_details":{"cached_tokens":1578},"output_tokens":695,"output_tokens_details":{"reasoning_tokens":397},"total_tokens":2570}`)
	sc := streamctx.New(streamctx.Options{})
	assert.Zero(t, testing.AllocsPerRun(100, func() { respUsageDetails(sc, raw) }))
	assert.Empty(t, sc.UsageDetails())
}

// TestRespFieldNames: the members of respEventJSON are in respField order
// and named as respFieldNames, which respFieldOf inverts.
func TestRespFieldNames(t *testing.T) {
	t.Parallel()
	var j respEventJSON
	ms := j.members()
	v := reflect.ValueOf(&j).Elem()
	require.Equal(t, int(respFields), v.NumField())
	for i := range v.NumField() {
		assert.Same(t, v.Field(i).Addr().Interface(), ms[i], "member %d", i)
		assert.Equal(t, respFieldNames[i], v.Type().Field(i).Tag.Get("json"))
		f, ok := respFieldOf([]byte(respFieldNames[i]))
		assert.True(t, ok)
		assert.Equal(t, respField(i), f)
	}
}

// TestFastResponsesTaken: the fast paths decode every event of the
// benchmark corpus and of the captures, their response objects and their
// output items.
func TestFastResponsesTaken(t *testing.T) {
	t.Parallel()
	var st respFast
	n, responses, items := 0, 0, 0
	check := func(what string, d []byte) {
		t.Helper()
		if bytes.Equal(d, []byte("[DONE]")) || d[0] != '{' {
			return
		}
		var e respEvent
		if !assert.True(t, decodeFastResponses(d, &e), "%s: %s", what, d) {
			return
		}
		n++
		if r := e.get(rfResponse); r != nil && !isJSONNull(r) {
			responses++
			assert.True(t, decodeFastRespResponse(r, new(respResponse), &st), "%s: %s", what, r)
		}
		if it := e.get(rfItem); it != nil && !isJSONNull(it) {
			items++
			assert.True(t, decodeFastRespItem(it, new(respItem)), "%s: %s", what, it)
		}
	}
	for _, d := range benchEvents(t, "openai-responses", 512<<10) {
		check("benchgen", d)
	}
	require.Greater(t, n, 1000)
	require.Greater(t, responses, 2)
	require.Greater(t, items, 10)
	for _, dir := range []string{"openai", "openrouter", "bedrock-mantle", "deepseek", "lmstudio", "xai"} {
		for file, d := range captureDataLines(t, dir+"/responses*.sse") {
			check(file, d)
		}
	}
}

// BenchmarkDecodeResponses decodes the events of the benchmark corpus with
// the fast path and with encoding/json.
func BenchmarkDecodeResponses(b *testing.B) {
	events := benchEvents(b, "openai-responses", 1<<20)
	var size int64
	for _, d := range events {
		size += int64(len(d))
	}
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		var e respEvent
		for b.Loop() {
			for _, d := range events {
				if !decodeFastResponses(d, &e) {
					b.Fatalf("slow path: %s", d)
				}
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range events {
				var j respEventJSON
				if err := json.Unmarshal(d, &j); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// respKeysTemplateCases are events that respKeysTemplate takes (issue 16)
// and near misses that it leaves to the general path.
var respKeysTemplateCases = []struct {
	data  string
	taken bool
}{
	{`{"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":1,"content_index":0,"delta":"Hi \"x\"\u00e9","logprobs":[],"obfuscation":"ab"}`, true},
	{`{"sequence_number":5,"type":"response.reasoning_summary_text.delta","delta":"x","item_id":"rs","output_index":0,"summary_index":0}`, true},
	{`{"type":"response.output_text.delta","delta":"x","logprobs":[{"token":"x","bytes":[120],"logprob":-0.5,"top_logprobs":[]}],"obfuscation":null}`, true},
	{`{"type":"response.created","response":{"id":"r","output":[]},"sequence_number":0}`, true},
	{`{"type":"a", "delta":"b"  }  `, true},
	{`{"type":null,"delta":1,"item":{"a":[1,2]},"part":true}`, true},
	{`{"logprobs":[],"obfuscation":"o"}`, true},
	// Key orders of other servers, keys that begin alike.
	{`{"type":"response.output_text.delta","sequence_number":7,"item_id":"m","output_index":0,"content_index":0,"delta":"x","logprobs":[],"obfuscation":"o"}`, true},
	{`{"item_id":"a","item":{"id":"a"},"input":"i","output_index":1,"obfuscation":"o"}`, true},
	{`{"summary_index":0,"sequence_number":1,"content_index":2,"code":"c","text":"t","type":"t"}`, true},
	{`{"response":{},"refusal":"r","arguments":"{}","annotation":{},"error":null,"message":"m","name":"n","part":{}}`, true},
	// Values that the template leaves to jsonscan.SkipAt or reads itself.
	{`{"delta":"a\\b\"c\u00e9\/","item_id":"\u0000"}`, true},
	{`{"output_index":1.5,"content_index":-1,"sequence_number":12E+2,"summary_index":0e0}`, true},
	{`{"output_index":10,"content_index":0}`, true},
	{`{"logprobs":[ ],"obfuscation":"o","delta":[1,{"a":"b"}]}`, true},
	{`{"type": "a" ,"delta":"b" ,  "text":"c"}` + "\n", true},
	{`{"text":1}`, true},
	{`{"type":"response.reasoning_text.delta","delta":"x"}`, true},
	{`{"type":"response.function_call_arguments.delta"}`, true},
	{`{"delta":"x","type":"response.reasoning_summary_text.delta"}`, true},
	{`{"type":"response.output_text.delta\u0020","delta":"x"}`, true},
	{`{"type":"response.output_text.deltas","delta":"x"}`, true},
	// Near misses: the general path decides.
	{`{ "type":"a"}`, false},
	{`{"type" :"a"}`, false},
	{`{"Type":"a"}`, false},
	{`{"TYPE":"a","type":"b"}`, false},
	{`{"type":"a","type":"b"}`, false},
	{`{"type":"a","delta":"b","Delta":"c"}`, false},
	{`{"typ\u0065":"a"}`, false},
	{`{"typ":"a"}`, false},
	{`{"types":"a"}`, false},
	{`{"type":"a","annotation_index":0}`, false},
	{`{"éa":1}`, false},
	{`{"type":"a",}`, false},
	{`{"type":"a",`, false},
	{`{"type":"a"`, false},
	{`{"type":"a"}x`, false},
	{`{"type":"a"}}`, false},
	{`{"delta":"a\x"}`, false},
	{`{"delta":"a\n` + "\x01" + `"}`, false}, // a control character
	{`{"logprobs":[1,],"delta":"x"}`, false},
	{`{"logprobs":[],"obfuscation":"o","LogProbs":1}`, false},
	{`{"delta":}`, false},
	{`{}`, false},
	{`{"item_i":1}`, false},
	{`{"item_idx":1}`, false},
	{`{"ite":1}`, false},
	{"{\"type\x00\":1}", false},
	{`{"output_index":01}`, false},
	{`{"output_index":0.}`, false},
	{`{"output_index":1e}`, false},
	{`{"output_index":-}`, false},
	{`{"output_index":1x}`, false},
	{`{"logprobs":[]]}`, false},
	{`{"logprobs":[}`, false},
	{`{"delta":"abc`, false},
	{`{"delta":"abc\`, false},
	{`{"type":"a","sequence_num`, false},
	{`{"type":"a","sequence_number"`, false},
	{`{"type":"a","sequence_number":`, false},
	{`{"type":"a","sequence_number":1`, false},
	{`{"type":"a","sequence_number":1 `, false},
	{`{"type":"a",` + "\n", false},
	{`{"type":"a"}}`, false},
	{`{"type":"response.output_text.delta"`, false},
	{`{"type":"response.output_text.delta`, false},
	{`{"type":"response.output_text.delta"x}`, false},
}

// TestRespKeysTemplate: the template takes the events of the benchmark
// corpus and the compact events of the captures, and leaves the near
// misses to the general path; both decode as encoding/json does.
func TestRespKeysTemplate(t *testing.T) {
	t.Parallel()
	for _, c := range respKeysTemplateCases {
		var e respEvent
		assert.Equal(t, c.taken, respKeysTemplate([]byte(c.data), &e), "%s", c.data)
		checkFastAliasing(t, []byte(c.data), decodeFastResponsesJSON)
	}
	for _, d := range benchEvents(t, "openai-responses", 256<<10) {
		var e respEvent
		require.True(t, respKeysTemplate(d, &e), "%s", d)
	}
	for file, d := range captureDataLines(t, "openai/responses-*.sse") {
		var e respEvent
		if bytes.Contains(d, []byte(`"type":"response.output_text.delta"`)) {
			assert.True(t, respKeysTemplate(d, &e), "%s: %s", file, d)
		}
	}
}

// TestRespKeysTemplateItemID: events decoded one after the other into
// the same respEvent, which remembers the last item_id (respToken),
// decode as into a new one.
func TestRespKeysTemplateItemID(t *testing.T) {
	t.Parallel()
	long := `"` + strings.Repeat("x", 70) + `"`
	var e respEvent
	for _, d := range []string{
		`{"item_id":"msg_1","delta":"a"}`,
		`{"item_id":"msg_1","delta":"b"}`,
		`{"delta":"b","item_id":"msg_1"}`,
		`{"item_id":"msg_12","delta":"c"}`,
		`{"item_id":"msg_1","delta":"d"}`,
		`{"item_id":"msg_1`,
		`{"item_id":"msg_1"`,
		`{"item_id":"msg_1\u0041","delta":"e"}`,
		`{"item_id":"msg_1` + "\x01" + `"}`,
		`{"item_id":"msg_1","item_id":"msg_1"}`,
		`{"item_id":null,"delta":"f"}`,
		`{"item_id":` + long + `}`,
		`{"item_id":` + long + `,"delta":"g"}`,
		`{"item_id":"msg_1"}`,
	} {
		var fresh respEvent
		okFresh := decodeFastResponses([]byte(d), &fresh)
		ok := decodeFastResponses([]byte(d), &e)
		require.Equal(t, okFresh, ok, d)
		assert.Equal(t, fresh.set, e.set, d)
		for f := range respFields {
			assert.Equal(t, string(fresh.get(f)), string(e.get(f)), "%s: %s", d, respFieldNames[f])
		}
	}
}

// TestRespKeyLits: respKeyLits holds every member of respEvent, and the
// skipped ones, under the first letter of its name, with the words and
// masks of its literal.
func TestRespKeyLits(t *testing.T) {
	t.Parallel()
	want := map[string]respField{"logprobs": respSkipped, "obfuscation": respSkipped}
	for f, name := range respFieldNames {
		want[name] = respField(f)
	}
	got := map[string]respField{}
	for c, lits := range respKeyLits {
		for _, k := range lits {
			name := strings.TrimSuffix(strings.TrimPrefix(k.lit, `"`), `":`)
			assert.Equal(t, byte(c), name[0], k.lit)
			got[name] = k.f
			var lit, mask [24]byte
			copy(lit[:], k.lit)
			copy(mask[:], bytes.Repeat([]byte{0xff}, len(k.lit)))
			for i := range 3 {
				assert.Equal(t, binary.LittleEndian.Uint64(lit[8*i:]), k.w[i], "%s: word %d", k.lit, i)
				assert.Equal(t, binary.LittleEndian.Uint64(mask[8*i:]), k.m[i], "%s: mask %d", k.lit, i)
			}
		}
	}
	assert.Equal(t, want, got)
}

// TestRespDeltaType: respDeltaType names the delta types as respTypeName
// does, with the length of their string, and nothing else.
func TestRespDeltaType(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"response.output_text.delta", "response.reasoning_summary_text.delta",
		"response.reasoning_text.delta", "response.function_call_arguments.delta"} {
		raw := `"` + typ + `"`
		for _, tail := range []string{"", `,"delta":"x"}`} {
			got, n := respDeltaType([]byte(raw + tail))
			assert.Equal(t, typ, got, raw+tail)
			assert.Equal(t, len(raw), n, raw+tail)
		}
		want, err := respTypeName([]byte(raw))
		require.NoError(t, err)
		assert.Equal(t, want, typ)
		for _, miss := range []string{raw[:len(raw)-1], raw[:len(raw)-1] + `s"`, raw[:len(raw)-1] + `\u0020"`,
			strings.ToUpper(raw), `"response.output_text.done"`, `"response.refusal.delta"`, `"response.reasoning_text.delt`} {
			got, n := respDeltaType([]byte(miss))
			assert.Empty(t, got, miss)
			assert.Zero(t, n, miss)
		}
	}
	got, n := respDeltaType([]byte(`"response.output_text.delta\u0020"`))
	assert.Empty(t, got)
	assert.Zero(t, n)
}

// TestRespTypeName: the event types that respTypeName names without
// respTypes are known types, named as respTypes names them; every known
// type is named, and anything else is decoded as a string.
func TestRespTypeName(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"response.output_text.delta", "response.reasoning_summary_text.delta",
		"response.reasoning_text.delta", "response.function_call_arguments.delta"} {
		assert.Equal(t, typ, respTypes[typ], "a known type")
	}
	for typ := range respTypes {
		got, err := respTypeName([]byte(`"` + typ + `"`))
		require.NoError(t, err)
		assert.Equal(t, typ, got)
	}
	for raw, want := range map[string]string{`"x\u0079"`: "xy", `null`: "", ``: "", `"response.output_text.delta" `: "response.output_text.delta"} {
		got, err := respTypeName([]byte(raw))
		require.NoError(t, err, raw)
		assert.Equal(t, want, got, raw)
	}
	_, err := respTypeName([]byte(`1`))
	assert.Error(t, err)
}
