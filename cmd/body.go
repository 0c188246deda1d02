package cmd

import (
	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// bodyOptions are the flags of body.
type bodyOptions struct {
	commonOptions
}

// newBodyCmd is the body command: the JSON response body.
func newBodyCmd(env *Env) *cobra.Command {
	o := &bodyOptions{}
	c := &cobra.Command{
		Use:   "body [FILE|-]",
		Short: "Print the JSON response body (Aether's build_response_body shape)",
		Long: `Print the response body as the Aether gateway records it:
{"chunks": [...], "metadata": {"stream", "total_chunks", "data_count",
"has_completion", "response_time_ms"}}. Chunks are echoed byte for byte, one
per line, as they are read.`,
		Example: `  sseinspect body capture.sse | jq .metadata`,
		Args:    maxArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return o.run(env, args)
		},
	}
	o.bind(c)
	return c
}

func (o *bodyOptions) run(env *Env, args []string) error {
	if err := o.validate(); err != nil {
		return err
	}
	return eachInput(env, args, func(in *input) (int, error) {
		bw := report.NewBodyWriter(env.Stdout)
		c, err := o.replay(env, in, streamctx.Options{OnChunk: bw.Chunk})
		if err != nil {
			return ExitError, err
		}
		return c.code(), bw.Close(&c.snap)
	})
}
