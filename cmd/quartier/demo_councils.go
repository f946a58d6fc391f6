package main

import (
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// loadDemoCouncil founds, once, a neighbourhood council for the residents of
// the demo target: the admin sits on it as an appointed member, it has
// published the minutes of its first meeting, submitted one proposal and
// announced its next meeting; six seats wait to be drawn from volunteers (the
// demo resident can volunteer after giving a home address in the target).
func (e *commandEnv) loadDemoCouncil(store *postgres.Store) error {
	ctx := e.ctx
	existing, err := store.Councils(ctx)
	if err != nil || len(existing) > 0 {
		return err
	}
	admin, _, err := store.Credentials(ctx, demoAdminEmail)
	if err != nil {
		return err
	}
	targets, err := store.Targets(ctx)
	if err != nil || len(targets) == 0 {
		return err
	}
	c, err := core.NormalizeCouncil(core.NeighbourhoodCouncil{Name: "Conseil de quartier Warken et Alliés",
		Description: "<p>Le conseil réunit les habitants de la rue de Warken et de l'avenue des Alliés (côté pair) : " +
			"six sièges tirés au sort parmi les volontaires, répartis entre les deux rues selon leurs boîtes aux lettres.</p>",
		TargetID: targets[0].ID, Seats: 6, Stratified: true,
		Translations: map[core.Language]core.CouncilText{core.German: {Name: "Quartiersrat Warken und Alliés",
			Description: "<p>Der Rat vereint die Bewohner der Rue de Warken und der Avenue des Alliés (gerade Seite): " +
				"sechs Sitze, unter den Freiwilligen ausgelost und nach Briefkästen auf die beiden Straßen verteilt.</p>"}}})
	if err != nil {
		return err
	}
	if c.ID, err = store.SaveCouncil(ctx, admin.ID, c); err != nil {
		return err
	}
	if err := store.SetCouncilMember(ctx, admin.ID, c.ID, admin.ID, core.CouncilAppointed); err != nil {
		return err
	}
	if err := store.AddCouncilDocument(ctx, admin.ID, c.ID, "Procès-verbal de la séance constitutive",
		core.SanitizeHTML("<p>Présents : les membres nommés et une quinzaine d'habitants. Sujets retenus pour l'année : "+
			"la vitesse des voitures rue de Warken, l'éclairage du passage vers la gare, le futur parc.</p>")); err != nil {
		return err
	}
	proposal, err := core.IdeaInput{Title: "Zone 30 dans toute la rue de Warken",
		Body: "Le conseil de quartier demande une zone 30 et deux plateaux ralentisseurs devant l'école."}.Normalize()
	if err != nil {
		return err
	}
	if _, err := store.ProposeForCouncil(ctx, admin.ID, c.ID, proposal, core.DefaultFollowUp.AnswerDays); err != nil {
		return err
	}
	zone, _ := time.LoadLocation("Europe/Luxembourg")
	day := time.Now().In(zone)
	m, err := core.NormalizeMeeting(core.Meeting{CouncilID: c.ID, Kind: core.MeetingCouncil, Title: "Réunion du conseil de quartier Warken et Alliés",
		Description: "<p>Ouverte à tous les habitants : le tirage au sort des sièges et le plan de circulation.</p>",
		StartsAt:    time.Date(day.Year(), day.Month(), day.Day()+20, 19, 30, 0, 0, zone),
		EndsAt:      time.Date(day.Year(), day.Month(), day.Day()+20, 21, 0, 0, 0, zone),
		Location:    "École de Warken, salle polyvalente"})
	if err != nil {
		return err
	}
	if m.ID, err = store.SaveMeeting(ctx, admin.ID, m, nil); err != nil {
		return err
	}
	return store.PublishMeeting(ctx, admin.ID, m.ID)
}
