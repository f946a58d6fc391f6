package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// CreateDebate opens a debate in a project.
func (s *Store) CreateDebate(ctx context.Context, actorID, projectID int64, question string) (int64, error) {
	var id int64
	err := s.inTx(ctx, "create debate", func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO debate (project_id, question, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			projectID, question, nullID(actorID), s.now()).Scan(&id)
		if isForeignKeyViolation(err) {
			return core.NotFound("error.project_not_found")
		}
		if err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "debate.open", "debate", id, question, s.now()); err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(s.now(), core.EventCreated, "debate", id, 1, actorID))
	})
	return id, err
}

// Debates lists a project's debates.
func (s *Store) Debates(ctx context.Context, projectID int64) ([]core.Debate, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, project_id, question, open, created_at FROM debate WHERE project_id = $1 ORDER BY id`, projectID)
	if err != nil {
		return nil, wrapDB("list debates", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Debate, error) {
		var d core.Debate
		return d, row.Scan(&d.ID, &d.ProjectID, &d.Question, &d.Open, &d.CreatedAt)
	})
	return out, wrapDB("scan debates", err)
}

// Debate returns one debate.
func (s *Store) Debate(ctx context.Context, id int64) (core.Debate, error) {
	var d core.Debate
	err := s.pool.QueryRow(ctx, `SELECT id, project_id, question, open, created_at FROM debate WHERE id = $1`, id).
		Scan(&d.ID, &d.ProjectID, &d.Question, &d.Open, &d.CreatedAt)
	return d, notFoundOr(err, "error.debate_not_found", "read debate")
}

// AddArgument posts an argument (a reply takes its parent's side).
func (s *Store) AddArgument(ctx context.Context, debateID, parentID, authorID int64, side core.Side, body string) (int64, error) {
	var id int64
	err := s.inTx(ctx, "add argument", func(tx pgx.Tx) error {
		var open bool
		if err := tx.QueryRow(ctx, `SELECT open FROM debate WHERE id = $1`, debateID).Scan(&open); err != nil {
			return notFoundOr(err, "error.debate_not_found", "read debate")
		}
		if !open {
			return core.Conflict("error.debate_closed")
		}
		var parent *int64
		if parentID > 0 {
			var parentSide string
			if err := tx.QueryRow(ctx, `SELECT side FROM argument WHERE id = $1 AND debate_id = $2`, parentID, debateID).Scan(&parentSide); err != nil {
				return notFoundOr(err, "error.argument_not_found", "read argument")
			}
			side, parent = core.Side(parentSide), &parentID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO argument (debate_id, parent_id, side, author_id, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, debateID, parent, side, authorID, body, s.now()).Scan(&id); err != nil {
			return err
		}
		ev := eventAt(s.now(), core.EventCreated, core.EntityArgument, id, 1, authorID)
		ev.Data = map[string]any{"debate_id": debateID, "side": string(side)}
		return appendEvent(ctx, tx, ev)
	})
	return id, err
}

// RateHelpful marks an argument helpful, once per person (a second time
// changes nothing); nobody rates their own.
func (s *Store) RateHelpful(ctx context.Context, argumentID, participantID int64) error {
	return s.inTx(ctx, "rate argument", func(tx pgx.Tx) error {
		var author int64
		err := tx.QueryRow(ctx, `SELECT author_id FROM argument WHERE id = $1 AND NOT hidden`, argumentID).Scan(&author)
		if err != nil {
			return notFoundOr(err, "error.argument_not_found", "read argument")
		}
		if author == participantID {
			return core.Conflict("error.rate_own_argument")
		}
		tag, err := tx.Exec(ctx, `INSERT INTO argument_rating (argument_id, participant_id, created_at)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, argumentID, participantID, s.now())
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE argument SET helpful_count = helpful_count + 1 WHERE id = $1`, argumentID)
		return err
	})
}

// RatedHelpful returns which of a debate's arguments participantID has rated
// helpful.
func (s *Store) RatedHelpful(ctx context.Context, debateID, participantID int64) (map[int64]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.argument_id FROM argument_rating r JOIN argument a ON a.id = r.argument_id
		WHERE a.debate_id = $1 AND r.participant_id = $2`, debateID, participantID)
	if err != nil {
		return nil, wrapDB("read ratings", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, wrapDB("scan ratings", err)
	}
	return idSet(ids), nil
}

// Arguments returns a debate's visible arguments as two trees (for, against),
// the most helpful first.
func (s *Store) Arguments(ctx context.Context, debateID int64) (pro, con []*core.Argument, err error) {
	rows, err := s.pool.Query(ctx, `SELECT a.id, a.debate_id, coalesce(a.parent_id, 0), a.side, a.author_id, coalesce(p.display_name, ''),
		a.body, a.helpful_count, a.created_at
		FROM argument a LEFT JOIN participant p ON p.id = a.author_id AND p.deleted_at IS NULL
		WHERE a.debate_id = $1 AND NOT a.hidden ORDER BY a.parent_id NULLS FIRST, a.helpful_count DESC, a.id`, debateID)
	if err != nil {
		return nil, nil, wrapDB("read arguments", err)
	}
	all, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*core.Argument, error) {
		a := &core.Argument{}
		var side string
		err := row.Scan(&a.ID, &a.DebateID, &a.ParentID, &side, &a.AuthorID, &a.AuthorName, &a.Body, &a.HelpfulCount, &a.CreatedAt)
		a.Side = core.Side(side)
		return a, err
	})
	if err != nil {
		return nil, nil, wrapDB("scan arguments", err)
	}
	byID := map[int64]*core.Argument{}
	for _, a := range all {
		byID[a.ID] = a
		if p, ok := byID[a.ParentID]; ok {
			p.Replies = append(p.Replies, a)
		} else if a.Side == core.SideFor {
			pro = append(pro, a)
		} else {
			con = append(con, a)
		}
	}
	return pro, con, nil
}
