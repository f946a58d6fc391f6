package postgres

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"quartier/core"
)

// SupportTotals counts, for the given ideas, the support rows, the sum of the
// counters and the support events in the change log (net of withdrawals): the
// three must agree.
func (s *Store) SupportTotals(ctx context.Context, ideaIDs []int64) (rows, counters, events int, err error) {
	err = s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM support WHERE idea_id = ANY($1)),
		(SELECT coalesce(sum(support_count), 0) FROM idea WHERE id = ANY($1)),
		(SELECT count(*) FILTER (WHERE kind = 'created') - count(*) FILTER (WHERE kind = 'deleted') FROM event WHERE entity = $2 AND entity_id = ANY($1))`,
		ideaIDs, core.EntitySupport).Scan(&rows, &counters, &events)
	return rows, counters, events, wrapDB("support totals", err)
}

// SeedIdeas fills a benchmark database: it tops the ideas up to n (with random
// positions in b and one author) and adds supports spread over them by
// generated participants, all in SQL and in bulk. Benchmarks and demos only.
func (s *Store) SeedIdeas(ctx context.Context, n, supports int, b orb.Bound, seed uint64) error {
	var have int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM idea`).Scan(&have); err != nil {
		return wrapDB("count ideas", err)
	}
	if have >= n && supports == 0 {
		return s.settle(ctx)
	}
	_, err := s.pool.Exec(ctx, `
		WITH author AS (
			INSERT INTO participant (email, password_hash, display_name, email_verified_at)
			VALUES ('seed-author-' || $5 || '@quartier.test', '', 'Seed', now()) RETURNING id)
		INSERT INTO idea (author_id, title, body, lon, lat, answer_due_on, support_count)
		SELECT author.id, 'Idée ' || g, 'Une idée générée pour les mesures de performance.',
			$1::float8 + random() * ($3::float8 - $1::float8), $2::float8 + random() * ($4::float8 - $2::float8), current_date + 60, 0
		FROM author, generate_series(1, greatest($6::int - $7::int, 0)) g`,
		b.Min[0], b.Min[1], b.Max[0], b.Max[1], fmt.Sprint(seed), n, have)
	if err != nil {
		return wrapDB("seed ideas", err)
	}
	if supports <= 0 {
		return s.settle(ctx)
	}
	// Participants enough for the supports (at most 1,000 supports each), then
	// supports on random ideas, then the counters, in one statement each.
	people := supports/1000 + 1
	if _, err := s.pool.Exec(ctx, `INSERT INTO participant (email, password_hash, display_name, email_verified_at)
		SELECT 'seed-' || $2 || '-' || g || '@quartier.test', '', 'Seed', now() FROM generate_series(1, $1) g`, people, fmt.Sprint(seed)); err != nil {
		return wrapDB("seed participants", err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO support (idea_id, participant_id)
		SELECT i.id, p.id FROM (SELECT id, row_number() OVER () AS r FROM participant WHERE email LIKE 'seed-' || $2 || '-%') p
		CROSS JOIN LATERAL (SELECT id FROM idea ORDER BY random() LIMIT 1000) i
		LIMIT $1 ON CONFLICT DO NOTHING`, supports, fmt.Sprint(seed)); err != nil {
		return wrapDB("seed supports", err)
	}
	_, err = s.pool.Exec(ctx, `UPDATE idea SET support_count = c.n FROM (SELECT idea_id, count(*) AS n FROM support GROUP BY idea_id) c
		WHERE idea.id = c.idea_id AND idea.support_count <> c.n`)
	if err != nil {
		return wrapDB("seed counters", err)
	}
	return s.settle(ctx)
}

// settle vacuums and checkpoints after bulk seeding, so that a measurement does
// not pay for autovacuum and a checkpoint of the seed.
func (s *Store) settle(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `VACUUM (ANALYZE) idea, support, participant`); err != nil {
		return wrapDB("vacuum after seeding", err)
	}
	_, _ = s.pool.Exec(ctx, `CHECKPOINT`) // needs a superuser; best effort
	return nil
}

// BallotTotals counts an envelope's cast ballots, the choices on them and the
// change-log rows of cast ballots.
func (s *Store) BallotTotals(ctx context.Context, envelopeID int64) (cast, choices, events int, err error) {
	err = s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM ballot WHERE envelope_id = $1 AND cast_at IS NOT NULL),
		(SELECT coalesce(sum(c.points), 0) FROM ballot_choice c JOIN ballot b USING (envelope_id, participant_id)
			WHERE c.envelope_id = $1 AND b.cast_at IS NOT NULL),
		(SELECT count(*) FROM event WHERE entity = 'ballot' AND entity_id = $1 AND data->>'cast' = 'true')`, envelopeID).Scan(&cast, &choices, &events)
	return cast, choices, events, wrapDB("ballot totals", err)
}
