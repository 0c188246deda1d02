package cmd_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
)

const (
	anthropicTool = "../testdata/captures/anthropic/tool-use-input-json-delta.sse"
	overloaded    = "../testdata/captures/errors/anthropic-http-529-overloaded.sse"
	harFile       = "../capture/testdata/chrome.har"
	// chatStream is a complete OpenAI chat stream with usage.
	chatStream = "data: {\"id\":\"chatcmpl-abc\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi there\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n"
)

// runCases runs a table of cases with the assertions of TestRun.
func runCases(t *testing.T, cases map[string]run) {
	t.Helper()
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := r.do(t)
			assert.Equal(t, r.code, code, "exit code; stdout: %s; stderr: %s", stdout, stderr)
			if r.stdout != "" || r.has == nil {
				assert.Equal(t, r.stdout, stdout)
			}
			for _, h := range r.has {
				assert.Contains(t, stdout, h)
			}
			assert.Equal(t, r.stderr, stderr)
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	runCases(t, map[string]run{
		"all_hold": {
			args: []string{"check", "--complete", "--no-error", "--expect-format", "CLAUDE", "--model", "^claude-sonnet-4",
				"--min-output-tokens", "65", "--text-contains", "weather in Paris", "--tool", "get_weather", anthropicTool},
			stdout: "PASS " + anthropicTool + " (7 assertions)\n",
		},
		"one_line_per_failed_assertion": {
			args: []string{"check", "--complete", "--expect-format", "openai", "--model", "^gpt-", "--min-output-tokens", "66",
				"--text-contains", "London", "--tool", "get_weather", "--tool", "get_time", anthropicTool},
			code: 1,
			stdout: "FAIL --expect-format openai: format is anthropic\n" +
				"FAIL --model ^gpt-: model is claude-sonnet-4-20250514\n" +
				"FAIL --min-output-tokens 66: output_tokens is 65\n" +
				"FAIL --text-contains \"London\": the text (48 bytes) does not contain it\n" +
				"FAIL --tool get_time: tool calls are get_weather\n" +
				"FAIL " + anthropicTool + " (5 of 7 assertions failed)\n",
		},
		"failed_stream": {
			args: []string{"check", "--complete", "--no-error", "--min-output-tokens", "1", "--model", ".", "--tool", "x", overloaded},
			code: 1,
			stdout: "FAIL --complete: the stream did not complete (stop_reason null)\n" +
				"FAIL --no-error: error overloaded_error: Overloaded\n" +
				"FAIL --model .: the stream names no model\n" +
				"FAIL --min-output-tokens 1: output_tokens is 0 (the stream carried no usage)\n" +
				"FAIL --tool x: no tool calls\n" +
				"FAIL " + overloaded + " (5 of 5 assertions failed)\n",
		},
		"exit_status_is_about_the_assertions_not_the_stream": {
			args:   []string{"check", "--expect-format", "anthropic", overloaded},
			stdout: "PASS " + overloaded + " (1 assertion)\n",
		},
		"several_captures_each_with_a_verdict_worst_code": {
			args:   []string{"check", "--no-error", anthropicText, overloaded},
			code:   1,
			stdout: "PASS " + anthropicText + " (1 assertion)\nFAIL --no-error: error overloaded_error: Overloaded\nFAIL " + overloaded + " (1 of 1 assertion failed)\n",
		},
		"usage_null_cut_before_usage_chunk_is_not_complete": {
			// Hand-made: the chunks announce usage ("usage": null), and
			// the stream ends after finish_reason, before it and [DONE].
			args: []string{"check", "--complete", "--no-error"},
			stdin: "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null}\n\n" +
				"data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n",
			code:   1,
			stdout: "FAIL --complete: the stream did not complete (stop_reason stop)\nFAIL stdin (1 of 2 assertions failed)\n",
		},
		"expect_format_looks_at_the_stream_not_at_format": {
			args:   []string{"check", "--expect-format", "anthropic", "-f", "anthropic"},
			stdin:  chatStream,
			code:   1,
			stdout: "FAIL --expect-format anthropic: format is openai-chat (parsed as anthropic as --format asked)\nFAIL stdin (1 of 1 assertion failed)\n",
		},
		"expect_format_forced_and_right": {
			args:   []string{"check", "--expect-format", "openai", "-f", "openai"},
			stdin:  chatStream,
			stdout: "PASS stdin (1 assertion)\n",
		},
		"max_gap_on_a_har_file_is_an_error": {
			args:   []string{"check", "--max-gap", "1s", harFile},
			code:   2,
			stderr: "sseinspect: " + harFile + ": --max-gap 1s: the capture carries no per-event timing (only its first byte and its end are timed) (timing comes from live standard input or a timed capture: see sseinspect record)\n",
		},
		"max_ttft_on_a_har_file_is_an_error": {
			args:   []string{"check", "--max-ttft", "1s", harFile},
			code:   2,
			stderr: "sseinspect: " + harFile + ": --max-ttft 1s: the capture carries no per-event timing (only its first byte and its end are timed) (timing comes from live standard input or a timed capture: see sseinspect record)\n",
		},
		"max_ttfb_on_a_har_file_is_decided": {
			args:   []string{"check", "--max-ttfb", "1s", "--max-total", "1s", harFile},
			code:   1,
			stdout: "FAIL --max-total 1s: total is 1.834263s\nFAIL " + harFile + " (1 of 2 assertions failed)\n",
		},
		"stdin": {
			args:   []string{"check", "--text-contains", "Hi", "--expect-format", "openai-chat"},
			stdin:  chatStream,
			stdout: "PASS stdin (2 assertions)\n",
		},
		"directory": {
			args: []string{"check", "--complete", "../testdata/captures/anthropic"},
			code: 1,
			has:  []string{"PASS ../testdata/captures/anthropic/text.sse (1 assertion)\n", "FAIL --complete: the stream did not complete (stop_reason null)\n"},
		},
		"timing_on_live_stdin": {
			// The scripted clock advances 10ms per reading.
			args:   []string{"check", "--max-ttfb", "10ms", "--max-ttft", "1s", "--max-total", "1s"},
			stdin:  chatStream,
			live:   true,
			stdout: "PASS stdin (3 assertions)\n",
		},
		"max_gap_holds": {
			args:   []string{"check", "--max-gap", "1s"},
			stdin:  chatStream,
			live:   true,
			stdout: "PASS stdin (1 assertion)\n",
		},
		"max_gap_fails": {
			// Two content events, read 10ms apart by the scripted clock.
			args:  []string{"check", "--max-gap", "1ms"},
			stdin: "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n" + chatStream,
			live:  true,
			code:  1,
			has:   []string{"FAIL --max-gap 1ms: the longest of 1 gaps is 10ms\n"},
		},
		"max_gap_on_untimed_capture_is_an_error": {
			args:   []string{"check", "--max-gap", "1s", anthropicText},
			code:   2,
			stderr: "sseinspect: " + anthropicText + ": --max-gap 1s: the capture carries no timing (timing comes from live standard input or a timed capture: see sseinspect record)\n",
		},
		"timing_fails": {
			args:   []string{"check", "--max-ttfb", "5ms", "--max-total", "10ms"},
			stdin:  chatStream,
			live:   true,
			code:   1,
			stdout: "FAIL --max-ttfb 5ms: ttfb is 10ms\nFAIL --max-total 10ms: total is 30ms\nFAIL stdin (2 of 2 assertions failed)\n",
		},
		"timing_on_untimed_capture_is_an_error": {
			args:   []string{"check", "--complete", "--max-ttfb", "1s", anthropicText},
			code:   2,
			stderr: "sseinspect: " + anthropicText + ": --max-ttfb 1s: the capture carries no timing (timing comes from live standard input or a timed capture: see sseinspect record)\n",
		},
		"timing_with_no_timing_is_a_usage_error": {
			args:   []string{"check", "--no-timing", "--max-total", "1s"},
			stdin:  chatStream,
			live:   true,
			code:   2,
			stderr: "sseinspect: --max-total needs timing, and --no-timing ignores it\nRun 'sseinspect --help' for usage.\n",
		},
		"no_assertions_is_a_usage_error": {
			args:   []string{"check", anthropicText},
			code:   2,
			stderr: "sseinspect: check: no assertions given (see sseinspect check --help)\nRun 'sseinspect --help' for usage.\n",
		},
		"bad_regex": {
			args:   []string{"check", "--model", "(", anthropicText},
			code:   2,
			stderr: "sseinspect: --model: error parsing regexp: missing closing ): `(`\nRun 'sseinspect --help' for usage.\n",
		},
		"bad_format_auto_is_not_listed": {
			args:   []string{"check", "--expect-format", "auto", anthropicText},
			code:   2,
			stderr: "sseinspect: --expect-format: \"auto\" is not a wire format (valid: " + strings.Join(parser.Names()[1:], ", ") + ")\nRun 'sseinspect --help' for usage.\n",
		},
		"bad_format_unknown": {
			args:   []string{"check", "--expect-format", "soap", anthropicText},
			code:   2,
			stderr: "sseinspect: --expect-format: \"soap\" is not a wire format (valid: " + strings.Join(parser.Names()[1:], ", ") + ")\nRun 'sseinspect --help' for usage.\n",
		},
		"bad_duration": {
			args:   []string{"check", "--max-ttfb", "soon", anthropicText},
			code:   2,
			stderr: "sseinspect: invalid argument \"soon\" for \"--max-ttfb\" flag: time: invalid duration \"soon\"\nRun 'sseinspect --help' for usage.\n",
		},
		"unreadable_capture": {
			args:   []string{"check", "--complete", "missing.sse"},
			code:   2,
			stderr: "sseinspect: missing.sse: no such file or directory\n",
		},
	})
}

