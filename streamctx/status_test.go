package streamctx_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/streamctx"
)

func TestStatusMarshalsAsBefore(t *testing.T) {
	t.Parallel()
	for st, want := range map[streamctx.Status]string{streamctx.StatusOK: `"ok"`, streamctx.StatusFailed: `"failed"`} {
		b, err := json.Marshal(st)
		require.NoError(t, err)
		assert.Equal(t, want, string(b))
		var back streamctx.Status
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, st, back)
	}
	var zero streamctx.Status
	assert.Equal(t, streamctx.StatusFailed, zero, "a stream is ok only once known to be")
	_, err := json.Marshal(streamctx.Status(7))
	require.Error(t, err)
	var s streamctx.Status
	require.Error(t, json.Unmarshal([]byte(`"OK"`), &s))
}
