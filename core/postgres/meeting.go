package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"quartier/core"
)

// meetingColumns are what scanMeeting reads, translations included (one statement).
const meetingColumns = `id, coalesce(project_id, 0), coalesce(council_id, 0), kind, title, description, starts_at, ends_at, location, lon, lat, online_url,
	capacity, registered_count, waiting_count, published, outcome, cancelled_at, revision, updated_at, language,
	(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Title', t.title, 'Description', t.description, 'Outcome', t.outcome,
		'Source', t.source_hash, 'OutcomeSource', t.outcome_source)), '{}')
		FROM meeting_translation t WHERE t.meeting_id = meeting.id)`

func scanMeeting(row rowScanner) (core.Meeting, error) {
	var m core.Meeting
	var lon, lat *float64
	var cancelled *time.Time
	var language string
	err := row.Scan(&m.ID, &m.ProjectID, &m.CouncilID, &m.Kind, &m.Title, &m.Description, &m.StartsAt, &m.EndsAt, &m.Location, &lon, &lat,
		&m.OnlineURL, &m.Capacity, &m.RegisteredCount, &m.WaitingCount, &m.Published, &m.Outcome, &cancelled, &m.Revision, &m.UpdatedAt,
		&language, &m.Translations)
	m.Language = core.Language(language)
	if lon != nil {
		m.Point, m.HasPoint = orb.Point{*lon, *lat}, true
	}
	if cancelled != nil {
		m.CancelledAt = *cancelled
	}
	return m, err
}

// Meeting returns one meeting.
func (s *Store) Meeting(ctx context.Context, id int64) (core.Meeting, error) {
	m, err := scanMeeting(s.pool.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meeting WHERE id = $1`, id))
	return m, notFoundOr(err, "error.meeting_not_found", "read meeting")
}

// MeetingFilter selects meetings: EndsAfter keeps those not over at that time,
// EndedBefore those over by then (most recent first); Drafts includes
// unpublished ones (staff).
type MeetingFilter struct {
	EndsAfter   time.Time
	EndedBefore time.Time
	ProjectID   int64
	CouncilID   int64
	Drafts      bool
	Limit       int
}

// Meetings lists meetings in time order (past ones most recent first).
func (s *Store) Meetings(ctx context.Context, f MeetingFilter) ([]core.Meeting, error) {
	q := `SELECT ` + meetingColumns + ` FROM meeting WHERE ($1 OR published)`
	args := []any{f.Drafts}
	order := ` ORDER BY starts_at, id`
	if !f.EndsAfter.IsZero() {
		args = append(args, f.EndsAfter)
		q += ` AND ends_at > $2`
	} else if !f.EndedBefore.IsZero() {
		args = append(args, f.EndedBefore)
		q += ` AND ends_at <= $2`
		order = ` ORDER BY starts_at DESC, id DESC`
	}
	if f.ProjectID != 0 {
		args = append(args, f.ProjectID)
		q += ` AND project_id = $` + strconv.Itoa(len(args))
	}
	if f.CouncilID != 0 {
		args = append(args, f.CouncilID)
		q += ` AND council_id = $` + strconv.Itoa(len(args))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	args = append(args, f.Limit)
	rows, err := s.pool.Query(ctx, q+order+` LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, wrapDB("list meetings", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Meeting, error) { return scanMeeting(row) })
	return out, wrapDB("scan meetings", err)
}

