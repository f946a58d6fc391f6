package main

import (
	"time"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
)

// loadDemoMeetings publishes, once, a workshop on the Warken park project with
// few places (the demo resident holds one), an online council session and a
// past site visit with its minutes; the Warken ones also in German.
func (e *commandEnv) loadDemoMeetings(store *postgres.Store) error {
	ctx := e.ctx
	existing, err := store.Meetings(ctx, postgres.MeetingFilter{Drafts: true, Limit: 1})
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
	var warken int64
	projects, _, err := store.Projects(ctx, postgres.ProjectFilter{Limit: 10})
	if err != nil {
		return err
	}
	for _, p := range projects {
		if p.Title == "Un parc à Warken" {
			warken = p.ID
		}
	}
	zone, _ := time.LoadLocation("Europe/Luxembourg")
	day := time.Now().In(zone)
	at := func(days, hour int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day()+days, hour, 0, 0, 0, zone)
	}
	demos := []core.Meeting{
		{ProjectID: warken, Kind: core.MeetingWork, Title: "Atelier : dessinons le parc de Warken",
			Description: "<p>Plans, maquettes et post-it : venez imaginer le parc avec les urbanistes de la commune.</p>",
			Translations: map[core.Language]core.MeetingText{core.German: {Title: "Werkstatt: Wir entwerfen den Park in Warken",
				Description: "<p>Pläne, Modelle und Post-its: Entwerfen Sie den Park mit den Stadtplanern der Gemeinde.</p>"}},
			StartsAt: at(9, 19), EndsAt: at(9, 21), Location: "École de Warken, préau", Point: orb.Point{6.0866, 49.8565}, HasPoint: true, Capacity: 25},
		{Kind: core.MeetingCouncil, Title: "Séance publique du conseil communal",
			Description: "<p>L'ordre du jour comprend le budget participatif et le parc de Warken.</p>",
			StartsAt:    at(16, 18), EndsAt: at(16, 20), Location: "Hôtel de ville, salle du conseil", OnlineURL: "https://www.ettelbruck.lu/"},
		{ProjectID: warken, Kind: core.MeetingVisit, Title: "Visite du terrain du futur parc",
			Translations: map[core.Language]core.MeetingText{core.German: {Title: "Besichtigung des künftigen Parkgeländes"}},
			StartsAt:     at(-12, 10), EndsAt: at(-12, 12), Location: "Rue de Warken, entrée du terrain", Point: orb.Point{6.0855, 49.8560}, HasPoint: true},
	}
	for i, m := range demos {
		m, err := core.NormalizeMeeting(m)
		if err != nil {
			return err
		}
		if m.ID, err = store.SaveMeeting(ctx, admin.ID, m, nil); err != nil {
			return err
		}
		if err := store.PublishMeeting(ctx, admin.ID, m.ID); err != nil {
			return err
		}
		switch i {
		case 0:
			if _, err := store.RegisterForMeeting(ctx, m.ID, resident.ID, nil); err != nil {
				return err
			}
		case 2:
			if err := store.SetMeetingOutcome(ctx, admin.ID, m.ID, core.SanitizeHTML("<p>Une trentaine d'habitants. Demandes retenues : "+
				"garder les vieux noyers, un accès sans marches depuis la rue, des bancs à l'ombre.</p>"),
				map[core.Language]string{core.German: core.SanitizeHTML("<p>Rund dreißig Einwohner. Festgehaltene Wünsche: " +
					"die alten Nussbäume erhalten, ein stufenloser Zugang von der Straße, Bänke im Schatten.</p>")}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
