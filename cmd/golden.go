package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// errNoGolden is returned for a golden file that does not exist.
var errNoGolden = errors.New("no such golden file")

// goldenExt replaces .sse in the name of a capture's golden file.
const goldenExt = ".golden.json"

// timingKeys are the JSON summary keys left out of golden comparisons
// unless --golden-timing: they differ on every live run.
var timingKeys = []string{"ttfb_ms", "ttft_ms", "total_ms", "latency"}

// lineDiffKeys are the JSON summary keys shown as a unified line diff.
var lineDiffKeys = []string{"text", "thinking"}

type goldenOptions struct {
	file   string
	timing bool
	update bool
}

// bind adds --golden-timing and --update, and with withFile --golden FILE.
func (g *goldenOptions) bind(c *cobra.Command, withFile bool) {
	f := c.Flags()
	if withFile {
		f.StringVar(&g.file, "golden", "", "compare the JSON summary with the golden `FILE` instead of printing it")
	}
	f.BoolVar(&g.timing, "golden-timing", false, "also compare ttfb_ms, ttft_ms and total_ms")
	f.BoolVar(&g.update, "update", false, "write the golden file instead of comparing with it")
}

// golden returns the golden file contents for s: the indented JSON summary,
// with the timings null unless g.timing.
func (g *goldenOptions) golden(s *streamctx.Snapshot) ([]byte, error) {
	c := *s
	if !g.timing {
		c.TTFBMs, c.TTFTMs, c.TotalMs = nil, nil, nil
	}
	var b bytes.Buffer
	err := report.JSONIndent(&b, &c)
	return b.Bytes(), err
}

// check compares s, the summary of the capture name, with the golden file,
// and prints the differences on w; with g.update it writes the file
// instead. It returns ExitFailed when they differ, and whether the file was
// written.
func (g *goldenOptions) check(w io.Writer, file, name string, s *streamctx.Snapshot) (code int, wrote bool, err error) {
	got, err := g.golden(s)
	if err != nil {
		return ExitError, false, err
	}
	want, err := os.ReadFile(file)
	if g.update {
		if err == nil && bytes.Equal(want, got) {
			return ExitOK, false, nil
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			return ExitError, false, err
		}
		return ExitOK, true, nil
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return ExitError, false, fmt.Errorf("%s: %w (write it with --update)", file, errNoGolden)
		}
		return ExitError, false, err
	}
	diff, err := g.diff(want, got)
	if err != nil {
		return ExitError, false, fmt.Errorf("%s: %w", file, err)
	}
	if diff == "" {
		return ExitOK, false, nil
	}
	_, err = fmt.Fprintf(w, "--- %s\n+++ %s\n%s", file, name, diff)
	return ExitFailed, false, err
}

