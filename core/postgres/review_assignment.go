package postgres

import (
	"cmp"
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// ReviewAssignment is an idea given to a reviewer automatically.
type ReviewAssignment struct {
	Idea     core.Idea
	Reviewer core.Participant
}

// AssignPendingReviews gives a reviewer to every visible idea in feasibility
// review that has none, and to every unanswered idea whose reviewer's account
// was deleted; it returns what it assigned (to mail the reviewers).
// The reviewer is the project's lead (the manager or admin who created the
// project) while that account is live; otherwise, and for spontaneous ideas, the
// manager or admin with the fewest unanswered ideas assigned (ties: the oldest
// account). Ideas keep the review date set when they entered review. Concurrent
// callers skip each other's rows, so an idea is assigned once; with no manager
// or admin at all nothing is assigned (nor locked) and staff assign by hand.
func (s *Store) AssignPendingReviews(ctx context.Context) ([]ReviewAssignment, error) {
	return s.assignReviews(ctx, nil)
}

// AssignReview gives a reviewer to one idea that has just entered feasibility
// review, as AssignPendingReviews would. It locks that idea only: a support
// that sends an idea to review must not hold up the supports of every other
// idea waiting for a reviewer (AssignPendingReviews, daily, catches those).
func (s *Store) AssignReview(ctx context.Context, ideaID int64) ([]ReviewAssignment, error) {
	return s.assignReviews(ctx, []int64{ideaID})
}

// assignReviews assigns the pending ideas among only (all of them when nil).
func (s *Store) assignReviews(ctx context.Context, only []int64) ([]ReviewAssignment, error) {
	var out []ReviewAssignment
	err := s.inTx(ctx, "assign reviews", func(tx pgx.Tx) error {
		out = out[:0]
		var staffed bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM participant WHERE deleted_at IS NULL AND role IN ('manager', 'admin'))`).Scan(&staffed); err != nil || !staffed {
			return err
		}
		type pending struct{ id, project int64 }
		var todo []pending
		// Two queries rather than one with OR: each uses its partial index
		// (an OR made PostgreSQL walk the whole table).
		queries := []string{
			`SELECT id, coalesce(project_id, 0) FROM idea WHERE status = 'in_review' AND assigned_to IS NULL AND NOT hidden
				ORDER BY id FOR UPDATE SKIP LOCKED`,
			`SELECT i.id, coalesce(i.project_id, 0) FROM idea i JOIN participant p ON p.id = i.assigned_to
				WHERE p.deleted_at IS NOT NULL AND i.answered_at IS NULL AND NOT i.hidden ORDER BY i.id FOR UPDATE OF i SKIP LOCKED`,
		}
		var args []any
		if only != nil {
			queries = []string{`SELECT id, coalesce(project_id, 0) FROM idea WHERE id = ANY($1) AND status = 'in_review' AND assigned_to IS NULL AND NOT hidden
				ORDER BY id FOR UPDATE SKIP LOCKED`}
			args = []any{only}
		}
		for _, q := range queries {
			rows, err := tx.Query(ctx, q, args...)
			if err != nil {
				return err
			}
			found, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (pending, error) {
				var p pending
				return p, row.Scan(&p.id, &p.project)
			})
			if err != nil {
				return err
			}
			todo = append(todo, found...)
		}
		slices.SortFunc(todo, func(a, b pending) int { return cmp.Compare(a.id, b.id) }) // oldest idea first
		now := s.now()
		for _, p := range todo {
			var reviewerID int64
			var reviewer string
			err := tx.QueryRow(ctx, `SELECT st.id, st.display_name FROM participant st
				WHERE st.deleted_at IS NULL AND st.role IN ('manager', 'admin')
				ORDER BY st.id = (SELECT created_by FROM project WHERE id = $1) IS NOT TRUE,
					(SELECT count(*) FROM idea WHERE assigned_to = st.id AND answered_at IS NULL), st.id
				LIMIT 1`, nullID(p.project)).Scan(&reviewerID, &reviewer)
			if err == pgx.ErrNoRows {
				return nil
			}
			if err != nil {
				return err
			}
			var rev int
			if err := tx.QueryRow(ctx, `UPDATE idea SET assigned_to = $2, revision = revision + 1 WHERE id = $1 RETURNING revision`,
				p.id, reviewerID).Scan(&rev); err != nil {
				return err
			}
			if err := audit(ctx, tx, 0, "idea.assign.auto", core.EntityIdea, p.id, reviewer, now); err != nil {
				return err
			}
			if err := appendEvent(ctx, tx, eventAt(now, core.EventUpdated, core.EntityIdea, p.id, rev, 0)); err != nil {
				return err
			}
			out = append(out, ReviewAssignment{Reviewer: core.Participant{ID: reviewerID}, Idea: core.Idea{ID: p.id}})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k := range out {
		if out[k].Idea, err = s.Idea(ctx, out[k].Idea.ID); err != nil {
			return out, err
		}
		if out[k].Reviewer, err = s.Participant(ctx, out[k].Reviewer.ID); err != nil {
			return out, err
		}
	}
	return out, nil
}
