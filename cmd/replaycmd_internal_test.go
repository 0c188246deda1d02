package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTime is a scripted clock that only waiting moves.
type fakeTime struct {
	t     time.Time
	waits []time.Duration
}

func (f *fakeTime) now() time.Time { return f.t }

func (f *fakeTime) wait(ctx context.Context, d time.Duration) error {
	f.waits = append(f.waits, d)
	if d > 0 {
		f.t = f.t.Add(d)
	}
	return ctx.Err()
}

// stampWriter notes the clock at each write.
type stampWriter struct {
	clock  *fakeTime
	t0     time.Time
	writes []string
}

func (w *stampWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, w.clock.t.Sub(w.t0).String()+" "+string(p))
	return len(p), nil
}

const replayCapture = ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n" +
	":sseinspect-t 100.000\ndata: a\n\n" +
	":sseinspect-t 250.500\ndata: b\n\n" +
	":sseinspect-t 300.000\ndata: [DONE]\n\n" +
	":sseinspect-end 400.000\n"

func TestPlayTiming(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cap.sse")
	require.NoError(t, os.WriteFile(path, []byte(replayCapture), 0o644))
	cases := map[float64][]string{
		1: {"100ms data: a\n\n", "250.5ms data: b\n\n", "300ms data: [DONE]\n\n"},
		2: {"50ms data: a\n\n", "125.25ms data: b\n\n", "150ms data: [DONE]\n\n"},
		0: {"0s data: a\n\n", "0s data: b\n\n", "0s data: [DONE]\n\n"},
	}
	for speed, want := range cases {
		clock := &fakeTime{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		p := &player{path: path, speed: speed, now: clock.now, wait: clock.wait}
		w := &stampWriter{clock: clock, t0: clock.t}
		flushes := 0
		require.NoError(t, p.playFile(context.Background(), w, func() { flushes++ }, nil, nil))
		assert.Equal(t, want, w.writes, "speed %v", speed)
		assert.Equal(t, 3, flushes, "one flush per part")
		if speed > 0 {
			assert.Equal(t, time.Duration(float64(400*time.Millisecond)/speed), clock.t.Sub(w.t0), "ends at the recorded end")
		}
	}
}

func TestPlayStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cap.sse")
	require.NoError(t, os.WriteFile(path, []byte(replayCapture), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out strings.Builder
	p := &player{path: path, speed: 1, now: time.Now, wait: sleepCtx}
	err := p.playFile(ctx, &out, nil, nil, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, out.String())
}

func TestParseSpeed(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"1": 1, "2": 2, "0.5": 0.5, "max": 0, "MAX": 0} {
		got, err := parseSpeed(in)
		require.NoError(t, err, in)
		assert.InDelta(t, want, got, 0, in)
	}
	for _, in := range []string{"0", "-1", "fast", "", "NaN", "Inf"} {
		_, err := parseSpeed(in)
		assert.ErrorIs(t, err, errUsage, in)
	}
}
