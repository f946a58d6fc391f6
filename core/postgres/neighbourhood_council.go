package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// councilColumns are what scanCouncil reads, translations included.
const councilColumns = `id, name, description, coalesce(target_id, 0), seats, stratified, revision, language,
	(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Name', t.name, 'Description', t.description, 'Source', t.source_hash)), '{}')
		FROM council_translation t WHERE t.council_id = council.id)`

func scanCouncil(row rowScanner) (core.NeighbourhoodCouncil, error) {
	var c core.NeighbourhoodCouncil
	return c, row.Scan(&c.ID, &c.Name, &c.Description, &c.TargetID, &c.Seats, &c.Stratified, &c.Revision, &c.Language, &c.Translations)
}

// Council returns a neighbourhood council.
func (s *Store) Council(ctx context.Context, id int64) (core.NeighbourhoodCouncil, error) {
	c, err := scanCouncil(s.pool.QueryRow(ctx, `SELECT `+councilColumns+` FROM council WHERE id = $1`, id))
	return c, notFoundOr(err, "error.council_not_found", "read council")
}

// Councils lists the neighbourhood councils by name.
func (s *Store) Councils(ctx context.Context) ([]core.NeighbourhoodCouncil, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+councilColumns+` FROM council ORDER BY name, id`)
	if err != nil {
		return nil, wrapDB("list councils", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.NeighbourhoodCouncil, error) { return scanCouncil(row) })
	return out, wrapDB("scan councils", err)
}

// SaveCouncil creates (c.ID 0) or updates a council (already normalised).
func (s *Store) SaveCouncil(ctx context.Context, actorID int64, c core.NeighbourhoodCouncil) (int64, error) {
	if c.Language == "" {
		c.Language = core.DefaultLanguage
	}
	err := s.inTx(ctx, "save council", func(tx pgx.Tx) error {
		now := s.now()
		kind, rev := core.EventUpdated, 0
		var err error
		if c.ID == 0 {
			kind = core.EventCreated
			err = tx.QueryRow(ctx, `INSERT INTO council (name, description, target_id, seats, stratified, created_at, updated_at, language)
				VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id, revision`, c.Name, c.Description, nullID(c.TargetID), c.Seats, c.Stratified,
				now, c.Language).Scan(&c.ID, &rev)
		} else {
			err = tx.QueryRow(ctx, `UPDATE council SET name = $2, description = $3, target_id = $4, seats = $5, stratified = $6, updated_at = $7,
				language = $8, revision = revision + 1 WHERE id = $1 RETURNING revision`, c.ID, c.Name, c.Description, nullID(c.TargetID), c.Seats,
				c.Stratified, now, c.Language).Scan(&rev)
		}
		if isForeignKeyViolation(err) {
			return core.Invalid("target_id", "error.target_not_found")
		}
		if err != nil {
			return notFoundOr(err, "error.council_not_found", "write council")
		}
		translated := make(map[core.Language][]string, len(c.Translations)) // kept words keep their source
		for l, t := range c.Translations {
			translated[l] = []string{t.Name, t.Description}
		}
		if err := councilTranslations.replace(ctx, tx, c.ID, councilTranslations.columns, translated, wholeSource(c.WordsHash())); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "council.save", core.EntityCouncil, c.ID, "", now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(now, kind, core.EntityCouncil, c.ID, rev, actorID))
	})
	return c.ID, err
}

// CouncilMembers lists a council's members: appointed, elected, then drawn.
func (s *Store) CouncilMembers(ctx context.Context, councilID int64) ([]core.CouncilMember, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+participantCols("p")+`, m.role, m.since FROM council_member m JOIN participant p ON p.id = m.participant_id
		WHERE m.council_id = $1 ORDER BY array_position(ARRAY['appointed', 'elected', 'drawn'], m.role), m.since, p.id`, councilID)
	if err != nil {
		return nil, wrapDB("list council members", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.CouncilMember, error) {
		var m core.CouncilMember
		var role string
		p, err := scanParticipant(row, &role, &m.Since)
		m.Participant, m.Role = p, core.CouncilRole(role)
		return m, err
	})
	return out, wrapDB("scan council members", err)
}

