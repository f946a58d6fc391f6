package postgres_test

import (
	"testing"

	"quartier/core/postgres/pgtest"
)

// BenchmarkPublicFigures: the home page's figures (ideas proposed, answered,
// on time, realised) and its latest answers among 100,000 ideas, a third of
// them answered. The home page reads them once per ten seconds for every
// visitor.
func BenchmarkPublicFigures(b *testing.B) {
	s := pgtest.Store(b)
	if _, err := s.Pool().Exec(ctx, `
		WITH author AS (INSERT INTO participant (email, password_hash, display_name, email_verified_at)
			VALUES ('bench@quartier.test', '', 'Bench', now()) RETURNING id)
		INSERT INTO idea (author_id, title, body, answer_due_on, answered_at, status)
		SELECT author.id, 'Idée ' || g, 'Une idée générée pour les mesures de performance.', current_date + 60,
			CASE WHEN g % 3 = 0 THEN now() - (g % 90) * interval '1 day' END,
			CASE WHEN g % 30 = 0 THEN 'done' WHEN g % 3 = 0 THEN 'feasible' ELSE 'submitted' END
		FROM author, generate_series(1, 100000) g`); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `ANALYZE idea`); err != nil {
		b.Fatal(err)
	}
	b.Run("figures", func(b *testing.B) {
		for b.Loop() {
			f, err := s.PublicFigures(ctx)
			if err != nil || f.Ideas != 100000 || f.Answered != 33333 || f.Realised != 3333 {
				b.Fatalf("figures %+v, %v", f, err)
			}
		}
	})
	b.Run("latest_answers", func(b *testing.B) {
		for b.Loop() {
			if list, err := s.LatestAnswers(ctx, 3); err != nil || len(list) != 3 {
				b.Fatalf("latest answers: %d, %v", len(list), err)
			}
		}
	})
}
