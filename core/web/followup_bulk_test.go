package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// A manager ticks ideas in the follow-up queue and gives them all to a
// colleague with a review date: one transaction, an audit line each, one mail
// listing them. Nothing ticked, a bad date or someone who is not staff is
// refused with the reason and changes nothing; "unassigned" lists only the
// ideas nobody reviews.
func TestAssignSeveralIdeasAtOnce(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	colleague := a.account("colleague@commune.lu", core.RoleManager)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	var ideas []string
	for _, title := range []string{"Des bancs au parc", "Un abri à vélos", "Une fontaine"} {
		ideas = append(ideas, strings.TrimPrefix(lea.propose(url.Values{"title": {title}, "body": {"Pour le quartier."}}), "/ideas/"))
	}
	a.store.ClaimDueMail(ctx, 100, time.Hour)

	page := staff.get("/staff/followup?show=unassigned")
	page.contains(t, "3 idées en attente de réponse", `<input type="checkbox" name="ideas" value="`+ideas[0]+`"`, "Attribuer les idées cochées")
	due := time.Now().AddDate(0, 0, 20).Format("2006-01-02")
	refused := []struct {
		form url.Values
		says string
	}{
		{url.Values{"staff_id": {"0"}, "review_due": {due}}, "Cochez au moins une idée."},
		{url.Values{"ideas": {ideas[0]}, "staff_id": {"0"}, "review_due": {"demain"}}, "date"},
		{url.Values{"ideas": {ideas[0]}, "staff_id": {"999999"}, "review_due": {due}}, ""},
		{url.Values{"ideas": {ideas[0], "999999"}, "staff_id": {"0"}, "review_due": {due}}, ""},
	}
	for _, r := range refused {
		got := staff.post("/staff/followup/assign?show=unassigned", r.form)
		if got.status != http.StatusUnprocessableEntity && got.status != http.StatusNotFound {
			t.Fatalf("%v: %d", r.form, got.status)
		}
		got.contains(t, r.says, `class="error-summary"`)
		if ideas := r.form["ideas"]; len(ideas) > 0 && !strings.Contains(got.body, `value="`+ideas[0]+`" id="pick-`+ideas[0]+`" aria-labelledby="pick-`+ideas[0]+`-title" checked>`) {
			t.Errorf("%v: the ticked idea is no longer ticked", r.form)
		}
	}
	if !strings.Contains(staff.get("/staff/followup?show=unassigned").body, "3 idées") {
		t.Fatal("a refused assignment changed the queue")
	}

	r := staff.post("/staff/followup/assign?show=unassigned", url.Values{"ideas": {ideas[0], ideas[2], ideas[0]},
		"staff_id": {itoa(colleague.ID)}, "review_due": {due}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/staff/followup?show=unassigned" {
		t.Fatalf("assign: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	left := staff.get("/staff/followup?show=unassigned")
	left.contains(t, "1 idée en attente de réponse", "Un abri à vélos")
	if strings.Contains(left.body, "Des bancs au parc") {
		t.Error("an assigned idea is still listed as unassigned")
	}
	staff.get("/staff/followup").contains(t, "Léa manager · "+time.Now().AddDate(0, 0, 20).Format("02.01.2006"))
	mails, _ := a.store.ClaimDueMail(ctx, 100, time.Hour)
	if len(mails) != 1 || mails[0].Mail.To != "colleague@commune.lu" || mails[0].Mail.Subject != "2 idées à étudier – Quartier" ||
		!strings.Contains(mails[0].Mail.Body, "- Des bancs au parc") || !strings.Contains(mails[0].Mail.Body, "/staff/ideas/"+ideas[2]) {
		t.Fatalf("mails: %+v", mails)
	}
	audit := staff.get("/staff/audit").body
	if n := strings.Count(audit, "Confiée pour examen"); n != 2 {
		t.Errorf("audit lines for the assignment: %d", n)
	}
}
