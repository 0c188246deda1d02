package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// summaryCost is the cost key of a JSON summary.
type summaryCost struct {
	USD          *float64 `json:"usd"`
	Source       *string  `json:"source"`
	PricesDate   *string  `json:"prices_date"`
	ModelMatched *string  `json:"model_matched"`
	Field        *string  `json:"provider_field"`
	Reason       *string  `json:"reason"`
}

// costOf runs summarize --json with args and returns the cost of the one
// summary it prints.
func costOf(t *testing.T, args ...string) summaryCost {
	t.Helper()
	stdout, stderr, code := run{args: append([]string{"summarize", "--json"}, args...)}.do(t)
	require.Less(t, code, 2, stderr)
	var s struct{ Cost summaryCost }
	require.NoError(t, json.Unmarshal([]byte(stdout), &s), stdout)
	return s.Cost
}

// hand-made: a Gemini stream above gemini-2.5-pro's 200k-token tier.
const geminiLongContext = `data: {"candidates":[{"content":{"parts":[{"text":"hi"}],"role":"model"},"finishReason":"STOP"}],` +
	`"usageMetadata":{"promptTokenCount":250000,"cachedContentTokenCount":50000,"candidatesTokenCount":1500,"thoughtsTokenCount":500,"totalTokenCount":252000},"modelVersion":"gemini-2.5-pro"}` + "\n\n"

