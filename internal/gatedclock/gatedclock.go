// Package gatedclock provides a clock for tests that only waiting moves:
// each wait is announced, and returns when the test releases it (or its
// context is done), so that a test decides when each part of a paced
// replay is due, without sleeping.
package gatedclock

import (
	"context"
	"sync"
	"time"
)

// Clock is a gated clock. Its methods are safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	t       time.Time
	waits   chan time.Duration
	release chan struct{}
}

// New returns a clock that reads 2026-01-01 00:00 UTC until a wait moves it.
func New() *Clock {
	return &Clock{
		t:       time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		waits:   make(chan time.Duration),
		release: make(chan struct{}),
	}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Wait announces a wait of d on Waits, then blocks until the test releases
// it (Allow), and moves the clock by d. It returns ctx's error when ctx is
// done first, leaving the clock alone.
func (c *Clock) Wait(ctx context.Context, d time.Duration) error {
	select {
	case c.waits <- d:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-c.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return nil
}

// Waits announces each wait as it starts; a test that receives one must
// release it (Release) or cancel the waiter's context.
func (c *Clock) Waits() <-chan time.Duration { return c.waits }

// Release lets the announced wait return.
func (c *Clock) Release() { c.release <- struct{}{} }

// Allow takes and releases the next n waits, in order, and returns them.
func (c *Clock) Allow(n int) []time.Duration {
	ds := make([]time.Duration, 0, n)
	for range n {
		ds = append(ds, <-c.waits)
		c.Release()
	}
	return ds
}
