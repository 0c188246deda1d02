// Command sseinspect-floor is the floor sseinspect's speed is measured
// against (issue 16): the least work any reader of a capture must do.
//
// Usage:
//
//	sseinspect-floor [-validate none|std|jsonscan] [-buf SIZE] FILE...
//
// It reads each file with reads of -buf bytes (default 1MiB) and splits
// it into lines with bytes.IndexByte. With -validate std it also checks
// that the payload of every "data:" line (after one optional space, without
// the line's CR) is valid JSON with encoding/json's Valid, the standard
// library's validator; with -validate jsonscan, with internal/jsonscan's
// Skip (the scanner under sseinspect's fast decoders). A payload that is not
// JSON ([DONE]) counts as invalid, not as an error. It prints the counts of
// lines, data payloads and invalid payloads, so that no work is optimized
// away and a run can be checked.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sseinspect/sseinspect/internal/benchgen"
	"github.com/sseinspect/sseinspect/internal/jsonscan"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// counts is what a run found.
type counts struct {
	Lines, Payloads, Invalid int64
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sseinspect-floor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	validate := fs.String("validate", "none", "validate data: payloads as JSON: none, std (encoding/json.Valid) or jsonscan")
	bufArg := fs.String("buf", "1MiB", "size of each read (B, KiB, MiB)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	valid, ok := validators[*validate]
	if !ok {
		fmt.Fprintf(stderr, "sseinspect-floor: -validate %q: want none, std or jsonscan\n", *validate)
		return 2
	}
	size, err := benchgen.ParseSize(*bufArg)
	if err != nil || size < 1 || size > 1<<30 {
		fmt.Fprintf(stderr, "sseinspect-floor: -buf %q: want 1B to 1GiB\n", *bufArg)
		return 2
	}
	buf := make([]byte, size)
	var total counts
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "sseinspect-floor: %v\n", err)
			return 1
		}
		c, err := scan(f, buf, valid)
		_ = f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "sseinspect-floor: %s: %v\n", name, err)
			return 1
		}
		total.Lines += c.Lines
		total.Payloads += c.Payloads
		total.Invalid += c.Invalid
	}
	fmt.Fprintf(stdout, "lines %d  data payloads %d  invalid %d\n", total.Lines, total.Payloads, total.Invalid)
	return 0
}

// validators are the choices of -validate.
var validators = map[string]func([]byte) bool{
	"none":     nil,
	"std":      json.Valid,
	"jsonscan": scanValid,
}

// errLineTooLong is returned for a line longer than the buffer.
var errLineTooLong = errors.New("a line is longer than the buffer (-buf)")

// scan splits r into lines using buf, and passes each data: payload to
// valid when it is not nil. A last line without a newline counts.
func scan(r io.Reader, buf []byte, valid func([]byte) bool) (counts, error) {
	var c counts
	start, end := 0, 0 // buf[start:end] is read and not yet split
	for {
		n, err := r.Read(buf[end:])
		end += n
		for {
			i := bytes.IndexByte(buf[start:end], '\n')
			if i < 0 {
				break
			}
			c.line(buf[start:start+i], valid)
			start += i + 1
		}
		if err == io.EOF {
			if start < end {
				c.line(buf[start:end], valid)
			}
			return c, nil
		}
		if err != nil {
			return c, err
		}
		if start == 0 && end == len(buf) {
			return c, errLineTooLong
		}
		if end == len(buf) {
			end = copy(buf, buf[start:end])
			start = 0
		}
	}
}

func (c *counts) line(l []byte, valid func([]byte) bool) {
	c.Lines++
	if valid == nil || !bytes.HasPrefix(l, []byte("data:")) {
		return
	}
	p := l[len("data:"):]
	if len(p) > 0 && p[0] == ' ' {
		p = p[1:]
	}
	if len(p) > 0 && p[len(p)-1] == '\r' {
		p = p[:len(p)-1]
	}
	c.Payloads++
	if !valid(p) {
		c.Invalid++
	}
}

// scanValid reports whether b is one JSON value, by jsonscan's rules.
func scanValid(b []byte) bool {
	s := jsonscan.New(b)
	return s.Skip() && s.End()
}
