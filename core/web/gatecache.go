package web

import (
	"context"
	"time"

	"quartier/core/postgres"
)

// Each idea's support gate is kept for a few seconds (a refreshCache keyed by
// the idea): supports are the busiest write, and the gate (the project's target
// areas above all) rarely changes. A stale gate cannot let a support through
// that should not pass: the support statement itself checks again that the idea
// is visible and open; only a change of a project's target areas takes up to
// gateTTL+gateGrace to apply.
const (
	gateTTL        = 5 * time.Second
	gateGrace      = 5 * time.Second
	maxCachedGates = 100_000
)

func newGateCache() *refreshCache[int64, postgres.SupportGate] {
	return newRefreshCache[int64, postgres.SupportGate](gateTTL, gateGrace, maxCachedGates, nil)
}

func (s *Server) cachedGate(ctx context.Context, ideaID int64) (postgres.SupportGate, error) {
	return s.gates.get(ctx, ideaID, time.Now(), func(ctx context.Context) (postgres.SupportGate, error) {
		return s.store.SupportGate(ctx, ideaID)
	})
}
