package parser

import (
	"bytes"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/sseinspect/sseinspect/sse"
	"github.com/sseinspect/sseinspect/streamctx"
)

// The pipeline (issue 16) spreads the replay of one capture over several
// goroutines, and so over the cores:
//
//	framing ──batches──▶ decoders (pipeDecoders) ──in order──▶ the parser
//
// The framing goroutine reads the body and frames its events, copying
// each into a batch (pipeline.run, for a timed body); or it only reads the
// body in pieces cut at event boundaries, which the decoder goroutines
// frame (pieces.go, for an untimed SSE body). Decoder goroutines decode
// the data of each batch's events ahead of time, when the format's parser
// can (aheadParser): a decoding is a pure function of the event's bytes. The caller's
// goroutine takes the batches in order and hands their events to the
// parser, which uses the decodings instead of decoding again. The results
// are those of the sequential replay: the same events reach the parser in
// the same order, and a decoding ahead is exactly what the parser would
// have decoded.
//
// A batch is sent when it is full, and whenever the framing is about to
// read after a read that did not fill its buffer (Input.beforeRead): input
// that arrives slower than it is read, a live stream, never has an event
// held back waiting for more. At most pipeBatches batches are in flight,
// each about pipeBatchBytes of copied data: an event larger than
// pipeBorrowBytes is not copied but lent, the framing waiting until the
// parser has handled it, so that memory stays as flat as without the
// pipeline.
const (
	pipeBatches     = 4
	pipeDecoders    = 2
	pipeBatchBytes  = 256 << 10
	pipeBatchEvents = 2048
	// The first batch is pipeFirstBatch times smaller, the next ones twice
	// as large as the last up to pipeBatchBytes: the decoders decode ahead
	// only once the parser has detected the format, from the batches that
	// follow, so the first ones are kept small.
	pipeFirstBatch  = 16
	pipeBorrowBytes = 256 << 10
)

// An aheadParser is a Parser that can use decodings made ahead of time, on
// other goroutines.
type aheadParser interface {
	Parser
	// newAhead returns storage for the decodings of a batch of events,
	// for a stream replayed into sc. It is called on the parser's
	// goroutine or on a decoder's, not concurrently with itself.
	newAhead(sc *streamctx.Context) aheadBatch
	// eventAhead handles ev as Event does, given the decoding of ev by
	// a.decode at index i of its batch.
	eventAhead(sc *streamctx.Context, ev *sse.Event, a aheadBatch, i int)
}

// An aheadBatch holds the decodings of one batch of events.
type aheadBatch interface {
	// decode decodes the data of evs, in its storage (the decoding of
	// evs[i] at index i). It runs on a decoder goroutine, concurrently
	// with the parser and with the decode of other batches: it must not
	// touch anything but the events and its own storage.
	decode(evs []sse.Event)
}

// aheadSlots holds the decodings of a batch of events, one slot per
// event: ok[i] tells that evs[i] is the decoding of the i-th event. An
// aheadBatch embeds it; its storage is reused from one batch to the next.
type aheadSlots[T any] struct {
	ok  []bool
	evs []T
}

// reset makes room for the n events of a batch, none decoded. A batch
// holds about as many events as the last: when the slots grow, they get a
// little room, not append's doubling (a slot is hundreds of bytes).
func (a *aheadSlots[T]) reset(n int) {
	a.ok = append(a.ok[:0], make([]bool, n)...)
	if cap(a.evs) < n {
		a.evs = make([]T, n, max(n, min(n+n/8, pipeAheadEvents)))
	}
	a.evs = a.evs[:n]
}

// at returns the decoding of the i-th event, or nil when it has none.
func (a *aheadSlots[T]) at(i int) *T {
	if i >= len(a.ok) || !a.ok[i] {
		return nil // not decoded, or past pipeAheadEvents
	}
	return &a.evs[i]
}

// pipeBatch is a batch of events in the pipeline.
type pipeBatch struct {
	events []sse.Event
	data   []byte // the events' Type and Data, copied (not when lent)
	err    error  // the framing's final error, in the last batch
	lent   bool   // events[0] is the framing's, lent until the batch is done
	// ahead holds the decodings of events, when the parser decodes ahead;
	// maker is the aheadMaker that made it.
	ahead aheadBatch
	maker *aheadMaker
	// decoded receives one value once the decoders are done with the
	// batch.
	decoded chan struct{}
	// panicked is what a decoder panicked with, to be raised on the
	// parser's goroutine.
	panicked any

	// A piece of the body (pieces.go): piece says that the batch is one,
	// body holds its bytes, and end is the read error after them (nil:
	// more follows, or the end of the body when last). A decoder frames
	// it into events (Data in body or in data), stats and bound; when
	// that fails, scanFailed is set and the parser's goroutine frames it
	// again. rest says that the body from body on is framed on the
	// parser's goroutine (an event too long for a piece).
	piece, last, scanFailed, rest bool
	body                          []byte
	end                           error
	stats                         sse.Stats
	bound                         sse.Boundary
}

