package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// Purposes of one-time e-mail links.
const (
	PurposeVerifyEmail   = "verify_email"
	PurposeResetPassword = "reset_password"
	PurposeChangeEmail   = "change_email" // carries the new address (RequestEmailChange)
)

// Registration is a validated sign-up with everything the transaction writes.
type Registration struct {
	core.Registration // normalised
	PasswordHash      string
	LinkTokenHash     []byte // the confirmation link's token, hashed
	LinkExpiresAt     time.Time
	// ConfirmMail composes the e-mail with the confirmation link, for a new or a
	// still unconfirmed account; AlreadyMail the notice to an account that exists.
	ConfirmMail func(core.Participant) core.Mail
	AlreadyMail func(core.Participant) core.Mail
}

// Register opens an account, or answers a sign-up with an address that is already
// registered, in one transaction that also queues the e-mail. The caller shows the
// same page in every case, so the form does not reveal who is registered:
//   - a new address gets an unconfirmed account and a confirmation link;
//   - an unconfirmed account takes the new name and password and gets a new link
//     (whoever controls the mailbox decides, as the link goes there);
//   - a confirmed account is left alone and its owner is told of the attempt.
func (s *Store) Register(ctx context.Context, r Registration) error {
	return s.inTx(ctx, "register", func(tx pgx.Tx) error {
		now := s.now()
		p, err := scanParticipant(tx.QueryRow(ctx, `INSERT INTO participant (email, password_hash, display_name, locale, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)
			ON CONFLICT (email) DO NOTHING RETURNING `+participantColumns,
			r.Email, r.PasswordHash, r.DisplayName, r.Locale, now))
		switch {
		case err == nil:
			if err := appendEvent(ctx, tx, eventAt(now, core.EventCreated, core.EntityParticipant, p.ID, p.Revision, p.ID)); err != nil {
				return err
			}
		case err == pgx.ErrNoRows:
			p, err = scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE email = $1 FOR UPDATE`, r.Email))
			if err != nil {
				return err
			}
			if p.Verified() {
				return queueMail(ctx, tx, r.AlreadyMail(p))
			}
			p, err = scanParticipant(tx.QueryRow(ctx, `UPDATE participant
				SET password_hash = $2, display_name = $3, locale = $4, updated_at = $5, revision = revision + 1
				WHERE id = $1 RETURNING `+participantColumns, p.ID, r.PasswordHash, r.DisplayName, r.Locale, now))
			if err != nil {
				return err
			}
			if err := appendEvent(ctx, tx, eventAt(now, core.EventUpdated, core.EntityParticipant, p.ID, p.Revision, p.ID)); err != nil {
				return err
			}
		default:
			return err
		}
		if err := insertLink(ctx, tx, p.ID, PurposeVerifyEmail, r.LinkTokenHash, now, r.LinkExpiresAt); err != nil {
			return err
		}
		return queueMail(ctx, tx, r.ConfirmMail(p))
	})
}

// LinkRequest asks for a one-time link by e-mail.
type LinkRequest struct {
	Email     string // normalised
	Purpose   string // PurposeVerifyEmail or PurposeResetPassword
	TokenHash []byte
	ExpiresAt time.Time
	Compose   func(core.Participant) core.Mail
}

// MailLink stores a one-time link and queues its e-mail, for a live account with
// the address (for a confirmation link: one not confirmed yet). Nothing happens
// otherwise, and no error says so: the caller answers the same either way.
func (s *Store) MailLink(ctx context.Context, r LinkRequest) error {
	where := `email = $1 AND deleted_at IS NULL`
	if r.Purpose == PurposeVerifyEmail {
		where += ` AND email_verified_at IS NULL`
	}
	return s.inTx(ctx, "mail "+r.Purpose+" link", func(tx pgx.Tx) error {
		p, err := scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE `+where, r.Email))
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		if err := insertLink(ctx, tx, p.ID, r.Purpose, r.TokenHash, s.now(), r.ExpiresAt); err != nil {
			return err
		}
		return queueMail(ctx, tx, r.Compose(p))
	})
}

