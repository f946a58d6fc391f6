package main

import (
	"context"
	"time"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
)

// loadDemoParticipation publishes two demo projects with ideas, a comment
// thread, supports and one answered idea, once (it looks for the first project).
func (e *commandEnv) loadDemoParticipation(store *postgres.Store) error {
	ctx := e.ctx
	existing, _, err := store.Projects(ctx, postgres.ProjectFilter{Limit: 1})
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
	today := time.Now().UTC().Truncate(24 * time.Hour)
	projects := []core.ProjectInput{
		{Title: "Réaménagement de la place de la Gare", Summary: "Plus de place pour les piétons, les vélos et les arbres devant la gare.",
			Body: "<p>La commune prépare le réaménagement de la place devant la gare centrale. Dites-nous ce qui compte pour vous : " +
				"traversées, bancs, ombre, stationnement des vélos.</p><h2>Déjà décidé</h2><ul><li>Les bus continuent de s'arrêter devant la gare.</li><li>Les travaux ne commenceront pas avant 2028.</li></ul>",
			Topics: []string{"mobilité", "espaces publics"}, Point: orb.Point{6.1335, 49.6000}, HasPoint: true,
			Phases: []core.Phase{{Kind: "information", Start: today.AddDate(0, -1, 0), End: today.AddDate(0, 0, -1)},
				{Kind: "ideas", Start: today, End: today.AddDate(0, 2, 0)}, {Kind: "consultation", Start: today.AddDate(0, 2, 1)}}},
		{Title: "Un parc à Warken", Summary: "Un nouveau parc de quartier entre Ettelbruck et Warken.",
			Body:   "<p>Le terrain communal de la rue de Warken deviendra un parc. Jeux, jardins partagés, prairie : proposez vos idées.</p>",
			Topics: []string{"espaces verts"}, Point: orb.Point{6.0930, 49.8530}, HasPoint: true,
			Phases: []core.Phase{{Kind: "ideas", Start: today, End: today.AddDate(0, 3, 0)}},
			// Written in French and translated into German, as many communes here publish.
			Translations: map[core.Language]core.ProjectText{core.German: {Title: "Ein Park in Warken",
				Summary:  "Ein neuer Quartierspark zwischen Ettelbruck und Warken.",
				BodyHTML: "<p>Das Gemeindegrundstück in der Rue de Warken wird ein Park. Spielplatz, Gemeinschaftsgärten, Wiese: Schlagen Sie Ihre Ideen vor.</p>"}}},
	}
	var ids []int64
	for _, p := range projects {
		in, err := p.Normalize()
		if err != nil {
			return err
		}
		id, err := store.SaveProject(ctx, admin.ID, 0, in)
		if err != nil {
			return err
		}
		if err := store.SetProjectStatus(ctx, admin.ID, id, core.ProjectPublished); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	ideas := []core.IdeaInput{
		{ProjectID: ids[0], Title: "Un abri à vélos couvert près des quais", Body: "Beaucoup de navetteurs viennent à vélo : un abri couvert et sécurisé les aiderait.", Point: orb.Point{6.1342, 49.5996}, HasPoint: true},
		{ProjectID: ids[0], Title: "Des arbres pour l'ombre en été", Body: "La place est brûlante l'été. Quelques grands arbres et des bancs changeraient tout.", Point: orb.Point{6.1330, 49.6003}, HasPoint: true},
		{ProjectID: ids[1], Title: "Une aire de jeux pour les petits", Body: "Les enfants du quartier n'ont pas d'aire de jeux à moins de quinze minutes à pied.", Point: orb.Point{6.0935, 49.8528}, HasPoint: true},
		{Title: "Un marché de producteurs le samedi", Body: "Un petit marché de producteurs locaux le samedi matin animerait le centre."},
	}
	var ideaIDs []int64
	for _, i := range ideas {
		in, err := i.Normalize()
		if err != nil {
			return err
		}
		id, err := store.CreateIdea(ctx, resident.ID, in, core.DefaultFollowUp.AnswerDays)
		if err != nil {
			return err
		}
		ideaIDs = append(ideaIDs, id)
	}
	if _, err := store.Support(ctx, ideaIDs[0], admin.ID, core.ChannelWeb, core.DefaultFollowUp); err != nil {
		return err
	}
	// A duplicate of the first idea, as residents write them: its review page
	// shows the look-alike and offers to merge it.
	dup, err := core.IdeaInput{ProjectID: ids[0], Title: "Un abri couvert pour les vélos à la gare",
		Body: "Les vélos restent sous la pluie devant la gare : il faudrait un abri.", Point: orb.Point{6.1338, 49.5998}, HasPoint: true}.Normalize()
	if err != nil {
		return err
	}
	if _, err := store.CreateIdea(ctx, admin.ID, dup, core.DefaultFollowUp.AnswerDays); err != nil {
		return err
	}
	// Another way to meet the first idea's need: both pages link each other.
	alt, err := core.IdeaInput{AlternativeTo: ideaIDs[0], Title: "Des arceaux à vélos le long de la rue plutôt qu'un abri",
		Body: "Des arceaux simples, répartis devant les commerces, coûtent moins qu'un abri et servent à plus de monde."}.Normalize()
	if err != nil {
		return err
	}
	if _, err := store.CreateIdea(ctx, admin.ID, alt, core.DefaultFollowUp.AnswerDays); err != nil {
		return err
	}
	debate, err := store.CreateDebate(ctx, admin.ID, ids[0], "Faut-il réserver la place aux piétons le samedi ?",
		map[core.Language]string{core.German: "Soll der Platz samstags den Fußgängern vorbehalten sein?"}, nil)
	if err != nil {
		return err
	}
	if _, err := store.AddArgument(ctx, debate, 0, resident.ID, core.SideFor, "Le marché et les terrasses y gagneraient, et les enfants y joueraient en sécurité.", nil); err != nil {
		return err
	}
	if _, err := store.AddArgument(ctx, debate, 0, admin.ID, core.SideAgainst, "Les bus et les taxis de la gare doivent pouvoir passer.", nil); err != nil {
		return err
	}
	c, err := store.AddComment(ctx, ideaIDs[1], 0, admin.ID, "Bonne idée : quelles essences d'arbres préférez-vous ?", core.ChannelWeb)
	if err != nil {
		return err
	}
	if _, err := store.AddComment(ctx, ideaIDs[1], c, resident.ID, "Des tilleuls, comme dans le parc municipal.", core.ChannelWeb); err != nil {
		return err
	}
	d, err := core.Decision{Status: core.IdeaFeasible, Answer: "Le service des espaces verts peut planter six arbres dans le cadre du projet. Le collège en discutera en décembre."}.Check(core.IdeaSubmitted)
	if err != nil {
		return err
	}
	notify := func(p core.Participant, i core.Idea) core.Mail {
		return core.Mail{To: p.Email, Subject: "Quartier : votre idée avance", Body: "L'idée « " + i.Title + " » avance : " + demoStatusNames[i.Status] + "."}
	}
	if err := store.Decide(ctx, admin.ID, ideaIDs[1], d, notify); err != nil {
		return err
	}
	return demoImplementation(ctx, store, admin.ID, ideaIDs[3], notify)
}

// demoImplementation takes an idea through the council's decision into
// implementation, with its progress and milestones, one of them reached.
func demoImplementation(ctx context.Context, store *postgres.Store, staffID, ideaID int64, notify func(core.Participant, core.Idea) core.Mail) error {
	steps := []core.Decision{
		{Status: core.IdeaFeasible, Answer: "Le marché est possible sur la place de l'église, le samedi de 8 h à 13 h."},
		{Status: core.IdeaSubmittedToCouncil},
		{Status: core.IdeaDecided, Answer: "Le collège échevinal a approuvé un marché d'essai de six mois à partir du printemps."},
		{Status: core.IdeaInProgress, Progress: 35},
	}
	status := core.IdeaSubmitted
	for _, step := range steps {
		d, err := step.Check(status)
		if err != nil {
			return err
		}
		if err := store.Decide(ctx, staffID, ideaID, d, notify); err != nil {
			return err
		}
		status = d.Status
	}
	first := time.Now().AddDate(0, 2, 0)
	milestones := []core.MilestoneInput{
		{Title: "Appel aux producteurs locaux"},
		{Title: "Emplacements et raccordements électriques", DueOn: first},
		{Title: "Premier marché", DueOn: first.AddDate(0, 1, 0)},
	}
	for k, m := range milestones {
		id, err := store.AddMilestone(ctx, staffID, ideaID, m)
		if err != nil {
			return err
		}
		if k == 0 {
			if err := store.SetMilestoneDone(ctx, staffID, ideaID, id, true, func(p core.Participant, i core.Idea, _ string) core.Mail { return notify(p, i) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoStatusNames are the French names of the statuses the demo's ideas reach,
// for its mails (the server writes real mails in each reader's language).
var demoStatusNames = map[core.IdeaStatus]string{
	core.IdeaFeasible: "faisable", core.IdeaSubmittedToCouncil: "soumise au conseil", core.IdeaDecided: "décidée",
	core.IdeaInProgress: "en réalisation", core.IdeaDone: "réalisée",
}
