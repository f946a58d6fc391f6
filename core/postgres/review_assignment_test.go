package postgres_test

import (
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// ideaInReview files an idea (in a project, or spontaneous with project 0) and
// supports it past a threshold of one.
func ideaInReview(t *testing.T, s *postgres.Store, project, author, supporter int64, title string) int64 {
	t.Helper()
	in, err := core.IdeaInput{ProjectID: project, Title: title, Body: "Une idée pour le quartier."}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.CreateIdea(ctx, author, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Support(ctx, id, supporter, core.ChannelWeb, core.FollowUp{SupportThreshold: 1, ReviewDays: 30, AnswerDays: 60})
	if err != nil || !r.ReachedReview {
		t.Fatalf("support %q: %+v %v", title, r, err)
	}
	return id
}

func TestReviewsAreAssignedToTheProjectLeadThenTheLeastLoaded(t *testing.T) {
	s := pgtest.Store(t)
	lead := newAccount(t, s, "lead@commune.lu", core.RoleManager)
	other := newAccount(t, s, "other@commune.lu", core.RoleManager)
	admin := newAccount(t, s, "admin@commune.lu", core.RoleAdmin)
	newAccount(t, s, "moderator@commune.lu", core.RoleModerator) // moderates content, does not review
	author := newAccount(t, s, "author@example.lu", core.RoleCitizen)
	fan := newAccount(t, s, "fan@example.lu", core.RoleCitizen)
	project := publishedProject(t, s, lead.ID)

	inProject := ideaInReview(t, s, project, author.ID, fan.ID, "Des bancs")
	first := ideaInReview(t, s, 0, author.ID, fan.ID, "Un marché du soir")
	got, err := s.AssignPendingReviews(ctx)
	if err != nil || len(got) != 2 {
		t.Fatalf("assignments %+v, %v", got, err)
	}
	want := map[int64]int64{inProject: lead.ID, first: other.ID} // the spontaneous idea goes to a manager with nothing to do
	for _, a := range got {
		if want[a.Idea.ID] != a.Reviewer.ID || a.Reviewer.Email == "" || a.Idea.Title == "" {
			t.Fatalf("idea %d went to %d (%s), want %d", a.Idea.ID, a.Reviewer.ID, a.Reviewer.Email, want[a.Idea.ID])
		}
	}
	if again, err := s.AssignPendingReviews(ctx); err != nil || len(again) != 0 {
		t.Fatalf("a second run assigned again: %+v %v", again, err)
	}

	// The next spontaneous idea goes to the admin, who has none yet.
	second := ideaInReview(t, s, 0, author.ID, fan.ID, "Une fontaine")
	if got, _ := s.AssignPendingReviews(ctx); len(got) != 1 || got[0].Idea.ID != second || got[0].Reviewer.ID != admin.ID {
		t.Fatalf("second spontaneous idea: %+v", got)
	}
	// The lead leaves: their idea and their project's next one go to the
	// least loaded (a tie between the other manager and the admin, then the admin).
	if err := s.DeleteAccount(ctx, lead.ID, false); err != nil {
		t.Fatal(err)
	}
	third := ideaInReview(t, s, project, author.ID, fan.ID, "Des arbres")
	got, err = s.AssignPendingReviews(ctx)
	if err != nil || len(got) != 2 || got[0].Idea.ID != inProject || got[0].Reviewer.ID != other.ID || got[1].Idea.ID != third || got[1].Reviewer.ID != admin.ID {
		t.Fatalf("after the lead left: %+v, %v", got, err)
	}
	// The assignments are stored: the reminders see them.
	byStaff, _, err := s.DueReminders(ctx, time.Now().AddDate(1, 0, 0))
	if err != nil || len(byStaff[other.ID]) != 2 || len(byStaff[admin.ID]) != 2 || len(byStaff[lead.ID]) != 0 {
		t.Fatalf("stored assignments %v, %v", byStaff, err)
	}
}

// The assignment a support triggers concerns its idea only; the daily run
// takes the others. Without any manager or admin, nothing is assigned.
func TestAssignReviewTakesOnlyItsIdea(t *testing.T) {
	s := pgtest.Store(t)
	author := newAccount(t, s, "author@example.lu", core.RoleCitizen)
	fan := newAccount(t, s, "fan@example.lu", core.RoleCitizen)
	waiting := ideaInReview(t, s, 0, author.ID, fan.ID, "Un marché du soir")
	if got, err := s.AssignPendingReviews(ctx); err != nil || len(got) != 0 {
		t.Fatalf("assigned with no staff: %+v %v", got, err)
	}
	manager := newAccount(t, s, "manager@commune.lu", core.RoleManager)
	crossing := ideaInReview(t, s, 0, author.ID, fan.ID, "Une fontaine")
	got, err := s.AssignReview(ctx, crossing)
	if err != nil || len(got) != 1 || got[0].Idea.ID != crossing || got[0].Reviewer.ID != manager.ID {
		t.Fatalf("assignment of the crossing idea: %+v %v", got, err)
	}
	if i, _ := s.Idea(ctx, waiting); i.AssignedTo != 0 {
		t.Fatalf("the other idea was assigned too: %d", i.AssignedTo)
	}
	if got, err := s.AssignPendingReviews(ctx); err != nil || len(got) != 1 || got[0].Idea.ID != waiting {
		t.Fatalf("daily run: %+v %v", got, err)
	}
}
