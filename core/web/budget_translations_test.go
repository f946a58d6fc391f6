package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// A budget's title, description and envelope names are translated; what
// residents propose stays as written.
func TestBudgetTranslations(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	zone, _ := time.LoadLocation("Europe/Luxembourg")
	local := func(t time.Time) string { return t.In(zone).Format("2006-01-02T15:04") }
	frame := url.Values{"title": {"Budget participatif 2027"}, "description": {"<p>Vos projets.</p>"}, "language": {"fr"},
		"method": {"knapsack"}, "rule": {"equal_shares"},
		"vote_opens_at": {local(time.Now().Add(-time.Hour))}, "vote_closes_at": {local(time.Now().Add(24 * time.Hour))},
		"envelopes": {"Toute la commune; 100000\nLes écoles; 20000"},
		"title_de":  {"Bürgerhaushalt 2027"}, "description_de": {"<p>Ihre Projekte.</p>"},
		"envelopes_de": {"Die ganze Gemeinde\nDie Schulen\n"},
		"envelopes_en": {"The whole commune"}} // one name for two envelopes
	staff.get("/staff/budgets")
	r := staff.post("/staff/budgets", frame)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("one English name for two envelopes: %d", r.status)
	}
	r.contains(t, "Donnez autant de noms traduits que le budget a d&#39;enveloppes", `name="envelopes_en" rows="3" lang="en"`)
	if list, _ := a.store.Budgets(ctx, true); len(list) != 0 {
		t.Fatalf("a refused budget was stored: %+v", list)
	}
	frame.Del("envelopes_en")
	staff.get("/staff/budgets")
	r = staff.post("/staff/budgets", frame)
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%.2000s", r.status, r.body)
	}
	id := regexp.MustCompile(`(\d+)$`).FindString(r.header.Get("Location"))
	staff.get("/staff/budgets/"+id).contains(t, `aria-describedby="envelopes_de-hint">Die ganze Gemeinde
Die Schulen</textarea>`)
	staff.post("/staff/budgets/"+id+"/phase", url.Values{"phase": {"proposals"}})

	de := a.browser()
	de.header.Set("Accept-Language", "de")
	page := de.get("/budgets/" + id)
	page.contains(t, `<h1 lang="de">Bürgerhaushalt 2027</h1>`, `<div class="rich" lang="de"><p>Ihre Projekte.</p></div>`,
		`<span lang="de">Die ganze Gemeinde</span>`, `<span lang="de">Die Schulen</span>`)
	de.get("/budgets").contains(t, `lang="de">Bürgerhaushalt 2027</a>`)
	en := a.browser()
	en.header.Set("Accept-Language", "en")
	if page := en.get("/budgets/" + id); !strings.Contains(page.body, `<h1 lang="fr">Budget participatif 2027</h1>`) ||
		!strings.Contains(page.body, `<span lang="fr">Toute la commune</span>`) {
		t.Fatalf("English reader, no translation:\n%.3000s", page.body)
	}
}
