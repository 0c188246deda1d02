package report_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/report"
)

func TestSparkline(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		times []float64
		total float64
		want  string
	}{
		// 40 columns of 100ms: a busy start (4 events a column), a stall, a
		// slower end (1 a column, 2 in the last).
		"stall_in_the_middle": {
			times: append(append(spread(0, 1000, 40), spread(3000, 4000, 10)...), 3999),
			total: 4000,
			want:  "      rate: ██████████                    ▂▂▂▂▂▂▂▂▂▄ (content events over 4s)\n",
		},
		"under_a_second":    {times: []float64{10, 20, 800}, total: 850, want: "      rate: " /* checked below */},
		"one_event_no_line": {times: []float64{5}, total: 100},
		"no_total_no_line":  {times: []float64{1, 2}, total: 0},
		"time_past_the_end_is_in_the_last_column": {times: []float64{0, 5000}, total: 1000,
			want: "      rate: █                                      █ (content events over 1s)\n"},
	} {
		r := report.NewRateRecorder(4096)
		for _, tm := range tc.times {
			r.Add(tm)
		}
		var b bytes.Buffer
		require.NoError(t, r.Sparkline(&b, tc.total), name)
		switch name {
		case "under_a_second":
			assert.True(t, strings.HasSuffix(b.String(), " (content events over 850ms)\n"), b.String())
			assert.Equal(t, 40, utf8.RuneCountInString(strings.TrimSuffix(strings.TrimPrefix(b.String(), "      rate: "), " (content events over 850ms)\n")))
		default:
			assert.Equal(t, tc.want, b.String(), name)
		}
	}
}

// A recorder that is full keeps an even sample: the sparkline of a long
// steady stream is level.
func TestRateRecorderThins(t *testing.T) {
	t.Parallel()
	r := report.NewRateRecorder(4096)
	for i := range 100_000 {
		r.Add(float64(i))
	}
	var b bytes.Buffer
	require.NoError(t, r.Sparkline(&b, 100_000))
	line := strings.TrimPrefix(b.String(), "      rate: ")
	line = line[:strings.Index(line, " (")]
	for _, c := range line {
		assert.Contains(t, "▇█", string(c), "a steady stream is level: %q", line)
	}
}

// spread returns n times evenly from a to b.
func spread(a, b float64, n int) []float64 {
	var out []float64
	for i := range n {
		out = append(out, a+(b-a)*float64(i)/float64(n))
	}
	return out
}
