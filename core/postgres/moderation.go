package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// Flag records one person's flag on an idea, a comment or a debate's argument
// (once per person) and
// hides the content pending review when it reaches hideAt flags. It reports
// whether the content is now hidden.
func (s *Store) Flag(ctx context.Context, entity string, id, participantID int64, reason string, hideAt int) (bool, error) {
	table, ok := moderatedTables[entity]
	if !ok {
		return false, core.Invalid("entity", "error.flag_entity")
	}
	var hidden bool
	err := s.inTx(ctx, "flag", func(tx pgx.Tx) error {
		now := s.now()
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = $1`+stillWritten[entity]+`)`, id).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return core.NotFound("error.content_not_found")
		}
		tag, err := tx.Exec(ctx, `INSERT INTO flag (entity, entity_id, participant_id, reason, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, entity, id, participantID, reason, now)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		var count int
		if err := tx.QueryRow(ctx, `UPDATE `+table+` SET flag_count = flag_count + 1,
			hidden = hidden OR flag_count + 1 >= $2 WHERE id = $1 RETURNING flag_count, hidden`, id, hideAt).Scan(&count, &hidden); err != nil {
			return err
		}
		if hidden && count == hideAt {
			return audit(ctx, tx, 0, "auto_hide", entity, id, fmt.Sprintf("%d flags", count), now)
		}
		return nil
	})
	return hidden, err
}

var moderatedTables = map[string]string{core.EntityIdea: "idea", core.EntityComment: "comment", core.EntityArgument: "argument"}

// stillWritten is the condition under which content can be flagged: words
// their author withdrew are gone.
var stillWritten = map[string]string{core.EntityComment: " AND withdrawn_at IS NULL", core.EntityArgument: " AND withdrawn_at IS NULL"}

// Flagged is content waiting for a moderator.
type Flagged struct {
	Entity    string
	ID        int64
	IdeaID    int64 // the idea it belongs to (itself for an idea; 0 for an argument)
	DebateID  int64 // the debate of an argument
	Title     string
	Body      string
	AuthorID  int64
	Hidden    bool
	FlagCount int
	Reasons   []string
}

// ModerationQueue lists flagged content with unresolved flags, hidden first.
func (s *Store) ModerationQueue(ctx context.Context, limit int) ([]Flagged, error) {
	rows, err := s.pool.Query(ctx, `SELECT f.entity, f.entity_id, coalesce(i.id, c.idea_id, 0), coalesce(a.debate_id, 0), coalesce(i.title, ''),
			coalesce(i.body, c.body, a.body), coalesce(i.author_id, c.author_id, a.author_id), coalesce(i.hidden, c.hidden, a.hidden),
			count(*), array_agg(DISTINCT f.reason)
		FROM flag f
		LEFT JOIN idea i ON f.entity = 'idea' AND i.id = f.entity_id
		LEFT JOIN comment c ON f.entity = 'comment' AND c.id = f.entity_id
		LEFT JOIN argument a ON f.entity = 'argument' AND a.id = f.entity_id
		WHERE f.resolved_at IS NULL
		GROUP BY f.entity, f.entity_id, i.id, c.id, a.id
		ORDER BY coalesce(i.hidden, c.hidden, a.hidden) DESC, count(*) DESC LIMIT $1`, limit)
	if err != nil {
		return nil, wrapDB("moderation queue", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Flagged, error) {
		var f Flagged
		err := row.Scan(&f.Entity, &f.ID, &f.IdeaID, &f.DebateID, &f.Title, &f.Body, &f.AuthorID, &f.Hidden, &f.FlagCount, &f.Reasons)
		return f, err
	})
	return out, wrapDB("scan moderation queue", err)
}

// Moderation actions.
const (
	ModerationHide    = "hide"
	ModerationRestore = "restore"
	ModerationEdit    = "edit" // replace the text (and restore it)
)

// Moderate hides, restores or edits content with a logged reason, resolves its
// flags, and queues a message to its author. newBody is used by ModerationEdit.
func (s *Store) Moderate(ctx context.Context, actorID int64, entity string, id int64, action, newBody, reason string, notify func(core.Participant) core.Mail) error {
	table, ok := moderatedTables[entity]
	if !ok {
		return core.Invalid("entity", "error.flag_entity")
	}
	return s.inTx(ctx, "moderate", func(tx pgx.Tx) error {
		now := s.now()
		var author int64
		var err error
		switch action {
		case ModerationHide, ModerationRestore:
			err = tx.QueryRow(ctx, `UPDATE `+table+` SET hidden = $2 WHERE id = $1 RETURNING author_id`, id, action == ModerationHide).Scan(&author)
		case ModerationEdit:
			err = tx.QueryRow(ctx, `UPDATE `+table+` SET body = $2, hidden = false WHERE id = $1 RETURNING author_id`, id, newBody).Scan(&author)
		default:
			return core.Invalid("action", "error.moderation_action")
		}
		if err != nil {
			return notFoundOr(err, "error.content_not_found", "moderate")
		}
		if _, err := tx.Exec(ctx, `UPDATE flag SET resolved_at = $3 WHERE entity = $1 AND entity_id = $2 AND resolved_at IS NULL`, entity, id, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, action, entity, id, reason, now); err != nil {
			return err
		}
		p, err := scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE id = $1 AND deleted_at IS NULL`, author))
		if err == nil && notify != nil {
			if err := queueMail(ctx, tx, notify(p)); err != nil {
				return err
			}
		} else if err != nil && err != pgx.ErrNoRows {
			return err
		}
		ev := eventAt(now, core.EventUpdated, entity, id, 0, actorID)
		ev.Data = map[string]any{"moderation": action}
		return appendEvent(ctx, tx, ev)
	})
}
