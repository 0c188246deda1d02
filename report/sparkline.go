package report

import (
	"io"
	"strings"

	"github.com/sseinspect/sseinspect/internal/evensample"
)

// sparkWidth is the number of columns of a sparkline.
const sparkWidth = 40

// sparkLevels are the bars of a sparkline, lowest first; a column without
// content is a space.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// A RateRecorder keeps the times of a stream's content events for a
// sparkline, in bounded memory: an even sample of them (package
// evensample), which keeps the shape of the rate.
type RateRecorder struct {
	times *evensample.Sample[float64]
}

// NewRateRecorder returns a RateRecorder that keeps at most max times.
func NewRateRecorder(max int) *RateRecorder {
	return &RateRecorder{times: evensample.New[float64](max)}
}

// Add records a content event at ms since the start.
func (r *RateRecorder) Add(ms float64) { r.times.Add(ms) }

// Sparkline writes the line of the content rate over time that follows the
// latency line on a terminal:
//
//	rate: ▁▃▅█▇▇▆  ▂▅▇█▆▃▁ (content events over 3.4s)
//
// Each of its columns is an equal slice of the time from the start to
// totalMs, its bar the number of content events in it against the busiest
// column; a blank column had none (a stall shows as a gap). Nothing is
// written with fewer than two content events or no total.
func (r *RateRecorder) Sparkline(w io.Writer, totalMs float64) error {
	if r == nil || r.times.Added() < 2 || totalMs <= 0 {
		return nil
	}
	counts := make([]int, sparkWidth)
	most := 0
	for _, t := range r.times.Items() {
		i := min(max(int(t/totalMs*sparkWidth), 0), sparkWidth-1)
		counts[i]++
		most = max(most, counts[i])
	}
	var b strings.Builder
	b.WriteString("      rate: ")
	for _, c := range counts {
		if c == 0 {
			b.WriteByte(' ')
			continue
		}
		level := (c*len(sparkLevels) - 1) / most // 0 … len-1
		b.WriteRune(sparkLevels[level])
	}
	b.WriteString(" (content events over ")
	b.WriteString(shortDuration(totalMs))
	b.WriteString(")\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// shortDuration writes ms as "850ms" or "3.4s".
func shortDuration(ms float64) string {
	if ms < 1000 {
		return strings.TrimSuffix(shortMs(&ms), ".0")
	}
	s := ms / 1000
	return strings.TrimSuffix(shortMs(&s), "ms") + "s"
}
