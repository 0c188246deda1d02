package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/streamctx"
)

func TestPercentileNearestRank(t *testing.T) {
	t.Parallel()
	assert.Equal(t, int64(7), percentile([]int64{7}, 50))
	assert.Equal(t, int64(7), percentile([]int64{7}, 99))
	xs := []int64{100, 1, 99, 2, 98, 3, 97, 4, 96, 5} // 10 values
	assert.Equal(t, int64(5), percentile(xs, 50))
	assert.Equal(t, int64(100), percentile(xs, 99))
	var hundred []int64
	for i := int64(100); i >= 1; i-- {
		hundred = append(hundred, i)
	}
	assert.Equal(t, int64(50), percentile(hundred, 50))
	assert.Equal(t, int64(99), percentile(hundred, 99))
}

func TestTotalsCost(t *testing.T) {
	t.Parallel()
	usd := func(v float64) streamctx.Cost { return streamctx.Cost{USD: &v} }
	for _, tc := range []struct {
		name  string
		costs []streamctx.Cost
		want  string
	}{
		{"none known", []streamctx.Cost{{}, {}}, "out: 0"},
		{"all known", []streamctx.Cost{usd(0.000435), usd(0.03)}, "  cost: $0.030435"},
		{"some unknown", []streamctx.Cost{usd(0.0000004), {}, usd(1.5), {}}, "  cost: $1.500000 (2 without)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var tot Totals
			for _, c := range tc.costs {
				tot.Add(&streamctx.Snapshot{Complete: true, Cost: c}, false)
			}
			var b strings.Builder
			require.NoError(t, tot.Write(&b))
			assert.True(t, strings.HasSuffix(b.String(), tc.want+"\n"), b.String())
		})
	}
}
