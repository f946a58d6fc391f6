package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// budgetColumns are what scanBudget reads, translations included.
const budgetColumns = `id, title, description, method, max_choices, points, rule, phase, vote_opens_at, vote_closes_at,
	allow_changes, verified_only, revision, language,
	(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Title', t.title, 'Description', t.description,
		'Envelopes', to_jsonb(t.envelope_names), 'Source', t.source_hash)), '{}') FROM budget_translation t WHERE t.budget_id = budget.id)`

func scanBudget(row rowScanner) (core.Budget, error) {
	var b core.Budget
	err := row.Scan(&b.ID, &b.Title, &b.Description, &b.Method, &b.MaxChoices, &b.Points, &b.Rule, &b.Phase,
		&b.VoteOpensAt, &b.VoteClosesAt, &b.AllowChanges, &b.VerifiedOnly, &b.Revision, &b.Language, &b.Translations)
	return b, err
}

// Budget returns a budget with its envelopes.
func (s *Store) Budget(ctx context.Context, id int64) (core.Budget, error) {
	b, err := scanBudget(s.pool.QueryRow(ctx, `SELECT `+budgetColumns+` FROM budget WHERE id = $1`, id))
	if err != nil {
		return b, notFoundOr(err, "error.budget_not_found", "read budget")
	}
	byBudget, err := s.envelopesOf(ctx, []int64{id})
	b.Envelopes = byBudget[id]
	return b, err
}

// WithEnvelopes reads the envelopes of every budget of list (one statement),
// which Budgets lists without.
func (s *Store) WithEnvelopes(ctx context.Context, list []core.Budget) error {
	ids := make([]int64, len(list))
	for i, b := range list {
		ids[i] = b.ID
	}
	byBudget, err := s.envelopesOf(ctx, ids)
	for i := range list {
		list[i].Envelopes = byBudget[list[i].ID]
	}
	return err
}

// envelopesOf reads the envelopes of the budgets ids, in order, by budget.
func (s *Store) envelopesOf(ctx context.Context, ids []int64) (map[int64][]core.Envelope, error) {
	out := map[int64][]core.Envelope{}
	rows, err := s.pool.Query(ctx, `SELECT id, budget_id, name, coalesce(target_id, 0), amount FROM budget_envelope
		WHERE budget_id = ANY($1) ORDER BY budget_id, position, id`, ids)
	if err != nil {
		return nil, wrapDB("read envelopes", err)
	}
	var e core.Envelope
	_, err = pgx.ForEachRow(rows, []any{&e.ID, &e.BudgetID, &e.Name, &e.TargetID, &e.Amount}, func() error {
		out[e.BudgetID] = append(out[e.BudgetID], e)
		return nil
	})
	return out, wrapDB("scan envelopes", err)
}

// Budgets lists budgets, newest first; drafts only when asked (staff).
func (s *Store) Budgets(ctx context.Context, drafts bool) ([]core.Budget, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+budgetColumns+` FROM budget WHERE $1 OR phase <> 'draft' ORDER BY vote_opens_at DESC, id DESC`, drafts)
	if err != nil {
		return nil, wrapDB("list budgets", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Budget, error) { return scanBudget(row) })
	return out, wrapDB("scan budgets", err)
}

