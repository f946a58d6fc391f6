package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// FollowIdea makes a participant follow (follow false: no longer follow) an
// idea: they then hear of its official answers and steps, as its author and
// supporters do (notifyIdeaPeople), even if they had muted it. Following
// twice, or leaving an idea not followed, changes nothing. NotFound when the
// idea does not exist.
func (s *Store) FollowIdea(ctx context.Context, ideaID, participantID int64, follow bool) error {
	return s.inTx(ctx, "follow idea", func(tx pgx.Tx) error {
		var err error
		if follow { // following again undoes a MuteIdea
			_, err = tx.Exec(ctx, `INSERT INTO idea_follow (idea_id, participant_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, ideaID, participantID, s.now())
			if isForeignKeyViolation(err) {
				return core.NotFound("error.idea_not_found")
			}
			if err == nil {
				_, err = tx.Exec(ctx, `DELETE FROM idea_mute WHERE idea_id = $1 AND participant_id = $2`, ideaID, participantID)
			}
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM idea_follow WHERE idea_id = $1 AND participant_id = $2`, ideaID, participantID)
		}
		return err
	})
}

// IdeaNewsOf reports whether a participant follows an idea and whether they
// muted it (one statement).
func (s *Store) IdeaNewsOf(ctx context.Context, ideaID, participantID int64) (following, muted bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM idea_follow WHERE idea_id = $1 AND participant_id = $2),
		EXISTS (SELECT 1 FROM idea_mute WHERE idea_id = $1 AND participant_id = $2)`, ideaID, participantID).Scan(&following, &muted)
	return following, muted, wrapDB("read idea news", err)
}

// MuteIdea stops an idea's news for a participant: they no longer follow it
// and no step of it reaches them, whether they wrote or support it. Muting
// twice changes nothing. NotFound when the idea does not exist.
func (s *Store) MuteIdea(ctx context.Context, ideaID, participantID int64) error {
	return s.inTx(ctx, "mute idea", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO idea_mute (idea_id, participant_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, ideaID, participantID, s.now())
		if isForeignKeyViolation(err) {
			return core.NotFound("error.idea_not_found")
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM idea_follow WHERE idea_id = $1 AND participant_id = $2`, ideaID, participantID)
		return err
	})
}
