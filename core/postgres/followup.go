package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// Decide records a staff decision on an idea: new status, official answer (the
// first one also stops the answer clock), progress, a timeline step, an audit
// entry, and an e-mail to the author and every supporter, in one transaction.
// The decision must have been checked against the idea's current status;
// Decide checks it again under the row lock.
func (s *Store) Decide(ctx context.Context, actorID, ideaID int64, d core.Decision, notify func(core.Participant, core.Idea) core.Mail) error {
	return s.inTx(ctx, "decide", func(tx pgx.Tx) error {
		now := s.now()
		var current string
		if err := tx.QueryRow(ctx, `SELECT status FROM idea WHERE id = $1 FOR UPDATE`, ideaID).Scan(&current); err != nil {
			return notFoundOr(err, "error.idea_not_found", "lock idea")
		}
		if _, err := d.Check(core.IdeaStatus(current)); err != nil {
			return err
		}
		var rev int
		err := tx.QueryRow(ctx, `UPDATE idea SET status = $2, progress = $3,
				answer = CASE WHEN $4 <> '' THEN $4 ELSE answer END,
				answer_language = CASE WHEN $4 <> '' THEN $6 ELSE answer_language END,
				answered_at = CASE WHEN $4 <> '' THEN coalesce(answered_at, $5) ELSE answered_at END,
				updated_at = $5, revision = revision + 1
			WHERE id = $1 RETURNING revision`, ideaID, d.Status, d.Progress, d.Answer, now, d.Language).Scan(&rev)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO idea_step (idea_id, status, note, actor_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
			ideaID, d.Status, d.Answer, actorID, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "idea.status."+string(d.Status), core.EntityIdea, ideaID, d.Answer, now); err != nil {
			return err
		}
		if err := notifyIdeaPeople(ctx, tx, ideaID, notify); err != nil {
			return err
		}
		ev := eventAt(now, core.EventUpdated, core.EntityIdea, ideaID, rev, actorID)
		ev.Data = map[string]any{"status": string(d.Status)}
		return appendEvent(ctx, tx, ev)
	})
}

// Assign gives an idea to a live staff member (or to nobody, with staffID 0)
// with a review date.
func (s *Store) Assign(ctx context.Context, actorID, ideaID, staffID int64, reviewDue time.Time) error {
	_, err := s.AssignMany(ctx, actorID, []int64{ideaID}, staffID, reviewDue)
	return err
}

