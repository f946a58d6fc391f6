package postgres_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// votingBudget stores a knapsack budget with a commune-wide envelope of
// 100,000 € and three reviewed projects, in its voting phase.
func votingBudget(t *testing.T, s *postgres.Store, staff, author int64, allowChanges bool) (core.Budget, []core.BudgetProject) {
	t.Helper()
	b, err := core.NormalizeBudget(core.Budget{Title: "Budget participatif 2027", Method: core.MethodKnapsack, Rule: core.RuleEqualShares,
		VoteOpensAt: time.Now().Add(-time.Hour), VoteClosesAt: time.Now().Add(time.Hour), AllowChanges: allowChanges,
		Envelopes: []core.Envelope{{Name: "Toute la commune", Amount: 100_000}}})
	if err != nil {
		t.Fatal(err)
	}
	if b.ID, err = s.SaveBudget(ctx, staff, b); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBudgetPhase(ctx, staff, b.ID, core.PhaseProposals); err != nil {
		t.Fatal(err)
	}
	if b, err = s.Budget(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	for i, cost := range []int64{60_000, 30_000, 20_000} {
		in, _ := core.IdeaInput{Title: fmt.Sprintf("Projet numéro %d", i+1), Body: "Une description du projet."}.Normalize()
		idea, err := s.ProposeBudgetProject(ctx, author, b.ID, b.Envelopes[0].ID, in, cost, 60)
		if err != nil {
			t.Fatal(err)
		}
		decideThrough(t, s, staff, idea, core.IdeaFeasible)
	}
	projects, err := s.BudgetProjects(ctx, b.ID)
	if err != nil || len(projects) != 3 {
		t.Fatalf("%d projects, %v", len(projects), err)
	}
	for _, p := range projects {
		if err := s.SetFinalCost(ctx, staff, p.ID, p.EstimatedCost); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetBudgetPhase(ctx, staff, b.ID, core.PhaseVoting); err != nil {
		t.Fatal(err)
	}
	b, _ = s.Budget(ctx, b.ID)
	projects, _ = s.BudgetProjects(ctx, b.ID)
	return b, projects
}

func TestBallotsCountOncePerParticipant(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	author := newAccount(t, s, "author@example.lu", core.RoleCitizen)
	b, projects := votingBudget(t, s, staff.ID, author.ID, true)
	env := b.Envelopes[0].ID
	if err := s.SetFinalCost(ctx, staff.ID, projects[0].ID, 1); core.CodeOf(err) != core.CodeConflict {
		t.Fatalf("cost changed during the vote: %v", err)
	}
	byID := map[int64]core.BudgetProject{}
	for _, p := range projects {
		byID[p.ID] = p
	}
	// Over the envelope: refused before the store.
	all := []core.BallotChoice{{ProjectID: projects[0].ID}, {ProjectID: projects[1].ID}, {ProjectID: projects[2].ID}}
	if _, err := b.CheckBallot(b.Envelopes[0], byID, all, true); core.CodeOf(err) != core.CodeInvalid {
		t.Fatalf("110,000 € in an envelope of 100,000 €: %v", err)
	}
	// Twenty voters, each clicking "cast" twice at once.
	two := []core.BallotChoice{{ProjectID: projects[0].ID, Points: 1}, {ProjectID: projects[1].ID, Points: 1}}
	var wg sync.WaitGroup
	for i := range 20 {
		v := newAccount(t, s, fmt.Sprintf("voter%02d@example.lu", i), core.RoleCitizen)
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.SaveBallot(ctx, v.ID, b.ID, env, two, true); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	cast, err := s.CastBallots(ctx, env)
	if err != nil || len(cast) != 20 {
		t.Fatalf("%d cast ballots, %v", len(cast), err)
	}
	counts, err := s.VoteCounts(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range projects {
		want := map[int64]int{two[0].ProjectID: 20, two[1].ProjectID: 20}[p.ID]
		if counts[p.ID] != want {
			t.Errorf("project %d: %d votes, want %d", p.ID, counts[p.ID], want)
		}
	}
	// A voter changes their mind (allowed here): the old choices are uncounted.
	first, _ := s.Participant(ctx, author.ID)
	if err := s.SaveBallot(ctx, first.ID, b.ID, env, two[:1], false); err != nil { // a draft does not count
		t.Fatal(err)
	}
	if err := s.SaveBallot(ctx, first.ID, b.ID, env, []core.BallotChoice{{ProjectID: projects[2].ID, Points: 1}}, true); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveBallot(ctx, first.ID, b.ID, env, two[:1], true); err != nil {
		t.Fatal(err)
	}
	mine, _ := s.BallotOf(ctx, env, first.ID)
	if !mine.Cast() || len(mine.Choices) != 1 || mine.Choices[0].ProjectID != two[0].ProjectID {
		t.Fatalf("ballot %+v", mine)
	}
	total := 0
	counts, _ = s.VoteCounts(ctx, env)
	for _, n := range counts {
		total += n
	}
	if total != 41 {
		t.Fatalf("%d votes in all, want 41 (20 ballots of 2, one of 1)", total)
	}
	// Results only after closing.
	if err := s.PublishBudgetResult(ctx, staff.ID, postgres.BudgetResult{EnvelopeID: env, Rule: core.RuleEqualShares}); core.CodeOf(err) != core.CodeConflict {
		t.Fatalf("result during the vote: %v", err)
	}
}

func TestCastBallotIsFinalUnlessChangesAllowed(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	author := newAccount(t, s, "author@example.lu", core.RoleCitizen)
	b, projects := votingBudget(t, s, staff.ID, author.ID, false)
	env := b.Envelopes[0].ID
	one := []core.BallotChoice{{ProjectID: projects[0].ID, Points: 1}}
	if err := s.SaveBallot(ctx, author.ID, b.ID, env, one, true); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveBallot(ctx, author.ID, b.ID, env, one, true); core.CodeOf(err) != core.CodeConflict {
		t.Fatalf("second ballot: %v", err)
	}
	// Closing: no vote afterwards; the result can be published.
	b.VoteOpensAt, b.VoteClosesAt = time.Now().Add(-2*time.Hour), time.Now().Add(-time.Minute)
	if _, err := s.SaveBudget(ctx, staff.ID, b); err != nil {
		t.Fatal(err)
	}
	other := newAccount(t, s, "late@example.lu", core.RoleCitizen)
	if err := s.SaveBallot(ctx, other.ID, b.ID, env, one, true); core.CodeOf(err) != core.CodeConflict {
		t.Fatalf("vote after closing: %v", err)
	}
	if err := s.PublishBudgetResult(ctx, staff.ID, postgres.BudgetResult{EnvelopeID: env, Rule: core.RuleEqualShares, Ballots: 1,
		EqualShares: []int64{projects[0].ID}, Greedy: []int64{projects[0].ID}}); err != nil {
		t.Fatal(err)
	}
	after, _ := s.BudgetProjects(ctx, b.ID)
	for _, p := range after {
		if p.Selected != (p.ID == projects[0].ID) || p.VoteCount != map[bool]int{true: 1}[p.ID == projects[0].ID] {
			t.Errorf("project %d selected=%v votes %d", p.ID, p.Selected, p.VoteCount)
		}
	}
	if b2, _ := s.Budget(ctx, b.ID); len(b2.Envelopes) != 1 || b2.Envelopes[0].ID != env {
		t.Fatalf("envelopes replaced after projects existed: %+v", b2.Envelopes)
	}
}