// SetCouncilMember seats a participant as appointed or elected (changing the
// role of a sitting member).
func (s *Store) SetCouncilMember(ctx context.Context, actorID, councilID, participantID int64, role core.CouncilRole) error {
	if role != core.CouncilAppointed && role != core.CouncilElected {
		return core.Invalid("role", "error.council_role")
	}
	return s.councilChange(ctx, actorID, councilID, "council.member."+string(role), func(tx pgx.Tx, now time.Time) error {
		_, err := tx.Exec(ctx, `INSERT INTO council_member (council_id, participant_id, role, since) VALUES ($1, $2, $3, $4)
			ON CONFLICT (council_id, participant_id) DO UPDATE SET role = $3`, councilID, participantID, role, now)
		if isForeignKeyViolation(err) {
			return core.NotFound("error.participant_not_found")
		}
		return err
	})
}

// RemoveCouncilMember ends a membership.
func (s *Store) RemoveCouncilMember(ctx context.Context, actorID, councilID, participantID int64) error {
	return s.councilChange(ctx, actorID, councilID, "council.member.remove", func(tx pgx.Tx, _ time.Time) error {
		tag, err := tx.Exec(ctx, `DELETE FROM council_member WHERE council_id = $1 AND participant_id = $2`, councilID, participantID)
		if err == nil && tag.RowsAffected() == 0 {
			err = core.NotFound("error.council_member_not_found")
		}
		return err
	})
}

// councilChange runs a staff change to a council under its row lock, with the
// audit entry and the council's change-log row.
func (s *Store) councilChange(ctx context.Context, actorID, councilID int64, action string, fn func(tx pgx.Tx, now time.Time) error) error {
	return s.inTx(ctx, action, func(tx pgx.Tx) error {
		now := s.now()
		var rev int
		err := tx.QueryRow(ctx, `UPDATE council SET updated_at = $2, revision = revision + 1 WHERE id = $1 RETURNING revision`, councilID, now).Scan(&rev)
		if err != nil {
			return notFoundOr(err, "error.council_not_found", "lock council")
		}
		if err := fn(tx, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, action, core.EntityCouncil, councilID, "", now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(now, core.EventUpdated, core.EntityCouncil, councilID, rev, actorID))
	})
}

