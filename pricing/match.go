package pricing

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// matcher is a genai-prices match clause: exactly one of equals, starts_with,
// ends_with, contains, regex, or, and. Text clauses compare case-insensitively;
// a regex is case-sensitive and unanchored, as JavaScript's RegExp.test.
type matcher struct {
	kind  string
	value string
	re    *regexp.Regexp
	notRe *regexp.Regexp // a leading negative lookahead ^(?!A): A must not match
	subs  []matcher
}

func (m *matcher) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("match clause: %w", err)
	}
	if len(raw) != 1 {
		return fmt.Errorf("match clause: want one key, got %d", len(raw))
	}
	for k, v := range raw {
		m.kind = k
		switch k {
		case "or", "and":
			if err := json.Unmarshal(v, &m.subs); err != nil {
				return fmt.Errorf("%s clause: %w", k, err)
			}
		case "equals", "starts_with", "ends_with", "contains":
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("%s clause: %w", k, err)
			}
			m.value = strings.ToLower(s)
		case "regex":
			if err := json.Unmarshal(v, &m.value); err != nil {
				return fmt.Errorf("regex clause: %w", err)
			}
			if err := m.compile(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown match clause %q", k)
		}
	}
	return nil
}

// compile turns a JavaScript regex into Go's RE2. RE2 has no lookaround; the
// one form the data uses, a negative lookahead at the start (^(?!A)B), becomes
// two expressions: ^(?:A) must not match and ^B must.
func (m *matcher) compile() error {
	pat := m.value
	if rest, ok := strings.CutPrefix(pat, "^(?!"); ok {
		end := closingParen(rest)
		if end < 0 {
			return fmt.Errorf("regex %q: unbalanced lookahead", pat)
		}
		not, err := regexp.Compile("^(?:" + rest[:end] + ")")
		if err != nil {
			return fmt.Errorf("regex %q: %w", pat, err)
		}
		m.notRe = not
		pat = "^" + rest[end+1:]
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return fmt.Errorf("regex %q: %w", m.value, err)
	}
	m.re = re
	return nil
}

// closingParen returns the index in s of the ')' closing a group opened just
// before s, skipping escapes and character classes; -1 when there is none.
func closingParen(s string) int {
	depth, inClass := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// match reports whether text satisfies the clause; text clauses expect text
// already lower-cased.
func (m *matcher) match(text string) bool {
	switch m.kind {
	case "or":
		for i := range m.subs {
			if m.subs[i].match(text) {
				return true
			}
		}
		return false
	case "and":
		for i := range m.subs {
			if !m.subs[i].match(text) {
				return false
			}
		}
		return true
	case "equals":
		return text == m.value
	case "starts_with":
		return strings.HasPrefix(text, m.value)
	case "ends_with":
		return strings.HasSuffix(text, m.value)
	case "contains":
		return strings.Contains(text, m.value)
	case "regex":
		return (m.notRe == nil || !m.notRe.MatchString(text)) && m.re.MatchString(text)
	}
	return false
}

// providerByName finds a provider as genai-prices' findProvider does with a
// provider id: the exact id, else the first whose provider_match matches.
// sseinspect's names ("openai", "anthropic", "gemini", "xai", "groq", …)
// resolve this way ("gemini" matches google's provider_match, "xai" x-ai's).
func (t *Table) providerByName(name string) *provider {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return nil
	}
	for i := range t.providers {
		if t.providers[i].ID == name {
			return &t.providers[i]
		}
	}
	for i := range t.providers {
		if p := &t.providers[i]; p.ProviderMatch != nil && p.ProviderMatch.match(name) {
			return p
		}
	}
	return nil
}

// providerByModel is genai-prices' lookup without a provider: the first
// provider whose model_match matches the model id.
func (t *Table) providerByModel(id string) *provider {
	for i := range t.providers {
		if p := &t.providers[i]; p.ModelMatch != nil && p.ModelMatch.match(id) {
			return p
		}
	}
	return nil
}

// modelIn finds the model in p, then in p's fallback_model_providers (one
// step, as genai-prices), and retries once with a compact date suffix
// written with dashes (claude-x-20250929 → claude-x-2025-09-29). It returns
// the provider whose data holds the model.
func (t *Table) modelIn(p *provider, id string) (*provider, *model) {
	if q, m := t.modelOrFallback(p, id, true); m != nil {
		return q, m
	}
	if dashed := dashDates(id); dashed != id {
		return t.modelOrFallback(p, dashed, true)
	}
	return nil, nil
}

func (t *Table) modelOrFallback(p *provider, id string, fallback bool) (*provider, *model) {
	ms := p.models()
	for i := range ms {
		if ms[i].Match.match(id) {
			return p, &ms[i]
		}
	}
	if !fallback {
		return nil, nil
	}
	for _, fid := range p.FallbackModelProviders {
		for i := range t.providers {
			if t.providers[i].ID == fid {
				if q, m := t.modelOrFallback(&t.providers[i], id, false); m != nil {
					return q, m
				}
			}
		}
	}
	return nil, nil
}

var compactDate = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(-|:|$)`)
})

// dashDates rewrites -YYYYMMDD (a real date, followed by '-', ':' or the end)
// as -YYYY-MM-DD, as genai-prices does before its second lookup.
func dashDates(id string) string {
	return compactDate().ReplaceAllStringFunc(id, func(s string) string {
		g := compactDate().FindStringSubmatch(s)
		d, err := time.Parse("20060102", g[1]+g[2]+g[3])
		if err != nil || d.Format("20060102") != g[1]+g[2]+g[3] {
			return s
		}
		return "-" + g[1] + "-" + g[2] + "-" + g[3] + g[4]
	})
}
