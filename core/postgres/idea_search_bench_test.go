package postgres_test

import (
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// BenchmarkIdeaSearch: a page of the idea list (top 20 and its count) for a
// search among 100,000 ideas whose titles combine 12 subjects and 12 places,
// and the look-alikes of a title being written. A word common to a twelfth
// of the ideas, two words together (a 144th), a word in one idea in a
// thousand, and, for reference, the list without a search.
func BenchmarkIdeaSearch(b *testing.B) {
	s := pgtest.Store(b)
	if _, err := s.Pool().Exec(ctx, `
		WITH author AS (INSERT INTO participant (email, password_hash, display_name, email_verified_at)
			VALUES ('bench@quartier.test', '', 'Bench', now()) RETURNING id),
		words AS (SELECT ARRAY['Des bancs', 'Une piste cyclable', 'Plus de poubelles', 'Un passage piéton', 'Des arbres',
			'Un jardin partagé', 'Une aire de jeux', 'Moins de voitures', 'Un meilleur éclairage', 'Une fontaine',
			'Des vélos en libre-service', 'Un marché bio'] AS subject,
			ARRAY['au parc', 'rue de Warken', 'devant l''école', 'à la gare', 'place Guillaume', 'au Kirchberg',
			'à Bonnevoie', 'au Limpertsberg', 'près du lycée', 'au Grund', 'à Hollerich', 'au Cents'] AS place)
		INSERT INTO idea (author_id, title, body, answer_due_on, support_count)
		SELECT author.id, subject[1 + g % 12] || ' ' || place[1 + (g / 12) % 12] || CASE WHEN g % 1000 = 0 THEN ' (kiosque)' ELSE '' END,
			'Proposition n° ' || g || ' : ' || subject[1 + g % 12] || ' ' || place[1 + (g / 12) % 12] ||
			'. Les habitants du quartier en parlent depuis longtemps et demandent que la commune étudie la question.',
			current_date + 60, (g * 7919) % 500
		FROM author, words, generate_series(1, 100000) g`); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `ANALYZE idea`); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, q string }{
		{"none", ""}, {"common", "velos"}, {"two_words", "fontaine gare"}, {"rare", "kiosque"},
	} {
		b.Run("list/"+c.name, func(b *testing.B) {
			f := postgres.IdeaFilter{Search: c.q, Top: true, Limit: 20}
			for b.Loop() {
				if _, err := s.Ideas(ctx, f); err != nil {
					b.Fatal(err)
				}
				if _, err := s.CountIdeas(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("similar", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.SimilarIdeas(ctx, "Des bancs au parc de la ville", 0, 5); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIdeasInAQuarter: the top 20 ideas placed in the Gare quarter of
// Luxembourg City (its OpenStreetMap outline) and their count, among 100,000
// ideas spread over the city's box.
func BenchmarkIdeasInAQuarter(b *testing.B) {
	data, err := os.ReadFile("../../cmd/quartier/demodata/lu/Quartiers_de_Luxembourg.wgs84.geojson")
	if err != nil {
		b.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		b.Fatal(err)
	}
	var shape orb.MultiPolygon
	for _, f := range fc.Features {
		if f.Properties.MustString("NAME", "") == "Gare" {
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				shape = orb.MultiPolygon{g}
			case orb.MultiPolygon:
				shape = g
			}
		}
	}
	if len(shape) == 0 {
		b.Fatal("no Gare quarter")
	}
	s := pgtest.Store(b)
	if _, err := s.Pool().Exec(ctx, `
		WITH author AS (INSERT INTO participant (email, password_hash, display_name, email_verified_at)
			VALUES ('bench@quartier.test', '', 'Bench', now()) RETURNING id)
		INSERT INTO idea (author_id, title, body, lon, lat, answer_due_on, support_count)
		SELECT author.id, 'Idée ' || g, 'Une idée générée pour les mesures de performance.',
			6.08 + random() * 0.12, 49.57 + random() * 0.08, current_date + 60, (g * 7919) % 500
		FROM author, generate_series(1, 100000) g`); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `ANALYZE idea`); err != nil {
		b.Fatal(err)
	}
	f := postgres.IdeaFilter{AreaID: 1, AreaShape: shape, Top: true, Limit: 20}
	n, err := s.CountIdeas(ctx, f)
	if err != nil {
		b.Fatal(err)
	}
	defer b.ReportMetric(float64(n), "ideas_in_quarter")
	for b.Loop() {
		if _, err := s.Ideas(ctx, f); err != nil {
			b.Fatal(err)
		}
		if _, err := s.CountIdeas(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}