// SetVolunteer records (on) or withdraws (off) a participant's offer to sit on
// a council, with the street they live on. Offering twice changes nothing.
func (s *Store) SetVolunteer(ctx context.Context, councilID, participantID, streetID int64, on bool) error {
	return s.inTx(ctx, "council volunteer", func(tx pgx.Tx) error {
		var err error
		if on {
			_, err = tx.Exec(ctx, `INSERT INTO council_volunteer (council_id, participant_id, street_id, created_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT DO NOTHING`, councilID, participantID, nullID(streetID), s.now())
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM council_volunteer WHERE council_id = $1 AND participant_id = $2`, councilID, participantID)
		}
		if isForeignKeyViolation(err) {
			return core.NotFound("error.council_not_found")
		}
		if err != nil {
			return err
		}
		ev := eventAt(s.now(), core.EventUpdated, "council_volunteer", councilID, 1, participantID)
		ev.Data = map[string]any{"volunteer": on}
		return appendEvent(ctx, tx, ev)
	})
}

// IsVolunteer reports whether a participant volunteered for a council.
func (s *Store) IsVolunteer(ctx context.Context, councilID, participantID int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM council_volunteer WHERE council_id = $1 AND participant_id = $2)`,
		councilID, participantID).Scan(&ok)
	return ok, wrapDB("read volunteer", err)
}

// CouncilVolunteers lists the volunteers who do not sit on the council yet
// (and whose account still exists).
func (s *Store) CouncilVolunteers(ctx context.Context, councilID int64) ([]core.Volunteer, error) {
	rows, err := s.pool.Query(ctx, `SELECT v.participant_id, coalesce(v.street_id, 0) FROM council_volunteer v
		JOIN participant p ON p.id = v.participant_id AND p.deleted_at IS NULL
		WHERE v.council_id = $1 AND NOT EXISTS (SELECT 1 FROM council_member m WHERE m.council_id = v.council_id AND m.participant_id = v.participant_id)
		ORDER BY v.participant_id`, councilID)
	if err != nil {
		return nil, wrapDB("list volunteers", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Volunteer, error) {
		var v core.Volunteer
		return v, row.Scan(&v.ParticipantID, &v.StreetID)
	})
	return out, wrapDB("scan volunteers", err)
}

// RecordDraw stores a drawing of lots and seats those drawn, in one
// transaction. The volunteers must be the council's current ones: a draw made
// on a list that changed meanwhile is refused (draw again).
func (s *Store) RecordDraw(ctx context.Context, actorID, councilID int64, d core.Draw) (int64, error) {
	var id int64
	err := s.councilChange(ctx, actorID, councilID, "council.draw", func(tx pgx.Tx, now time.Time) error {
		rows, err := tx.Query(ctx, `SELECT v.participant_id FROM council_volunteer v JOIN participant p ON p.id = v.participant_id AND p.deleted_at IS NULL
			WHERE v.council_id = $1 AND NOT EXISTS (SELECT 1 FROM council_member m WHERE m.council_id = v.council_id AND m.participant_id = v.participant_id)
			ORDER BY v.participant_id`, councilID)
		if err != nil {
			return err
		}
		current, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		volunteers, streets := make([]int64, len(d.Volunteers)), make([]int64, len(d.Volunteers))
		for i, v := range d.Volunteers {
			volunteers[i], streets[i] = v.ParticipantID, v.StreetID
		}
		if len(current) != len(volunteers) {
			return core.Conflict("error.council_draw_stale")
		}
		for i := range current {
			if current[i] != volunteers[i] {
				return core.Conflict("error.council_draw_stale")
			}
		}
		quotas := map[string]int{}
		for street, n := range d.Quotas {
			quotas[strconv.FormatInt(street, 10)] = n
		}
		q, _ := json.Marshal(quotas)
		if err := tx.QueryRow(ctx, `INSERT INTO council_draw (council_id, seed, seats, stratified, volunteers, streets, quotas, drawn, drawn_at, actor_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, councilID, d.Seed, d.Seats, d.Stratified, volunteers, streets, q,
			d.Drawn, now, nullID(actorID)).Scan(&id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO council_member (council_id, participant_id, role, since, draw_id)
			SELECT $1, unnest($2::bigint[]), 'drawn', $3, $4 ON CONFLICT DO NOTHING`, councilID, d.Drawn, now, id)
		return err
	})
	return id, err
}

// CouncilDraws lists a council's draws, the latest first.
func (s *Store) CouncilDraws(ctx context.Context, councilID int64) ([]core.StoredDraw, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, seed, seats, stratified, volunteers, streets, quotas, drawn, drawn_at FROM council_draw
		WHERE council_id = $1 ORDER BY drawn_at DESC, id DESC`, councilID)
	if err != nil {
		return nil, wrapDB("list draws", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.StoredDraw, error) {
		var d core.StoredDraw
		var volunteers, streets []int64
		var quotas map[string]int
		if err := row.Scan(&d.ID, &d.Seed, &d.Seats, &d.Stratified, &volunteers, &streets, &quotas, &d.Drawn, &d.DrawnAt); err != nil {
			return d, err
		}
		for i := range volunteers {
			d.Volunteers = append(d.Volunteers, core.Volunteer{ParticipantID: volunteers[i], StreetID: streets[i]})
		}
		if len(quotas) > 0 {
			d.Quotas = map[int64]int{}
			for k, n := range quotas {
				street, _ := strconv.ParseInt(k, 10, 64)
				d.Quotas[street] = n
			}
		}
		return d, nil
	})
	return out, wrapDB("scan draws", err)
}

// AddCouncilDocument publishes a document on a council's page.
func (s *Store) AddCouncilDocument(ctx context.Context, actorID, councilID int64, title, body string) error {
	return s.councilChange(ctx, actorID, councilID, "council.document", func(tx pgx.Tx, now time.Time) error {
		_, err := tx.Exec(ctx, `INSERT INTO council_document (council_id, title, body, created_at) VALUES ($1, $2, $3, $4)`, councilID, title, body, now)
		return err
	})
}

// CouncilDocuments lists a council's documents, the latest first.
func (s *Store) CouncilDocuments(ctx context.Context, councilID int64) ([]core.CouncilDocument, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, title, body, created_at FROM council_document WHERE council_id = $1 ORDER BY created_at DESC, id DESC`, councilID)
	if err != nil {
		return nil, wrapDB("list council documents", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.CouncilDocument, error) {
		var d core.CouncilDocument
		return d, row.Scan(&d.ID, &d.Title, &d.Body, &d.CreatedAt)
	})
	return out, wrapDB("scan council documents", err)
}

// ProposeForCouncil submits an idea to the commune on behalf of a council: only
// its members may, and the idea then follows the follow-up of any idea.
func (s *Store) ProposeForCouncil(ctx context.Context, memberID, councilID int64, in core.IdeaInput, answerDays int) (int64, error) {
	var ideaID int64
	err := s.inTx(ctx, "council proposal", func(tx pgx.Tx) error {
		var member bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM council_member WHERE council_id = $1 AND participant_id = $2)`,
			councilID, memberID).Scan(&member); err != nil {
			return err
		}
		if !member {
			return core.Forbidden("error.council_members_only")
		}
		var err error
		if ideaID, err = s.insertIdea(ctx, tx, memberID, in, answerDays); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO council_proposal (council_id, idea_id) VALUES ($1, $2)`, councilID, ideaID)
		return err
	})
	return ideaID, err
}

