package streamctx

import (
	"fmt"
	"strings"
	"time"
)

// ToolCallSnapshot is a tool call as the JSON summary shows it.
type ToolCallSnapshot struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Snapshot is the state of a stream as the JSON summary shows it: plain
// data, rendered by package report. Its field order is the documented key
// order. Pointer fields are null when unknown.
type Snapshot struct {
	Format              string             `json:"format"`
	Provider            string             `json:"provider"`
	RequestID           string             `json:"request_id"`
	ResponseID          *string            `json:"response_id"`
	Model               *string            `json:"model"`
	Status              Status             `json:"status"`
	StatusCode          *int               `json:"status_code"`
	ErrorType           *string            `json:"error_type"`
	ErrorMessage        *string            `json:"error_message"`
	Complete            bool               `json:"complete"`
	StopReason          *string            `json:"stop_reason"`
	InputTokens         int64              `json:"input_tokens"`
	OutputTokens        int64              `json:"output_tokens"`
	CachedTokens        int64              `json:"cached_tokens"`
	CacheCreationTokens int64              `json:"cache_creation_tokens"`
	ReasoningTokens     int64              `json:"reasoning_tokens"`
	TotalInputTokens    int64              `json:"total_input_tokens"`
	UsageSource         string             `json:"usage_source"`
	Text                string             `json:"text"`
	Thinking            string             `json:"thinking"`
	ToolCalls           []ToolCallSnapshot `json:"tool_calls"`
	Events              int                `json:"events"`
	DataCount           int                `json:"data_count"`
	TTFBMs              *int64             `json:"ttfb_ms"`
	TTFTMs              *int64             `json:"ttft_ms"`
	TotalMs             *int64             `json:"total_ms"`
	Warnings            []string           `json:"warnings"`
	Latency             Latency            `json:"latency"`
	// The keys new in schema v2, in this order.
	UsageDetails    UsageDetails             `json:"usage_details"`
	Cost            Cost                     `json:"cost"`
	ServerToolCalls []ServerToolCallSnapshot `json:"server_tool_calls"`
	Citations       []Citation               `json:"citations"`
	Tokenizer       *string                  `json:"tokenizer"`
	Source          string                   `json:"source"`

	// Not in the JSON summary.
	BadEvents int    `json:"-"`
	Timing    Timing `json:"-"`
	Timed     bool   `json:"-"`
	// EventsTimed says that the times of events are known too: Timed,
	// and not only the first byte and the end (Options.EventsUntimed).
	EventsTimed bool `json:"-"`
	// DetectedFormat names the wire format the events look like, whether
	// or not one was forced ("" when that cannot be told). The caller
	// sets it: formats are package parser's (parser.Result.Detected).
	DetectedFormat string      `json:"-"`
	Chunks         int         `json:"-"`
	Usage          Usage       `json:"-"`
	Tools          []*ToolCall `json:"-"`
	// TextParts and ThinkingParts, with Options.TextParts, are the text
	// and thinking in parts (Text and Thinking are then empty); nil
	// otherwise.
	TextParts     []string `json:"-"`
	ThinkingParts []string `json:"-"`
}

// failedOrIncomplete reports whether the summary's status is failed: an
// error was recorded, the HTTP status is an error, or the stream did not
// complete.
func (sc *Context) failedOrIncomplete() bool { return sc.Failed() || !sc.complete }

