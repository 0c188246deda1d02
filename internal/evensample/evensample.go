// Package evensample keeps an even sample of a stream of values in
// bounded memory: every value while they fit, then every second, every
// fourth… so that what is kept stays evenly spread over the whole stream
// however long it is. It draws timelines and rate lines of streams of any
// length.
package evensample

// A Sample keeps at most Max of the values added to it: the values at
// positions 0, s, 2s… of the stream, where the stride s is the smallest
// power of two that makes them fit. The zero value keeps nothing; use New.
type Sample[T any] struct {
	items  []T
	stride int
	n      int
	max    int
}

// New returns a Sample that keeps at most limit values (at least 2).
func New[T any](limit int) *Sample[T] {
	return &Sample[T]{stride: 1, max: max(limit, 2)}
}

// Add offers the next value of the stream.
func (s *Sample[T]) Add(v T) {
	s.n++
	if (s.n-1)%s.stride != 0 {
		return
	}
	if len(s.items) >= s.max {
		k := 0
		for i := 0; i < len(s.items); i += 2 {
			s.items[k] = s.items[i]
			k++
		}
		clear(s.items[k:])
		s.items = s.items[:k]
		s.stride *= 2
		if (s.n-1)%s.stride != 0 {
			return
		}
	}
	s.items = append(s.items, v)
}

// Items returns the values kept, in stream order (owned by the Sample).
func (s *Sample[T]) Items() []T { return s.items }

// Added returns how many values were offered.
func (s *Sample[T]) Added() int { return s.n }

// Stride returns how many values of the stream each kept one stands for.
func (s *Sample[T]) Stride() int { return s.stride }
