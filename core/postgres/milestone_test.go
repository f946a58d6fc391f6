package postgres_test

import (
	"errors"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// decideThrough moves an idea through the given statuses as staff would.
func decideThrough(t *testing.T, s *postgres.Store, staff, idea int64, statuses ...core.IdeaStatus) {
	t.Helper()
	for _, st := range statuses {
		answer := ""
		if st.AnswerRequired() {
			answer = "La commune réalisera cette idée au printemps."
		}
		d, err := core.Decision{Status: st, Answer: answer, Progress: 20}.Check(mustIdea(t, s, idea).Status)
		if err == nil {
			err = s.Decide(ctx, staff, idea, d, func(p core.Participant, _ core.Idea) core.Mail { return core.Mail{To: p.Email, Subject: "x"} })
		}
		if err != nil {
			t.Fatalf("decide %s: %v", st, err)
		}
	}
}

func mustIdea(t *testing.T, s *postgres.Store, id int64) core.Idea {
	t.Helper()
	i, err := s.Idea(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestMilestonesOnlyDuringImplementation(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	author := newAccount(t, s, "author@example.lu", core.RoleCitizen)
	in, _ := core.IdeaInput{Title: "Un jardin partagé", Body: "Derrière l'école."}.Normalize()
	idea, err := s.CreateIdea(ctx, author.ID, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	plan := core.MilestoneInput{Title: "Étude du sol", DueOn: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	var e *core.Error
	if _, err := s.AddMilestone(ctx, staff.ID, idea, plan); !errors.As(err, &e) || e.Key != "error.milestone_status" {
		t.Fatalf("milestone before the decision: %v", err)
	}
	decideThrough(t, s, staff.ID, idea, core.IdeaFeasible, core.IdeaSubmittedToCouncil, core.IdeaDecided)

	soil, err := s.AddMilestone(ctx, staff.ID, idea, plan)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMilestone(ctx, staff.ID, idea, core.MilestoneInput{Title: "Plantation"}); err != nil {
		t.Fatal(err)
	}
	early, _ := s.AddMilestone(ctx, staff.ID, idea, core.MilestoneInput{Title: "Réunion de lancement", DueOn: plan.DueOn.AddDate(0, -1, 0)})
	list, err := s.Milestones(ctx, idea)
	if err != nil || len(list) != 3 || list[0].ID != early || list[1].ID != soil || list[2].Title != "Plantation" || list[2].Done() {
		t.Fatalf("milestones in date order: %+v %v", list, err)
	}

	steps := len(mustSteps(t, s, idea))
	if _, err := s.ClaimDueMail(ctx, 100, time.Hour); err != nil { // the decisions' mails
		t.Fatal(err)
	}
	told := func(p core.Participant, i core.Idea, milestone string) core.Mail {
		return core.Mail{To: p.Email, Subject: i.Title + " : " + milestone}
	}
	if err := s.SetMilestoneDone(ctx, staff.ID, idea, soil, true, told); err != nil {
		t.Fatal(err)
	}
	if mails, _ := s.ClaimDueMail(ctx, 10, time.Hour); len(mails) != 1 || mails[0].Mail.To != "author@example.lu" || mails[0].Mail.Subject != "Un jardin partagé : Étude du sol" {
		t.Fatalf("milestone mails: %+v", mails)
	}
	after := mustSteps(t, s, idea)
	if len(after) != steps+1 || after[len(after)-1].Note != "Étude du sol" || after[len(after)-1].Status != core.IdeaDecided {
		t.Fatalf("timeline after a milestone: %+v", after)
	}
	if list, _ := s.Milestones(ctx, idea); list[0].ID != soil || !list[0].Done() { // reached today: first in time
		t.Fatalf("milestone not done: %+v", list)
	}
	if err := s.SetMilestoneDone(ctx, staff.ID, idea, soil, false, told); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Milestones(ctx, idea); list[1].ID != soil || list[1].Done() {
		t.Fatalf("milestone still done: %+v", list)
	}

	// Another idea's milestone cannot be changed through this one.
	other, _ := s.CreateIdea(ctx, author.ID, in, 60)
	decideThrough(t, s, staff.ID, other, core.IdeaFeasible, core.IdeaSubmittedToCouncil, core.IdeaDecided)
	if err := s.DeleteMilestone(ctx, staff.ID, other, soil); !errors.As(err, &e) || e.Code != core.CodeNotFound {
		t.Fatalf("delete through another idea: %v", err)
	}
	if err := s.DeleteMilestone(ctx, staff.ID, idea, soil); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Milestones(ctx, idea); len(list) != 2 {
		t.Fatalf("after delete: %+v", list)
	}
}

func mustSteps(t *testing.T, s *postgres.Store, idea int64) []core.IdeaStep {
	t.Helper()
	steps, err := s.IdeaSteps(ctx, idea)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}
