package pricing

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// registry is genai-prices' unit registry: every billable quantity (a usage
// key such as input_tokens or cache_read_tokens) with the price key that
// prices it, how many of it one price covers, and its dimensions. A unit whose
// dimensions contain another's is a part of it: cache_read_tokens
// {tokens, input, cache_read} is part of input_tokens {tokens, input}.
type registry struct {
	byUsage map[string]*unit
	byPrice map[string]*unit
}

type unit struct {
	usageKey   string
	PriceKey   string            `json:"price_key"`
	Per        float64           `json:"per"`
	Dimensions map[string]string `json:"dimensions"`
}

func parseRegistry(b []byte) (*registry, error) {
	var raw map[string]*unit
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("unit registry: %w", err)
	}
	r := &registry{byUsage: raw, byPrice: make(map[string]*unit, len(raw))}
	for k, u := range raw {
		u.usageKey = k
		if u.PriceKey == "" {
			u.PriceKey = k
		}
		if u.Per <= 0 {
			return nil, fmt.Errorf("unit registry: %s: per %v", k, u.Per)
		}
		r.byPrice[u.PriceKey] = u
	}
	return r, nil
}

// contains reports whether part is a (not necessarily strict) part of whole:
// every dimension of whole has the same value in part.
func contains(whole, part *unit) bool {
	for k, v := range whole.Dimensions {
		if part.Dimensions[k] != v {
			return false
		}
	}
	return true
}

type pricedUnit struct {
	u *unit
	p price
}

// usageError is usage that cannot be split over the priced units: a part
// larger than its whole (more cache reads than input tokens).
type usageError struct{ part, whole string }

func (e *usageError) Error() string {
	return fmt.Sprintf("%s exceed %s", e.part, e.whole)
}

// total prices usage (quantities by usage key) with the set ps, as
// genai-prices' calcPrice does: each priced unit is billed for its quantity
// minus the quantities of its priced parts (its "leaf" value), so a quantity
// is billed once, at the most specific price the model has. Tiered prices use
// the rate of the tier that input_tokens reaches. unpriced lists the
// quantities (> 0) that no price of ps covers, not even through a whole they
// are part of; price keys the registry does not know are ignored, as
// genai-prices ignores them.
func (r *registry) total(ps priceSet, usage map[string]float64) (usd float64, unpriced []string, err error) {
	priced := make([]pricedUnit, 0, len(ps))
	tiered := false
	for key, p := range ps {
		if u := r.byPrice[key]; u != nil {
			priced = append(priced, pricedUnit{u, p})
			tiered = tiered || p.tiered()
		}
	}
	// Most specific first, so that a unit's parts have their leaves already.
	sort.Slice(priced, func(i, j int) bool {
		a, b := priced[i].u, priced[j].u
		if len(a.Dimensions) != len(b.Dimensions) {
			return len(a.Dimensions) > len(b.Dimensions)
		}
		return a.usageKey < b.usageKey
	})
	totalInput := 0.0
	if tiered {
		totalInput = usage["input_tokens"]
	}
	leaf := make(map[string]float64, len(priced))
	for i, pu := range priced {
		q := usage[pu.u.usageKey]
		if pu.u.usageKey == "requests" {
			q = 1 // one stream is one request
		} else {
			parts := 0.0
			for _, other := range priced[:i] {
				if other.u.usageKey != "requests" && contains(pu.u, other.u) {
					parts += leaf[other.u.usageKey]
				}
			}
			q -= parts
			if q < 0 {
				if -q > 1e-9*math.Max(1, parts) {
					return 0, nil, &usageError{part: "the parts of " + pu.u.usageKey, whole: pu.u.usageKey}
				}
				q = 0
			}
		}
		leaf[pu.u.usageKey] = q
		usd += pu.p.rate(totalInput) * q / pu.u.Per
	}
	for key, q := range usage {
		if q <= 0 {
			continue
		}
		u := r.byUsage[key]
		covered := false
		for _, pu := range priced {
			if u != nil && contains(pu.u, u) {
				covered = true
				break
			}
		}
		if !covered {
			unpriced = append(unpriced, key)
		}
	}
	sort.Strings(unpriced)
	return usd, unpriced, nil
}
