package cmd_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCaptureCannotForgeLines: what a capture names (its model) is printed
// with control characters escaped, in the two-line summary and in check's
// verdicts, so a stream cannot print a line of its own, such as a PASS.
func TestCaptureCannotForgeLines(t *testing.T) {
	t.Parallel()
	stream := `data: {"id":"chatcmpl-a","model":"m\n[OK] forged\u001b[32m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}` +
		"\n\ndata: [DONE]\n\n"
	out, _, code := run{args: []string{"summarize"}, stdin: stream}.do(t)
	assert.Equal(t, 0, code)
	assert.Equal(t, "[OK] a | m\\n[OK] forged\\x1b[32m | openai\n      Total: n/a | in:0 out:0\n", out)

	out, _, code = run{args: []string{"check", "--model", "^x$"}, stdin: stream}.do(t)
	assert.Equal(t, 1, code)
	assert.Equal(t, "FAIL --model ^x$: model is m\\n[OK] forged\\x1b[32m\nFAIL stdin (1 of 1 assertion failed)\n", out)
}
