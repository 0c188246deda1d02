package cmd

import (
	"errors"
	"fmt"
	"strings"
)

// errUsage marks usage errors (exit 2, with a hint to --help).
var errUsage = errors.New("usage")

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Is(t error) bool {
	return t == errUsage
}

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError carries an exit code chosen by a command after it has printed
// its reports (and its per-input errors).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// isCobraUsage tells cobra's own argument and flag errors, which carry no
// type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires ", "invalid argument", "flag needs an argument", "bad flag syntax"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
