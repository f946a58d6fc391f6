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
	got := decide("in_review", "")
	if len(got) != 2 || !strings.Contains(got["tom@example.lu"].Subject, "L'idée « Un passage piéton rue Neuve »\u00a0: nouvelle étape") || got["lea@example.lu"].To == "" {
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
