package cmd

import (
	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/compare"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// diffOptions are the flags of diff.
type diffOptions struct {
	commonOptions
	json bool
}

// newDiffCmd is the diff command: two captures compared (compare.Captures).
func newDiffCmd(env *Env) *cobra.Command {
	o := &diffOptions{}
	c := &cobra.Command{
		Use:   "diff A B",
		Short: "Compare two captures of a response: usage, text, tool calls, completion, errors",
		Long: `Compare two captures, e.g. what the upstream sent and what the gateway passed
on, or the same prompt on two providers. The keys of the JSON summary that
differ are listed, "- key: A's value" then "+ key: B's value" (text and
thinking as a unified line diff), then a verdict line.

Exit status: 1 when the captures differ in what matters: usage (the token
counts, usage_source), text, tool calls (names and arguments), completion
(complete; stop_reason when both are of one format) or errors (status,
status_code, error_type, error_message). 0 when they differ at most in
format, model, thinking, tool call ids, events, data_count, timing or cost
(a cost follows the usage and the model's prices). 2 when a capture cannot
be read (to its end).

With --json, print one object: {"a", "b", "differ", "differs_in",
"fields": [{"key", "a", "b", "matters"}]}.`,
		Example: `  sseinspect diff upstream.sse gateway.sse
  curl -N ... | sseinspect diff expected.sse -`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("diff compares 2 captures, got %d", len(args))
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			return o.run(env, args)
		},
	}
	o.bind(c)
	o.bindEstimate(c)
	o.bindPrices(c)
	c.Flags().BoolVar(&o.json, "json", false, "print the comparison as one JSON object")
	return c
}

func (o *diffOptions) run(env *Env, args []string) error {
	if err := o.validate(); err != nil {
		return err
	}
	if _, err := inputs(args); err != nil {
		return err
	}
	var snaps [2]*streamctx.Snapshot
	var names [2]string
	for i, a := range args {
		err := eachInput(env, []string{a}, func(in *input) (int, error) {
			c, err := o.replayWhole(env, in, streamctx.Options{CollectText: true})
			if err != nil {
				return ExitError, err
			}
			snaps[i], names[i] = &c.snap, in.name
			return ExitOK, nil
		})
		if err != nil {
			return undecidedOnSignal(err)
		}
	}
	d, err := compare.Captures(snaps[0], snaps[1])
	if err != nil {
		return err
	}
	if o.json {
		err = report.DiffJSON(env.Stdout, names[0], names[1], d)
	} else {
		err = report.Diff(env.Stdout, names[0], names[1], d)
	}
	if err != nil {
		return err
	}
	if d.Differ() {
		return &exitError{code: ExitFailed}
	}
	return nil
}
