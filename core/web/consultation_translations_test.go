package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quartier/core"
)

// Staff translate a consultation's frame and each question; residents read and
// answer it in their language, and every answer counts for the same option.
func TestConsultationTranslations(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	builder := createConsultation(t, staff, url.Values{"language": {"fr"}, "live_results": {"on"}, "title_de": {"Marktplatz"},
		"description_de": {"<p>Ihre Meinung <script>alert(1)</script>zählt.</p>"}})
	id := idInLocation.FindStringSubmatch(builder)[1]
	public := "/consultations/" + id
	addQuestion(t, staff, builder, url.Values{"q_kind": {"single"}, "q_prompt": {"Quel usage ?"}, "q_help": {"Un seul choix."},
		"q_options": {"Marché\nParking\nJardin"}, "q_required": {"on"}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"yesno"}, "q_prompt": {"Des arbres ?"}})
	page := staff.get(builder)
	page.contains(t, `id="title_de" name="title_de" type="text" maxlength="200" lang="de" value="Marktplatz"`)
	questions := regexp.MustCompile(`<li id="question-(\d+)">`).FindAllStringSubmatch(page.body, -1)
	if len(questions) != 2 {
		t.Fatalf("questions in the builder: %v", questions)
	}
	single := builder + "/questions/" + questions[0][1]
	translate := func(form url.Values) response {
		staff.get(builder)
		form.Set("action", "translate")
		return staff.post(single, form)
	}
	if r := translate(url.Values{"t_prompt_de": {"Welche Nutzung?"}, "t_help_de": {"Eine Wahl."}, "t_options_de": {"Markt\nParkplatz\nGarten\n"},
		"t_prompt_en": {"Which use?"}}); r.status != http.StatusSeeOther {
		t.Fatalf("translate: %d\n%.3000s", r.status, r.body)
	}

	// Two options for three: refused with a message, the form as typed, nothing changed.
	r := translate(url.Values{"t_prompt_de": {"Welche Nutzung?"}, "t_options_de": {"Markt\nParkplatz"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("two options for three: %d", r.status)
	}
	r.contains(t, "Donnez autant de choix traduits que la question en a", `href="#q`+questions[0][1]+`-t_options_de"`,
		`name="t_options_de" rows="4" lang="de" aria-describedby="q`+questions[0][1]+`-t_options_de-hint q`+questions[0][1]+`-t_options_de-error" aria-invalid="true">Markt
Parkplatz</textarea>`)
	staff.get(builder)
	if r := staff.post(builder+"/publish", url.Values{"action": {"publish"}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}

	visitor := func(lang string) *browser {
		b := a.browser()
		b.header.Set("Accept-Language", lang)
		return b
	}
	de := visitor("de").get(public)
	de.contains(t, `<h1 lang="de">Marktplatz</h1>`, `<div class="rich" lang="de"><p>Ihre Meinung zählt.</p></div>`)
	if strings.Contains(de.body, "<script>alert") {
		t.Fatal("a translated description is not sanitised")
	}
	visitor("fr").get(public).contains(t, `<h1 lang="fr">Place du marché</h1>`)
	visitor("de").get("/consultations").contains(t, `lang="de">Marktplatz</a>`)

	// A resident reading German answers in German; the answer is the stored option.
	lena := a.signedIn("lena@example.lu", core.RoleCitizen)
	lena.get("/account")
	if r := lena.post("/account/profile", url.Values{"display_name": {"Lena"}, "locale": {"de"}}); r.status != http.StatusSeeOther {
		t.Fatalf("choose German: %d", r.status)
	}
	form := lena.get(public)
	form.contains(t, `<span lang="de">Welche Nutzung?</span>`, `<p class="hint" lang="de">Eine Wahl.</p>`, `lang="de">Parkplatz</label>`,
		`<span lang="fr">Des arbres ?</span>`)
	fields := fieldNames(form.body)
	parking := regexp.MustCompile(`id="` + fields[0] + `-(\d+)"[^>]*>\s*<label for="` + fields[0] + `-\d+" lang="de">Parkplatz<`).FindStringSubmatch(form.body)
	if parking == nil {
		t.Fatalf("no Parkplatz option in\n%.4000s", form.body)
	}
	if r := lena.post(public+"/answers", url.Values{fields[0]: {parking[1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d\n%.2000s", r.status, r.body)
	}
	// Options not translated into English stay in French (the results are public while open).
	visitor("en").get(public+"/results").contains(t, `<span lang="en">Which use?</span>`, `<td lang="fr">Parking</td>`)
	lena.get("/account").contains(t, `lang="de">Marktplatz</a>`)
	results := staff.get(public + "/results")
	results.contains(t, `<td lang="fr">Parking</td><td>1</td>`)

	// Once answered, the questions are frozen but their translations are not.
	page = staff.get(builder)
	page.contains(t, "Traduire la question", `value="Welche Nutzung?"`)
	if r := translate(url.Values{"t_prompt_de": {"Welche Nutzung für den Platz?"}, "t_options_de": {"Markt\nParkplatz\nGarten"},
		"t_prompt_lb": {"Wéi eng Notzung?"}}); r.status != http.StatusSeeOther {
		t.Fatalf("translate after the first answer: %d\n%.2000s", r.status, r.body)
	}
	visitor("lb").get(public+"/results").contains(t, `<span lang="lb">Wéi eng Notzung?</span>`)
	visitor("de").get(public+"/results").contains(t, `<span lang="de">Welche Nutzung für den Platz?</span>`, `<td lang="de">Parkplatz</td><td>1</td>`)
	// English was left out of the last form: its translation is gone.
	visitor("en").get(public+"/results").contains(t, `<span lang="fr">Quel usage ?</span>`)

	// The API gives the translations, each option named.
	api := a.apiCall("GET", "/api/v1/consultations/"+id, "", "", "")
	api.contains(t, `"language":"fr"`, `"de":{"title":"Marktplatz"`, `"prompt":"Welche Nutzung für den Platz?"`, `{"id":`+parking[1]+`,"label":"Parkplatz","description":""}`)

	// A translation through another consultation's path changes nothing.
	other := createConsultation(t, staff, nil)
	staff.get(other)
	if r := staff.post(other+"/questions/"+questions[0][1], url.Values{"action": {"translate"}, "t_prompt_de": {"Fremd"}}); r.status != http.StatusNotFound {
		t.Fatalf("translating another consultation's question: %d", r.status)
	}
	lena.get(public).contains(t, `<span lang="de">Welche Nutzung für den Platz?</span>`)
}