// SaveBudget creates (b.ID 0) or updates a budget (already normalised),
// replacing its translations. Its
// envelopes are replaced as long as no project was proposed; afterwards they
// stay as they are.
func (s *Store) SaveBudget(ctx context.Context, actorID int64, b core.Budget) (int64, error) {
	if b.Language == "" {
		b.Language = core.DefaultLanguage
	}
	err := s.inTx(ctx, "save budget", func(tx pgx.Tx) error {
		now := s.now()
		kind := core.EventUpdated
		var rev int
		var err error
		if b.ID == 0 {
			kind = core.EventCreated
			err = tx.QueryRow(ctx, `INSERT INTO budget (title, description, method, max_choices, points, rule, vote_opens_at, vote_closes_at,
				allow_changes, verified_only, created_by, created_at, updated_at, language) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
				RETURNING id, revision`, b.Title, b.Description, b.Method, b.MaxChoices, b.Points, b.Rule, b.VoteOpensAt, b.VoteClosesAt,
				b.AllowChanges, b.VerifiedOnly, nullID(actorID), now, b.Language).Scan(&b.ID, &rev)
		} else {
			err = tx.QueryRow(ctx, `UPDATE budget SET title = $2, description = $3, method = $4, max_choices = $5, points = $6, rule = $7,
				vote_opens_at = $8, vote_closes_at = $9, allow_changes = $10, verified_only = $11, updated_at = $12, revision = revision + 1,
				language = $13 WHERE id = $1 RETURNING revision`, b.ID, b.Title, b.Description, b.Method, b.MaxChoices, b.Points, b.Rule, b.VoteOpensAt,
				b.VoteClosesAt, b.AllowChanges, b.VerifiedOnly, now, b.Language).Scan(&rev)
		}
		if err != nil {
			return notFoundOr(err, "error.budget_not_found", "write budget")
		}
		if err := saveBudgetTranslations(ctx, tx, b); err != nil {
			return err
		}
		var projects int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM budget_project WHERE budget_id = $1`, b.ID).Scan(&projects); err != nil {
			return err
		}
		if projects == 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM budget_envelope WHERE budget_id = $1`, b.ID); err != nil {
				return err
			}
			for i, e := range b.Envelopes {
				_, err := tx.Exec(ctx, `INSERT INTO budget_envelope (budget_id, name, target_id, amount, position) VALUES ($1, $2, $3, $4, $5)`,
					b.ID, e.Name, nullID(e.TargetID), e.Amount, i)
				if isForeignKeyViolation(err) {
					return core.Invalid("envelopes", "error.target_not_found")
				}
				if err != nil {
					return err
				}
			}
		}
		if err := audit(ctx, tx, actorID, "budget.save", core.EntityBudget, b.ID, "", now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(now, kind, core.EntityBudget, b.ID, rev, actorID))
	})
	return b.ID, err
}

// saveBudgetTranslations replaces the translations of b, whose original words
// are b's: one whose words did not change keeps the source it was made from
// (out of date if the original changed).
func saveBudgetTranslations(ctx context.Context, tx pgx.Tx, b core.Budget) error {
	given := []string{}
	for l, t := range b.Translations {
		names := t.Envelopes
		if names == nil {
			names = []string{}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO budget_translation (budget_id, language, title, description, envelope_names, source_hash)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (budget_id, language) DO UPDATE SET title = excluded.title,
			description = excluded.description, envelope_names = excluded.envelope_names, source_hash = CASE
				WHEN (budget_translation.title, budget_translation.description, budget_translation.envelope_names)
					= (excluded.title, excluded.description, excluded.envelope_names) THEN budget_translation.source_hash
				ELSE excluded.source_hash END`, b.ID, l, t.Title, t.Description, names, b.WordsHash()); err != nil {
			return fmt.Errorf("write budget translation: %w", err)
		}
		given = append(given, string(l))
	}
	_, err := tx.Exec(ctx, `DELETE FROM budget_translation WHERE budget_id = $1 AND language <> ALL ($2)`, b.ID, given)
	return wrapDB("delete budget translations", err)
}

// SetBudgetPhase moves a budget to another phase.
func (s *Store) SetBudgetPhase(ctx context.Context, actorID, id int64, phase core.BudgetPhase) error {
	if !slices.Contains(core.BudgetPhases, phase) {
		return core.Invalid("phase", "error.budget_phase")
	}
	return s.inTx(ctx, "set budget phase", func(tx pgx.Tx) error {
		now := s.now()
		var rev int
		err := tx.QueryRow(ctx, `UPDATE budget SET phase = $2, updated_at = $3, revision = revision + 1 WHERE id = $1 RETURNING revision`,
			id, phase, now).Scan(&rev)
		if err != nil {
			return notFoundOr(err, "error.budget_not_found", "set budget phase")
		}
		if err := audit(ctx, tx, actorID, "budget.phase."+string(phase), core.EntityBudget, id, "", now); err != nil {
			return err
		}
		ev := eventAt(now, core.EventUpdated, core.EntityBudget, id, rev, actorID)
		ev.Data = map[string]any{"phase": string(phase)}
		return appendEvent(ctx, tx, ev)
	})
}

// ProposeBudgetProject stores a resident's proposal for an envelope: an idea
// (reviewed and answered like any idea) with its estimated cost. Only while the
// budget takes proposals.
func (s *Store) ProposeBudgetProject(ctx context.Context, authorID, budgetID, envelopeID int64, in core.IdeaInput, estimatedCost int64, answerDays int) (int64, error) {
	var ideaID int64
	err := s.inTx(ctx, "propose budget project", func(tx pgx.Tx) error {
		var phase string
		if err := tx.QueryRow(ctx, `SELECT phase FROM budget WHERE id = $1 FOR SHARE`, budgetID).Scan(&phase); err != nil {
			return notFoundOr(err, "error.budget_not_found", "read budget")
		}
		if core.BudgetPhase(phase) != core.PhaseProposals {
			return core.Conflict("error.budget_not_proposals")
		}
		var err error
		if ideaID, err = s.insertIdea(ctx, tx, authorID, in, answerDays); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO budget_project (budget_id, envelope_id, idea_id, estimated_cost) VALUES ($1, $2, $3, $4)`,
			budgetID, envelopeID, ideaID, estimatedCost)
		if isForeignKeyViolation(err) {
			return core.Invalid("envelope_id", "error.envelope_not_found")
		}
		return err
	})
	return ideaID, err
}