// diff returns the fields that differ between two JSON summaries, in the
// order of the keys of got, then the keys only want has; "" when none do.
func (g *goldenOptions) diff(want, got []byte) (string, error) {
	var wm, gm map[string]json.RawMessage
	if err := json.Unmarshal(want, &wm); err != nil {
		return "", fmt.Errorf("not a JSON summary: %w", err)
	}
	if err := json.Unmarshal(got, &gm); err != nil {
		return "", err
	}
	keys, err := objectKeys(got)
	if err != nil {
		return "", err
	}
	var extra []string
	for k := range wm {
		if _, ok := gm[k]; !ok {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	keys = append(keys, extra...)
	var fields []fieldDiff
	for _, k := range keys {
		if !g.timing && slices.Contains(timingKeys, k) {
			continue
		}
		a, aok := wm[k]
		b, bok := gm[k]
		if aok && bok && jsonEqual(a, b) {
			continue
		}
		fields = append(fields, fieldDiff{key: k, a: a, b: b})
	}
	var sb strings.Builder
	for _, f := range fields {
		f.write(&sb)
	}
	return sb.String(), nil
}

// fieldDiff is one key whose values differ; a nil value is a missing key.
type fieldDiff struct {
	key  string
	a, b json.RawMessage
}

// write writes the field as "- key: a" and "+ key: b" lines, or, for text
// fields that are strings on both sides, as "key:" and a unified line diff
// indented by two spaces.
func (f fieldDiff) write(sb *strings.Builder) {
	var as, bs string
	if slices.Contains(lineDiffKeys, f.key) && json.Unmarshal(f.a, &as) == nil && json.Unmarshal(f.b, &bs) == nil {
		sb.WriteString(f.key + ":\n")
		for _, l := range strings.SplitAfter(unifiedDiff(as, bs, 3), "\n") {
			if l != "" {
				sb.WriteString("  " + l)
			}
		}
		return
	}
	if f.a != nil {
		sb.WriteString("- " + f.key + ": " + compactJSON(f.a) + "\n")
	}
	if f.b != nil {
		sb.WriteString("+ " + f.key + ": " + compactJSON(f.b) + "\n")
	}
}

// objectKeys returns the keys of a JSON object in order.
func objectKeys(obj []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// jsonEqual reports whether two JSON values are equal: byte for byte once
// compacted, else as decoded values (a hand-edited golden file may escape
// differently).
func jsonEqual(a, b json.RawMessage) bool {
	if compactJSON(a) == compactJSON(b) {
		return true
	}
	var av, bv any
	da := json.NewDecoder(bytes.NewReader(a))
	da.UseNumber()
	db := json.NewDecoder(bytes.NewReader(b))
	db.UseNumber()
	if da.Decode(&av) != nil || db.Decode(&bv) != nil {
		return false
	}
	return reflect.DeepEqual(av, bv)
}

func compactJSON(v json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return string(v)
	}
	return b.String()
}

type goldenCmdOptions struct {
	commonOptions
	golden    goldenOptions
	recursive bool
}

func newGoldenCmd(env *Env) *cobra.Command {
	o := &goldenCmdOptions{}
	c := &cobra.Command{
		Use:   "golden DIR|FILE.sse...",
		Short: "Compare every capture in a directory with its golden JSON summary",
		Long: `Pair every capture NAME.sse in DIR (with -r, also in its subdirectories) with
its golden file NAME.golden.json, compare the JSON summary of the capture
with it (as summarize --golden does), and report "PASS NAME.sse" or
"FAIL NAME.sse" followed by the fields that differ, then a total line
"N passed, N failed". ttfb_ms, ttft_ms and total_ms are left out unless
--golden-timing.

With --update, write the golden files instead: "UPDATED NAME.sse" for each
file written (new or changed).

Exit status: 0 when every capture matches its golden file, 1 when one does
not (or has none), 2 when a capture cannot be read or no capture is found.`,
		Example: `  sseinspect golden testdata/captures
  sseinspect golden -r --update testdata/captures`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			return o.run(env, args)
		},
	}
	o.bind(c)
	o.golden.bind(c, false)
	c.Flags().BoolVarP(&o.recursive, "recursive", "r", false, "also read the subdirectories of a DIR")
	return c
}

func (o *goldenCmdOptions) run(env *Env, args []string) error {
	var files []string
	worst := ExitOK
	for _, a := range args {
		if a == "-" {
			return usagef("golden reads files, not standard input")
		}
		fi, err := os.Stat(a)
		if err != nil || !fi.IsDir() {
			files = append(files, a)
			continue
		}
		found, err := captureFiles(a, o.recursive, []string{".sse"})
		if err != nil {
			return err
		}
		if len(found) == 0 {
			fmt.Fprintf(env.Stderr, "sseinspect: no captures (*.sse) in %s\n", a)
			worst = ExitError
		}
		files = append(files, found...)
	}
	var passed, failed, updated int
	for _, f := range files {
		var out bytes.Buffer
		code, wrote, err := o.one(env, &out, f)
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(env.Stdout, "FAIL %v\n", err)
			if errors.Is(err, errNoGolden) {
				code = ExitFailed
			}
		case wrote:
			updated++
			fmt.Fprintf(env.Stdout, "UPDATED %s\n", f)
		case code == ExitOK:
			passed++
			fmt.Fprintf(env.Stdout, "PASS %s\n", f)
		default:
			failed++
			fmt.Fprintf(env.Stdout, "FAIL %s\n", f)
			for _, l := range strings.SplitAfter(out.String(), "\n") {
				if l != "" {
					_, _ = io.WriteString(env.Stdout, "    "+l)
				}
			}
		}
		worst = max(worst, code)
	}
	total := fmt.Sprintf("%d passed, %d failed", passed, failed)
	if o.golden.update {
		total += fmt.Sprintf(", %d updated", updated)
	}
	fmt.Fprintln(env.Stdout, total)
	if failed > 0 {
		worst = max(worst, ExitFailed)
	}
	if worst != ExitOK {
		return &exitError{code: worst}
	}
	return nil
}

