package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// IssuedCode is a fresh residence code for one address; Printed exists only in
// memory, for the flyer being written.
type IssuedCode struct {
	AddressID int64
	Printed   string
}

// IssueResidenceCodes gives each address a new code for the consultation, valid
// until validUntil, and revokes the codes of earlier print runs that were not
// redeemed (a new run replaces the old flyers). One transaction: either every
// address gets its code or none does.
func (s *Store) IssueResidenceCodes(ctx context.Context, actorID, consultationID int64, addressIDs []int64, validUntil time.Time) ([]IssuedCode, error) {
	out := make([]IssuedCode, 0, len(addressIDs))
	err := s.inTx(ctx, "issue residence codes", func(tx pgx.Tx) error {
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE residence_code SET revoked_at = $3 WHERE consultation_id = $1 AND address_id = ANY($2)
			AND revoked_at IS NULL AND redeemed_at IS NULL`, consultationID, addressIDs, now); err != nil {
			return err
		}
		rows := make([][]any, 0, len(addressIDs))
		for _, id := range addressIDs {
			printed, hash := core.NewResidenceCode()
			out = append(out, IssuedCode{AddressID: id, Printed: printed})
			rows = append(rows, []any{consultationID, id, hash, validUntil, now})
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"residence_code"},
			[]string{"consultation_id", "address_id", "code_hash", "valid_until", "created_at"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		ev := eventAt(now, core.EventCreated, core.EntityResidence, consultationID, 1, actorID)
		ev.Data = map[string]any{"consultation_id": consultationID, "codes": len(addressIDs)}
		return appendEvent(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeResidenceCodes revokes the unredeemed codes of one address (before a
// reprint); it returns how many were revoked.
func (s *Store) RevokeResidenceCodes(ctx context.Context, actorID, consultationID, addressID int64) (int, error) {
	var n int
	err := s.inTx(ctx, "revoke residence code", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE residence_code SET revoked_at = $3 WHERE consultation_id = $1 AND address_id = $2
			AND revoked_at IS NULL AND redeemed_at IS NULL`, consultationID, addressID, s.now())
		if err != nil {
			return err
		}
		n = int(tag.RowsAffected())
		ev := eventAt(s.now(), core.EventUpdated, core.EntityResidence, consultationID, 1, actorID)
		ev.Data = map[string]any{"revoked_for_address": addressID, "revoked": n}
		return appendEvent(ctx, tx, ev)
	})
	return n, err
}

// RedeemResidenceCode spends a code (already normalised) on consultationID for
// the participant: their home address becomes the code's address, verified.
// Refusals: unknown or revoked code (NotFound), a code of another consultation,
// an expired code, a code already spent by someone else (Conflict). Spending
// your own code again changes nothing and succeeds (a replayed QR link).
func (s *Store) RedeemResidenceCode(ctx context.Context, participantID, consultationID int64, normalized string) (core.Redemption, error) {
	var r core.Redemption
	err := s.inTx(ctx, "redeem residence code", func(tx pgx.Tx) error {
		now := s.now()
		var id int64
		var validUntil time.Time
		var redeemedBy *int64
		var revoked *time.Time
		err := tx.QueryRow(ctx, `SELECT id, consultation_id, address_id, valid_until, redeemed_by, revoked_at
			FROM residence_code WHERE code_hash = $1 FOR UPDATE`, core.HashResidenceCode(normalized)).
			Scan(&id, &r.ConsultationID, &r.AddressID, &validUntil, &redeemedBy, &revoked)
		switch {
		case err != nil:
			return notFoundOr(err, "error.code_unknown", "read residence code")
		case revoked != nil:
			return core.NotFound("error.code_unknown")
		case r.ConsultationID != consultationID:
			return core.Conflict("error.code_other_consultation")
		case redeemedBy != nil && *redeemedBy == participantID:
			return nil
		case redeemedBy != nil:
			return core.Conflict("error.code_used")
		case !now.Before(validUntil):
			return core.Conflict("error.code_expired")
		}
		if _, err := tx.Exec(ctx, `UPDATE residence_code SET redeemed_by = $2, redeemed_at = $3 WHERE id = $1`, id, participantID, now); err != nil {
			return err
		}
		var rev int
		if err := tx.QueryRow(ctx, `UPDATE participant SET home_address_id = $2, home_verified_at = $3, home_verified_via = $4,
			updated_at = $3, revision = revision + 1 WHERE id = $1 AND deleted_at IS NULL RETURNING revision`,
			participantID, r.AddressID, now, core.VerifiedByCode).Scan(&rev); err != nil {
			return notFoundOr(err, "error.participant_not_found", "verify home address")
		}
		ev := eventAt(now, core.EventVerified, core.EntityParticipant, participantID, rev, participantID)
		ev.Data = map[string]any{"home_address": true, "via": core.VerifiedByCode, "consultation_id": consultationID}
		return appendEvent(ctx, tx, ev)
	})
	return r, err
}

