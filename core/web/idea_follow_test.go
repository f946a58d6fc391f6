package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// A resident who neither wrote nor supports an idea follows it and hears of
// its official answers as its author does, until they stop following; the
// author and supporters are not offered to follow (they hear anyway); the
// account page and the personal data export list what is followed.
func TestFollowAnIdea(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	idea := lea.propose(url.Values{"title": {"Un passage piéton rue Neuve"}, "body": {"Devant l'école."}})
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)

	if strings.Contains(lea.get(idea).body, `action="`+idea+`/follow"`) {
		t.Error("the author is offered to follow her own idea")
	}
	page := tom.get(idea)
	page.contains(t, `<button type="submit" class="secondary" aria-describedby="follow-hint">Suivre cette idée</button>`)
	if r := tom.post(idea+"/follow", nil); r.status != http.StatusSeeOther {
		t.Fatalf("follow: %d", r.status)
	}
	tom.post(idea+"/follow", nil) // twice changes nothing
	tom.get(idea).contains(t, "Vous suivez cette idée", `<input type="hidden" name="follow" value="no">`)
	tom.get("/account").contains(t, "Les idées que je suis", "Un passage piéton rue Neuve")
	var export struct {
		Content struct {
			FollowedIdeas []int64 `json:"followed_ideas"`
		} `json:"content"`
	}
	if err := json.Unmarshal([]byte(tom.get("/account/export").body), &export); err != nil || len(export.Content.FollowedIdeas) != 1 {
		t.Fatalf("export: %+v %v", export, err)
	}
	a.store.ClaimDueMail(ctx, 100, time.Hour) // sign-ups and the like

	decide := func(status, answer string) map[string]core.Mail {
		return decideAndRead(t, a, staff, idea, status, answer)
	}
	got := decide("in_review", "")
	if len(got) != 2 || !strings.Contains(got["tom@example.lu"].Subject, "L'idée «\u00a0Un passage piéton rue Neuve\u00a0»\u00a0: nouvelle étape") || got["lea@example.lu"].To == "" {
		t.Fatalf("mails after the first step: %+v", got)
	}
	if r := tom.post(idea+"/follow", url.Values{"follow": {"no"}}); r.status != http.StatusSeeOther {
		t.Fatalf("unfollow: %d", r.status)
	}
	got = decide("feasible", "Le service de la voirie le peindra au printemps.")
	if _, ok := got["tom@example.lu"]; ok || len(got) != 1 {
		t.Fatalf("mails after unfollowing: %+v", got)
	}
	tom.get(idea).contains(t, "Suivre cette idée")

	// Apps follow through the API, with the resident's token.
	token := a.apiToken("tom@example.lu")
	ideaID := strings.TrimPrefix(idea, "/ideas/")
	if r := a.apiCall("PUT", "/api/v1/ideas/"+ideaID+"/follow", "", "", ""); r.status != http.StatusUnauthorized {
		t.Fatalf("anonymous follow: %d", r.status)
	}
	if r := a.apiCall("PUT", "/api/v1/ideas/"+ideaID+"/follow", token, "", ""); r.status != http.StatusOK || strings.TrimSpace(r.body) != `{"following":true}` {
		t.Fatalf("API follow: %d %s", r.status, r.body)
	}
	tom.get(idea).contains(t, "Vous suivez cette idée")
	if r := a.apiCall("DELETE", "/api/v1/ideas/"+ideaID+"/follow", token, "", ""); r.status != http.StatusOK || strings.TrimSpace(r.body) != `{"following":false}` {
		t.Fatalf("API unfollow: %d %s", r.status, r.body)
	}
	if r := a.apiCall("PUT", "/api/v1/ideas/999999/follow", token, "", ""); r.status != http.StatusNotFound {
		t.Fatalf("API follow of no idea: %d", r.status)
	}

	// A supporter hears as a supporter: no follow button.
	ana := a.signedIn("ana@example.lu", core.RoleCitizen)
	other := lea.propose(url.Values{"title": {"Des bancs place Neuve"}, "body": {"Pour se reposer."}})
	ana.get(other)
	if r := ana.post(other+"/support", nil); r.status != http.StatusSeeOther {
		t.Fatalf("support: %d", r.status)
	}
	if strings.Contains(ana.get(other).body, "Suivre cette idée") {
		t.Error("a supporter is offered to follow")
	}
}

// Every step's mail carries a link that stops that idea's news: a supporter
// of an answered idea, who can no longer withdraw their support, uses it and
// hears no more of the idea, while its author still does; following the idea
// again undoes it.
func TestStopAnIdeasNewsFromItsMail(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	idea := lea.propose(url.Values{"title": {"Un abri à vélos place Neuve"}, "body": {"Couvert et éclairé."}})
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	tom.get(idea)
	tom.post(idea+"/support", nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	a.store.ClaimDueMail(ctx, 100, time.Hour)
	decide := func(status, answer string) map[string]core.Mail {
		return decideAndRead(t, a, staff, idea, status, answer)
	}
	got := decide("feasible", "La commune en posera un au printemps.")
	stop := got["tom@example.lu"].Unsubscribe
	if stop == "" || !strings.Contains(got["tom@example.lu"].Body, "Ne plus recevoir les nouvelles de cette idée\u00a0:\n"+stop) || got["lea@example.lu"].To == "" {
		t.Fatalf("mails: %+v", got)
	}
	u, _ := url.Parse(stop)
	page := a.browser().get(u.RequestURI()) // what a mail client's link preview does: nothing
	page.contains(t, "Ne plus recevoir les nouvelles de l'idée «\u00a0Un abri à vélos place Neuve\u00a0»")
	if r := a.browser().post(u.RequestURI(), nil); r.status != http.StatusOK || !strings.Contains(r.body, "vous ne recevrez plus les nouvelles") ||
		!strings.Contains(r.body, `<a href="`+idea+`">`) {
		t.Fatalf("stop: %d", r.status)
	}
	got = decide("submitted_to_council", "")
	if _, ok := got["tom@example.lu"]; ok || got["lea@example.lu"].To == "" {
		t.Fatalf("mails after stopping: %+v", got)
	}
	// A forged or altered link does nothing.
	if r := a.browser().post("/unsubscribe?t="+url.QueryEscape(strings.Replace(u.Query().Get("t"), "idea-", "idea-9", 1)), nil); r.status != http.StatusNotFound {
		t.Fatalf("altered link: %d", r.status)
	}
	// Following it again, from the idea's page, brings its news back.
	tom.get(idea).contains(t, "Vous avez demandé à ne plus recevoir les nouvelles de cette idée.", "Recevoir à nouveau ses nouvelles")
	tom.post(idea+"/follow", nil)
	if got = decide("decided", "Le collège a voté l'abri."); got["tom@example.lu"].To == "" {
		t.Fatalf("mails after following again: %+v", got)
	}
}

// decideAndRead records staff's decision on idea and returns the mails it
// queued, by recipient (the queue is emptied).
func decideAndRead(t *testing.T, a *app, staff *browser, idea, status, answer string) map[string]core.Mail {
	t.Helper()
	staff.get("/staff" + idea)
	if r := staff.post("/staff"+idea+"/decision", url.Values{"status": {status}, "answer": {answer}}); r.status != http.StatusSeeOther {
		t.Fatalf("decision %s: %d\n%s", status, r.status, r.body)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 100, time.Hour)
	got := map[string]core.Mail{}
	for _, m := range mails {
		got[m.Mail.To] = m.Mail
	}
	return got
}
