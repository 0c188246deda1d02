package cmd

import (
	"errors"
	"fmt"
	"time"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// replayed is one replayed capture.
type replayed struct {
	name string // the input's name in messages
	sc   *streamctx.Context
	snap streamctx.Snapshot
	res  parser.Result
	// keptBytes is the memory its text and tool calls take
	// (streamctx.Options.OnKeep), when a membudget.Budget counts it.
	keptBytes int64
	// rate, when not nil, has the times of the content events, for the
	// sparkline of summarize --latency on a terminal.
	rate *report.RateRecorder
	// readErr, when not nil, is the error that stopped reading after
	// events were read: only what came before is reported. noted says
	// that printNote said so.
	readErr error
	noted   bool
}

// code is the exit code this capture calls for.
func (c *replayed) code() int {
	if ie, ok := interrupted(c.readErr); ok {
		return ie.ExitStatus()
	}
	if c.snap.Status != streamctx.StatusOK || c.snap.BadEvents > 0 {
		return ExitFailed
	}
	return ExitOK
}

// replay reads one input into a new stream context.
func (o *commonOptions) replay(env *Env, in *input, scOpts streamctx.Options) (*replayed, error) {
	return o.replayNoting(env, in, scOpts, false)
}

// replayNoting is replay; with deferNote, a capture that could not be read
// to its end (capture.readErr) is not said so on stderr at once: the caller
// prints it (printNote) when its output comes (a worker of
// eachInputOrdered), or makes it an error (replayWhole).
func (o *commonOptions) replayNoting(env *Env, in *input, scOpts streamctx.Options, deferNote bool) (*replayed, error) {
	return o.replayWatched(env, in, scOpts, deferNote, nil)
}

// A watcher follows a replay event by event: given the stream context
// and the time the times of events count from (zero when the events have
// no times), it returns what is called with each event after the parser
// handled it (parser.Options.OnEvent).
type watcher func(sc *streamctx.Context, eventsStart time.Time) func(*sse.Event)

// replayWatched is replayNoting, with watch (when not nil) following the
// events.
func (o *commonOptions) replayWatched(env *Env, in *input, scOpts streamctx.Options, deferNote bool, watch watcher) (*replayed, error) {
	cp, err := o.openCapture(env, in)
	if err != nil {
		return nil, err
	}
	o.setTiming(cp, &scOpts)
	scOpts.Stall = o.stall
	if o.estimate != "" {
		scOpts.Tokens = o.tokens
		scOpts.CollectText = true // the output is counted
	}
	sc := streamctx.New(scOpts)
	sc.RequestID = o.requestID
	sc.ProviderName = o.provider
	popts := parser.Options{Format: o.format, MaxLineSize: o.maxLineSize, Pipeline: in.pipeline}
	if watch != nil {
		var start time.Time
		if o.timed(cp) && !cp.EventsUntimed {
			start = cp.Start
		}
		popts.OnEvent = watch(sc, start)
	}
	res, err := parser.ReplayCapture(cp, sc, popts)
	var partial *parser.PartialError
	var readErr error
	switch {
	case errors.As(err, &partial) && isInterrupt(partial.Err):
		// A signal is no fault of the stream: what arrived is reported,
		// marked as interrupted; the exit status is the signal's.
		sc.Warn("%v while reading: only what arrived before is reported", partial.Err)
		readErr = fmt.Errorf("%s: %w", in.name, partial.Err)
	case errors.As(err, &partial):
		// What arrived before is reported; the error counts as an
		// undecodable event (exit 1) and is said on stderr too.
		cause := explain(partial.Err)
		sc.BadEvent(0, "the input could not be read to its end", cause)
		readErr = fmt.Errorf("%s: %w", in.name, cause)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", in.name, explain(err))
	}
	warnCapture(sc, cp)
	provider := o.provider
	if provider == "" {
		provider = res.Format.Vendor
	}
	c := &replayed{name: in.name, sc: sc, snap: sc.Snapshot(res.Format.Name, provider), res: res, readErr: readErr}
	c.snap.DetectedFormat = res.Detected
	var start time.Time
	if o.timed(cp) && cp.StartIsWallClock { // a trace's counts from 1970 (a HAR's without startedDateTime too)
		start = cp.Start
	}
	o.setCost(&c.snap, sc.InputExcludesCache, start)
	c.snap.Source = in.source()
	if !deferNote {
		c.printNote(env)
	}
	return c, nil
}

// isInterrupt says whether err is a signal's.
func isInterrupt(err error) bool {
	_, ok := interrupted(err)
	return ok
}

// replayWhole is replay for the commands that decide on a whole stream
// (check, diff, golden and summarize --golden): assertions or comparisons
// on part of one decide nothing, and part of one never becomes a golden
// file, so a capture not read to its end is an error.
func (o *commonOptions) replayWhole(env *Env, in *input, scOpts streamctx.Options) (*replayed, error) {
	c, err := o.replayNoting(env, in, scOpts, true)
	if err == nil && c.readErr != nil {
		return nil, c.readErr
	}
	return c, err
}

// printNote says on stderr, once, that the capture could not be read to its
// end, if so.
func (c *replayed) printNote(env *Env) {
	if c.readErr != nil && !c.noted {
		fmt.Fprintf(env.Stderr, "sseinspect: %v (what was read before is reported)\n", c.readErr)
		c.noted = true
	}
}
