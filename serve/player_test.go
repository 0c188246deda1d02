package serve_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/serve"
)

// fakeTime is a scripted clock that only waiting moves.
type fakeTime struct {
	t     time.Time
	waits []time.Duration
}

func (f *fakeTime) now() time.Time { return f.t }

func (f *fakeTime) wait(ctx context.Context, d time.Duration) error {
	f.waits = append(f.waits, d)
	f.t = f.t.Add(d)
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

func writeCapture(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cap.sse")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestPlayTiming(t *testing.T) {
	t.Parallel()
	path := writeCapture(t, replayCapture)
	cases := map[float64][]string{
		1: {"100ms data: a\n\n", "250.5ms data: b\n\n", "300ms data: [DONE]\n\n"},
		2: {"50ms data: a\n\n", "125.25ms data: b\n\n", "150ms data: [DONE]\n\n"},
		0: {"0s data: a\n\n", "0s data: b\n\n", "0s data: [DONE]\n\n"},
	}
	for speed, want := range cases {
		clock := &fakeTime{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		p := &serve.Player{Path: path, Speed: speed, Now: clock.now, Wait: clock.wait}
		w := &stampWriter{clock: clock, t0: clock.t}
		var warn strings.Builder
		require.NoError(t, p.Play(context.Background(), w, &warn))
		assert.Equal(t, want, w.writes, "speed %v", speed)
		assert.Empty(t, warn.String())
		if speed > 0 {
			assert.Equal(t, time.Duration(float64(400*time.Millisecond)/speed), clock.t.Sub(w.t0), "ends at the recorded end")
		} else {
			assert.Empty(t, clock.waits, "max speed never waits")
		}
	}
}

func TestPlayUntimedAtOnce(t *testing.T) {
	t.Parallel()
	path := writeCapture(t, "data: a\n\n")
	clock := &fakeTime{}
	var out, warn strings.Builder
	p := &serve.Player{Path: path, Speed: 1, Now: clock.now, Wait: clock.wait}
	require.NoError(t, p.Play(context.Background(), &out, &warn))
	assert.Equal(t, "data: a\n\n", out.String())
	assert.Equal(t, "sseinspect: "+path+": not a timed capture (see sseinspect record): written at once\n", warn.String())
	assert.Empty(t, clock.waits)
}

func TestPlayStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	path := writeCapture(t, replayCapture)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out strings.Builder
	p := &serve.Player{Path: path, Speed: 1} // the real clock: it must not wait
	err := p.Play(ctx, &out, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, out.String())
}

func TestPlayMissingFile(t *testing.T) {
	t.Parallel()
	p := &serve.Player{Path: filepath.Join(t.TempDir(), "missing.sse")}
	require.ErrorIs(t, p.Play(context.Background(), &strings.Builder{}, nil), os.ErrNotExist)
}

// TestPlayWritesTheHead: played to a writer, a capture recorded with
// curl -i is the response as received, its head when it arrived.
func TestPlayWritesTheHead(t *testing.T) {
	t.Parallel()
	path := writeCapture(t, ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n"+
		":sseinspect-t 20.000\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"+
		":sseinspect-t 30.000\ndata: a\n\n:sseinspect-end 40.000\n")
	clock := &fakeTime{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	w := &stampWriter{clock: clock, t0: clock.t}
	p := &serve.Player{Path: path, Speed: 1, Now: clock.now, Wait: clock.wait}
	require.NoError(t, p.Play(context.Background(), w, nil))
	assert.Equal(t, []string{"20ms HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n", "30ms data: a\n\n"}, w.writes)
	assert.Equal(t, 40*time.Millisecond, clock.t.Sub(w.t0))
}

// TestPlayRefusesAnImplausibleGap: a recorded time more than a day after
// the one before (an edited or damaged capture) cannot be right: Play and
// Check fail at once instead of waiting for it (a time of 10^12 ms used to
// hang replay for 31 years); --speed max, which does not wait, plays it.
func TestPlayRefusesAnImplausibleGap(t *testing.T) {
	t.Parallel()
	for name, capture := range map[string]string{
		"between lines": ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n:sseinspect-t 0.000\ndata: a\n\n" +
			":sseinspect-t 90000000.000\ndata: b\n\n:sseinspect-end 90000001.000\n",
		"to the end": ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n:sseinspect-t 0.000\ndata: a\n\n" +
			":sseinspect-end 1000000000000.000\n",
		"first byte of a head": ":sseinspect-timed v1 start=2026-03-04T05:06:07Z\n:sseinspect-t 100000000.000\nHTTP/1.1 200 OK\r\n\r\n" +
			":sseinspect-t 100000001.000\ndata: a\n\n:sseinspect-end 100000002.000\n",
	} {
		path := writeCapture(t, capture)
		clock := &fakeTime{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		p := &serve.Player{Path: path, Speed: 1, Now: clock.now, Wait: clock.wait}
		err := p.Play(context.Background(), &strings.Builder{}, nil)
		require.ErrorIs(t, err, serve.ErrImplausibleTime, name)
		assert.Contains(t, err.Error(), "more than a day", name)
		for _, w := range clock.waits {
			assert.LessOrEqual(t, w, serve.MaxGap, "%s: no wait for it", name)
		}
		require.ErrorIs(t, p.Check(), serve.ErrImplausibleTime, name)

		p.Speed = 0
		require.NoError(t, p.Play(context.Background(), &strings.Builder{}, nil), name)
		require.NoError(t, p.Check(), name)
	}
}
