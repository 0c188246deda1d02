package compare

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sseinspect/sseinspect/streamctx"
)

// Check's errors for an assertion that cannot be decided on a capture: it
// can neither hold nor fail.
var (
	// ErrUntimed: a timing assertion on a capture that carries no timing.
	ErrUntimed = errors.New("the capture carries no timing")
	// ErrEventsUntimed: an assertion on the times of events on a capture
	// that only times its first byte and its end (a HAR file).
	ErrEventsUntimed = errors.New("the capture carries no per-event timing (only its first byte and its end are timed)")
	// ErrUndetected: a format assertion on a capture whose events do
	// not tell their wire format.
	ErrUndetected = errors.New("its events do not tell their wire format")
	// ErrNoCost: a cost assertion on a capture whose cost is not known
	// (the stream reported none and the price table has no estimate).
	ErrNoCost = errors.New("its cost is not known")
)

// An Assertion is one property of a stream, named by the flag that asks
// for it. Make one with the functions below.
type Assertion struct {
	// Flag is the flag as given, e.g. "--min-output-tokens 10".
	Flag string
	// Timed says that it needs a timed capture.
	Timed bool
	// undecidable, when not nil, returns why the assertion cannot be
	// decided on s (an error wrapping one of the Err values), or nil.
	undecidable func(s *streamctx.Snapshot) error
	// test reports whether s has the property; when not, why says what
	// was found instead.
	test func(s *streamctx.Snapshot) (ok bool, why string)
}

// Failure is an assertion that does not hold, and what was found instead.
type Failure struct {
	Flag string
	Why  string
}

// CheckResult is the verdict of Check on one capture.
type CheckResult struct {
	// Assertions is the number of assertions checked.
	Assertions int
	// Failures are those that failed, in order.
	Failures []Failure
}

// Passed reports whether every assertion holds.
func (r *CheckResult) Passed() bool { return len(r.Failures) == 0 }

// Check evaluates the assertions on s, in order. An assertion that
// cannot be decided on s (a timed assertion on a capture without the
// timing it needs, a format assertion on events that do not tell their
// format, a cost assertion on a capture whose cost is not known) is an
// error wrapping ErrUntimed, ErrEventsUntimed, ErrUndetected or ErrNoCost,
// and then no result is given.
func Check(s *streamctx.Snapshot, as []Assertion) (*CheckResult, error) {
	r := &CheckResult{Assertions: len(as)}
	for _, a := range as {
		if a.Timed && !s.Timed {
			return nil, fmt.Errorf("%s: %w", a.Flag, ErrUntimed)
		}
		if a.undecidable != nil {
			if err := a.undecidable(s); err != nil {
				return nil, fmt.Errorf("%s: %w", a.Flag, err)
			}
		}
		if ok, why := a.test(s); !ok {
			r.Failures = append(r.Failures, Failure{Flag: a.Flag, Why: why})
		}
	}
	return r, nil
}

// Complete asserts that the stream reached its format's normal end.
func Complete() Assertion {
	return Assertion{Flag: "--complete", test: func(s *streamctx.Snapshot) (bool, string) {
		return s.Complete, "the stream did not complete (stop_reason " + strOrNull(s.StopReason) + ")"
	}}
}

// NoError asserts no error event, no HTTP error and no undecodable event.
func NoError() Assertion {
	return Assertion{Flag: "--no-error", test: func(s *streamctx.Snapshot) (bool, string) {
		if s.ErrorType != nil || s.ErrorMessage != nil {
			why := "error " + strOrNull(s.ErrorType) + ": " + strOrNull(s.ErrorMessage)
			if s.StatusCode != nil {
				why += fmt.Sprintf(" (HTTP %d)", *s.StatusCode)
			}
			return false, why
		}
		if s.BadEvents > 0 {
			return false, fmt.Sprintf("%d events could not be decoded (see warnings)", s.BadEvents)
		}
		return true, ""
	}}
}

// Format asserts that the capture is of the wire format named format;
// given is the name as the user gave it (an alias, perhaps). It looks at
// what the events are (Snapshot.DetectedFormat), not at the format they
// were parsed as, which --format may have forced.
func Format(given, format string) Assertion {
	return Assertion{Flag: "--expect-format " + given,
		undecidable: func(s *streamctx.Snapshot) error {
			if s.DetectedFormat == "" {
				return ErrUndetected
			}
			return nil
		},
		test: func(s *streamctx.Snapshot) (bool, string) {
			why := "format is " + s.DetectedFormat
			if s.DetectedFormat != s.Format && !strings.HasPrefix(s.Format, s.DetectedFormat+"/") {
				why += " (parsed as " + s.Format + " as --format asked)"
			}
			return s.DetectedFormat == format, why
		}}
}

