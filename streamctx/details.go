package streamctx

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// This file holds what a stream carries beyond text, thinking, client tool
// calls and the six token keys: server-side tool calls, citations, billed
// quantities outside the token keys (usage details), the cost the provider
// reported, and the provider's own timings. Like the text, they are kept
// only with Options.CollectText (the two-line summary shows none of them),
// except the usage details, the provider cost and timings, which are kept
// always: they are few and small, and a price estimate needs them.

// ServerToolCall is one tool the provider ran itself (web search, code
// execution, an MCP call...), assembled from its fragments.
type ServerToolCall struct {
	Type   string // the wire type: "server_tool_use", "web_search_call"...
	Name   string
	ID     string
	input  strings.Builder
	Status string // see ServerToolCallSnapshot
	Error  string
}

// Input returns the input assembled so far.
func (t *ServerToolCall) Input() string { return t.input.String() }

// ServerToolCallSnapshot is a server tool call as the JSON summary shows it.
// Status is the provider's status where it gives one ("completed",
// "failed", "incomplete"...), else "completed" when a result arrived, else
// null; Error is the error code or message of a result that reports an
// error, else null. Results themselves are not copied.
type ServerToolCallSnapshot struct {
	Type   string  `json:"type"`
	Name   string  `json:"name"`
	ID     string  `json:"id"`
	Input  string  `json:"input"`
	Status *string `json:"status"`
	Error  *string `json:"error"`
}

// ServerTool returns the server tool call of key (the parser's own key:
// an id, a block index), made on first use, in stream order; nil when the
// Context keeps no server tool calls (KeepsServerTools), so that callers
// write `if t := sc.ServerTool(k); t != nil`.
func (sc *Context) ServerTool(key string) *ServerToolCall {
	if !sc.KeepsServerTools() {
		return nil
	}
	if i, ok := sc.serverToolKeys[key]; ok {
		return sc.serverTools[i]
	}
	if sc.serverToolKeys == nil {
		sc.serverToolKeys = make(map[string]int)
	}
	t := &ServerToolCall{}
	sc.serverToolKeys[key] = len(sc.serverTools)
	sc.serverTools = append(sc.serverTools, t)
	sc.keep(ToolCallCost + len(key))
	return t
}

// AppendServerToolInput adds a fragment of the call's input (a JSON text).
func (sc *Context) AppendServerToolInput(t *ServerToolCall, s string) {
	t.input.WriteString(s)
	sc.keep(len(s))
}

// SetServerToolInput replaces the call's input with s, its complete text
// (a "done" event after the fragments).
func (sc *Context) SetServerToolInput(t *ServerToolCall, s string) {
	c := t.input.Cap()
	t.input.Reset()
	t.input.WriteString(s)
	sc.keep(t.input.Cap() - c)
}

// Citation is one cited source, as the JSON summary shows it. Source names
// the wire field or citation type it came from ("url_citation",
// "web_search_result_location", "citations", "search_results",
// "groundingChunks"...). URL is null for a file citation, FileID null for
// any other.
type Citation struct {
	URL    *string `json:"url"`
	Title  *string `json:"title"`
	Source string  `json:"source"`
	FileID *string `json:"file_id"`
}

// AddCitation records a cited source: url or fileID identifies it (a
// citation with neither is ignored), and the first citation of a source
// is kept (deduplicated, in first-seen order). Kept only with
// Options.CollectText.
func (sc *Context) AddCitation(url, title, source, fileID string) {
	if !sc.opts.CollectText || (url == "" && fileID == "") {
		return
	}
	key := url + "\x00" + fileID
	if sc.citationKeys[key] {
		return
	}
	if sc.citationKeys == nil {
		sc.citationKeys = make(map[string]bool)
	}
	sc.citationKeys[key] = true
	sc.citations = append(sc.citations, Citation{URL: strPtr(url), Title: strPtr(title), Source: source, FileID: strPtr(fileID)})
	sc.keep(ToolCallCost + len(url) + len(title) + len(fileID))
}

// UsageDetails are the billed quantities a stream carried outside the six
// token keys, by the provider's own name for them: a dotted path into its
// usage object ("prompt_tokens_details.audio_tokens",
// "server_tool_use.web_search_requests", "toolUsePromptTokenCount"), in
// first-seen order. A value is a JSON value as the provider gave it: a
// non-negative integer for a count, or an array or object (Anthropic's
// usage.iterations).
type UsageDetails []UsageDetail

// UsageDetail is one entry of UsageDetails.
type UsageDetail struct {
	Key   string
	Value json.RawMessage
}