// CouncilProposals lists the ideas a council submitted, the latest first.
func (s *Store) CouncilProposals(ctx context.Context, councilID int64) ([]core.Idea, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ideaColumns+ideaFrom+` JOIN council_proposal cp ON cp.idea_id = i.id
		WHERE cp.council_id = $1 AND NOT i.hidden ORDER BY i.id DESC`, councilID)
	if err != nil {
		return nil, wrapDB("list council proposals", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Idea, error) { return scanIdea(row) })
	return out, wrapDB("scan council proposals", err)
}

// CouncilRecord is what a council's public page shows.
type CouncilRecord struct {
	Members   []core.CouncilMember
	Documents []core.CouncilDocument
	Proposals []core.Idea
	Meetings  []core.Meeting
	Draws     []core.StoredDraw
}

// CouncilRecordOf reads a council's members, documents, proposals, meetings
// and draws.
func (s *Store) CouncilRecordOf(ctx context.Context, councilID int64) (CouncilRecord, error) {
	var r CouncilRecord
	var err error
	if r.Members, err = s.CouncilMembers(ctx, councilID); err != nil {
		return r, err
	}
	if r.Documents, err = s.CouncilDocuments(ctx, councilID); err != nil {
		return r, err
	}
	if r.Proposals, err = s.CouncilProposals(ctx, councilID); err != nil {
		return r, err
	}
	if r.Meetings, err = s.Meetings(ctx, MeetingFilter{CouncilID: councilID, Limit: 50}); err != nil {
		return r, err
	}
	r.Draws, err = s.CouncilDraws(ctx, councilID)
	return r, err
}
