package postgres

import (
	"context"
	"time"
)

// StaffToDo is what waits for staff, as the staff home counts it.
type StaffToDo struct {
	ToModerate int // flagged items whose flags nobody has resolved
	Unanswered int // ideas awaiting their official answer
	Overdue    int // of those, the ones whose answer was due before today
	Mine       int // of those, the ones given to the reader for review
	ForCouncil int // feasible ideas not yet submitted to the council
}

// StaffToDo counts, in one statement, what waits for staff and for the
// staff member staffID; today is the reader's date (overdue means due before
// it). The same rules as the lists the counts link to: ModerationQueue,
// FollowUpQueue, FeasibleIdeas.
func (s *Store) StaffToDo(ctx context.Context, staffID int64, today time.Time) (StaffToDo, error) {
	var t StaffToDo
	err := s.pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM (SELECT DISTINCT entity, entity_id FROM flag WHERE resolved_at IS NULL) f),
			count(*),
			count(*) FILTER (WHERE answer_due_on < $2::date),
			count(*) FILTER (WHERE assigned_to = $1),
			(SELECT count(*) FROM idea i WHERE i.status = 'feasible' AND NOT i.hidden
				AND NOT EXISTS (SELECT 1 FROM budget_project bp WHERE bp.idea_id = i.id))
		FROM idea WHERE answered_at IS NULL`, staffID, today).Scan(&t.ToModerate, &t.Unanswered, &t.Overdue, &t.Mine, &t.ForCouncil)
	return t, wrapDB("staff to-do", err)
}
