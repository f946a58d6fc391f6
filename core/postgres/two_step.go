package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// SecondFactor is what the store keeps of a person's two-step verification.
type SecondFactor struct {
	Enabled  bool
	Secret   []byte // nil when not enabled
	LastStep int64  // the time step of the last code accepted
	// RecoveryLeft is how many recovery codes remain unused.
	RecoveryLeft int
	// HasPassword is false for accounts that sign in only through a provider.
	HasPassword bool
}

// SecondFactor reads participantID's two-step verification.
func (s *Store) SecondFactor(ctx context.Context, participantID int64) (SecondFactor, error) {
	var f SecondFactor
	err := s.pool.QueryRow(ctx, `SELECT totp_secret, totp_enabled_at IS NOT NULL, totp_last_step,
		(SELECT count(*) FROM recovery_code r WHERE r.participant_id = p.id AND r.used_at IS NULL), coalesce(password_hash, '') <> ''
		FROM participant p WHERE id = $1 AND deleted_at IS NULL`, participantID).Scan(&f.Secret, &f.Enabled, &f.LastStep, &f.RecoveryLeft, &f.HasPassword)
	return f, notFoundOr(err, "error.participant_not_found", "read second factor")
}

// EnableSecondFactor turns two-step verification on with secret, whose code
// for step the person just typed (so that code is not good again), and
// recovery codes (hashed), replacing any earlier ones; audited, and notice
// queued to the person. Turning it on when it is already on is a conflict
// (another tab did it first).
func (s *Store) EnableSecondFactor(ctx context.Context, participantID int64, secret []byte, step int64, recoveryHashes [][]byte, notice core.Mail) error {
	return s.inTx(ctx, "enable second factor", func(tx pgx.Tx) error {
		now := s.now()
		tag, err := tx.Exec(ctx, `UPDATE participant SET totp_secret = $2, totp_enabled_at = $3, totp_last_step = $4, updated_at = $3
			WHERE id = $1 AND deleted_at IS NULL AND totp_secret IS NULL`, participantID, secret, now, step)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return core.Conflict("error.two_step_already_on")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_code WHERE participant_id = $1`, participantID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO recovery_code (participant_id, code_hash) SELECT $1, unnest($2::bytea[])`,
			participantID, recoveryHashes); err != nil {
			return err
		}
		if err := queueMail(ctx, tx, notice); err != nil {
			return err
		}
		return audit(ctx, tx, participantID, "account.two_step_on", "participant", participantID, "", now)
	})
}

// DisableSecondFactor turns two-step verification off and drops the recovery
// codes; actorID is the person themself or an administrator (with a reason),
// as the audit log records; notice is queued to the person.
func (s *Store) DisableSecondFactor(ctx context.Context, actorID, participantID int64, reason string, notice core.Mail) error {
	return s.inTx(ctx, "disable second factor", func(tx pgx.Tx) error {
		now := s.now()
		tag, err := tx.Exec(ctx, `UPDATE participant SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0, updated_at = $2
			WHERE id = $1 AND deleted_at IS NULL AND totp_secret IS NOT NULL`, participantID, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return core.Conflict("error.two_step_already_off")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_code WHERE participant_id = $1`, participantID); err != nil {
			return err
		}
		if err := queueMail(ctx, tx, notice); err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "account.two_step_off", "participant", participantID, reason, now)
	})
}

// UseTOTPStep records that a code of time step step was accepted for
// participantID: false when a code of that step or a later one already was
// (the same code typed twice, or in two requests at once).
func (s *Store) UseTOTPStep(ctx context.Context, participantID, step int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE participant SET totp_last_step = $2
		WHERE id = $1 AND totp_secret IS NOT NULL AND totp_last_step < $2`, participantID, step)
	if err != nil {
		return false, wrapDB("use totp step", err)
	}
	return tag.RowsAffected() == 1, nil
}

// UseRecoveryCode spends the recovery code whose hash is given: false when
// participantID has no such unused code. Audited, so that a person (and the
// administrators) can see when one was used.
func (s *Store) UseRecoveryCode(ctx context.Context, participantID int64, hash []byte) (bool, error) {
	used := false
	err := s.inTx(ctx, "use recovery code", func(tx pgx.Tx) error {
		now := s.now()
		tag, err := tx.Exec(ctx, `UPDATE recovery_code SET used_at = $3 WHERE participant_id = $1 AND code_hash = $2 AND used_at IS NULL`,
			participantID, hash, now)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		used = true
		return audit(ctx, tx, participantID, "account.recovery_code_used", "participant", participantID, "", now)
	})
	return used, err
}

// ReplaceRecoveryCodes gives participantID, whose two-step verification is on,
// new recovery codes (hashed) in place of the earlier ones, used or not;
// audited.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, participantID int64, recoveryHashes [][]byte) error {
	return s.inTx(ctx, "replace recovery codes", func(tx pgx.Tx) error {
		var on bool
		err := tx.QueryRow(ctx, `SELECT totp_secret IS NOT NULL FROM participant WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, participantID).Scan(&on)
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "lock participant")
		}
		if !on {
			return core.Conflict("error.two_step_already_off")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_code WHERE participant_id = $1`, participantID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO recovery_code (participant_id, code_hash) SELECT $1, unnest($2::bytea[])`,
			participantID, recoveryHashes); err != nil {
			return err
		}
		return audit(ctx, tx, participantID, "account.recovery_codes_new", "participant", participantID, "", s.now())
	})
}