// TestCheckHelpNamesEveryAssertion keeps --help and the flags in step.
func TestCheckHelpNamesEveryAssertion(t *testing.T) {
	t.Parallel()
	stdout, _, code := run{args: []string{"check", "--help"}}.do(t)
	require.Equal(t, 0, code)
	for _, f := range []string{"--complete", "--no-error", "--expect-format", "--model", "--min-output-tokens", "--max-ttfb", "--max-ttft", "--max-total", "--max-gap", "--text-contains", "--tool", "--recursive"} {
		assert.Contains(t, stdout, f)
	}
}

// TestSummarizeWarningsOnStderr: in human output, every warning follows
// the summary on stderr, one line each, escaped for the terminal, so that
// what makes the exit status 1 is visible without --json.
func TestSummarizeWarningsOnStderr(t *testing.T) {
	t.Parallel()
	runCases(t, map[string]run{
		"undecodable_usage": {
			args:   []string{"summarize"},
			stdin:  "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1.5}}\n\ndata: [DONE]\n\n",
			code:   1,
			stdout: "[OK] abc | m | openai\n      Total: n/a | in:0 out:0\n",
			stderr: "sseinspect: stdin: warning: line 1: chat completion chunk: usage.prompt_tokens is a JSON number 1.5, not an integer\n",
		},
		"a_warning_cannot_forge_a_line": {
			args:   []string{"summarize"},
			stdin:  "event: x\x1b[2J\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
			stdout: "[OK] abc | m | openai\n      Total: n/a | in:0 out:0\n",
			stderr: "sseinspect: stdin: warning: line 1: unknown event type \"x\\x1b[2J\"\n",
		},
		"json_keeps_them_in_warnings_only": {
			args:  []string{"summarize", "--json"},
			stdin: "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1.5}}\n\ndata: [DONE]\n\n",
			code:  1,
			has:   []string{`"warnings":["line 1: chat completion chunk: usage.prompt_tokens is a JSON number 1.5, not an integer"]`},
		},
	})
}
