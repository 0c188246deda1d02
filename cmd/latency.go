package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/streamctx"
)

// latencyHelp documents the latency metrics; it is appended to the long
// help of the commands that print them.
const latencyHelp = `

Latency (the "latency" object of the JSON summary; --latency adds its third
line to the two-line summary: TTFT, TPOT and the p99 gap). Times are in ms
since the start: of sseinspect for live standard input, of the recording for
a timed capture (see record), of the trace for curl --trace-ascii FILE
--trace-time output, of the request for a HAR file (each detected from its
start; a HAR file times only the first byte and the end); they are null
(n/a) when the capture carries no timing or the stream never got there.
  ttfb_ms              first byte
  ttf_event_ms         first SSE event (any: a ping counts)
  ttft_ms              first event carrying generated content: text,
                       reasoning or a tool-call fragment (not
                       response.created, a role-only chunk, a ping)
  ttf_output_ms        first visible answer text (after any reasoning)
  total_ms             last byte (end of input)
  gaps_ms              gaps between consecutive content events: p50, p90,
                       p99 (nearest rank), max, and their count
  stalls               gaps longer than --stall
  tpot_ms              (t_last_content - t_first_content) / (output_tokens - 1),
                       output_tokens from the provider's usage (reasoning
                       included); null without usage or below 2 tokens
  output_tokens_per_s  1000 / tpot_ms
  tokens_source        "provider" when tpot_ms is known
An event's time is the arrival of the read that completed it.`

// bindLatency adds --latency and --stall to c, and the metrics to its help.
func bindLatency(c *cobra.Command, show *bool, stall *time.Duration) {
	c.Long += latencyHelp
	*stall = streamctx.DefaultStall
	c.Flags().BoolVar(show, "latency", false, "add a third line to the two-line summary: TTFT, TPOT and p99 gap (and, on a terminal, a fourth: the content rate over time)")
	c.Flags().Var((*positiveDuration)(stall), "stall", "count gaps between content events longer than this as stalls")
}

// positiveDuration is a duration flag that must be positive.
type positiveDuration time.Duration

func (d *positiveDuration) String() string { return time.Duration(*d).String() }
func (d *positiveDuration) Type() string   { return "duration" }
func (d *positiveDuration) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration (such as 500ms or 2s): %q", s)
	}
	if v <= 0 {
		return fmt.Errorf("must be positive, got %s", s)
	}
	*d = positiveDuration(v)
	return nil
}
