package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/sseinspect/sseinspect/compare"
)

// GoldenDiff writes how the summary of the capture name differs from the
// golden file: "--- file", "+++ name", then the fields, "- key: golden
// value" and "+ key: actual value" (text and thinking as a unified line
// diff).
func GoldenDiff(w io.Writer, file, name string, fields []compare.Field) error {
	if _, err := fmt.Fprintf(w, "--- %s\n+++ %s\n", file, name); err != nil {
		return err
	}
	return fieldDiffs(w, fields)
}

// GoldenPass writes "PASS name".
func GoldenPass(w io.Writer, name string) error {
	_, err := fmt.Fprintf(w, "PASS %s\n", name)
	return err
}

// GoldenUpdated writes "UPDATED name".
func GoldenUpdated(w io.Writer, name string) error {
	_, err := fmt.Fprintf(w, "UPDATED %s\n", name)
	return err
}

// GoldenError writes "FAIL" and the error that kept a capture from being
// compared.
func GoldenError(w io.Writer, err error) error {
	_, werr := fmt.Fprintf(w, "FAIL %v\n", err)
	return werr
}

// GoldenFail writes "FAIL name", then the GoldenDiff indented by four
// spaces.
func GoldenFail(w io.Writer, file, name string, fields []compare.Field) error {
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL %s\n", name)
	var d strings.Builder
	_ = GoldenDiff(&d, file, name, fields)
	for _, l := range strings.SplitAfter(d.String(), "\n") {
		if l != "" {
			b.WriteString("    " + l)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// GoldenNewKeys writes, when keys is not empty, that the golden file does
// not hold these keys, new since it was written (compare.GoldenResult.New),
// indented by four spaces under the PASS or FAIL line.
func GoldenNewKeys(w io.Writer, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "    new keys, not in the golden file (--update adds them): %s\n", strings.Join(keys, ", "))
	return err
}

// GoldenTotal writes the total line of golden, "N passed, N failed", with
// withUpdated ", N updated".
func GoldenTotal(w io.Writer, passed, failed, updated int, withUpdated bool) error {
	s := fmt.Sprintf("%d passed, %d failed", passed, failed)
	if withUpdated {
		s += fmt.Sprintf(", %d updated", updated)
	}
	_, err := io.WriteString(w, s+"\n")
	return err
}
