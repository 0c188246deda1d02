package pricing

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Usage is what one stream billed, in sseinspect's terms (the six token keys
// of the summary).
//
// The mapping to genai-prices' usage keys (whose input_tokens counts every
// input token, cache reads and writes included, and whose output_tokens
// counts reasoning):
//
//	input_tokens            = Input + CacheRead + CacheWrite when InputExcludesCache (Anthropic), else Input (OpenAI prompt_tokens, Responses input_tokens, Gemini promptTokenCount already hold the cache)
//	cache_read_tokens       = CacheRead  (cached_tokens)
//	cache_write_tokens      = CacheWrite (cache_creation_tokens)
//	output_tokens           = Output     (output_tokens, reasoning included)
//	output_reasoning_tokens = Reasoning  (reasoning_tokens: priced apart only where the model has a reasoning price, else billed as output)
//
// Extra holds the billed quantities outside those six: sseinspect's
// usage_details by the provider's name (see detailKeys:
// "server_tool_use.web_search_requests", "promptTokensDetails.AUDIO",
// "toolUsePromptTokenCount", …) or a genai-prices usage key
// (input_audio_tokens, cache_write_1h_tokens, web_searches, …). A token
// count in Extra is a part of its total, as in genai-prices:
// input_audio_tokens is part of the input, cache_write_1h_tokens part of
// CacheWrite; only toolUsePromptTokenCount (billed input outside Gemini's
// promptTokenCount) adds to the input. Quantities the model has no price for
// and names neither list knows are reported in Cost.Unpriced.
type Usage struct {
	Input, CacheRead, CacheWrite, Output, Reasoning int64
	InputExcludesCache                              bool
	Extra                                           map[string]int64
}

// detailKeys maps the names of sseinspect's usage_details (the provider's
// dotted paths) to the genai-prices usage keys they count toward, as the
// extractors of genai-prices' data map those fields. A key of the registry
// itself (input_audio_tokens, web_searches, …) maps to itself. Gemini's
// toolUsePromptTokenCount is billed input that promptTokenCount leaves out,
// so it adds to input_tokens too. An empty list: a part of a total, billed
// with it, with no price of its own.
var detailKeys = map[string][]string{
	"server_tool_use.web_search_requests": {"web_searches"},
	"web_search_requests":                 {"web_searches"},
	// OpenRouter's web plugin (server_tool_use_details in a chat usage).
	"server_tool_use_details.web_search_requests": {"web_searches"},
	// ... and its counts of the tool calls the model requested and
	// OpenRouter executed, which are not billed themselves (the searches
	// they make are, above).
	"server_tool_use_details.tool_calls_requested": {},
	"server_tool_use_details.tool_calls_executed":  {},
	"cache_creation.ephemeral_5m_input_tokens":     {"cache_write_5m_tokens"},
	"cache_creation.ephemeral_1h_input_tokens":     {"cache_write_1h_tokens"},
	"ephemeral_5m_input_tokens":                    {"cache_write_5m_tokens"},
	"ephemeral_1h_input_tokens":                    {"cache_write_1h_tokens"},
	"prompt_tokens_details.audio_tokens":           {"input_audio_tokens"},
	"completion_tokens_details.audio_tokens":       {"output_audio_tokens"},
	"prompt_tokens_details.text_tokens":            {"input_text_tokens"},
	"prompt_tokens_details.image_tokens":           {"input_image_tokens"},
	"completion_tokens_details.text_tokens":        {"output_text_tokens"},
	"completion_tokens_details.image_tokens":       {"output_image_tokens"},
	// Anthropic's web fetch has no charge beyond the tokens it brings in
	// (platform.claude.com, web fetch tool: "Web fetch usage has no
	// additional charges beyond standard token costs").
	"server_tool_use.web_fetch_requests": {},
	"web_fetch_requests":                 {},
	// OpenRouter: the cache writes among prompt_tokens.
	"prompt_tokens_details.cache_write_tokens": {"cache_write_tokens"},
	// DeepSeek: prompt_tokens = prompt_cache_hit_tokens (cached_tokens) +
	// prompt_cache_miss_tokens, billed as input.
	"prompt_cache_miss_tokens": {},
	// Parts of completion_tokens, billed as output, with no price of their own.
	"completion_tokens_details.accepted_prediction_tokens": {},
	"completion_tokens_details.rejected_prediction_tokens": {},
	"toolUsePromptTokenCount":                              {"input_tokens", "input_tool_tokens"},
	"promptTokensDetails.AUDIO":                            {"input_audio_tokens"},
	"promptTokensDetails.IMAGE":                            {"input_image_tokens"},
	"promptTokensDetails.DOCUMENT":                         {"input_image_tokens"},
	"promptTokensDetails.VIDEO":                            {"input_video_tokens"},
	"candidatesTokensDetails.AUDIO":                        {"output_audio_tokens"},
	"candidatesTokensDetails.IMAGE":                        {"output_image_tokens"},
	"candidatesTokensDetails.DOCUMENT":                     {"output_image_tokens"},
	"candidatesTokensDetails.VIDEO":                        {"output_video_tokens"},
	"cacheTokensDetails.AUDIO":                             {"cache_audio_read_tokens"},
	"cacheTokensDetails.IMAGE":                             {"cache_image_read_tokens"},
	"cacheTokensDetails.DOCUMENT":                          {"cache_image_read_tokens"},
	"cacheTokensDetails.VIDEO":                             {"cache_video_read_tokens"},
	"toolUsePromptTokensDetails.AUDIO":                     {"input_audio_tokens", "input_audio_tool_tokens"},
	"toolUsePromptTokensDetails.IMAGE":                     {"input_image_tokens", "input_image_tool_tokens"},
	"toolUsePromptTokensDetails.DOCUMENT":                  {"input_image_tokens", "input_image_tool_tokens"},
	"toolUsePromptTokensDetails.VIDEO":                     {"input_video_tokens", "input_video_tool_tokens"},
}