// ConfirmEmail uses a confirmation link: the account's address becomes confirmed.
// Errors: NotFound for an unknown link, Conflict for one already used, Invalid for
// an expired one. A link of an account already confirmed by another link still works once.
func (s *Store) ConfirmEmail(ctx context.Context, tokenHash []byte) (core.Participant, error) {
	var p core.Participant
	err := s.inTx(ctx, "confirm e-mail", func(tx pgx.Tx) error {
		id, err := useLink(ctx, tx, PurposeVerifyEmail, tokenHash, s.now())
		if err != nil {
			return err
		}
		p, err = scanParticipant(tx.QueryRow(ctx, `UPDATE participant
			SET email_verified_at = $2, updated_at = $2, revision = revision + 1
			WHERE id = $1 AND deleted_at IS NULL AND email_verified_at IS NULL RETURNING `+participantColumns, id, s.now()))
		if err == pgx.ErrNoRows { // confirmed already (by another link): nothing changes
			p, err = scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE id = $1 AND deleted_at IS NULL`, id))
			return notFoundOr(err, "error.link_invalid", "read participant")
		}
		if err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(p.UpdatedAt, core.EventVerified, core.EntityParticipant, p.ID, p.Revision, p.ID))
	})
	return p, err
}

// CheckLink tells whether a one-time link can still be used, without using it:
// nil, or the error using it would give.
func (s *Store) CheckLink(ctx context.Context, purpose string, tokenHash []byte) error {
	var usedAt *time.Time
	var expires time.Time
	err := s.pool.QueryRow(ctx, `SELECT used_at, expires_at FROM email_token WHERE token_hash = $1 AND purpose = $2`,
		tokenHash, purpose).Scan(&usedAt, &expires)
	if err != nil {
		return notFoundOr(err, "error.link_invalid", "check link")
	}
	return linkState(usedAt, expires, s.now())
}

// ResetPassword uses a reset link: sets the new password hash, confirms the address
// (the link proved the mailbox), ends every session of the account and
// revokes its API tokens.
func (s *Store) ResetPassword(ctx context.Context, tokenHash []byte, passwordHash string) (core.Participant, error) {
	var p core.Participant
	err := s.inTx(ctx, "reset password", func(tx pgx.Tx) error {
		now := s.now()
		id, err := useLink(ctx, tx, PurposeResetPassword, tokenHash, now)
		if err != nil {
			return err
		}
		p, err = scanParticipant(tx.QueryRow(ctx, `UPDATE participant
			SET password_hash = $2, email_verified_at = coalesce(email_verified_at, $3), updated_at = $3, revision = revision + 1
			WHERE id = $1 AND deleted_at IS NULL RETURNING `+participantColumns, id, passwordHash, now))
		if err != nil {
			return notFoundOr(err, "error.link_invalid", "reset password")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM web_session WHERE participant_id = $1`, id); err != nil {
			return err
		}
		// Other reset links of the account die with this one, and its API tokens.
		if err := retireOldCredentials(ctx, tx, id, now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(now, core.EventUpdated, core.EntityParticipant, p.ID, p.Revision, p.ID))
	})
	return p, err
}

func insertLink(ctx context.Context, tx pgx.Tx, participantID int64, purpose string, tokenHash []byte, now, expires time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO email_token (token_hash, participant_id, purpose, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, tokenHash, participantID, purpose, now, expires)
	return err
}

// useLink marks a one-time link used and returns its participant.
func useLink(ctx context.Context, tx pgx.Tx, purpose string, tokenHash []byte, now time.Time) (int64, error) {
	var id int64
	var usedAt *time.Time
	var expires time.Time
	err := tx.QueryRow(ctx, `SELECT participant_id, used_at, expires_at FROM email_token
		WHERE token_hash = $1 AND purpose = $2 FOR UPDATE`, tokenHash, purpose).Scan(&id, &usedAt, &expires)
	if err != nil {
		return 0, notFoundOr(err, "error.link_invalid", "read link")
	}
	if err := linkState(usedAt, expires, now); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE email_token SET used_at = $2 WHERE token_hash = $1`, tokenHash, now); err != nil {
		return 0, err
	}
	return id, nil
}

func linkState(usedAt *time.Time, expires, now time.Time) error {
	switch {
	case usedAt != nil:
		return core.Conflict("error.link_used")
	case !now.Before(expires):
		return core.Invalid("", "error.link_expired")
	}
	return nil
}