// AssignMany gives ideas to a live staff member (or to nobody, with staffID
// 0) with a review date, all or none, in one transaction: an audit line and
// a change-log row each. It returns the ideas as assigned, in id order.
// Invalid when the staff member is not one; NotFound when an idea is missing.
func (s *Store) AssignMany(ctx context.Context, actorID int64, ideaIDs []int64, staffID int64, reviewDue time.Time) ([]core.Idea, error) {
	var ideas []core.Idea
	err := s.inTx(ctx, "assign ideas", func(tx pgx.Tx) error {
		var reviewer string // its audit lines name the reviewer
		action := "idea.unassign"
		if staffID != 0 {
			action = "idea.assign"
			err := tx.QueryRow(ctx, `SELECT display_name FROM participant WHERE id = $1 AND deleted_at IS NULL
				AND role IN ('moderator', 'manager', 'admin')`, staffID).Scan(&reviewer)
			if errors.Is(err, pgx.ErrNoRows) {
				return core.Invalid("staff_id", "error.staff_not_found")
			}
			if err != nil {
				return err
			}
		}
		ideaIDs = slices.Compact(slices.Sorted(slices.Values(ideaIDs)))
		// Locked in id order first, so that two overlapping assignments wait
		// for each other instead of deadlocking.
		if _, err := tx.Exec(ctx, `SELECT id FROM idea WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ideaIDs); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `UPDATE idea SET assigned_to = $2, review_due_on = $3, revision = revision + 1
			WHERE id = ANY($1) RETURNING id, revision`, ideaIDs, nullID(staffID), reviewDue)
		if err != nil {
			return err
		}
		type changed struct{ id, revision int64 }
		done, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (changed, error) {
			var c changed
			return c, row.Scan(&c.id, &c.revision)
		})
		if err != nil {
			return err
		}
		if len(done) != len(ideaIDs) {
			return core.NotFound("error.idea_not_found")
		}
		now := s.now()
		for _, c := range done {
			if err := audit(ctx, tx, actorID, action, core.EntityIdea, c.id, reviewer, now); err != nil {
				return err
			}
			if err := appendEvent(ctx, tx, eventAt(now, core.EventUpdated, core.EntityIdea, c.id, int(c.revision), actorID)); err != nil {
				return err
			}
		}
		rows, err = tx.Query(ctx, `SELECT `+ideaColumns+ideaFrom+` WHERE i.id = ANY($1) ORDER BY i.id`, ideaIDs)
		if err != nil {
			return err
		}
		ideas, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Idea, error) { return scanIdea(row) })
		return err
	})
	return ideas, err
}

// FollowUpRow is an idea as the staff follow-up list shows it.
type FollowUpRow struct {
	Idea       core.Idea
	AssignedTo string // the reviewer's name; "" when nobody
}

// FollowUpFilter narrows the follow-up queue; the zero value lists everything.
type FollowUpFilter struct {
	OverdueOn  time.Time // only ideas whose answer was due before that day
	AssignedTo int64     // only ideas this staff member reviews
	Unassigned bool      // only ideas nobody reviews
	Limit      int
}

// FollowUpQueue lists ideas still awaiting an official answer, most urgent first.
func (s *Store) FollowUpQueue(ctx context.Context, f FollowUpFilter) ([]FollowUpRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ideaColumns+`, coalesce(st.display_name, '')`+ideaFrom+`
		LEFT JOIN participant st ON st.id = i.assigned_to
		WHERE i.answered_at IS NULL AND ($1::date IS NULL OR i.answer_due_on < $1::date)
			AND ($2::bigint IS NULL OR i.assigned_to = $2) AND (NOT $4 OR i.assigned_to IS NULL)
		ORDER BY i.answer_due_on, i.id LIMIT $3`, nullDate(f.OverdueOn), nullID(f.AssignedTo), f.Limit, f.Unassigned)
	return collectFollowUpRows(rows, err, "follow-up queue")
}

// IdeaRecords lists every idea, hidden and merged ones too, with its
// reviewer's name, by id after afterID, limit at a time (staff exports).
func (s *Store) IdeaRecords(ctx context.Context, afterID int64, limit int) ([]FollowUpRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ideaColumns+`, coalesce(st.display_name, '')`+ideaFrom+`
		LEFT JOIN participant st ON st.id = i.assigned_to
		WHERE i.id > $1 ORDER BY i.id LIMIT $2`, afterID, limit)
	return collectFollowUpRows(rows, err, "idea records")
}

// collectFollowUpRows reads ideaColumns and the reviewer's name.
func collectFollowUpRows(rows pgx.Rows, err error, what string) ([]FollowUpRow, error) {
	if err != nil {
		return nil, wrapDB(what, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (FollowUpRow, error) {
		var r FollowUpRow
		i, err := scanIdea(rowExtra{row, []any{&r.AssignedTo}})
		r.Idea = i
		return r, err
	})
	return out, wrapDB("scan "+what, err)
}

// rowExtra scans extra trailing columns after the ones the scanner asks for.
type rowExtra struct {
	row   pgx.CollectableRow
	extra []any
}

func (r rowExtra) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// StaffMembers lists live staff accounts (for assignment).
func (s *Store) StaffMembers(ctx context.Context) ([]core.Participant, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+participantColumns+` FROM participant
		WHERE deleted_at IS NULL AND role IN ('moderator', 'manager', 'admin') ORDER BY display_name`)
	if err != nil {
		return nil, wrapDB("list staff", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Participant, error) { return scanParticipant(row) })
	return out, wrapDB("scan staff", err)
}

// DueReminders returns, per assigned staff member, the unanswered ideas whose
// answer is due on or before until (overdue ones included).
func (s *Store) DueReminders(ctx context.Context, until time.Time) (map[int64][]core.Idea, map[int64]core.Participant, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ideaColumns+ideaFrom+`
		WHERE i.answered_at IS NULL AND i.assigned_to IS NOT NULL AND i.answer_due_on <= $1::date
		ORDER BY i.answer_due_on`, until)
	if err != nil {
		return nil, nil, wrapDB("due reminders", err)
	}
	byStaff := map[int64][]core.Idea{}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (int64, error) {
		i, err := scanIdea(row)
		byStaff[i.AssignedTo] = append(byStaff[i.AssignedTo], i)
		return i.AssignedTo, err
	})
	if err != nil {
		return nil, nil, wrapDB("scan reminders", err)
	}
	people := map[int64]core.Participant{}
	for _, id := range list {
		if _, ok := people[id]; !ok {
			p, err := s.Participant(ctx, id)
			if err != nil {
				return nil, nil, err
			}
			people[id] = p
		}
	}
	return byStaff, people, nil
}

// notifyIdeaPeople queues a message, composed by notify, to an idea's author,
// its supporters and its followers (live, confirmed accounts; one each), but
// not to those who asked to hear no more of it (MuteIdea), inside tx.
func notifyIdeaPeople(ctx context.Context, tx pgx.Tx, ideaID int64, notify func(core.Participant, core.Idea) core.Mail) error {
	idea, err := scanIdea(tx.QueryRow(ctx, `SELECT `+ideaColumns+ideaFrom+` WHERE i.id = $1`, ideaID))
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT `+participantCols("pa")+` FROM participant pa
		WHERE pa.deleted_at IS NULL AND pa.email_verified_at IS NOT NULL
		  AND (pa.id = $1 OR pa.id IN (SELECT participant_id FROM support WHERE idea_id = $2)
		       OR pa.id IN (SELECT participant_id FROM idea_follow WHERE idea_id = $2))
		  AND pa.id NOT IN (SELECT participant_id FROM idea_mute WHERE idea_id = $2)`, idea.AuthorID, ideaID)
	if err != nil {
		return err
	}
	people, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Participant, error) { return scanParticipant(row) })
	if err != nil {
		return err
	}
	for _, p := range people {
		if err := queueMail(ctx, tx, notify(p, idea)); err != nil {
			return err
		}
	}
	return nil
}