const budgetProjectColumns = `bp.id, bp.budget_id, bp.envelope_id, bp.idea_id, i.title, i.body, coalesce(a.display_name, ''), i.status,
	coalesce(i.answer, ''), i.progress, bp.estimated_cost, coalesce(bp.final_cost, 0), bp.vote_count, bp.selected`

const budgetProjectFrom = ` FROM budget_project bp JOIN idea i ON i.id = bp.idea_id
	LEFT JOIN participant a ON a.id = i.author_id AND a.deleted_at IS NULL`

// BudgetProjects lists a budget's visible projects by envelope, the most
// voted first.
func (s *Store) BudgetProjects(ctx context.Context, budgetID int64) ([]core.BudgetProject, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+budgetProjectColumns+budgetProjectFrom+`
		WHERE bp.budget_id = $1 AND NOT i.hidden ORDER BY bp.envelope_id, bp.vote_count DESC, bp.id`, budgetID)
	if err != nil {
		return nil, wrapDB("list budget projects", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.BudgetProject, error) {
		var p core.BudgetProject
		err := row.Scan(&p.ID, &p.BudgetID, &p.EnvelopeID, &p.IdeaID, &p.Title, &p.Body, &p.AuthorName, &p.Status, &p.Answer, &p.Progress,
			&p.EstimatedCost, &p.FinalCost, &p.VoteCount, &p.Selected)
		return p, err
	})
	return out, wrapDB("scan budget projects", err)
}

// SetFinalCost records the cost staff established at review. It is refused
// once voting started: ballots were made with the costs as they were.
func (s *Store) SetFinalCost(ctx context.Context, actorID, projectID, cost int64) error {
	if cost <= 0 || cost > 1_000_000_000 {
		return core.Invalid("final_cost", "error.budget_cost")
	}
	return s.inTx(ctx, "set final cost", func(tx pgx.Tx) error {
		var phase string
		err := tx.QueryRow(ctx, `SELECT b.phase FROM budget_project bp JOIN budget b ON b.id = bp.budget_id WHERE bp.id = $1 FOR UPDATE OF bp`,
			projectID).Scan(&phase)
		if err != nil {
			return notFoundOr(err, "error.budget_project_not_found", "read budget project")
		}
		switch core.BudgetPhase(phase) {
		case core.PhaseDraft, core.PhaseProposals, core.PhaseReview:
		default:
			return core.Conflict("error.budget_cost_frozen")
		}
		if _, err := tx.Exec(ctx, `UPDATE budget_project SET final_cost = $2 WHERE id = $1`, projectID, cost); err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "budget.final_cost", "budget_project", projectID, "", s.now())
	})
}