// The cost estimated from the embedded price table (genai-prices 0.1.8 of
// 2026-09-23) for real captures of each format, against sums worked out by
// hand from the token counts in the capture and the prices in the table
// (USD per million tokens).
func TestCostFromThePriceTable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"gemini-long-context.sse": geminiLongContext})
	cases := []struct {
		name, capture string
		args          []string
		want          float64
		matched       string
	}{
		// openai-chat, gpt-4o-mini (0.15 in, 0.6 out): 53 in, 15 out.
		// 53×0.15 + 15×0.6 = 7.95 + 9
		{"openai-chat", "openai/chat-tool-call-incremental-arguments.sse", nil, 16.95e-6, "gpt-4o-mini"},
		// openai-chat, deepseek-reasoner outside its 00:30–16:30 window
		// (0.135 in, 0.55 out, reasoning billed as output): 6 in, 212 out
		// of which 198 reasoning. prompt_cache_miss_tokens (6) is a part
		// of the input, not billed again. 6×0.135 + 212×0.55 = 0.81 + 116.6
		{"openai-chat deepseek", "deepseek/chat-reasoning-content.sse", nil, 117.41e-6, "deepseek-reasoner"},
		// openai-responses, gpt-5 (1.25 in, 0.125 cache read, 10 out, 10
		// per thousand web searches): 9463 in of which 8320 cached, 582
		// out of which 512 reasoning, one completed web_search_call.
		// 1143×1.25 + 8320×0.125 + 582×10 = 1428.75 + 1040 + 5820; + 10/1000
		{"openai-responses cached, web search", "openai/responses-web-search-cached-tokens.sse", nil, 8288.75e-6 + 0.01, "gpt-5"},
		// openai-responses, gpt-4o (2.5 in, 10 out, 2.5 per thousand file
		// searches): 1177 in, 37 out, one completed file_search_call.
		// 1177×2.5 + 37×10 = 2942.5 + 370; + 2.5/1000
		{"openai-responses file search", "openai/responses-file-search-file-citation.sse", nil, 3312.5e-6 + 0.0025, "gpt-4o"},
		// openai-responses, o3-mini (1.1 in, 4.4 out): 13 in, 1680 out.
		// 13×1.1 + 1680×4.4 = 14.3 + 7392
		{"openai-responses reasoning", "openai/responses-reasoning-summary.sse", nil, 7406.3e-6, "o3-mini"},
		// anthropic, claude-sonnet-5 (2 in, 2.5 cache write, 0.2 cache
		// read, 10 out): input_tokens 6 exclude the 6289 read and 3337
		// written; 198 out. 6×2 + 6289×0.2 + 3337×2.5 + 198×10 = 12 + 1257.8 + 8342.5 + 1980
		{"anthropic cache read and write", "anthropic/prompt-cache-creation-and-read.sse", nil, 11592.3e-6, "claude-sonnet-5"},
		// anthropic, claude-opus-4-1 (15 in, 75 out, 10 per thousand web
		// searches): 10423 in, 341 out, usage.server_tool_use.web_search_requests 1.
		// 10423×15 + 341×75 = 156345 + 25575; + 10/1000
		{"anthropic web search", "anthropic/web-search-server-tool-use.sse", nil, 181920e-6 + 0.01, "claude-opus-4-1"},
		// anthropic, claude-sonnet-4-0 (3 in, 15 out); the web fetch is
		// free beyond its tokens: 7244 in, 153 out. 7244×3 + 153×15 = 21732 + 2295
		{"anthropic web fetch", "anthropic/web-fetch-server-tool.sse", nil, 24027e-6, "claude-sonnet-4-0"},
		// openai-responses on xAI, grok-4-fast-reasoning (0.2 in, 0.05
		// cache read, 0.5 out; no price for web searches nor for xAI's
		// num_server_side_tools_used in the table, so both are left out
		// and named): 1875 in of which 1578 cached, 695 out.
		// 297×0.2 + 1578×0.05 + 695×0.5 = 59.4 + 78.9 + 347.5
		{"xai responses web search", "xai/responses-web-search-url-citations.sse", nil, 485.8e-6, "grok-4-fast-reasoning"},
		// anthropic with usage.iterations: passes that are not "message"
		// are outside the top-level usage and priced too. Advisor:
		// claude-sonnet-5 (2 in, 10 out) 2411 in, 145 out (the two message
		// passes), and an advisor_message pass of claude-opus-4-8 (5 in,
		// 25 out) with 2543 in, 18 out.
		// 2411×2 + 145×10 + 2543×5 + 18×25 = 4822 + 1450 + 12715 + 450
		{"anthropic advisor pass", "anthropic/advisor-usage-iterations.sse", nil, 19437e-6, "claude-sonnet-5"},
		// Compaction: claude-sonnet-4-6 (3 in, 0.3 cache read, 15 out),
		// 181 in, 8 out, and a compaction pass of 100 in, 55096 cache
		// read, 83 out. 181×3 + 8×15 + 100×3 + 55096×0.3 + 83×15 = 543 + 120 + 300 + 16528.8 + 1245
		{"anthropic compaction pass", "anthropic/compaction-cache-read.sse", nil, 18736.8e-6, "claude-sonnet-4-6"},
		// gemini, gemini-2.5-pro up to 200k (1.25 in, 10 out): prompt 17
		// and 102 tool-use prompt tokens billed as input; 653 out (thoughts
		// included). 119×1.25 + 653×10 = 148.75 + 6530
		{"gemini tool-use prompt", "gemini/google-search-grounding-tool-use-tokens.sse", nil, 6678.75e-6, "gemini-2.5-pro"},
		// gemini, gemini-2.5-flash (0.3 in, 2.5 out): 32 + 4610 tool-use in,
		// 62 out. 4642×0.3 + 62×2.5 = 1392.6 + 155
		{"gemini url context", "gemini/url-context-grounding.sse", nil, 1547.6e-6, "gemini-2.5-flash"},
		// gemini above 200k input (hand-made): every token at the tier
		// rate, 2.5 in, 0.25 cache read, 15 out: 250000 in of which 50000
		// cached, 1500 + 500 thoughts out.
		// 200000×2.5 + 50000×0.25 + 2000×15 = 500000 + 12500 + 30000
		{"gemini long-context tier", filepath.Join(dir, "gemini-long-context.sse"), nil, 0.5425, "gemini-2.5-pro"},
		// --provider finds a model the format's vendor does not serve:
		// groq's openai/gpt-oss-120b (0.15 in, 0.6 out): 339 in, 58 out.
		// 339×0.15 + 58×0.6 = 50.85 + 34.8
		{"--provider", "groq/chat-x-groq-usage-reasoning.sse", []string{"--provider", "groq"}, 85.65e-6, "openai/gpt-oss-120b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := tc.capture
			if !filepath.IsAbs(path) {
				path = "../testdata/captures/" + path
			}
			c := costOf(t, append(tc.args, path)...)
			require.NotNil(t, c.USD, "reason: %v", c.Reason)
			assert.InDelta(t, tc.want, *c.USD, 1e-12)
			require.NotNil(t, c.Source)
			assert.Equal(t, "price-table", *c.Source)
			require.NotNil(t, c.ModelMatched)
			assert.Equal(t, tc.matched, *c.ModelMatched)
			require.NotNil(t, c.PricesDate)
			assert.Equal(t, "2026-09-23", *c.PricesDate)
			assert.Nil(t, c.Field)
			switch tc.name {
			case "openai-chat deepseek":
				require.NotNil(t, c.Reason)
				assert.Contains(t, *c.Reason, "priced outside every time-of-day window")
			case "xai responses web search":
				require.NotNil(t, c.Reason)
				assert.Equal(t, "left out of usd (the price table has no price for them): num_server_side_tools_used, web_searches", *c.Reason)
			default:
				assert.Nil(t, c.Reason)
			}
		})
	}
}

