package parser

import (
	"bytes"
	"errors"
	"io"
	"iter"
	"sync/atomic"

	"github.com/sseinspect/sseinspect/sse"
)

// Framing in pieces. The pipeline's framing goroutine (pipeline.run)
// frames every event of the body itself, on one core, which limits the
// pipeline on streams of short events (Anthropic's). An untimed SSE body
// (a file) is read instead in pieces cut at event boundaries (sse.Cut:
// just after a blank line), and each piece is framed by the decoder
// goroutine that then decodes it ahead, side by side with the next. The
// pieces are scanned without knowing what the ones before carry into them
// (the line count, the last event ID, the reconnection time: sse.PieceStart);
// the parser's goroutine places their events in order (sse.Boundary.Place)
// before handing them out, and adds up the scanners' Stats. A piece whose
// framing fails (a line over the cap, a read error) is framed again on the
// parser's goroutine from its boundary, known by then, so that the error
// is exactly the sequential one; so is, from there to the end, the body
// after an event longer than pipePieceMax (pieceFraming.frameHere).
// The result is that of the sequential framing: the same events, stats
// and errors (TestPipelineChangesNothing, FuzzReplay, sse.FuzzResume).
//
// A timed body (a recording, a live input) is framed by pipeline.run: an
// event's time is that of the read that completed it, which pieces do not
// keep.

// pipePieceMax caps a piece: the body after an event longer than that is
// framed on the parser's goroutine. A piece's buffer larger than
// pipeBigPiece is not kept for the next pieces.
const (
	pipePieceMax = 4 << 20
	pipeBigPiece = 2 * pipeBatchBytes
)

// pipeMinPiece is the smallest piece read, when events are short (the
// pieces are sized to hold about pipeBatchEvents of them).
const pipeMinPiece = 4 << 10

// pipeAheadEvents caps how many events of a batch are decoded ahead: a
// piece of many tiny events leaves the rest to the parser, so that the
// decodings' storage stays bounded.
const pipeAheadEvents = 2 * pipeBatchEvents

// pieceFraming is the framing of one body in pieces.
type pieceFraming struct {
	in      *Input
	maxLine int
	size    int // the size of every piece, when not 0 (Options.pieceSize)
	// bytesPerEvent is the size of the events of the last piece framed,
	// for the size of the next pieces (at least 1; 0 before any).
	bytesPerEvent atomic.Int64

	// On the parser's goroutine: at is the boundary where the next piece
	// starts, its lines counted in the body, stats what the pieces handed
	// out so far held; s frames pieces there.
	at    sse.Boundary
	stats sse.Stats
	s     *sse.Scanner
}

// runPieces returns the events of in's body (an untimed SSE body), framed
// in pieces by the decoder goroutines and handed out in order, as
// in.Events would give them; in.Stats tells what the pieces held.
func (pl *pipeline) runPieces(in *Input, maxLine int) iter.Seq2[*sse.Event, error] {
	pf := &pieceFraming{in: in, maxLine: maxLine, size: pl.pieceSize, at: sse.StreamStart()}
	in.pieceStats = &pf.stats
	return pl.start(pf.read, pf)
}

// read is the framing goroutine: it reads the body into batches, each cut
// at the last event boundary it holds (after a read that filled the
// batch, or that was short: a live input's events are not held back), the
// rest carried over to the next.
func (pf *pieceFraming) read(f *feed) {
	body := bodyReader{pf.in}
	var carry []byte
	size := pf.next(0)
	start := sse.StreamStart()
	for f.get() {
		b := f.b
		b.piece = true
		b.bound = start
		if cap(b.body) > pipeBigPiece {
			b.body = nil // after a long event
		}
		buf := append(b.body[:0], carry...)
		want := len(buf) + size
		empty := 0
		cut := -1
		for cut < 0 {
			if len(buf) >= want {
				if cut = sse.Cut(buf); cut > 0 {
					break
				}
				if want >= pipePieceMax {
					b.body, b.rest = buf, true
					f.send()
					return
				}
				want = min(2*want, pipePieceMax)
			}
			if cap(buf) < want {
				// Room for the carry of the next pieces too: the
				// buffer is kept from one piece to the next.
				buf = append(make([]byte, 0, want+want/4), buf...)
			}
			n, err := body.Read(buf[len(buf):want])
			buf = buf[:len(buf)+n]
			if err != nil || n == 0 && empty+1 >= maxEmptyReads {
				switch {
				case errors.Is(err, io.EOF):
					err = nil
				case err == nil:
					err = io.ErrNoProgress
				}
				b.body, b.end, b.last = buf, err, true
				f.send()
				return
			}
			if n == 0 {
				empty++
				continue
			}
			empty = 0
			if len(buf) < want {
				cut = sse.Cut(buf) // a short read: what is whole goes now
			}
		}
		b.body = buf[:cut]
		carry = append(carry[:0], buf[cut:]...)
		if !f.send() {
			return
		}
		start = sse.PieceStart()
		size = pf.next(size)
	}
}

