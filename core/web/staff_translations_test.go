package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"quartier/core"
)

// The translations page lists the current texts with how far each language
// has them, and only managers see it.
func TestStaffTranslationsPage(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	project := staff.publish(t, "Place du Marché", "<p>Réaménager la place.</p>", url.Values{"language": {"fr"}, "title_de": {"Marktplatz"},
		"summary_de": {"Zusammenfassung"},
		"body_de":    {"<p>Den Platz neu gestalten.</p>"}, "title_en": {"Market square"}})
	builder := createConsultation(t, staff, url.Values{"title_de": {"Umfrage"}, "description_de": {"<p>Ihre Meinung zählt.</p>"}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"yesno"}, "q_prompt": {"Des arbres ?"}})

	page := staff.get("/staff/translations")
	page.contains(t,
		// The project: German has title, summary and body, English the title only.
		`<a href="/staff`+project+`/edit" lang="fr">Place du Marché</a></th>
    <td>Projet</td>
    <td class="coverage coverage-original">Original</td><td class="coverage coverage-complete">Complète</td><td class="coverage coverage-missing">Manquante</td><td class="coverage coverage-partial">Partielle</td>`,
		// The consultation: its frame in German, its question not yet.
		`<a href="`+builder+`" lang="fr">Place du marché</a></th>
    <td>Consultation</td>
    <td class="coverage coverage-original">Original</td><td class="coverage coverage-partial">Partielle</td>`,
		"Complètes en allemand", "<dd>1 / 2</dd>")

	// The questions are read for all consultations at once: more
	// consultations, no more statements.
	statements := func() int64 {
		staff.get("/staff/translations") // warm: a session touch may write once a minute
		before := a.store.Statements()
		staff.get("/staff/translations")
		return a.store.Statements() - before
	}
	one := statements()
	for _, title := range []string{"Le parc", "La gare"} {
		addQuestion(t, staff, createConsultation(t, staff, url.Values{"title": {title}}), url.Values{"q_kind": {"yesno"}, "q_prompt": {"Des bancs ?"}})
	}
	if three := statements(); three != one {
		t.Errorf("the translations page took %d statements with one consultation, %d with three", one, three)
	}
	if r := a.signedIn("lea@example.lu", core.RoleCitizen).get("/staff/translations"); r.status != http.StatusForbidden {
		t.Fatalf("a resident on the translations page: %d", r.status)
	}
}
