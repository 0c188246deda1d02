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
	for _, in := range []string{"0", "-1", "fast", "", "NaN", "Inf"} {
		_, err := parseSpeed(in)
		assert.ErrorIs(t, err, errUsage, in)
	}
}
