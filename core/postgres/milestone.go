package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// Milestones lists an idea's milestones in time order (the date reached, else
// the date planned), then undated open ones in the order they were planned.
func (s *Store) Milestones(ctx context.Context, ideaID int64) ([]core.Milestone, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, idea_id, title, due_on, done_on FROM idea_milestone
		WHERE idea_id = $1 ORDER BY coalesce(done_on, due_on) NULLS LAST, id`, ideaID)
	if err != nil {
		return nil, wrapDB("list milestones", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Milestone, error) {
		var m core.Milestone
		var due, done *time.Time
		err := row.Scan(&m.ID, &m.IdeaID, &m.Title, &due, &done)
		if due != nil {
			m.DueOn = *due
		}
		if done != nil {
			m.DoneOn = *done
		}
		return m, err
	})
	return out, wrapDB("scan milestones", err)
}

// AddMilestone plans a milestone on an idea under implementation (see
// core.IdeaStatus.Implementing), with an audit entry and a change-log row.
func (s *Store) AddMilestone(ctx context.Context, actorID, ideaID int64, in core.MilestoneInput) (int64, error) {
	var id int64
	err := s.milestoneTx(ctx, "add milestone", actorID, ideaID, func(tx pgx.Tx, _ core.IdeaStatus, now time.Time) (string, error) {
		return "idea.milestone.add", tx.QueryRow(ctx, `INSERT INTO idea_milestone (idea_id, title, due_on, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, ideaID, in.Title, nullDate(in.DueOn), now).Scan(&id)
	})
	return id, err
}

// SetMilestoneDone marks a milestone reached today — a step on the idea's public
// timeline says so and the author and supporters get notify's mail (given the
// milestone's title) — or, with done false, not reached after all.
func (s *Store) SetMilestoneDone(ctx context.Context, actorID, ideaID, milestoneID int64, done bool,
	notify func(p core.Participant, i core.Idea, milestone string) core.Mail) error {
	return s.milestoneTx(ctx, "set milestone", actorID, ideaID, func(tx pgx.Tx, status core.IdeaStatus, now time.Time) (string, error) {
		var title string
		err := tx.QueryRow(ctx, `UPDATE idea_milestone SET done_on = CASE WHEN $3 THEN coalesce(done_on, $4::date) END
			WHERE id = $1 AND idea_id = $2 RETURNING title`, milestoneID, ideaID, done, now).Scan(&title)
		if err != nil {
			return "", notFoundOr(err, "error.milestone_not_found", "set milestone")
		}
		if !done {
			return "idea.milestone.undone", nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO idea_step (idea_id, status, note, actor_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
			ideaID, status, title, actorID, now); err != nil {
			return "", err
		}
		return "idea.milestone.done", notifyIdeaPeople(ctx, tx, ideaID, func(p core.Participant, i core.Idea) core.Mail { return notify(p, i, title) })
	})
}

// DeleteMilestone removes a planned milestone.
func (s *Store) DeleteMilestone(ctx context.Context, actorID, ideaID, milestoneID int64) error {
	return s.milestoneTx(ctx, "delete milestone", actorID, ideaID, func(tx pgx.Tx, _ core.IdeaStatus, _ time.Time) (string, error) {
		tag, err := tx.Exec(ctx, `DELETE FROM idea_milestone WHERE id = $1 AND idea_id = $2`, milestoneID, ideaID)
		if err == nil && tag.RowsAffected() == 0 {
			err = core.NotFound("error.milestone_not_found")
		}
		return "idea.milestone.delete", err
	})
}

// milestoneTx runs one milestone change under the idea's row lock, refusing it
// unless the idea is under implementation, and records the audit entry (the
// action fn returns) and the idea's change-log row.
func (s *Store) milestoneTx(ctx context.Context, what string, actorID, ideaID int64,
	fn func(tx pgx.Tx, status core.IdeaStatus, now time.Time) (string, error)) error {
	return s.inTx(ctx, what, func(tx pgx.Tx) error {
		var status core.IdeaStatus
		if err := tx.QueryRow(ctx, `SELECT status FROM idea WHERE id = $1 FOR UPDATE`, ideaID).Scan(&status); err != nil {
			return notFoundOr(err, "error.idea_not_found", "lock idea")
		}
		if !status.Implementing() {
			return core.Conflict("error.milestone_status")
		}
		now := s.now()
		action, err := fn(tx, status, now)
		if err != nil {
			return err
		}
		var rev int
		if err := tx.QueryRow(ctx, `UPDATE idea SET updated_at = $2, revision = revision + 1 WHERE id = $1 RETURNING revision`,
			ideaID, now).Scan(&rev); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, action, core.EntityIdea, ideaID, "", now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(now, core.EventUpdated, core.EntityIdea, ideaID, rev, actorID))
	})
}
