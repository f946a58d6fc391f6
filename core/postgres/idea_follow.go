package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// FollowIdea makes a participant follow (follow false: no longer follow) an
// idea: they then hear of its official answers and steps, as its author and
// supporters do (notifyIdeaPeople). Following twice, or leaving an idea not
// followed, changes nothing. NotFound when the idea does not exist.
func (s *Store) FollowIdea(ctx context.Context, ideaID, participantID int64, follow bool) error {
	return s.inTx(ctx, "follow idea", func(tx pgx.Tx) error {
		var err error
		if follow {
			_, err = tx.Exec(ctx, `INSERT INTO idea_follow (idea_id, participant_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, ideaID, participantID, s.now())
			if isForeignKeyViolation(err) {
				return core.NotFound("error.idea_not_found")
			}
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM idea_follow WHERE idea_id = $1 AND participant_id = $2`, ideaID, participantID)
		}
		return err
	})
}

// FollowsIdea reports whether a participant follows an idea.
func (s *Store) FollowsIdea(ctx context.Context, ideaID, participantID int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM idea_follow WHERE idea_id = $1 AND participant_id = $2)`,
		ideaID, participantID).Scan(&ok)
	return ok, wrapDB("read idea follow", err)
}
