package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// Staff write a project in one language and translate it into others;
// visitors read their language where there is a translation, field by field,
// each text marked with its language.
func TestProjectTranslations(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	project := staff.publish(t, "Place du Marché", "<p>Réaménager la place.</p>", url.Values{
		"language": {"fr"},
		"title_de": {"Marktplatz"}, "summary_de": {"Zusammenfassung"}, "body_de": {"<p>Den Platz neu gestalten.<script>x</script></p>"},
		"title_en": {"Market square"},
	})
	editor := "/staff" + project + "/edit"

	visitor := func(lang string) *browser {
		b := a.browser()
		b.header.Set("Accept-Language", lang)
		return b
	}
	de := visitor("de").get(project)
	de.contains(t, `<h1 lang="de">Marktplatz</h1>`, `<p class="lead" lang="de">Zusammenfassung</p>`, `<div class="rich" lang="de"><p>Den Platz neu gestalten.</p></div>`)
	if strings.Contains(de.body, "<script>x") {
		t.Fatal("a translation's body is not sanitised")
	}
	visitor("fr").get(project).contains(t, `<h1 lang="fr">Place du Marché</h1>`, `<div class="rich" lang="fr"><p>Réaménager la place.</p></div>`)
	visitor("lb").get(project).contains(t, `<h1 lang="fr">Place du Marché</h1>`) // no translation: the original
	// A translation of the title alone: the rest stays in the original, marked so.
	visitor("en").get(project).contains(t, `<h1 lang="en">Market square</h1>`, `<p class="lead" lang="fr">Résumé</p>`, `<div class="rich" lang="fr">`)
	visitor("de").get("/projects").contains(t, `<h2 lang="de"><a href="`+project+`">Marktplatz</a></h2>`)
	// Ideas name their project in the reader's language too.
	idea := a.signedIn("lea@example.lu", core.RoleCitizen).propose(url.Values{"project_id": {strings.TrimPrefix(project, "/projects/")},
		"title": {"Des bancs à l'ombre"}, "body": {"Sous les platanes."}})
	visitor("de").get("/ideas").contains(t, "Marktplatz</p>")
	visitor("de").get(idea).contains(t, `<a href="`+project+`">Marktplatz</a>`)
	visitor("fr").get("/ideas").contains(t, "Place du Marché</p>")
	visitor("de").get("/").contains(t, "Marktplatz")
	a.apiCall("GET", "/api/v1"+project, "", "", "").contains(t, `"language":"fr"`, `"de":{"title":"Marktplatz","summary":"Zusammenfassung","body_html":"\u003cp\u003eDen Platz neu gestalten.\u003c/p\u003e"}`)

	// The editor shows the translations, not one into the text's own language.
	page := staff.get(editor)
	page.contains(t, `id="title_de" name="title_de" type="text" maxlength="150" lang="de" value="Marktplatz"`, `<option value="fr" selected>`)
	if strings.Contains(page.body, `id="title_fr"`) {
		t.Error("the editor offers a translation into the text's own language")
	}
	// A translation without a title is refused with a message, and nothing changes.
	form := url.Values{"title": {"Place du Marché"}, "summary": {"Résumé"}, "body": {"<p>Réaménager la place.</p>"}, "language": {"fr"},
		"title_de": {"Marktplatz"}, "summary_lb": {"E Resumé ouni Titel"}}
	r := staff.post("/staff"+project, form)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Une traduction demande un titre") || !strings.Contains(r.body, `value="E Resumé ouni Titel"`) {
		t.Fatalf("a translation without a title: %d\n%s", r.status, r.body)
	}
	visitor("de").get(project).contains(t, "Zusammenfassung")
	// Emptied, a translation is gone; an unknown language is refused.
	staff.get(editor)
	form.Del("summary_lb")
	form.Del("title_de")
	if r := staff.post("/staff"+project, form); r.status != http.StatusSeeOther {
		t.Fatalf("save without translations: %d", r.status)
	}
	visitor("de").get(project).contains(t, `<h1 lang="fr">Place du Marché</h1>`)
	staff.get(editor)
	form.Set("language", "xx")
	if r := staff.post("/staff"+project, form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Cette langue n&#39;est pas proposée.") {
		t.Fatalf("unknown language: %d", r.status)
	}
}

