package cmd

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sseinspect/sseinspect/streamctx"
	"github.com/sseinspect/sseinspect/timing"
)

// timedInput is an input read through timed-capture detection.
type timedInput struct {
	// r reads the original stream: the input itself, or, for a timed
	// capture, the stream without its timing lines.
	r io.Reader
	// tr is the timed capture's reader, nil when the input is not one.
	tr *timing.Reader
}

// detectTimed looks at the first bytes of in for the header of a timed
// capture (see package timing).
func detectTimed(in *input) (*timedInput, error) {
	tr, r, err := timing.Detect(in.r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.name, err)
	}
	return &timedInput{r: r, tr: tr}, nil
}

// clock returns the clock that times in, and its start: the recorded
// arrival times of a timed capture, else the arrival times of live standard
// input measured from the start of sseinspect, else none (nil). noTiming
// turns both off.
func (t *timedInput) clock(env *Env, in *input, noTiming bool) (now func() time.Time, start time.Time) {
	switch {
	case noTiming:
		return nil, time.Time{}
	case t.tr != nil && t.tr.Timed():
		return t.tr.Now, t.tr.Start()
	case t.tr != nil:
		return nil, time.Time{}
	case in.live && env.Now != nil:
		return env.Now, env.Start
	}
	return nil, time.Time{}
}

// setClock sets the clock of scOpts for in.
func (t *timedInput) setClock(env *Env, in *input, noTiming bool, scOpts *streamctx.Options) {
	if now, start := t.clock(env, in, noTiming); now != nil {
		scOpts.Now, scOpts.Start = now, start
		scOpts.EventsUntimed = t.eventsUntimed()
	}
}

// eventsUntimed reports that only the first byte and the end of the input
// are timed (a HAR file).
func (t *timedInput) eventsUntimed() bool { return t.tr != nil && t.tr.EventsUntimed() }

// warn records in sc what the timing of the input leaves uncertain.
func (t *timedInput) warn(sc *streamctx.Context) {
	if t.tr == nil {
		return
	}
	for _, n := range t.tr.Notes() {
		sc.Warn("%s", n)
	}
	if t.tr.Truncated() {
		sc.Warn("the timed capture has no end line (the recording was cut short): total is the arrival of its last line")
	}
}

// explain returns the error of a malformed timed capture as it is, without
// the line of the original stream that the reader of the stream (the SSE
// scanner) puts around it: the line in the timed capture says more.
func explain(err error) error {
	var fe *timing.FormatError
	if errors.As(err, &fe) {
		return fe
	}
	return err
}
