package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

func newBodyCmd(env *Env) *cobra.Command {
	o := &commonOptions{}
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
		},
	}
	o.bind(c)
	return c
}

type textOptions struct {
	commonOptions
	thinking bool
}

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
		},
	}
	o.bind(c)
	c.Flags().BoolVar(&o.thinking, "thinking", false, "also print the reasoning text")
	return c
}

// eventsOptions: the common options are accepted and checked as for the
// other commands; only --max-line-size and --no-timing change the events.
type eventsOptions struct {
	commonOptions
	json bool
}

func newEventsCmd(env *Env) *cobra.Command {
	o := &eventsOptions{}
	c := &cobra.Command{
		Use:   "events [FILE|-]",
		Short: "Print the SSE events of a capture, in order",
		Long: `Print every dispatched SSE event. With --json, one object per line:
  event       the event type ("message" when none was set)
  data        the data, lines joined with \n
  id          the last event ID at dispatch
  retry       the reconnection time in ms, when one was set
  line        the 1-based line where the event started
  incomplete  true for a final event the input ended inside
  t_ms        arrival time in ms: recorded in a timed capture (see record),
              measured for live input
No wire format is needed: -f/--format, --provider, --request-id and --color
are accepted and checked, as by the other commands, and change nothing.
Exit status: 0 when the input was read (zero events included), 1 when it ended
inside an event, 2 when it could not be read.`,
		Example: `  sseinspect events --json capture.sse | jq -r .event | sort | uniq -c`,
		Args:    maxArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			return eachInput(env, args, func(in *input) (int, error) {
				return o.run(env, in)
			})
		},
	}
	o.bind(c)
	c.Flags().BoolVar(&o.json, "json", false, "print one JSON object per event (JSON Lines)")
	return c
}

func (o *eventsOptions) run(env *Env, in *input) (int, error) {
	cp, err := o.openCapture(env, in)
	if err != nil {
		return ExitError, err
	}
	timed := o.timed(cp) && !cp.EventsUntimed // a HAR file: no time for each event
	body := parser.OpenInput(cp)
	if body.Kind == frame.JSON {
		fmt.Fprintf(env.Stderr, "sseinspect: %s: the body is JSON, not an event stream: no events\n", in.name)
	}
	code := ExitOK
	for ev, err := range body.Events(o.maxLineSize) {
		if err != nil {
			return ExitError, fmt.Errorf("%s: %w", in.name, explain(err))
		}
		e := report.Event{
			Event:      ev.TypeName(),
			Data:       string(ev.Data),
			ID:         ev.ID,
			Line:       ev.Line,
			Incomplete: ev.Incomplete,
		}
		if ev.Retry >= 0 {
			r := ev.Retry
			e.Retry = &r
		}
		if timed && !ev.At.IsZero() {
			ms := ev.At.Sub(cp.Start).Milliseconds()
			e.TMs = &ms
		}
		if ev.Incomplete {
			code = ExitFailed
		}
		var werr error
		if o.json {
			werr = report.EventJSON(env.Stdout, &e)
		} else {
			werr = report.EventText(env.Stdout, &e)
		}
		if werr != nil {
			return ExitError, werr
		}
	}
	return code, nil
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
