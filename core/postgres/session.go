package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// sessionTouchInterval bounds how often a session's last_seen_at is written: once a
// minute is plenty for "last active" and spares a write on every request.
const sessionTouchInterval = time.Minute

// CreateSession stores a browser session for a participant under the token's hash.
func (s *Store) CreateSession(ctx context.Context, participantID int64, tokenHash []byte, expires time.Time, userAgent string) error {
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO web_session (token_hash, participant_id, created_at, last_seen_at, expires_at, user_agent)
		VALUES ($1, $2, $3, $3, $4, $5)`, tokenHash, participantID, s.now(), expires, userAgent)
	return wrapDB("create session", err)
}

// SessionParticipant returns the live participant of an unexpired session.
// NotFound when the session is unknown, expired or its account deleted.
func (s *Store) SessionParticipant(ctx context.Context, tokenHash []byte) (core.Participant, error) {
	now := s.now()
	var lastSeen time.Time
	var twoStep bool
	p, err := scanParticipant(s.pool.QueryRow(ctx, `SELECT `+participantCols("p")+`, ws.last_seen_at, p.totp_secret IS NOT NULL
		FROM web_session ws JOIN participant p ON p.id = ws.participant_id
		WHERE ws.token_hash = $1 AND ws.expires_at > $2 AND p.deleted_at IS NULL`, tokenHash, now), &lastSeen, &twoStep)
	p.TwoStep = twoStep
	if err != nil {
		return core.Participant{}, notFoundOr(err, "error.session_expired", "read session")
	}
	if now.Sub(lastSeen) > sessionTouchInterval {
		if _, err := s.pool.Exec(ctx, `UPDATE web_session SET last_seen_at = $2 WHERE token_hash = $1`, tokenHash, now); err != nil {
			return core.Participant{}, wrapDB("touch session", err)
		}
	}
	return p, nil
}

// DeleteSession ends one session (logout). Ending an unknown session is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM web_session WHERE token_hash = $1`, tokenHash)
	return wrapDB("delete session", err)
}

// DeleteExpired removes expired sessions and links, old rate-limit windows and the
// sent part of the outbox, and marks imports interrupted by a restart as failed.
// It returns how many rows it touched.
func (s *Store) DeleteExpired(ctx context.Context) (int64, error) {
	now := s.now()
	var total int64
	for _, q := range []string{
		`DELETE FROM web_session WHERE expires_at <= $1`,
		`DELETE FROM email_token WHERE expires_at <= $1::timestamptz - interval '30 days'`,
		`DELETE FROM rate_limit WHERE window_start <= $1::timestamptz - interval '2 days'`,
		`DELETE FROM mail_outbox WHERE sent_at <= $1::timestamptz - interval '30 days'`,
		// An import still "running" after an hour died with its process.
		`UPDATE import_run SET status = 'failed', error = 'interrupted: the server stopped during the import', finished_at = $1
			WHERE status = 'running' AND started_at <= $1::timestamptz - interval '1 hour'`,
	} {
		tag, err := s.pool.Exec(ctx, q, now)
		if err != nil {
			return total, wrapDB("delete expired rows", err)
		}
		total += tag.RowsAffected()
	}
	return total, nil
}

// OpenSession is one of a participant's browser sessions, as their account
// page lists it.
type OpenSession struct {
	// ID names the session publicly: the first 16 hex digits of its token's
	// hash (never the token).
	ID         string
	UserAgent  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Current    bool // the session reading the list
}

// OpenSessions lists participantID's unexpired sessions, the latest active
// first; current is the hash of the token of the session asking.
func (s *Store) OpenSessions(ctx context.Context, participantID int64, current []byte) ([]OpenSession, error) {
	rows, err := s.pool.Query(ctx, `SELECT substr(encode(token_hash, 'hex'), 1, 16), user_agent, created_at, last_seen_at, token_hash = $3
		FROM web_session WHERE participant_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, created_at DESC`, participantID, s.now(), current)
	if err != nil {
		return nil, wrapDB("list sessions", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (OpenSession, error) {
		var o OpenSession
		return o, row.Scan(&o.ID, &o.UserAgent, &o.CreatedAt, &o.LastSeenAt, &o.Current)
	})
	return out, wrapDB("scan sessions", err)
}

// EndSessions ends participantID's sessions named by id (OpenSession.ID), or
// all but the one whose token hashes to keep when id is empty (all of them
// when keep is nil), and returns the hashes of those it ended (for the
// processes' session caches).
func (s *Store) EndSessions(ctx context.Context, participantID int64, id string, keep []byte) ([][]byte, error) {
	return endSessions(ctx, s.pool, participantID, id, keep)
}

// endSessions is EndSessions on db (the pool, or the caller's transaction).
func endSessions(ctx context.Context, db dbtx, participantID int64, id string, keep []byte) ([][]byte, error) {
	rows, err := db.Query(ctx, `DELETE FROM web_session WHERE participant_id = $1
		AND CASE WHEN $2 = '' THEN token_hash IS DISTINCT FROM $3 ELSE substr(encode(token_hash, 'hex'), 1, 16) = $2 END
		RETURNING token_hash`, participantID, id, keep)
	if err != nil {
		return nil, wrapDB("end sessions", err)
	}
	ended, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	return ended, wrapDB("end sessions", err)
}
