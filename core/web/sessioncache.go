package web

import (
	"math/rand/v2"
	"sync"
	"time"

	"quartier/core"
)

// sessionCache keeps residents' sessions for a moment: every signed-in request
// (supports above all) would otherwise read its session from the database. Only
// citizens are cached; staff sessions are read on every request, so a role
// change or a staff logout elsewhere applies at once. This process forgets a
// session the moment it ends it (logout, login, account deletion); another
// process may honour an ended resident session for up to sessionTTL.
type sessionCache struct {
	mu      sync.Mutex
	entries map[string]sessionEntry
}

type sessionEntry struct {
	p     core.Participant
	until time.Time
}

const (
	sessionTTL        = 2 * time.Second
	maxCachedSessions = 100_000
)

// get returns the cached participant of a session token hash, if fresh.
func (c *sessionCache) get(hash []byte, now time.Time) (core.Participant, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[string(hash)]
	if !ok || !now.Before(e.until) {
		return core.Participant{}, false
	}
	return e.p, true
}

// put remembers a citizen's session; other roles are not cached.
func (c *sessionCache) put(hash []byte, p core.Participant, now time.Time) {
	if p.Role != core.RoleCitizen {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedSessions {
		c.entries = map[string]sessionEntry{}
	}
	c.entries[string(hash)] = sessionEntry{p: p, until: spreadExpiry(now, sessionTTL)}
}

// forget drops a session this process ended.
func (c *sessionCache) forget(hash []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, string(hash))
}

// spreadExpiry is when an entry cached at now expires: between ttl/2 and ttl,
// at random, so that entries filled together (the sessions of a crowd that
// arrived at once) are not all read again from the database in the same
// instant.
func spreadExpiry(now time.Time, ttl time.Duration) time.Time {
	return now.Add(ttl/2 + rand.N(ttl/2))
}