// one compares one capture with its golden file.
func (o *goldenCmdOptions) one(env *Env, w io.Writer, file string) (code int, wrote bool, err error) {
	in, err := open(env, file)
	if err != nil {
		return ExitError, false, err
	}
	defer in.c.Close()
	c, err := o.replay(env, in, streamctx.Options{CollectText: true})
	if err != nil {
		return ExitError, false, err
	}
	code, wrote, err = o.golden.check(w, strings.TrimSuffix(file, ".sse")+goldenExt, file, &c.snap)
	if err != nil {
		err = fmt.Errorf("%s: %w", file, err)
	}
	return code, wrote, err
}

// unifiedDiff returns the line diff of a and b in the unified format: hunks
// "@@ -l,n +l,n @@" with context lines around the changes, lines prefixed
// by " ", "-" or "+". It returns "" when a == b.
func unifiedDiff(a, b string, context int) string {
	if a == b {
		return ""
	}
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	ops := lineOps(al, bl)
	var sb strings.Builder
	// Group the ops into hunks: runs of changes at most 2*context equal
	// lines apart, each with context equal lines around.
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-context, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			j := end
			for j < len(ops) && ops[j].kind == ' ' {
				j++
			}
			if j == len(ops) || j-end > 2*context {
				break
			}
			end = j
		}
		stop := min(end+context, len(ops))
		h := ops[start:stop]
		aStart, bStart := h[0].ai, h[0].bi
		var an, bn int
		for _, op := range h {
			if op.kind != '+' {
				an++
			}
			if op.kind != '-' {
				bn++
			}
		}
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(aStart, an), hunkRange(bStart, bn))
		for _, op := range h {
			sb.WriteByte(op.kind)
			sb.WriteString(op.line)
			sb.WriteByte('\n')
		}
		i = stop
	}
	return sb.String()
}

// hunkRange formats a hunk's range as diff -u does: 1-based start, and the
// length unless it is 1; an empty range starts at the line before.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// lineOp is one line of an edit script: ' ' kept, '-' removed from a,
// '+' added from b; ai and bi are the 0-based positions in a and b before
// the op.
type lineOp struct {
	kind   byte
	line   string
	ai, bi int
}

// maxLCSCells bounds the quadratic LCS table; beyond it, the differing
// middle is shown as removed then added.
const maxLCSCells = 4 << 20

// lineOps returns an edit script from a to b: common prefix and suffix,
// and a longest common subsequence of the lines in between.
func lineOps(a, b []string) []lineOp {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	var ops []lineOp
	for i := range p {
		ops = append(ops, lineOp{' ', a[i], i, i})
	}
	am, bm := a[p:len(a)-s], b[p:len(b)-s]
	n, m := len(am), len(bm)
	ai, bi := p, p
	emit := func(kind byte, line string) {
		ops = append(ops, lineOp{kind, line, ai, bi})
		if kind != '+' {
			ai++
		}
		if kind != '-' {
			bi++
		}
	}
	if n*m > maxLCSCells {
		for _, l := range am {
			emit('-', l)
		}
		for _, l := range bm {
			emit('+', l)
		}
	} else {
		// lcs[i][j] is the LCS length of am[i:] and bm[j:].
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if am[i] == bm[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && am[i] == bm[j]:
				emit(' ', am[i])
				i++
				j++
			case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
				emit('-', am[i])
				i++
			default:
				emit('+', bm[j])
				j++
			}
		}
	}
	for k := len(a) - s; k < len(a); k++ {
		emit(' ', a[k])
	}
	return ops
}
