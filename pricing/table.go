package pricing

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// The embedded snapshot: see genaiprices/README.md.
var (
	//go:embed genaiprices/data.json
	snapshotData []byte
	//go:embed genaiprices/units.json
	snapshotUnits []byte
	//go:embed genaiprices/VERSION
	snapshotVersion string
)

// Table is a parsed price table. It is immutable and safe for concurrent use.
type Table struct {
	providers []provider
	units     *registry
	date      string // prices_date of every Cost; "" when unknown
	version   string
}

type provider struct {
	providerHead
	Models []model `json:"models"`
	// lazy, for the embedded snapshot, holds the models undecoded until
	// the first lookup in this provider (models): decoding them all takes
	// most of the parse, and a run looks in one or two providers.
	lazy *lazyModels
}

type providerHead struct {
	ID                     string   `json:"id"`
	ProviderMatch          *matcher `json:"provider_match"`
	ModelMatch             *matcher `json:"model_match"`
	FallbackModelProviders []string `json:"fallback_model_providers"`
}

type lazyModels struct {
	once sync.Once
	raw  json.RawMessage
}

// models returns the models of p, decoding them on first use for the
// embedded snapshot (safe for concurrent use). The snapshot is decoded
// whole by a test, so its models cannot fail to decode; a model that
// did would be left out.
func (p *provider) models() []model {
	if l := p.lazy; l != nil {
		l.once.Do(func() {
			var ms []model
			if json.Unmarshal(l.raw, &ms) == nil {
				p.Models = ms
			}
			l.raw = nil
		})
	}
	return p.Models
}

type model struct {
	ID     string       `json:"id"`
	Match  matcher      `json:"match"`
	Prices modelPricing `json:"prices"`
}

var (
	defaultOnce  sync.Once
	defaultTable *Table
)

// Default returns the embedded genai-prices snapshot, parsed on first use.
// Its PricesDate is the snapshot's publication date.
func Default() *Table {
	defaultOnce.Do(func() {
		t, err := parseSnapshot()
		if err != nil {
			panic("pricing: embedded snapshot: " + err.Error()) // a test loads it
		}
		defaultTable = t
	})
	return defaultTable
}

// parseSnapshot parses the embedded snapshot: its providers, with their
// models left to decode on first use (provider.models); parseSnapshotWhole
// decodes and checks everything, as Load does.
func parseSnapshot() (*Table, error) {
	units, err := parseRegistry(snapshotUnits)
	if err != nil {
		return nil, err
	}
	var heads []struct {
		providerHead
		Models json.RawMessage `json:"models"`
	}
	if err := json.Unmarshal(snapshotData, &heads); err != nil {
		return nil, err
	}
	t := &Table{units: units, providers: make([]provider, len(heads))}
	for i, h := range heads {
		t.providers[i] = provider{providerHead: h.providerHead, lazy: &lazyModels{raw: h.Models}}
	}
	t.version, t.date, _ = strings.Cut(strings.TrimSpace(snapshotVersion), "\n")
	return t, nil
}

func parseSnapshotWhole() (*Table, error) {
	units, err := parseRegistry(snapshotUnits)
	if err != nil {
		return nil, err
	}
	return load(bytes.NewReader(snapshotData), units)
}

// Version is the source of the table ("@pydantic/genai-prices 0.1.8" for the
// snapshot, "" for a loaded table).
func (t *Table) Version() string { return t.version }

// Date is the date of the prices ("" for a loaded table: a file carries none).
func (t *Table) Date() string { return t.date }

// ErrBadTable is wrapped by every error of Load about the table's content.
var ErrBadTable = errors.New("bad price table")

// Load reads a price table of the shape of genai-prices' data.json (a JSON
// array of providers, each with id and models; a model has id, match and
// prices) and prices it with the embedded unit registry. Errors name the
// provider and model at fault and wrap ErrBadTable (or the reader's error).
func Load(r io.Reader) (*Table, error) {
	units, err := parseRegistry(snapshotUnits)
	if err != nil {
		return nil, err
	}
	return load(r, units)
}

func load(r io.Reader, units *registry) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read price table: %w", err)
	}
	t := &Table{units: units}
	// One pass decodes a good table; a bad one is decoded again piece by
	// piece, for an error that names the provider and model.
	if json.Unmarshal(data, &t.providers) == nil && len(t.providers) > 0 && t.check() == nil {
		return t, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: want a JSON array of providers: %w", ErrBadTable, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%w: no providers", ErrBadTable)
	}
	t.providers = make([]provider, len(raw))
	for i, pr := range raw {
		var head struct {
			providerHead
			Models []json.RawMessage `json:"models"`
		}
		if err := json.Unmarshal(pr, &head); err != nil {
			return nil, fmt.Errorf("%w: provider %d%s: %w", ErrBadTable, i, idOf(pr), err)
		}
		p := &t.providers[i]
		p.providerHead = head.providerHead
		p.Models = make([]model, len(head.Models))
		for j, mr := range head.Models {
			m := &p.Models[j]
			if err := json.Unmarshal(mr, m); err != nil {
				return nil, fmt.Errorf("%w: provider %q model %d%s: %w", ErrBadTable, p.ID, j, idOf(mr), err)
			}
		}
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	return t, nil
}

// check reports the first provider without an id or model without a match
// clause or prices.
func (t *Table) check() error {
	for i := range t.providers {
		p := &t.providers[i]
		if p.ID == "" {
			return fmt.Errorf("%w: provider %d: no id", ErrBadTable, i)
		}
		for j := range p.Models {
			m := &p.Models[j]
			if m.Match.kind == "" {
				return fmt.Errorf("%w: provider %q model %q: no match clause", ErrBadTable, p.ID, m.ID)
			}
			if len(m.Prices) == 0 {
				return fmt.Errorf("%w: provider %q model %q: no prices", ErrBadTable, p.ID, m.ID)
			}
		}
	}
	return nil
}

// idOf names a provider or model that failed to decode, when its id can be read.
func idOf(raw json.RawMessage) string {
	var p struct{ ID string }
	if json.Unmarshal(raw, &p) != nil || p.ID == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", p.ID)
}
