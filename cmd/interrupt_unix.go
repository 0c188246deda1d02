//go:build unix

package cmd

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// pollable returns, for a pipe or a socket, a reader of it whose blocked
// read a signal ends with no goroutine: a duplicate of its descriptor in
// non-blocking mode, read through Go's poller, whose read deadline is set
// to now when ctx is done. restore puts the descriptor back in blocking
// mode (the mode is the open file's, shared with the original) and closes
// the duplicate. ok is false
// for anything else, or when the poller does not take it.
func pollable(ctx context.Context, r io.Reader) (pr io.Reader, restore func(), ok bool) {
	f, isFile := r.(*os.File)
	if !isFile {
		return nil, nil, false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&(fs.ModeNamedPipe|fs.ModeSocket) == 0 {
		return nil, nil, false // a terminal stays as it is: it is the user's
	}
	sc, err := f.SyscallConn()
	if err != nil {
		return nil, nil, false
	}
	nfd := -1
	var derr error
	if err := sc.Control(func(fd uintptr) { nfd, derr = syscall.Dup(int(fd)) }); err != nil || derr != nil {
		return nil, nil, false
	}
	if err := syscall.SetNonblock(nfd, true); err != nil {
		_ = syscall.Close(nfd)
		return nil, nil, false
	}
	nf := os.NewFile(uintptr(nfd), f.Name())
	blocking := func() { _ = syscall.SetNonblock(nfd, false) }
	if err := nf.SetReadDeadline(time.Time{}); err != nil {
		blocking()
		_ = nf.Close()
		return nil, nil, false
	}
	stop := context.AfterFunc(ctx, func() { _ = nf.SetReadDeadline(time.Now()) })
	return &deadlineReader{ctx: ctx, f: nf}, func() {
		stop()
		blocking()
		_ = nf.Close() // the duplicate only: the original stays open
	}, true
}

// deadlineReader reads a pollable file until ctx is done.
type deadlineReader struct {
	ctx context.Context
	f   *os.File
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	if d.ctx.Err() != nil {
		return 0, checkErr(d.ctx)
	}
	n, err := d.f.Read(p)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return n, checkErr(d.ctx)
	}
	return n, err
}
