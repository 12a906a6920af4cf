package notify

import (
	"context"
	"sync"
	"time"
)

// ReadyTTL is how long a ReadyCache trusts its last answer: the delay the other instances take
// to see settings saved on one (saving on this instance is seen at once, with Forget).
const ReadyTTL = 3 * time.Second

// ReadyCache answers a channel's Ready from a check (a read of its settings) done at most once
// every ReadyTTL, since Send asks it for every notification. A check that fails is not cached
// and counts as ready: the delivery job is queued, and it reads the settings again and retries.
type ReadyCache struct {
	check func(ctx context.Context) (bool, error)

	mu    sync.Mutex
	at    time.Time // when ok was read; zero: nothing cached
	ok    bool
	epoch uint64 // counts Forget, so a check that straddles one is not cached
}

// NewReadyCache returns a cache of check.
func NewReadyCache(check func(ctx context.Context) (bool, error)) *ReadyCache {
	return &ReadyCache{check: check}
}

// Ready reports whether the channel is set up, from the cache when it is fresh.
func (c *ReadyCache) Ready(ctx context.Context) bool {
	c.mu.Lock()
	if !c.at.IsZero() && time.Since(c.at) < ReadyTTL {
		ok := c.ok
		c.mu.Unlock()
		return ok
	}
	epoch := c.epoch
	c.mu.Unlock()
	ok, err := c.check(ctx)
	if err != nil {
		return true
	}
	c.mu.Lock()
	if c.epoch == epoch {
		c.at, c.ok = time.Now(), ok
	}
	c.mu.Unlock()
	return ok
}

// Forget drops the cached answer: the settings were saved on this instance, and the next
// notification reads them again.
func (c *ReadyCache) Forget() {
	c.mu.Lock()
	c.at = time.Time{}
	c.epoch++
	c.mu.Unlock()
}
