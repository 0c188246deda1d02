package proxy

import "io"

// SetSummaryInput sets the seam that wraps what the summary of each
// response reads (see Proxy.summaryInput). Call it before serving.
func (p *Proxy) SetSummaryInput(f func(io.Reader) io.Reader) { p.summaryInput = f }
