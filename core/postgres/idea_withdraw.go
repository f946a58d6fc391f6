package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// WithdrawIdea deletes authorID's idea, with its photos and timeline, while
// nobody else has taken part in it: core.Idea.EditableByAuthor, and no idea
// merged into it or proposed as its alternative, all checked in the DELETE
// itself so that a support arriving first wins (a conflict then). Its
// project counts one idea fewer and the change log says it was withdrawn
// (webhooks hear of it); one transaction. Someone else's idea is forbidden.
func (s *Store) WithdrawIdea(ctx context.Context, authorID, ideaID int64) error {
	return s.inTx(ctx, "withdraw idea", func(tx pgx.Tx) error {
		var project *int64
		var rev int
		err := tx.QueryRow(ctx, `DELETE FROM idea i WHERE i.id = $1 AND `+editableByAuthor+`
			AND NOT EXISTS (SELECT 1 FROM idea o WHERE o.merged_into = i.id OR o.alternative_to = i.id)
			RETURNING i.project_id, i.revision`, ideaID, authorID).Scan(&project, &rev)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return notEditable(ctx, tx, ideaID, authorID)
		case isForeignKeyViolation(err): // a budget or a council took it up meanwhile
			return core.Conflict("error.idea_not_editable")
		case err != nil:
			return err
		}
		if project != nil {
			if _, err := tx.Exec(ctx, `UPDATE project SET idea_count = idea_count - 1 WHERE id = $1`, *project); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM flag WHERE entity = 'idea' AND entity_id = $1`, ideaID); err != nil {
			return err
		}
		ev := eventAt(s.now(), core.EventDeleted, core.EntityIdea, ideaID, rev+1, authorID)
		ev.Data = map[string]any{"withdrawn": true}
		return appendEvent(ctx, tx, ev)
	})
}
