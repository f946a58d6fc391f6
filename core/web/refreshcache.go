package web

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// refreshCache keeps values read from the database for a short time, for the
// lookups every busy request makes (a resident's session, an idea's support
// gate), and makes sure that a crowd asking for the same key costs one read:
//
//   - a fresh entry is returned as is;
//   - an entry past its time, but within its grace, is refreshed by the one
//     request that finds it so, while the others keep getting it (at most
//     ttl+grace old);
//   - a missing entry (or one past its grace) is read once: requests that ask
//     for it meanwhile wait for that read and share its result.
//
// Without this, a queue in front of the database pool made entries expire
// while requests waited, every waiting request then read its entry again and
// lengthened the queue, and supports collapsed from 3,000/s to under 2,000/s
// (docs/PERFORMANCE.md). Errors are not cached.
type refreshCache[K comparable, V any] struct {
	ttl, grace time.Duration
	max        int
	keep       func(V) bool // nil: every value is kept
	mu         sync.Mutex
	entries    map[K]*refreshEntry[V]
}

type refreshEntry[V any] struct {
	value      V
	until      time.Time     // fresh before this
	stale      time.Time     // served while refreshing before this
	loading    chan struct{} // closed when the first read ends (nil once loaded)
	err        error         // the first read's error, for those that waited
	refreshing bool
}

// refreshLoadTimeout bounds a read that others may wait for: it runs without
// the first caller's cancellation, so that a client going away does not fail
// the others.
const refreshLoadTimeout = 5 * time.Second

func newRefreshCache[K comparable, V any](ttl, grace time.Duration, max int, keep func(V) bool) *refreshCache[K, V] {
	return &refreshCache[K, V]{ttl: ttl, grace: grace, max: max, keep: keep, entries: map[K]*refreshEntry[V]{}}
}

// get returns the value of key, reading it with load when it is missing or
// old (see the type's contract).
func (c *refreshCache[K, V]) get(ctx context.Context, key K, now time.Time, load func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	switch {
	case ok && e.loading != nil:
		wait := e.loading
		c.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
		c.mu.Lock()
		v, err := e.value, e.err
		c.mu.Unlock()
		return v, err
	case ok && now.Before(e.until):
		c.mu.Unlock()
		return e.value, nil
	case ok && now.Before(e.stale) && e.refreshing:
		c.mu.Unlock()
		return e.value, nil
	case ok && now.Before(e.stale):
		e.refreshing = true
		c.mu.Unlock()
		return c.refresh(ctx, key, e, now, load)
	}
	e = &refreshEntry[V]{loading: make(chan struct{})}
	c.entries[key] = e
	c.mu.Unlock()
	return c.first(ctx, key, e, now, load)
}

// first reads a missing entry while others wait for it.
func (c *refreshCache[K, V]) first(ctx context.Context, key K, e *refreshEntry[V], now time.Time, load func(context.Context) (V, error)) (V, error) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshLoadTimeout)
	v, err := load(lctx)
	cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	e.value, e.err = v, err
	close(e.loading)
	e.loading = nil
	if c.entries[key] == e {
		delete(c.entries, key)
		if err == nil && (c.keep == nil || c.keep(v)) {
			c.store(key, v, now)
		}
	}
	return v, err
}

// refresh reads an entry again while others keep getting the old value; a
// failed read leaves the old value to the next caller to refresh.
func (c *refreshCache[K, V]) refresh(ctx context.Context, key K, e *refreshEntry[V], now time.Time, load func(context.Context) (V, error)) (V, error) {
	v, err := load(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[key] != e {
		return v, err // forgotten meanwhile: keep nothing
	}
	if err != nil || (c.keep != nil && !c.keep(v)) {
		delete(c.entries, key)
		return v, err
	}
	c.store(key, v, now)
	return v, nil
}

// store keeps v under key; c.mu is held. Entries expire at a random point of
// the second half of their time, so that a crowd's entries, read together,
// are not all read again in the same instant.
func (c *refreshCache[K, V]) store(key K, v V, now time.Time) {
	if len(c.entries) >= c.max {
		c.entries = map[K]*refreshEntry[V]{}
	}
	until := now.Add(c.ttl/2 + rand.N(c.ttl/2))
	c.entries[key] = &refreshEntry[V]{value: v, until: until, stale: until.Add(c.grace)}
}

// forget drops key at once (a session this process ended).
func (c *refreshCache[K, V]) forget(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}
