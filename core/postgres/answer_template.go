package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// AnswerTemplates lists the answer templates by title.
func (s *Store) AnswerTemplates(ctx context.Context) ([]core.AnswerTemplate, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, title, status, language, body FROM answer_template ORDER BY lower(title), id`)
	if err != nil {
		return nil, wrapDB("answer templates", err)
	}
	out, err := pgx.CollectRows(rows, scanAnswerTemplate)
	return out, wrapDB("scan answer templates", err)
}

// AnswerTemplate reads one template; NotFound when there is none.
func (s *Store) AnswerTemplate(ctx context.Context, id int64) (core.AnswerTemplate, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, title, status, language, body FROM answer_template WHERE id = $1`, id)
	t, err := pgx.CollectExactlyOneRow(rows, scanAnswerTemplate)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, core.NotFound("error.template_not_found")
	}
	return t, wrapDB("answer template", err)
}

func scanAnswerTemplate(row pgx.CollectableRow) (core.AnswerTemplate, error) {
	var t core.AnswerTemplate
	err := row.Scan(&t.ID, &t.Title, &t.Status, &t.Language, &t.Body)
	return t, err
}

// SaveAnswerTemplate stores a checked template (t.ID 0: a new one) and
// audits it; it returns its id. NotFound when t.ID names none.
func (s *Store) SaveAnswerTemplate(ctx context.Context, actorID int64, t core.AnswerTemplate) (int64, error) {
	id := t.ID
	err := s.inTx(ctx, "save answer template", func(tx pgx.Tx) error {
		now := s.now()
		if id == 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO answer_template (title, status, body, created_by, updated_at, language)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.Title, t.Status, t.Body, nullID(actorID), now, t.Language).Scan(&id); err != nil {
				return err
			}
		} else {
			tag, err := tx.Exec(ctx, `UPDATE answer_template SET title = $2, status = $3, body = $4, updated_at = $5, language = $6 WHERE id = $1`,
				id, t.Title, t.Status, t.Body, now, t.Language)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return core.NotFound("error.template_not_found")
			}
		}
		return audit(ctx, tx, actorID, "answer_template.save", core.EntityAnswerTemplate, id, t.Title, now)
	})
	return id, err
}

// DeleteAnswerTemplate removes a template and audits it (its title kept in
// the log); NotFound when there is none.
func (s *Store) DeleteAnswerTemplate(ctx context.Context, actorID, id int64) error {
	return s.inTx(ctx, "delete answer template", func(tx pgx.Tx) error {
		var title string
		if err := tx.QueryRow(ctx, `DELETE FROM answer_template WHERE id = $1 RETURNING title`, id).Scan(&title); errors.Is(err, pgx.ErrNoRows) {
			return core.NotFound("error.template_not_found")
		} else if err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "answer_template.delete", core.EntityAnswerTemplate, id, title, s.now())
	})
}
