package postgres_test

import (
	"reflect"
	"testing"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// Searching ideas ignores case and accents, needs every word, takes LIKE's
// wildcards for punctuation and never shows a hidden idea; similar titles come closest first.
func TestIdeaSearchAndSimilarTitles(t *testing.T) {
	s := pgtest.Store(t)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	mod := newAccount(t, s, "mod@example.lu", core.RoleModerator)
	ids := map[string]int64{}
	for _, idea := range []struct{ title, body string }{
		{"Des vélos en libre-service", "Une station près de l'école."},
		{"Un banc dans le parc", "Pour les promeneurs âgés."},
		{"Des bancs au parc Laval", "Il n'y en a aucun."},
		{"Réduire la vitesse à 30 km/h", "Rue de l'École, devant 100% des enfants."},
		{"Plus de poubelles", "Au parc et à la gare."},
	} {
		in, err := core.IdeaInput{Title: idea.title, Body: idea.body}.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		if ids[idea.title], err = s.CreateIdea(ctx, lea.ID, in, 60); err != nil {
			t.Fatal(err)
		}
	}
	titles := func(q string) []string {
		t.Helper()
		list, err := s.Ideas(ctx, postgres.IdeaFilter{Search: q, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.CountIdeas(ctx, postgres.IdeaFilter{Search: q})
		if err != nil || n != len(list) {
			t.Fatalf("count for %q: %d, %v; listed %d", q, n, err, len(list))
		}
		var out []string
		for _, i := range list {
			out = append(out, i.Title)
		}
		return out
	}
	for q, want := range map[string][]string{
		"VELO":            {"Des vélos en libre-service"},
		"ecole":           {"Réduire la vitesse à 30 km/h", "Des vélos en libre-service"}, // title or text, newest first
		"parc banc":       {"Des bancs au parc Laval", "Un banc dans le parc"},
		"parc, poubelles": {"Plus de poubelles"},
		"100%":            {"Réduire la vitesse à 30 km/h"},
		"_a%":             {"Plus de poubelles", "Réduire la vitesse à 30 km/h", "Des bancs au parc Laval", "Un banc dans le parc", "Des vélos en libre-service"}, // no word: no search, not "anything"
	} {
		if got := titles(q); !reflect.DeepEqual(got, want) {
			t.Errorf("search %q: %q, want %q", q, got, want)
		}
	}
	if got := titles("de la"); len(got) != 5 { // no word long enough: no search at all
		t.Errorf("a search of short words only should list every idea, got %q", got)
	}

	similar := func(title string, except int64) []string {
		t.Helper()
		list, err := s.SimilarIdeas(ctx, title, except, 5)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, i := range list {
			out = append(out, i.Title)
		}
		return out
	}
	if got := similar("Des bancs dans le parc", 0); !reflect.DeepEqual(got, []string{"Un banc dans le parc", "Des bancs au parc Laval"}) {
		t.Errorf("similar to a bench in the park: %q", got)
	}
	if got := similar("Un banc dans le parc", ids["Un banc dans le parc"]); !reflect.DeepEqual(got, []string{"Des bancs au parc Laval"}) {
		t.Errorf("similar to an idea, leaving it out: %q", got)
	}
	if got := similar("Éclairage public", 0); len(got) != 0 {
		t.Errorf("nothing like street lighting, got %q", got)
	}

	if err := s.Moderate(ctx, mod.ID, "idea", ids["Plus de poubelles"], "hide", "", "hors sujet", nil); err != nil {
		t.Fatal(err)
	}
	if got := titles("poubelles"); len(got) != 0 {
		t.Errorf("a hidden idea was found: %q", got)
	}
	if got := similar("Plus de poubelles", 0); len(got) != 0 {
		t.Errorf("a hidden idea was suggested: %q", got)
	}
}

func TestSearchTerms(t *testing.T) {
	for q, want := range map[string][]string{
		"  Vélo, école ": {"Vélo", "école"},
		"de la rue":      {"rue"},
		"l'école":        {"école"},
		"30 km/h":        nil,
		"un deux trois quatre cinq six sept huit": {"deux", "trois", "quatre", "cinq", "six", "sept"},
	} {
		if got := postgres.SearchTerms(q); !reflect.DeepEqual(got, want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", q, got, want)
		}
	}
}