// SaveBallot writes a participant's ballot for an envelope (choices already
// checked against the method): a draft, or cast. A cast ballot may change
// until closing only where the budget allows it (it stays cast). One ballot
// per participant per envelope: the row is inserted first and then locked, so
// concurrent submissions queue on it and never make two. Only while voting is
// open. Projects' vote counters are not touched here (thousands of ballots at
// closing time would queue on the same few project rows): they are counted
// when the result is published, and VoteCounts reads them live for staff.
func (s *Store) SaveBallot(ctx context.Context, participantID, budgetID, envelopeID int64, choices []core.BallotChoice, cast bool) error {
	return s.inTx(ctx, "save ballot", func(tx pgx.Tx) error {
		b, err := scanBudget(tx.QueryRow(ctx, `SELECT `+budgetColumns+` FROM budget WHERE id = $1`, budgetID))
		if err != nil {
			return notFoundOr(err, "error.budget_not_found", "read budget")
		}
		now := s.now()
		if !b.VotingOpen(now) {
			return core.Conflict("error.voting_closed")
		}
		tag, err := tx.Exec(ctx, `INSERT INTO ballot (envelope_id, participant_id, updated_at)
			SELECT id, $2, $3 FROM budget_envelope WHERE id = $1 AND budget_id = $4 ON CONFLICT DO NOTHING`, envelopeID, participantID, now, budgetID)
		if err != nil {
			return err
		}
		var castAt *time.Time
		err = tx.QueryRow(ctx, `SELECT cast_at FROM ballot WHERE envelope_id = $1 AND participant_id = $2 FOR UPDATE`, envelopeID, participantID).Scan(&castAt)
		if err == pgx.ErrNoRows && tag.RowsAffected() == 0 {
			return core.NotFound("error.envelope_not_found")
		}
		if err != nil {
			return err
		}
		if castAt != nil {
			if !b.AllowChanges {
				return core.Conflict("error.ballot_already_cast")
			}
			cast = true // a cast ballot stays cast: changes are cast again
		}
		if cast {
			castAt = &now
		}
		ids, points := make([]int64, len(choices)), make([]int32, len(choices))
		for i, c := range choices {
			ids[i], points[i] = c.ProjectID, int32(c.Points)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM ballot_choice WHERE envelope_id = $1 AND participant_id = $2`, envelopeID, participantID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE ballot SET cast_at = $3, updated_at = $4 WHERE envelope_id = $1 AND participant_id = $2`,
			envelopeID, participantID, castAt, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO ballot_choice (envelope_id, participant_id, project_id, points)
			SELECT $1, $2, unnest($3::bigint[]), unnest($4::int[])`, envelopeID, participantID, ids, points)
		if isForeignKeyViolation(err) {
			return core.Invalid("choices", "error.ballot_project")
		}
		if err != nil {
			return err
		}
		ev := eventAt(now, core.EventUpdated, "ballot", envelopeID, 1, participantID)
		ev.Data = map[string]any{"cast": cast}
		return appendEvent(ctx, tx, ev)
	})
}

// VoteCounts counts, per project of an envelope, the cast ballots choosing it
// (for points ballots: the points).
func (s *Store) VoteCounts(ctx context.Context, envelopeID int64) (map[int64]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.project_id, sum(c.points) FROM ballot_choice c JOIN ballot b USING (envelope_id, participant_id)
		WHERE c.envelope_id = $1 AND b.cast_at IS NOT NULL GROUP BY c.project_id`, envelopeID)
	if err != nil {
		return nil, wrapDB("count votes", err)
	}
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, wrapDB("count votes", err)
		}
		out[id] = n
	}
	return out, wrapDB("count votes", rows.Err())
}

// BallotOf returns a participant's ballot for an envelope (empty if none).
func (s *Store) BallotOf(ctx context.Context, envelopeID, participantID int64) (core.Ballot, error) {
	b := core.Ballot{EnvelopeID: envelopeID}
	var castAt *time.Time
	err := s.pool.QueryRow(ctx, `SELECT cast_at FROM ballot WHERE envelope_id = $1 AND participant_id = $2`, envelopeID, participantID).Scan(&castAt)
	if err == pgx.ErrNoRows {
		return b, nil
	}
	if err != nil {
		return b, wrapDB("read ballot", err)
	}
	if castAt != nil {
		b.CastAt = *castAt
	}
	rows, err := s.pool.Query(ctx, `SELECT project_id, points FROM ballot_choice WHERE envelope_id = $1 AND participant_id = $2 ORDER BY project_id`,
		envelopeID, participantID)
	if err != nil {
		return b, wrapDB("read ballot", err)
	}
	b.Choices, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.BallotChoice, error) {
		var c core.BallotChoice
		return c, row.Scan(&c.ProjectID, &c.Points)
	})
	return b, wrapDB("scan ballot", err)
}

// CastBallot is one cast ballot as the result computation reads it: a
// pseudonymous voter number and the choices.
type CastBallot struct {
	Voter   int64
	Choices []core.BallotChoice
}

// CastBallots returns an envelope's cast ballots, in the order they were
// cast (voters are numbered, not named: the export carries no identity).
func (s *Store) CastBallots(ctx context.Context, envelopeID int64) ([]CastBallot, error) {
	rows, err := s.pool.Query(ctx, `SELECT b.participant_id, array_agg(c.project_id ORDER BY c.project_id), array_agg(c.points ORDER BY c.project_id)
		FROM ballot b JOIN ballot_choice c USING (envelope_id, participant_id)
		WHERE b.envelope_id = $1 AND b.cast_at IS NOT NULL GROUP BY b.participant_id, b.cast_at ORDER BY b.cast_at, b.participant_id`, envelopeID)
	if err != nil {
		return nil, wrapDB("read cast ballots", err)
	}
	n := int64(0)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (CastBallot, error) {
		var who int64
		var ids []int64
		var points []int32
		if err := row.Scan(&who, &ids, &points); err != nil {
			return CastBallot{}, err
		}
		n++
		cb := CastBallot{Voter: n}
		for i, id := range ids {
			cb.Choices = append(cb.Choices, core.BallotChoice{ProjectID: id, Points: int(points[i])})
		}
		return cb, nil
	})
	return out, wrapDB("scan cast ballots", err)
}

