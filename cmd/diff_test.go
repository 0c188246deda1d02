package cmd_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// diffCaptures are small captures that differ in one aspect each from
// upstream.sse.
var diffCaptures = map[string]string{
	"upstream.sse": `data: {"id":"chatcmpl-1","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"The answer\nis 42."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":5}}

data: [DONE]

`,
	"gateway.sse": `data: {"id":"chatcmpl-1","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"The answer\nis 43."},"finish_reason":"stop"}]}

data: [DONE]

`,
	"renamed.sse": `data: {"id":"chatcmpl-2","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"The answer\n"},"finish_reason":null}]}

data: {"id":"chatcmpl-2","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"is 42."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":5}}

data: [DONE]

`,
	"cut.sse": `data: {"id":"chatcmpl-1","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"The answer\nis 42."},"finish_reason":null}],"usage":{"prompt_tokens":9,"completion_tokens":5}}

`,
	"tools-a.sse": `data: {"id":"chatcmpl-t","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}

data: [DONE]

`,
	"tools-b.sse": `data: {"id":"chatcmpl-t","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_b","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}

data: [DONE]

`,
	"tools-c.sse": `data: {"id":"chatcmpl-t","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Lyon\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}

data: [DONE]

`,
}

func TestDiff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, diffCaptures)
	cases := map[string]struct {
		args   []string
		stdin  string
		code   int
		stdout string   // exact, when set
		has    []string // lines stdout must contain
		stderr string
	}{
		"same_capture": {
			args:   []string{"$DIR/upstream.sse", "$DIR/upstream.sse"},
			stdout: "captures agree\n",
		},
		"differences_that_do_not_matter_exit_0": {
			// model, response id, events; the text arrived in two chunks
			args: []string{"$DIR/upstream.sse", "$DIR/renamed.sse"},
			stdout: "--- $DIR/upstream.sse\n+++ $DIR/renamed.sse\n- model: \"gpt-4o\"\n+ model: \"gpt-4o-2024-08-06\"\n" +
				"- events: 2\n+ events: 3\n- data_count: 2\n+ data_count: 3\n" +
				"captures agree in usage, text, tool calls, completion and errors\n",
		},
		"cut_off_is_completion": {
			args: []string{"$DIR/upstream.sse", "$DIR/cut.sse"},
			code: 1,
			has:  []string{"- status: \"ok\"\n+ status: \"failed\"\n- complete: true\n+ complete: false\n- stop_reason: \"stop\"\n+ stop_reason: null\n", "captures differ in completion\n"},
		},
		"http_error_is_errors": {
			args: []string{"$DIR/upstream.sse", "../testdata/captures/errors/anthropic-http-529-overloaded.sse"},
			code: 1,
			has:  []string{"+ error_type: \"overloaded_error\"\n", "- format: \"openai-chat\"\n+ format: \"anthropic\"\n", "captures differ in errors, completion, usage, text\n"},
		},
		"stop_reason_across_formats_does_not_matter": {
			args: []string{"--json", "../testdata/captures/anthropic/text.sse", "../testdata/captures/openai/chat-text-include-usage.sse"},
			code: 1,
			has:  []string{`{"key":"stop_reason","a":"end_turn","b":"stop","matters":false}`, `"differs_in":["usage","text"]`},
		},
		"tool_call_ids_and_json_spacing_do_not_matter": {
			args: []string{"$DIR/tools-a.sse", "$DIR/tools-b.sse"},
			has:  []string{"- tool_calls: [{\"id\":\"call_a\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}]\n", "captures agree in usage, text, tool calls, completion and errors\n"},
		},
		"tool_call_arguments_matter": {
			args: []string{"$DIR/tools-a.sse", "$DIR/tools-c.sse"},
			code: 1,
			has:  []string{"captures differ in tool calls\n"},
		},
		"stdin_as_one_side": {
			args:  []string{"$DIR/upstream.sse", "-"},
			stdin: diffCaptures["upstream.sse"],
			has:   []string{"captures agree\n"},
		},
		"unreadable_capture": {
			args:   []string{"$DIR/upstream.sse", "$DIR/nosuch.sse"},
			code:   2,
			stdout: "",
			stderr: "sseinspect: $DIR/nosuch.sse: no such file or directory\n",
		},
		"one_capture_is_a_usage_error": {
			args:   []string{"$DIR/upstream.sse"},
			code:   2,
			stderr: "sseinspect: diff compares 2 captures, got 1\nRun 'sseinspect --help' for usage.\n",
		},
		"stdin_twice": {
			args:   []string{"-", "-"},
			code:   2,
			stderr: "sseinspect: standard input (-) named 2 times\nRun 'sseinspect --help' for usage.\n",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := inDir{dir: dir, stdin: c.stdin}.run(t, append([]string{"diff"}, c.args...)...)
			assert.Equal(t, c.code, code, "stdout: %s\nstderr: %s", stdout, stderr)
			if c.has == nil {
				assert.Equal(t, c.stdout, stdout)
			}
			for _, h := range c.has {
				assert.Contains(t, stdout, h)
			}
			assert.Equal(t, c.stderr, stderr)
		})
	}
}
