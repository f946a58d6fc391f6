package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// participantCols lists the columns scanParticipant reads, qualified by alias.
func participantCols(alias string) string {
	return fmt.Sprintf(`%[1]s.id, coalesce(%[1]s.email, ''), %[1]s.display_name, %[1]s.role, %[1]s.locale,
	%[1]s.email_verified_at, %[1]s.created_at, %[1]s.updated_at, %[1]s.deleted_at, %[1]s.revision`, alias)
}

var participantColumns = participantCols("participant")

type rowScanner interface{ Scan(dest ...any) error }

func scanParticipant(row rowScanner, extra ...any) (core.Participant, error) {
	var p core.Participant
	var role, locale string
	var verified, deleted *time.Time
	dest := append([]any{&p.ID, &p.Email, &p.DisplayName, &role, &locale,
		&verified, &p.CreatedAt, &p.UpdatedAt, &deleted, &p.Revision}, extra...)
	if err := row.Scan(dest...); err != nil {
		return core.Participant{}, err
	}
	p.Role, p.Locale = core.Role(role), core.Language(locale)
	if verified != nil {
		p.EmailVerifiedAt = verified.UTC()
	}
	if deleted != nil {
		p.DeletedAt = deleted.UTC()
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

// notFoundOr maps pgx.ErrNoRows to a NotFound with key, anything else through wrapDB.
func notFoundOr(err error, key, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return core.NotFound(key)
	}
	return wrapDB(what, err)
}

// Participant returns the participant with id, deleted or not.
func (s *Store) Participant(ctx context.Context, id int64) (core.Participant, error) {
	p, err := scanParticipant(s.pool.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE id = $1`, id))
	if err != nil {
		return core.Participant{}, notFoundOr(err, "error.participant_not_found", "read participant")
	}
	return p, nil
}

// Credentials returns the live participant registered with email (already
// normalised) and their password hash. NotFound when there is none.
func (s *Store) Credentials(ctx context.Context, email string) (core.Participant, string, error) {
	var hash string
	p, err := scanParticipant(s.pool.QueryRow(ctx, `SELECT `+participantColumns+`, coalesce(password_hash, '')
		FROM participant WHERE email = $1 AND deleted_at IS NULL`, email), &hash)
	if err != nil {
		return core.Participant{}, "", notFoundOr(err, "error.participant_not_found", "read credentials")
	}
	return p, hash, nil
}

// NewAccount is a participant created by staff or the demo loader, with a confirmed
// e-mail address.
type NewAccount struct {
	Email        string // normalised
	DisplayName  string
	PasswordHash string
	Role         core.Role
	Locale       core.Language
	ActorID      int64 // who creates it; 0 for the command line
}

// CreateAccount inserts a confirmed account. Conflict when the e-mail is taken.
func (s *Store) CreateAccount(ctx context.Context, a NewAccount) (core.Participant, error) {
	var p core.Participant
	err := s.inTx(ctx, "create account", func(tx pgx.Tx) error {
		now := s.now()
		var err error
		p, err = scanParticipant(tx.QueryRow(ctx, `INSERT INTO participant
			(email, password_hash, display_name, role, locale, email_verified_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $6) RETURNING `+participantColumns,
			a.Email, a.PasswordHash, a.DisplayName, a.Role, a.Locale, now))
		if isUniqueViolation(err) {
			return core.Conflict("error.email_taken")
		}
		if err != nil {
			return err
		}
		ev := eventAt(now, core.EventCreated, core.EntityParticipant, p.ID, p.Revision, a.ActorID)
		ev.Data = map[string]any{"role": string(p.Role)}
		return appendEvent(ctx, tx, ev)
	})
	return p, err
}

// SetRole changes a participant's role on behalf of actor.
func (s *Store) SetRole(ctx context.Context, actorID, id int64, role core.Role) (core.Participant, error) {
	var p core.Participant
	err := s.inTx(ctx, "set role", func(tx pgx.Tx) error {
		var err error
		p, err = scanParticipant(tx.QueryRow(ctx, `UPDATE participant
			SET role = $2, updated_at = $3, revision = revision + 1
			WHERE id = $1 AND deleted_at IS NULL RETURNING `+participantColumns, id, role, s.now()))
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "update role")
		}
		if err := audit(ctx, tx, actorID, "role."+string(role), core.EntityParticipant, p.ID, "", p.UpdatedAt); err != nil {
			return err
		}
		ev := eventAt(p.UpdatedAt, core.EventUpdated, core.EntityParticipant, p.ID, p.Revision, actorID)
		ev.Data = map[string]any{"role": string(role)}
		return appendEvent(ctx, tx, ev)
	})
	return p, err
}

// Profile is what a participant may change about themselves.
type Profile struct {
	DisplayName string
	Locale      core.Language
}

// UpdateProfile changes a participant's own name and language.
func (s *Store) UpdateProfile(ctx context.Context, id int64, pr Profile) (core.Participant, error) {
	var p core.Participant
	err := s.inTx(ctx, "update profile", func(tx pgx.Tx) error {
		var err error
		p, err = scanParticipant(tx.QueryRow(ctx, `UPDATE participant
			SET display_name = $2, locale = $3, updated_at = $4, revision = revision + 1
			WHERE id = $1 AND deleted_at IS NULL RETURNING `+participantColumns, id, pr.DisplayName, pr.Locale, s.now()))
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "update profile")
		}
		return appendEvent(ctx, tx, eventAt(p.UpdatedAt, core.EventUpdated, core.EntityParticipant, p.ID, p.Revision, p.ID))
	})
	return p, err
}

// ParticipantPage is one page of the staff's participant list.
type ParticipantPage struct {
	Participants []core.Participant
	Total        int
	// TwoStep holds the ids of those listed who turned two-step verification on.
	TwoStep map[int64]bool
}

// ListParticipants returns live participants whose e-mail or name contains query
// (case-insensitive), newest first.
func (s *Store) ListParticipants(ctx context.Context, query string, limit, offset int) (ParticipantPage, error) {
	pattern := "%" + escapeLike(query) + "%"
	rows, err := s.pool.Query(ctx, `SELECT `+participantColumns+`, count(*) OVER (), totp_secret IS NOT NULL
		FROM participant
		WHERE deleted_at IS NULL AND (email ILIKE $1 OR display_name ILIKE $1)
		ORDER BY id DESC LIMIT $2 OFFSET $3`, pattern, limit, offset)
	if err != nil {
		return ParticipantPage{}, wrapDB("list participants", err)
	}
	page := ParticipantPage{TwoStep: map[int64]bool{}}
	page.Participants, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Participant, error) {
		var twoStep bool
		p, err := scanParticipant(row, &page.Total, &twoStep)
		if twoStep {
			page.TwoStep[p.ID] = true
		}
		return p, err
	})
	if err != nil {
		return ParticipantPage{}, wrapDB("scan participants", err)
	}
	return page, nil
}

func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
}