// Model asserts that the model matches re; given is its source.
func Model(given string, re *regexp.Regexp) Assertion {
	return Assertion{Flag: "--model " + given, test: func(s *streamctx.Snapshot) (bool, string) {
		if s.Model == nil {
			return false, "the stream names no model"
		}
		return re.MatchString(*s.Model), "model is " + *s.Model
	}}
}

// MinOutputTokens asserts that output_tokens is at least n.
func MinOutputTokens(n int64) Assertion {
	return Assertion{Flag: fmt.Sprintf("--min-output-tokens %d", n), test: func(s *streamctx.Snapshot) (bool, string) {
		why := fmt.Sprintf("output_tokens is %d", s.OutputTokens)
		if s.UsageSource == "none" {
			why += " (the stream carried no usage)"
		}
		return s.OutputTokens >= n, why
	}}
}

// MaxCost asserts that the stream cost at most limit US dollars (the
// summary's cost: the provider's, else the price table's estimate); given
// is the limit as the user gave it. A capture whose cost is not known
// cannot decide it (ErrNoCost, with the cost's reason).
func MaxCost(given string, limit float64) Assertion {
	return Assertion{Flag: "--max-cost " + given,
		undecidable: func(s *streamctx.Snapshot) error {
			if s.Cost.USD == nil {
				return fmt.Errorf("%w (%s)", ErrNoCost, strOrNull(s.Cost.Reason))
			}
			return nil
		},
		test: func(s *streamctx.Snapshot) (bool, string) {
			why := fmt.Sprintf("cost is $%s (%s", strconv.FormatFloat(*s.Cost.USD, 'f', -1, 64), strOrNull(s.Cost.Source))
			if s.Cost.ModelMatched != nil {
				why += ", " + *s.Cost.ModelMatched
			}
			return *s.Cost.USD <= limit, why + ")"
		}}
}

// MaxTTFB asserts that the first byte came within limit.
func MaxTTFB(limit time.Duration) Assertion {
	return maxTime("max-ttfb", "ttfb", limit, func(t *streamctx.Timing) time.Duration { return t.FirstByte })
}

// MaxTTFT asserts that the first content event came within limit; it
// needs the times of events.
func MaxTTFT(limit time.Duration) Assertion {
	a := maxTime("max-ttft", "ttft", limit, func(t *streamctx.Timing) time.Duration { return t.FirstContent })
	a.undecidable = eventsTimed
	return a
}

// eventsTimed is the undecidable test of the assertions on the times of
// events.
func eventsTimed(s *streamctx.Snapshot) error {
	if !s.EventsTimed {
		return ErrEventsUntimed
	}
	return nil
}

// MaxTotal asserts that the last byte came within limit.
func MaxTotal(limit time.Duration) Assertion {
	return maxTime("max-total", "total", limit, func(t *streamctx.Timing) time.Duration { return t.End })
}

func maxTime(flag, what string, limit time.Duration, at func(*streamctx.Timing) time.Duration) Assertion {
	return Assertion{Flag: "--" + flag + " " + limit.String(), Timed: true, test: func(s *streamctx.Snapshot) (bool, string) {
		d := at(&s.Timing)
		if d < 0 {
			return false, what + " is unknown (the stream never got there)"
		}
		return d <= limit, what + " is " + d.Round(time.Microsecond).String()
	}}
}

// MaxGap asserts that no gap between two content events is longer than
// limit; a stream with fewer than two has no gap and passes. It needs the
// times of events.
func MaxGap(limit time.Duration) Assertion {
	return Assertion{Flag: "--max-gap " + limit.String(), Timed: true, undecidable: eventsTimed, test: func(s *streamctx.Snapshot) (bool, string) {
		g := s.Latency.GapsMs
		if g == nil || g.Count == 0 || g.Max == nil {
			return true, ""
		}
		longest := time.Duration(*g.Max * float64(time.Millisecond)).Round(time.Microsecond)
		return longest <= limit, fmt.Sprintf("the longest of %d gaps is %v", g.Count, longest)
	}}
}

// TextContains asserts that the answer text contains sub.
func TextContains(sub string) Assertion {
	return Assertion{Flag: fmt.Sprintf("--text-contains %q", sub), test: func(s *streamctx.Snapshot) (bool, string) {
		return strings.Contains(s.Text, sub), fmt.Sprintf("the text (%d bytes) does not contain it", len(s.Text))
	}}
}

// Tool asserts that a tool call named name was made.
func Tool(name string) Assertion {
	return Assertion{Flag: "--tool " + name, test: func(s *streamctx.Snapshot) (bool, string) {
		var names []string
		for _, tc := range s.ToolCalls {
			if tc.Name == name {
				return true, ""
			}
			names = append(names, tc.Name)
		}
		if len(names) == 0 {
			return false, "no tool calls"
		}
		return false, "tool calls are " + strings.Join(names, ", ")
	}}
}

func strOrNull(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}
