package gatedclock_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sseinspect/sseinspect/internal/gatedclock"
)

func TestWaitMovesTheClockOnlyWhenReleased(t *testing.T) {
	t.Parallel()
	c := gatedclock.New()
	start := c.Now()
	done := make(chan error)
	go func() {
		for _, d := range []time.Duration{time.Second, 2 * time.Millisecond} {
			if err := c.Wait(context.Background(), d); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	assert.Equal(t, time.Second, <-c.Waits())
	assert.Equal(t, start, c.Now(), "an announced wait has not moved the clock")
	c.Release()
	assert.Equal(t, []time.Duration{2 * time.Millisecond}, c.Allow(1))
	require.NoError(t, <-done)
	assert.Equal(t, start.Add(time.Second+2*time.Millisecond), c.Now())
}

func TestWaitEndsWithItsContext(t *testing.T) {
	t.Parallel()
	c := gatedclock.New()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, c.Wait(ctx, time.Second), context.Canceled)
	assert.Equal(t, gatedclock.New().Now(), c.Now())

	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Wait(ctx, time.Second) }()
	<-c.Waits()
	cancel()
	require.ErrorIs(t, <-done, context.Canceled, "a wait announced but not released ends with its context")
}
