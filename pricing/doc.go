// Package pricing estimates what a stream cost from a price table: by default
// an embedded, dated snapshot of pydantic/genai-prices (genaiprices/), or
// another table of the same shape given to Load.
//
// Providers and models are matched the way genai-prices matches them
// (match.go), and usage is priced with its unit registry: every billed
// quantity is a unit with dimensions (input cache reads are part of input
// tokens, reasoning is part of output tokens), a quantity is billed at the
// most specific unit the model has a price for, and context-length tiers are
// chosen by the total input tokens (units.go, estimate.go).
//
// A Table is immutable once built and safe for concurrent use.
package pricing