// MarshalJSON writes the details as one JSON object, in order.
func (d UsageDetails) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range d {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(e.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(e.Value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Int returns the value of key as an integer, and whether it is one.
func (d UsageDetails) Int(key string) (int64, bool) {
	for _, e := range d {
		if e.Key == key {
			var n int64
			if json.Unmarshal(e.Value, &n) != nil {
				return 0, false
			}
			return n, true
		}
	}
	return 0, false
}

// SetUsageDetail sets a count of the usage details (see UsageDetails): a
// later report of the same key replaces the earlier one, as usage reports
// do. A negative count is not kept, and warned about.
func (sc *Context) SetUsageDetail(key string, n int64) {
	if n < 0 {
		sc.Warn("usage %s is negative (%d): left out", key, n)
		return
	}
	sc.setUsageDetail(key, strconv.AppendInt(nil, n, 10))
}

// SetUsageDetailJSON sets a usage detail to a JSON value as the provider
// gave it (an array or object); raw is copied, compacted. A value that is
// not valid JSON is not kept, and warned about.
func (sc *Context) SetUsageDetailJSON(key string, raw []byte) {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		sc.Warn("usage %s is not valid JSON: left out", key)
		return
	}
	sc.setUsageDetail(key, b.Bytes())
}

func (sc *Context) setUsageDetail(key string, v json.RawMessage) {
	for i := range sc.usageDetails {
		if sc.usageDetails[i].Key == key {
			sc.usageDetails[i].Value = v
			return
		}
	}
	sc.usageDetails = append(sc.usageDetails, UsageDetail{Key: key, Value: v})
}

// UsageDetails returns the usage details so far (shared: do not modify).
func (sc *Context) UsageDetails() UsageDetails { return sc.usageDetails }

// Cost is the "cost" object of the JSON summary: what the stream cost in
// US dollars, and where that figure comes from. USD and Source are null
// when it is unknown, and Reason then says why. Source is "provider" (the
// stream reported it: OpenRouter's or Perplexity's usage.cost...) or
// "price-table" (estimated from the token counts and a price table,
// PricesDate naming the table's date and ModelMatched the model it
// matched). ProviderField names the member a provider cost came from.
type Cost struct {
	USD           *float64 `json:"usd"`
	Source        *string  `json:"source"`
	PricesDate    *string  `json:"prices_date"`
	ModelMatched  *string  `json:"model_matched"`
	ProviderField *string  `json:"provider_field"`
	Reason        *string  `json:"reason"`
}

// SetProviderCost records the cost the stream reported, in US dollars,
// from the member field ("usage.cost"). A cost that is negative, not
// finite or above a million dollars cannot be right: it is warned about
// and not kept.
func (sc *Context) SetProviderCost(usd float64, field string) {
	if math.IsNaN(usd) || math.IsInf(usd, 0) || usd < 0 || usd > 1e6 {
		sc.Warn("%s %v cannot be a cost in dollars: left out", field, usd)
		return
	}
	sc.providerCost, sc.providerCostField = usd, field
	sc.providerCostSet = true
}

// ProviderCost returns the cost the stream reported, the member it came
// from, and whether there was one.
func (sc *Context) ProviderCost() (usd float64, field string, ok bool) {
	return sc.providerCost, sc.providerCostField, sc.providerCostSet
}

// ProviderLatency is "latency.provider" of the JSON summary: the timings
// the provider reported in the stream (Groq's x_groq.usage, Cerebras'
// time_info, llama.cpp's timings, Ollama's durations, Bedrock's
// metrics.latencyMs), in milliseconds, never mixed with the times
// sseinspect measured. Source names the member they came from; a field is
// null when the provider did not give it. LoadMs is the time the server
// took to load the model (Ollama's load_duration).
type ProviderLatency struct {
	QueueMs          *float64 `json:"queue_ms"`
	LoadMs           *float64 `json:"load_ms"`
	PromptMs         *float64 `json:"prompt_ms"`
	GenerationMs     *float64 `json:"generation_ms"`
	TotalMs          *float64 `json:"total_ms"`
	OutputTokensPerS *float64 `json:"output_tokens_per_s"`
	Source           string   `json:"source"`
}

// MaxProviderRate is the highest decode rate, in tokens a second, that
// a provider's timings are believed for: no model decodes faster.
const MaxProviderRate = 1e6

// SetProviderLatency records the provider's timings (a later report
// replaces an earlier one). A field that is negative or not finite, or a
// rate over MaxProviderRate, cannot be right: it is warned about and left
// null.
func (sc *Context) SetProviderLatency(p ProviderLatency) {
	for _, f := range []**float64{&p.QueueMs, &p.LoadMs, &p.PromptMs, &p.GenerationMs, &p.TotalMs, &p.OutputTokensPerS} {
		if *f != nil && (math.IsNaN(**f) || math.IsInf(**f, 0) || **f < 0) {
			sc.Warn("%s: a provider timing of %v cannot be right: left out", p.Source, **f)
			*f = nil
		}
	}
	if r := p.OutputTokensPerS; r != nil && *r > MaxProviderRate {
		sc.Warn("%s: a provider rate of %v tokens/s cannot be right: left out", p.Source, *r)
		p.OutputTokensPerS = nil
	}
	sc.providerLatency = &p
}

// Ms returns a pointer to a duration in milliseconds, for ProviderLatency.
func Ms(v float64) *float64 { return &v }
