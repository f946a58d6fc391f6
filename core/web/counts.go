package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// countCache keeps the totals of paged lists for a few seconds: counting
// 100,000 ideas on every page view would cost more than the page itself, and
// a total a few seconds old is fine for "page 3 of 40".
type countCache struct {
	mu      sync.Mutex
	entries map[string]countEntry
}

type countEntry struct {
	n          int
	at         time.Time
	refreshing bool
}

const countTTL = 5 * time.Second

func (s *Server) ideaCount(ctx context.Context, f postgres.IdeaFilter) (int, error) {
	key := fmt.Sprintf("%d|%s|%s|%d", f.ProjectID, f.Status, f.Search, f.AreaID)
	c := &s.counts
	c.mu.Lock()
	e, ok := c.entries[key]
	if ok && (time.Since(e.at) < countTTL || e.refreshing) {
		c.mu.Unlock()
		return e.n, nil // fresh, or another request is already counting
	}
	if ok {
		e.refreshing = true
		c.entries[key] = e
	}
	c.mu.Unlock()
	n, err := s.store.CountIdeas(ctx, f)
	if err != nil {
		c.mu.Lock()
		if e, ok := c.entries[key]; ok {
			e.refreshing = false
			c.entries[key] = e
		}
		c.mu.Unlock()
		return 0, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) > 1000 {
		c.entries = map[string]countEntry{}
	}
	c.entries[key] = countEntry{n: n, at: time.Now()}
	c.mu.Unlock()
	return n, nil
}

// ideaPage returns a page of ideas and the (recent) total.
func (s *Server) ideaPage(ctx context.Context, f postgres.IdeaFilter) ([]core.Idea, int, error) {
	list, err := s.store.Ideas(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	total, err := s.ideaCount(ctx, f)
	return list, total, err
}
