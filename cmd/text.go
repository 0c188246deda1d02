package cmd

import (
	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// textOptions are the flags of text.
type textOptions struct {
	commonOptions
	thinking bool
}

// newTextCmd is the text command: the reconstructed text.
func newTextCmd(env *Env) *cobra.Command {
	o := &textOptions{}
	c := &cobra.Command{
		Use:   "text [FILE|-]",
		Short: "Print the reconstructed assistant text",
		Long: `Print the visible answer text of the stream (choice or candidate 0), with a
final newline added when it has none. With --thinking, the reasoning text is
printed first, between <thinking> and </thinking> lines.`,
		Example: `  sseinspect text capture.sse
  sseinspect text --thinking capture.sse`,
		Args: maxArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return o.run(env, args)
		},
	}
	o.bind(c)
	c.Flags().BoolVar(&o.thinking, "thinking", false, "also print the reasoning text")
	return c
}

func (o *textOptions) run(env *Env, args []string) error {
	if err := o.validate(); err != nil {
		return err
	}
	return eachInput(env, args, func(in *input) (int, error) {
		c, err := o.replay(env, in, streamctx.Options{CollectText: true})
		if err != nil {
			return ExitError, err
		}
		return c.code(), report.Text(env.Stdout, &c.snap, o.thinking)
	})
}
