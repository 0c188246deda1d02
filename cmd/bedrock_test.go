package cmd_test

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/cmd"
)

// TestBedrockDamagedFrame: a CRC mismatch in frame 6 of a real capture
// (one byte flipped here, by hand) stops the reading there: summarize
// reports the five frames before it and says where the damage is (exit
// 1); check decides nothing on part of a stream (exit 2).
func TestBedrockDamagedFrame(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../testdata/captures/bedrock/converse-stream-nova-text.eventstream")
	require.NoError(t, err)
	i := bytes.Index(b, []byte(" also the most")) // in frame 6, which starts at byte 1015
	require.Positive(t, i)
	b[i+1] ^= 0x20
	damaged := filepath.Join(t.TempDir(), "damaged.eventstream")
	require.NoError(t, os.WriteFile(damaged, b, 0o644))
	cause := "event-stream frame 6 at byte 1015: message CRC mismatch"

	cases := map[string]struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		"summarize": {args: []string{"summarize", damaged}, code: 1,
			stdout: "[FAIL] - | unknown | bedrock\n      Total: n/a | in:0 out:0\n",
			stderr: "sseinspect: " + damaged + ": warning: the stream ended without messageStop: it was cut off\n" +
				"sseinspect: " + damaged + ": warning: the input could not be read to its end: " + cause + "\n"},
		"text":  {args: []string{"text", damaged}, code: 1, stdout: "The capital of France is Paris. Paris is not only the capital city but\n", stderr: "sseinspect: " + damaged + ": " + cause + " (what was read before is reported)\n"},
		"check": {args: []string{"check", "--complete", damaged}, code: 2, stderr: "sseinspect: " + damaged + ": " + cause + "\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := cmd.Run(tc.args, cmd.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
			assert.Equal(t, tc.code, code)
			assert.Equal(t, tc.stdout, stdout.String())
			assert.Equal(t, tc.stderr, stderr.String())
		})
	}
}

// TestBedrockHAR: a HAR file whose response body is an event stream
// (base64, as browsers save binary bodies; the HAR is made here, around a
// real capture) is read as one, with the request id of its
// x-amzn-RequestId header.
func TestBedrockHAR(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../testdata/captures/bedrock/converse-stream-nova-tool-use.eventstream")
	require.NoError(t, err)
	har := `{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[{"startedDateTime":"2026-01-01T00:00:00.000Z","time":100,` +
		`"request":{"method":"POST","url":"https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse-stream","httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},` +
		`"response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[{"name":"Content-Type","value":"application/vnd.amazon.eventstream"},{"name":"x-amzn-RequestId","value":"abc-123"}],"cookies":[],` +
		`"content":{"size":` + strconv.Itoa(len(b)) + `,"mimeType":"application/vnd.amazon.eventstream","encoding":"base64","text":"` + base64.StdEncoding.EncodeToString(b) + `"},"redirectURL":"","headersSize":-1,"bodySize":-1},` +
		`"cache":{},"timings":{"send":0,"wait":50,"receive":50}}]}}`
	path := filepath.Join(t.TempDir(), "bedrock.har")
	require.NoError(t, os.WriteFile(path, []byte(har), 0o644))
	var stdout, stderr bytes.Buffer
	code := cmd.Run([]string{"summarize", path}, cmd.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	assert.Equal(t, 0, code, stderr.String())
	assert.Equal(t, "[OK] abc-123 | unknown | bedrock | TTFB: 50ms\n      Total: 100ms | in:986 out:42\n", stdout.String())
}
