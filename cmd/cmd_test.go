package cmd_test

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/sseinspect/sseinspect/cmd"
)

var update = flag.Bool("update", false, "rewrite expectations")

type run struct {
	args  []string
	stdin string
	env   map[string]string
	tty   bool
	live  bool
	// ttyIn says that standard input is a terminal.
	ttyIn  bool
	code   int
	stdout string // exact, unless empty and stdoutHas is set
	has    []string
	stderr string
}

func (r run) do(t *testing.T) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	stdin := io.Reader(strings.NewReader(r.stdin))
	if r.live {
		stdin = &eventPerRead{rest: r.stdin}
	}
	env := cmd.Env{
		Stdin:            stdin,
		Stdout:           &out,
		Stderr:           &errb,
		Getenv:           func(k string) string { return r.env[k] },
		StdoutIsTerminal: r.tty,
		StdinIsTerminal:  r.ttyIn,
		StdinIsLive:      r.live,
		// A scripted clock: every reading is 10ms after the previous
		// one; live input reads it once per read.
		Now: func() time.Time {
			clock = clock.Add(10 * time.Millisecond)
			return clock
		},
		Start: clock,
	}
	code = cmd.Run(r.args, env)
	return out.String(), errb.String(), code
}

// eventPerRead is live standard input that brings one SSE event (up to
// its blank line) per read.
type eventPerRead struct{ rest string }

func (r *eventPerRead) Read(p []byte) (int, error) {
	if r.rest == "" {
		return 0, io.EOF
	}
	n := len(r.rest)
	if i := strings.Index(r.rest, "\n\n"); i >= 0 {
		n = i + 2
	}
	n = copy(p, r.rest[:n])
	r.rest = r.rest[n:]
	return n, nil
}

const anthropicText = "../testdata/captures/anthropic/text.sse"

