package sse

import (
	"bytes"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzScanner checks, for any input, that the scanner never panics, that its
// results do not depend on how the input is split into reads (whole, one byte
// at a time, in two halves, and a split derived from the input), that they
// agree with the naive reference implementation, and the same again under a
// small cap derived from the input, so that the too-long paths are fuzzed
// too.
func FuzzScanner(f *testing.F) {
	for _, seed := range []string{
		"",
		"data: hello\n\n",
		"data: a\r\ndata: b\r\n\r\n",
		"data: a\rdata: b\r\r",
		"data: a\n\rdata: b\r\n\n",
		"\r\n\r\n\r\r\n\n",
		"\xEF\xBB\xBFdata: bom\n\n",
		"\xEF\xBB\xBF\xEF\xBB\xBFdata: two boms\n\n",
		"\xEF\xBBdata: half bom\n\n",
		"\xEF",
		"event: e\nid: 1\nretry: 1000\ndata: x\n\nid\ndata: y\n\n",
		"id: a\x00b\nretry: 1000a\nretry:\ndata:\ndata\n\n",
		": comment\n:\n\ndata: x",
		"data: \xF0\x9F\x98A\xC0\x80\xED\xA0\x80\xE2\x82\n\n",
		"dat\xFFa: x\nevent: \xF4\x90\x80\x80\ndata: \xEF\xBF\xBD\n\n",
		"data:\x00\n\x00data:4\n\n",
		"data: [DONE]",
		"event: end\r",
		"retry: 99999999999999999999999\ndata: x\n\n",
		"data: 0123456789012345678901234567890123456789\ndata: x\n\n",
		// The shapes of the fast path (Scanner.lines): "event: " and
		// "data: " lines and blank lines, LF or CRLF, several events per
		// read, and what makes it hand a line to the general loop.
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n",
		"data: {\"choices\":[]}\n\ndata: {\"choices\":[1]}\n\ndata: [DONE]\n\n",
		"data: {\"candidates\": []}\r\n\r\ndata: {\"candidates\": [1]}\r\n\r\n",
		"event: a\r\ndata: b\r\n\r\nevent: c\ndata: d\n\n\n\r\n",
		"event: a\ndata: b\ndata: c\n\nevent: x\nevent: y\n\ndata: \n\n",
		"event: a\ndata: b\rdata: c\r\ndata: d\n\r\n",
		"event:a\ndata:b\n\ndata:\n\nevent:\ndata: \n\ndata:  two\n\n",
		"event: e\nid: 7\n: note\nretry: 5\nfoo: bar\ndata\ndata: x\n\n",
		"data: caf\xC3\xA9\n\ndata: \xF0\x9F\x98\x8A\n\ndata: bad \xFF\n\nevent: \xC3\ndata: x\n\n",
		"\xEF\xBB\xBFevent: bom\r\ndata: x\r\n\r\n",
		"data: x\n\ndata: y",
		"event: t\ndata: x\r",
		// A type repeated (Scanner.repeatedType): the same, a prefix of
		// it, longer, CRLF after it, after a field without a space, and
		// a type first decoded with U+FFFD then written as U+FFFD.
		"event: ab\ndata: 1\n\nevent: ab\ndata: 2\n\nevent: a\ndata: 3\n\nevent: abc\ndata: 4\n\nevent: abc\r\ndata: 5\n\nevent: abc",
		"event:ab\ndata: 1\n\nevent: ab\nevent: ab\n\nevent: ab\n",
		"event: \xC3\ndata: x\n\nevent: \xEF\xBF\xBD\ndata: y\n\nevent: \xEF\xBF\xBD\ndata: z\n\n",
		// 66 bytes: under the cap of 19, each line fits and the data of
		// the event does not.
		":ccccccccc\n:cccccccccccccccccc\ndata: aaaaaaaaaa\ndata: bbbbbbbbbb\n\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, maxLine := range []int{0, 1 + len(data)%48} {
			whole := scanAll(t, bytes.NewReader(data), maxLine)
			byteWise := scanAll(t, iotest.OneByteReader(bytes.NewReader(data)), maxLine)
			require.Equal(t, whole, byteWise, "whole vs one byte at a time (cap %d)", maxLine)
			split := scanAll(t, newRandomSplitReader(data, seedOf(data)), maxLine)
			require.Equal(t, whole, split, "whole vs split (cap %d)", maxLine)
			halves := scanAll(t, &chunkReader{data: data, sizes: []int{len(data) / 2}}, maxLine)
			require.Equal(t, whole, halves, "whole vs two halves (cap %d)", maxLine)
			if !assertMatchesReference(t, data, maxLine, whole) {
				t.FailNow()
			}
			for _, ev := range whole.Events {
				assert.True(t, utf8.ValidString(ev.Data), "Data is valid UTF-8")
				assert.True(t, utf8.ValidString(ev.Type), "Type is valid UTF-8")
				assert.True(t, utf8.ValidString(ev.ID), "ID is valid UTF-8")
				assert.Positive(t, ev.Line)
				assert.Positive(t, ev.DataLines)
			}
		}
	})
}

// seedOf derives a split seed from the input (FNV-1a), so that a failing
// input replays the same split.
func seedOf(data []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range data {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}