// SaveMeeting creates (m.ID 0) or updates a meeting as staff describe it
// (already normalised), replacing the translations of its title and
// description with m.Translations (those of its outcome stay). A larger capacity lets waiting participants in, in the
// order they registered; promoted gets each of them a mail.
func (s *Store) SaveMeeting(ctx context.Context, actorID int64, m core.Meeting, promoted func(core.Participant, core.Meeting) core.Mail) (int64, error) {
	if m.Language == "" {
		m.Language = core.DefaultLanguage
	}
	err := s.inTx(ctx, "save meeting", func(tx pgx.Tx) error {
		now := s.now()
		lon, lat := pointArgs(m.Point, m.HasPoint)
		kind, rev := core.EventUpdated, 0
		var err error
		if m.ID == 0 {
			kind = core.EventCreated
			err = tx.QueryRow(ctx, `INSERT INTO meeting (project_id, kind, title, description, starts_at, ends_at, location, lon, lat, online_url,
				capacity, created_by, created_at, updated_at, council_id, language) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15)
				RETURNING id, revision`,
				nullID(m.ProjectID), m.Kind, m.Title, m.Description, m.StartsAt, m.EndsAt, m.Location, lon, lat, m.OnlineURL,
				m.Capacity, nullID(actorID), now, nullID(m.CouncilID), m.Language).Scan(&m.ID, &rev)
			m.Published = false
		} else {
			err = tx.QueryRow(ctx, `UPDATE meeting SET project_id = $2, kind = $3, title = $4, description = $5, starts_at = $6, ends_at = $7,
				location = $8, lon = $9, lat = $10, online_url = $11, capacity = $12, updated_at = $13, revision = revision + 1, council_id = $14,
				language = $15 WHERE id = $1 RETURNING revision, published`, m.ID, nullID(m.ProjectID), m.Kind, m.Title, m.Description, m.StartsAt, m.EndsAt,
				m.Location, lon, lat, m.OnlineURL, m.Capacity, now, nullID(m.CouncilID), m.Language).Scan(&rev, &m.Published)
			if err == nil {
				err = promoteWaiting(ctx, tx, m.ID, now, promoted)
			}
		}
		if isForeignKeyViolation(err) {
			return core.Invalid("project_id", "error.project_or_council_not_found")
		}
		if err != nil {
			return notFoundOr(err, "error.meeting_not_found", "write meeting")
		}
		if err := saveMeetingTranslations(ctx, tx, m); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "meeting.save", core.EntityMeeting, m.ID, "", now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, meetingEvent(now, kind, m.ID, rev, actorID, m.Published))
	})
	return m.ID, err
}

// saveMeetingTranslations replaces the translated titles and descriptions of
// meeting m, keeping the translated outcomes.
func saveMeetingTranslations(ctx context.Context, tx pgx.Tx, m core.Meeting) error {
	values := make(map[core.Language][]string, len(m.Translations))
	for l, t := range m.Translations {
		values[l] = []string{t.Title, t.Description}
	}
	return meetingTranslations.replace(ctx, tx, m.ID, []string{"title", "description"}, values, wholeSource(m.WordsHash()))
}

// PublishMeeting makes a meeting public (and announced on the channels).
func (s *Store) PublishMeeting(ctx context.Context, actorID, id int64) error {
	return s.changeMeeting(ctx, actorID, id, "meeting.publish", `published = true`, nil)
}

// SetMeetingOutcome publishes the minutes or outcome (sanitised HTML) after a
// meeting, with its translations (normalised; they replace the earlier ones);
// registered participants get notify's mail the first time.
func (s *Store) SetMeetingOutcome(ctx context.Context, actorID, id int64, outcome string, translations map[core.Language]string,
	notify func(core.Participant, core.Meeting) core.Mail) error {
	return s.changeMeeting(ctx, actorID, id, "meeting.outcome", `outcome = $3`, func(tx pgx.Tx, before, after core.Meeting) error {
		if err := meetingTranslations.replaceColumn(ctx, tx, id, "outcome", translations,
			translationSource{"outcome_source", core.WordsHash(after.Outcome)}); err != nil {
			return err
		}
		if before.Outcome != "" || after.Outcome == "" {
			return nil
		}
		return mailRegistered(ctx, tx, id, core.Registered, after, notify)
	}, outcome)
}

// CancelMeeting calls a meeting off; everyone registered or waiting gets
// notify's mail. Cancelling twice changes nothing.
func (s *Store) CancelMeeting(ctx context.Context, actorID, id int64, notify func(core.Participant, core.Meeting) core.Mail) error {
	return s.changeMeeting(ctx, actorID, id, "meeting.cancel", `cancelled_at = coalesce(cancelled_at, $3)`, func(tx pgx.Tx, before, after core.Meeting) error {
		if before.Cancelled() {
			return nil
		}
		if err := mailRegistered(ctx, tx, id, core.Registered, after, notify); err != nil {
			return err
		}
		return mailRegistered(ctx, tx, id, core.Waiting, after, notify)
	}, s.now())
}

