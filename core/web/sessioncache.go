package web

import (
	"context"
	"time"

	"quartier/core"
)

// Residents' sessions are kept for a moment (a refreshCache keyed by the token
// hash): every signed-in request, supports above all, would otherwise read its
// session from the database. Only citizens are kept; staff sessions are read on
// every request, so a role change or a staff logout elsewhere applies at once.
// This process forgets a session the moment it ends it (logout, login, account
// deletion); another process may honour an ended resident session for up to
// sessionTTL+sessionGrace.
const (
	sessionTTL        = 2 * time.Second
	sessionGrace      = 2 * time.Second
	maxCachedSessions = 100_000
)

func newSessionCache() *refreshCache[string, core.Participant] {
	return newRefreshCache[string](sessionTTL, sessionGrace, maxCachedSessions,
		func(p core.Participant) bool { return p.Role == core.RoleCitizen })
}

// sessionParticipant returns the participant of a session token hash, from
// the cache when it may.
func (s *Server) sessionParticipant(ctx context.Context, hash []byte, now time.Time) (core.Participant, error) {
	return s.sessions.get(ctx, string(hash), now, func(ctx context.Context) (core.Participant, error) {
		return s.store.SessionParticipant(ctx, hash)
	})
}
