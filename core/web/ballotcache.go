package web

import (
	"context"
	"sync"
	"time"

	"quartier/core"
)

// ballotCache keeps each budget and its projects for a couple of seconds on
// the ballot path: at closing time thousands of ballots check against the
// same budget. A stale copy cannot let a wrong ballot in: the ballot's
// transaction reads the budget again (voting still open), foreign keys tie
// every choice to a project of its envelope, and costs are frozen once voting
// starts; only a project's review changing within ballotTTL is seen late.
type ballotCache struct {
	mu      sync.Mutex
	entries map[int64]ballotEntry
}

type ballotEntry struct {
	budget   core.Budget
	projects []core.BudgetProject
	at       time.Time
}

const ballotTTL = 2 * time.Second

// cachedBallotFrame returns the budget and its projects, at most ballotTTL old.
func (s *Server) cachedBallotFrame(ctx context.Context, budgetID int64) (core.Budget, []core.BudgetProject, error) {
	c := &s.ballots
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[budgetID]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < ballotTTL {
		return e.budget, e.projects, nil
	}
	b, err := s.store.Budget(ctx, budgetID)
	if err != nil {
		return b, nil, err
	}
	projects, err := s.store.BudgetProjects(ctx, budgetID)
	if err != nil {
		return b, nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) > 1_000 {
		c.entries = map[int64]ballotEntry{}
	}
	c.entries[budgetID] = ballotEntry{budget: b, projects: projects, at: now}
	c.mu.Unlock()
	return b, projects, nil
}