// changeMeeting applies one staff change (set, with $3... as extra) under the
// meeting's row lock, with its audit entry and change-log row; then runs
// after, given the meeting before and after the change.
func (s *Store) changeMeeting(ctx context.Context, actorID, id int64, action, set string,
	after func(tx pgx.Tx, before, after core.Meeting) error, extra ...any) error {
	return s.inTx(ctx, action, func(tx pgx.Tx) error {
		before, err := scanMeeting(tx.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meeting WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return notFoundOr(err, "error.meeting_not_found", "lock meeting")
		}
		now := s.now()
		m, err := scanMeeting(tx.QueryRow(ctx, `UPDATE meeting SET `+set+`, updated_at = $2, revision = revision + 1 WHERE id = $1 RETURNING `+meetingColumns,
			append([]any{id, now}, extra...)...))
		if err != nil {
			return wrapDB(action, err)
		}
		if after != nil {
			if err := after(tx, before, m); err != nil {
				return err
			}
		}
		if err := audit(ctx, tx, actorID, action, core.EntityMeeting, id, "", now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, meetingEvent(now, core.EventUpdated, id, m.Revision, actorID, m.Published))
	})
}

// meetingEvent is a meeting's change-log row; published tells the channels
// whether there is something to announce.
func meetingEvent(now time.Time, kind string, id int64, revision int, actorID int64, published bool) core.Event {
	ev := eventAt(now, kind, core.EntityMeeting, id, revision, actorID)
	ev.Data = map[string]any{"published": published}
	return ev
}

