package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quartier/core"
)

// Staff keep official answers that come up often and start from them on an
// idea's review page: the text is filled for the idea and its decision
// chosen, templates for decisions the idea cannot take are not offered, bad
// templates are refused with the reason, changes are audited, and only
// managers reach them.
func TestAnswerTemplates(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	const page = "/staff/answer-templates"
	staff.get(page).contains(t, "Aucun modèle pour l'instant.")

	r := staff.post(page, url.Values{"title": {" "}, "status": {"not_feasible"}, "body": {"Non."}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty template: %d", r.status)
	}
	r.contains(t, "Donnez un titre au modèle.", `<option value="not_feasible" selected>`)
	if r := staff.post(page, url.Values{"title": {"Déposée"}, "status": {"submitted"}, "body": {"Une réponse assez longue."}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("template for the first status: %d", r.status)
	}
	for _, f := range []url.Values{
		{"title": {"Route de l'État"}, "status": {"not_feasible"}, "body": {"Bonjour {author}, « {idea} » concerne une route de l'État : nous avons transmis votre demande aux Ponts et Chaussées."}},
		{"title": {"Travaux réalisés"}, "status": {"done"}, "body": {"Les travaux sont terminés, merci {author}."}},
	} {
		if r := staff.post(page, f); r.status != http.StatusSeeOther {
			t.Fatalf("save %q: %d\n%s", f.Get("title"), r.status, r.body)
		}
	}
	list := staff.get(page)
	list.contains(t, "Route de l'État", "Non faisable", "Travaux réalisés")
	editLink := regexp.MustCompile(`/staff/answer-templates\?edit=(\d+)#template-form-h" aria-label="Modifier.: Route`).FindStringSubmatch(html.UnescapeString(list.body))
	if editLink == nil {
		t.Fatalf("no edit link:\n%s", list.body)
	}
	id := editLink[1]
	staff.get(page+"?edit="+id).contains(t, "Modifier le modèle", `name="id" value="`+id+`"`)
	if r := staff.post(page, url.Values{"id": {id}, "title": {"Route nationale"}, "status": {"not_feasible"},
		"body": {"Bonjour {author}, « {idea} » concerne une route nationale : nous avons transmis votre demande aux Ponts et Chaussées."}}); r.status != http.StatusSeeOther {
		t.Fatalf("change: %d", r.status)
	}

	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	idea := lea.propose(url.Values{"title": {"Un passage piéton sur la N7"}, "body": {"Devant l'école."}})
	review := staff.get("/staff" + idea)
	review.contains(t, "Partir d'un modèle de réponse", "Route nationale (Non faisable)")
	if strings.Contains(review.body, "Travaux réalisés") {
		t.Error("a template for 'done' is offered on a new idea")
	}
	filled := staff.get("/staff" + idea + "?template=" + id)
	filled.contains(t, `<option value="not_feasible" selected>`,
		"Bonjour Léa citizen, « Un passage piéton sur la N7 » concerne une route nationale : nous avons transmis votre demande aux Ponts et Chaussées.</textarea>")
	if r := staff.post("/staff"+idea+"/decision", url.Values{"status": {"not_feasible"},
		"answer": {"Bonjour Léa, « Un passage piéton sur la N7 » concerne une route nationale : transmis aux Ponts et Chaussées le 27 novembre."}}); r.status != http.StatusSeeOther {
		t.Fatalf("decision: %d", r.status)
	}
	lea.get(idea).contains(t, "transmis aux Ponts et Chaussées le 27 novembre")
	// An unknown template fills nothing.
	if r := staff.get("/staff" + idea + "?template=999999"); r.status != http.StatusOK {
		t.Fatalf("unknown template: %d", r.status)
	}

	staff.get(page)
	if r := staff.post(page+"/"+id+"/delete", nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	if r := staff.post(page+"/"+id+"/delete", nil); r.status != http.StatusNotFound {
		t.Fatalf("delete again: %d", r.status)
	}
	if strings.Contains(staff.get(page).body, "Route nationale") {
		t.Error("deleted template still listed")
	}
	staff.get("/staff/audit").contains(t, "Modèle de réponse enregistré", "Modèle de réponse supprimé", "Modèle de réponse n°\u00a0"+id)

	moderator := a.signedIn("mod@commune.lu", core.RoleModerator)
	if r := moderator.get(page); r.status != http.StatusForbidden {
		t.Fatalf("moderator on templates: %d", r.status)
	}
}

// Templates say the language they are written in; on an idea whose author
// reads German, the German ones come first and the page says so.
func TestAnswerTemplatesInTheAuthorsLanguage(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	const page = "/staff/answer-templates"
	staff.get(page)
	if r := staff.post(page, url.Values{"title": {"Route"}, "status": {"not_feasible"}, "language": {"xx"}, "body": {"Une réponse assez longue."}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown language: %d", r.status)
	}
	for _, f := range []url.Values{
		{"title": {"A — Route de l'État"}, "status": {"not_feasible"}, "language": {"fr"}, "body": {"Cette route appartient à l'État."}},
		{"title": {"B — Staatsstraße"}, "status": {"not_feasible"}, "language": {"de"}, "body": {"Diese Straße gehört dem Staat."}},
		{"title": {"C — Merci"}, "body": {"Merci {author}, et vielen Dank."}},
	} {
		staff.get(page)
		if r := staff.post(page, f); r.status != http.StatusSeeOther {
			t.Fatalf("save %q: %d", f.Get("title"), r.status)
		}
	}
	staff.get(page).contains(t, `B — Staatsstraße <span class="meta">(allemand)</span>`, `<td lang="de">Diese Straße gehört dem Staat.</td>`)

	lena := a.signedIn("lena@example.lu", core.RoleCitizen)
	lena.get("/account")
	lena.post("/account/profile", url.Values{"display_name": {"Lena"}, "locale": {"de"}})
	idea := lena.propose(url.Values{"title": {"Ein Zebrastreifen"}, "body": {"Vor der Schule, bitte."}})
	review := staff.get("/staff" + idea)
	review.contains(t, "L&#39;auteur·e lit le site en allemand")
	options := regexp.MustCompile(`<option value="\d+">([^<]*)</option>`).FindAllStringSubmatch(review.body[strings.Index(review.body, `id="template"`):], 3)
	if len(options) != 3 || !strings.HasPrefix(options[0][1], "B — Staatsstraße") || !strings.HasPrefix(options[1][1], "C — Merci") ||
		!strings.HasPrefix(options[2][1], "A — Route") {
		t.Fatalf("templates in the order %q", options)
	}
}

// The official answer's language is chosen on the review page (the author's
// by default, a template's when one is applied) and marks the answer.
func TestOfficialAnswerLanguage(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	lena := a.signedIn("lena@example.lu", core.RoleCitizen)
	lena.get("/account")
	lena.post("/account/profile", url.Values{"display_name": {"Lena"}, "locale": {"de"}})
	idea := lena.propose(url.Values{"title": {"Ein Zebrastreifen"}, "body": {"Vor der Schule, bitte."}})
	review := staff.get("/staff" + idea)
	review.contains(t, `<option value="de" selected>allemand</option>`)
	if r := staff.post("/staff"+idea+"/decision", url.Values{"status": {"feasible"}, "answer": {"Der Zebrastreifen kommt im Frühjahr."},
		"answer_language": {"xx"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown answer language: %d", r.status)
	}
	staff.get("/staff" + idea)
	if r := staff.post("/staff"+idea+"/decision", url.Values{"status": {"feasible"}, "answer": {"Der Zebrastreifen kommt im Frühjahr."},
		"answer_language": {"de"}}); r.status != http.StatusSeeOther {
		t.Fatalf("decide: %d", r.status)
	}
	a.browser().get(idea).contains(t, `<p lang="de">Der Zebrastreifen kommt im Frühjahr.</p>`)
	a.apiCall("GET", "/api/v1"+idea, "", "", "").contains(t, `"answer_language":"de"`)
}
