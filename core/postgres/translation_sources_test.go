package postgres_test

import (
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres/pgtest"
)

// Budgets and councils know the original words their translations were made
// from, as projects and consultations do.
func TestBudgetAndCouncilTranslationsKnowTheirSource(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	now := time.Now()
	b := core.Budget{Title: "Budget 2027", Method: core.MethodKnapsack, Rule: core.RuleEqualShares, VoteOpensAt: now, VoteClosesAt: now.Add(time.Hour),
		Envelopes:    []core.Envelope{{Name: "Toute la commune", Amount: 1000}},
		Translations: map[core.Language]core.BudgetText{core.German: {Title: "Haushalt 2027", Envelopes: []string{"Ganze Gemeinde"}}}}
	saveBudget := func() core.Budget {
		t.Helper()
		nb, err := core.NormalizeBudget(b)
		if err == nil {
			b.ID, err = s.SaveBudget(ctx, staff.ID, nb)
		}
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.Budget(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	if saveBudget().Outdated(core.German) {
		t.Fatal("a fresh budget translation is out of date")
	}
	b.Envelopes[0].Name = "La commune entière"
	if !saveBudget().Outdated(core.German) {
		t.Fatal("an envelope renamed in the original: the translation should be out of date")
	}

	c := core.NeighbourhoodCouncil{Name: "Conseil du Centre", Seats: 5,
		Translations: map[core.Language]core.CouncilText{core.German: {Name: "Rat des Zentrums"}}}
	saveCouncil := func() core.NeighbourhoodCouncil {
		t.Helper()
		nc, err := core.NormalizeCouncil(c)
		if err == nil {
			c.ID, err = s.SaveCouncil(ctx, staff.ID, nc)
		}
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.Council(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	if saveCouncil().Outdated(core.German) {
		t.Fatal("a fresh council translation is out of date")
	}
	c.Description = "<p>Le centre décide.</p>"
	if !saveCouncil().Outdated(core.German) {
		t.Fatal("a description added to the original: the translation should be out of date")
	}
	c.Translations[core.German] = core.CouncilText{Name: "Rat des Zentrums", Description: "<p>Das Zentrum entscheidet.</p>"}
	if saveCouncil().Outdated(core.German) {
		t.Fatal("the translation made again is still out of date")
	}
}
