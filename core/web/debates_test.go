package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/web"
)

// argumentID finds the id of the argument whose text starts with body.
func argumentID(t *testing.T, page response, body string) string {
	t.Helper()
	m := regexp.MustCompile(`<li id="argument-(\d+)">\s*<p class="meta">[^\n]*</p>\s*<div(?: lang="\w+")?><p>` + regexp.QuoteMeta(body)).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("argument %q not found:\n%s", body, page.body)
	}
	return m[1]
}

func TestArgumentsAreFlaggedModeratedAndWithdrawn(t *testing.T) {
	a := newApp(t, func(c *web.Config) { c.HideAfterFlags = 2 })
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	mod := a.signedIn("mod@commune.lu", core.RoleModerator)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	max := a.signedIn("max@example.lu", core.RoleCitizen)
	project := staff.publish(t, "Zone piétonne", "<p>Fermer la Grand-Rue ?</p>", nil)
	staff.get("/staff" + project + "/edit")
	debate := staff.post("/staff"+project+"/debates", url.Values{"question": {"Faut-il fermer la Grand-Rue le samedi ?"}}).header.Get("Location")

	lea.get(debate)
	lea.post(debate+"/arguments", url.Values{"side": {"for"}, "body": {"Achetez mes chaussures en ligne !"}})
	tom.get(debate)
	tom.post(debate+"/arguments", url.Values{"side": {"against"}, "body": {"Les livraisons deviennent difficiles."}})
	page := tom.get(debate)
	spam, tomArg := argumentID(t, page, "Achetez mes"), argumentID(t, page, "Les livraisons")
	lea.get(debate)
	lea.post(debate+"/arguments", url.Values{"parent_id": {tomArg}, "body": {"Les livraisons peuvent passer avant 10 h."}})

	// Flags: one keeps it visible, two hide it pending review.
	flagArg := func(b *browser, id string) response {
		b.get(debate)
		return b.post("/arguments/"+id+"/flag", url.Values{"reason": {"spam"}, "next": {debate}})
	}
	if r := flagArg(tom, spam); r.status != http.StatusSeeOther || r.header.Get("Location") != debate {
		t.Fatalf("flag an argument: %d %q", r.status, r.header.Get("Location"))
	}
	a.browser().get(debate).contains(t, "Achetez mes chaussures")
	flagArg(max, spam)
	if strings.Contains(a.browser().get(debate).body, "Achetez mes chaussures") {
		t.Fatal("an argument flagged twice is still shown")
	}
	queue := mod.get("/staff/moderation")
	queue.contains(t, "Argument d&#39;un débat", "2 signalements", "masqué en attente", `href="/debates/`+strings.TrimPrefix(debate, "/debates/")+`#argument-`+spam+`"`, "Achetez mes chaussures")
	a.store.ClaimDueMail(ctx, 50, time.Hour)
	if r := mod.post("/staff/moderation", url.Values{"entity": {"argument"}, "id": {spam}, "action": {"hide"}, "reason": {"Publicité sans rapport avec le débat."}}); r.status != http.StatusSeeOther {
		t.Fatalf("hide an argument: %d", r.status)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 10, time.Hour)
	if len(mails) != 1 || mails[0].Mail.To != "lea@example.lu" || !strings.Contains(mails[0].Mail.Body, "Publicité sans rapport") {
		t.Fatalf("author of the hidden argument not told: %+v", mails)
	}
	mod.get("/staff/moderation").contains(t, "Argument n°\u00a0"+spam, "Publicité sans rapport")
	if strings.Contains(a.browser().get(debate).body, "Achetez mes chaussures") {
		t.Fatal("a hidden argument is shown")
	}

	// Only its author withdraws an argument; its reply keeps its place.
	if r := lea.post("/arguments/"+tomArg+"/withdraw", nil); r.status != http.StatusForbidden {
		t.Fatalf("withdrawing someone else's argument: %d, want 403", r.status)
	}
	flagArg(max, tomArg)
	tom.get("/account").contains(t, "Mes arguments dans les débats", `href="`+debate+`#argument-`+tomArg+`" lang="fr">Faut-il fermer la Grand-Rue le samedi ?</a>`, "Contre")
	if r := tom.post("/arguments/"+tomArg+"/withdraw", url.Values{"next": {"/account#mine-h"}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/account#mine-h" {
		t.Fatalf("withdraw from the account page: %d %q", r.status, r.header.Get("Location"))
	}
	if strings.Contains(tom.get("/account").body, "Mes arguments dans les débats") {
		t.Error("the account page still lists a withdrawn argument")
	}
	page = a.browser().get(debate)
	page.contains(t, "Argument retiré par son auteur.", "Les livraisons peuvent passer avant 10 h.")
	if strings.Contains(page.body, "Les livraisons deviennent difficiles.") {
		t.Fatal("a withdrawn argument's words are still shown")
	}
	if strings.Contains(mod.get("/staff/moderation").body, `#argument-`+tomArg+`"`) {
		t.Error("a withdrawn argument's flags are still waiting for a moderator")
	}
	if r := flagArg(max, tomArg); r.status != http.StatusNotFound {
		t.Errorf("flagging a withdrawn argument: %d, want 404", r.status)
	}
	if r := lea.post(debate+"/arguments", url.Values{"parent_id": {tomArg}, "body": {"Encore une réponse."}}); r.status != http.StatusNotFound {
		t.Errorf("replying to a withdrawn argument: %d, want 404", r.status)
	}
}

func TestStaffCloseADebateWithAConclusion(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	project := staff.publish(t, "Zone piétonne", "<p>Fermer la Grand-Rue ?</p>", nil)
	tom.get(project)
	tom.post(project+"/follow", nil)
	a.store.ClaimDueMail(ctx, 50, time.Hour)
	staff.get("/staff" + project + "/edit")
	debate := staff.post("/staff"+project+"/debates", url.Values{"question": {"Faut-il fermer la Grand-Rue le samedi ?"}}).header.Get("Location")
	// The project's followers hear that a debate opens.
	if mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour); len(mails) != 1 || mails[0].Mail.To != "tom@example.lu" ||
		!strings.Contains(mails[0].Mail.Subject, "Un débat s'ouvre sur «\u00a0Zone piétonne\u00a0»") ||
		!strings.Contains(mails[0].Mail.Body, "Faut-il fermer la Grand-Rue le samedi ?") || !strings.Contains(mails[0].Mail.Body, "http://localhost"+debate) {
		t.Fatalf("followers told of the debate: %+v", mails)
	}
	id := strings.TrimPrefix(debate, "/debates/")
	for _, b := range []*browser{lea, tom} {
		b.get(debate)
	}
	lea.post(debate+"/arguments", url.Values{"side": {"for"}, "body": {"Plus calme pour les familles."}})
	lea.post(debate+"/arguments", url.Values{"side": {"for"}, "body": {"Les terrasses pourront s'étendre."}})
	tom.post(debate+"/arguments", url.Values{"side": {"against"}, "body": {"Les livraisons deviennent difficiles."}})
	leaArg := argumentID(t, tom.get(debate), "Plus calme")
	a.browser().get(project).contains(t, "3 arguments")
	staff.get("/staff"+project+"/edit").contains(t, `<a href="`+debate+`" lang="fr">Faut-il fermer la Grand-Rue le samedi ?</a> <span class="meta">(3 arguments · ouvert, à clore par une conclusion)`)

	// Residents cannot close it; a conclusion of a word is refused and changes nothing.
	if r := tom.post("/staff/debates/"+id+"/close", url.Values{"conclusion": {"Fermé pour de bon."}}); r.status != http.StatusForbidden {
		t.Fatalf("resident closing a debate: %d", r.status)
	}
	staff.get(debate).contains(t, "Clore le débat", "Clore et publier la conclusion")
	if r := staff.post("/staff/debates/"+id+"/close", url.Values{"conclusion": {"Oui."}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "10 à 5") {
		t.Fatalf("short conclusion: %d", r.status)
	}
	tom.get(debate).contains(t, "Ajouter un argument")
	a.store.ClaimDueMail(ctx, 50, time.Hour)

	conclusion := "Le conseil retient l'essai : la Grand-Rue sera piétonne le samedi de mai à septembre, livraisons avant 10 h."
	if r := staff.post("/staff/debates/"+id+"/close", url.Values{"conclusion": {conclusion}}); r.status != http.StatusSeeOther || r.header.Get("Location") != debate+"#conclusion-h" {
		t.Fatalf("close: %d %q", r.status, r.header.Get("Location"))
	}
	page := tom.get(debate)
	page.contains(t, "La conclusion de la commune", "clos le ", "la Grand-Rue sera piétonne le samedi", "Ce débat est clos", "Les livraisons deviennent difficiles.")
	for _, gone := range []string{`name="parent_id"`, "/helpful", "Ajouter un argument"} {
		if strings.Contains(page.body, gone) {
			t.Errorf("a closed debate still offers %q", gone)
		}
	}
	if r := tom.post(debate+"/arguments", url.Values{"side": {"against"}, "body": {"Trop tard ?"}}); r.status != http.StatusConflict {
		t.Errorf("argument on a closed debate: %d, want 409", r.status)
	}
	if r := tom.post(debate+"/arguments/"+leaArg+"/helpful", nil); r.status != http.StatusConflict {
		t.Errorf("rating on a closed debate: %d, want 409", r.status)
	}
	a.browser().get(project).contains(t, "3 arguments · clos le ")
	staff.get("/staff/debates").contains(t, `<a href="`+debate+`">Faut-il fermer la Grand-Rue le samedi ?</a>`, "<td>3</td>", "clos le ")
	if r := tom.get("/staff/debates"); r.status != http.StatusForbidden {
		t.Errorf("a resident on the staff debates list: %d", r.status)
	}

	// Everyone who argued gets the conclusion once.
	mails, _ := a.store.ClaimDueMail(ctx, 10, time.Hour)
	var to []string
	for _, m := range mails {
		to = append(to, m.Mail.To)
		if !strings.Contains(m.Mail.Subject, "Débat clos") || !strings.Contains(m.Mail.Body, conclusion) || !strings.Contains(m.Mail.Body, "http://localhost"+debate) {
			t.Errorf("conclusion mail: %q\n%s", m.Mail.Subject, m.Mail.Body)
		}
	}
	sort.Strings(to)
	if strings.Join(to, ",") != "lea@example.lu,tom@example.lu" {
		t.Fatalf("conclusion mailed to %v", to)
	}

	// A correction shows on the page and mails nobody again.
	staff.get(debate).contains(t, "Corriger la conclusion", "Rouvrir le débat")
	staff.post("/staff/debates/"+id+"/close", url.Values{"conclusion": {conclusion + " Bilan en octobre."}})
	a.browser().get(debate).contains(t, "Bilan en octobre.")
	if mails, _ := a.store.ClaimDueMail(ctx, 10, time.Hour); len(mails) != 0 {
		t.Errorf("a corrected conclusion mailed again: %+v", mails)
	}
	staff.get("/staff/audit").contains(t, "Débat clos", "Conclusion d&#39;un débat corrigée")

	// Reopened, it takes arguments again and no longer shows the conclusion.
	staff.post("/staff/debates/"+id+"/reopen", nil)
	if r := tom.post(debate+"/arguments", url.Values{"side": {"against"}, "body": {"Et les riverains ?"}}); r.status != http.StatusSeeOther {
		t.Fatalf("argument after reopening: %d", r.status)
	}
	if page := a.browser().get(debate); strings.Contains(page.body, "Bilan en octobre.") || !strings.Contains(page.body, "Et les riverains ?") {
		t.Error("a reopened debate still shows its conclusion, or refused an argument")
	}

	// An archived project's debates take nothing more, open or not.
	if r := staff.post("/staff"+project+"/status", url.Values{"status": {"archived"}}); r.status != http.StatusSeeOther {
		t.Fatalf("archive: %d", r.status)
	}
	page = tom.get(debate)
	page.contains(t, "Ce débat ne reçoit pas d&#39;arguments")
	if strings.Contains(page.body, "Ajouter un argument") || strings.Contains(page.body, "/helpful") {
		t.Error("an archived project's debate offers arguments or ratings")
	}
	if r := tom.post(debate+"/arguments", url.Values{"side": {"against"}, "body": {"Encore ?"}}); r.status != http.StatusConflict {
		t.Errorf("argument in an archived project's debate: %d, want 409", r.status)
	}
	if r := lea.post(debate+"/arguments/"+argumentID(t, page, "Et les riverains")+"/helpful", nil); r.status != http.StatusConflict {
		t.Errorf("rating in an archived project's debate: %d, want 409", r.status)
	}
}

// The author of an argument hears of replies to it, at most once an hour per
// debate, not of their own, and not once they asked for no more.
func TestArgumentReplyNotices(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	lea, tom := a.signedIn("lea@example.lu", core.RoleCitizen), a.signedIn("tom@example.lu", core.RoleCitizen)
	project := staff.publish(t, "Zone piétonne", "<p>Fermer la Grand-Rue ?</p>", nil)
	staff.get("/staff" + project + "/edit")
	debate := staff.post("/staff"+project+"/debates", url.Values{"question": {"Faut-il fermer la Grand-Rue le samedi ?"}}).header.Get("Location")
	lea.get(debate)
	lea.post(debate+"/arguments", url.Values{"side": {"for"}, "body": {"Plus calme pour les familles."}})
	leaArg := argumentID(t, lea.get(debate), "Plus calme")
	a.store.ClaimDueMail(ctx, 50, time.Hour)
	sent := func() []core.Mail {
		t.Helper()
		mails, err := a.store.ClaimDueMail(ctx, 50, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var out []core.Mail
		for _, m := range mails {
			out = append(out, m.Mail)
		}
		return out
	}
	lea.post(debate+"/arguments", url.Values{"parent_id": {leaArg}, "body": {"Et moins de bruit le soir."}})
	if got := sent(); len(got) != 0 {
		t.Fatalf("a reply to one's own argument mailed: %+v", got)
	}
	tom.get(debate)
	reply := tom.post(debate+"/arguments", url.Values{"parent_id": {leaArg}, "body": {"Mais les livraisons du samedi ?"}}).header.Get("Location")
	got := sent()
	if len(got) != 1 || got[0].To != "lea@example.lu" || got[0].Subject != "Léa citizen a répondu à votre argument dans le débat «\u00a0Faut-il fermer la Grand-Rue le samedi ?\u00a0» – Quartier" ||
		!strings.Contains(got[0].Body, "Mais les livraisons du samedi ?") || !strings.Contains(got[0].Body, "http://localhost"+reply) ||
		!strings.HasPrefix(got[0].Unsubscribe, "http://localhost/unsubscribe?t=") {
		t.Fatalf("the notice: %+v", got)
	}
	tom.post(debate+"/arguments", url.Values{"parent_id": {leaArg}, "body": {"Et les artisans ?"}})
	if got := sent(); len(got) != 0 {
		t.Fatalf("a second reply within the hour: %+v", got)
	}
	anHourLater := func() {
		if _, err := a.store.Pool().Exec(ctx, `UPDATE argument_notice SET sent_at = sent_at - interval '61 minutes'`); err != nil {
			t.Fatal(err)
		}
	}
	anHourLater()
	tom.post(debate+"/arguments", url.Values{"parent_id": {leaArg}, "body": {"Et les bus ?"}})
	if got := sent(); len(got) != 1 {
		t.Fatalf("a reply an hour later: %+v", got)
	}
	lea.get("/account")
	lea.post("/account/subscriptions", url.Values{"invitations": {"on"}})
	anHourLater()
	tom.post(debate+"/arguments", url.Values{"parent_id": {leaArg}, "body": {"Et les taxis ?"}})
	if got := sent(); len(got) != 0 {
		t.Fatalf("after Léa said no: %+v", got)
	}
}

// The API reads debates and takes arguments, ratings and withdrawals as the
// page does, with the same rules.
func TestDebatesAPI(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	a.account("tom@example.lu", core.RoleCitizen)
	lea, tom := a.apiToken("lea@example.lu"), a.apiToken("tom@example.lu")
	project := staff.publish(t, "Zone piétonne", "<p>Fermer la Grand-Rue ?</p>", nil)
	staff.get("/staff" + project + "/edit")
	debate := staff.post("/staff"+project+"/debates", url.Values{"question": {"Faut-il fermer la Grand-Rue le samedi ?"}}).header.Get("Location")
	id := strings.TrimPrefix(debate, "/debates/")
	const js = "application/json"

	if r := a.apiCall("POST", "/api/v1"+debate+"/arguments", "", js, `{"side":"for","body":"Sans compte ?"}`); r.status != http.StatusUnauthorized {
		t.Fatalf("argue without a token: %d", r.status)
	}
	if r := a.apiCall("POST", "/api/v1"+debate+"/arguments", lea, js, `{"side":"maybe","body":"Peut-être."}`); r.status != http.StatusBadRequest || !strings.Contains(r.body, `"field":"side"`) {
		t.Fatalf("unknown side: %d %s", r.status, r.body)
	}
	r := a.apiCall("POST", "/api/v1"+debate+"/arguments", lea, js, `{"side":"for","body":"Plus calme pour les familles."}`)
	var created struct{ ID int64 }
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &created) != nil {
		t.Fatalf("argue: %d %s", r.status, r.body)
	}
	arg := strconv.FormatInt(created.ID, 10)
	if r := a.apiCall("POST", "/api/v1"+debate+"/arguments", tom, js, `{"parent_id":`+arg+`,"body":"Et les livraisons ?"}`); r.status != http.StatusCreated {
		t.Fatalf("reply: %d %s", r.status, r.body)
	}
	for range 2 { // a second time changes nothing
		if r := a.apiCall("PUT", "/api/v1/arguments/"+arg+"/helpful", tom, "", ""); r.status != http.StatusNoContent {
			t.Fatalf("helpful: %d %s", r.status, r.body)
		}
	}
	if r := a.apiCall("PUT", "/api/v1/arguments/"+arg+"/helpful", lea, "", ""); r.status != http.StatusConflict {
		t.Fatalf("rating one's own: %d", r.status)
	}
	var got struct {
		Question  string
		Open      bool
		Accepting bool
		For       []struct {
			ID           int64
			Author       string
			HelpfulCount int `json:"helpful_count"`
			Replies      []struct{ Body string }
		}
		Against []json.RawMessage
	}
	r = a.apiCall("GET", "/api/v1"+debate, "", "", "")
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || !got.Open || !got.Accepting || len(got.For) != 1 || got.For[0].HelpfulCount != 1 ||
		got.For[0].Author != "Léa citizen" || len(got.For[0].Replies) != 1 || got.For[0].Replies[0].Body != "Et les livraisons ?" || len(got.Against) != 0 {
		t.Fatalf("debate: %v %s", err, r.body)
	}
	a.apiCall("GET", "/api/v1"+project, "", "", "").contains(t, `"debates":[{"id":`+id+`,"question":"Faut-il fermer la Grand-Rue le samedi ?","open":true,"arguments":2,`)

	// Withdrawn: only by its author; the reply stays under it.
	if r := a.apiCall("DELETE", "/api/v1/arguments/"+arg, tom, "", ""); r.status != http.StatusForbidden {
		t.Fatalf("withdrawing someone else's: %d", r.status)
	}
	if r := a.apiCall("DELETE", "/api/v1/arguments/"+arg, lea, "", ""); r.status != http.StatusNoContent {
		t.Fatalf("withdraw: %d", r.status)
	}
	a.apiCall("GET", "/api/v1"+debate, "", "", "").contains(t, `"author":"","body":"","helpful_count":1,"withdrawn":true`, "Et les livraisons ?")

	// Closed: the conclusion shows, and nothing more is taken.
	staff.get(debate)
	staff.post("/staff"+debate+"/close", url.Values{"conclusion": {"La Grand-Rue sera piétonne le samedi, à l'essai."}})
	a.apiCall("GET", "/api/v1"+debate, "", "", "").contains(t, `"open":false,"accepting":false,"conclusion":"La Grand-Rue sera piétonne le samedi, à l'essai.","closed_at":"`)
	if r := a.apiCall("POST", "/api/v1"+debate+"/arguments", tom, js, `{"side":"against","body":"Trop tard ?"}`); r.status != http.StatusConflict {
		t.Fatalf("argue on a closed debate: %d", r.status)
	}

	// A draft project's debate is the managers' alone.
	draft := staff.post("/staff/projects", url.Values{"title": {"Projet en préparation"}, "summary": {"Brouillon"}, "body": {"<p>Brouillon</p>"}}).header.Get("Location")
	draftID := regexp.MustCompile(`/projects/(\d+)`).FindStringSubmatch(draft)
	if draftID == nil {
		t.Fatalf("draft project: %q", draft)
	}
	staff.get("/staff/projects/" + draftID[1] + "/edit")
	hidden := staff.post("/staff/projects/"+draftID[1]+"/debates", url.Values{"question": {"Une question en préparation ?"}}).header.Get("Location")
	for _, path := range []string{"/api/v1" + hidden, hidden} {
		if r := a.apiCall("GET", path, "", "", ""); r.status != http.StatusNotFound {
			t.Errorf("%s of a draft project: %d", path, r.status)
		}
	}
	if r := a.apiCall("POST", "/api/v1"+hidden+"/arguments", tom, js, `{"side":"for","body":"Je l'ai trouvé."}`); r.status != http.StatusNotFound {
		t.Errorf("argue in a draft project's debate: %d", r.status)
	}
}
