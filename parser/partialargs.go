package parser

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// partialArg is one element of a Vertex AI functionCall's partialArgs: a
// value, or a piece of a string value, at a JSON path of the arguments
// (PartialArg in the Vertex AI reference: jsonPath, one of stringValue,
// numberValue, boolValue, nullValue, and willContinue when more pieces of
// the same path follow).
type partialArg struct {
	JSONPath    string          `json:"jsonPath"`
	StringValue *string         `json:"stringValue"`
	NumberValue json.RawMessage `json:"numberValue"`
	BoolValue   *bool           `json:"boolValue"`
	NullValue   json.RawMessage `json:"nullValue"`
}

// maxArgIndex bounds the array indexes of a JSON path, so that a path from
// an untrusted capture cannot make the assembler allocate without limit.
const maxArgIndex = 1 << 16

var errArgPath = errors.New("unsupported JSON path")

// argNode is one value of the arguments being assembled: an object (its
// members in order of first appearance), an array (nil elements are
// null), or a scalar (a string, or another value's JSON text).
type argNode struct {
	keys   []string
	fields map[string]*argNode
	elems  []*argNode
	isObj  bool
	isArr  bool
	isStr  bool
	str    strings.Builder
	scalar string // JSON text of a scalar that is not a string
}

// argStep is one step of a JSON path: a member name, or an array index
// when index >= 0.
type argStep struct {
	name  string
	index int
}

// partialArgs assembles the arguments object of one streamed function
// call. The zero value is an empty object.
type partialArgs struct {
	root argNode
	// shapeOnly keeps the shape of the arguments (which paths hold what
	// kind of value) but not the text of their strings: enough to give
	// the same errors as assembling, when the arguments are not kept.
	shapeOnly bool
}

// add adds the pieces of one functionCall part's partialArgs (raw JSON).
// String pieces of one path are concatenated; any other value replaces
// what the path held.
func (a *partialArgs) add(raw json.RawMessage) error {
	var args []partialArg
	if err := json.Unmarshal(raw, &args); err != nil {
		return decodeError("partialArgs", err)
	}
	for i := range args {
		pa := &args[i]
		steps, err := parseArgPath(pa.JSONPath)
		if err != nil {
			return err
		}
		n, err := a.root.at(steps)
		if err != nil {
			return fmt.Errorf("%q: %w", pa.JSONPath, err)
		}
		switch {
		case pa.StringValue != nil:
			if !n.isStr {
				*n = argNode{isStr: true}
			}
			if !a.shapeOnly {
				n.str.WriteString(*pa.StringValue)
			}
		case pa.NumberValue != nil:
			*n = argNode{scalar: string(pa.NumberValue)}
		case pa.BoolValue != nil:
			*n = argNode{scalar: strconv.FormatBool(*pa.BoolValue)}
		case pa.NullValue != nil:
			*n = argNode{scalar: "null"}
		}
	}
	return nil
}

// JSON returns the arguments assembled so far as compact JSON: an object,
// "{}" when nothing was added.
func (a *partialArgs) JSON() string {
	var b strings.Builder
	a.root.isObj = true
	a.root.write(&b)
	return b.String()
}

// at returns the node at the path below n, creating the objects, arrays
// and values on the way.
func (n *argNode) at(steps []argStep) (*argNode, error) {
	for _, st := range steps {
		if st.index < 0 {
			if n.isArr || n.isStr || n.scalar != "" {
				return nil, errors.New("a member of a value that is not an object")
			}
			n.isObj = true
			child := n.fields[st.name]
			if child == nil {
				if n.fields == nil {
					n.fields = make(map[string]*argNode)
				}
				child = new(argNode)
				n.fields[st.name] = child
				n.keys = append(n.keys, st.name)
			}
			n = child
			continue
		}
		if n.isObj || n.isStr || n.scalar != "" {
			return nil, errors.New("an element of a value that is not an array")
		}
		n.isArr = true
		for len(n.elems) <= st.index {
			n.elems = append(n.elems, nil)
		}
		if n.elems[st.index] == nil {
			n.elems[st.index] = new(argNode)
		}
		n = n.elems[st.index]
	}
	return n, nil
}

// write appends n's JSON text to b; a node that never got a value is null.
func (n *argNode) write(b *strings.Builder) {
	switch {
	case n == nil:
		b.WriteString("null")
	case n.isObj:
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			n.fields[k].write(b)
		}
		b.WriteByte('}')
	case n.isArr:
		b.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				b.WriteByte(',')
			}
			e.write(b)
		}
		b.WriteByte(']')
	case n.isStr:
		writeJSONString(b, n.str.String())
	case n.scalar != "":
		b.WriteString(n.scalar)
	default:
		b.WriteString("null")
	}
}

// writeJSONString writes s as a JSON string, escaping only what JSON
// requires (quote, backslash, control characters): the rest of the text
// stays as the provider sent it.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteString(`\ufffd`)
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		default:
			b.WriteByte(c)
		}
		i++
	}
	b.WriteByte('"')
}

// isShorthandName reports whether name is an RFC 9535 member-name-shorthand:
// a letter, "_" or non-ASCII byte first, then those or digits.
func isShorthandName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 0x80 || c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return name != ""
}

// parseArgPath parses the JSON paths that name an argument (RFC 9535
// singular queries): $ followed by .name, ['name'] or ["name"], and [n].
func parseArgPath(p string) ([]argStep, error) {
	rest, ok := strings.CutPrefix(p, "$")
	if !ok {
		return nil, fmt.Errorf("%w %q", errArgPath, p)
	}
	var steps []argStep
	for rest != "" {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			name := rest[1 : 1+end]
			if !isShorthandName(name) {
				return nil, fmt.Errorf("%w %q", errArgPath, p)
			}
			steps = append(steps, argStep{name: name, index: -1})
			rest = rest[1+end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("%w %q", errArgPath, p)
			}
			inner := rest[1:end]
			if len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0] {
				steps = append(steps, argStep{name: inner[1 : len(inner)-1], index: -1})
			} else {
				i, err := strconv.Atoi(inner)
				if err != nil || i < 0 || i >= maxArgIndex || (len(inner) > 1 && inner[0] == '0') {
					return nil, fmt.Errorf("%w %q", errArgPath, p)
				}
				steps = append(steps, argStep{index: i})
			}
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("%w %q", errArgPath, p)
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("%w %q", errArgPath, p)
	}
	return steps, nil
}
