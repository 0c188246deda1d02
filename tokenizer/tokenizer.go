// Package tokenizer counts tokens the way OpenAI's tiktoken does, with the
// byte-pair encodings o200k_base and cl100k_base.
//
// The vocabularies are compiled into the binary (the files tiktoken
// downloads, byte for byte); nothing is read from the network or the disk.
// A count is that of tiktoken's encode_ordinary: special tokens such as
// "<|endoftext|>" are counted as the text they are.
//
// Counting takes time linear in the input up to a log factor, however
// repetitive (a megabyte of one letter is one piece to merge), so text
// read from a capture cannot stall it.
package tokenizer

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
	"github.com/pkoukk/tiktoken-go-loader/assets"
)

// The names of the encodings, as tiktoken spells them.
const (
	O200kBase  = "o200k_base"
	Cl100kBase = "cl100k_base"
)

// ErrUnknown is returned by Lookup for a name that is not an encoding here.
var ErrUnknown = errors.New("unknown tokenizer")

// The pre-tokenizer patterns of tiktoken's openai_public.py, in the
// non-possessive spelling that regexp2 (a .NET-style engine) accepts; both
// spellings split text alike. Go's regexp cannot run them: `\s+(?!\S)` is a
// lookahead.
const (
	o200kPattern = `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?` +
		`|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?` +
		`|\p{N}{1,3}` +
		`| ?[^\s\p{L}\p{N}]+[\r\n/]*` +
		`|\s*[\r\n]+` +
		`|\s+(?!\S)` +
		`|\s+`
	cl100kPattern = `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
)

// encodings loads each vocabulary once per process, on first use: parsing
// one takes a few hundred milliseconds, so a run that never counts pays
// nothing and one that counts many captures pays once.
var encodings = map[string]func() (*Tokenizer, error){
	O200kBase:  sync.OnceValues(func() (*Tokenizer, error) { return load(O200kBase, o200kPattern) }),
	Cl100kBase: sync.OnceValues(func() (*Tokenizer, error) { return load(Cl100kBase, cl100kPattern) }),
}

// Tokenizer counts the tokens of one encoding. It is immutable and safe for
// concurrent use.
type Tokenizer struct {
	name  string
	ranks map[string]int
	split *regexp2.Regexp
}

// Names lists the encodings Lookup knows, in a fixed order.
func Names() []string { return []string{O200kBase, Cl100kBase} }

// Lookup returns the tokenizer of the encoding name (see Names). Every call
// with the same name returns the same Tokenizer; the first one loads its
// vocabulary. An unknown name is an error wrapping ErrUnknown.
func Lookup(name string) (*Tokenizer, error) {
	get, ok := encodings[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknown, name, strings.Join(Names(), ", "))
	}
	return get()
}

// ForModel names the encoding to count a model's text with when the user
// names none: o200k_base for the OpenAI families that use it (gpt-4o,
// chatgpt-4o, gpt-4.1, gpt-4.5, gpt-5, gpt-oss and the o-series: o1, o3,
// o4-mini…), cl100k_base for every other model, including those of other
// vendors, whose own tokenizers this package does not have: for them the
// count is an approximation. A vendor prefix such as "openai/" is ignored,
// and so is case.
func ForModel(model string) string {
	m := strings.ToLower(model)
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	m = strings.TrimPrefix(m, "ft:")
	for _, family := range []string{"gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "gpt-oss"} {
		if strings.HasPrefix(m, family) {
			return O200kBase
		}
	}
	if len(m) >= 2 && m[0] == 'o' && m[1] >= '1' && m[1] <= '9' {
		return O200kBase
	}
	return Cl100kBase
}

// Name is the encoding's name, as Lookup takes it.
func (t *Tokenizer) Name() string { return t.name }

// Count returns the number of tokens tiktoken's encode_ordinary gives s.
// Invalid UTF-8 is counted as U+FFFD, one per run of bad bytes.
func (t *Tokenizer) Count(s string) int {
	n := 0
	t.encode(s, func(int) { n++ })
	return n
}

// encode calls yield with the rank of each token of s, in order.
func (t *Tokenizer) encode(s string, yield func(rank int)) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	// regexp2 fails only on a match timeout, and none is set.
	m, _ := t.split.FindStringMatch(s)
	for ; m != nil; m, _ = t.split.FindNextMatch(m) {
		piece := m.String()
		if rank, ok := t.ranks[piece]; ok {
			yield(rank)
			continue
		}
		mergePiece(piece, t.ranks, yield)
	}
}

func load(name, pattern string) (*Tokenizer, error) {
	ranks, err := loadRanks(name + ".tiktoken")
	if err != nil {
		return nil, fmt.Errorf("tokenizer %s: %w", name, err)
	}
	split, err := regexp2.Compile(pattern, regexp2.None)
	if err != nil {
		return nil, fmt.Errorf("tokenizer %s: %w", name, err)
	}
	return &Tokenizer{name: name, ranks: ranks, split: split}, nil
}

// loadRanks parses an embedded .tiktoken file: one "<base64 token> <rank>"
// per line.
func loadRanks(file string) (map[string]int, error) {
	data, err := assets.Assets.ReadFile(file)
	if err != nil {
		return nil, err
	}
	ranks := make(map[string]int, bytes.Count(data, []byte{'\n'}))
	buf := make([]byte, 0, 256)
	for line := range bytes.Lines(data) {
		token, rank, ok := bytes.Cut(bytes.TrimRight(line, "\n"), []byte{' '})
		if !ok {
			return nil, fmt.Errorf("%s: malformed line %q", file, line)
		}
		buf, err = base64.StdEncoding.AppendDecode(buf[:0], token)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		r, err := strconv.Atoi(string(rank))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		ranks[string(buf)] = r
	}
	return ranks, nil
}
