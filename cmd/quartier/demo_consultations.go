package main

import (
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// loadDemoConsultations publishes, once, a poll on the station square project
// and a survey for the residents of the demo target (Rue de Warken and the even
// side of Avenue des Alliés) on the Warken park project, both in French and
// German.
func (e *commandEnv) loadDemoConsultations(store *postgres.Store) error {
	ctx := e.ctx
	existing, err := store.Consultations(ctx, postgres.ConsultationFilter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	projects, _, err := store.Projects(ctx, postgres.ProjectFilter{Limit: 10})
	if err != nil || len(projects) < 2 {
		return err
	}
	var gare, warken int64
	for _, p := range projects {
		switch p.Title {
		case "Réaménagement de la place de la Gare":
			gare = p.ID
		case "Un parc à Warken":
			warken = p.ID
		}
	}
	targets, err := store.Targets(ctx)
	if err != nil || gare == 0 || warken == 0 || len(targets) == 0 {
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
	now := time.Now()
	type demo struct {
		frame     core.Consultation
		questions []core.Question
	}
	demos := []demo{
		{core.Consultation{ProjectID: gare, Kind: core.KindPoll, Title: "Fermer la place aux voitures le samedi ?", Eligibility: core.EligibleAnyone,
			OpensAt: now.Add(-24 * time.Hour), ClosesAt: now.AddDate(0, 1, 0), LiveResults: true,
			Translations: map[core.Language]core.ConsultationText{core.German: {Title: "Den Platz samstags für Autos sperren?"}}},
			[]core.Question{{Kind: core.QYesNo, Prompt: "Faut-il réserver la place aux piétons le samedi ?", Required: true,
				Translations: map[core.Language]core.QuestionText{core.German: {Prompt: "Soll der Platz samstags den Fußgängern vorbehalten sein?"}}}}},
		{core.Consultation{ProjectID: warken, Kind: core.KindSurvey, Title: "Le parc de Warken : vos priorités",
			Description: "<p>Cette enquête s'adresse aux habitants de la rue de Warken et du côté pair de l'avenue des Alliés. " +
				"Le code de résidence imprimé sur le dépliant reçu dans votre boîte aux lettres confirme votre adresse.</p>",
			Eligibility: core.EligibleVerified, TargetID: targets[0].ID, OpensAt: now.Add(-time.Hour), ClosesAt: now.AddDate(0, 0, 42),
			Translations: map[core.Language]core.ConsultationText{core.German: {Title: "Der Park in Warken: Ihre Prioritäten",
				Description: "<p>Diese Umfrage richtet sich an die Bewohner der Rue de Warken und der geraden Seite der Avenue des Alliés. " +
					"Der Wohnsitzcode auf dem Faltblatt in Ihrem Briefkasten bestätigt Ihre Adresse.</p>"}}},
			[]core.Question{
				{Section: "Le parc", Kind: core.QScenario, Prompt: "Quel aménagement préférez-vous ?", Required: true, Options: []core.Option{
					{Label: "Prairie et vergers", Description: "Une grande prairie fauchée deux fois par an, des arbres fruitiers.", CostCents: 18000000},
					{Label: "Jeux et terrain multisport", Description: "Une aire de jeux pour les 2-12 ans et un terrain clôturé.", CostCents: 42000000},
					{Label: "Jardins partagés", Description: "Trente parcelles cultivées par les habitants, un abri à outils.", CostCents: 12500000}},
					Translations: map[core.Language]core.QuestionText{core.German: {Section: "Der Park", Prompt: "Welche Gestaltung bevorzugen Sie?", Options: []core.OptionText{
						{Label: "Wiese und Obstgärten", Description: "Eine große Wiese, zweimal im Jahr gemäht, mit Obstbäumen."},
						{Label: "Spielplatz und Multisportfeld", Description: "Ein Spielplatz für 2- bis 12-Jährige und ein eingezäuntes Spielfeld."},
						{Label: "Gemeinschaftsgärten", Description: "Dreißig Parzellen, von den Bewohnern bewirtschaftet, und ein Geräteschuppen."}}}}},
				{Section: "Le parc", Kind: core.QRanking, Prompt: "Classez ces équipements", Options: []core.Option{
					{Label: "Bancs à l'ombre"}, {Label: "Fontaine à boire"}, {Label: "Toilettes"}, {Label: "Éclairage le soir"}},
					Translations: map[core.Language]core.QuestionText{core.German: {Section: "Der Park", Prompt: "Ordnen Sie diese Einrichtungen", Options: []core.OptionText{
						{Label: "Bänke im Schatten"}, {Label: "Trinkbrunnen"}, {Label: "Toiletten"}, {Label: "Beleuchtung am Abend"}}}}},
				{Section: "Vous", Kind: core.QScale, Prompt: "À quel point le manque d'espaces verts vous gêne-t-il ?", ScaleMax: 5,
					Translations: map[core.Language]core.QuestionText{core.German: {Section: "Sie", Prompt: "Wie sehr stört Sie der Mangel an Grünflächen?"}}},
				{Section: "Vous", Kind: core.QPoint, Prompt: "Où aimeriez-vous une entrée du parc ?",
					Translations: map[core.Language]core.QuestionText{core.German: {Section: "Sie", Prompt: "Wo hätten Sie gern einen Eingang zum Park?"}}},
				{Section: "Vous", Kind: core.QText, Prompt: "Autre chose à nous dire ?",
					Translations: map[core.Language]core.QuestionText{core.German: {Section: "Sie", Prompt: "Möchten Sie uns noch etwas sagen?"}}},
			}},
	}
	for _, d := range demos {
		frame, err := core.NormalizeConsultation(d.frame)
		if err != nil {
			return err
		}
		id, err := store.SaveConsultation(ctx, admin.ID, frame)
		if err != nil {
			return err
		}
		for _, q := range d.questions {
			if q, err = core.NormalizeQuestion(q); err != nil {
				return err
			}
			qid, err := store.SaveQuestion(ctx, admin.ID, id, q)
			if err != nil {
				return err
			}
			translations, err := core.NormalizeQuestionTranslations(q, q.Translations, frame.Language)
			if err == nil {
				err = store.SaveQuestionTranslations(ctx, admin.ID, id, qid, translations, q.WordsHash())
			}
			if err != nil {
				return err
			}
		}
		if err := store.PublishConsultation(ctx, admin.ID, id, true); err != nil {
			return err
		}
		if d.frame.Kind != core.KindPoll {
			continue
		}
		k, err := store.Consultation(ctx, id)
		if err != nil {
			return err
		}
		for i, who := range []int64{admin.ID, resident.ID} {
			answers := []core.Answer{{QuestionID: k.Questions[0].ID, Number: i % 2, Given: true}}
			if _, err := store.SubmitResponse(ctx, postgres.NewResponse{ConsultationID: id, ParticipantID: who, Channel: core.ChannelWeb,
				Answers: answers, Questions: k.Questions}); err != nil {
				return err
			}
		}
	}
	return nil
}
