package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// SessionInfo describes a browser session without its secret.
type SessionInfo struct {
	CreatedAt, LastSeenAt, ExpiresAt time.Time
	UserAgent                        string
}

// AccountData is everything the platform holds about one participant, for the
// export a participant may download (GDPR art. 15 and 20).
type AccountData struct {
	Participant core.Participant
	Sessions    []SessionInfo
	APITokens   []APIToken
	Events      []core.Event // the change-log rows the participant caused
}

// AccountData gathers a participant's data in one read-only snapshot.
func (s *Store) AccountData(ctx context.Context, id int64) (AccountData, error) {
	var d AccountData
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		d.Participant, err = scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE id = $1`, id))
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "read participant")
		}
		rows, err := tx.Query(ctx, `SELECT created_at, last_seen_at, expires_at, user_agent FROM web_session
			WHERE participant_id = $1 ORDER BY created_at`, id)
		if err != nil {
			return err
		}
		d.Sessions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (SessionInfo, error) {
			var si SessionInfo
			err := row.Scan(&si.CreatedAt, &si.LastSeenAt, &si.ExpiresAt, &si.UserAgent)
			return si, err
		})
		return err
	})
	if err != nil {
		return AccountData{}, wrapDB("read account data", err)
	}
	if d.APITokens, err = s.APITokens(ctx, id); err != nil {
		return AccountData{}, err
	}
	if d.Events, err = s.EventsByActor(ctx, id); err != nil {
		return AccountData{}, err
	}
	return d, nil
}

// DeleteAccount erases a participant's personal data: e-mail, password, name,
// sessions, links, tokens and unsent mail. The row stays so that what they wrote
// remains attributed to a former participant; with removeContent, what they wrote
// is deleted too.
func (s *Store) DeleteAccount(ctx context.Context, id int64, removeContent bool) error {
	return s.inTx(ctx, "delete account", func(tx pgx.Tx) error {
		now := s.now()
		var email string
		var revision int
		err := tx.QueryRow(ctx, `SELECT email FROM participant WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, id).Scan(&email)
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "lock participant")
		}
		err = tx.QueryRow(ctx, `UPDATE participant
			SET email = NULL, password_hash = NULL, display_name = '', role = 'citizen',
			    email_verified_at = NULL, home_address_id = NULL, home_verified_at = NULL, home_verified_via = '',
			    deleted_at = $2, updated_at = $2, revision = revision + 1
			WHERE id = $1 RETURNING revision`, id, now).Scan(&revision)
		if err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM web_session WHERE participant_id = $1`,
			`DELETE FROM email_token WHERE participant_id = $1`,
			`DELETE FROM api_token WHERE participant_id = $1`,
		} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM mail_outbox WHERE recipient = $1 AND sent_at IS NULL`, email); err != nil {
			return err
		}
		// Content tables (ideas, comments, ...) join here as they arrive: with
		// removeContent their rows by this participant are deleted in this transaction.
		ev := eventAt(now, core.EventDeleted, core.EntityParticipant, id, revision, id)
		ev.Data = map[string]any{"content_removed": removeContent}
		return appendEvent(ctx, tx, ev)
	})
}

// CountParticipants returns the number of live accounts and of confirmed ones.
func (s *Store) CountParticipants(ctx context.Context) (total, confirmed int, err error) {
	err = s.pool.QueryRow(ctx, `SELECT count(*), count(email_verified_at) FROM participant WHERE deleted_at IS NULL`).Scan(&total, &confirmed)
	return total, confirmed, wrapDB("count participants", err)
}
