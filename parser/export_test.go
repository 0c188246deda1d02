package parser

// The kinds of error Replay returns when there is nothing to report, for
// the tests: cmd tells no kind from another (all exit 2).
var (
	ErrEmpty        = errEmpty
	ErrUnrecognized = errUnrecognized
)

// AheadEvents counts the events of a replay that the parser handled with a
// decoding made ahead by the pipeline.
func AheadEvents(r Result) int { return r.aheadEvents }

// FramedCopies returns o with the pipeline framing on one goroutine, as
// for a timed body, not in pieces.
func FramedCopies(o Options) Options {
	o.framedCopies = true
	return o
}

// PieceSize returns o with the pipeline reading pieces of n bytes (when it
// frames in pieces), so that short inputs are framed in many.
func PieceSize(o Options, n int) Options {
	o.pieceSize = n
	return o
}
