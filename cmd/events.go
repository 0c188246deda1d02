package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/frame"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/report"
)

// eventsOptions: the common options are accepted and checked as for the
// other commands; only --max-line-size and --no-timing change the events.
type eventsOptions struct {
	commonOptions
	json bool
}

// newEventsCmd is the events command: the SSE events, in order.
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
			return o.run(env, args)
		},
	}
	o.bind(c)
	c.Flags().BoolVar(&o.json, "json", false, "print one JSON object per event (JSON Lines)")
	return c
}

func (o *eventsOptions) run(env *Env, args []string) error {
	if err := o.validate(); err != nil {
		return err
	}
	return eachInput(env, args, func(in *input) (int, error) {
		return o.one(env, in)
	})
}

// one prints the events of one input.
func (o *eventsOptions) one(env *Env, in *input) (int, error) {
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
