package parser

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteJSONStringRoundTrips(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `q"b\s`, "\n\r\t\x00\x1f\x7f", "é 😀 <&>", "bad \xff utf-8"} {
		var b strings.Builder
		writeJSONString(&b, s)
		var got string
		require.NoError(t, json.Unmarshal([]byte(b.String()), &got), "%q", b.String())
		want := strings.ToValidUTF8(s, "\ufffd")
		assert.Equal(t, want, got)
	}
}

func TestParseArgPath(t *testing.T) {
	t.Parallel()
	steps, err := parseArgPath(`$.recipe.ingredients[10]['a b']["c"]`)
	require.NoError(t, err)
	assert.Equal(t, []argStep{{name: "recipe", index: -1}, {name: "ingredients", index: -1}, {index: 10}, {name: "a b", index: -1}, {name: "c", index: -1}}, steps)
	for _, bad := range []string{"", "$", "a.b", "$..b", "$.a[", "$.a[-1]", "$.a[01]", "$.a[x]", "$.a[65536]", "$.a*"} {
		_, err := parseArgPath(bad)
		assert.ErrorIs(t, err, errArgPath, "%q", bad)
	}
}
