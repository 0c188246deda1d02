package pricing_test

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/pricing"
)

// A hand-made table: one provider, a tiered model and a model with an
// off-peak price from 16:30 to 00:30 UTC.
const handTable = `[{"id":"acme","provider_match":{"contains":"acme"},"model_match":{"starts_with":"rocket"},
 "models":[
  {"id":"rocket-1","match":{"or":[{"equals":"rocket-1"},{"regex":"^rocket-1-\\d{8}$"}]},
   "prices":{"input_mtok":{"base":1,"tiers":[{"start":1000,"price":2},{"start":100,"price":1.5}]},"output_mtok":4,"requests_kcount":1}},
  {"id":"rocket-2","match":{"equals":"rocket-2"},
   "prices":[{"prices":{"input_mtok":1}},
             {"constraint":{"start_time":"16:30:00Z","end_time":"00:30:00Z"},"prices":{"input_mtok":0.5}}]}
 ]}]`

func TestLoad(t *testing.T) {
	t.Parallel()
	tbl, err := pricing.Load(iotest.OneByteReader(strings.NewReader(handTable)))
	require.NoError(t, err)
	assert.Empty(t, tbl.Date())
	for _, tc := range []struct {
		name, provider, model string
		u                     pricing.Usage
		at                    time.Time
		want                  float64
	}{
		// 100 input tokens: not above 100, base 1; 10 output at 4; one request at 1 per thousand.
		// (100×1 + 10×4)/1e6 + 1/1000
		{"base tier", "acme", "rocket-1", pricing.Usage{Input: 100, Output: 10}, time.Time{}, 140e-6 + 1e-3},
		// 101 tokens: above 100 → 1.5 (tiers are sorted by start). (101×1.5)/1e6 + 1/1000
		{"first tier", "acme", "rocket-1-20260101", pricing.Usage{Input: 101}, time.Time{}, 151.5e-6 + 1e-3},
		// 1001 tokens: above 1000 → 2. (1001×2)/1e6 + 1/1000
		{"second tier", "", "ROCKET-1", pricing.Usage{Input: 1001}, time.Time{}, 2002e-6 + 1e-3},
		// Off-peak window spans midnight: 23:00 and 00:10 are in it, 12:00 and 00:30 are not.
		{"off-peak late", "acme", "rocket-2", pricing.Usage{Input: 1e6}, time.Date(2026, 5, 1, 23, 0, 0, 0, time.UTC), 0.5},
		{"off-peak early", "acme", "rocket-2", pricing.Usage{Input: 1e6}, time.Date(2026, 5, 1, 0, 10, 0, 0, time.UTC), 0.5},
		{"peak", "acme", "rocket-2", pricing.Usage{Input: 1e6}, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), 1},
		{"window end", "acme", "rocket-2", pricing.Usage{Input: 1e6}, time.Date(2026, 5, 1, 0, 30, 0, 0, time.UTC), 1},
		// A zero time takes no time-of-day price.
		{"no time", "acme", "rocket-2", pricing.Usage{Input: 1e6}, time.Time{}, 1},
	} {
		c := tbl.Estimate(tc.provider, tc.model, tc.u, tc.at)
		require.NotNil(t, c.USD, "%s: %s", tc.name, c.Reason)
		assert.InDelta(t, tc.want, *c.USD, 1e-12, tc.name)
		assert.Empty(t, c.PricesDate)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, msg string }{
		{"bad json", `[{"id":"x",`, "bad price table: want a JSON array of providers: unexpected end of JSON input"},
		{"not an array", `{"id":"x"}`, "bad price table: want a JSON array of providers: json: cannot unmarshal object into Go value of type []json.RawMessage"},
		{"empty", `[]`, "bad price table: no providers"},
		{"no id", `[{"models":[]}]`, "bad price table: provider 0: no id"},
		{"no match", `[{"id":"x","models":[{"id":"m","prices":{"input_mtok":1}}]}]`, `bad price table: provider "x" model "m": no match clause`},
		{"no prices", `[{"id":"x","models":[{"id":"m","match":{"equals":"m"},"prices":[]}]}]`, `bad price table: provider "x" model "m": no prices`},
		{"unknown clause", `[{"id":"x","models":[{"id":"m","match":{"like":"m"},"prices":{}}]}]`, `bad price table: provider "x" model 0 ("m"): unknown match clause "like"`},
		{"lookbehind", `[{"id":"x","models":[{"id":"m","match":{"regex":"(?<=a)b"},"prices":{}}]}]`, "bad price table: provider \"x\" model 0 (\"m\"): regex \"(?<=a)b\": error parsing regexp: invalid named capture: `(?<=a)b`"},
		{"negative price", `[{"id":"x","models":[{"id":"m","match":{"equals":"m"},"prices":{"input_mtok":-1}}]}]`, `bad price table: provider "x" model 0 ("m"): prices: price -1: want a finite non-negative number`},
		{"bad tier", `[{"id":"x","models":[{"id":"m","match":{"equals":"m"},"prices":{"input_mtok":{"tiers":[]}}}]}]`, `bad price table: provider "x" model 0 ("m"): prices: tiered price: want a non-negative base`},
		{"bad date", `[{"id":"x","models":[{"id":"m","match":{"equals":"m"},"prices":[{"constraint":{"start_date":"2026-13-01"},"prices":{}}]}]}]`, `bad price table: provider "x" model 0 ("m"): start_date constraint: parsing time "2026-13-01": month out of range`},
		{"bad time", `[{"id":"x","models":[{"id":"m","match":{"equals":"m"},"prices":[{"constraint":{"start_time":"25:00:00Z","end_time":"01:00:00Z"},"prices":{}}]}]}]`, `bad price table: provider "x" model 0 ("m"): invalid time-of-day constraint "25:00:00Z"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := pricing.Load(strings.NewReader(tc.in))
			require.Error(t, err)
			require.ErrorIs(t, err, pricing.ErrBadTable)
			assert.Equal(t, tc.msg, err.Error())
		})
	}
	_, err := pricing.Load(iotest.ErrReader(errors.New("disk on fire")))
	require.Error(t, err)
	assert.Equal(t, "read price table: disk on fire", err.Error())
}

func TestDefault(t *testing.T) {
	t.Parallel()
	first := pricing.Default()
	assert.Same(t, first, pricing.Default())
	assert.Equal(t, "@pydantic/genai-prices 0.1.8", pricing.Default().Version())
	assert.Equal(t, "2026-09-23", pricing.Default().Date())
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(handTable))
	f.Add([]byte(`[{"id":"x",`))
	f.Add([]byte(`[{"id":"x","models":[{"id":"m","match":{"regex":"^(?!a(b)[)]"},"prices":{"input_mtok":{"base":1,"tiers":[{"start":0,"price":2}]}}}]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tbl, err := pricing.Load(strings.NewReader(string(b)))
		if err != nil {
			require.ErrorIs(t, err, pricing.ErrBadTable)
			return
		}
		for _, m := range []string{"rocket-1", "m", "x", ""} {
			// "x" is often the provider of a fuzzed table; "" looks by
			// model_match; "acme" is the hand table's.
			for _, p := range []string{"x", "", "acme"} {
				c := tbl.Estimate(p, m, pricing.Usage{Input: 1000, CacheRead: 10, Output: 5, Extra: map[string]int64{"web_searches": 1}}, time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
				if c.USD == nil {
					assert.NotEmpty(t, c.Reason)
				}
			}
		}
	})
}

// BenchmarkDefaultParse measures parsing the embedded snapshot, what the
// first Default call costs.
func BenchmarkDefaultParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pricing.ParseSnapshot(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEstimate(b *testing.B) {
	tbl := pricing.Default()
	u := pricing.Usage{Input: 100, CacheRead: 2000, CacheWrite: 1000, Output: 300, InputExcludesCache: true}
	b.ReportAllocs()
	for b.Loop() {
		if c := tbl.Estimate("anthropic", "claude-sonnet-4-5-20250929", u, time.Time{}); c.USD == nil {
			b.Fatal(c.Reason)
		}
	}
}