// An aheadMaker makes storage for decodings ahead: the parser's newAhead,
// published to the decoders once the format is known.
type aheadMaker struct {
	new func() aheadBatch
}

// pipeline is one run of the pipeline: Events hands out what the framing
// goroutine framed.
type pipeline struct {
	// framedCopies: no framing in pieces (Options.framedCopies);
	// pieceSize: Options.pieceSize.
	framedCopies bool
	pieceSize    int
	maker        atomic.Pointer[aheadMaker]
	// current is the batch whose events Events is handing out, and index
	// the event's position in it.
	current *pipeBatch
	index   int
	// ahead counts the events handed to the parser with a decoding made
	// ahead (for the tests).
	ahead int
}

// setAhead makes the decoders decode ahead for p, replaying into sc, from
// the next batch on.
func (pl *pipeline) setAhead(p Parser, sc *streamctx.Context) {
	if ap, ok := p.(aheadParser); ok {
		pl.maker.Store(&aheadMaker{new: func() aheadBatch { return ap.newAhead(sc) }})
	}
}

// aheadOf returns the decoding of ev made ahead for the current parser,
// with its index in its batch, when ev is the event that run handed out
// last and it was decoded for that parser; else nil.
func (pl *pipeline) aheadOf(ev *sse.Event) (aheadBatch, int) {
	if pl == nil {
		return nil, 0
	}
	b := pl.current
	if b == nil || b.ahead == nil || b.maker != pl.maker.Load() || ev != &b.events[pl.index] {
		return nil, 0
	}
	pl.ahead++
	return b.ahead, pl.index
}

// run returns the events of frames, framed on a goroutine of their own and
// decoded ahead by decoder goroutines; beforeRead is set to the hook that
// frames must call before each read of the body. Once the loop over the
// result ends, early or not, the goroutines have all returned.
func (pl *pipeline) run(frames iter.Seq2[*sse.Event, error], beforeRead *func()) iter.Seq2[*sse.Event, error] {
	return pl.start(func(f *feed) {
		defer func() { *beforeRead = nil }()
		limit := pipeFirstBatch // the batch size is pipeBatchBytes/limit
		*beforeRead = func() {
			if f.ok && f.b != nil && len(f.b.events) > 0 {
				f.send()
			}
		}
		for ev, err := range frames {
			if !f.ok || f.b == nil && !f.get() {
				return
			}
			b := f.b
			if err != nil {
				b.err = err
				break
			}
			if len(ev.Data)+len(ev.Type) > pipeBorrowBytes {
				if len(b.events) > 0 && (!f.send() || !f.get()) {
					return
				}
				f.b.events = append(f.b.events, *ev)
				f.b.lent = true
				if !f.send() || !f.waitLent() {
					return
				}
				continue
			}
			b.add(ev)
			if len(b.data) >= pipeBatchBytes/limit || len(b.events) >= pipeBatchEvents/limit {
				limit = max(limit/2, 1)
				if !f.send() {
					return
				}
			}
		}
		if f.ok && f.b != nil && (len(f.b.events) > 0 || f.b.err != nil) {
			f.send()
		}
	}, nil)
}

// A feed is what the framing goroutine fills batches with: b is the batch
// being filled, ok false once the pipeline stops.
type feed struct {
	b        *pipeBatch
	ok       bool
	free     chan *pipeBatch
	work     chan *pipeBatch
	order    chan *pipeBatch
	stop     chan struct{}
	lentDone chan struct{}
}

// get takes a free batch into f.b, emptied.
func (f *feed) get() bool {
	select {
	case f.b = <-f.free:
	case <-f.stop:
		f.ok = false
		return false
	}
	f.b.reset()
	return true
}

// send hands f.b to the decoders and the parser.
func (f *feed) send() bool {
	select {
	case f.order <- f.b:
	case <-f.stop:
		f.ok = false
		return false
	}
	f.work <- f.b // buffered as deep as order: never blocks
	f.b = nil
	return true
}

// waitLent waits until the parser is done with a lent event.
func (f *feed) waitLent() bool {
	select {
	case <-f.lentDone:
		return true
	case <-f.stop:
		f.ok = false
		return false
	}
}