// Cost is an estimate, in the shape of the summary's cost key.
type Cost struct {
	USD    *float64 // nil when it cannot be estimated (see Reason)
	Source *string  // "price-table" when USD is set
	// PricesDate is the date of the table's prices ("" when unknown).
	PricesDate string
	// ModelMatched is the id of the table's model that priced the stream,
	// ProviderMatched the id of the provider whose data holds it.
	ModelMatched, ProviderMatched *string
	// Unpriced lists the quantities (> 0) the model has no price for, by
	// usage key, sorted: they are not in USD.
	Unpriced []string
	// Reason says why USD is nil: no model, no usage, model not in the table,
	// inconsistent usage.
	Reason string
	// TimeOfDay says that the model's prices depend on the time of day
	// (off-peak windows) and Estimate was given no time: USD is at the
	// prices outside every window.
	TimeOfDay bool
	// LaterPrices, when Estimate was given no time, is the first date
	// after the table's date from which the model has other prices:
	// USD is at the prices in force on the table's date.
	LaterPrices string

	notFound        bool // the model is not in the table
	providerUnknown bool // nor the provider
}

const sourcePriceTable = "price-table"

// Estimate prices usage u of model, served by provider (sseinspect's provider
// name: --provider or the format's vendor), with the prices in force at at
// (zero: those in force on the table's date, outside any time-of-day window,
// independent of the clock; for a table without a date, the newest).
//
// The model is looked up as genai-prices does: lower-cased, first among the
// models of the provider found by name (then of its fallback providers), then
// with a compact date suffix written with dashes (a provider the table does
// not know prices nothing); when that finds nothing
// (sseinspect's provider is often only the wire format's vendor, "openai" for
// every Chat Completions stream), among the models of the first provider
// whose model_match matches the model, as genai-prices does without a
// provider. Gemini's "models/" prefix is dropped first.
func (t *Table) Estimate(provider, model string, u Usage, at time.Time) Cost {
	c := Cost{PricesDate: t.date}
	id := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(model)), "models/")
	if id == "" {
		c.Reason = "the stream names no model"
		return c
	}
	usage, unknown, err := u.quantities(t.units)
	if err != nil {
		c.Reason = err.Error()
		return c
	}
	if len(usage) == 0 {
		c.Reason = "the stream carried no usage"
		return c
	}
	p, m, known := t.find(provider, id)
	if m == nil {
		c.Reason, c.notFound = fmt.Sprintf("model %q is not in the price table", model), true
		if !known {
			c.Reason, c.providerUnknown = fmt.Sprintf("provider %q is not in the price table", provider), true
		}
		if t.date != "" {
			c.Reason += " of " + t.date
		}
		return c
	}
	c.ModelMatched, c.ProviderMatched = &m.ID, &p.ID
	c.TimeOfDay = at.IsZero() && m.Prices.timeOfDay()
	var asOf time.Time
	if at.IsZero() && t.date != "" {
		if d, err := time.Parse(time.DateOnly, t.date); err == nil {
			asOf = d
			c.LaterPrices = m.Prices.laterStart(d)
		}
	}
	usd, unpriced, err := t.units.total(m.Prices.at(at, asOf), usage)
	if err != nil {
		c.Reason = "usage cannot be priced: " + err.Error()
		return c
	}
	src := sourcePriceTable
	c.USD, c.Source = &usd, &src
	c.Unpriced = append(unpriced, unknown...)
	sort.Strings(c.Unpriced)
	return c
}

