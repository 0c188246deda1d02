package parser_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// TestReplayJSONBodyMaxLineSize: --max-line-size caps a JSON body as it
// caps a line of a stream: the single object (an HTTP error body), and
// each element of a JSON array (Gemini without alt=sse), with what came
// before an element over the cap still reported.
func TestReplayJSONBodyMaxLineSize(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 2000)
	element := func(text string) string {
		return `{"candidates": [{"content": {"parts": [{"text": "` + text + `"}]}}]}`
	}

	sc := streamctx.New(streamctx.Options{})
	_, err := parser.Replay(strings.NewReader("HTTP/1.1 400 Bad Request\r\n\r\n"+`{"error":{"message":"`+long+`"}}`), sc, parser.Options{MaxLineSize: 1000})
	require.ErrorIs(t, err, sse.ErrLineTooLong)
	assert.NotErrorAs(t, err, new(*parser.PartialError), "nothing came before")

	sc = streamctx.New(streamctx.Options{CollectText: true})
	res, err := parser.Replay(strings.NewReader("["+element("Hi")+",\n"+element(long)+"]"), sc, parser.Options{MaxLineSize: 1000})
	require.ErrorIs(t, err, sse.ErrLineTooLong)
	require.ErrorAs(t, err, new(*parser.PartialError), "an element came before")
	assert.Contains(t, err.Error(), "element 2 of the JSON array over 1000 bytes")
	s := sc.Snapshot(res.Format.Name, res.Format.Vendor)
	assert.Equal(t, "gemini", s.Format)
	assert.Equal(t, "Hi", s.Text)

	sc = streamctx.New(streamctx.Options{CollectText: true})
	_, err = parser.Replay(strings.NewReader("["+element("Hi")+",\n"+element(long)+"]"), sc, parser.Options{MaxLineSize: 4000})
	require.NoError(t, err, "under the cap")
}
