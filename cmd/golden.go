package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sseinspect/sseinspect/compare"
	"github.com/sseinspect/sseinspect/report"
	"github.com/sseinspect/sseinspect/streamctx"
)

// errNoGolden is returned for a golden file that does not exist.
var errNoGolden = errors.New("no such golden file")

// goldenExt replaces .sse in the name of a capture's golden file.
const goldenExt = ".golden.json"

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

// compare compares s, the summary of a capture, with the golden file and
// returns what differs and which new keys the file lacks; with g.update it
// writes the file instead (when it changes), and says so.
func (g *goldenOptions) compare(file string, s *streamctx.Snapshot) (res compare.GoldenResult, wrote bool, err error) {
	snap := compare.GoldenSnapshot(s, g.timing)
	want, err := os.ReadFile(file)
	if g.update {
		var got bytes.Buffer
		if err := report.JSONIndent(&got, &snap); err != nil {
			return res, false, err
		}
		if err == nil && bytes.Equal(want, got.Bytes()) {
			return res, false, nil
		}
		if err := os.WriteFile(file, got.Bytes(), 0o644); err != nil {
			return res, false, err
		}
		return res, true, nil
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return res, false, fmt.Errorf("%s: %w (write it with --update)", file, errNoGolden)
		}
		return res, false, err
	}
	res, err = compare.Golden(want, &snap, g.timing)
	if err != nil {
		return res, false, fmt.Errorf("%s: %w", file, err)
	}
	return res, false, nil
}

// goldenCmdOptions are the flags of golden.
type goldenCmdOptions struct {
	commonOptions
	golden    goldenOptions
	recursive bool
}

// newGoldenCmd is the golden command: captures compared with their golden
// files (compare.Golden).
func newGoldenCmd(env *Env) *cobra.Command {
	o := &goldenCmdOptions{}
	c := &cobra.Command{
		Use:   "golden DIR|FILE.sse...",
		Short: "Compare every capture in a directory with its golden JSON summary",
		Long: `Pair every capture NAME.sse (or NAME.datastream, NAME.ndjson, or NAME.eventstream, a
binary AWS event stream) in DIR (with -r, also in its subdirectories) with
its golden file NAME.golden.json, compare the JSON summary of the capture
with it (as summarize --golden does), and report "PASS NAME.sse" or
"FAIL NAME.sse" followed by the fields that differ, then a total line
"N passed, N failed". ttfb_ms, ttft_ms and total_ms are left out unless
--golden-timing; cost is compared only when one side is the provider's (an
estimate from a price table changes with the table, not with the capture).

With --update, write the golden files instead: "UPDATED NAME.sse" for each
file written (new or changed).

Exit status: 0 when every capture matches its golden file, 1 when one does
not (or has none), 2 when a capture cannot be read to its end (part of a
stream is never compared, nor written with --update) or no capture is
found.`,
		Example: `  sseinspect golden -r testdata/captures
  sseinspect golden -r --update testdata/captures`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return o.run(env, args)
		},
	}
	o.bind(c)
	o.bindEstimate(c)
	o.bindPrices(c)
	o.golden.bind(c, false)
	c.Flags().BoolVarP(&o.recursive, "recursive", "r", false, "also read the subdirectories of a DIR")
	return c
}

func (o *goldenCmdOptions) run(env *Env, args []string) error {
	if err := o.validate(); err != nil {
		return err
	}
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
		found, unreadable, err := captureFiles(a, o.recursive, goldenCaptureExts)
		if err != nil {
			return err
		}
		for _, err := range unreadable {
			// The others are compared all the same.
			fmt.Fprintf(env.Stderr, "sseinspect: %v\n", err)
			worst = ExitError
		}
		if len(found) == 0 && len(unreadable) == 0 {
			fmt.Fprintf(env.Stderr, "sseinspect: no captures (*.sse, *.datastream, *.eventstream, *.ndjson) in %s%s\n", a, recursiveHint(a, o.recursive, goldenCaptureExts))
			worst = ExitError
		}
		files = append(files, found...)
	}
	var passed, failed, updated int
	for _, f := range files {
		res, wrote, err := o.one(env, f)
		fields := res.Fields
		code := ExitOK
		var werr error
		switch {
		case err != nil:
			failed++
			code = ExitError
			if errors.Is(err, errNoGolden) {
				code = ExitFailed
			}
			werr = report.GoldenError(env.Stdout, err)
		case wrote:
			updated++
			werr = report.GoldenUpdated(env.Stdout, f)
		case len(fields) == 0:
			passed++
			werr = report.GoldenPass(env.Stdout, f)
		default:
			failed++
			code = ExitFailed
			werr = report.GoldenFail(env.Stdout, goldenFile(f), f, fields)
		}
		if werr == nil && err == nil && !wrote {
			werr = report.GoldenNewKeys(env.Stdout, res.New)
		}
		if werr != nil {
			return werr
		}
		worst = max(worst, code)
	}
	if err := report.GoldenTotal(env.Stdout, passed, failed, updated, o.golden.update); err != nil {
		return err
	}
	if failed > 0 {
		worst = max(worst, ExitFailed)
	}
	if worst != ExitOK {
		return &exitError{code: worst}
	}
	return nil
}

// goldenCaptureExts are the extensions of the captures golden finds in a
// directory: SSE streams, the Vercel AI SDK's data stream (.datastream),
// AWS event streams (.eventstream) and newline-delimited JSON (.ndjson,
// Ollama).
var goldenCaptureExts = []string{".sse", ".datastream", ".eventstream", ".ndjson"}

// goldenFile is the golden file of a capture: its name without its
// extension (.sse, .datastream, or .sse.gz for a compressed one), then
// .golden.json.
func goldenFile(capture string) string {
	return strings.TrimSuffix(capture, captureExtFull(capture)) + goldenExt
}

// one compares one capture with its golden file.
func (o *goldenCmdOptions) one(env *Env, file string) (res compare.GoldenResult, wrote bool, err error) {
	in, err := open(env, file)
	if err != nil {
		return res, false, err
	}
	defer in.c.Close()
	c, err := o.replayWhole(env, in, streamctx.Options{CollectText: true})
	if err != nil {
		return res, false, err
	}
	res, wrote, err = o.golden.compare(goldenFile(file), &c.snap)
	if err != nil {
		err = fmt.Errorf("%s: %w", file, err)
	}
	return res, wrote, err
}
