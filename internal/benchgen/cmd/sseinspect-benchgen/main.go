// Command sseinspect-benchgen writes a generated benchmark capture of
// sseinspect: one long, deterministic, realistic stream in a wire format.
//
// Usage:
//
//	sseinspect-benchgen -format anthropic -size 1GiB [-seed N] [-o FILE] [-stats]
//
// -format names a wire format (-h lists those it writes); -size takes a
// number of bytes with an optional unit (KiB, MiB, GiB, KB, MB, GB); the
// capture is at least that large. Without -o it goes to standard output.
// -stats prints what the capture carries (text length, tokens, ...) as JSON
// on standard error.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/sseinspect/sseinspect/internal/benchgen"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sseinspect-benchgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", benchgen.Anthropic, "wire format: "+strings.Join(benchgen.Formats(), ", "))
	sizeArg := fs.String("size", "64MiB", "minimum size of the capture (B, KiB, MiB, GiB, KB, MB, GB)")
	seed := fs.Int64("seed", 1, "seed of the generator")
	out := fs.String("o", "", "output file (default standard output)")
	stats := fs.Bool("stats", false, "print the capture's expected summary figures as JSON on standard error")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sseinspect-benchgen: unexpected arguments %q\n", fs.Args())
		return 2
	}
	size, err := benchgen.ParseSize(*sizeArg)
	if err != nil {
		fmt.Fprintf(stderr, "sseinspect-benchgen: %v\n", err)
		return 2
	}
	if !slices.Contains(benchgen.Formats(), *format) {
		fmt.Fprintf(stderr, "sseinspect-benchgen: %v %q (valid: %s)\n", benchgen.ErrUnknownFormat, *format, strings.Join(benchgen.Formats(), ", "))
		return 2
	}
	w := stdout
	var f *os.File
	if *out != "" && *out != "-" {
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintf(stderr, "sseinspect-benchgen: %v\n", err)
			return 1
		}
		w = f
	}
	st, err := benchgen.GenerateStats(w, *format, size, *seed)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "sseinspect-benchgen: %v\n", err)
		return 1
	}
	if *stats {
		enc := json.NewEncoder(stderr)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			return 1
		}
	}
	return 0
}
