package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// A resident proposes an alternative from an idea's page: the form names the
// idea, the two pages link to each other, the staff review lists it, and the
// idea's author is told by e-mail. The API takes alternatives too; an
// alternative to an unknown or hidden idea is refused and stores nothing.
func TestProposeAnAlternative(t *testing.T) {
	a := newApp(t, nil)
	lea, tom := a.signedIn("lea@example.lu", core.RoleCitizen), a.signedIn("tom@example.lu", core.RoleCitizen)
	original := lea.propose(url.Values{"title": {"Un banc au parc"}, "body": {"Pour se reposer à l'ombre."}})
	originalID := strings.TrimPrefix(original, "/ideas/")
	a.store.ClaimDueMail(ctx, 50, time.Hour) // sign-up noise

	page := tom.get(original)
	if !strings.Contains(page.body, `href="/ideas/new?alternative_to=`+originalID+`"`) || !strings.Contains(page.body, "Proposer une alternative") {
		t.Fatalf("the idea's page offers no alternative:\n%s", page.body)
	}
	form := tom.get("/ideas/new?alternative_to=" + originalID)
	if form.status != http.StatusOK || !strings.Contains(form.body, "Proposer une alternative à «\u00a0Un banc au parc\u00a0»") ||
		!strings.Contains(form.body, `name="alternative_to" value="`+originalID+`"`) {
		t.Fatalf("the form: %d\n%s", form.status, form.body)
	}
	r := tom.post("/ideas", url.Values{"alternative_to": {originalID}, "title": {"Des chaises mobiles au parc"}, "body": {"Chacun les place où il veut, au soleil ou à l'ombre."}})
	alternative := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(alternative, "/ideas/") {
		t.Fatalf("proposing: %d %s", r.status, r.body)
	}
	if page := tom.get(alternative); !strings.Contains(page.body, "Proposée comme alternative à l&#39;idée") || !strings.Contains(page.body, `href="`+original+`"`) {
		t.Fatalf("the alternative does not name the idea it answers:\n%s", page.body)
	}
	if page := a.browser().get(original); !strings.Contains(page.body, "Alternatives (1)") || !strings.Contains(page.body, `href="`+alternative+`"`) {
		t.Fatalf("the idea does not list its alternative:\n%s", page.body)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour)
	if len(mails) != 1 || mails[0].Mail.To != "lea@example.lu" ||
		mails[0].Mail.Subject != "Léa citizen propose une alternative à votre idée «\u00a0Un banc au parc\u00a0» – Quartier" ||
		!strings.Contains(mails[0].Mail.Body, "Des chaises mobiles au parc") || !strings.Contains(mails[0].Mail.Body, "http://localhost"+alternative) {
		t.Fatalf("the author's notice: %+v", mails)
	}
	staff := a.signedIn("staff@commune.lu", core.RoleManager)
	if page := staff.get("/staff/ideas/" + originalID); !strings.Contains(page.body, "Alternatives (1)") || !strings.Contains(page.body, `href="/staff`+alternative+`"`) {
		t.Fatalf("the review page does not list the alternative:\n%s", page.body)
	}

	token := a.apiToken("tom@example.lu")
	r = a.apiCall("POST", "/api/v1/ideas", token, "application/json",
		`{"alternative_to": `+originalID+`, "title": "Des bancs en bois", "body": "Plus agréables que le métal en été."}`)
	if r.status != http.StatusCreated || !strings.Contains(r.body, `"alternative_to":`+originalID) {
		t.Fatalf("API alternative: %d %s", r.status, r.body)
	}
	if r := a.browser().get("/api/v1" + original); !strings.Contains(r.body, `"alternatives":[`+strings.TrimPrefix(alternative, "/ideas/")+`,`) {
		t.Fatalf("the API's idea does not list its alternatives: %s", r.body)
	}

	before, _ := a.store.CountIdeas(ctx, postgres.IdeaFilter{})
	hiddenID, _ := strconv.ParseInt(strings.TrimPrefix(alternative, "/ideas/"), 10, 64)
	if err := a.store.Moderate(ctx, a.account("mod@commune.lu", core.RoleModerator).ID, "idea", hiddenID, "hide", "", "hors sujet", nil); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"424242", strconv.FormatInt(hiddenID, 10)} {
		if r := tom.get("/ideas/new?alternative_to=" + to); r.status != http.StatusNotFound {
			t.Errorf("form for an alternative to %s: %d", to, r.status)
		}
		tom.get("/ideas/new")
		if r := tom.post("/ideas", url.Values{"alternative_to": {to}, "title": {"Une autre façon"}, "body": {"Une autre façon de faire les choses."}}); r.status != http.StatusNotFound {
			t.Errorf("alternative to %s: %d", to, r.status)
		}
		if r := a.apiCall("POST", "/api/v1/ideas", token, "application/json", `{"alternative_to": `+to+`, "title": "Une autre façon", "body": "Une autre façon de faire."}`); r.status != http.StatusNotFound {
			t.Errorf("API alternative to %s: %d %s", to, r.status, r.body)
		}
	}
	if after, _ := a.store.CountIdeas(ctx, postgres.IdeaFilter{}); after != before-1 {
		t.Errorf("refused alternatives stored ideas: %d visible, want %d", after, before-1)
	}
}

