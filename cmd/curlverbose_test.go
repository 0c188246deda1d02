package cmd_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCurlVerboseNoiseBeforeStream is issue 12's instance: a capture whose
// first line is curl -v's "{ [5 bytes data]" was read as a JSON body (no
// events); the stream after it is read, with a warning.
func TestCurlVerboseNoiseBeforeStream(t *testing.T) {
	t.Parallel()
	for _, noise := range []string{
		"{ [5 bytes data]\n",
		"* Connected to localhost (127.0.0.1) port 8080\r\n> GET / HTTP/1.1\r\n> \r\n< HTTP/1.1 200 OK\r\n< \r\n{ [118 bytes data]\r\n",
	} {
		stdout, stderr, code := run{args: []string{"summarize", "--json"}, stdin: noise + chatStream}.do(t)
		assert.Equal(t, 0, code, stderr)
		var s struct {
			Events   int      `json:"events"`
			Text     string   `json:"text"`
			Format   string   `json:"format"`
			Warnings []string `json:"warnings"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &s), stdout)
		assert.Equal(t, "openai-chat", s.Format)
		assert.Equal(t, 2, s.Events)
		require.NotEmpty(t, s.Warnings)
		assert.Contains(t, s.Warnings[0], "lines of curl -v output")
	}
}
