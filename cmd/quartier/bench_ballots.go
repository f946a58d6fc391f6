package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// benchBallots: a participatory budget closing, voters casting their ballots
// at once. It opens a knapsack budget with 30 reviewed projects, gives each of
// the voters a session and a CSRF token (as their browser would have), then
// casts one ballot per voter through the real stack at the given rate and
// checks that the database agrees with what the server accepted.
func (e *commandEnv) benchBallots(store *postgres.Store, client *http.Client, rep loadReporter, base string, rate, voters int) error {
	ctx := e.ctx
	stamp := time.Now().UnixNano()
	hash, err := core.HashPassword("bench password, not for real use")
	if err != nil {
		return err
	}
	staff, err := store.CreateAccount(ctx, postgres.NewAccount{Email: fmt.Sprintf("bench-staff-%d@quartier.test", stamp), DisplayName: "Bench staff",
		PasswordHash: hash, Role: core.RoleManager, Locale: core.French})
	if err != nil {
		return err
	}
	b, err := core.NormalizeBudget(core.Budget{Title: "Budget de charge", Method: core.MethodKnapsack, Rule: core.RuleEqualShares,
		VoteOpensAt: time.Now().Add(-time.Hour), VoteClosesAt: time.Now().Add(time.Hour),
		Envelopes: []core.Envelope{{Name: "Toute la commune", Amount: 1_000_000}}})
	if err != nil {
		return err
	}
	if b.ID, err = store.SaveBudget(ctx, staff.ID, b); err != nil {
		return err
	}
	if err := store.SetBudgetPhase(ctx, staff.ID, b.ID, core.PhaseProposals); err != nil {
		return err
	}
	if b, err = store.Budget(ctx, b.ID); err != nil {
		return err
	}
	env := b.Envelopes[0].ID
	for i := range 30 {
		in, _ := core.IdeaInput{Title: fmt.Sprintf("Projet de charge %d", i+1), Body: "Un projet créé pour mesurer le vote."}.Normalize()
		idea, err := store.ProposeBudgetProject(ctx, staff.ID, b.ID, env, in, int64(10_000+i*5_000), 60)
		if err != nil {
			return err
		}
		d, _ := core.Decision{Status: core.IdeaFeasible, Answer: "Réalisable."}.Check(core.IdeaSubmitted)
		if err := store.Decide(ctx, staff.ID, idea, d, func(p core.Participant, _ core.Idea) core.Mail { return core.Mail{To: p.Email, Subject: "-"} }); err != nil {
			return err
		}
	}
	projects, err := store.BudgetProjects(ctx, b.ID)
	if err != nil {
		return err
	}
	for _, p := range projects {
		if err := store.SetFinalCost(ctx, staff.ID, p.ID, p.EstimatedCost); err != nil {
			return err
		}
	}
	if err := store.SetBudgetPhase(ctx, staff.ID, b.ID, core.PhaseVoting); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ballots: seeding %d voters with sessions and form tokens\n", voters)
	page := base + "/budgets/" + strconv.FormatInt(b.ID, 10)
	list, err := benchVisitors(ctx, store, client, page, voters, stamp, hash, true)
	if err != nil {
		return err
	}
	// Each voter picks three to six projects (they always fit: at most
	// 6 × 155,000 € of 1,000,000 €).
	r := rand.New(rand.NewPCG(uint64(stamp), 8))
	forms := make([]string, voters)
	for i := range forms {
		form := url.Values{"csrf_token": {list[i].csrf}, "action": {"cast"}}
		for _, k := range r.Perm(len(projects))[:3+r.IntN(4)] {
			form.Add("project", strconv.FormatInt(projects[k].ID, 10))
		}
		forms[i] = form.Encode()
	}
	target := page + "/envelopes/" + strconv.FormatInt(env, 10) + "/ballot"
	duration := time.Duration(float64(voters) / float64(rate) * float64(time.Second))
	res, err := rep.measure(ctx, rate, duration, func(i int) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(forms[i%voters]))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", list[i%voters].cookie)
		return req
	})
	if err != nil {
		return err
	}
	accepted := func(s int) bool { return s == http.StatusSeeOther }
	if err := rep.report(res, "ballots", rate, accepted); err != nil {
		return err
	}
	cast, choices, events, err := store.BallotTotals(ctx, env)
	if err != nil {
		return err
	}
	ok := cast == res.count(accepted) && events == cast && choices >= 3*cast && choices <= 6*cast
	fmt.Fprintf(e.stdout, "  check: %d accepted, %d cast ballots, %d change-log rows, %d choices: %v\n", res.count(accepted), cast, events, choices,
		map[bool]string{true: "consistent", false: "MISMATCH"}[ok])
	if !ok {
		return fmt.Errorf("ballots do not add up")
	}
	return nil
}
