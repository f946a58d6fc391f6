package postgres_test

import (
	"fmt"
	"testing"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// BenchmarkSupport: one support (the statement with its counter, review step
// and change-log row, and its commit) on one connection, spread over 100
// ideas as the load benchmark does.
func BenchmarkSupport(b *testing.B) {
	s, err := postgres.Open(ctx, pgtest.URL(b), postgres.Options{MaxConns: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const nIdeas = 100
	var author int64
	if err := s.Pool().QueryRow(ctx, `INSERT INTO participant (display_name, role, locale, member, created_at, updated_at)
		VALUES ('Auteur', 'citizen', 'fr', true, now(), now()) RETURNING id`).Scan(&author); err != nil {
		b.Fatal(err)
	}
	ideas := make([]int64, nIdeas)
	for i := range ideas {
		in, _ := core.IdeaInput{Title: fmt.Sprintf("Idée %d", i), Body: "Pour mesurer les soutiens."}.Normalize()
		if ideas[i], err = s.CreateIdea(ctx, author, in, 60); err != nil {
			b.Fatal(err)
		}
	}
	var first int64
	if err := s.Pool().QueryRow(ctx, `WITH p AS (INSERT INTO participant (display_name, role, locale, member, created_at, updated_at)
		SELECT 'Voisin ' || g, 'citizen', 'fr', true, now(), now() FROM generate_series(1, $1) g RETURNING id) SELECT min(id) FROM p`, b.N/nIdeas+1).Scan(&first); err != nil {
		b.Fatal(err)
	}
	follow := core.FollowUp{SupportThreshold: 1 << 30, ReviewDays: 30}
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.Support(ctx, ideas[i%nIdeas], first+int64(i/nIdeas), core.ChannelWeb, follow); err != nil {
			b.Fatal(err)
		}
	}
}
