package main

import (
	"quartier/core"
	"quartier/core/postgres"
)

// loadDemoAnswerTemplates stores, once, two answers that come up often, for
// the review page's "start from an answer template".
func (e *commandEnv) loadDemoAnswerTemplates(store *postgres.Store) error {
	existing, err := store.AnswerTemplates(e.ctx)
	if err != nil || len(existing) > 0 {
		return err
	}
	admin, _, err := store.Credentials(e.ctx, demoAdminEmail)
	if err != nil {
		return err
	}
	for _, t := range []core.AnswerTemplate{
		{Title: "Route de l'État", Status: core.IdeaNotFeasible, Body: "Bonjour {author},\n\nMerci pour votre idée « {idea} ». " +
			"Cette route relève de l'Administration des ponts et chaussées et non de la commune : nous lui avons transmis votre demande " +
			"et vous tiendrons au courant de sa réponse.\n\nLe collège des bourgmestre et échevins"},
		{Title: "Retenue pour étude", Status: core.IdeaFeasible, Body: "Bonjour {author},\n\nVotre idée « {idea} » est faisable. " +
			"Le service technique en estime le coût, puis elle sera soumise au conseil communal lors de sa prochaine séance.\n\n" +
			"Le collège des bourgmestre et échevins"},
	} {
		t, err := t.Check()
		if err == nil {
			_, err = store.SaveAnswerTemplate(e.ctx, admin.ID, t)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
