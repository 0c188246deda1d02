package tokenizer

import "container/heap"

// noRank marks a boundary whose part cannot merge with the next one.
const noRank = -1

// scanMax is the piece length up to which mergePiece finds each merge with
// a scan (O(n²), no allocation); longer pieces use a heap (O(n log n)).
const scanMax = 64

// mergePiece byte-pair encodes piece and yields the rank of each resulting
// token in order. It merges as tiktoken does: the adjacent pair whose
// concatenation has the lowest rank first, the leftmost among equals, until
// no pair is in ranks.
func mergePiece(piece string, ranks map[string]int, yield func(rank int)) {
	switch n := len(piece); {
	case n == 0:
	case n <= scanMax:
		mergeScan(piece, ranks, yield)
	default:
		mergeHeap(piece, ranks, yield)
	}
}

// mergeScan is mergePiece for a short piece.
func mergeScan(piece string, ranks map[string]int, yield func(rank int)) {
	// Part k spans piece[start[k]:start[k+1]]; rank[k] is that of part k
	// merged with part k+1.
	var start, rank [scanMax + 1]int
	n := len(piece)
	parts := n
	for k := range n + 1 {
		start[k] = k
	}
	pairRank := func(k int) int {
		if k+2 > parts {
			return noRank
		}
		if r, ok := ranks[piece[start[k]:start[k+2]]]; ok {
			return r
		}
		return noRank
	}
	for k := range parts {
		rank[k] = pairRank(k)
	}
	for {
		best := -1
		for k := range parts - 1 {
			if rank[k] != noRank && (best < 0 || rank[k] < rank[best]) {
				best = k
			}
		}
		if best < 0 {
			break
		}
		copy(start[best+1:parts], start[best+2:parts+1])
		copy(rank[best+1:parts-1], rank[best+2:parts])
		parts--
		rank[best] = pairRank(best)
		if best > 0 {
			rank[best-1] = pairRank(best - 1)
		}
	}
	for k := range parts {
		yield(ranks[piece[start[k]:start[k+1]]])
	}
}

// mergeHeap is mergePiece for a long piece: the candidate pairs wait in a
// heap, so a megabyte of one letter does not take a million scans.
func mergeHeap(piece string, ranks map[string]int, yield func(rank int)) {
	n := len(piece)
	// Part i spans piece[i:next[i]]; next[i] == -1 marks a merged-away
	// boundary, and n is the end sentinel.
	next := make([]int, n+1)
	prev := make([]int, n+1)
	for i := range next {
		next[i], prev[i] = i+1, i-1
	}
	pairRank := func(i int) int {
		j := next[i]
		if j >= n {
			return noRank
		}
		if r, ok := ranks[piece[i:next[j]]]; ok {
			return r
		}
		return noRank
	}
	rank := make([]int, n)
	h := make(candidates, 0, n)
	for i := range n {
		rank[i] = pairRank(i)
		if rank[i] != noRank {
			h = append(h, candidate{rank[i], i})
		}
	}
	heap.Init(&h)
	for h.Len() > 0 {
		c := heap.Pop(&h).(candidate)
		i := c.offset
		if next[i] == -1 || rank[i] != c.rank {
			continue // stale: merged away, or its pair changed since
		}
		j := next[i]
		next[i] = next[j]
		prev[next[j]] = i
		next[j] = -1
		for _, b := range [2]int{i, prev[i]} {
			if b < 0 {
				continue
			}
			rank[b] = pairRank(b)
			if rank[b] != noRank {
				heap.Push(&h, candidate{rank[b], b})
			}
		}
	}
	for i := 0; i < n; i = next[i] {
		r, ok := ranks[piece[i:next[i]]]
		if !ok {
			r = noRank // unreachable: every single byte has a rank
		}
		yield(r)
	}
}

// candidate is a pair that may merge: the part at offset with the next one.
type candidate struct {
	rank, offset int
}

// candidates is a min-heap by rank, then offset (leftmost first).
type candidates []candidate

func (h candidates) Len() int { return len(h) }
func (h candidates) Less(a, b int) bool {
	if h[a].rank != h[b].rank {
		return h[a].rank < h[b].rank
	}
	return h[a].offset < h[b].offset
}
func (h candidates) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *candidates) Push(x any)   { *h = append(*h, x.(candidate)) }
func (h *candidates) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
