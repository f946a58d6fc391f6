package postgres_test

import (
	"testing"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// An alternative joins the project of the idea it answers, whatever project
// it names; the pages link both ways; its author is told unless it is their
// own idea or they turned such mails off. An alternative to a hidden or
// unknown idea, or in a closed project, is refused and stores nothing; one
// to a merged idea is linked to the idea that carries it on.
func TestIdeaAlternatives(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	tom := newAccount(t, s, "tom@example.lu", core.RoleCitizen)
	project := publishedProject(t, s, staff.ID)
	notify := func(n postgres.AlternativeNotice) core.Mail {
		return core.Mail{To: n.To.Email, Subject: n.AuthorName + " → " + n.IdeaTitle + " : " + n.AlternativeTitle}
	}
	propose := func(author int64, in core.IdeaInput) (int64, error) {
		t.Helper()
		in, err := in.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		return s.CreateIdeaNotifying(ctx, author, in, 60, notify)
	}
	first, err := propose(lea.ID, core.IdeaInput{ProjectID: project, Title: "Des bancs sur la place", Body: "Pour se reposer au soleil."})
	if err != nil {
		t.Fatal(err)
	}
	other := publishedProject(t, s, staff.ID)
	alt, err := propose(tom.ID, core.IdeaInput{ProjectID: other, AlternativeTo: first, Title: "Des chaises mobiles", Body: "Chacun les place où il veut."})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Idea(ctx, alt)
	if err != nil || got.AlternativeTo != first || got.ProjectID != project {
		t.Fatalf("alternative: %v %+v", err, got)
	}
	if p, _ := s.Project(ctx, project); p.IdeaCount != 2 {
		t.Errorf("the project counts %d ideas, want 2", p.IdeaCount)
	}
	if mails := claimAll(t, s); len(mails) != 1 || mails[0] != "lea@example.lu Léa → Des bancs sur la place : Des chaises mobiles" {
		t.Fatalf("mails: %q", mails)
	}
	events, err := s.EventsAfter(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var logged bool
	for _, e := range events {
		logged = logged || e.Entity == core.EntityIdea && e.EntityID == alt && e.Kind == core.EventCreated && e.Data["alternative_to"] == float64(first)
	}
	if !logged {
		t.Error("the change log does not say what the idea is an alternative to")
	}
	links, err := s.IdeaLinks(ctx, first)
	if err != nil || links.AlternativeTo != nil || len(links.Alternatives) != 1 || links.Alternatives[0].ID != alt || links.Alternatives[0].Title != "Des chaises mobiles" {
		t.Fatalf("links of the idea answered: %v %+v", err, links)
	}
	if links, err = s.IdeaLinks(ctx, alt); err != nil || links.AlternativeTo == nil || links.AlternativeTo.ID != first || len(links.Alternatives) != 0 {
		t.Fatalf("links of the alternative: %v %+v", err, links)
	}

	// Lea's alternative to her own idea tells nobody; with replies off, Tom
	// does not hear of one to his.
	own, err := propose(lea.ID, core.IdeaInput{AlternativeTo: first, Title: "Ou des bancs à l'ombre", Body: "Sous les arbres, plutôt."})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSubscriptions(ctx, tom.ID, postgres.Subscriptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := propose(lea.ID, core.IdeaInput{AlternativeTo: alt, Title: "Des chaises fixées", Body: "Pour qu'elles restent."}); err != nil {
		t.Fatal(err)
	}
	if mails := claimAll(t, s); len(mails) != 0 {
		t.Fatalf("mails nobody should get: %q", mails)
	}

	// Merged: the alternative goes to the idea that carries it on.
	if err := s.MergeIdea(ctx, staff.ID, own, core.Merge{Into: first, Answer: "Cette idée rejoint l'idée n° 1."}, noMail); err != nil {
		t.Fatal(err)
	}
	claimAll(t, s)
	viaMerged, err := propose(tom.ID, core.IdeaInput{AlternativeTo: own, Title: "Des bancs en bois", Body: "Plus agréables que le métal."})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Idea(ctx, viaMerged); got.AlternativeTo != first {
		t.Errorf("an alternative to a merged idea links to %d, want %d", got.AlternativeTo, first)
	}

	// Refused, and nothing stored.
	before, _ := s.CountIdeas(ctx, postgres.IdeaFilter{})
	if err := s.Moderate(ctx, staff.ID, "idea", viaMerged, "hide", "", "hors sujet", nil); err != nil {
		t.Fatal(err)
	}
	before--
	for _, c := range []struct {
		name string
		to   int64
		code core.Code
	}{
		{"a hidden idea", viaMerged, core.CodeNotFound},
		{"no idea", 424242, core.CodeNotFound},
	} {
		if _, err := propose(lea.ID, core.IdeaInput{AlternativeTo: c.to, Title: "Une autre idée", Body: "Une autre façon de faire."}); core.CodeOf(err) != c.code {
			t.Errorf("alternative to %s: %v, want %s", c.name, err, c.code)
		}
	}
	if err := s.SetProjectStatus(ctx, staff.ID, project, core.ProjectArchived); err != nil {
		t.Fatal(err)
	}
	if _, err := propose(tom.ID, core.IdeaInput{AlternativeTo: first, Title: "Une autre idée", Body: "Une autre façon de faire."}); core.CodeOf(err) != core.CodeConflict {
		t.Errorf("alternative in an archived project: %v, want a conflict", err)
	}
	if n, _ := s.CountIdeas(ctx, postgres.IdeaFilter{}); n != before {
		t.Errorf("refused alternatives stored ideas: %d, want %d", n, before)
	}
	// Lea's own alternative, merged here, is listed as merged; Tom's last, hidden, not at all.
	if links, _ := s.IdeaLinks(ctx, first); len(links.Alternatives) != 1 || len(links.MergedHere) != 1 || links.MergedHere[0].ID != own {
		t.Errorf("links after merging and hiding: %+v", links)
	}
}