func TestCostUnknown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, capture string
		args          []string
		reason        string
	}{
		{"model not in the table", "vllm/chat-crusoe-vllm-include-usage.sse", nil,
			`model "meta-llama/Llama-3.3-70B-Instruct" is not in the price table of 2026-09-23 under provider "openai" (the format's vendor: --provider names the one that served it)`},
		{"model not in the table, provider given", "vllm/chat-crusoe-vllm-include-usage.sse", []string{"--provider", "groq"},
			`model "meta-llama/Llama-3.3-70B-Instruct" is not in the price table of 2026-09-23`},
		{"provider not in the table", "vllm/chat-crusoe-vllm-include-usage.sse", []string{"--provider", "vllm"},
			`provider "vllm" is not in the price table of 2026-09-23`},
		{"no usage", "azure-openai/chat-prompt-filter-results.sse", nil, "the stream carried no usage"},
		{"no model", "errors/anthropic-http-529-overloaded.sse", nil, "the stream names no model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := costOf(t, append(tc.args, "../testdata/captures/"+tc.capture)...)
			assert.Nil(t, c.USD)
			assert.Nil(t, c.Source)
			assert.Nil(t, c.PricesDate)
			assert.Nil(t, c.ModelMatched)
			require.NotNil(t, c.Reason)
			assert.Equal(t, tc.reason, *c.Reason)
		})
	}
}

// A provider cost is reported as given, never replaced by an estimate.
func TestCostFromTheProviderWins(t *testing.T) {
	t.Parallel()
	c := costOf(t, "../testdata/captures/perplexity/chat-citations-search-results-cost.sse")
	require.NotNil(t, c.Source)
	assert.Equal(t, "provider", *c.Source)
	assert.Nil(t, c.PricesDate)
	assert.Nil(t, c.ModelMatched)
}

// --estimate-tokens: the output tokens counted by the tokenizer are priced,
// and the reason says that the input is not. gpt-4o output 10 per million:
// "Hallo Welt!" is 3 o200k_base tokens, 3×10/1e6.
func TestCostOfEstimatedTokens(t *testing.T) {
	t.Parallel()
	c := costOf(t, "--estimate-tokens", "../testdata/captures/azure-openai/chat-prompt-filter-results.sse")
	require.NotNil(t, c.USD, "reason: %v", c.Reason)
	assert.InDelta(t, 30e-6, *c.USD, 1e-12)
	require.NotNil(t, c.Reason)
	assert.Equal(t, "the output tokens are estimated (o200k_base); the input tokens are not in the capture and are not priced", *c.Reason)
}

