package parser_test

import (
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/parser"
	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// repeatReader yields head, then body repeated up to n bytes, then tail,
// without holding the whole input: the memory measured is the reader's.
type repeatReader struct {
	head, tail string
	body       string
	n          int64
	done       int64
	stage      int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	switch r.stage {
	case 0:
		k := copy(p, r.head)
		r.head = r.head[k:]
		if r.head == "" {
			r.stage++
		}
		return k, nil
	case 1:
		k := 0
		for k < len(p) && r.done < r.n {
			c := copy(p[k:min(len(p), k+int(r.n-r.done))], r.body[int(r.done)%len(r.body):])
			k += c
			r.done += int64(c)
		}
		if r.done >= r.n {
			r.stage++
		}
		return k, nil
	case 2:
		k := copy(p, r.tail)
		r.tail = r.tail[k:]
		if r.tail == "" {
			r.stage++
		}
		return k, nil
	}
	return 0, io.EOF
}

// allocated returns the bytes allocated while f ran. The test that calls
// it is not parallel, so nothing else allocates meanwhile (but the
// runtime's own little).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestMaxLineSizeBoundsMemory: with --max-line-size 1 MiB, reading 64 MiB
// that never ends a line or an element allocates a small multiple of the
// cap in all, whatever the input: an HTTP error body, an element of a
// Gemini JSON array, an SSE line. (Before the cap applied to JSON bodies,
// a 400 MB body reached 2 GB.) Not parallel: it counts the process's
// allocations.
func TestMaxLineSizeBoundsMemory(t *testing.T) {
	const limit = 1 << 20
	const size = 64 << 20
	for _, c := range []struct {
		name       string
		head, tail string
		partial    bool
	}{
		{"HTTP error body", "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n" + `{"error":{"message":"`, `"}}`, false},
		{"JSON body without preamble", `{"error":{"type":"x","message":"`, `"}}`, false},
		{"element of a Gemini JSON array", `[{"candidates":[{"content":{"parts":[{"text":"hi"}]}}]},` + "\n" + `{"candidates":[{"content":{"parts":[{"text":"`, `"}]}}]}]`, true},
		{"SSE line", "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\ndata: {\"x\":\"", "\"}\n\n", true},
		{"Vercel data-stream line", "f:{\"messageId\":\"msg-1\"}\n0:\"", "\"\n", true},
		{"NDJSON line", `{"model":"m","created_at":"t","response":"hi","done":false}` + "\n" + `{"response":"`, `"}` + "\n", true},
	} {
		var err error
		n := allocated(func() {
			sc := streamctx.New(streamctx.Options{CollectText: true})
			_, err = parser.Replay(&repeatReader{head: c.head, body: strings.Repeat("abcdefgh", 512), n: size, tail: c.tail}, sc, parser.Options{MaxLineSize: limit})
		})
		require.ErrorIs(t, err, sse.ErrLineTooLong, c.name)
		if c.partial {
			require.ErrorAs(t, err, new(*parser.PartialError), c.name)
		}
		t.Logf("%s: %d MiB read, %.1f MiB allocated with a cap of 1 MiB", c.name, size>>20, float64(n)/(1<<20))
		assert.Less(t, n, uint64(5*limit), "%s: allocated %d bytes with a cap of %d", c.name, n, limit)
	}
}
