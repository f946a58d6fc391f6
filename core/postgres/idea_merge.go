package postgres

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// MergeIdea records that idea ideaID repeats idea m.Into: its status becomes
// merged, m.Answer is its official answer, and its author and supporters are
// sent notify's mail (which should point them to the other idea). Supports stay
// where they were given. Both ideas are locked, lowest id first, so that two
// staff merging a pair each way cannot both succeed. One transaction with the
// timeline step, the audit line and the change-log row.
func (s *Store) MergeIdea(ctx context.Context, actorID, ideaID int64, m core.Merge, notify func(core.Participant, core.Idea) core.Mail) error {
	return s.inTx(ctx, "merge idea", func(tx pgx.Tx) error {
		now := s.now()
		rows, err := tx.Query(ctx, `SELECT id, status, hidden FROM idea WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, ideaID, m.Into)
		if err != nil {
			return err
		}
		type state struct {
			status core.IdeaStatus
			hidden bool
		}
		found := map[int64]state{}
		for rows.Next() {
			var id int64
			var st state
			if err := rows.Scan(&id, &st.status, &st.hidden); err != nil {
				return err
			}
			found[id] = st
		}
		if err := rows.Err(); err != nil {
			return err
		}
		from, ok := found[ideaID]
		if !ok {
			return core.NotFound("error.idea_not_found")
		}
		into, ok := found[m.Into]
		if !ok || into.hidden {
			return core.Invalid("into", "error.merge_target")
		}
		if m, err = m.Check(ideaID, from.status, into.status); err != nil {
			return err
		}
		var rev int
		if err := tx.QueryRow(ctx, `UPDATE idea SET status = 'merged', merged_into = $2, answer = $3,
				answered_at = coalesce(answered_at, $4), updated_at = $4, revision = revision + 1
			WHERE id = $1 RETURNING revision`, ideaID, m.Into, m.Answer, now).Scan(&rev); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO idea_step (idea_id, status, note, actor_id, created_at) VALUES ($1, 'merged', $2, $3, $4)`,
			ideaID, m.Answer, actorID, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "idea.merge", core.EntityIdea, ideaID, strconv.FormatInt(m.Into, 10), now); err != nil {
			return err
		}
		if err := notifyIdeaPeople(ctx, tx, ideaID, notify); err != nil {
			return err
		}
		ev := eventAt(now, core.EventUpdated, core.EntityIdea, ideaID, rev, actorID)
		ev.Data = map[string]any{"status": string(core.IdeaMerged), "merged_into": m.Into}
		return appendEvent(ctx, tx, ev)
	})
}
