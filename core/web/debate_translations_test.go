package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// A debate's question and conclusion are translated like its project: readers,
// followers, those who argued and those replied to get their language.
func TestDebateTranslations(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	lena := a.signedIn("lena@example.lu", core.RoleCitizen)
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	lena.get("/account")
	if r := lena.post("/account/profile", url.Values{"display_name": {"Lena"}, "locale": {"de"}}); r.status != http.StatusSeeOther {
		t.Fatalf("choose German: %d", r.status)
	}
	project := staff.publish(t, "Zone piétonne", "<p>Fermer la Grand-Rue ?</p>", url.Values{"title_de": {"Fußgängerzone"}})
	lena.get(project)
	lena.post(project+"/follow", nil)
	a.store.ClaimDueMail(ctx, 50, time.Hour)
	edit := "/staff" + project + "/edit"

	// A translation too short to be a question: refused, no debate opened.
	staff.get(edit).contains(t, `<input id="question_de" name="question_de" type="text" maxlength="300" lang="de">`)
	if r := staff.post("/staff"+project+"/debates", url.Values{"question": {"Faut-il fermer la Grand-Rue le samedi ?"}, "question_de": {"Ja?"}}); r.status != http.StatusBadRequest {
		t.Fatalf("a three-letter question: %d", r.status)
	}
	if r := a.browser().get(project); strings.Contains(r.body, "/debates/") {
		t.Fatal("a refused debate was opened")
	}
	staff.get(edit)
	debate := staff.post("/staff"+project+"/debates", url.Values{"question": {"Faut-il fermer la Grand-Rue le samedi ?"},
		"question_de": {"Soll die Grand-Rue samstags gesperrt werden?"}}).header.Get("Location")
	if mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour); len(mails) != 1 || !strings.Contains(mails[0].Mail.Subject, "Fußgängerzone") ||
		!strings.Contains(mails[0].Mail.Body, "Soll die Grand-Rue samstags gesperrt werden?") {
		t.Fatalf("the German follower's mail: %+v", mails)
	}
	lena.get(debate).contains(t, `<h1 lang="de">Soll die Grand-Rue samstags gesperrt werden?</h1>`, `lang="de">Fußgängerzone</a>`)
	tom.get(debate).contains(t, `<h1 lang="fr">Faut-il fermer la Grand-Rue le samedi ?</h1>`)
	lena.get(project).contains(t, `lang="de">Soll die Grand-Rue samstags gesperrt werden?</a>`)

	// Lena argues, Tom replies: her notice names the debate in German.
	lena.post(debate+"/arguments", url.Values{"side": {"for"}, "body": {"Ruhiger für Familien."}})
	lenaArg := argumentID(t, tom.get(debate), "Ruhiger")
	tom.post(debate+"/arguments", url.Values{"parent_id": {lenaArg}, "body": {"Et les livraisons ?"}})
	if mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour); len(mails) != 1 || !strings.Contains(mails[0].Mail.Subject, "Soll die Grand-Rue samstags gesperrt werden?") {
		t.Fatalf("the German reply notice: %+v", mails)
	}
	lena.get("/account").contains(t, `lang="de">Soll die Grand-Rue samstags gesperrt werden?</a>`)

	// The conclusion, in French and German: each who argued reads theirs.
	id := strings.TrimPrefix(debate, "/debates/")
	staff.get(debate)
	if r := staff.post("/staff/debates/"+id+"/close", url.Values{"conclusion": {"Essai de mai à septembre, livraisons avant 10 h."},
		"conclusion_de": {"Versuch von Mai bis September, Lieferungen vor 10 Uhr."}}); r.status != http.StatusSeeOther {
		t.Fatalf("close: %d", r.status)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour)
	byTo := map[string]core.Mail{}
	for _, m := range mails {
		byTo[m.Mail.To] = m.Mail
	}
	if m := byTo["lena@example.lu"]; !strings.Contains(m.Body, "Versuch von Mai bis September") || !strings.Contains(m.Subject, "Soll die Grand-Rue") {
		t.Fatalf("Lena's conclusion mail: %+v", m)
	}
	if m := byTo["tom@example.lu"]; !strings.Contains(m.Body, "Essai de mai à septembre") {
		t.Fatalf("Tom's conclusion mail: %+v", m)
	}
	lena.get(debate).contains(t, `<div lang="de"><p>Versuch von Mai bis September, Lieferungen vor 10 Uhr.</p></div>`)
	// Staff correct the original in the original, the translation beside it.
	staff.get(debate).contains(t, `lang="fr">Essai de mai à septembre, livraisons avant 10 h.</textarea>`,
		`lang="de">Versuch von Mai bis September, Lieferungen vor 10 Uhr.</textarea>`)
	a.apiCall("GET", "/api/v1"+debate, "", "", "").contains(t, `"language":"fr"`,
		`"de":{"question":"Soll die Grand-Rue samstags gesperrt werden?","conclusion":"Versuch von Mai bis September, Lieferungen vor 10 Uhr."}`)
}
