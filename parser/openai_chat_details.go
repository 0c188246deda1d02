package parser

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"github.com/sseinspect/sseinspect/streamctx"
)

// This file holds what a chat stream carries beyond text, reasoning, client
// tool calls and the six token keys: usage details, the provider's cost and
// timings (always decoded: they are small and come once, or once a chunk
// for Perplexity), and citations and server tool calls (decoded only when
// the stream context keeps the text; a member of another shape is then
// ignored without a warning, so that the summary does not depend on
// whether the text is kept).

// chatUsageDetails records what a usage object (at path: "usage" or
// "x_groq.usage") carries outside the six token keys, in the order of its
// members:
//
//   - every integer member, and every integer member of a nested object
//     (prompt_tokens_details.audio_tokens, completion_tokens_details.
//     accepted_prediction_tokens, server_tool_use_details.
//     web_search_requests, Perplexity's citation_tokens, xAI's
//     num_sources_used, Databricks' cache_read_input_tokens...), under its
//     dotted path, but for the members the token keys read;
//   - cost: OpenRouter's usage.cost is a number of dollars, the provider
//     cost, as is xAI's cost_in_usd_ticks divided by 10^10; Perplexity's is an object whose total_cost is the provider cost,
//     and which is kept whole as the usage detail "cost", as
//     OpenRouter's cost_details is (the breakdowns, as given);
//   - Groq's queue_time, prompt_time, completion_time and total_time, the
//     provider timings.
//
// is_byok (OpenRouter) is a flag and search_context_size (Perplexity) a
// word, not quantities: they are left out (Perplexity's cost object shows
// the request fee that the latter sets).
//
// Databricks sends Anthropic's cache_read_input_tokens and
// cache_creation_input_tokens inside an OpenAI usage object; its API
// reference documents prompt_tokens, completion_tokens and total_tokens
// only, so whether prompt_tokens counts them is not known: they stay usage
// details and do not fill cached_tokens or cache_creation_tokens.
func chatUsageDetails(sc *streamctx.Context, path string, raw []byte) {
	var timing chatTiming
	chatMembers(raw, func(key string, v json.RawMessage) {
		switch key {
		case "prompt_tokens", "completion_tokens", "total_tokens",
			"cached_tokens", "prompt_cache_hit_tokens", // cached_tokens
			"is_byok":
			return
		case "queue_time", "prompt_time", "completion_time", "total_time":
			timing.set(key, v)
			return
		case "cost":
			chatCost(sc, path, v)
			return
		case "cost_in_usd_ticks": // xAI: 1 USD = 10^10 ticks (docs.x.ai, Cost Tracking)
			if n, ok := chatInt(v); ok {
				sc.SetProviderCost(float64(n)/1e10, path+".cost_in_usd_ticks")
			}
			return
		case "cost_details":
			if v[0] == '{' {
				sc.SetUsageDetailJSON(key, v)
			}
			return
		}
		switch v[0] {
		case '{':
			chatMembers(v, func(sub string, v json.RawMessage) {
				switch key + "." + sub {
				case "prompt_tokens_details.cached_tokens", "completion_tokens_details.reasoning_tokens":
					return // cached_tokens, reasoning_tokens
				}
				if n, ok := chatInt(v); ok {
					sc.SetUsageDetail(key+"."+sub, n)
				}
			})
		default:
			if n, ok := chatInt(v); ok {
				sc.SetUsageDetail(key, n)
			}
		}
	})
	// Groq: in seconds. Its API reference names them only ("Time spent
	// generating tokens"...); the values show the unit: the capture
	// groq/chat-x-groq-usage-reasoning.sse has completion_time
	// 0.125333784 for 58 tokens.
	timing.report(sc, path, 1000)
}

// chatCost records a usage object's cost member.
func chatCost(sc *streamctx.Context, path string, v json.RawMessage) {
	switch v[0] {
	case '{': // Perplexity: input_tokens_cost, ..., total_cost
		sc.SetUsageDetailJSON("cost", v)
		var c struct {
			TotalCost *float64 `json:"total_cost"`
		}
		if json.Unmarshal(v, &c) == nil && c.TotalCost != nil {
			sc.SetProviderCost(*c.TotalCost, path+".cost.total_cost")
		}
	case 'n':
	default: // OpenRouter: dollars
		var usd float64
		if json.Unmarshal(v, &usd) == nil {
			sc.SetProviderCost(usd, path+".cost")
		}
	}
}

// chatTiming holds a provider's timing members, as numbers.
type chatTiming struct {
	queue, prompt, generation, total, rate *float64
}

// set reads the timing member key (Groq's and Cerebras' names, llama.cpp's
// prompt_ms, predicted_ms and predicted_per_second); a value that is not a
// number is ignored.
func (t *chatTiming) set(key string, v json.RawMessage) {
	var f float64
	if json.Unmarshal(v, &f) != nil || v[0] == 'n' {
		return
	}
	switch key {
	case "queue_time":
		t.queue = &f
	case "prompt_time", "prompt_ms":
		t.prompt = &f
	case "completion_time", "predicted_ms":
		t.generation = &f
	case "total_time":
		t.total = &f
	case "predicted_per_second":
		t.rate = &f
	}
}

