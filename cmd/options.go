package cmd

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/pricing"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
	"github.com/sseinspect/sseinspect/tokenizer"
)

// commonOptions are the flags every command shares.
type commonOptions struct {
	format      string
	provider    string
	requestID   string
	color       string
	noTiming    bool
	maxLineSize int
	stall       time.Duration // --stall, where a command has it
	// estimate is --estimate-tokens, where a command has it: "" (off),
	// "auto" (by model family) or a tokenizer name.
	estimate string
	// prices is --prices, where a command has it (bindPrices); table is
	// the table it names, loaded by validate. costs says that the command
	// estimates costs (a command with --prices, unless it turns that off
	// for output that shows none).
	prices string
	table  *pricing.Table
	costs  bool
}

// estimateAuto is --estimate-tokens without a name: the tokenizer is chosen
// by the model (tokenizer.ForModel).
const estimateAuto = "auto"

// bindEstimate adds --estimate-tokens[=NAME] to a command that makes
// summaries.
func (o *commonOptions) bindEstimate(c *cobra.Command) {
	c.Flags().StringVar(&o.estimate, "estimate-tokens", "",
		"when a stream carries no usage, estimate its output tokens with tokenizer `NAME`: "+
			strings.Join(tokenizer.Names(), "|")+" (default: by model); with timing, also latency.itl_ms")
	c.Flags().Lookup("estimate-tokens").NoOptDefVal = estimateAuto
	_ = c.RegisterFlagCompletionFunc("estimate-tokens", cobra.FixedCompletions(tokenizer.Names(), cobra.ShellCompDirectiveNoFileComp))
}

// tokens is streamctx.Options.Tokens for --estimate-tokens: the named
// tokenizer, or the one for the model's family.
func (o *commonOptions) tokens(model string) streamctx.TokenCounter {
	name := o.estimate
	if name == estimateAuto {
		name = tokenizer.ForModel(model)
	}
	tok, err := tokenizer.Lookup(name)
	if err != nil {
		return nil // validate looked the names up: cannot happen
	}
	return tok
}

func (o *commonOptions) bind(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.format, "format", "f", "auto", "wire format: "+strings.Join(parser.Names(), "|")+" (aliases accepted)")
	f.StringVar(&o.provider, "provider", "", "provider name to show (default: the format's vendor)")
	f.StringVar(&o.requestID, "request-id", "", "request id to show (default: the request-id header, else the response id)")
	f.StringVar(&o.color, "color", "auto", "colour: auto|always|never (auto honours NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE, TERM=dumb)")
	f.BoolVar(&o.noTiming, "no-timing", false, "ignore arrival times, of live standard input or recorded in a timed capture (deterministic output)")
	f.IntVar(&o.maxLineSize, "max-line-size", sse.DefaultMaxLineSize, "longest line accepted, in bytes")
	_ = c.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return parser.Names(), cobra.ShellCompDirectiveNoFileComp
	})
	_ = c.RegisterFlagCompletionFunc("color", cobra.FixedCompletions([]string{"auto", "always", "never"}, cobra.ShellCompDirectiveNoFileComp))
}

// validate checks the flag values before any input is read.
func (o *commonOptions) validate() error {
	if _, _, err := parser.Lookup(o.format); err != nil {
		return usagef("--format: %v", err)
	}
	o.color = strings.ToLower(o.color) // as --format, any case
	switch o.color {
	case "auto", "always", "never":
	default:
		return usagef("--color: invalid value %q (valid: auto, always, never)", o.color)
	}
	if o.estimate != "" && o.estimate != estimateAuto {
		if _, err := tokenizer.Lookup(o.estimate); err != nil {
			return usagef("--estimate-tokens: %v", err)
		}
	}
	if o.maxLineSize <= 0 {
		return usagef("--max-line-size: must be positive, got %d", o.maxLineSize)
	}
	return o.loadPrices()
}

// useColor decides colour once: --color; else NO_COLOR (no-color.org)
// turns it off; else FORCE_COLOR (force-color.org) or CLICOLOR_FORCE
// (bixense.com/clicolors), set and not 0 or false, turn it on; else
// TERM=dumb turns it off; else it is on when stdout is a terminal.
func (o *commonOptions) useColor(env *Env) bool {
	switch o.color {
	case "always":
		return true
	case "never":
		return false
	}
	if env.Getenv("NO_COLOR") != "" {
		return false
	}
	if forced(env.Getenv("FORCE_COLOR")) || forced(env.Getenv("CLICOLOR_FORCE")) {
		return true
	}
	if env.Getenv("TERM") == "dumb" {
		return false
	}
	return env.StdoutIsTerminal
}

// forced says whether a FORCE_COLOR or CLICOLOR_FORCE value forces colour.
func forced(v string) bool {
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// progress says whether progress lines, which redraw themselves with
// terminal controls (CR, erase line), may go to stderr: only to a
// terminal, and not when the user asked for plain output (--color never,
// NO_COLOR, TERM=dumb).
func (o *commonOptions) progress(env *Env) bool {
	return env.StderrIsTerminal && o.color != "never" && env.Getenv("NO_COLOR") == "" && env.Getenv("TERM") != "dumb"
}

// maxArgs is cobra.MaximumNArgs with a usage error.
func maxArgs(n int) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef("accepts at most %d file, got %d", n, len(args))
		}
		return nil
	}
}
