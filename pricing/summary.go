package pricing

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sseinspect/sseinspect/streamctx"
)

// Stream is a stream to price: its summary, and what the summary does not
// show.
type Stream struct {
	// Summary is the stream's summary: its model, provider, token keys,
	// usage_details, server_tool_calls and usage_source are priced.
	Summary *streamctx.Snapshot
	// InputExcludesCache says that the input tokens do not count the cache
	// (Anthropic: streamctx.Context.InputExcludesCache).
	InputExcludesCache bool
	// At is when the stream started, zero when unknown.
	At time.Time
	// ProviderIsVendor says that the summary's provider is only the wire
	// format's vendor (no --provider): a model not found says so.
	ProviderIsVendor bool
}

// SummaryCost is the summary's cost key for st, estimated with t (a cost
// the stream reported is the caller's to keep). Prices that changed over
// time are those in force at st.At; a zero At (a plain capture,
// --no-timing) means those in force on the table's date, outside any
// time-of-day window (DeepSeek's off-peak discount), and reason then says
// so for a model whose prices have such windows or change after that
// date. Priced are:
//
//   - the six token keys as the provider bills them (see Usage): the input
//     with the cache added when st.InputExcludesCache (Anthropic), cache
//     reads and writes at their own prices, reasoning at the output price
//     unless the model has one of its own;
//   - the integer usage_details by the provider's names (Usage.Extra):
//     Gemini's toolUsePromptTokenCount as more input, Anthropic's one-hour
//     cache writes and web searches, OpenAI's audio and image tokens… at
//     their prices where the model has them;
//   - Anthropic's usage.iterations passes that the top-level usage leaves
//     out (compaction, advisor_message), each with its own model (an
//     advisor's) or the stream's, and its own tokens;
//   - the searches the provider ran, when no usage detail counts them: the
//     completed web_search_call and file_search_call items (Responses) of
//     server_tool_calls, as web_searches and storage_searches.
//
// usd and source are null, with the reason, when there is no model, no
// usage or the model is not in the table. With usd set, reason is null
// unless usd leaves something out: a quantity the model has no price for,
// or, with usage_source "estimated" (--estimate-tokens), the input, which
// is not in a capture. usd is rounded to 10^-12 dollars.
func (t *Table) SummaryCost(st Stream) streamctx.Cost {
	s := st.Summary
	u := Usage{
		Input:              s.InputTokens,
		CacheRead:          s.CachedTokens,
		CacheWrite:         s.CacheCreationTokens,
		Output:             s.OutputTokens,
		Reasoning:          s.ReasoningTokens,
		InputExcludesCache: st.InputExcludesCache,
	}
	for _, d := range s.UsageDetails {
		var n int64
		if json.Unmarshal(d.Value, &n) != nil || n <= 0 {
			continue // a cost breakdown, a flag, a zero
		}
		if u.Extra == nil {
			u.Extra = make(map[string]int64, len(s.UsageDetails))
		}
		u.Extra[d.Key] = n
	}
	searches := map[string]string{"web_search_call": "web_searches", "file_search_call": "storage_searches"}
	counted := map[string]bool{}
	for k := range u.Extra {
		if strings.HasSuffix(k, "web_search_requests") {
			counted["web_searches"] = true
		}
	}
	for _, c := range s.ServerToolCalls {
		key := searches[c.Type]
		if key == "" || counted[key] || c.Status == nil || *c.Status != "completed" {
			continue
		}
		if u.Extra == nil {
			u.Extra = make(map[string]int64, 1)
		}
		u.Extra[key]++
	}
	model := ""
	if s.Model != nil {
		model = *s.Model
	}
	est := t.Estimate(s.Provider, model, u, st.At)
	if est.USD == nil {
		r := est.Reason
		switch {
		case est.providerUnknown && st.ProviderIsVendor:
			r += " (the format's vendor: --provider names the one that served it)"
		case est.notFound && st.ProviderIsVendor:
			r += fmt.Sprintf(" under provider %q (the format's vendor: --provider names the one that served it)", s.Provider)
		}
		return streamctx.Cost{Reason: &r}
	}
	total := *est.USD
	var notes []string
	for _, it := range passes(s.UsageDetails) {
		m := it.Model
		if m == "" {
			m = model
		}
		pe := t.Estimate(s.Provider, m, Usage{
			Input: it.Input, CacheRead: it.CacheRead, CacheWrite: it.CacheWrite, Output: it.Output,
			InputExcludesCache: true, Extra: it.extra(),
		}, st.At)
		if pe.USD == nil {
			notes = append(notes, fmt.Sprintf("left out of usd: the %s pass of usage.iterations (%s)", it.Type, pe.Reason))
			continue
		}
		total += *pe.USD
	}
	// To the picodollar: 7.442e-06, not 7.442000000000001e-06.
	usd := math.Round(total*1e12) / 1e12
	c := streamctx.Cost{USD: &usd, Source: est.Source, ModelMatched: est.ModelMatched}
	if est.PricesDate != "" {
		c.PricesDate = &est.PricesDate
	}
	if s.UsageSource == "estimated" {
		tok := "a tokenizer"
		if s.Tokenizer != nil {
			tok = *s.Tokenizer
		}
		notes = append(notes, "the output tokens are estimated ("+tok+"); the input tokens are not in the capture and are not priced")
	}
	if est.LaterPrices != "" {
		notes = append(notes, "the model's prices change on "+est.LaterPrices+" and the capture records no time: priced as on the table's date")
	}
	if est.TimeOfDay {
		notes = append(notes, "the model's prices depend on the time of day and the capture records no time: priced outside every time-of-day window")
	}
	if len(est.Unpriced) > 0 {
		notes = append(notes, "left out of usd (the price table has no price for them): "+strings.Join(est.Unpriced, ", "))
	}
	if len(notes) > 0 {
		r := strings.Join(notes, "; ")
		c.Reason = &r
	}
	return c
}

// pass is an entry of Anthropic's usage.iterations (a usage_details value
// kept as given): one sampling pass of the request, with its tokens and,
// for an advisor pass, its model.
type pass struct {
	Type       string `json:"type"`
	Model      string `json:"model"`
	Input      int64  `json:"input_tokens"`
	Output     int64  `json:"output_tokens"`
	CacheRead  int64  `json:"cache_read_input_tokens"`
	CacheWrite int64  `json:"cache_creation_input_tokens"`
	Creation   struct {
		FiveMin int64 `json:"ephemeral_5m_input_tokens"`
		OneHour int64 `json:"ephemeral_1h_input_tokens"`
	} `json:"cache_creation"`
}

func (it *pass) extra() map[string]int64 {
	if it.Creation.FiveMin <= 0 && it.Creation.OneHour <= 0 {
		return nil
	}
	return map[string]int64{"cache_write_5m_tokens": it.Creation.FiveMin, "cache_write_1h_tokens": it.Creation.OneHour}
}

// passes returns the entries of usage.iterations whose tokens the
// top-level usage leaves out: every pass but the "message" ones, whose sum
// the top-level usage is (a compaction pass, as Anthropic documents it;
// an advisor_message pass, which runs its own model: in the captures the
// top-level usage is the sum of the message passes alone). Nothing when
// the details hold no such array, or one of another shape.
func passes(d streamctx.UsageDetails) []pass {
	for _, e := range d {
		if e.Key != "iterations" {
			continue
		}
		var all []pass
		if json.Unmarshal(e.Value, &all) != nil {
			return nil
		}
		var out []pass
		for _, it := range all {
			if it.Type != "message" && it.Type != "" {
				out = append(out, it)
			}
		}
		return out
	}
	return nil
}