// EntityBudgetResult names, in the change log, an envelope's published result
// (its id is the envelope's).
const EntityBudgetResult = "budget_result"

// BudgetResult is an envelope's published result.
type BudgetResult struct {
	EnvelopeID  int64
	Rule        string
	Ballots     int
	Share       float64
	EqualShares []int64 // project ids in the order chosen
	Greedy      []int64
	PublishedAt time.Time
}

// Winners are the projects the budget's rule selected.
func (r BudgetResult) Winners() []int64 {
	if r.Rule == core.RuleGreedy {
		return r.Greedy
	}
	return r.EqualShares
}

// PublishBudgetResult records an envelope's result, marks its winners
// selected (and only them) and stores each project's final vote count. Only
// after voting closed.
func (s *Store) PublishBudgetResult(ctx context.Context, actorID int64, r BudgetResult) error {
	return s.inTx(ctx, "publish budget result", func(tx pgx.Tx) error {
		var closes time.Time
		var budgetID int64
		err := tx.QueryRow(ctx, `SELECT b.id, b.vote_closes_at FROM budget_envelope e JOIN budget b ON b.id = e.budget_id WHERE e.id = $1 FOR UPDATE OF b`,
			r.EnvelopeID).Scan(&budgetID, &closes)
		if err != nil {
			return notFoundOr(err, "error.envelope_not_found", "read envelope")
		}
		now := s.now()
		if now.Before(closes) {
			return core.Conflict("error.voting_not_closed")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO budget_result (envelope_id, rule, ballots, share, equal_shares, greedy, published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (envelope_id) DO UPDATE SET rule = $2, ballots = $3, share = $4,
			equal_shares = $5, greedy = $6, published_at = $7`, r.EnvelopeID, r.Rule, r.Ballots, r.Share, r.EqualShares, r.Greedy, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE budget_project bp SET selected = (bp.id = ANY($2)), vote_count = coalesce((
				SELECT sum(c.points) FROM ballot_choice c JOIN ballot b USING (envelope_id, participant_id)
				WHERE c.project_id = bp.id AND b.cast_at IS NOT NULL), 0)
			WHERE bp.envelope_id = $1`, r.EnvelopeID, r.Winners()); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "budget.result", "budget_envelope", r.EnvelopeID, "", now); err != nil {
			return err
		}
		ev := eventAt(now, core.EventUpdated, core.EntityBudget, budgetID, 1, actorID)
		ev.Data = map[string]any{"result": r.EnvelopeID}
		if err := appendEvent(ctx, tx, ev); err != nil {
			return err
		}
		// The announcement on the channels, once per envelope.
		return appendEvent(ctx, tx, eventAt(now, core.EventCreated, EntityBudgetResult, r.EnvelopeID, 1, actorID))
	})
}

// BudgetResults returns a budget's published results by envelope.
func (s *Store) BudgetResults(ctx context.Context, budgetID int64) (map[int64]BudgetResult, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.envelope_id, r.rule, r.ballots, r.share, r.equal_shares, r.greedy, r.published_at
		FROM budget_result r JOIN budget_envelope e ON e.id = r.envelope_id WHERE e.budget_id = $1`, budgetID)
	if err != nil {
		return nil, wrapDB("read budget results", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (BudgetResult, error) {
		var r BudgetResult
		return r, row.Scan(&r.EnvelopeID, &r.Rule, &r.Ballots, &r.Share, &r.EqualShares, &r.Greedy, &r.PublishedAt)
	})
	if err != nil {
		return nil, wrapDB("scan budget results", err)
	}
	out := map[int64]BudgetResult{}
	for _, r := range list {
		out[r.EnvelopeID] = r
	}
	return out, nil
}

// EnvelopeBudget returns the budget an envelope belongs to, and the envelope.
func (s *Store) EnvelopeBudget(ctx context.Context, envelopeID int64) (core.Budget, core.Envelope, error) {
	var budgetID int64
	if err := s.pool.QueryRow(ctx, `SELECT budget_id FROM budget_envelope WHERE id = $1`, envelopeID).Scan(&budgetID); err != nil {
		return core.Budget{}, core.Envelope{}, notFoundOr(err, "error.envelope_not_found", "read envelope")
	}
	b, err := s.Budget(ctx, budgetID)
	if err != nil {
		return b, core.Envelope{}, err
	}
	e, _ := b.Envelope(envelopeID)
	return b, e, nil
}