// A project's updates are translated as the project is: followers get them
// by mail in their language, visitors on the page.
func TestProjectUpdateTranslations(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	project := staff.publish(t, "Place du Marché", "<p>Réaménager la place.</p>", url.Values{"title_de": {"Marktplatz"}})
	for _, who := range []struct{ email, lang string }{{"lea@example.lu", "fr"}, {"jonas@example.lu", "de"}} {
		b := a.signedIn(who.email, core.RoleCitizen)
		b.get(project)
		b.post("/language", url.Values{"lang": {who.lang}, "next": {project}})
		b.get(project)
		if r := b.post(project+"/follow", nil); r.status != http.StatusSeeOther {
			t.Fatalf("follow: %d", r.status)
		}
	}
	editor := "/staff" + project + "/edit"
	a.store.ClaimDueMail(ctx, 50, time.Hour)

	// A translation's body without its title is refused: the editor comes
	// back with the project as stored and the update as typed; nothing is posted.
	staff.get(editor)
	r := staff.post("/staff"+project+"/updates", url.Values{"update_title": {"Début des travaux"}, "update_body": {"<p>Les travaux commencent lundi.</p>"},
		"update_body_de": {"<p>Die Arbeiten beginnen am Montag.</p>"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Une traduction demande un titre") ||
		!strings.Contains(r.body, `id="title" name="title" type="text" maxlength="150" required value="Place du Marché"`) || !strings.Contains(r.body, `value="Début des travaux"`) {
		t.Fatalf("a translation without a title: %d\n%s", r.status, r.body)
	}
	if mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour); len(mails) != 0 {
		t.Fatalf("a refused update was mailed: %+v", mails)
	}
	staff.get(editor)
	if r := staff.post("/staff"+project+"/updates", url.Values{"update_title": {"Début des travaux"}, "update_body": {"<p>Les travaux commencent lundi.</p>"},
		"update_title_de": {"Baubeginn"}, "update_body_de": {"<p>Die Arbeiten beginnen am Montag.</p>"}}); r.status != http.StatusSeeOther {
		t.Fatalf("post update: %d", r.status)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour)
	got := map[string]string{}
	for _, m := range mails {
		got[m.Mail.To] = m.Mail.Subject + "\n" + m.Mail.Body
	}
	if !strings.Contains(got["jonas@example.lu"], "Marktplatz") || !strings.Contains(got["jonas@example.lu"], "Baubeginn") ||
		!strings.Contains(got["jonas@example.lu"], "Die Arbeiten beginnen am Montag.") {
		t.Errorf("the German follower's mail:\n%s", got["jonas@example.lu"])
	}
	if !strings.Contains(got["lea@example.lu"], "Place du Marché") || !strings.Contains(got["lea@example.lu"], "Début des travaux") {
		t.Errorf("the French follower's mail:\n%s", got["lea@example.lu"])
	}
	de := a.browser()
	de.header.Set("Accept-Language", "de")
	de.get(project).contains(t, `<h3 lang="de">Baubeginn</h3>`, `<div class="rich" lang="de"><p>Die Arbeiten beginnen am Montag.</p></div>`)
	a.browser().get(project).contains(t, `<h3 lang="fr">Début des travaux</h3>`)
}

// When staff change a project's original words and not its translation, the
// translation is marked out of date: in the editor and on the translations
// page; translating it again clears the mark.
func TestOutdatedTranslationsAreMarked(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	project := staff.publish(t, "Place du Marché", "<p>Réaménager la place.</p>", url.Values{"language": {"fr"},
		"title_de": {"Marktplatz"}, "summary_de": {"Zusammenfassung"}, "body_de": {"<p>Den Platz neu gestalten.</p>"}})
	editor := "/staff" + project + "/edit"
	form := url.Values{"title": {"Place du Marché"}, "summary": {"Résumé"}, "body": {"<p>Réaménager la place.</p>"}, "language": {"fr"},
		"title_de": {"Marktplatz"}, "summary_de": {"Zusammenfassung"}, "body_de": {"<p>Den Platz neu gestalten.</p>"}}
	save := func() {
		t.Helper()
		staff.get(editor)
		if r := staff.post("/staff"+project, form); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d\n%.2000s", r.status, r.body)
		}
	}
	save() // the same words: nothing is out of date
	if strings.Contains(staff.get(editor).body, "L&#39;original a changé") {
		t.Fatal("an unchanged project's translation is marked out of date")
	}
	staff.get("/staff/translations").contains(t, `<td class="coverage coverage-complete">Complète</td>`)

	form.Set("body", "<p>Réaménager la place et planter des arbres.</p>")
	save()
	staff.get(editor).contains(t, "L&#39;original a changé depuis cette traduction")
	staff.get("/staff/translations").contains(t, `<td class="coverage coverage-outdated">À revoir</td>`)

	form.Set("body_de", "<p>Den Platz neu gestalten und Bäume pflanzen.</p>")
	save()
	if strings.Contains(staff.get(editor).body, "L&#39;original a changé") {
		t.Fatal("a translation brought up to date is still marked")
	}
}
