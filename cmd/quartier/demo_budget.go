package main

import (
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// loadDemoBudget opens, once, a participatory budget in its voting phase: a
// commune-wide envelope and one for the residents of the demo target, with
// reviewed projects proposed by the demo resident.
func (e *commandEnv) loadDemoBudget(store *postgres.Store) error {
	ctx := e.ctx
	existing, err := store.Budgets(ctx, true)
	if err != nil || len(existing) > 0 {
		return err
	}
	admin, _, err := store.Credentials(ctx, demoAdminEmail)
	if err != nil {
		return err
	}
	resident, _, err := store.Credentials(ctx, demoResidentEmail)
	if err != nil {
		return err
	}
	targets, err := store.Targets(ctx)
	if err != nil || len(targets) == 0 {
		return err
	}
	now := time.Now()
	b, err := core.NormalizeBudget(core.Budget{Title: "Budget participatif 2027",
		Description: "<p>250 000 € pour des projets proposés par les habitants : 200 000 € pour toute la commune, 50 000 € pour la rue de Warken et l'avenue des Alliés.</p>",
		Method:      core.MethodKnapsack, Rule: core.RuleEqualShares, AllowChanges: true,
		VoteOpensAt: now.Add(-24 * time.Hour), VoteClosesAt: now.AddDate(0, 0, 21),
		Envelopes: []core.Envelope{{Name: "Toute la commune", Amount: 200_000}, {Name: "Warken et Alliés", Amount: 50_000, TargetID: targets[0].ID}},
		Translations: map[core.Language]core.BudgetText{core.German: {Title: "Bürgerhaushalt 2027",
			Description: "<p>250 000 € für Projekte, die die Einwohner vorschlagen: 200 000 € für die ganze Gemeinde, 50 000 € für die Rue de Warken und die Avenue des Alliés.</p>",
			Envelopes:   []string{"Die ganze Gemeinde", "Warken und Alliés"}}}})
	if err != nil {
		return err
	}
	if b.ID, err = store.SaveBudget(ctx, admin.ID, b); err != nil {
		return err
	}
	if err := store.SetBudgetPhase(ctx, admin.ID, b.ID, core.PhaseProposals); err != nil {
		return err
	}
	if b, err = store.Budget(ctx, b.ID); err != nil {
		return err
	}
	proposals := []struct {
		envelope    int
		title, body string
		cost        int64
	}{
		{0, "Vélos en libre-service à la gare", "Dix vélos électriques en libre-service entre la gare et le centre.", 90_000},
		{0, "Fontaine d'eau potable place de la Libération", "Une fontaine accessible, pour les promeneurs et les sportifs.", 35_000},
		{0, "Jardin partagé derrière l'école", "Des bacs de culture et un abri à outils, entretenus par une association.", 40_000},
		{0, "Nichoirs et hôtels à insectes", "Cinquante nichoirs et dix hôtels à insectes dans les parcs.", 8_000},
		{0, "Éclairage solaire du chemin de la Sûre", "Des bornes solaires le long du chemin piéton.", 75_000},
		{1, "Bancs rue de Warken", "Six bancs à l'ombre le long de la rue.", 12_000},
		{1, "Aire de jeux avenue des Alliés", "Une petite aire de jeux pour les 2-8 ans.", 38_000},
	}
	for _, p := range proposals {
		in, err := core.IdeaInput{Title: p.title, Body: p.body, Channel: core.ChannelWeb}.Normalize()
		if err != nil {
			return err
		}
		idea, err := store.ProposeBudgetProject(ctx, resident.ID, b.ID, b.Envelopes[p.envelope].ID, in, p.cost, 60)
		if err != nil {
			return err
		}
		d, err := core.Decision{Status: core.IdeaFeasible, Answer: "Le service technique confirme la faisabilité et le coût."}.Check(core.IdeaSubmitted)
		if err != nil {
			return err
		}
		notify := func(p core.Participant, i core.Idea) core.Mail {
			return core.Mail{To: p.Email, Subject: "Votre proposition « " + i.Title + " » est réalisable", Body: d.Answer}
		}
		if err := store.Decide(ctx, admin.ID, idea, d, notify); err != nil {
			return err
		}
	}
	projects, err := store.BudgetProjects(ctx, b.ID)
	if err != nil {
		return err
	}
	for _, p := range projects {
		if err := store.SetFinalCost(ctx, admin.ID, p.ID, p.EstimatedCost); err != nil {
			return err
		}
	}
	return store.SetBudgetPhase(ctx, admin.ID, b.ID, core.PhaseVoting)
}