// RegisterForMeeting gives the participant a place, or a place on the waiting
// list when the meeting is full. Registering again while registered or waiting
// changes nothing and returns where they stand; after a cancellation they
// join again at the back. Only published meetings that have not started
// accept registrations. A new registration gets confirm's mail (given the
// status) in the same transaction.
func (s *Store) RegisterForMeeting(ctx context.Context, meetingID, participantID int64,
	confirm func(core.Participant, core.Meeting, core.RegistrationStatus) core.Mail) (core.RegistrationStatus, error) {
	var status core.RegistrationStatus
	err := s.inTx(ctx, "register for meeting", func(tx pgx.Tx) error {
		m, err := scanMeeting(tx.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meeting WHERE id = $1 FOR UPDATE`, meetingID))
		if err != nil {
			return notFoundOr(err, "error.meeting_not_found", "lock meeting")
		}
		now := s.now()
		if !m.Published {
			return core.NotFound("error.meeting_not_found")
		}
		if !m.OpenForRegistration(now) {
			return core.Conflict("error.meeting_closed")
		}
		var current string
		err = tx.QueryRow(ctx, `SELECT status FROM meeting_registration WHERE meeting_id = $1 AND participant_id = $2`, meetingID, participantID).Scan(&current)
		if err == nil && current != string(core.Cancelled) {
			status = core.RegistrationStatus(current)
			return nil
		}
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		counter := "registered_count"
		status = core.Registered
		if m.Full() || m.WaitingCount > 0 {
			status, counter = core.Waiting, "waiting_count"
		}
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_registration (meeting_id, participant_id, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) ON CONFLICT (meeting_id, participant_id) DO UPDATE SET status = $3, created_at = $4, updated_at = $4, reminded_at = NULL`,
			meetingID, participantID, status, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting SET `+counter+` = `+counter+` + 1 WHERE id = $1`, meetingID); err != nil {
			return err
		}
		ev := eventAt(now, core.EventCreated, entityMeetingRegistration, meetingID, 1, participantID)
		ev.Data = map[string]any{"status": string(status)}
		if err := appendEvent(ctx, tx, ev); err != nil || confirm == nil {
			return err
		}
		return mailParticipant(ctx, tx, participantID, m, func(p core.Participant, m core.Meeting) core.Mail { return confirm(p, m, status) })
	})
	return status, err
}

const entityMeetingRegistration = "meeting_registration"

// CancelRegistration gives a place up. A freed place goes to the longest
// waiting participant (if the meeting has not started), who gets promoted's
// mail. Cancelling what is not registered is NotFound.
func (s *Store) CancelRegistration(ctx context.Context, meetingID, participantID int64, promoted func(core.Participant, core.Meeting) core.Mail) error {
	return s.inTx(ctx, "cancel registration", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM meeting WHERE id = $1 FOR UPDATE`, meetingID); err != nil {
			return err
		}
		now := s.now()
		var was string
		err := tx.QueryRow(ctx, `UPDATE meeting_registration r SET status = 'cancelled', updated_at = $3
			FROM meeting_registration old WHERE r.meeting_id = $1 AND r.participant_id = $2 AND r.status <> 'cancelled'
			AND old.meeting_id = r.meeting_id AND old.participant_id = r.participant_id RETURNING old.status`, meetingID, participantID, now).Scan(&was)
		if err != nil {
			return notFoundOr(err, "error.registration_not_found", "cancel registration")
		}
		counter := "registered_count"
		if was == string(core.Waiting) {
			counter = "waiting_count"
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting SET `+counter+` = `+counter+` - 1 WHERE id = $1`, meetingID); err != nil {
			return err
		}
		if err := promoteWaiting(ctx, tx, meetingID, now, promoted); err != nil {
			return err
		}
		ev := eventAt(now, core.EventDeleted, entityMeetingRegistration, meetingID, 1, participantID)
		return appendEvent(ctx, tx, ev)
	})
}

// promoteWaiting moves waiting participants, longest waiting first, into the
// places the meeting has free (the meeting row is locked by the caller).
func promoteWaiting(ctx context.Context, tx pgx.Tx, meetingID int64, now time.Time, promoted func(core.Participant, core.Meeting) core.Mail) error {
	m, err := scanMeeting(tx.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meeting WHERE id = $1`, meetingID))
	if err != nil {
		return wrapDB("read meeting", err)
	}
	free := m.Capacity - m.RegisteredCount
	if m.Capacity == 0 {
		free = m.WaitingCount
	}
	if free <= 0 || m.WaitingCount == 0 || !now.Before(m.StartsAt) || m.Cancelled() {
		return nil
	}
	rows, err := tx.Query(ctx, `UPDATE meeting_registration SET status = 'registered', updated_at = $3
		WHERE (meeting_id, participant_id) IN (SELECT meeting_id, participant_id FROM meeting_registration
			WHERE meeting_id = $1 AND status = 'waiting' ORDER BY created_at, participant_id LIMIT $2)
		RETURNING participant_id`, meetingID, free, now)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE meeting SET registered_count = registered_count + $2, waiting_count = waiting_count - $2 WHERE id = $1`,
		meetingID, len(ids)); err != nil {
		return err
	}
	m.RegisteredCount, m.WaitingCount = m.RegisteredCount+len(ids), m.WaitingCount-len(ids)
	for _, id := range ids {
		if err := mailParticipant(ctx, tx, id, m, promoted); err != nil {
			return err
		}
	}
	return nil
}

// mailRegistered queues mail for every participant with status at a meeting.
func mailRegistered(ctx context.Context, tx pgx.Tx, meetingID int64, status core.RegistrationStatus, m core.Meeting,
	mail func(core.Participant, core.Meeting) core.Mail) error {
	rows, err := tx.Query(ctx, `SELECT participant_id FROM meeting_registration WHERE meeting_id = $1 AND status = $2`, meetingID, status)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := mailParticipant(ctx, tx, id, m, mail); err != nil {
			return err
		}
	}
	return nil
}

// mailParticipant queues mail for one participant who has an address (app
// members and former participants have none).
func mailParticipant(ctx context.Context, tx pgx.Tx, id int64, m core.Meeting, mail func(core.Participant, core.Meeting) core.Mail) error {
	if mail == nil {
		return nil
	}
	p, err := scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE id = $1`, id))
	if err != nil {
		return wrapDB("read participant", err)
	}
	if p.Deleted() || p.Email == "" {
		return nil
	}
	return queueMail(ctx, tx, mail(p, m))
}

