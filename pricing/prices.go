package pricing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"
)

// modelPricing is a model's prices: one set, or a list of sets each with an
// optional constraint (a start date or a UTC time-of-day window).
type modelPricing []conditionalPrices

type conditionalPrices struct {
	Constraint *constraint `json:"constraint"`
	Prices     priceSet    `json:"prices"`
}

// constraint: start_date "YYYY-MM-DD", or start_time/end_time "HH:MM:SS[.f](Z|±HH:MM)".
type constraint struct {
	StartDate string `json:"start_date"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
	start     time.Time
	from, to  float64 // seconds after UTC midnight
}

// priceSet maps a price key (input_mtok, cache_read_mtok, …) to its price.
type priceSet map[string]price

// price is USD per unit of its key (per million tokens for *_mtok), flat or
// tiered by total input tokens.
type price struct {
	Base  float64
	Tiers []tier // by ascending start
}

type tier struct {
	Start int64   `json:"start"`
	Price float64 `json:"price"`
}

func (mp *modelPricing) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		var list []conditionalPrices
		if err := json.Unmarshal(b, &list); err != nil {
			return fmt.Errorf("prices: %w", err)
		}
		for i := range list {
			if c := list[i].Constraint; c != nil {
				if err := c.parse(); err != nil {
					return err
				}
			}
		}
		*mp = list
		return nil
	}
	var one priceSet
	if err := json.Unmarshal(b, &one); err != nil {
		return fmt.Errorf("prices: %w", err)
	}
	*mp = modelPricing{{Prices: one}}
	return nil
}

var timeOfDay = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
})

func (c *constraint) parse() error {
	if c.StartDate != "" {
		d, err := time.Parse(time.DateOnly, c.StartDate)
		if err != nil {
			return fmt.Errorf("start_date constraint: %w", err)
		}
		c.start = d
		return nil
	}
	var err error
	if c.from, err = secondsOfDay(c.StartTime); err == nil {
		c.to, err = secondsOfDay(c.EndTime)
	}
	return err
}

func secondsOfDay(s string) (float64, error) {
	g := timeOfDay().FindStringSubmatch(s)
	if g == nil {
		return 0, fmt.Errorf("invalid time-of-day constraint %q", s)
	}
	h, _ := strconv.Atoi(g[1])
	m, _ := strconv.Atoi(g[2])
	sec, _ := strconv.Atoi(g[3])
	frac, _ := strconv.ParseFloat("0"+g[4], 64)
	if h > 23 || m > 59 || sec > 59 {
		return 0, fmt.Errorf("invalid time-of-day constraint %q", s)
	}
	off := 0
	if g[5] != "Z" {
		oh, _ := strconv.Atoi(g[5][1:3])
		om, _ := strconv.Atoi(g[5][4:6])
		off = (oh*60 + om) * 60
		if g[5][0] == '-' {
			off = -off
		}
	}
	v := float64(h*3600+m*60+sec) + frac - float64(off)
	return math.Mod(v+86400, 86400), nil
}

// at picks the prices in force at t as genai-prices does: the last entry whose
// constraint holds, else the first. A zero t means "the prices of the table's
// date" asOf: a start date holds when it is not after asOf (every one, when
// asOf is zero too), and no time-of-day window does (off-peak discounts need
// a time).
func (mp modelPricing) at(t, asOf time.Time) priceSet {
	for i := len(mp) - 1; i >= 0; i-- {
		if c := mp[i].Constraint; c == nil || c.holds(t, asOf) {
			return mp[i].Prices
		}
	}
	return mp[0].Prices
}

// laterStart returns the first start date of mp after asOf, "" when none:
// prices that the table announces but that were not yet in force on its date.
func (mp modelPricing) laterStart(asOf time.Time) string {
	first := ""
	for _, cp := range mp {
		if c := cp.Constraint; c != nil && c.StartDate != "" && c.start.After(asOf) && (first == "" || c.StartDate < first) {
			first = c.StartDate
		}
	}
	return first
}

// timeOfDay reports whether a price set of mp holds only in a time-of-day
// window.
func (mp modelPricing) timeOfDay() bool {
	for _, cp := range mp {
		if cp.Constraint != nil && cp.Constraint.StartDate == "" {
			return true
		}
	}
	return false
}

func (c *constraint) holds(t, asOf time.Time) bool {
	if c.StartDate != "" {
		if t.IsZero() {
			return asOf.IsZero() || !c.start.After(asOf)
		}
		return !t.Before(c.start)
	}
	if t.IsZero() {
		return false
	}
	u := t.UTC()
	s := float64(u.Hour()*3600+u.Minute()*60+u.Second()) + float64(u.Nanosecond())/1e9
	if c.to < c.from { // the window spans midnight
		return s >= c.from || s < c.to
	}
	return s >= c.from && s < c.to
}

func (p *price) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var tiered struct {
			Base  *float64 `json:"base"`
			Tiers []tier   `json:"tiers"`
		}
		if err := json.Unmarshal(b, &tiered); err != nil {
			return err
		}
		if tiered.Base == nil || !validPrice(*tiered.Base) {
			return fmt.Errorf("tiered price: want a non-negative base")
		}
		for _, tr := range tiered.Tiers {
			if tr.Start < 0 || !validPrice(tr.Price) {
				return fmt.Errorf("tiered price: invalid tier %+v", tr)
			}
		}
		sort.SliceStable(tiered.Tiers, func(i, j int) bool { return tiered.Tiers[i].Start < tiered.Tiers[j].Start })
		p.Base, p.Tiers = *tiered.Base, tiered.Tiers
		return nil
	}
	if err := json.Unmarshal(b, &p.Base); err != nil {
		return err
	}
	if !validPrice(p.Base) {
		return fmt.Errorf("price %v: want a finite non-negative number", p.Base)
	}
	return nil
}

func validPrice(v float64) bool { return v >= 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }

// rate is the price per unit for a request with totalInput input tokens:
// threshold pricing as genai-prices (and the providers) do it, where crossing
// a tier's start moves every token to that tier's rate.
func (p price) rate(totalInput float64) float64 {
	r := p.Base
	for _, tr := range p.Tiers {
		if totalInput > float64(tr.Start) {
			r = tr.Price
		}
	}
	return r
}

func (p price) tiered() bool { return len(p.Tiers) > 0 }
