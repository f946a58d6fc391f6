package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// ChangePassword gives participantID a new password hash (its first, for an
// account that signed in only through a provider until now), ends every other
// session of the account (keep is the token hash of the one that asked),
// every unused reset link and every API token (whoever knew the old password
// may have made one), and queues mail to tell its owner; one transaction
// with the change-log row. It returns the token hashes of the sessions ended,
// for the caches.
func (s *Store) ChangePassword(ctx context.Context, participantID int64, passwordHash string, keep []byte, mail core.Mail) ([][]byte, error) {
	var ended [][]byte
	err := s.inTx(ctx, "change password", func(tx pgx.Tx) error {
		now := s.now()
		var rev int
		err := tx.QueryRow(ctx, `UPDATE participant SET password_hash = $2, updated_at = $3, revision = revision + 1
			WHERE id = $1 AND deleted_at IS NULL RETURNING revision`, participantID, passwordHash, now).Scan(&rev)
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "change password")
		}
		if ended, err = endSessions(ctx, tx, participantID, "", keep); err != nil {
			return err
		}
		if err := retireOldCredentials(ctx, tx, participantID, now); err != nil {
			return err
		}
		if err := queueMail(ctx, tx, mail); err != nil {
			return err
		}
		ev := eventAt(now, core.EventUpdated, core.EntityParticipant, participantID, rev, participantID)
		ev.Data = map[string]any{"password_changed": true}
		return appendEvent(ctx, tx, ev)
	})
	return ended, err
}

// EmailChange is a request to move an account to another e-mail address.
type EmailChange struct {
	ParticipantID int64
	NewEmail      string // normalised
	TokenHash     []byte
	ExpiresAt     time.Time
	// Confirm writes the link's mail to the new address; Taken, the mail
	// that address gets instead when another account already has it (the
	// person asking is told the same either way: no account enumeration).
	Confirm func(p core.Participant, newEmail string) core.Mail
	Taken   func(owner core.Participant) core.Mail
}

// RequestEmailChange stores a one-time link that moves the account to the
// new address and queues its mail to that address, or, when another account
// has the address, queues a mail telling that account's owner; nothing
// changes until the link is followed (ChangeEmail).
func (s *Store) RequestEmailChange(ctx context.Context, r EmailChange) error {
	return s.inTx(ctx, "request e-mail change", func(tx pgx.Tx) error {
		owner, err := scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE email = $1 AND deleted_at IS NULL`, r.NewEmail))
		switch {
		case err == nil:
			return queueMail(ctx, tx, r.Taken(owner))
		case err != pgx.ErrNoRows:
			return err
		}
		p, err := scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE id = $1 AND deleted_at IS NULL`, r.ParticipantID))
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "read participant")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO email_token (token_hash, participant_id, purpose, created_at, expires_at, new_email)
			VALUES ($1, $2, $3, $4, $5, $6)`, r.TokenHash, p.ID, PurposeChangeEmail, s.now(), r.ExpiresAt, r.NewEmail); err != nil {
			return err
		}
		return queueMail(ctx, tx, r.Confirm(p, r.NewEmail))
	})
}

// ChangeEmail uses an e-mail change link: the account's address becomes the
// one the link was sent to (confirmed, since the link proved the mailbox),
// its other change links die, and tell's mail goes to the old address, whose
// owner may not have asked; one transaction with the change-log row. Errors:
// those of a one-time link (NotFound, Conflict when used, Invalid when
// expired), and Conflict error.email_taken when another account took the
// address meanwhile.
func (s *Store) ChangeEmail(ctx context.Context, tokenHash []byte, tell func(p core.Participant, oldEmail string) core.Mail) (core.Participant, error) {
	var p core.Participant
	err := s.inTx(ctx, "change e-mail", func(tx pgx.Tx) error {
		now := s.now()
		id, err := useLink(ctx, tx, PurposeChangeEmail, tokenHash, now)
		if err != nil {
			return err
		}
		var oldEmail, newEmail string
		if err := tx.QueryRow(ctx, `SELECT coalesce(p.email, ''), t.new_email FROM email_token t JOIN participant p ON p.id = t.participant_id
			WHERE t.token_hash = $1`, tokenHash).Scan(&oldEmail, &newEmail); err != nil {
			return err
		}
		// An account a provider opened without an address was counted as an
		// app's member; with an address it is a registered participant.
		p, err = scanParticipant(tx.QueryRow(ctx, `UPDATE participant SET email = $2, email_verified_at = $3, member = false, updated_at = $3, revision = revision + 1
			WHERE id = $1 AND deleted_at IS NULL RETURNING `+participantColumns, id, newEmail, now))
		switch {
		case isUniqueViolation(err):
			return core.Conflict("error.email_taken")
		case err != nil:
			return notFoundOr(err, "error.link_invalid", "change e-mail")
		}
		if _, err := tx.Exec(ctx, `UPDATE email_token SET used_at = $2 WHERE participant_id = $1 AND purpose = $3 AND used_at IS NULL`,
			id, now, PurposeChangeEmail); err != nil {
			return err
		}
		if oldEmail != "" && oldEmail != newEmail {
			if err := queueMail(ctx, tx, tell(p, oldEmail)); err != nil {
				return err
			}
		}
		ev := eventAt(now, core.EventUpdated, core.EntityParticipant, p.ID, p.Revision, p.ID)
		ev.Data = map[string]any{"email_changed": true}
		return appendEvent(ctx, tx, ev)
	})
	return p, err
}

// SessionOpenedAt says when the session with the token hash was opened (a
// sign-in): accounts without a password prove who they are by a recent one.
func (s *Store) SessionOpenedAt(ctx context.Context, tokenHash []byte) (time.Time, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT created_at FROM web_session WHERE token_hash = $1`, tokenHash).Scan(&at)
	return at, notFoundOr(err, "error.session_expired", "read session")
}

// PasswordHash returns the password hash of a live account; "" when it has
// no password (it signs in through a provider).
func (s *Store) PasswordHash(ctx context.Context, participantID int64) (string, error) {
	var hash string
	err := s.pool.QueryRow(ctx, `SELECT coalesce(password_hash, '') FROM participant WHERE id = $1 AND deleted_at IS NULL`, participantID).Scan(&hash)
	return hash, notFoundOr(err, "error.participant_not_found", "read password hash")
}

// retireOldCredentials runs in the transaction that gives participantID a
// new password (changed or reset): its unused reset links die and its API
// tokens are revoked, since whoever knew the old password may have made one.
func retireOldCredentials(ctx context.Context, tx pgx.Tx, participantID int64, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE email_token SET used_at = $2 WHERE participant_id = $1 AND purpose = $3 AND used_at IS NULL`,
		participantID, now, PurposeResetPassword); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE api_token SET revoked_at = $2 WHERE participant_id = $1 AND revoked_at IS NULL`, participantID, now)
	return err
}