// --prices FILE: another table of the same shape; a bad one is an error
// (exit 2) that names the file and what is wrong, before any capture is
// read.
func TestPricesFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"prices.json": `[{"id":"acme","model_match":{"equals":"m"},"models":[{"id":"m","match":{"equals":"m"},"prices":{"input_mtok":1000,"output_mtok":2000}}]}]`,
		"bad.json":    `[{"id":"acme","models":[{"id":"m","prices":{"input_mtok":1}}]}]`,
		"notjson.txt": `input_mtok = 1`,
		"a.sse":       `data: {"id":"chatcmpl-a","model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4}}` + "\n\ndata: [DONE]\n\n",
	})
	// 3×1000 + 4×2000 per million; a loaded table has no date. The
	// provider is acme: the format's vendor, openai, is not in the table.
	c := costOf(t, "--prices", filepath.Join(dir, "prices.json"), "--provider", "acme", filepath.Join(dir, "a.sse"))
	require.NotNil(t, c.USD, "reason: %v", c.Reason)
	assert.InDelta(t, 0.011, *c.USD, 1e-12)
	assert.Nil(t, c.PricesDate)
	require.NotNil(t, c.ModelMatched)
	assert.Equal(t, "m", *c.ModelMatched)

	c = costOf(t, "--prices", filepath.Join(dir, "prices.json"), filepath.Join(dir, "a.sse"))
	assert.Nil(t, c.USD)
	require.NotNil(t, c.Reason)
	assert.Equal(t, `provider "openai" is not in the price table (the format's vendor: --provider names the one that served it)`, *c.Reason)

	// Without it, the embedded table does not know model "m".
	c = costOf(t, filepath.Join(dir, "a.sse"))
	assert.Nil(t, c.USD)

	for _, tc := range []struct{ file, stderr string }{
		{"bad.json", `sseinspect: --prices $DIR/bad.json: bad price table: provider "acme" model "m": no match clause` + "\n"},
		{"notjson.txt", "sseinspect: --prices $DIR/notjson.txt: bad price table: want a JSON array of providers: invalid character 'i' looking for beginning of value\n"},
		{"missing.json", "sseinspect: --prices: open $DIR/missing.json: no such file or directory\n"},
	} {
		for _, cmd := range [][]string{{"summarize", "--json"}, {"summarize"}, {"golden"}, {"diff"}} {
			args := append(append([]string{}, cmd...), "--prices", filepath.Join(dir, tc.file), filepath.Join(dir, "a.sse"))
			if cmd[0] == "diff" {
				args = append(args, filepath.Join(dir, "a.sse"))
			}
			stdout, stderr, code := run{args: args}.do(t)
			assert.Equal(t, 2, code, "%v", args)
			assert.Empty(t, stdout, "%v", args)
			assert.Equal(t, tc.stderr, strings.ReplaceAll(stderr, dir, "$DIR"), "%v", args)
		}
	}
}

// check --max-cost: against the reported or estimated cost; an unknown
// cost is an error, never a pass. gpt-4o-mini, 53 in and 15 out: $0.00001695.
func TestCheckMaxCost(t *testing.T) {
	t.Parallel()
	const capture = "../testdata/captures/openai/chat-tool-call-incremental-arguments.sse"
	for _, tc := range []run{
		{args: []string{"check", "--max-cost", "0.0001", capture}, code: 0,
			stdout: "PASS " + capture + " (1 assertion)\n"},
		{args: []string{"check", "--max-cost", "0.00001", capture}, code: 1,
			stdout: "FAIL --max-cost 0.00001: cost is $0.00001695 (price-table, gpt-4o-mini)\nFAIL " + capture + " (1 of 1 assertion failed)\n"},
		{args: []string{"check", "--max-cost", "1", "../testdata/captures/vllm/chat-crusoe-vllm-include-usage.sse"}, code: 2,
			stderr: `sseinspect: ../testdata/captures/vllm/chat-crusoe-vllm-include-usage.sse: --max-cost 1: its cost is not known (model "meta-llama/Llama-3.3-70B-Instruct" is not in the price table of 2026-09-23 under provider "openai" (the format's vendor: --provider names the one that served it))` + "\n"},
		{args: []string{"check", "--max-cost", "0", capture}, code: 2,
			stderr: "sseinspect: --max-cost: must be a positive number of dollars, got 0\nRun 'sseinspect --help' for usage.\n"},
		{args: []string{"check", "--max-cost", "-1", capture}, code: 2,
			stderr: "sseinspect: --max-cost: must be a positive number of dollars, got -1\nRun 'sseinspect --help' for usage.\n"},
	} {
		stdout, stderr, code := tc.do(t)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		assert.Equal(t, tc.stdout, stdout, "%v", tc.args)
		assert.Equal(t, tc.stderr, stderr, "%v", tc.args)
	}
}

// The totals line of a directory sums the same costs as the JSON
// summaries, Responses' searches included (the two-line summary keeps no
// text, but keeps the server tool calls when the totals need them):
// 0.01828875 (gpt-5, one web search) + 0.0058125 (gpt-4o, one file search)
// + nothing for a capture without usage.
func TestTotalsLineCost(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{}
	for _, name := range []string{"openai/responses-web-search-cached-tokens.sse", "openai/responses-file-search-file-citation.sse", "azure-openai/chat-prompt-filter-results.sse"} {
		b, err := os.ReadFile("../testdata/captures/" + name)
		require.NoError(t, err)
		files[filepath.Base(name)] = string(b)
	}
	writeFiles(t, dir, files)
	stdout, stderr, code := run{args: []string{"summarize", dir}}.do(t)
	require.Less(t, code, 2, stderr)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	assert.Equal(t, "captures: 3  failed: 0  incomplete: 0  in: 10640  out: 619  cost: $0.024101 (1 without)", lines[len(lines)-1])
}

