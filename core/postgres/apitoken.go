package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// APIToken describes a personal API token; the secret itself is never stored.
type APIToken struct {
	ID         int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero if never used
}

// CreateAPIToken stores a new token for a participant under its hash.
func (s *Store) CreateAPIToken(ctx context.Context, participantID int64, name string, tokenHash []byte) (APIToken, error) {
	t := APIToken{Name: name}
	err := s.pool.QueryRow(ctx, `INSERT INTO api_token (participant_id, name, token_hash, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id, created_at`, participantID, name, tokenHash, s.now()).Scan(&t.ID, &t.CreatedAt)
	return t, wrapDB("create API token", err)
}

// APITokens lists a participant's tokens that are not revoked, newest first.
func (s *Store) APITokens(ctx context.Context, participantID int64) ([]APIToken, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, created_at, last_used_at FROM api_token
		WHERE participant_id = $1 AND revoked_at IS NULL ORDER BY id DESC`, participantID)
	if err != nil {
		return nil, wrapDB("list API tokens", err)
	}
	tokens, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (APIToken, error) {
		var t APIToken
		var used *time.Time
		err := row.Scan(&t.ID, &t.Name, &t.CreatedAt, &used)
		if used != nil {
			t.LastUsedAt = *used
		}
		return t, err
	})
	return tokens, wrapDB("scan API tokens", err)
}

// RevokeAPIToken revokes one of the participant's own tokens. NotFound otherwise.
func (s *Store) RevokeAPIToken(ctx context.Context, participantID, tokenID int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_token SET revoked_at = $3
		WHERE id = $1 AND participant_id = $2 AND revoked_at IS NULL`, tokenID, participantID, s.now())
	if err != nil {
		return wrapDB("revoke API token", err)
	}
	if tag.RowsAffected() == 0 {
		return core.NotFound("error.token_not_found")
	}
	return nil
}

// APITokenParticipant returns the live participant owning an unrevoked token and
// records the use (at most once a minute).
func (s *Store) APITokenParticipant(ctx context.Context, tokenHash []byte) (core.Participant, error) {
	now := s.now()
	var id int64
	var used *time.Time
	p, err := scanParticipant(s.pool.QueryRow(ctx, `SELECT `+participantCols("p")+`, t.id, t.last_used_at
		FROM api_token t JOIN participant p ON p.id = t.participant_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND p.deleted_at IS NULL`, tokenHash), &id, &used)
	if err != nil {
		return core.Participant{}, notFoundOr(err, "error.token_invalid", "read API token")
	}
	if used == nil || now.Sub(*used) > sessionTouchInterval {
		if _, err := s.pool.Exec(ctx, `UPDATE api_token SET last_used_at = $2 WHERE id = $1`, id, now); err != nil {
			return core.Participant{}, wrapDB("touch API token", err)
		}
	}
	return p, nil
}
