package streamctx

import "strings"

// textChunk is the size of the chunks a long text is kept in (see
// textBuf): large enough that a 100 MB answer is a hundred chunks, small
// enough that the unused end of the last one does not matter.
const textChunk = 1 << 20

// textBuf accumulates a text that may grow large (a long agent session can
// stream hundreds of MB of answer text) so that it is held once, not once
// plus the slack and the discarded copies of a doubling buffer.
//
// Up to textChunk bytes it is a strings.Builder, so that a short text costs
// what it did. Beyond, the bytes go into chunks of textChunk bytes that are
// never reallocated: growing leaves no garbage, and the unused capacity is
// under one chunk. String joins the chunks, once, into one string of the
// exact length, which then replaces them; later writes start a new chunk.
// The zero value is empty and ready to use.
type textBuf struct {
	done []string        // full chunks, in order (after String, the joined text)
	cur  strings.Builder // the chunk being filled
	n    int             // total length
	// onChunk, when not nil, is called with textChunk each time a chunk
	// is allocated (Context.keep: see Options.OnKeep). Reset keeps it.
	onChunk func(bytes int)
}

// WriteString appends s.
func (t *textBuf) WriteString(s string) {
	t.n += len(s)
	for {
		if n := t.cur.Len() + len(s); n <= t.cur.Cap() || n <= textChunk {
			t.cur.WriteString(s)
			return
		}
		if room := t.cur.Cap() - t.cur.Len(); room > 0 {
			t.cur.WriteString(s[:room])
			s = s[room:]
		}
		t.next()
	}
}

// Write appends b, as WriteString does.
func (t *textBuf) Write(b []byte) {
	t.n += len(b)
	for {
		if n := t.cur.Len() + len(b); n <= t.cur.Cap() || n <= textChunk {
			t.cur.Write(b)
			return
		}
		if room := t.cur.Cap() - t.cur.Len(); room > 0 {
			t.cur.Write(b[:room])
			b = b[room:]
		}
		t.next()
	}
}

// next starts a new chunk, the current one full.
func (t *textBuf) next() {
	if t.cur.Len() > 0 {
		t.done = append(t.done, t.cur.String())
	}
	t.cur = strings.Builder{}
	t.cur.Grow(textChunk)
	if t.onChunk != nil {
		t.onChunk(textChunk)
	}
}

// Len returns the number of bytes written.
func (t *textBuf) Len() int { return t.n }

// String returns the text. It copies the text only the first time it is
// called after the text outgrew one chunk; the string it returns shares
// the buffer's memory (as strings.Builder's does), which is never written
// again.
func (t *textBuf) String() string {
	switch {
	case len(t.done) == 0:
		return t.cur.String()
	case len(t.done) == 1 && t.cur.Len() == 0:
		return t.done[0]
	}
	var b strings.Builder
	b.Grow(t.n)
	for _, c := range t.done {
		b.WriteString(c)
	}
	b.WriteString(t.cur.String())
	s := b.String()
	t.done, t.cur = []string{s}, strings.Builder{} // a new slice: the old one would keep the chunks alive
	return s
}

// Parts returns the text as parts to be read one after the other, without
// joining them: all but the last are textChunk bytes long. The result is
// not nil (an empty text is no parts).
func (t *textBuf) Parts() []string {
	parts := append(make([]string, 0, len(t.done)+1), t.done...)
	if t.cur.Len() > 0 {
		parts = append(parts, t.cur.String())
	}
	return parts
}

// Reset empties the buffer and lets go of its memory.
func (t *textBuf) Reset() { *t = textBuf{onChunk: t.onChunk} }