// find looks the model up among the provider's models, else among those
// of the first provider whose model_match takes it. A provider named but
// not in the table (known false) is not looked past, as genai-prices does
// not: a model of a local server (Ollama's deepseek-r1:1.5b) would
// otherwise be priced as the hosted model its name resembles.
func (t *Table) find(providerName, id string) (p *provider, m *model, known bool) {
	if strings.TrimSpace(providerName) != "" {
		p = t.providerByName(providerName)
		if p == nil {
			return nil, nil, false
		}
		if q, m := t.modelIn(p, id); m != nil {
			return q, m, true
		}
	}
	if p := t.providerByModel(id); p != nil {
		q, m := t.modelIn(p, id)
		return q, m, true
	}
	return nil, nil, true
}

// quantities maps u to the usage keys of reg (see Usage), leaving out zeros.
// unknown lists the Extra names (> 0) that are no usage key.
func (u Usage) quantities(reg *registry) (usage map[string]float64, unknown []string, err error) {
	for name, v := range map[string]int64{"input": u.Input, "cache read": u.CacheRead,
		"cache write": u.CacheWrite, "output": u.Output, "reasoning": u.Reasoning} {
		if v < 0 {
			return nil, nil, fmt.Errorf("negative %s tokens (%d)", name, v)
		}
	}
	// The counts are not negative: a sum past MaxInt64 wraps below zero.
	cached := u.CacheRead + u.CacheWrite
	input := u.Input
	if u.InputExcludesCache {
		input += cached
	}
	if cached < 0 || input < 0 {
		return nil, nil, fmt.Errorf("token counts too large to sum (input %d, cache read %d, cache write %d)", u.Input, u.CacheRead, u.CacheWrite)
	}
	if cached > input {
		return nil, nil, fmt.Errorf("cached tokens (%d read + %d written) exceed the input tokens (%d)", u.CacheRead, u.CacheWrite, input)
	}
	if u.Reasoning > u.Output {
		return nil, nil, fmt.Errorf("reasoning tokens (%d) exceed the output tokens (%d)", u.Reasoning, u.Output)
	}
	usage = make(map[string]float64, 5+len(u.Extra))
	add := func(k string, v int64) {
		if v > 0 {
			usage[k] += float64(v)
		}
	}
	add("input_tokens", input)
	add("cache_read_tokens", u.CacheRead)
	add("cache_write_tokens", u.CacheWrite)
	add("output_tokens", u.Output)
	add("output_reasoning_tokens", u.Reasoning)
	for name, v := range u.Extra {
		if v < 0 {
			return nil, nil, fmt.Errorf("negative %s (%d)", name, v)
		}
		keys, ok := detailKeys[name]
		if _, known := reg.byUsage[name]; !ok && known && name != "requests" {
			keys, ok = []string{name}, true
		}
		if !ok {
			if v > 0 {
				unknown = append(unknown, name)
			}
			continue
		}
		for _, k := range keys {
			add(k, v)
		}
	}
	return usage, unknown, nil
}
