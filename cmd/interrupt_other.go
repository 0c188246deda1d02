//go:build !unix

package cmd

import (
	"context"
	"io"
)

// pollable is false where descriptors cannot be made non-blocking: the
// goroutine reader is used.
func pollable(context.Context, io.Reader) (io.Reader, func(), bool) { return nil, nil, false }