// StreetCodes counts the codes of a consultation on one street.
type StreetCodes struct {
	StreetID int64
	Street   string
	Issued   int // live codes (not revoked) and redeemed ones
	Redeemed int
}

// CodesPerStreet counts issued and redeemed codes per street, by street name.
func (s *Store) CodesPerStreet(ctx context.Context, consultationID int64) ([]StreetCodes, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.street_id, a.street, count(*) FILTER (WHERE c.revoked_at IS NULL),
		count(*) FILTER (WHERE c.redeemed_at IS NOT NULL)
		FROM residence_code c JOIN address a ON a.id = c.address_id
		WHERE c.consultation_id = $1 GROUP BY a.street_id, a.street ORDER BY a.street`, consultationID)
	if err != nil {
		return nil, wrapDB("count codes", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (StreetCodes, error) {
		var sc StreetCodes
		return sc, row.Scan(&sc.StreetID, &sc.Street, &sc.Issued, &sc.Redeemed)
	})
	return out, wrapDB("count codes", err)
}

// HomeVerification says whether the participant's home address is verified.
func (s *Store) HomeVerification(ctx context.Context, participantID int64) (addressID int64, verified bool, err error) {
	var at *time.Time
	var addr *int64
	err = s.pool.QueryRow(ctx, `SELECT home_address_id, home_verified_at FROM participant WHERE id = $1`, participantID).Scan(&addr, &at)
	if err != nil {
		return 0, false, notFoundOr(err, "error.participant_not_found", "read home verification")
	}
	if addr != nil {
		addressID = *addr
	}
	return addressID, addr != nil && at != nil, nil
}

// FlyerRun is a flyer PDF being written, or written.
type FlyerRun struct {
	ID             int64
	ConsultationID int64
	Paper          string
	WithCodes      bool
	Status         string // running, done, failed, interrupted (see runStatus)
	Total, Done    int
	Error          string
	StartedAt      time.Time
	FinishedAt     time.Time
}

// StartFlyerRun records a run that begins and returns it (running).
func (s *Store) StartFlyerRun(ctx context.Context, actorID, consultationID int64, paper string, withCodes bool, total int) (FlyerRun, error) {
	r := FlyerRun{ConsultationID: consultationID, Paper: paper, WithCodes: withCodes, Status: "running", Total: total}
	err := s.pool.QueryRow(ctx, `INSERT INTO flyer_run (consultation_id, paper, with_codes, total, actor_id, started_at, progressed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id, started_at`, consultationID, paper, withCodes, total, nullID(actorID), s.now()).Scan(&r.ID, &r.StartedAt)
	return r, wrapDB("start flyer run", err)
}

// FlyerProgress records how many flyers are written.
func (s *Store) FlyerProgress(ctx context.Context, id int64, done int) error {
	_, err := s.pool.Exec(ctx, `UPDATE flyer_run SET done = $2, progressed_at = $3 WHERE id = $1`, id, done, s.now())
	return wrapDB("record flyer progress", err)
}

// FinishFlyerRun records the outcome: failed when errMsg is not empty.
func (s *Store) FinishFlyerRun(ctx context.Context, id int64, errMsg string) error {
	status := "done"
	if errMsg != "" {
		status = "failed"
	}
	_, err := s.pool.Exec(ctx, `UPDATE flyer_run SET status = $2, error = $3, finished_at = $4,
		done = CASE WHEN $2 = 'done' THEN total ELSE done END WHERE id = $1`, id, status, errMsg, s.now())
	return wrapDB("finish flyer run", err)
}

// FlyerRun returns one run.
func (s *Store) FlyerRun(ctx context.Context, id int64) (FlyerRun, error) {
	var r FlyerRun
	var finished *time.Time
	err := s.pool.QueryRow(ctx, `SELECT id, consultation_id, paper, with_codes, `+runStatus+`, total, done, error, started_at, finished_at
		FROM flyer_run WHERE id = $2`, s.now().Add(-runStallAfter), id).Scan(&r.ID, &r.ConsultationID, &r.Paper, &r.WithCodes, &r.Status, &r.Total, &r.Done,
		&r.Error, &r.StartedAt, &finished)
	if finished != nil {
		r.FinishedAt = *finished
	}
	return r, notFoundOr(err, "error.flyer_run_not_found", "read flyer run")
}
