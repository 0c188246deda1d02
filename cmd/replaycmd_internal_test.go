package cmd

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSpeed(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"1": 1, "2": 2, "0.5": 0.5, "max": 0, "MAX": 0} {
		got, err := parseSpeed(in)
		require.NoError(t, err, in)
		assert.InDelta(t, want, got, 0, in)
	}
	for _, in := range []string{"0", "-1", "fast", "", "NaN", "Inf", "1e7", "1000000.5"} {
		_, err := parseSpeed(in)
		require.ErrorIs(t, err, errUsage, in)
		require.ErrorContains(t, err, "at most 1000000", in) // the limit is said
	}
	got, err := parseSpeed("1e6")
	require.NoError(t, err)
	assert.InDelta(t, 1e6, got, 0)
}
