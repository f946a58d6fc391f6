package postgres_test

import (
	"testing"
	"time"

	"quartier/core/postgres/pgtest"
)

// BenchmarkIndicators: the staff dashboard's figures for the last twelve
// months, over a year of activity: 100,000 ideas by 20,000 people, a million
// supports, 200,000 comments and 20,000 consultation responses, spread over
// the year.
func BenchmarkIndicators(b *testing.B) {
	s := pgtest.Store(b)
	if _, err := s.Pool().Exec(ctx, `
		INSERT INTO participant (email, password_hash, display_name, email_verified_at, created_at)
		SELECT 'bench-' || g || '@quartier.test', '', 'Bench', now(), now() - (g % 365) * interval '1 day' FROM generate_series(1, 20000) g;
		INSERT INTO idea (author_id, title, body, answer_due_on, created_at, answered_at, status)
		SELECT p.id, 'Idée ' || g, 'Une idée générée pour les mesures de performance.', current_date + 60,
			now() - (g % 365) * interval '1 day', CASE WHEN g % 3 = 0 THEN now() - (g % 300) * interval '1 day' END,
			CASE WHEN g % 30 = 0 THEN 'done' WHEN g % 3 = 0 THEN 'feasible' ELSE 'submitted' END
		FROM generate_series(1, 100000) g JOIN participant p ON p.email = 'bench-' || (g % 20000 + 1) || '@quartier.test';
		INSERT INTO support (idea_id, participant_id, created_at)
		SELECT i.id, p.id, now() - ((i.id + p.id) % 365) * interval '1 day'
		FROM (SELECT id FROM idea ORDER BY id LIMIT 50000) i JOIN LATERAL (SELECT id FROM participant ORDER BY id LIMIT 20 OFFSET i.id % 19000) p ON true;
		INSERT INTO comment (idea_id, author_id, body, created_at)
		SELECT i.id, i.author_id, 'Un commentaire.', i.created_at + interval '1 hour' FROM idea i, generate_series(1, 2);
		INSERT INTO consultation (title, description, kind, eligibility, opens_at, closes_at, created_at, updated_at)
		VALUES ('Enquête', '', 'survey', 'anyone', now() - interval '1 year', now() + interval '1 day', now(), now());
		INSERT INTO response (consultation_id, participant_id, created_at, updated_at)
		SELECT (SELECT max(id) FROM consultation), id, created_at, created_at FROM participant WHERE email LIKE 'bench-%';
		INSERT INTO address (id, street_id, street, number, number_int, number_suffix, postcode, locality, commune, lon, lat, source)
		SELECT g, g % 400, 'Rue ' || g % 400, g::text, g, '', '1000', 'Luxembourg', 'Luxembourg', 6.1 + (g % 100) * 0.001, 49.6 + (g / 100) * 0.0001, 'bd-adresses'
		FROM generate_series(1, 20000) g;
		UPDATE participant SET home_address_id = substring(email from 'bench-(\d+)@')::bigint WHERE email LIKE 'bench-%';
		ANALYZE`); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	b.Run("figures", func(b *testing.B) {
		for b.Loop() {
			ind, err := s.Indicators(ctx, now.AddDate(0, -11, 0), now)
			if err != nil || len(ind.Months) != 12 || ind.IdeasTotal != 100000 || ind.Active90 == 0 {
				b.Fatalf("indicators: %d months, %d ideas, %d active, %v", len(ind.Months), ind.IdeasTotal, ind.Active90, err)
			}
		}
	})
	// Where the residents live and whether they took part: counted per area
	// in memory afterwards.
	b.Run("resident_homes", func(b *testing.B) {
		for b.Loop() {
			homes, err := s.ResidentHomes(ctx, now.AddDate(0, 0, -90))
			if err != nil || len(homes) != 20000 {
				b.Fatalf("resident homes: %d, %v", len(homes), err)
			}
		}
	})
}
