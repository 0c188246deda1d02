package parser_test

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/capture"
	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/streamctx"
)

// arrivals is a live stream: each Read returns the next chunk, which
// arrives at 10ms times its index; the clock reads the arrival time of the
// last chunk read.
type arrivals struct {
	chunks []string
	i      int
}

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (a *arrivals) Read(p []byte) (int, error) {
	if a.i >= len(a.chunks) {
		return 0, io.EOF
	}
	n := copy(p, a.chunks[a.i])
	a.chunks[a.i] = a.chunks[a.i][n:]
	if a.chunks[a.i] == "" {
		a.i++
	}
	return n, nil
}

func (a *arrivals) now() time.Time { return epoch.Add(time.Duration(a.i) * 10 * time.Millisecond) }

// TestEventsTimedAsTheyArrive: Replay reads no further than it needs, so
// each event is timed by the read that brought it, even in a stream shorter
// than the bytes detection looks at.
func TestEventsTimedAsTheyArrive(t *testing.T) {
	t.Parallel()
	for name, first := range map[string]string{
		"sse":       `data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"role":"assistant"}}]}` + "\n\n",
		"bom":       "\xef\xbb\xbf" + `data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"role":"assistant"}}]}` + "\n\n",
		"blank_bom": "\xef",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			chunks := []string{first,
				`data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}` + "\n\n",
				`data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n",
				"data: [DONE]\n\n",
			}
			if name == "blank_bom" {
				chunks = append([]string{"\xef", "\xbb\xbf"}, chunks[1:]...)
			}
			a := &arrivals{chunks: chunks}
			c, err := capture.Open(a, capture.Options{Clock: a.now, Start: epoch})
			require.NoError(t, err)
			sc := streamctx.New(streamctx.Options{Start: epoch})
			_, err = parser.ReplayCapture(c, sc, parser.Options{})
			require.NoError(t, err)
			tm := sc.Timing()
			ms := time.Millisecond
			assert.Equal(t, 10*ms, tm.FirstByte)
			if name == "blank_bom" { // the first event is the content
				assert.Equal(t, 30*ms, tm.FirstEvent)
				assert.Equal(t, 30*ms, tm.FirstContent)
				assert.Equal(t, 50*ms, tm.End)
				return
			}
			assert.Equal(t, 10*ms, tm.FirstEvent)
			assert.Equal(t, 20*ms, tm.FirstContent)
			assert.Equal(t, 40*ms, tm.End)
		})
	}
}

// TestEventsKeepTheirTimeThroughDetection: events held while the format is
// not known yet, and events that arrive in one read with others, keep the
// arrival time of the read that completed them; so do the elements of a
// JSON array body.
func TestEventsKeepTheirTimeThroughDetection(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	replay := func(chunks ...string) streamctx.Timing {
		a := &arrivals{chunks: chunks}
		c, err := capture.Open(a, capture.Options{Clock: a.now, Start: epoch})
		require.NoError(t, err)
		sc := streamctx.New(streamctx.Options{Start: epoch})
		_, err = parser.ReplayCapture(c, sc, parser.Options{})
		require.NoError(t, err)
		return sc.Timing()
	}
	tm := replay(
		"data: {}\n\n", // of no format: held until one is known
		"data: {}\n\n"+`data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"role":"assistant"}}]}`+"\n\n",
		`data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}`+"\n\n"+
			`data: {"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"content":"!"}}]}`+"\n\ndata: [DONE]\n\n",
	)
	assert.Equal(t, streamctx.Timing{FirstByte: 10 * ms, FirstEvent: 10 * ms, FirstContent: 30 * ms, FirstOutput: 30 * ms, LastContent: 30 * ms, End: 30 * ms}, tm)

	tm = replay(
		`[{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}`,
		`,{"candidates":[{"content":{"parts":[{"text":"!"}]},"finishReason":"STOP"}]}]`,
	)
	assert.Equal(t, streamctx.Timing{FirstByte: 10 * ms, FirstEvent: 10 * ms, FirstContent: 10 * ms, FirstOutput: 10 * ms, LastContent: 20 * ms, End: 20 * ms}, tm)
}
