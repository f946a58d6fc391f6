package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// CouncilItem is an idea in a council submission, with its review.
type CouncilItem struct {
	Idea   core.Idea
	Answer string
}

// FeasibleIdeas lists ideas answered feasible and not yet sent to the council
// (projects of a participatory budget go to its vote instead), most supported
// first, with their addresses.
func (s *Store) FeasibleIdeas(ctx context.Context) ([]core.Idea, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ideaColumns+ideaPlaceColumns+ideaFrom+ideaPlaceJoins("$1")+` WHERE i.status = 'feasible' AND NOT i.hidden
		AND NOT EXISTS (SELECT 1 FROM budget_project bp WHERE bp.idea_id = i.id) ORDER BY i.support_count DESC, i.id`, core.NearAddressWithin)
	if err != nil {
		return nil, wrapDB("feasible ideas", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Idea, error) { return scanIdeaWithPlace(row) })
	return out, wrapDB("scan feasible ideas", err)
}

// CouncilSubmission is a stored submission.
type CouncilSubmission struct {
	ID        int64
	Month     time.Time
	IdeaIDs   []int64
	CreatedAt time.Time
}

// SubmitToCouncil stores the documents and moves every listed idea (still
// feasible) to "submitted to council", with a timeline step, an event and a
// message to its author and supporters, in one transaction.
func (s *Store) SubmitToCouncil(ctx context.Context, actorID int64, month time.Time, ideaIDs []int64, pdf, csv []byte, notify func(core.Participant, core.Idea) core.Mail) (int64, error) {
	var id int64
	err := s.inTx(ctx, "submit to council", func(tx pgx.Tx) error {
		now := s.now()
		if err := tx.QueryRow(ctx, `INSERT INTO council_submission (month, idea_ids, pdf, csv, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, month, ideaIDs, pdf, csv, nullID(actorID), now).Scan(&id); err != nil {
			return err
		}
		for _, ideaID := range ideaIDs {
			var rev int
			err := tx.QueryRow(ctx, `UPDATE idea SET status = 'submitted_to_council', updated_at = $2, revision = revision + 1
				WHERE id = $1 AND status = 'feasible' RETURNING revision`, ideaID, now).Scan(&rev)
			if err == pgx.ErrNoRows {
				continue // changed meanwhile: it stays where staff put it
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO idea_step (idea_id, status, actor_id, created_at) VALUES ($1, 'submitted_to_council', $2, $3)`,
				ideaID, nullID(actorID), now); err != nil {
				return err
			}
			if err := notifyIdeaPeople(ctx, tx, ideaID, notify); err != nil {
				return err
			}
			ev := eventAt(now, core.EventUpdated, core.EntityIdea, ideaID, rev, actorID)
			ev.Data = map[string]any{"status": string(core.IdeaSubmittedToCouncil), "council_submission": id}
			if err := appendEvent(ctx, tx, ev); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actorID, "council.submit", "council_submission", id, "", now)
	})
	return id, err
}

// CouncilSubmissions lists submissions, newest first.
func (s *Store) CouncilSubmissions(ctx context.Context) ([]CouncilSubmission, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, month, idea_ids, created_at FROM council_submission ORDER BY id DESC LIMIT 100`)
	if err != nil {
		return nil, wrapDB("council submissions", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (CouncilSubmission, error) {
		var c CouncilSubmission
		return c, row.Scan(&c.ID, &c.Month, &c.IdeaIDs, &c.CreatedAt)
	})
	return out, wrapDB("scan council submissions", err)
}

// CouncilDocument returns a submission's PDF or CSV.
func (s *Store) CouncilDocument(ctx context.Context, id int64, pdf bool) ([]byte, time.Time, error) {
	col := "csv"
	if pdf {
		col = "pdf"
	}
	var doc []byte
	var month time.Time
	err := s.pool.QueryRow(ctx, `SELECT `+col+`, month FROM council_submission WHERE id = $1`, id).Scan(&doc, &month)
	if err != nil {
		return nil, time.Time{}, notFoundOr(err, "error.page_not_found", "read council document")
	}
	return doc, month, nil
}

// CouncilSubmittedFor reports whether a submission exists for the month.
func (s *Store) CouncilSubmittedFor(ctx context.Context, month time.Time) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM council_submission WHERE month = $1)`, month).Scan(&ok)
	return ok, wrapDB("check council month", err)
}
