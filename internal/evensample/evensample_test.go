package evensample_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sseinspect/sseinspect/internal/evensample"
)

func TestSample(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		max, n     int
		want       []int
		wantStride int
	}{
		{max: 4, n: 3, want: []int{0, 1, 2}, wantStride: 1},
		{max: 4, n: 4, want: []int{0, 1, 2, 3}, wantStride: 1},
		{max: 4, n: 5, want: []int{0, 2, 4}, wantStride: 2},
		{max: 4, n: 8, want: []int{0, 2, 4, 6}, wantStride: 2},
		{max: 4, n: 9, want: []int{0, 4, 8}, wantStride: 4},
		{max: 8, n: 100, want: []int{0, 16, 32, 48, 64, 80, 96}, wantStride: 16},
	} {
		s := evensample.New[int](tc.max)
		for i := range tc.n {
			s.Add(i)
		}
		assert.Equal(t, tc.want, s.Items(), "max %d, n %d", tc.max, tc.n)
		assert.Equal(t, tc.wantStride, s.Stride())
		assert.Equal(t, tc.n, s.Added())
		assert.LessOrEqual(t, len(s.Items()), tc.max)
	}
}
