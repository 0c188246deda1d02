package parser_test

import (
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// contentChunk is one OpenAI chat chunk carrying content.
func contentChunk(content string) string {
	return `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"` + content + `"},"finish_reason":null}]}` + "\n\n"
}

const chatEnd = `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}` + "\n\n" +
	`data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\ndata: [DONE]\n\n"

func TestBadInputMalformedEventsAmongGoodOnes(t *testing.T) {
	t.Parallel()
	input := contentChunk("Hel") +
		"data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"BROKEN\"\n\n" +
		contentChunk("lo") +
		"data: {\"a\":" + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "}\n\n" +
		chatEnd
	s := mustSummarize(t, input, "")
	assert.Equal(t, "Hello", s.Text, "the good events are all read")
	assert.Equal(t, int64(5), s.InputTokens)
	assert.Equal(t, int64(7), s.OutputTokens)
	assert.True(t, s.Complete)
	assert.Equal(t, streamctx.StatusOK, s.Status, "the stream itself completed")
	assert.Equal(t, 2, s.BadEvents, "the truncated and the too deeply nested events are counted")
	w := strings.Join(s.Warnings, "\n")
	assert.Contains(t, w, "line 3: ")
	assert.Contains(t, w, "line 7: ")
}

func TestBadInputCutInTheMiddleOfJSON(t *testing.T) {
	t.Parallel()
	full := contentChunk("Hello") + contentChunk(" world") + chatEnd
	cut := full[:len(contentChunk("Hello"))+40]
	s := mustSummarize(t, cut, "")
	assert.Equal(t, "Hello", s.Text, "what arrived is still reported")
	assert.False(t, s.Complete)
	assert.Equal(t, streamctx.StatusFailed, s.Status)
	assert.Equal(t, 1, s.BadEvents, "the cut-off event cannot be decoded")
	assert.Contains(t, strings.Join(s.Warnings, "\n"), "line 3: the input ended inside this event")
}

func TestBadInputCutAfterUsage(t *testing.T) {
	t.Parallel()
	// The usage chunk arrived, [DONE] did not: the tokens are reported.
	input := contentChunk("Hi") + `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}`
	s := mustSummarize(t, input, "")
	assert.Equal(t, int64(5), s.InputTokens)
	assert.Equal(t, int64(7), s.OutputTokens)
	assert.Equal(t, "provider", s.UsageSource)
	assert.False(t, s.Complete)
}

func TestBadInputHugeEvent(t *testing.T) {
	t.Parallel()
	// 4 MiB of text in one delta: far over the first buffers of the
	// scanner (4 KiB) and of bufio.Scanner (64 KiB), and over several of
	// the 1 MiB chunks a long text is kept in.
	big := strings.Repeat("abcdefgh", 1<<19)
	s := mustSummarize(t, contentChunk(big)+chatEnd, "")
	assert.Len(t, s.Text, len(big))
	assert.True(t, s.Complete)
	assert.Empty(t, s.Warnings)
}

func TestBadInputInvalidUTF8AndControlBytes(t *testing.T) {
	t.Parallel()
	input := contentChunk("a\xffb") + contentChunk(`c\u0000\u0007d`) + contentChunk("e\x01f") + chatEnd
	s := mustSummarize(t, input, "")
	assert.Equal(t, "a\uFFFDbc\x00\x07d", s.Text[:len("a\uFFFDbc\x00\x07d")], "invalid UTF-8 becomes U+FFFD; escaped controls are kept")
	assert.True(t, s.Complete)
	w := strings.Join(s.Warnings, "\n")
	assert.Contains(t, w, "1 invalid UTF-8 sequence was replaced with U+FFFD")
	// A raw control byte inside a JSON string is invalid JSON.
	assert.Equal(t, 1, s.BadEvents)
}

func TestBadInputRandomBinary(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		b := make([]byte, 1+r.IntN(4096))
		for j := range b {
			b[j] = byte(r.UintN(256))
		}
		sc := streamctx.New(streamctx.Options{CollectText: true})
		_, err := parser.Replay(strings.NewReader(string(b)), sc, parser.Options{})
		if err != nil {
			assert.True(t, errors.Is(err, parser.ErrUnrecognized) || errors.Is(err, parser.ErrEmpty), "input %d: %v", i, err)
		}
	}
}

func TestBadInputReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset by peer")
	r := io.MultiReader(strings.NewReader(contentChunk("Hi")), iotest.ErrReader(boom))
	sc := streamctx.New(streamctx.Options{})
	_, err := parser.Replay(r, sc, parser.Options{})
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "line 3")
}
