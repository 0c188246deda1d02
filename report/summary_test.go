package report_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

func summaryOf(t *testing.T, s *streamctx.Snapshot, useColor bool) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.Summary(&b, s, useColor))
	return b.String()
}

func ptr[T any](v T) *T { return &v }

func TestSummary(t *testing.T) {
	t.Parallel()
	ttfb, total := int64(250), int64(1500)
	s := &streamctx.Snapshot{
		Provider: "anthropic", RequestID: "a1b2c3d4e5f6", Model: ptr("claude-sonnet-4"), Status: streamctx.StatusOK,
		TTFBMs: &ttfb, TotalMs: &total, InputTokens: 25, OutputTokens: 12,
	}
	assert.Equal(t, "[OK] a1b2c3d4 | claude-sonnet-4 | anthropic | TTFB: 250ms\n      Total: 1500ms | in:25 out:12\n", summaryOf(t, s, false))
	assert.Equal(t, "\x1b[32;1m[OK]\x1b[0;22m a1b2c3d4 | claude-sonnet-4 | anthropic | TTFB: 250ms\n      Total: 1500ms | in:25 out:12\n", summaryOf(t, s, true))
}

func TestSummaryWithoutTimingOrIDs(t *testing.T) {
	t.Parallel()
	s := &streamctx.Snapshot{Provider: "anthropic", Status: streamctx.StatusFailed}
	assert.Equal(t, "[FAIL] - | unknown | anthropic\n      Total: n/a | in:0 out:0\n", summaryOf(t, s, false))
	assert.Equal(t, "\x1b[31;1m[FAIL]\x1b[0;22m - | unknown | anthropic\n      Total: n/a | in:0 out:0\n", summaryOf(t, s, true))
}

func TestSummaryCutsRequestIDByCharacters(t *testing.T) {
	t.Parallel()
	s := &streamctx.Snapshot{Provider: "p", RequestID: "ééééééééé", Status: streamctx.StatusOK}
	assert.Equal(t, "[OK] éééééééé | unknown | p\n      Total: n/a | in:0 out:0\n", summaryOf(t, s, false))
}

func TestLatencyLine(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	cases := map[string]struct {
		l    streamctx.Latency
		want string
	}{
		"untimed":   {streamctx.Latency{}, "      TTFT: n/a | TPOT: n/a | p99 gap: n/a\n"},
		"no_gaps":   {streamctx.Latency{TTFTMs: f(5), GapsMs: &streamctx.Gaps{}}, "      TTFT: 5ms | TPOT: n/a | p99 gap: n/a\n"},
		"rounded":   {streamctx.Latency{TTFTMs: f(50), TPOTMs: f(51.05), GapsMs: &streamctx.Gaps{P99: f(210)}}, "      TTFT: 50ms | TPOT: 51.1ms | p99 gap: 210ms\n"},
		"sub_tenth": {streamctx.Latency{TTFTMs: f(0.04), TPOTMs: f(8.25), GapsMs: &streamctx.Gaps{P99: f(31.249)}}, "      TTFT: 0ms | TPOT: 8.3ms | p99 gap: 31.2ms\n"},
	}
	for name, c := range cases {
		var b bytes.Buffer
		require.NoError(t, report.Latency(&b, &streamctx.Snapshot{Latency: c.l}))
		assert.Equal(t, c.want, b.String(), name)
	}
}

func TestTotalsLine(t *testing.T) {
	t.Parallel()
	line := func(tt *report.Totals) string {
		var b bytes.Buffer
		require.NoError(t, tt.Write(&b))
		return b.String()
	}
	var tt report.Totals
	tt.Add(&streamctx.Snapshot{Complete: true, InputTokens: 100, OutputTokens: 40}, false)
	tt.Add(&streamctx.Snapshot{Complete: true, InputTokens: 20, OutputTokens: 5}, true)
	tt.Add(&streamctx.Snapshot{Complete: false}, true)
	assert.Equal(t, 3, tt.Captures())
	assert.Equal(t, "captures: 3  failed: 2  incomplete: 1  in: 120  out: 45\n", line(&tt))

	ms := func(v int64) *int64 { return &v }
	var timed report.Totals
	for _, v := range []int64{250, 120, 90} {
		timed.Add(&streamctx.Snapshot{Complete: true, TTFBMs: ms(v)}, false)
	}
	timed.Add(&streamctx.Snapshot{Complete: true}, false) // untimed: not in the percentiles
	assert.Equal(t, "captures: 4  failed: 0  incomplete: 0  in: 0  out: 0  ttfb p50/p99: 120ms/250ms\n", line(&timed))
}

// TestSummaryCannotBeForged: strings from a capture are printed with their
// control characters escaped: a model cannot end the line or colour it.
func TestSummaryCannotBeForged(t *testing.T) {
	t.Parallel()
	s := &streamctx.Snapshot{Provider: "p", RequestID: "\x1b[2Kid", Model: ptr("m\n[OK] forged\r"), Status: streamctx.StatusFailed}
	assert.Equal(t, "[FAIL] \\x1b[2Kid | m\\n[OK] forged\\r | p\n      Total: n/a | in:0 out:0\n", summaryOf(t, s, false))
}
