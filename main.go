// Sseinspect inspects captured Server-Sent-Events streams of LLM APIs.
//
// It reads a stream from files or standard input (typically the output of
// curl -N), replays its events through the parser of its wire format
// (OpenAI Chat Completions and the OpenAI-compatible providers, OpenAI
// Responses, Anthropic Messages, Gemini) and reports what happened: time to
// first byte and total time of live input, input/output/cached/reasoning
// tokens, the reconstructed text and tool calls, and whether the stream
// completed or failed.
//
// Usage:
//
//	sseinspect summarize [FILE|-]...   two-line summary per capture
//	           --json                  one JSON summary per capture (JSON Lines)
//	sseinspect body [FILE|-]           the JSON response body
//	sseinspect events [FILE|-] --json  one JSON object per SSE event
//	sseinspect text [FILE|-]           the reconstructed assistant text
//	sseinspect check [FILE|DIR|-]...   assertions for CI (--complete, --no-error …)
//	sseinspect golden [-r] DIR         compare every *.sse (*.datastream) with its *.golden.json
//	sseinspect diff A B                compare two captures of the same response
//	sseinspect record [-o FILE]        record live standard input as a timed capture
//	sseinspect replay FILE             play a timed capture back (--speed, --listen)
//
// Common flags: -f/--format auto or a wire format (--help lists them),
// --provider NAME, --request-id ID, --color auto|always|never.
//
// Exit status: 0 when the stream is complete and error-free; 1 when a report
// was printed but the stream failed, is incomplete, carried events that could
// not be decoded, or could not be read to its end; 2 when there is nothing to
// report (usage error, unreadable input, unrecognizable format); 128+signal
// (130, 143) when SIGINT or SIGTERM stopped the reading, after reporting what
// arrived.
package main

import (
	"os"

	"github.com/sseinspect/sseinspect/cmd"
)

func main() { os.Exit(cmd.Main()) }
