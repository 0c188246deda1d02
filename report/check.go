package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/sseinspect/sseinspect/compare"
)

// Check writes the verdict of check on the capture name: "FAIL <flag>:
// <what was found>" for each failed assertion, then "PASS name (N
// assertions)" or "FAIL name (N of M assertions failed)". What was found
// is printed with its control characters escaped, so that a capture cannot
// forge a line.
func Check(w io.Writer, name string, r *compare.CheckResult) error {
	var b strings.Builder
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "FAIL %s: %s\n", escapeControls(f.Flag), escapeControls(f.Why))
	}
	if r.Passed() {
		fmt.Fprintf(&b, "PASS %s (%s)\n", escapeControls(name), plural(r.Assertions, "assertion"))
	} else {
		fmt.Fprintf(&b, "FAIL %s (%d of %s failed)\n", escapeControls(name), len(r.Failures), plural(r.Assertions, "assertion"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
