package web

import (
	"context"
	"sync"
	"time"

	"quartier/core/postgres"
)

// gateCache keeps each idea's support gate for a few seconds: supports are the
// busiest write, and the gate (the project's target areas above all) rarely
// changes. A stale gate cannot let a support through that should not pass: the
// support statement itself checks again that the idea is visible and open; only
// a change of a project's target areas takes up to gateTTL to apply.
type gateCache struct {
	mu      sync.Mutex
	entries map[int64]gateEntry
}

type gateEntry struct {
	gate  postgres.SupportGate
	until time.Time
}

const gateTTL = 5 * time.Second

func (s *Server) cachedGate(ctx context.Context, ideaID int64) (postgres.SupportGate, error) {
	c := &s.gates
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[ideaID]
	c.mu.Unlock()
	if ok && now.Before(e.until) {
		return e.gate, nil
	}
	g, err := s.store.SupportGate(ctx, ideaID)
	if err != nil {
		return g, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) > 100_000 {
		c.entries = map[int64]gateEntry{}
	}
	c.entries[ideaID] = gateEntry{gate: g, until: spreadExpiry(now, gateTTL)}
	c.mu.Unlock()
	return g, nil
}
