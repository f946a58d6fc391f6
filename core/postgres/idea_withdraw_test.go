package postgres_test

import (
	"testing"

	"quartier/core"
	"quartier/core/postgres/pgtest"
)

// An author withdraws their idea while nobody else took part: it is gone with
// its photos and timeline, its project counts one fewer, the change log says
// so. Someone else's idea, or one with a support, a comment or an
// alternative, stays, and the refusal says why.
func TestWithdrawIdea(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	lea := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	tom := newAccount(t, s, "tom@example.lu", core.RoleCitizen)
	project := publishedProject(t, s, staff.ID)
	follow := core.FollowUp{SupportThreshold: 100, ReviewDays: 30, AnswerDays: 60}
	propose := func(author int64, in core.IdeaInput) int64 {
		t.Helper()
		in, err := in.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.CreateIdea(ctx, author, in, 60)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	mistake := propose(lea.ID, core.IdeaInput{ProjectID: project, Title: "Une idée en double", Body: "Envoyée deux fois par erreur."})
	supported := propose(lea.ID, core.IdeaInput{ProjectID: project, Title: "Des bancs au parc", Body: "Pour se reposer à l'ombre."})
	commented := propose(lea.ID, core.IdeaInput{Title: "Un marché le samedi", Body: "Avec les producteurs de la région."})
	answered := propose(lea.ID, core.IdeaInput{Title: "Des fontaines", Body: "Pour boire en été, au parc."})
	propose(tom.ID, core.IdeaInput{AlternativeTo: answered, Title: "Des gourdes offertes", Body: "Plutôt que des fontaines coûteuses."})
	if _, err := s.Support(ctx, supported, tom.ID, core.ChannelWeb, follow); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddComment(ctx, commented, 0, tom.ID, "Bonne idée, le samedi matin.", core.ChannelWeb); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Flag(ctx, "idea", mistake, tom.ID, "spam", 5); err != nil {
		t.Fatal(err)
	}
	if flags, _ := s.ModerationQueue(ctx, 10); len(flags) != 1 {
		t.Fatalf("flag not queued: %+v", flags)
	}

	for _, c := range []struct {
		name   string
		author int64
		idea   int64
		code   core.Code
	}{
		{"someone else's", tom.ID, mistake, core.CodeForbidden},
		{"a supported one", lea.ID, supported, core.CodeConflict},
		{"a commented one", lea.ID, commented, core.CodeConflict},
		{"one with an alternative", lea.ID, answered, core.CodeConflict},
		{"none", lea.ID, 424242, core.CodeNotFound},
	} {
		if err := s.WithdrawIdea(ctx, c.author, c.idea); core.CodeOf(err) != c.code {
			t.Errorf("withdrawing %s: %v, want %s", c.name, err, c.code)
		}
	}
	if p, _ := s.Project(ctx, project); p.IdeaCount != 2 {
		t.Fatalf("refusals changed the project's count: %d", p.IdeaCount)
	}

	if err := s.WithdrawIdea(ctx, lea.ID, mistake); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Idea(ctx, mistake); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("the withdrawn idea is still there: %v", err)
	}
	if p, _ := s.Project(ctx, project); p.IdeaCount != 1 {
		t.Errorf("the project counts %d ideas, want 1", p.IdeaCount)
	}
	events, _ := s.EventsAfter(ctx, 0, 1000)
	last := events[len(events)-1]
	if last.Entity != core.EntityIdea || last.EntityID != mistake || last.Kind != core.EventDeleted || last.Data["withdrawn"] != true {
		t.Errorf("change log: %+v", last)
	}
	if flags, err := s.ModerationQueue(ctx, 10); err != nil || len(flags) != 0 {
		t.Errorf("the withdrawn idea's flag is still queued: %v %+v", err, flags)
	}
	if err := s.WithdrawIdea(ctx, lea.ID, mistake); core.CodeOf(err) != core.CodeNotFound {
		t.Errorf("withdrawing twice: %v", err)
	}
}
