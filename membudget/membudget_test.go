package membudget_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sseinspect/sseinspect/membudget"
)

func TestBudgetFollowsWhatIsKept(t *testing.T) {
	t.Parallel()
	var limits []int64
	b := membudget.New(func(l int64) { limits = append(limits, l) })
	b.Keep(5 << 20)
	b.Keep(1 << 20)
	b.Keep(-6 << 20)
	assert.Equal(t, []int64{membudget.Slack, membudget.Slack + 5<<20, membudget.Slack + 6<<20, membudget.Slack}, limits)
	assert.Zero(t, b.Kept())
}

func TestBudgetConcurrentKeeps(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	b := membudget.New(func(int64) { calls.Add(1) })
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				b.Keep(3)
				b.Keep(-1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(8*1000*2), b.Kept())
	assert.Equal(t, int64(1+8*1000*2), calls.Load(), "one limit per change")
}