func TestRun(t *testing.T) {
	t.Parallel()
	cases := map[string]run{
		"no_arguments_on_a_terminal_print_the_help": {
			args:  []string{},
			ttyIn: true,
			has:   []string{"Usage:\n  sseinspect [command]\n", "Without a command, sseinspect summarizes"},
		},
		"no_arguments_and_standard_input_summarizes_it": {
			args:   []string{},
			stdin:  "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
			stdout: "[OK] abc | m | openai\n      Total: n/a | in:0 out:0\n",
		},
		"latency_on_a_terminal_adds_the_content_rate": {
			args:  []string{"summarize", "--latency", "--color", "never"},
			stdin: "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5}}\n\ndata: [DONE]\n\n",
			live:  true,
			tty:   true,
			// One content event a read, 10ms apart (the scripted clock),
			// then the finish chunk and [DONE]: 80ms in all.
			stdout: "[OK] abc | m | openai | TTFB: 10ms\n      Total: 80ms | in:3 out:5\n      TTFT: 10ms | TPOT: 10ms | p99 gap: 10ms\n" +
				"      rate:      █    █    █    █    █               (content events over 80ms)\n",
		},
		"latency_piped_has_no_sparkline": {
			args:   []string{"summarize", "--latency"},
			stdin:  "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\ndata: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5}}\n\ndata: [DONE]\n\n",
			live:   true,
			stdout: "[OK] abc | m | openai | TTFB: 10ms\n      Total: 80ms | in:3 out:5\n      TTFT: 10ms | TPOT: 10ms | p99 gap: 10ms\n",
		},
		"report_to_a_terminal_asks_for_a_file": {
			args:   []string{"report", anthropicText},
			tty:    true,
			code:   2,
			stderr: "sseinspect: the report is HTML: name a file with -o FILE, or redirect standard output\nRun 'sseinspect --help' for usage.\n",
		},
		"a_file_without_a_command_is_summarized": {
			args:   []string{anthropicText},
			stdout: "[OK] 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n",
		},
		"summarize_file": {
			args:   []string{"summarize", anthropicText},
			code:   0,
			stdout: "[OK] 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n",
		},
		"summarize_is_default_shape_with_color_on_a_terminal": {
			args:   []string{"summarize", anthropicText},
			tty:    true,
			stdout: "\x1b[32;1m[OK]\x1b[0;22m 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n",
		},
		"no_color_env_wins_over_terminal": {
			args:   []string{"summarize", anthropicText},
			tty:    true,
			env:    map[string]string{"NO_COLOR": "1"},
			stdout: "[OK] 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n",
		},
		"term_dumb_means_no_color": {
			args:   []string{"summarize", anthropicText},
			tty:    true,
			env:    map[string]string{"TERM": "dumb"},
			stdout: "[OK] 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n",
		},
		"color_always_flag_wins_over_no_color": {
			args:   []string{"summarize", "--color", "always", anthropicText},
			env:    map[string]string{"NO_COLOR": "1"},
			stdout: "\x1b[32;1m[OK]\x1b[0;22m 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n",
		},
		"fail_is_red": {
			args:   []string{"summarize", "--color=always", "../testdata/captures/errors/anthropic-http-529-overloaded.sse"},
			code:   1,
			stdout: "\x1b[31;1m[FAIL]\x1b[0;22m - | unknown | anthropic\n      Total: n/a | in:0 out:0\n",
		},
		"provider_and_request_id_flags": {
			args:   []string{"summarize", "--provider", "bedrock", "--request-id", "0123456789abcdef", anthropicText},
			stdout: "[OK] 01234567 | claude-sonnet-4-5-20250929 | bedrock\n      Total: n/a | in:17 out:10\n",
		},
		"live_stdin_is_timed": {
			args:  []string{"summarize"},
			stdin: "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n",
			live:  true,
			has:   []string{"[OK] abc | m | openai | TTFB: ", "      Total: ", "ms | in:1 out:1\n"},
		},
		"live_stdin_no_timing_flag": {
			args:   []string{"summarize", "--no-timing"},
			stdin:  "data: {\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n",
			live:   true,
			stdout: "[OK] abc | m | openai\n      Total: n/a | in:1 out:1\n",
		},
		"unknown_format_is_usage_error": {
			args:   []string{"summarize", "--format", "soap", anthropicText},
			code:   2,
			stderr: "sseinspect: --format: unknown format \"soap\" (valid: auto, openai-chat, openai-responses, anthropic, gemini, cohere, vercel-data, bedrock-converse, bedrock-invoke, ollama, vercel-ui)\nRun 'sseinspect --help' for usage.\n",
		},
		"bad_color_is_usage_error": {
			args:   []string{"summarize", "--color", "sometimes", anthropicText},
			code:   2,
			stderr: "sseinspect: --color: invalid value \"sometimes\" (valid: auto, always, never)\nRun 'sseinspect --help' for usage.\n",
		},
		"unknown_flag_is_usage_error": {
			args:   []string{"summarize", "--frobnicate"},
			code:   2,
			stderr: "sseinspect: unknown flag: --frobnicate\nRun 'sseinspect --help' for usage.\n",
		},
		"unknown_command_is_usage_error": {
			args: []string{"frobnicate"},
			code: 2,
			has:  nil,
		},
		"missing_file": {
			args:   []string{"summarize", "no/such/file.sse"},
			code:   2,
			stderr: "sseinspect: no/such/file.sse: no such file or directory\n",
		},
		"directory_without_captures": {
			args:   []string{"summarize", "../testdata"},
			code:   2,
			stderr: "sseinspect: no captures in ../testdata (its subdirectories have captures: use -r)\n",
		},
		"directory_is_an_error_for_one_capture_commands": {
			args:   []string{"text", "../testdata"},
			code:   2,
			stderr: "sseinspect: ../testdata: is a directory\n",
		},
		"empty_stdin": {
			args:   []string{"summarize"},
			code:   2,
			stderr: "sseinspect: stdin: empty input\n",
		},
		"stdin_named_twice": {
			args:   []string{"summarize", "-", "-"},
			code:   2,
			stderr: "sseinspect: standard input (-) named 2 times\nRun 'sseinspect --help' for usage.\n",
		},
		"several_files_one_bad_others_still_reported_in_order": {
			args:   []string{"summarize", anthropicText, "missing.sse", "../testdata/captures/errors/anthropic-http-529-overloaded.sse"},
			code:   2,
			stdout: "[OK] 017A4s3H | claude-sonnet-4-5-20250929 | anthropic\n      Total: n/a | in:17 out:10\n[FAIL] - | unknown | anthropic\n      Total: n/a | in:0 out:0\n",
			stderr: "sseinspect: missing.sse: no such file or directory\n",
		},
		"worst_code_of_several_files_is_1": {
			args: []string{"summarize", anthropicText, "../testdata/captures/errors/anthropic-http-529-overloaded.sse"},
			code: 1,
			has:  []string{"[OK]", "[FAIL]"},
		},
		"unrecognizable_format": {
			args:   []string{"summarize", "-"},
			stdin:  "hello\nworld\n",
			code:   2,
			stderr: "sseinspect: stdin: unrecognizable format: not an SSE stream nor a JSON body (starts \"hello\")\n",
		},
		"line_over_cap": {
			args:   []string{"summarize", "--max-line-size", "10", anthropicText},
			code:   2,
			has:    nil,
			stderr: "",
		},
		"events_exit_0_even_for_zero_events": {
			args:   []string{"events", "--json"},
			stdin:  ": only a comment\n\n",
			code:   0,
			stdout: "",
		},
		"events_cut_off_exit_1": {
			args:   []string{"events", "--json"},
			stdin:  "data: a\n\ndata: b",
			code:   1,
			stdout: "{\"event\":\"message\",\"data\":\"a\",\"id\":\"\",\"line\":1}\n{\"event\":\"message\",\"data\":\"b\",\"id\":\"\",\"line\":3,\"incomplete\":true}\n",
		},
		"events_live_have_t_ms": {
			args:   []string{"events", "--json"},
			stdin:  "event: ping\ndata: {}\nid: 7\nretry: 100\n\n",
			live:   true,
			stdout: "{\"event\":\"ping\",\"data\":\"{}\",\"id\":\"7\",\"retry\":100,\"line\":1,\"t_ms\":10}\n",
		},
		"text_thinking": {
			args: []string{"text", "--thinking", "../testdata/captures/xai/chat-grok3-mini-reasoning-cached.sse"},
			code: 0,
			has:  []string{"<thinking>\n", "</thinking>\nHello\n"},
		},
		"body_accepts_one_file": {
			args:   []string{"body", anthropicText, anthropicText},
			code:   2,
			stderr: "sseinspect: accepts at most 1 file, got 2\nRun 'sseinspect --help' for usage.\n",
		},
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := r.do(t)
			assert.Equal(t, r.code, code, "exit code; stderr: %s", stderr)
			if r.stdout != "" || r.has == nil {
				if r.stdout != "" || code != 2 {
					assert.Equal(t, r.stdout, stdout)
				}
			}
			for _, h := range r.has {
				assert.Contains(t, stdout, h)
			}
			if r.stderr != "" {
				assert.Equal(t, r.stderr, stderr)
			}
			if code == 2 {
				assert.True(t, strings.HasPrefix(stderr, "sseinspect: "), "errors are prefixed: %q", stderr)
				assert.Equal(t, 1, strings.Count(stderr, "sseinspect: "), "errors are printed once: %q", stderr)
			} else {
				assert.Empty(t, stderr)
			}
		})
	}
}
