package cmd

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/pricing"
	"github.com/sseinspect/sseinspect/streamctx"
)

// bindPrices adds --prices FILE to a command that makes summaries: its
// summaries get a cost estimated from a price table when the stream
// reported none.
func (o *commonOptions) bindPrices(c *cobra.Command) {
	o.costs = true
	c.Flags().StringVar(&o.prices, "prices", "",
		"estimate costs with the price table `FILE` (genai-prices' data.json shape) instead of the embedded snapshot")
}

// loadPrices reads --prices, if given, into o.table (validate calls it,
// before any input is read). A file that cannot be read or is no price
// table is an error (exit 2) that names it.
func (o *commonOptions) loadPrices() error {
	if o.prices == "" {
		return nil
	}
	f, err := os.Open(o.prices)
	if err != nil {
		return fmt.Errorf("--prices: %w", err)
	}
	defer f.Close()
	t, err := pricing.Load(f)
	if err != nil {
		if errors.Is(err, pricing.ErrBadTable) {
			return fmt.Errorf("--prices %s: %w", o.prices, err)
		}
		return fmt.Errorf("--prices: %w", err)
	}
	o.table = t
	return nil
}

// priceTable is the table costs are estimated with: --prices, else the
// embedded snapshot (parsed on first use: tens of milliseconds).
func (o *commonOptions) priceTable() *pricing.Table {
	if o.table != nil {
		return o.table
	}
	return pricing.Default()
}

// setCost sets the cost of s, whose stream reported none, to the estimate
// from the price table (pricing.Table.SummaryCost), at the prices in force at at,
// the start of the capture (zero when unknown). A provider cost is kept
// as it is.
func (o *commonOptions) setCost(s *streamctx.Snapshot, inputExcludesCache bool, at time.Time) {
	if !o.costs || s.Cost.Source != nil {
		return
	}
	s.Cost = o.priceTable().SummaryCost(pricing.Stream{
		Summary: s, InputExcludesCache: inputExcludesCache, At: at, ProviderIsVendor: o.provider == "",
	})
}