// next returns the size to read for the piece after one of size size (0
// for the first): pipeBatchBytes/pipeFirstBatch, then twice as large up to
// pipeBatchBytes, and no larger than about pipeBatchEvents of the events
// framed so far.
func (pf *pieceFraming) next(size int) int {
	switch {
	case pf.size > 0:
		return pf.size
	case size == 0:
		return pipeBatchBytes / pipeFirstBatch
	}
	size = min(2*size, pipeBatchBytes)
	if bpe := pf.bytesPerEvent.Load(); bpe > 0 {
		size = min(size, max(pipeMinPiece, int(bpe)*pipeBatchEvents))
	}
	return size
}

// maxEmptyReads is how many (0, nil) reads in a row end the reading with
// io.ErrNoProgress, as the sse.Scanner does.
const maxEmptyReads = 100

// frame frames the piece b on a decoder goroutine, with s (made if nil),
// which it returns: b's events with their Data in b.body or copied into
// b.data, or scanFailed.
func (pf *pieceFraming) frame(b *pipeBatch, s *sse.Scanner) *sse.Scanner {
	if b.rest {
		return s
	}
	if s == nil {
		s = newScanner(nil, pf.maxLine)
	}
	s.ResumeBytes(b.body, b.end, b.bound)
	for s.Scan() {
		b.keep(s.Event(), s.DataInInput())
	}
	if s.Err() != nil {
		b.scanFailed = true
		b.events, b.data = b.events[:0], b.data[:0]
		return s
	}
	b.stats, b.bound = s.Stats(), s.Boundary()
	if n := len(b.events); n > 0 {
		pf.bytesPerEvent.Store(max(int64(len(b.body)/n), 1))
	}
	return s
}

// handOut hands out the events of the piece b, in order, on the parser's
// goroutine. It returns false when the sequence ends there.
func (pf *pieceFraming) handOut(pl *pipeline, b *pipeBatch, yield func(*sse.Event, error) bool) bool {
	if b.rest || b.scanFailed {
		return pf.frameHere(b, yield)
	}
	off := pf.in.Capture.HeaderLines
	pl.current = b
	for i := range b.events {
		ev := &b.events[i]
		pf.at.Place(ev)
		ev.Line += off
		pl.index = i
		if !yield(ev, nil) {
			pl.current = nil
			return false
		}
	}
	pl.current = nil
	pf.stats = pf.stats.Add(b.stats)
	pf.at = pf.at.Then(b.bound)
	return true
}

// frameHere frames the piece b on the parser's goroutine, from its
// boundary (known now), and hands out its events; when b.rest, the rest of
// the body after it too.
func (pf *pieceFraming) frameHere(b *pipeBatch, yield func(*sse.Event, error) bool) bool {
	if pf.s == nil {
		pf.s = newScanner(nil, pf.maxLine)
	}
	s := pf.s
	if b.rest {
		s.Resume(io.MultiReader(bytes.NewReader(b.body), bodyReader{pf.in}), pf.at)
	} else {
		s.ResumeBytes(b.body, b.end, pf.at)
	}
	off := pf.in.Capture.HeaderLines
	for s.Scan() {
		ev := s.Event()
		ev.Line += off
		if !yield(ev, nil) {
			return false
		}
	}
	pf.stats = pf.stats.Add(s.Stats())
	if err := s.Err(); err != nil {
		yield(nil, lineErrorAt(err, off))
		return false
	}
	pf.at = s.Boundary()
	return true
}