// start runs the pipeline: framing fills batches on a goroutine of its
// own, the decoders decode them ahead (framing the pieces of a body
// first, when the batches are pieces: pieces), and the returned sequence
// hands out their events in order. Once the loop over it ends, early or
// not, the goroutines have all returned.
func (pl *pipeline) start(framing func(*feed), pieces *pieceFraming) iter.Seq2[*sse.Event, error] {
	return func(yield func(*sse.Event, error) bool) {
		f := &feed{
			ok:       true,
			free:     make(chan *pipeBatch, pipeBatches),
			work:     make(chan *pipeBatch, pipeBatches),
			order:    make(chan *pipeBatch, pipeBatches),
			stop:     make(chan struct{}),
			lentDone: make(chan struct{}),
		}
		for range pipeBatches {
			f.free <- &pipeBatch{decoded: make(chan struct{}, 1)}
		}
		var wg sync.WaitGroup

		// The framing goroutine.
		var framingPanic any
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(f.order)
			defer close(f.work)
			defer func() {
				if v := recover(); v != nil {
					framingPanic = v
				}
			}()
			framing(f)
		}()

		// The decoders.
		for range pipeDecoders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var s *sse.Scanner // framing pieces
				for b := range f.work {
					if b.piece {
						s = pieces.frame(b, s)
					}
					decodeAhead(b, pl.maker.Load())
					b.decoded <- struct{}{}
				}
			}()
		}

		defer func() {
			close(f.stop)
			for range f.order { // unblock the framing, wait for the decoders
			}
			wg.Wait()
			if framingPanic != nil {
				panic(framingPanic)
			}
		}()
		for b := range f.order {
			<-b.decoded
			if b.panicked != nil {
				panic(fmt.Sprintf("parser: decoding ahead: %v", b.panicked))
			}
			if b.piece {
				if !pieces.handOut(pl, b, yield) {
					return
				}
				f.free <- b
				continue
			}
			pl.current = b
			for i := range b.events {
				pl.index = i
				if !yield(&b.events[i], nil) {
					pl.current = nil
					return
				}
			}
			pl.current = nil
			if b.err != nil {
				yield(nil, b.err)
				return
			}
			if b.lent {
				b.events = b.events[:0]
				f.lentDone <- struct{}{}
			}
			f.free <- b
		}
		if framingPanic != nil {
			return // raised by the deferred function
		}
	}
}

// dataSize returns the bytes of data of evs, for the storage of their
// decodings.
func dataSize(evs []sse.Event) int {
	n := 0
	for i := range evs {
		n += len(evs[i].Data)
	}
	return n
}

// decodeAhead decodes b's events with storage made by m, if any.
func decodeAhead(b *pipeBatch, m *aheadMaker) {
	defer func() {
		if v := recover(); v != nil {
			b.panicked = v
		}
	}()
	if m == nil {
		b.maker = nil
		return
	}
	if b.ahead == nil || b.maker != m {
		b.ahead, b.maker = m.new(), m
	}
	b.ahead.decode(b.events[:min(len(b.events), pipeAheadEvents)])
}

// reset empties b for the framing to fill.
func (b *pipeBatch) reset() {
	b.events, b.data, b.err, b.lent, b.panicked = b.events[:0], b.data[:0], nil, false, nil
	b.piece, b.last, b.body, b.end, b.scanFailed, b.rest = false, false, b.body[:0], nil, false, false
}

// add appends a copy of ev to the batch, its Type and Data copied into
// b.data; a Type equal to the last event's shares its copy. The slices of
// earlier copies stay valid when b.data grows: they keep the array they
// point into, which nothing writes to any more.
func (b *pipeBatch) add(ev *sse.Event) { b.keep(ev, false) }

// keep appends ev to the batch as add does, but keeps its Data as it is
// when dataKept: a slice of b.body.
func (b *pipeBatch) keep(ev *sse.Event, dataKept bool) {
	b.events = append(b.events, *ev)
	n := len(b.events)
	c := &b.events[n-1]
	if n > 1 && bytes.Equal(b.events[n-2].Type, ev.Type) {
		c.Type = b.events[n-2].Type
	} else {
		start := len(b.data)
		b.data = append(b.data, ev.Type...)
		c.Type = b.data[start:len(b.data):len(b.data)]
	}
	if dataKept {
		return
	}
	start := len(b.data)
	b.data = append(b.data, ev.Data...)
	c.Data = b.data[start:len(b.data):len(b.data)]
}