// Ollama's native format: provider "ollama" is not in the table, and a
// local deepseek-r1:1.5b is not priced as DeepSeek's hosted model.
func TestCostUnknownProvider(t *testing.T) {
	t.Parallel()
	c := costOf(t, "../testdata/captures/ollama/generate-deepseek-r1-think-tags-in-response.ndjson")
	assert.Nil(t, c.USD)
	require.NotNil(t, c.Reason)
	assert.Equal(t, `provider "ollama" is not in the price table of 2026-09-23 (the format's vendor: --provider names the one that served it)`, *c.Reason)
}

// proxy --json prices its summaries; --prices is checked before it listens,
// and asks for --json (the two-line summary shows no cost).
func TestProxyPricesFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"bad.json": `[]`})
	for _, tc := range []run{
		{args: []string{"proxy", "--upstream", "http://127.0.0.1:1", "--json", "--prices", filepath.Join(dir, "bad.json")}, code: 2,
			stderr: "sseinspect: --prices $DIR/bad.json: bad price table: no providers\n"},
		{args: []string{"proxy", "--upstream", "http://127.0.0.1:1", "--prices", filepath.Join(dir, "bad.json")}, code: 2,
			stderr: "sseinspect: --prices needs --json (the two-line summary shows no cost)\nRun 'sseinspect --help' for usage.\n"},
	} {
		stdout, stderr, code := tc.do(t)
		assert.Equal(t, tc.code, code, "%v", tc.args)
		assert.Empty(t, stdout)
		assert.Equal(t, tc.stderr, strings.ReplaceAll(stderr, dir, "$DIR"), "%v", tc.args)
	}
}

// A HAR file is priced at its entry's startedDateTime, never at the Unix
// epoch its times counted from before (a curl trace still does, and is
// priced at the table's date). o3's prices fell from 10/40 to 2/8 per
// million on 2025-06-10: 1000 in and 1000 out cost 0.01 in 2026, 0.05 in
// January 2025, and would cost 0.05 at 1970's prices too. Hand-made stream
// and HAR files.
func TestCostOfAHARIsNotAt1970(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stream := `data: {"id":"c1","object":"chat.completion.chunk","model":"o3","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]}` + "\n\n" +
		`data: {"id":"c1","object":"chat.completion.chunk","model":"o3","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n" +
		`data: {"id":"c1","object":"chat.completion.chunk","model":"o3","choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":1000,"total_tokens":2000}}` + "\n\n" +
		"data: [DONE]\n\n"
	text, err := json.Marshal(stream)
	require.NoError(t, err)
	har := `{"log":{"version":"1.2","entries":[{"startedDateTime":"2026-03-04T05:06:07.000Z","time":900,` +
		`"request":{"method":"POST","url":"https://api.openai.com/v1/chat/completions"},` +
		`"response":{"status":200,"headers":[{"name":"content-type","value":"text/event-stream"}],"content":{"mimeType":"text/event-stream","text":` + string(text) + `}},` +
		`"timings":{"send":1,"wait":400,"receive":499}}]}}`
	har2025 := strings.Replace(har, "2026-03-04T05:06:07.000Z", "2025-01-02T03:04:05.000Z", 1)
	writeFiles(t, dir, map[string]string{"o3.sse": stream, "o3.har": har, "o3-2025.har": har2025})
	plain := costOf(t, filepath.Join(dir, "o3.sse"))
	require.NotNil(t, plain.USD, "%+v", plain)
	assert.InDelta(t, 0.01, *plain.USD, 1e-12)
	fromHAR := costOf(t, filepath.Join(dir, "o3.har"))
	require.NotNil(t, fromHAR.USD, "%+v", fromHAR)
	assert.InDelta(t, 0.01, *fromHAR.USD, 1e-12, "the prices of 1970 (the first set) were used")
	from2025 := costOf(t, filepath.Join(dir, "o3-2025.har"))
	require.NotNil(t, from2025.USD, "%+v", from2025)
	assert.InDelta(t, 0.05, *from2025.USD, 1e-12, "the prices in force at startedDateTime")
}
