package pricing

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The embedded snapshot decodes its models lazily (Default); decoded whole
// and checked as Load checks a file, it is valid, and every model of every
// provider is priced the same either way.
func TestSnapshotLazyAgreesWithWhole(t *testing.T) {
	t.Parallel()
	whole, err := parseSnapshotWhole()
	require.NoError(t, err)
	require.NoError(t, whole.check())
	lazy, err := parseSnapshot()
	require.NoError(t, err)
	require.Len(t, lazy.providers, len(whole.providers))
	whole.date = lazy.date
	u := Usage{Input: 300000, CacheRead: 1000, Output: 2000, Reasoning: 500}
	n := 0
	for i := range whole.providers {
		p := &whole.providers[i]
		for _, m := range p.Models {
			want := whole.Estimate(p.ID, m.ID, u, time.Time{})
			got := lazy.Estimate(p.ID, m.ID, u, time.Time{})
			assert.Equal(t, want, got, "%s %s", p.ID, m.ID)
			n++
		}
	}
	assert.Greater(t, n, 1000, "models compared")
}
