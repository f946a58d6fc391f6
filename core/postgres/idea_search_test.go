package postgres_test

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"

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

// Ideas in an area: placed inside its shape (not in a hole, not outside), or
// proposed in a project aimed at it, wherever they are placed.
func TestIdeasInAnArea(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	const areaID = 77 // the filter takes the area's id and shape; no area row is needed
	// A square of 0.02° with a square hole in its middle, and a second island.
	shape := orb.MultiPolygon{
		{{{6.10, 49.60}, {6.12, 49.60}, {6.12, 49.62}, {6.10, 49.62}, {6.10, 49.60}},
			{{6.105, 49.605}, {6.115, 49.605}, {6.115, 49.615}, {6.105, 49.615}, {6.105, 49.605}}},
		{{{6.20, 49.70}, {6.21, 49.70}, {6.21, 49.71}, {6.20, 49.71}, {6.20, 49.70}}},
	}
	project, err := s.SaveProject(ctx, staff.ID, 0, core.ProjectInput{Title: "Un parc", AreaIDs: []int64{areaID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetProjectStatus(ctx, staff.ID, project, core.ProjectPublished); err != nil {
		t.Fatal(err)
	}
	for _, idea := range []struct {
		title   string
		at      orb.Point
		project int64
	}{
		{"Dans le carré", orb.Point{6.101, 49.601}, 0},
		{"Dans le trou", orb.Point{6.11, 49.61}, 0},
		{"Sur l'île", orb.Point{6.205, 49.705}, 0},
		{"Dehors", orb.Point{6.15, 49.65}, 0},
		{"Dehors, dans le projet", orb.Point{6.15, 49.65}, project},
		{"Sans lieu", orb.Point{}, 0},
	} {
		in := core.IdeaInput{ProjectID: idea.project, Title: idea.title, Body: "Une idée pour le quartier.", Point: idea.at, HasPoint: idea.at != orb.Point{}}
		if in, err = in.Normalize(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateIdea(ctx, lea.ID, in, 60); err != nil {
			t.Fatal(err)
		}
	}
	f := postgres.IdeaFilter{AreaID: areaID, AreaShape: shape, Limit: 20}
	list, err := s.Ideas(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range list {
		got = append(got, i.Title)
	}
	if want := []string{"Dehors, dans le projet", "Sur l'île", "Dans le carré"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ideas in the area: %q, want %q", got, want)
	}
	if n, err := s.CountIdeas(ctx, f); err != nil || n != 3 {
		t.Fatalf("count in the area: %d, %v", n, err)
	}
}