// Snapshot returns the state of the stream. format names the wire format
// and provider the provider to show (the caller applies --provider and the
// format's vendor). Text, Thinking and the tool-call arguments share the
// Context's memory; a text longer than a MiB, kept in chunks, is joined
// into one string the first time (so that, for that moment, it is held
// twice), and the string then replaces the chunks. With Options.TextParts
// the chunks are given as they are instead (TextParts, ThinkingParts).
func (sc *Context) Snapshot(format, provider string) Snapshot {
	s := Snapshot{
		Format:              format,
		Provider:            provider,
		Status:              StatusOK,
		Complete:            sc.complete,
		InputTokens:         sc.usage.Input.N,
		OutputTokens:        sc.usage.Output.N,
		CachedTokens:        sc.usage.CacheRead.N,
		CacheCreationTokens: sc.usage.CacheCreation.N,
		ReasoningTokens:     sc.usage.Reasoning.N,
		UsageSource:         "none",
		ToolCalls:           []ToolCallSnapshot{},
		Events:              sc.events,
		DataCount:           sc.dataCount,
		Warnings:            []string{},
		BadEvents:           sc.bad,
		Timing:              sc.timing,
		Timed:               sc.Timed(),
		EventsTimed:         sc.Timed() && !sc.opts.EventsUntimed,
		Chunks:              sc.nChunks,
		Usage:               sc.usage,
		Tools:               sc.tools,
	}
	if sc.opts.TextParts {
		s.TextParts, s.ThinkingParts = sc.text.Parts(), sc.thinking.Parts()
	} else {
		s.Text, s.Thinking = sc.text.String(), sc.thinking.String()
	}
	s.TotalInputTokens = s.InputTokens
	overflow := ""
	if sc.InputExcludesCache {
		total := Of(s.InputTokens).Plus(Of(s.CachedTokens)).Plus(Of(s.CacheCreationTokens))
		s.TotalInputTokens = total.N
		if total.Overflow {
			overflow = fmt.Sprintf("usage: total input tokens (input + cache read + cache creation) overflow: shown as %d", total.N)
		}
	}
	if sc.usageSeen {
		s.UsageSource = "provider"
	}
	s.RequestID = sc.requestID()
	s.ResponseID = strPtr(sc.ResponseID)
	s.Model = strPtr(sc.Model)
	if sc.failedOrIncomplete() {
		s.Status = StatusFailed
	}
	if sc.StatusCode != 0 {
		c := sc.StatusCode
		s.StatusCode = &c
	}
	if sc.Failed() {
		typ, msg := sc.errType, sc.errMessage
		if typ == "" && msg == "" {
			typ = "http_error"
			msg = fmt.Sprintf("HTTP %d", sc.StatusCode)
		}
		s.ErrorType = strPtr(typ)
		s.ErrorMessage = strPtr(msg)
	}
	s.StopReason = strPtr(sc.stopReason)
	for _, t := range sc.tools {
		s.ToolCalls = append(s.ToolCalls, ToolCallSnapshot{ID: t.ID, Name: t.Name, Arguments: t.Arguments()})
	}
	s.Warnings = append(s.Warnings, sc.warnings...)
	if overflow != "" {
		s.Warnings = append(s.Warnings, overflow)
	}
	if sc.dropped > 0 {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%d more warnings not shown", sc.dropped))
	}
	s.TTFBMs = msPtr(sc.timing.FirstByte)
	s.TTFTMs = msPtr(sc.timing.FirstContent)
	s.TotalMs = msPtr(sc.timing.End)
	estimated := sc.estimate(&s)
	s.Latency = sc.latency(estimated)
	if sc.counter != nil && (estimated >= 0 || s.Latency.ITLMs != nil) {
		name := sc.counter.Name()
		s.Tokenizer = &name
	}
	s.UsageDetails = append(UsageDetails{}, sc.usageDetails...)
	s.Cost = sc.cost()
	s.ServerToolCalls = make([]ServerToolCallSnapshot, 0, len(sc.serverTools))
	for _, t := range sc.serverTools {
		s.ServerToolCalls = append(s.ServerToolCalls, ServerToolCallSnapshot{
			Type: t.Type, Name: t.Name, ID: t.ID, Input: t.Input(), Status: strPtr(t.Status), Error: strPtr(t.Error),
		})
	}
	s.Citations = append([]Citation{}, sc.citations...)
	return s
}

// estimate sets the output and reasoning tokens of s from the tokenizer
// (Options.Tokens) when the stream carried no usage, and returns the output
// tokens; -1 (s unchanged) when it carried usage or there is no tokenizer.
// The output is the text, the thinking and the tool-call arguments, each
// counted on its own; the input is not known (the request is not in the
// capture) and stays 0.
func (sc *Context) estimate(s *Snapshot) int64 {
	if sc.usageSeen || sc.opts.Tokens == nil {
		return -1
	}
	tc := sc.tokenCounter()
	if tc == nil {
		return -1
	}
	count := func(whole string, parts []string) int64 {
		n := tc.Count(whole)
		for _, p := range parts {
			n += tc.Count(p)
		}
		return int64(n)
	}
	reasoning := count(s.Thinking, s.ThinkingParts)
	out := count(s.Text, s.TextParts) + reasoning
	for _, t := range s.ToolCalls {
		out += int64(tc.Count(t.Arguments))
	}
	s.OutputTokens, s.ReasoningTokens = out, reasoning
	s.UsageSource = "estimated"
	return out
}

// cost is the cost the stream reported, or an unknown cost: a price-table
// estimate, when there is one, is made by the caller (package pricing).
func (sc *Context) cost() Cost {
	if !sc.providerCostSet {
		return Cost{Reason: strPtr("the stream reported no cost")}
	}
	usd := sc.providerCost
	return Cost{USD: &usd, Source: strPtr("provider"), ProviderField: strPtr(sc.providerCostField)}
}

// requestID is --request-id, else the request-id, x-request-id or (AWS)
// x-amzn-requestid header, else the response id without its type prefix (ResponseIDPrefixes), else
// "".
func (sc *Context) requestID() string {
	if sc.RequestID != "" {
		return sc.RequestID
	}
	for _, h := range []string{"request-id", "x-request-id", "x-amzn-requestid"} {
		if v := sc.ResponseHeaders[h]; v != "" {
			return v
		}
	}
	id := sc.ResponseID
	for _, p := range sc.ResponseIDPrefixes {
		if strings.HasPrefix(id, p) && len(id) > len(p) {
			return id[len(p):]
		}
	}
	return id
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func msPtr(d time.Duration) *int64 {
	if d < 0 {
		return nil
	}
	ms := d.Milliseconds()
	return &ms
}
