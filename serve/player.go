// Package serve plays a timed capture back with its recorded timing: to a
// writer (replay to standard output) or as the response to every request
// of an HTTP server (replay --listen). The clock is injected, so that
// tests check the order of writes, flushes and waits, not durations.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"os"
	"time"

	"github.com/sseinspect/sseinspect/capture"
)

// A Player plays a capture file with its recorded timing. It is safe for
// concurrent use when Now and Wait are: each play opens the file anew.
type Player struct {
	// Path is the capture file.
	Path string
	// Speed divides the recorded times: 2 plays twice as fast; 0 does
	// not wait at all.
	Speed float64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Wait waits for d (always positive), or until ctx is done and then
	// returns ctx's error; nil means a timer.
	Wait func(ctx context.Context, d time.Duration) error
	// Log, when not nil, is called once for each request served, when it
	// ends (Serve and Handler); it must be safe for concurrent use.
	Log func(RequestLog)
}

// Play writes the original stream of the capture to w, each part when it
// is due: the first byte after the recorded TTFB, each line when it
// arrived, and returns at the recorded end (or with ctx's error when ctx
// is done first). A capture without timing is written at once, with a
// note on warn (when not nil).
func (p *Player) Play(ctx context.Context, w io.Writer, warn io.Writer) error {
	return p.play(ctx, w, nil, warn, nil)
}

// play is Play, calling flush (when not nil) after each write. With a
// preamble function, the HTTP status and header of a capture recorded with
// curl -i are not written but handed to it, when they are due.
func (p *Player) play(ctx context.Context, w io.Writer, flush func(), warn io.Writer, preamble func(status int, h http.Header)) error {
	f, err := p.open()
	if err != nil {
		return err
	}
	defer f.Close()
	c, err := capture.Open(f, capture.Options{})
	if err != nil {
		return fmt.Errorf("%s: %w", p.Path, err)
	}
	t0 := p.now()
	timed := !c.Start.IsZero()
	if c.Head != nil {
		if timed {
			if err := checkGap(0, c.FirstByte().Sub(c.Start)); err != nil && p.Speed != 0 {
				return fmt.Errorf("%s: %w", p.Path, err)
			}
			if err := p.due(ctx, t0, c.FirstByte().Sub(c.Start)); err != nil {
				return err
			}
		}
		if preamble != nil {
			preamble(c.StatusCode, responseHeader(c.Header))
		} else if _, err := w.Write(c.Head); err != nil {
			return err
		}
	}
	if !timed {
		if warn != nil {
			fmt.Fprintf(warn, "sseinspect: %s: not a timed capture (see sseinspect record): written at once\n", p.Path)
		}
		_, err := io.Copy(w, c)
		if flush != nil {
			flush()
		}
		return err
	}
	return p.playTimed(ctx, t0, w, flush, c)
}

// playTimed writes the body of c to w, each read when it is due (see due).
// It returns when the recorded end is due, or with ctx's error when ctx is
// done.
func (p *Player) playTimed(ctx context.Context, t0 time.Time, w io.Writer, flush func(), c *capture.Capture) error {
	buf := make([]byte, 64<<10)
	var last time.Duration
	for {
		n, at, err := c.ReadTimed(buf)
		if p.Speed != 0 { // with no waiting, any time plays at once
			if gerr := checkGap(last, at.Sub(c.Start)); gerr != nil {
				return fmt.Errorf("%s: %w", p.Path, gerr)
			}
			last = max(last, at.Sub(c.Start))
		}
		if n > 0 {
			if err := p.due(ctx, t0, at.Sub(c.Start)); err != nil {
				return err
			}
			if _, err := w.Write(buf[:n]); err != nil {
				return err
			}
			if flush != nil {
				flush()
			}
		}
		if errors.Is(err, io.EOF) {
			return p.due(ctx, t0, at.Sub(c.Start)) // the recorded end
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p.Path, err)
		}
	}
}

// due waits until offset at of the recording, divided by the speed, is due
// (counting from t0), or until ctx is done.
func (p *Player) due(ctx context.Context, t0 time.Time, at time.Duration) error {
	if p.Speed == 0 {
		return ctx.Err()
	}
	d := time.Duration(float64(at)/p.Speed) - p.now().Sub(t0)
	if d <= 0 {
		return ctx.Err()
	}
	if p.Wait == nil {
		return sleep(ctx, d)
	}
	return p.Wait(ctx, d)
}

// open opens the capture file; a directory is an error here, not when it
// is read.
func (p *Player) open() (*os.File, error) {
	f, err := os.Open(p.Path)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || fi.IsDir() {
		f.Close()
		if err == nil {
			err = errors.New("is a directory, not a capture file")
		}
		return nil, fmt.Errorf("%s: %w", p.Path, err)
	}
	return f, nil
}

// Check reads the capture to its end, as a play would, without waiting or
// writing: an error (a missing file, a directory, a malformed timed
// capture) is the one every play would meet. replay --listen checks once
// before it listens.
func (p *Player) Check() error {
	f, err := p.open()
	if err != nil {
		return err
	}
	defer f.Close()
	c, err := capture.Open(f, capture.Options{})
	if err != nil {
		return fmt.Errorf("%s: %w", p.Path, err)
	}
	buf := make([]byte, 64<<10)
	var last time.Duration
	for {
		_, at, err := c.ReadTimed(buf)
		if !c.Start.IsZero() && p.Speed != 0 {
			if gerr := checkGap(last, at.Sub(c.Start)); gerr != nil {
				return fmt.Errorf("%s: %w", p.Path, gerr)
			}
			last = max(last, at.Sub(c.Start))
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p.Path, err)
		}
	}
}

// MaxGap is the longest wait between two recorded times that a play
// takes: a recording that waits more than a day cannot be right (an
// edited or damaged capture), and playing it would hang for that long.
const MaxGap = 24 * time.Hour

// ErrImplausibleTime is the error (wrapped) of a capture with a recorded
// time more than MaxGap after the one before; --speed max plays it.
var ErrImplausibleTime = errors.New("a recorded time cannot be right")

// checkGap fails when at, a recorded offset, is more than MaxGap after
// last, the latest before it.
func checkGap(last, at time.Duration) error {
	if at-last > MaxGap {
		return fmt.Errorf("%w: %v after the one before (%v), more than a day (--speed max plays it at once)", ErrImplausibleTime, at-last, last)
	}
	return nil
}

func (p *Player) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

// sleep waits for d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// framingHeaders are the recorded response headers that are not sent: the
// server frames the response itself, and curl recorded the body decoded.
var framingHeaders = []string{"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Content-Encoding"}

// responseHeader returns a recorded header as it is sent: without the
// framing headers.
func responseHeader(recorded textproto.MIMEHeader) http.Header {
	h := http.Header(recorded).Clone()
	for _, k := range framingHeaders {
		h.Del(k)
	}
	return h
}
