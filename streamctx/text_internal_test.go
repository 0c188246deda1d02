package streamctx

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// textSizes are write sizes around the chunk size.
var textSizes = []int{0, 1, 7, 100, 4096, textChunk/2 + 3, textChunk - 1, textChunk, textChunk + 1, 3*textChunk + 5}

func TestTextBufMatchesBuilder(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var tb textBuf
	var want strings.Builder
	var earlier []string // strings returned before later writes
	for i := range 40 {
		size := textSizes[rng.IntN(len(textSizes))]
		if rng.IntN(2) == 0 {
			size = rng.IntN(300)
		}
		s := strings.Repeat(string(rune('a'+i%26)), size)
		if i%3 == 0 {
			tb.Write([]byte(s)) // Write and WriteString fill the same chunks
		} else {
			tb.WriteString(s)
		}
		want.WriteString(s)
		require.Equal(t, want.Len(), tb.Len())
		if i%7 == 0 {
			got := tb.String()
			require.Equal(t, want.String(), got)
			earlier = append(earlier, got)
		}
	}
	assert.Equal(t, want.String(), tb.String())
	for _, e := range earlier {
		assert.True(t, strings.HasPrefix(want.String(), e), "a returned string is never written again")
	}
}

func TestTextBufHoldsTextOnce(t *testing.T) { // not parallel: AllocsPerRun
	var tb textBuf
	piece := strings.Repeat("x", 777)
	const n = 5 * textChunk / 777 // 5 MiB: a doubling buffer would hold 8
	for range n {
		tb.WriteString(piece)
	}
	held := tb.cur.Cap()
	for _, c := range tb.done {
		held += len(c)
	}
	assert.Less(t, held-tb.Len(), textChunk, "unused capacity is under one chunk")

	s := tb.String()
	assert.Len(t, s, n*777)
	require.Len(t, tb.done, 1, "the chunks are replaced by the joined text")
	assert.Zero(t, tb.cur.Cap())
	allocs := testing.AllocsPerRun(10, func() { s = tb.String() })
	assert.Zero(t, allocs, "the text is joined once")

	tb.WriteString("y")
	assert.Equal(t, n*777+1, tb.Len())
	assert.Equal(t, strings.Repeat("x", n*777)+"y", tb.String())

	tb.Reset()
	assert.Empty(t, tb.String())
	assert.Zero(t, tb.Len())
}

func TestGapBuckets(t *testing.T) {
	t.Parallel()
	check := func(v int32) {
		b := gapBucket(v)
		if b < 0 || b >= gapBuckets {
			t.Fatalf("value %d: bucket %d out of range", v, b)
		}
		if up := gapUpper(b); up < v || float64(up-v) > float64(v)/gapSub {
			t.Fatalf("value %d: bucket %d has upper bound %d", v, b, up)
		}
		if b > 0 && gapUpper(b-1) >= v {
			t.Fatalf("value %d: bucket %d overlaps the one below", v, b)
		}
	}
	for v := range int32(1 << 16) {
		check(v)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		check(rng.Int32())
	}
	check(math.MaxInt32)
	assert.Equal(t, gapBuckets-1, gapBucket(math.MaxInt32))
	assert.Equal(t, int32(math.MaxInt32), gapUpper(gapBuckets-1))
}