// MeetingRegistrationOf returns where a participant stands for a meeting ("" if
// never registered).
func (s *Store) MeetingRegistrationOf(ctx context.Context, meetingID, participantID int64) (core.RegistrationStatus, error) {
	var status string
	err := s.pool.QueryRow(ctx, `SELECT status FROM meeting_registration WHERE meeting_id = $1 AND participant_id = $2`, meetingID, participantID).Scan(&status)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	return core.RegistrationStatus(status), wrapDB("read registration", err)
}

// MeetingRegistrations lists a meeting's registrations for staff: registered
// first, then the waiting list in its order, then cancellations.
func (s *Store) MeetingRegistrations(ctx context.Context, meetingID int64) ([]core.MeetingRegistration, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+participantCols("p")+`, r.status, r.created_at
		FROM meeting_registration r JOIN participant p ON p.id = r.participant_id WHERE r.meeting_id = $1
		ORDER BY array_position(ARRAY['registered', 'waiting', 'cancelled'], r.status), r.created_at, r.participant_id`, meetingID)
	if err != nil {
		return nil, wrapDB("list registrations", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.MeetingRegistration, error) {
		var r core.MeetingRegistration
		var status string
		p, err := scanParticipant(row, &status, &r.CreatedAt)
		r.Participant, r.Status = p, core.RegistrationStatus(status)
		return r, err
	})
	return out, wrapDB("scan registrations", err)
}

// SendMeetingReminders queues remind's mail, once, to everyone registered for
// a published meeting that starts within the next window, and returns how
// many. Two servers running it at once never remind twice.
func (s *Store) SendMeetingReminders(ctx context.Context, window time.Duration, remind func(core.Participant, core.Meeting) core.Mail) (int, error) {
	n := 0
	err := s.inTx(ctx, "meeting reminders", func(tx pgx.Tx) error {
		now := s.now()
		rows, err := tx.Query(ctx, `SELECT r.meeting_id, r.participant_id FROM meeting_registration r JOIN meeting m ON m.id = r.meeting_id
			WHERE r.status = 'registered' AND r.reminded_at IS NULL AND m.published AND m.cancelled_at IS NULL
			AND m.starts_at > $1 AND m.starts_at <= $2 ORDER BY r.meeting_id FOR UPDATE OF r SKIP LOCKED`, now, now.Add(window))
		if err != nil {
			return err
		}
		type due struct{ meeting, participant int64 }
		list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (due, error) {
			var d due
			return d, row.Scan(&d.meeting, &d.participant)
		})
		if err != nil {
			return err
		}
		var m core.Meeting
		for _, d := range list {
			if m.ID != d.meeting {
				if m, err = scanMeeting(tx.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meeting WHERE id = $1`, d.meeting)); err != nil {
					return err
				}
			}
			if err := mailParticipant(ctx, tx, d.participant, m, remind); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE meeting_registration SET reminded_at = $3 WHERE meeting_id = $1 AND participant_id = $2`,
				d.meeting, d.participant, now); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// CancelUpcomingRegistrations gives up every place (and waiting-list place) a
// participant holds for meetings that have not started, as when their account
// goes; each freed place goes to the next person waiting, who gets promoted's
// mail.
func (s *Store) CancelUpcomingRegistrations(ctx context.Context, participantID int64, promoted func(core.Participant, core.Meeting) core.Mail) error {
	rows, err := s.pool.Query(ctx, `SELECT r.meeting_id FROM meeting_registration r JOIN meeting m ON m.id = r.meeting_id
		WHERE r.participant_id = $1 AND r.status <> 'cancelled' AND m.starts_at > $2`, participantID, s.now())
	if err != nil {
		return wrapDB("list registrations", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return wrapDB("list registrations", err)
	}
	for _, id := range ids {
		if err := s.CancelRegistration(ctx, id, participantID, promoted); err != nil && core.CodeOf(err) != core.CodeNotFound {
			return err
		}
	}
	return nil
}
