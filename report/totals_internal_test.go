package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