// An author withdraws an idea from its edit page (or the API) while nobody
// else took part; afterwards its page is gone. Someone else cannot, and once
// someone supported it the author cannot either.
func TestWithdrawAnIdea(t *testing.T) {
	a := newApp(t, nil)
	lea, tom := a.signedIn("lea@example.lu", core.RoleCitizen), a.signedIn("tom@example.lu", core.RoleCitizen)
	mistake := lea.propose(url.Values{"title": {"Envoyée par erreur"}, "body": {"Ce texte n'était pas prêt."}})
	kept := lea.propose(url.Values{"title": {"Un banc au parc"}, "body": {"Pour se reposer à l'ombre."}})

	lea.get(mistake+"/edit").contains(t, `action="`+mistake+`/withdraw"`, "Retirer mon idée")
	if r := tom.post(mistake+"/withdraw", url.Values{"confirm": {"yes"}}); r.status != http.StatusForbidden {
		t.Fatalf("someone else withdrew it: %d", r.status)
	}
	if r := lea.post(mistake+"/withdraw", nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Cochez la case") {
		t.Fatalf("withdrawing without ticking the box: %d", r.status)
	}
	r := lea.post(mistake+"/withdraw", url.Values{"confirm": {"yes"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account#mine-h" {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	if r := a.browser().get(mistake); r.status != http.StatusNotFound {
		t.Fatalf("the withdrawn idea's page: %d", r.status)
	}

	tom.get(kept)
	tom.post(kept+"/support", nil)
	if r := lea.post(kept+"/withdraw", url.Values{"confirm": {"yes"}}); r.status != http.StatusConflict {
		t.Fatalf("withdrawing a supported idea: %d", r.status)
	}
	token := a.apiToken("lea@example.lu")
	keptID := strings.TrimPrefix(kept, "/ideas/")
	if r := a.apiCall("DELETE", "/api/v1/ideas/"+keptID, token, "", ""); r.status != http.StatusConflict {
		t.Fatalf("API withdrawal of a supported idea: %d %s", r.status, r.body)
	}
	fresh := lea.propose(url.Values{"title": {"Une autre erreur"}, "body": {"Encore envoyée trop tôt."}})
	if r := a.apiCall("DELETE", "/api/v1"+fresh, token, "", ""); r.status != http.StatusNoContent {
		t.Fatalf("API withdrawal: %d %s", r.status, r.body)
	}
	if r := a.browser().get("/api/v1" + fresh); r.status != http.StatusNotFound {
		t.Fatalf("the API still serves it: %d", r.status)
	}
}
