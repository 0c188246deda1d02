package cmd_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sseinspect/sseinspect/cmd"
)

// escapingChat's text holds an OSC (window title), a CSI (clear screen),
// a CR, a newline and a tab.
const escapingChat = `data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"x\u001b]0;pwned\u0007 \u001b[2J\r\nok\tz"},"finish_reason":"stop"}]}` +
	"\n\ndata: [DONE]\n\n"

// TestTextOnATerminal: piped, text is the model's text as it is; on a
// terminal, its control characters but newline and tab are escaped,
// unless --raw.
func TestTextOnATerminal(t *testing.T) {
	t.Parallel()
	raw := "x\x1b]0;pwned\x07 \x1b[2J\r\nok\tz\n"
	for name, c := range map[string]struct {
		args []string
		tty  bool
		want string
	}{
		"piped":          {[]string{"text"}, false, raw},
		"terminal":       {[]string{"text"}, true, `x\x1b]0;pwned\x07 \x1b[2J\r` + "\nok\tz\n"},
		"terminal --raw": {[]string{"text", "--raw"}, true, raw},
		"piped --raw":    {[]string{"text", "--raw"}, false, raw},
	} {
		var out, errb bytes.Buffer
		code := cmd.Run(c.args, cmd.Env{Stdin: bytes.NewReader([]byte(escapingChat)), Stdout: &out, Stderr: &errb, StdoutIsTerminal: c.tty})
		assert.Equal(t, 0, code, name)
		assert.Equal(t, c.want, out.String(), name)
		assert.Empty(t, errb.String(), name)
	}
}

// TestTextOfAFailedStreamSaysWhy: text of a stream that failed (its text
// empty), or was cut, says why on stderr, exit 1.
func TestTextOfAFailedStreamSaysWhy(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		args   []string
		stdin  string
		stdout string
		stderr string
	}{
		"HTTP error": {args: []string{"text", overloaded},
			stderr: "sseinspect: " + overloaded + ": the stream failed: overloaded_error: Overloaded\n"},
		"cut": {args: []string{"text"}, stdin: `data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}` + "\n\n",
			stdout: "Hel\n",
			stderr: "sseinspect: stdin: the stream is incomplete: it has not reached its end\n" +
				"sseinspect: stdin: warning: the stream ended without [DONE] and without a finish_reason: it is incomplete\n"},
	} {
		var out, errb bytes.Buffer
		code := cmd.Run(c.args, cmd.Env{Stdin: bytes.NewReader([]byte(c.stdin)), Stdout: &out, Stderr: &errb})
		assert.Equal(t, 1, code, name)
		assert.Equal(t, c.stdout, out.String(), name)
		assert.Equal(t, c.stderr, errb.String(), name)
	}
}

// TestEventsEscapeControls: the human output of events shows the control
// characters of an event's type, id and data escaped (an OSC in the data
// used to reach the terminal); --json stays exact.
func TestEventsEscapeControls(t *testing.T) {
	t.Parallel()
	in := "event: x\x1b[31m\nid: 1\x07\ndata: \x1b]0;pwned\x07\ndata: second\tline\n\n"
	var out, errb bytes.Buffer
	code := cmd.Run([]string{"events"}, cmd.Env{Stdin: bytes.NewReader([]byte(in)), Stdout: &out, Stderr: &errb})
	assert.Equal(t, 0, code, errb.String())
	assert.Equal(t, `line 1 event: x\x1b[31m id: 1\x07`+"\n"+`  \x1b]0;pwned\x07`+"\n"+`  second\tline`+"\n", out.String())

	out.Reset()
	code = cmd.Run([]string{"events", "--json"}, cmd.Env{Stdin: bytes.NewReader([]byte(in)), Stdout: &out, Stderr: &errb})
	assert.Equal(t, 0, code, errb.String())
	assert.Contains(t, out.String(), `"data":"\u001b]0;pwned\u0007\nsecond\tline"`)
}