// report records the timings, scaled to milliseconds by toMs, from source,
// when there is any.
func (t *chatTiming) report(sc *streamctx.Context, source string, toMs float64) {
	if t.queue == nil && t.prompt == nil && t.generation == nil && t.total == nil && t.rate == nil {
		return
	}
	ms := func(f *float64) *float64 {
		if f == nil {
			return nil
		}
		// Rounded to the nanosecond: a float product would show
		// 0.87677 s as 876.7700000000001 ms.
		return streamctx.Ms(math.Round(*f*toMs*1e6) / 1e6)
	}
	sc.SetProviderLatency(streamctx.ProviderLatency{
		QueueMs: ms(t.queue), PromptMs: ms(t.prompt), GenerationMs: ms(t.generation), TotalMs: ms(t.total),
		OutputTokensPerS: t.rate, Source: source,
	})
}

// chatTimeInfo records Cerebras' time_info: queue_time, prompt_time,
// completion_time and total_time, in seconds (cerebras-cloud-sdk-python,
// ChatChunkResponseTimeInfo: "All times are measured in seconds").
func chatTimeInfo(sc *streamctx.Context, raw json.RawMessage) {
	var t chatTiming
	chatMembers(raw, t.set)
	t.report(sc, "time_info", 1000)
}

// chatTimings records llama.cpp's timings (llama-server): prompt_ms and
// predicted_ms are milliseconds and predicted_per_second the generation
// rate, as their names say (tools/server/README.md); llama.cpp gives no
// queue or total time.
func chatTimings(sc *streamctx.Context, raw json.RawMessage) {
	var t chatTiming
	chatMembers(raw, func(key string, v json.RawMessage) {
		switch key {
		case "prompt_ms", "predicted_ms", "predicted_per_second":
			t.set(key, v)
		}
	})
	t.report(sc, "timings", 1)
}

// chatMembers calls member for each member of the JSON object raw, in
// order, with its value; anything but an object calls it for none.
func chatMembers(raw []byte, member func(key string, v json.RawMessage)) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return
		}
		key, _ := t.(string)
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return
		}
		if len(v) > 0 {
			member(key, v)
		}
	}
}

// chatInt returns v as an integer, when it is a JSON integer.
func chatInt(v json.RawMessage) (int64, bool) {
	n, err := strconv.ParseInt(string(v), 10, 64)
	return n, err == nil
}

// chatCitations records a chunk's citations: Perplexity's and xAI's
// top-level citations (a list of urls) and Perplexity's search_results
// (title, url, date...). Perplexity repeats both on every chunk: a list
// equal to the last one read is not read again.
func (p *openAIChat) chatCitations(sc *streamctx.Context, c *chatChunk) {
	// search_results first: they carry the titles of the same urls.
	if chatNonEmpty(c.SearchResults) && !bytes.Equal(c.SearchResults, p.lastSearchResults) {
		p.lastSearchResults = append(p.lastSearchResults[:0], c.SearchResults...)
		var results []struct {
			URL   string `json:"url"`
			Title string `json:"title"`
		}
		if json.Unmarshal(c.SearchResults, &results) == nil {
			for _, r := range results {
				sc.AddCitation(r.URL, r.Title, "search_results", "")
			}
		}
	}
	if chatNonEmpty(c.Citations) && !bytes.Equal(c.Citations, p.lastCitations) {
		p.lastCitations = append(p.lastCitations[:0], c.Citations...)
		var urls []string
		if json.Unmarshal(c.Citations, &urls) == nil {
			for _, u := range urls {
				sc.AddCitation(u, "", "citations", "")
			}
		}
	}
}

// chatAnnotations records a delta's annotations: url_citation (OpenAI's
// search models, OpenRouter's web plugin) carries a url and a title. Other
// types (Groq's document_citation and function_citation) name no source
// that a citation could show.
func chatAnnotations(sc *streamctx.Context, raw json.RawMessage) {
	var list []struct {
		Type        string `json:"type"`
		URLCitation *struct {
			URL   string `json:"url"`
			Title string `json:"title"`
		} `json:"url_citation"`
	}
	if json.Unmarshal(raw, &list) != nil {
		return
	}
	for _, a := range list {
		if a.Type == "url_citation" && a.URLCitation != nil {
			sc.AddCitation(a.URLCitation.URL, a.URLCitation.Title, a.Type, "")
		}
	}
}

// chatExecutedTool is one entry of Groq's executed_tools (groq-python
// ExecutedTool): the tools a compound system ran itself. An entry comes
// first with its arguments, then again, under the same index, with its
// output.
type chatExecutedTool struct {
	Index     *int            `json:"index"`
	Type      string          `json:"type"`
	Arguments chatText        `json:"arguments"`
	Output    json.RawMessage `json:"output"`
}

// chatExecutedTools records Groq's executed_tools as server tool calls:
// type "executed_tools", named by the entry's type ("search"...), input
// its arguments, completed once an output arrives. Entries without index
// are keyed by position.
func chatExecutedTools(sc *streamctx.Context, raw json.RawMessage) {
	var list []chatExecutedTool
	if json.Unmarshal(raw, &list) != nil {
		return
	}
	for i, e := range list {
		key := i
		if e.Index != nil {
			key = *e.Index
		}
		t := sc.ServerTool("executed_tools:" + strconv.Itoa(key))
		if t == nil {
			return
		}
		t.Type = "executed_tools"
		if e.Type != "" {
			t.Name = e.Type
		}
		if t.Input() == "" {
			sc.AppendServerToolInput(t, string(e.Arguments))
		}
		if chatNonEmpty(e.Output) {
			t.Status = "completed"
		}
	}
}
