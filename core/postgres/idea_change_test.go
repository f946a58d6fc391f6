package postgres_test

import (
	"sort"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// A duplicate merges into the idea that carries it on: it closes with the
// answer, its people are told, its supports stay, and the pages can link both
// ways. Merging an answered idea, into itself, into a merged or hidden idea, or
// without an answer is refused and changes nothing.
func TestMergeIdea(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	tom := newAccount(t, s, "tom@example.lu", core.RoleCitizen)
	newIdea := func(title string) int64 {
		t.Helper()
		in, err := core.IdeaInput{Title: title, Body: "Pour le quartier."}.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.CreateIdea(ctx, lea.ID, in, 60)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	first, dup, other, hidden := newIdea("Des bancs au parc"), newIdea("Un banc dans le parc"), newIdea("Des vélos"), newIdea("Caché")
	follow := core.FollowUp{SupportThreshold: 100, ReviewDays: 30, AnswerDays: 60}
	if _, err := s.Support(ctx, dup, tom.ID, core.ChannelWeb, follow); err != nil {
		t.Fatal(err)
	}
	if err := s.Moderate(ctx, staff.ID, "idea", hidden, "hide", "", "hors sujet", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Decide(ctx, staff.ID, other, core.Decision{Status: core.IdeaFeasible, Answer: "Le service technique s'en charge."}, noMail); err != nil {
		t.Fatal(err)
	}
	answer := "Cette idée rejoint l'idée n° 1, qui propose la même chose."
	for _, c := range []struct {
		name  string
		id    int64
		merge core.Merge
		field string
	}{
		{"an answered idea", other, core.Merge{Into: first, Answer: answer}, "into"},
		{"into itself", dup, core.Merge{Into: dup, Answer: answer}, "into"},
		{"into a hidden idea", dup, core.Merge{Into: hidden, Answer: answer}, "into"},
		{"into no idea", dup, core.Merge{Into: 424242, Answer: answer}, "into"},
		{"without an answer", dup, core.Merge{Into: first, Answer: " ok "}, "merge_answer"},
	} {
		err := s.MergeIdea(ctx, staff.ID, c.id, c.merge, noMail)
		if e, ok := err.(*core.Error); !ok || e.Code != core.CodeInvalid || e.Field != c.field {
			t.Errorf("merging %s: %v, want invalid %s", c.name, err, c.field)
		}
	}
	if got, _ := s.Idea(ctx, dup); got.Status != core.IdeaSubmitted || got.MergedInto != 0 {
		t.Fatalf("a refused merge changed the idea: %+v", got)
	}
	claimAll(t, s) // the decision's mails

	if err := s.MergeIdea(ctx, staff.ID, dup, core.Merge{Into: first, Answer: answer}, func(p core.Participant, i core.Idea) core.Mail {
		return core.Mail{To: p.Email, Subject: "merged: " + i.Title}
	}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Idea(ctx, dup)
	if got.Status != core.IdeaMerged || got.MergedInto != first || got.Answer != answer || got.AnsweredAt.IsZero() || got.SupportCount != 1 {
		t.Fatalf("merged idea: %+v", got)
	}
	if mails := claimAll(t, s); len(mails) != 2 || mails[0] != "lea@example.lu merged: Un banc dans le parc" || mails[1] != "tom@example.lu merged: Un banc dans le parc" {
		t.Fatalf("mails: %q", mails)
	}
	if _, err := s.Support(ctx, dup, staff.ID, core.ChannelWeb, follow); err == nil {
		t.Error("a merged idea took a support")
	}
	if err := s.MergeIdea(ctx, staff.ID, first, core.Merge{Into: dup, Answer: answer}, noMail); core.CodeOf(err) != core.CodeInvalid {
		t.Errorf("merging into a merged idea: %v", err)
	}
	links, err := s.IdeaLinks(ctx, first)
	if err != nil || links.MergedInto != nil || len(links.MergedHere) != 1 || links.MergedHere[0].ID != dup || links.MergedHere[0].Title != "Un banc dans le parc" {
		t.Fatalf("links of the idea that carries on: %v %+v", err, links)
	}
	links, err = s.IdeaLinks(ctx, dup)
	if err != nil || links.MergedInto == nil || links.MergedInto.ID != first || len(links.MergedHere) != 0 {
		t.Fatalf("links of the duplicate: %v %+v", err, links)
	}
	log, err := s.AuditLogOf(ctx, core.EntityIdea, dup, 10)
	if err != nil || len(log) != 1 || log[0].Action != "idea.merge" || log[0].Reason != "1" {
		t.Fatalf("audit: %v %+v", err, log)
	}
	if steps, _ := s.IdeaSteps(ctx, dup); steps[len(steps)-1].Status != core.IdeaMerged || steps[len(steps)-1].Note != answer {
		t.Fatalf("timeline: %+v", steps)
	}
}

func noMail(p core.Participant, _ core.Idea) core.Mail { return core.Mail{To: p.Email} }

// claimAll takes every queued mail, as "recipient subject", sorted.
func claimAll(t *testing.T, s *postgres.Store) []string {
	t.Helper()
	mails, err := s.ClaimDueMail(ctx, 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range mails {
		out = append(out, m.Mail.To+" "+m.Mail.Subject)
	}
	sort.Strings(out)
	return out
}

// The author edits an idea until someone supports it; nobody else may.
func TestEditIdea(t *testing.T) {
	s := pgtest.Store(t)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	tom := newAccount(t, s, "tom@example.lu", core.RoleCitizen)
	in, _ := core.IdeaInput{Title: "Un bnac", Body: "Pour le quartier."}.Normalize()
	id, err := s.CreateIdea(ctx, lea.ID, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EditIdea(ctx, lea.ID, id, "Un banc", "Pour le quartier entier."); err != nil {
		t.Fatal(err)
	}
	if err := s.EditIdea(ctx, tom.ID, id, "Pris", "Par quelqu'un d'autre."); core.CodeOf(err) != core.CodeForbidden {
		t.Errorf("someone else's edit: %v", err)
	}
	if err := s.EditIdea(ctx, lea.ID, 424242, "Rien", "Une idée qui n'existe pas."); core.CodeOf(err) != core.CodeNotFound {
		t.Errorf("a missing idea: %v", err)
	}
	if _, err := s.Support(ctx, id, tom.ID, core.ChannelWeb, core.DefaultFollowUp); err != nil {
		t.Fatal(err)
	}
	if err := s.EditIdea(ctx, lea.ID, id, "Un autre banc", "Après un soutien."); core.CodeOf(err) != core.CodeConflict {
		t.Errorf("an edit after a support: %v", err)
	}
	got, _ := s.Idea(ctx, id)
	if got.Title != "Un banc" || got.Body != "Pour le quartier entier." {
		t.Fatalf("idea after the edits: %q %q", got.Title, got.Body)
	}
}
