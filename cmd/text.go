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
	raw      bool
}

// newTextCmd is the text command: the reconstructed text.
func newTextCmd(env *Env) *cobra.Command {
	o := &textOptions{}
	c := &cobra.Command{
		Use:   "text [FILE|-]",
		Short: "Print the reconstructed assistant text",
		Long: `Print the visible answer text of the stream (choice or candidate 0), with a
final newline added when it has none. With --thinking, the reasoning text is
printed first, between <thinking> and </thinking> lines.

Piped, the text is printed as it is. On a terminal, its control characters
but newline and tab are shown escaped (\x1b, \r), so that the model's text
cannot move the cursor, change colours or rewrite what is on the screen;
--raw prints it as it is there too. When the stream failed, is incomplete
or carried undecodable events, why is said on standard error (with the
warnings), and the exit status is 1.`,
		Example: `  sseinspect text capture.sse
  sseinspect text --thinking capture.sse`,
		Args: maxArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return o.run(env, args)
		},
	}
	o.bind(c)
	c.Flags().BoolVar(&o.thinking, "thinking", false, "also print the reasoning text")
	c.Flags().BoolVar(&o.raw, "raw", false, "on a terminal too, print the text as it is, escape sequences included")
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
		s := c.snap
		if env.StdoutIsTerminal && !o.raw {
			s.Text, s.Thinking = report.TerminalText(s.Text), report.TerminalText(s.Thinking)
		}
		if err := report.Text(env.Stdout, &s, o.thinking); err != nil {
			return ExitError, err
		}
		// The text of a stream that failed is empty or cut: say why
		// (a read error was said already, as what cut it).
		if c.readErr != nil {
			return c.code(), nil
		}
		return c.code(), report.Why(env.Stderr, in.name, &c.snap)
	})
}
