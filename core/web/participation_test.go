package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"html"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/charmap"

	"quartier/core"
	"quartier/core/web"
	"quartier/geo"
	datasync "quartier/sync"
)

// publish creates and publishes a project through the staff editor; extra form
// fields (areas) are added as given.
func (b *browser) publish(t *testing.T, title, body string, extra url.Values) string {
	t.Helper()
	b.get("/staff/projects/new")
	form := url.Values{"title": {title}, "summary": {"Résumé"}, "body": {body}, "topics": {"mobilité, espaces verts"},
		"phase_ideas_start": {"2026-11-01"}, "phase_ideas_end": {"2026-12-31"}}
	for k, v := range extra {
		form[k] = v
	}
	r := b.post("/staff/projects", form)
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasSuffix(loc, "/edit") {
		t.Fatalf("save project: %d %s\n%s", r.status, loc, r.body)
	}
	b.get(loc)
	b.post(strings.TrimSuffix(loc, "/edit")+"/status", url.Values{"status": {"published"}})
	return strings.TrimSuffix(strings.TrimPrefix(loc, "/staff"), "/edit")
}

func TestProjectsIdeasSupportsAndComments(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	a.account("tom@example.lu", core.RoleCitizen)
	staff := a.browser()
	staff.login("manager@commune.lu")
	project := staff.publish(t, "Place du Marché", `<p>Réaménager la place.<script>alert(1)</script></p><p onclick="x">Clic</p>`,
		url.Values{"lat": {"49.6095"}, "lon": {"6.1295"}})

	lea := a.browser()
	lea.login("lea@example.lu")
	page := lea.get(project)
	page.contains(t, "Place du Marché", "<p>Réaménager la place.</p><p>Clic</p>", "mobilité")
	if strings.Contains(page.body, "<script>alert") || strings.Contains(page.body, "onclick") {
		t.Fatal("project body not sanitised")
	}
	lea.post(project+"/follow", nil)
	lea.get(project).contains(t, "1 abonné·e", "Ne plus suivre")

	// The idea form's map opens on the project's place; a spontaneous idea's
	// on the commune's centre.
	projectMap := `data-center-lat="49.6095" data-center-lon="6.1295"`
	lea.get("/ideas/new?project="+strings.TrimPrefix(project, "/projects/")).contains(t, projectMap)
	lea.get("/ideas/new").contains(t, `data-center-lat="49.6116" data-center-lon="6.1319"`)
	r := lea.post("/ideas", url.Values{"project_id": {strings.TrimPrefix(project, "/projects/")}, "title": {"Des bancs"}, "body": {"court"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("short idea: %d", r.status)
	}
	r.contains(t, "10 à 5000 caractères", projectMap)
	r = lea.post("/ideas", url.Values{"project_id": {strings.TrimPrefix(project, "/projects/")}, "title": {"Des bancs à l'ombre <b>"},
		"body": {"Installer des bancs <script>alert(1)</script> sous les arbres."}, "lat": {"49.6116"}, "lon": {"6.1319"}})
	idea := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(idea, "/ideas/") {
		t.Fatalf("create idea: %d %s", r.status, r.body)
	}
	page = lea.get(idea)
	page.contains(t, "Des bancs à l&#39;ombre &lt;b&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;", "Déposée")

	tom := a.browser()
	tom.login("tom@example.lu")
	tom.get(idea)
	// Double clicks from several tabs count once.
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); tom.post(idea+"/support", nil) }()
	}
	wg.Wait()
	tom.get(idea).contains(t, "<strong>1</strong>", "Vous soutenez cette idée", "Retirer mon soutien")
	tom.post(idea+"/support", url.Values{"withdraw": {"yes"}})
	tom.get(idea).contains(t, "<strong>0</strong>", "Soutenir cette idée")

	anonymous := a.browser()
	anonymous.get(idea).contains(t, "disabled", "Connectez-vous pour soutenir")
	if r := anonymous.post(idea+"/support", nil); r.status != http.StatusForbidden && r.status != http.StatusSeeOther {
		t.Fatalf("anonymous support: %d", r.status)
	}

	// Threaded comments.
	tom.get(idea)
	tom.post(idea+"/comments", url.Values{"body": {"Très bonne idée"}})
	parent := regexp.MustCompile(`id="comment-(\d+)"`).FindStringSubmatch(tom.get(idea).body)[1]
	lea.get(idea)
	lea.post(idea+"/comments", url.Values{"body": {"Merci <b>Tom</b>"}, "parent_id": {parent}})
	page = lea.get(idea)
	page.contains(t, "Commentaires (2)", "Merci &lt;b&gt;Tom&lt;/b&gt;", `<ul class="comments">`)
	if strings.Count(page.body, `<ul class="comments">`) != 2 {
		t.Fatal("the reply is not nested")
	}
	lea.get("/ideas").contains(t, "Des bancs à l&#39;ombre", "1 idée")
	lea.get("/projects?topic=mobilit%C3%A9").contains(t, "1 projet")
	lea.get("/projects?topic=culture").contains(t, "0 projet")
}

func TestSupportLimitedToTargetAreas(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	a.account("manager@commune.lu", core.RoleManager)
	a.account("ettelbruck@example.lu", core.RoleCitizen)
	a.account("elsewhere@example.lu", core.RoleCitizen)
	staff := a.browser()
	staff.login("manager@commune.lu")
	page := staff.get("/staff/projects/new")
	id := regexp.MustCompile(`<input type="checkbox" id="area-(\d+)" name="areas" value="\d+"><label for="area-\d+">Commune Ettelbruck</label>`).FindStringSubmatch(page.body)
	if id == nil {
		t.Fatal("Ettelbruck not offered as a target area")
	}
	project := staff.publish(t, "Parc de Warken", "<p>Un parc</p>", url.Values{"areas": {id[1]}})
	resident := a.browser()
	resident.login("ettelbruck@example.lu")
	resident.get("/ideas/new?project=" + strings.TrimPrefix(project, "/projects/"))
	idea := resident.post("/ideas", url.Values{"project_id": {strings.TrimPrefix(project, "/projects/")}, "title": {"Une aire de jeux"},
		"body": {"Pour les enfants du quartier."}}).header.Get("Location")

	// Without an address: the button says why it is disabled, and the link
	// to give one leads back to the idea once it is saved.
	resident.get(idea).contains(t, "disabled", "indiquez votre adresse", `href="/account/address?next=`+idea+`"`)
	form := resident.get("/account/address?next=" + idea + "&q=12+rue+de+warken")
	form.contains(t, `<input type="hidden" name="next" value="`+idea+`">`, `<a href="`+idea+`">Retour à la page d&#39;où vous venez</a>`)
	addr := regexp.MustCompile(`name="address_id" value="(\d+)"`).FindStringSubmatch(form.body)[1]
	if r := resident.post("/account/address", url.Values{"address_id": {addr}, "next": {"//evil.example/x"}}); r.header.Get("Location") != "/account/address" {
		t.Fatalf("saving with a foreign next went to %q", r.header.Get("Location"))
	}
	if r := resident.post("/account/address", url.Values{"address_id": {addr}, "next": {idea}}); r.header.Get("Location") != idea {
		t.Fatalf("saving the address went to %q, want back to the idea", r.header.Get("Location"))
	}
	resident.get(idea).contains(t, "Adresse enregistrée")
	if r := resident.post(idea+"/support", nil); r.status != http.StatusSeeOther {
		t.Fatalf("resident of Ettelbruck: %d", r.status)
	}
	// A resident of Luxembourg City may not support it, and is told why.
	other := a.browser()
	other.login("elsewhere@example.lu")
	other.get("/account/address")
	// No Luxembourg City register in this test: an unknown address is refused.
	if r := other.post("/account/address", url.Values{"address_id": {"999999999"}}); r.status != http.StatusNotFound {
		t.Fatalf("unknown address: %d", r.status)
	}
	other.get(idea).contains(t, "indiquez votre adresse")
	if r := other.post(idea+"/support", nil); r.status != http.StatusForbidden {
		t.Fatalf("support from outside the area: %d", r.status)
	}
	resident.get(idea).contains(t, "<strong>1</strong>")
}

func TestFollowUpDecisionsNotifyAndShowOnTheTimeline(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	a.account("tom@example.lu", core.RoleCitizen)
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get("/ideas/new")
	idea := lea.post("/ideas", url.Values{"title": {"Un marché de producteurs"}, "body": {"Le samedi matin sur la place."}}).header.Get("Location")
	tom := a.browser()
	tom.login("tom@example.lu")
	tom.get(idea)
	tom.post(idea+"/support", nil)
	if _, err := a.store.ClaimDueMail(ctx, 50, time.Hour); err != nil { // drop the sign-up noise
		t.Fatal(err)
	}

	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff/followup").contains(t, "Un marché de producteurs")
	panel := "/staff" + idea
	staff.get(panel)
	r := staff.post(panel+"/decision", url.Values{"status": {"feasible"}, "answer": {"court"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("short answer: %d", r.status)
	}
	r.contains(t, "Écrivez la réponse officielle")
	if r := staff.post(panel+"/decision", url.Values{"status": {"done"}, "answer": {"Sauter des étapes n'est pas permis."}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("skipping steps: %d", r.status)
	}
	if r := staff.post(panel+"/decision", url.Values{"status": {"feasible"}, "answer": {"Le collège l'étudiera au conseil de décembre."}}); r.status != http.StatusSeeOther {
		t.Fatalf("decision: %d %s", r.status, r.body)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour)
	to := map[string]bool{}
	for _, m := range mails {
		to[m.Mail.To] = strings.Contains(m.Mail.Body, "Le collège l'étudiera")
	}
	if len(mails) != 2 || !to["lea@example.lu"] || !to["tom@example.lu"] {
		t.Fatalf("decision mails: %+v", mails)
	}
	page := a.browser().get(idea)
	page.contains(t, "Réponse officielle de la commune", "Le collège l&#39;étudiera au conseil de décembre.", "Faisable")
	// The supporter can no longer withdraw once the idea is decided feasible.
	tom.get(idea)
	if r := tom.post(idea+"/support", url.Values{"withdraw": {"yes"}}); r.status != http.StatusConflict {
		t.Fatalf("withdraw after the decision: %d", r.status)
	}
	// The answer stopped the clock: the idea left the queue.
	if strings.Contains(staff.get("/staff/followup").body, "Un marché de producteurs") {
		t.Fatal("answered idea still in the follow-up queue")
	}
}

// An author corrects their idea until someone else takes part; nobody else
// may, and bad words change nothing.
func TestAuthorEditsIdeaUntilOthersTakePart(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	idea := lea.propose(url.Values{"title": {"Un bnac au parc"}, "body": {"Pour se reposer à l'ombre."}})
	lea.get(idea).contains(t, `<a href="`+idea+`/edit">Modifier ou retirer mon idée</a>`)
	lea.get(idea+"/edit").contains(t, `value="Un bnac au parc"`, ">Pour se reposer à l&#39;ombre.</textarea>")
	if r := lea.post(idea+"/edit", url.Values{"title": {"Un"}, "body": {"Pour se reposer à l'ombre."}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a title too short: %d", r.status)
	}
	a.browser().get(idea).contains(t, "Un bnac au parc")
	if r := lea.post(idea+"/edit", url.Values{"title": {"Un banc au parc"}, "body": {"Pour se reposer à l'ombre des tilleuls."}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.status)
	}
	a.browser().get(idea).contains(t, `<h1 lang="fr">Un banc au parc</h1>`, "des tilleuls")
	a.browser().get("/ideas?q=tilleuls").contains(t, "Un banc au parc") // the search reads the new words

	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	if r := tom.get(idea + "/edit"); r.status != http.StatusForbidden {
		t.Fatalf("someone else's edit form: %d", r.status)
	}
	tom.get(idea)
	if r := tom.post(idea+"/edit", url.Values{"title": {"Pris par Tom"}, "body": {"Une idée qui n'est pas la sienne."}}); r.status != http.StatusForbidden {
		t.Fatalf("someone else's edit: %d", r.status)
	}
	tom.post(idea+"/comments", url.Values{"body": {"Bonne idée !"}})
	if r := lea.post(idea+"/edit", url.Values{"title": {"Un autre banc"}, "body": {"Pour se reposer à l'ombre."}}); r.status != http.StatusConflict {
		t.Fatalf("edit after a comment: %d", r.status)
	}
	if page := lea.get(idea); strings.Contains(page.body, "Modifier ou retirer mon idée") || !strings.Contains(page.body, `<h1 lang="fr">Un banc au parc</h1>`) {
		t.Error("after a comment, the idea still offers editing or changed")
	}
}

// An idea's author hears of comments on it and a commenter of replies, at
// most once an hour per idea, never of their own words, and not at all once
// they said so.
func TestCommentAndReplyNotices(t *testing.T) {
	a := newApp(t, nil)
	lea, tom, eve := a.signedIn("lea@example.lu", core.RoleCitizen), a.signedIn("tom@example.lu", core.RoleCitizen),
		a.signedIn("eve@example.lu", core.RoleCitizen)
	idea := lea.propose(url.Values{"title": {"Un banc au parc"}, "body": {"Pour se reposer à l'ombre."}})
	a.store.ClaimDueMail(ctx, 50, time.Hour) // sign-up noise
	sent := func() []string {
		t.Helper()
		mails, err := a.store.ClaimDueMail(ctx, 50, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range mails {
			out = append(out, m.Mail.To+": "+m.Mail.Subject)
		}
		sort.Strings(out)
		return out
	}
	tom.get(idea)
	first := tom.post(idea+"/comments", url.Values{"body": {"Oui, sous le grand tilleul !"}}).header.Get("Location")
	mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour)
	if len(mails) != 1 || mails[0].Mail.To != "lea@example.lu" || mails[0].Mail.Subject != "Léa citizen a commenté votre idée «\u00a0Un banc au parc\u00a0» – Quartier" ||
		!strings.Contains(mails[0].Mail.Body, "Oui, sous le grand tilleul !") || !strings.Contains(mails[0].Mail.Body, "http://localhost"+first[strings.Index(first, "/ideas"):]) ||
		!strings.HasPrefix(mails[0].Mail.Unsubscribe, "http://localhost/unsubscribe?t=") {
		t.Fatalf("the author's notice: %+v", mails)
	}
	tom.post(idea+"/comments", url.Values{"body": {"Et un deuxième, près de l'entrée."}})
	if got := sent(); len(got) != 0 {
		t.Fatalf("a second comment within the hour: %q", got)
	}
	commentID := first[strings.LastIndex(first, "-")+1:]
	lea.get(idea)
	lea.post(idea+"/comments", url.Values{"body": {"Merci, bonne idée !"}, "parent_id": {commentID}})
	if got := sent(); len(got) != 1 || !strings.HasPrefix(got[0], "tom@example.lu: Léa citizen a répondu à votre commentaire") {
		t.Fatalf("a reply by the author: %q", got)
	}
	// Tom asks for no more; a reply from Eve reaches nobody (Léa heard of
	// this idea within the hour).
	tom.get("/account")
	tom.post("/account/subscriptions", url.Values{"invitations": {"on"}})
	eve.get(idea)
	eve.post(idea+"/comments", url.Values{"body": {"D'accord avec Tom."}, "parent_id": {commentID}})
	if got := sent(); len(got) != 0 {
		t.Fatalf("after Tom said no: %q", got)
	}
	lea.get("/account").contains(t, `<input type="checkbox" id="sub-replies" name="replies" checked>`)
}

// Authors withdraw their comments: the words go, replies keep their place
// under a note, a comment with no reply goes altogether, the idea counts one
// fewer, and nobody withdraws someone else's.
func TestAuthorWithdrawsComment(t *testing.T) {
	a := newApp(t, nil)
	lea, tom := a.signedIn("lea@example.lu", core.RoleCitizen), a.signedIn("tom@example.lu", core.RoleCitizen)
	idea := lea.propose(url.Values{"title": {"Un banc au parc"}, "body": {"Pour se reposer à l'ombre."}})
	tom.get(idea)
	first := tom.post(idea+"/comments", url.Values{"body": {"Un message regretté."}}).header.Get("Location")
	firstID := first[strings.LastIndex(first, "-")+1:]
	lea.get(idea)
	lea.post(idea+"/comments", url.Values{"body": {"Une réponse qui reste."}, "parent_id": {firstID}})
	alone := tom.post(idea+"/comments", url.Values{"body": {"Un autre, sans réponse."}}).header.Get("Location")
	aloneID := alone[strings.LastIndex(alone, "-")+1:]
	tom.get(idea).contains(t, `<form method="post" action="/comments/`+firstID+`/withdraw" class="inline">`)
	if r := lea.post("/comments/"+aloneID+"/flag", url.Values{"reason": {"spam"}, "next": {idea}}); r.status != http.StatusSeeOther {
		t.Fatalf("flag: %d", r.status)
	}
	if r := lea.post("/comments/"+firstID+"/withdraw", nil); r.status != http.StatusForbidden {
		t.Fatalf("withdrawing someone else's comment: %d", r.status)
	}
	for _, id := range []string{firstID, aloneID, aloneID} { // the second time changes nothing
		if r := tom.post("/comments/"+id+"/withdraw", nil); r.status != http.StatusSeeOther {
			t.Fatalf("withdraw %s: %d", id, r.status)
		}
	}
	page := a.browser().get(idea)
	page.contains(t, "Commentaire retiré par son auteur.", "Une réponse qui reste.", ">Commentaires (1)<")
	for _, gone := range []string{"Un message regretté.", "Un autre, sans réponse.", `id="comment-` + aloneID + `"`} {
		if strings.Contains(page.body, gone) {
			t.Errorf("the page still shows %q", gone)
		}
	}
	if r := a.browser().get("/api/v1" + idea + "/comments"); !strings.Contains(r.body, `"author":"","body":"","channel":"web"`) || !strings.Contains(r.body, `"withdrawn":true`) {
		t.Errorf("api: %s", r.body)
	}
	if queue, err := a.store.ModerationQueue(ctx, 10); err != nil || len(queue) != 0 {
		t.Errorf("the withdrawn comment's flag is still in the moderation queue: %+v %v", queue, err)
	}
	if r := lea.post(idea+"/comments", url.Values{"body": {"Une réponse de trop."}, "parent_id": {firstID}}); r.status != http.StatusNotFound {
		t.Errorf("a reply to a withdrawn comment: %d", r.status)
	}
	// Her account lists Léa's comment, and withdraws it from there too.
	account := lea.get("/account")
	account.contains(t, "<h3>Mes commentaires</h3>", "Une réponse qui reste.", `<input type="hidden" name="next" value="/account#mine-h">`)
	if strings.Contains(tom.get("/account").body, "Un message regretté.") {
		t.Error("a withdrawn comment is listed on its author's account")
	}
	reply := regexp.MustCompile(`action="/comments/(\d+)/withdraw"`).FindStringSubmatch(account.body)
	if reply == nil {
		t.Fatal("no withdraw button on the account page")
	}
	if r := lea.post("/comments/"+reply[1]+"/withdraw", url.Values{"next": {"/account#mine-h"}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/account#mine-h" {
		t.Fatalf("withdraw from the account page: %d %s", r.status, r.header.Get("Location"))
	}
	lea.get("/account").contains(t, "Vous n&#39;avez pas encore commenté.")
}

// Authors correct their comments until someone replies; the page says so.
func TestAuthorCorrectsComment(t *testing.T) {
	a := newApp(t, nil)
	lea, tom := a.signedIn("lea@example.lu", core.RoleCitizen), a.signedIn("tom@example.lu", core.RoleCitizen)
	idea := lea.propose(url.Values{"title": {"Un banc au parc"}, "body": {"Pour se reposer à l'ombre."}})
	tom.get(idea)
	loc := tom.post(idea+"/comments", url.Values{"body": {"Bonne idéé !"}}).header.Get("Location")
	id := loc[strings.LastIndex(loc, "-")+1:]
	tom.get(idea).contains(t, `<form method="post" action="/comments/`+id+`/edit" class="stack">`, ">Bonne idéé !</textarea>")
	if r := tom.post("/comments/"+id+"/edit", url.Values{"body": {"Bonne idée !"}}); r.status != http.StatusSeeOther {
		t.Fatalf("correct: %d", r.status)
	}
	a.browser().get(idea).contains(t, "Bonne idée !", " · modifié</p>")
	lea.get(idea)
	if r := lea.post("/comments/"+id+"/edit", url.Values{"body": {"Mauvaise idée."}}); r.status != http.StatusForbidden {
		t.Fatalf("someone else's correction: %d", r.status)
	}
	if r := tom.post("/comments/"+id+"/edit", url.Values{"body": {"  "}}); r.status != http.StatusBadRequest {
		t.Fatalf("an empty correction: %d", r.status)
	}
	a.browser().get(idea).contains(t, "Bonne idée !") // and the words stay
	lea.post(idea+"/comments", url.Values{"body": {"Merci !"}, "parent_id": {id}})
	if r := tom.post("/comments/"+id+"/edit", url.Values{"body": {"Finalement non."}}); r.status != http.StatusConflict {
		t.Fatalf("a correction after a reply: %d", r.status)
	}
	if page := tom.get(idea); strings.Contains(page.body, `action="/comments/`+id+`/edit"`) || !strings.Contains(page.body, "Bonne idée !") {
		t.Error("after a reply, the comment still offers correcting or changed")
	}
}

// A reviewer merges a duplicate from its review page: the look-alike is
// offered, a bad number or a missing answer is refused in place, the people
// of the duplicate get the answer with a link, and both public pages link to
// each other.
func TestMergeDuplicateIdea(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	first := lea.propose(url.Values{"title": {"Des bancs au parc"}, "body": {"Pour s'asseoir à l'ombre."}})
	dup := lea.propose(url.Values{"title": {"Un banc dans le parc"}, "body": {"Il n'y en a aucun."}})
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	tom.get(dup)
	tom.post(dup+"/support", nil)
	a.store.ClaimDueMail(ctx, 50, time.Hour) // drop the sign-up noise

	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	staff.get("/staff"+dup).contains(t, "Idée n°\u00a01 — <a href=\"/staff/ideas/1\">Des bancs au parc</a>",
		`<input id="into" name="into" type="number" min="1" inputmode="numeric" required value="1">`)
	r := staff.post("/staff"+dup+"/merge", url.Values{"into": {"2"}, "merge_answer": {"Elle rejoint l'idée n° 1."}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("merge into itself: %d", r.status)
	}
	r.contains(t, `id="into-error">Indiquez le numéro d&#39;une autre idée`)
	r = staff.post("/staff"+dup+"/merge", url.Values{"into": {"1"}, "merge_answer": {"oui"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("merge without an answer: %d", r.status)
	}
	r.contains(t, `id="merge_answer-error"`, `<textarea id="merge_answer" name="merge_answer" rows="4" aria-describedby="merge-hint merge_answer-error" aria-invalid="true">oui</textarea>`)
	moderator := a.signedIn("moderator@commune.lu", core.RoleModerator)
	moderator.get("/staff")
	if r := moderator.post("/staff"+dup+"/merge", url.Values{"into": {"1"}, "merge_answer": {"Elle rejoint l'idée n° 1."}}); r.status != http.StatusForbidden {
		t.Fatalf("a moderator merged: %d", r.status)
	}
	if r := staff.post("/staff"+dup+"/merge", url.Values{"into": {"1"}, "merge_answer": {"Elle rejoint l'idée n° 1, qui dit la même chose."}}); r.status != http.StatusSeeOther {
		t.Fatalf("merge: %d %s", r.status, r.body)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour)
	if len(mails) != 2 {
		t.Fatalf("merge mails: %+v", mails)
	}
	for _, m := range mails {
		if !strings.Contains(m.Mail.Body, "«\u00a0Des bancs au parc\u00a0»") || !strings.Contains(m.Mail.Body, "http://localhost/ideas/1\n") ||
			!strings.Contains(m.Mail.Body, "qui dit la même chose") {
			t.Errorf("mail to %s:\n%s", m.Mail.To, m.Mail.Body)
		}
	}
	a.browser().get(dup).contains(t, `<p class="notice">Cette idée a été regroupée avec l&#39;idée <a href="/ideas/1">Des bancs au parc</a>, qui la reprend.`,
		`<span class="status status-merged">Regroupée</span>`)
	a.browser().get(first).contains(t, `<h2 id="merged-h">Idées regroupées ici</h2>`, `<a href="/ideas/2">Un banc dans le parc</a> · 1 soutien`)
	if r := a.browser().get("/api/v1/ideas/2"); !strings.Contains(r.body, `"status":"merged","merged_into":1`) {
		t.Errorf("api: %s", r.body)
	}
	tom.get(dup)
	if r := tom.post(dup+"/support", url.Values{"withdraw": {"yes"}}); r.status != http.StatusConflict {
		t.Fatalf("withdraw from a merged idea: %d", r.status)
	}
	staff.get("/staff"+dup).contains(t, "<a href=\"/staff/ideas/1\">Reprise par l&#39;idée n°\u00a01</a>")
	staff.get(dup).contains(t, `<a href="/staff/ideas/2">Suivre cette idée dans l&#39;espace du personnel</a>`)
	if strings.Contains(moderator.get(dup).body, `href="/staff/ideas/2"`) || strings.Contains(tom.get(dup).body, `href="/staff/ideas/2"`) {
		t.Error("the review link is offered to someone who may not open it")
	}
	staff.get("/staff/audit").contains(t, "Regroupée avec une autre idée", "<td>Idée n°\u00a01</td>")
}

func TestRemindersForAssignedIdeas(t *testing.T) {
	now := time.Now()
	a := newApp(t, nil, func(d *web.Deps) { d.Now = func() time.Time { return now } })
	manager := a.account("manager@commune.lu", core.RoleManager)
	citizen := a.account("lea@example.lu", core.RoleCitizen)
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get("/ideas/new")
	idea := lea.post("/ideas", url.Values{"title": {"Plus de bancs publics"}, "body": {"Dans le parc municipal."}}).header.Get("Location")
	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff"+idea).contains(t, `<option value="0" selected>Personne pour l&#39;instant</option>`)
	r := staff.post("/staff"+idea+"/assign", url.Values{"staff_id": {fmt.Sprint(citizen.ID)}, "review_due": {"2026-12-01"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("assigned to a resident: %d", r.status)
	}
	r.contains(t, "Choisissez un membre du personnel")
	a.store.ClaimDueMail(ctx, 50, time.Hour)
	colleague := a.account("colleague@commune.lu", core.RoleManager)
	staff.post("/staff"+idea+"/assign", url.Values{"staff_id": {fmt.Sprint(colleague.ID)}, "review_due": {"2026-12-01"}})
	if mails, _ := a.store.ClaimDueMail(ctx, 10, time.Hour); len(mails) != 1 || mails[0].Mail.To != "colleague@commune.lu" ||
		!strings.Contains(mails[0].Mail.Body, "vous est confiée") {
		t.Fatalf("assignment mail: %+v", mails)
	}
	staff.get("/staff"+idea).contains(t, fmt.Sprintf(`<option value="%d" selected>`, colleague.ID),
		// the idea's own audit lines, on its review page
		"Actions du personnel sur cette idée", "<td>Confiée pour examen</td>", "</a></td><td>Léa manager</td></tr>")
	staff.get("/staff/audit").contains(t, `<td>Confiée pour examen</td><td><a href="/staff`+idea+`">`, "</a></td><td>Léa manager</td></tr>") // the colleague, by name
	staff.post("/staff"+idea+"/assign", url.Values{"staff_id": {fmt.Sprint(manager.ID)}, "review_due": {"2026-12-01"}})
	a.store.ClaimDueMail(ctx, 50, time.Hour)
	if n, err := a.web.SendReminders(ctx); err != nil || n != 0 {
		t.Fatalf("reminders 60 days ahead: %d, %v", n, err)
	}
	now = now.AddDate(0, 0, 55) // within a week of the deadline
	if n, err := a.web.SendReminders(ctx); err != nil || n != 1 {
		t.Fatalf("reminders near the deadline: %d, %v", n, err)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 10, time.Hour)
	if len(mails) != 1 || mails[0].Mail.To != "manager@commune.lu" || !strings.Contains(mails[0].Mail.Body, "Plus de bancs publics") {
		t.Fatalf("reminder: %+v", mails)
	}
	// "Assigned to me" shows each reviewer their own ideas only.
	staff.get("/staff/followup?show=mine").contains(t, "Plus de bancs publics", `href="/staff/followup?show=mine" aria-current="page"`)
	other := a.browser()
	other.login("colleague@commune.lu")
	if r := other.get("/staff/followup?show=mine"); r.status != http.StatusOK || strings.Contains(r.body, "Plus de bancs publics") {
		t.Fatalf("someone else's idea under \"mine\": %d", r.status)
	}
	other.get("/staff/followup").contains(t, "Plus de bancs publics")

	// The staff home counts what waits, for each reader: the idea is the
	// manager's, not the colleague's, and it becomes overdue after its due day.
	todo := func(b *browser, label string) string {
		m := regexp.MustCompile(`>` + label + `</a></dt><dd( class="overdue")?>(\d+)</dd>`).FindStringSubmatch(b.get("/staff").body)
		if m == nil {
			t.Fatalf("the staff home has no count %q", label)
		}
		return m[1] + m[2]
	}
	if got := todo(staff, "Idées qui vous sont confiées"); got != "1" {
		t.Errorf("ideas assigned to the manager: %q", got)
	}
	if got := todo(other, "Idées qui vous sont confiées"); got != "0" {
		t.Errorf("ideas assigned to the colleague: %q", got)
	}
	if got := todo(other, "Idées en attente de réponse"); got != "1" {
		t.Errorf("ideas awaiting an answer: %q", got)
	}
	if got := todo(other, "Réponses en retard"); got != "0" {
		t.Errorf("overdue before the due day: %q", got)
	}
	now = now.AddDate(0, 0, 10) // past the 60 days
	if got := todo(other, "Réponses en retard"); got != ` class="overdue"1` {
		t.Errorf("overdue after the due day: %q", got)
	}
}

func TestFlagsHideContentAndModeratorsDecide(t *testing.T) {
	a := newApp(t, func(c *web.Config) {
		c.HideAfterFlags = 2
		c.Limits.FlagsPerUser = web.Limit{Max: 3, Window: time.Hour}
	})
	a.account("mod@commune.lu", core.RoleModerator)
	for _, e := range []string{"lea@example.lu", "tom@example.lu", "max@example.lu"} {
		a.account(e, core.RoleCitizen)
	}
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get("/ideas/new")
	idea := lea.post("/ideas", url.Values{"title": {"Publicité déguisée"}, "body": {"Achetez nos produits chez nous."}}).header.Get("Location")
	flagAs := func(email string) response {
		b := a.browser()
		b.login(email)
		b.get(idea)
		return b.post(idea+"/flag", url.Values{"reason": {"spam"}, "next": {idea}})
	}
	if r := flagAs("tom@example.lu"); r.status != http.StatusSeeOther {
		t.Fatalf("flag: %d", r.status)
	}
	a.browser().get(idea).contains(t, "Publicité déguisée") // one flag: still visible
	flagAs("max@example.lu")
	if r := a.browser().get(idea); r.status != http.StatusNotFound {
		t.Fatalf("hidden idea shown to the public: %d", r.status)
	}
	a.browser().get("/ideas").contains(t, "0 idée")

	mod := a.browser()
	mod.login("mod@commune.lu")
	mod.get("/staff").contains(t, `>Contenus signalés à examiner</a></dt><dd>1</dd>`)
	page := mod.get("/staff/moderation")
	page.contains(t, "Publicité déguisée", "2 signalements", "masqué en attente")
	a.store.ClaimDueMail(ctx, 50, time.Hour)
	id := strings.TrimPrefix(idea, "/ideas/")
	if r := mod.post("/staff/moderation", url.Values{"entity": {"idea"}, "id": {id}, "action": {"restore"}, "reason": {"Pas de la publicité : une épicerie locale."}}); r.status != http.StatusSeeOther {
		t.Fatalf("restore: %d", r.status)
	}
	a.browser().get(idea).contains(t, "Publicité déguisée")
	mod.get("/staff").contains(t, `>Contenus signalés à examiner</a></dt><dd>0</dd>`)
	mails, _ := a.store.ClaimDueMail(ctx, 10, time.Hour)
	if len(mails) != 1 || mails[0].Mail.To != "lea@example.lu" || !strings.Contains(mails[0].Mail.Body, "une épicerie locale") {
		t.Fatalf("author not told: %+v", mails)
	}
	mod.get("/staff/moderation").contains(t, "Rétabli", "Idée n°\u00a0"+id, "Pas de la publicité", "Masqué automatiquement", "2 signalements")
	// A moderator may also edit the text, with a reason, and the author is told.
	if r := mod.post("/staff/moderation", url.Values{"entity": {"idea"}, "id": {id}, "action": {"edit"}, "body": {"Une épicerie locale ouvre ici."}, "reason": {"Retrait des prix."}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.status)
	}
	a.browser().get(idea).contains(t, "Une épicerie locale ouvre ici.")
	if mails, _ := a.store.ClaimDueMail(ctx, 10, time.Hour); len(mails) != 1 || !strings.Contains(mails[0].Mail.Subject, "modifiée") {
		t.Fatalf("author not told of the edit: %+v", mails)
	}

	// A flag storm from one account is rate-limited.
	storm := a.browser()
	storm.login("tom@example.lu")
	storm.get(idea)
	var last response
	for i := 0; i < 4; i++ {
		last = storm.post(idea+"/flag", url.Values{"reason": {"insult"}, "next": {idea}})
	}
	if last.status != http.StatusTooManyRequests {
		t.Fatalf("flag storm: %d", last.status)
	}
	// Citizens cannot moderate.
	if r := storm.post("/staff/moderation", url.Values{"entity": {"idea"}, "id": {id}, "action": {"hide"}, "reason": {"non"}}); r.status != http.StatusForbidden {
		t.Fatalf("citizen moderating: %d", r.status)
	}
}

// apiToken creates a personal token for email through the account page.
func (a *app) apiToken(email string) string {
	a.t.Helper()
	b := a.browser()
	b.login(email)
	b.get("/account")
	r := b.post("/account/tokens", url.Values{"name": {"test"}})
	m := regexp.MustCompile(`id="new-token" class="token" readonly value="([^"]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		a.t.Fatalf("no token: %d", r.status)
	}
	return m[1]
}

func TestParticipationAPI(t *testing.T) {
	a := newApp(t, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	a.account("tom@example.lu", core.RoleCitizen)
	lea, tom := a.apiToken("lea@example.lu"), a.apiToken("tom@example.lu")
	if r := a.apiCall("POST", "/api/v1/ideas", "", "application/json", `{"title":"x","body":"y"}`); r.status != http.StatusUnauthorized {
		t.Fatalf("anonymous idea: %d", r.status)
	}
	r := a.apiCall("POST", "/api/v1/ideas", lea, "application/json", `{"title":"Fontaine à eau","body":"Une fontaine près du parc.","position":[6.1319,49.6116]}`)
	if r.status != http.StatusCreated || !strings.Contains(r.body, `"status":"submitted"`) || !strings.Contains(r.body, `"position":[6.1319,49.6116]`) {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(r.body)[1]
	for i, want := range []string{`"changed":true`, `"changed":false`} {
		r := a.apiCall("PUT", "/api/v1/ideas/"+id+"/support", tom, "", "")
		if r.status != 200 || !strings.Contains(r.body, `"support_count":1`) || !strings.Contains(r.body, want) {
			t.Fatalf("support %d: %d %s", i+1, r.status, r.body)
		}
	}
	if r := a.apiCall("DELETE", "/api/v1/ideas/"+id+"/support", tom, "", ""); !strings.Contains(r.body, `"support_count":0`) {
		t.Fatalf("withdraw: %s", r.body)
	}
	a.apiCall("POST", "/api/v1/ideas/"+id+"/comments", tom, "application/json", `{"body":"Oui !"}`)
	r = a.apiCall("GET", "/api/v1/ideas/"+id+"/comments", "", "", "")
	if !strings.Contains(r.body, `"body":"Oui !"`) {
		t.Fatalf("comments: %s", r.body)
	}
	r = a.apiCall("GET", "/api/v1/ideas/map?bbox=6.10,49.59,6.16,49.63", "", "", "")
	if r.status != 200 || !strings.Contains(r.body, `"coordinates":[6.1319,49.6116]`) || !strings.Contains(r.body, `"title":"Fontaine à eau"`) {
		t.Fatalf("map: %d %s", r.status, r.body)
	}
	if r := a.apiCall("GET", "/api/v1/ideas/map?bbox=6.2,49.59,6.16,49.63", "", "", ""); r.status != http.StatusBadRequest {
		t.Fatalf("inverted bbox: %d", r.status)
	}
	if r := a.apiCall("GET", "/api/v1/ideas/map?bbox=7,50,7.1,50.1", "", "", ""); strings.Contains(r.body, "Fontaine") {
		t.Fatalf("idea outside the box returned: %s", r.body)
	}
	r = a.apiCall("GET", "/api/v1/ideas/"+id, "", "", "")
	if !strings.Contains(r.body, `"timeline":[{"status":"submitted"`) {
		t.Fatalf("idea: %s", r.body)
	}
	if r := a.apiCall("GET", "/api/v1/ideas?sort=new", "", "", ""); !strings.Contains(r.body, `"total":1`) {
		t.Fatalf("ideas: %s", r.body)
	}
}

func TestFeeds(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	staff := a.browser()
	staff.login("manager@commune.lu")
	project := staff.publish(t, "Nouvelle école", "<p>Une école</p>", nil)
	staff.get("/staff" + project + "/edit")
	// What an emptied editor sends says nothing: refused, nothing published.
	if r := staff.post("/staff"+project+"/updates", url.Values{"update_title": {"Vide"}, "update_body": {"<p><br></p><ul><li> </li></ul>"}}); r.status != 422 || !strings.Contains(r.body, "field-error") {
		t.Fatalf("an update with no text: %d", r.status)
	}
	staff.post("/staff"+project+"/updates", url.Values{"update_title": {"Permis accordé & travaux"}, "update_body": {"<p>Les travaux <em>commencent</em></p>"}})
	r := a.browser().get(project + "/feed.atom")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("atom: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if strings.Contains(r.body, "<title>Vide</title>") {
		t.Error("the empty update was published")
	}
	for _, want := range []string{`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">`, "<title>Permis accordé &amp; travaux</title>", `<content type="html">&lt;p&gt;Les travaux &lt;em&gt;commencent&lt;/em&gt;&lt;/p&gt;</content>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("atom lacks %q:\n%s", want, r.body)
		}
	}
	a.account("lea@example.lu", core.RoleCitizen)
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get("/ideas/new")
	lea.post("/ideas", url.Values{"title": {"Un potager collectif"}, "body": {"Derrière la nouvelle école."}})
	r = a.browser().get("/ideas/feed.rss")
	if r.status != 200 || !strings.Contains(r.body, `<rss version="2.0">`) || !strings.Contains(r.body, "<title>Un potager collectif</title>") {
		t.Fatalf("rss: %d %s", r.status, r.body)
	}
	if r := a.browser().get(project + "/feed.json"); r.status != 404 {
		t.Fatalf("unknown feed format: %d", r.status)
	}
}

func TestIndicators(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	a.account("tom@example.lu", core.RoleCitizen)
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get("/ideas/new")
	idea := lea.post("/ideas", url.Values{"title": {"Une fontaine à la gare"}, "body": {"Devant la gare centrale."}, "lat": {"49.6000"}, "lon": {"6.1335"}}).header.Get("Location")
	tom := a.browser()
	tom.login("tom@example.lu")
	// Placed on the map, the idea is said to be near the nearest address
	// the register has a position for (here 40 m away).
	tom.get(idea).contains(t, `<a href="/map?lat=49.6&amp;lon=6.1335&amp;idea=`+strings.TrimPrefix(idea, "/ideas/")+`">49.60000, 6.13350</a>`)
	if _, err := a.store.ImportAddresses(ctx, core.AddressImport{Source: geo.FormatBDAdresses, Records: []geo.AddressRecord{{ID: 900001, StreetID: 900001,
		Street: "Place de la Gare", Number: "30", Postcode: "1616", Locality: "Luxembourg", Commune: "Luxembourg", Point: orb.Point{6.1335, 49.60036}, HasPoint: true}}}); err != nil {
		t.Fatal(err)
	}
	tom.get(idea).contains(t, "Lieu\u00a0: <a", `">près de 30, Place de la Gare, 1616 Luxembourg</a>`)
	tom.get("/api/v1"+idea).contains(t, `"near_address":"30, Place de la Gare, 1616 Luxembourg"`)
	// The map opens on the configured centre, or, opened from the idea, names
	// it and without JavaScript links back.
	tom.get("/map").contains(t, `data-center-lat="49.6116" data-center-lon="6.1319" data-zoom="13"`)
	tom.get("/map?lat=49.6&lon=6.1335&idea="+strings.TrimPrefix(idea, "/ideas/")).contains(t,
		`<a href="`+idea+`">point orange`+"\u00a0"+`: l&#39;idée choisie</a>`, `<a href="`+idea+`">Revenir à l&#39;idée</a>`)
	tom.post(idea+"/support", nil)
	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff"+idea).contains(t, `">près de 30, Place de la Gare, 1616 Luxembourg</a>`) // where the idea is, for the review
	staff.post("/staff"+idea+"/decision", url.Values{"status": {"feasible"}, "answer": {"Le service technique la posera au printemps."}})
	page := staff.get("/staff/indicators")
	page.contains(t, "<dt>Idées proposées</dt><dd>1</dd>", "<dt>Participant·e·s inscrit·e·s</dt><dd>3</dd>",
		"<dt>Actif·ve·s (90 derniers jours)</dt><dd>2</dd>", "<dt>Idées prises en compte</dt><dd>1</dd>",
		"Quartier Gare</td><td>1</td>", "Commune Luxembourg</td><td>1</td>", `class="chart"`,
		// channels and areas drawn as rows too: a full bar for each (one idea each)
		`class="bar-label">site web</text><rect x="230" y="0" width="420"`, `class="bar-label">Quartier Gare</text>`,
		// what came through each channel: here the site, an idea and a support
		"<td>site web</td><td>1</td><td>1</td><td>0</td><td>0</td>")
	// The answer promise: one idea answered today, on time; a second one whose
	// date has passed unanswered.
	late := lea.propose(url.Values{"title": {"Un abri à vélos"}, "body": {"Devant la gare centrale."}})
	if _, err := a.store.Pool().Exec(ctx, `UPDATE idea SET answer_due_on = current_date - 3 WHERE id = $1`, strings.TrimPrefix(late, "/ideas/")); err != nil {
		t.Fatal(err)
	}
	staff.get("/staff/indicators").contains(t, "<dt>Idées ayant reçu leur réponse</dt><dd>1</dd>", "<dt>dont dans les délais</dt><dd>1 (100\u00a0%)</dd>",
		"<dt>Délai médian de réponse</dt><dd>0 jour</dd>", "<dt>Réponses en retard aujourd&#39;hui</dt><dd class=\"overdue\">1</dd>")
	csvBody := staff.get("/staff/indicators.csv").body
	month := time.Now().Format("2006-01")
	if !strings.Contains(csvBody, month+";2;3;2;1;0;1;1") {
		t.Fatalf("csv for %s:\n%s", month, csvBody)
	}
	// Taking part is more than ideas, comments and supports: registering for
	// an event counts too (and answering a consultation, arguing, voting...).
	max := a.signedIn("max@example.lu", core.RoleCitizen)
	staff.get("/staff/events")
	meeting := regexp.MustCompile(`(\d+)$`).FindString(staff.post("/staff/events", url.Values{"title": {"Visite de la gare"}, "kind": {"site_visit"},
		"starts_at": {"2031-05-04T10:00"}, "ends_at": {"2031-05-04T12:00"}, "location": {"Parvis de la gare"}}).header.Get("Location"))
	staff.get("/staff/events/" + meeting)
	staff.post("/staff/events/"+meeting+"/publish", nil)
	max.get("/events/" + meeting)
	if r := max.post("/events/"+meeting+"/register", nil); r.status != http.StatusSeeOther {
		t.Fatalf("register for the event: %d", r.status)
	}
	staff.get("/staff/indicators").contains(t, "<dt>Actif·ve·s (90 derniers jours)</dt><dd>3</dd>")
	// Per area: the ideas placed there, and the residents who live there
	// (Tom, who supported: active).
	found, err := a.store.SearchAddresses(ctx, "30 place de la gare", 1)
	if err != nil || len(found) != 1 {
		t.Fatalf("address: %v %v", found, err)
	}
	tomP, _, _ := a.store.Credentials(ctx, "tom@example.lu")
	if err := a.store.SetHomeAddress(ctx, tomP.ID, found[0].ID); err != nil {
		t.Fatal(err)
	}
	staff.get("/staff/indicators").contains(t, "Quartier Gare</td><td>1</td><td>1</td><td>1</td>", "Commune Luxembourg</td><td>1</td><td>1</td><td>1</td>")
	if csvBody := staff.get("/staff/indicators.csv").body; !strings.Contains(csvBody, "Quartier Gare;1;1;1") {
		t.Fatalf("csv per area:\n%s", csvBody)
	}
	if csvBody := staff.get("/staff/indicators.csv").body; !strings.Contains(csvBody, month+";2;4;3;1;0;1;1") {
		t.Fatalf("csv for %s after the registration:\n%s", month, csvBody)
	}
	if r := lea.get("/staff/indicators"); r.status != http.StatusForbidden {
		t.Fatalf("citizen on indicators: %d", r.status)
	}
}

// Public lists stay within a statement budget, whatever the number of ideas.
func TestIdeaListStatementBudget(t *testing.T) {
	a := newApp(t, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	lea := a.browser()
	lea.login("lea@example.lu")
	for i := 0; i < 25; i++ {
		lea.get("/ideas/new")
		lea.post("/ideas", url.Values{"title": {fmt.Sprintf("Idée numéro %d", i)}, "body": {"Une idée pour la commune."}})
	}
	for _, who := range []*browser{a.browser(), lea} {
		for _, path := range []string{"/ideas", "/ideas?sort=new&page=2", "/api/v1/ideas", "/ideas?q=numero+commune"} {
			who.get(path) // warm: a session touch may write once a minute
			before := a.store.Statements()
			r := who.get(path)
			if n := a.store.Statements() - before; r.status != 200 || n > 3 {
				t.Errorf("%s: status %d, %d SQL statements (budget 3)", path, r.status, n)
			}
		}
	}
}

// Residents find ideas by their words, and are shown look-alikes while they
// write a new one; reviewers see the look-alikes of the idea they review.
func TestIdeaSearchAndLookAlikes(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	for _, title := range []string{"Un banc dans le parc", "Des bancs au parc Laval", "Des vélos en libre-service"} {
		lea.propose(url.Values{"title": {title}, "body": {"Pour tout le quartier."}})
	}
	page := a.browser().get("/ideas?q=VELO")
	page.contains(t, `<input id="q" name="q" type="search" maxlength="100" value="VELO">`, "Des vélos en libre-service", "1 idée")
	if strings.Contains(page.body, "Un banc dans le parc") {
		t.Error("the search listed an idea without the word")
	}
	a.browser().get("/ideas?q=de+la").contains(t, `id="q-hint"`, "au moins un mot de trois lettres", "3 idées")
	if r := a.browser().get("/api/v1/ideas?q=parc+banc"); !strings.Contains(r.body, `"total":2`) {
		t.Errorf("api search: %s", r.body)
	}

	r := a.browser().get("/api/v1/ideas/similar?title=" + url.QueryEscape("Des bancs dans le parc"))
	var got struct {
		Ideas []struct {
			Title, URL    string
			SupportsLabel string `json:"supports_label"`
		}
	}
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || len(got.Ideas) != 2 || got.Ideas[0].Title != "Un banc dans le parc" ||
		got.Ideas[0].URL != "/ideas/1" || got.Ideas[0].SupportsLabel != "0 soutien" || !strings.Contains(r.body, `"status_label":"Déposée"`) {
		t.Fatalf("similar ideas: %v %s", err, r.body)
	}
	if r := a.browser().get("/api/v1/ideas/similar?title=ab"); r.body != `{"ideas":[]}` {
		t.Errorf("a title too short for look-alikes: %s", r.body)
	}
	lea.get("/ideas/new").contains(t, `data-source="/api/v1/ideas/similar"`, `<script src="/static/similarideas.js" defer></script>`)

	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	staff.get("/staff/ideas/2").contains(t, `<h2 id="similar-h">Idées semblables</h2>`, `<a href="/staff/ideas/1">Un banc dans le parc</a>`)
	if strings.Contains(staff.get("/staff/ideas/2").body, `<a href="/staff/ideas/3">`) {
		t.Error("bikes are not like benches")
	}
}

func TestCouncilSubmission(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	a := newApp(t, func(c *webConfig) { c.Commune = web.Commune{Name: "Ville de Luxembourg"} }, func(d *web.Deps) { d.Now = func() time.Time { return now } })
	a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get("/ideas/new")
	idea := lea.post("/ideas", url.Values{"title": {"Un abri à vélos (gare)"}, "body": {"Couvert, près des quais."},
		"lat": {"49.6000"}, "lon": {"6.1335"}}).header.Get("Location")
	if _, err := a.store.ImportAddresses(ctx, core.AddressImport{Source: geo.FormatBDAdresses, Records: []geo.AddressRecord{{ID: 900001, StreetID: 900001,
		Street: "Place de la Gare", Number: "30", Postcode: "1616", Locality: "Luxembourg", Commune: "Luxembourg", Point: orb.Point{6.1335, 49.60036}, HasPoint: true}}}); err != nil {
		t.Fatal(err)
	}
	if r := lea.uploadAs(idea+"/photos", "photo", "quais.png", map[string]string{"alt": "Les quais sans abri"}, photoPNG(t, 400, 300)); r.status != http.StatusSeeOther {
		t.Fatalf("photo: %d", r.status)
	}
	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff" + idea)
	staff.post("/staff"+idea+"/decision", url.Values{"status": {"feasible"}, "answer": {"Faisable : budget 2027, 12 places."}})
	// A title a spreadsheet would run as a formula.
	formula := lea.propose(url.Values{"title": {`=HYPERLINK("http://evil.example","Cliquez")`}, "body": {"Une idée qui se veut une formule."},
		"alternative_to": {strings.TrimPrefix(idea, "/ideas/")}}) // and an alternative to the first
	staff.get("/staff" + formula)
	staff.post("/staff"+formula+"/decision", url.Values{"status": {"feasible"}, "answer": {"-Faisable."}})
	a.store.ClaimDueMail(ctx, 50, time.Hour)

	id, err := a.web.MonthlyCouncil(ctx)
	if err != nil || id == 0 {
		t.Fatalf("monthly council: %d, %v", id, err)
	}
	if again, _ := a.web.MonthlyCouncil(ctx); again != 0 {
		t.Fatal("the month was submitted twice")
	}
	a.browser().get(idea).contains(t, "Soumise au conseil")
	mails, _ := a.store.ClaimDueMail(ctx, 10, time.Hour)
	if len(mails) != 2 || !strings.Contains(mails[0].Mail.Subject, "soumise au conseil") {
		t.Fatalf("author not told: %+v", mails)
	}
	page := staff.get("/staff/council")
	page.contains(t, "2026-11", "PDF", "CSV")
	pdf := staff.get(fmt.Sprintf("/staff/council/%d.pdf", id))
	// The commune's name, the idea, its place and its photo (with what it
	// shows), the review, numbered pages; in Windows-1252, as PDF fonts read it.
	text, err := charmap.Windows1252.NewDecoder().String(strings.NewReplacer(`\(`, "(", `\)`, ")").Replace(
		strings.Join(pdfStrings(t, []byte(pdf.body)), "\n")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Ville de Luxembourg", "1. Un abri à vélos (gare)", "Lieu\u00a0: près de 30, Place de la Gare, 1616 Luxembourg",
		"Les quais sans abri", "Avis de faisabilité\u00a0:", "Faisable : budget 2027, 12 places.", "Page 1 sur 1", "2. =HYPERLINK", "Alternative à l'idée n°\u00a01"} {
		if !strings.Contains(text, want) {
			t.Errorf("the council's PDF lacks %q:\n%s", want, text)
		}
	}
	if pdf.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.body, "%PDF-1.") || !strings.Contains(pdf.body, "/Subtype /Image") ||
		!strings.Contains(pdf.body, "/Lang (fr)") {
		t.Fatalf("pdf: %s, no image: %.400q", pdf.header.Get("Content-Type"), pdf.body)
	}
	if dir := os.Getenv("QUARTIER_SCREENSHOTS"); dir != "" {
		os.WriteFile(dir+"/council.pdf", []byte(pdf.body), 0o644)
	}
	csvBody := staff.get(fmt.Sprintf("/staff/council/%d.csv", id)).body
	if !strings.Contains(csvBody, "Un abri à vélos (gare)") || !strings.Contains(csvBody, "Faisable : budget 2027, 12 places.") ||
		!strings.Contains(csvBody, ";Lieu;Alternative à l'idée n°;") || !strings.Contains(csvBody, "près de 30, Place de la Gare, 1616 Luxembourg") ||
		!strings.Contains(csvBody, `;"'=HYPERLINK(""http://evil.example"",""Cliquez"")";`) || !strings.Contains(csvBody, ";1;'-Faisable.;") {
		t.Fatalf("csv: %s", csvBody)
	}
	// Nothing left: a manual run says so.
	staff.post("/staff/council", nil)
	staff.get("/staff/council").contains(t, "Aucune idée faisable à soumettre.")
}

func TestDebateSidesRepliesAndHelpfulRatings(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	a.account("tom@example.lu", core.RoleCitizen)
	staff := a.browser()
	staff.login("manager@commune.lu")
	project := staff.publish(t, "Zone piétonne", "<p>Fermer la Grand-Rue aux voitures ?</p>", nil)
	staff.get("/staff" + project + "/edit")
	debate := staff.post("/staff"+project+"/debates", url.Values{"question": {"Faut-il fermer la Grand-Rue aux voitures le samedi ?"}}).header.Get("Location")
	if !strings.HasPrefix(debate, "/debates/") {
		t.Fatalf("open debate: %q", debate)
	}
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get(debate)
	lea.post(debate+"/arguments", url.Values{"side": {"for"}, "body": {"Plus calme pour les familles."}})
	lea.post(debate+"/arguments", url.Values{"side": {"against"}, "body": {"Les livraisons deviennent difficiles."}})
	if r := lea.post(debate+"/arguments", url.Values{"side": {"maybe"}, "body": {"?"}}); r.status != http.StatusBadRequest {
		t.Fatalf("unknown side: %d", r.status)
	}
	page := lea.get(debate)
	forID := regexp.MustCompile(`<li id="argument-(\d+)">\s*<p class="meta"><strong>Léa citizen</strong>[^<]*</p>\s*<div(?: lang="\w+")?><p>Plus calme`).FindStringSubmatch(page.body)
	if forID == nil {
		t.Fatalf("for argument not found:\n%s", page.body)
	}
	tom := a.browser()
	tom.login("tom@example.lu")
	tom.get(debate)
	tom.post(debate+"/arguments", url.Values{"parent_id": {forID[1]}, "body": {"Et les commerces ?"}, "side": {"against"}}) // a reply keeps its parent's side
	for i := 0; i < 3; i++ {
		tom.post(debate+"/arguments/"+forID[1]+"/helpful", nil)
	}
	page = tom.get(debate)
	page.contains(t, "Pour (1)", "Contre (1)", "1 fois jugé utile", "Et les commerces ?", "Vous l&#39;avez jugé utile", "C&#39;est votre argument")
	if strings.Contains(page.body, "Pas encore d&#39;argument") {
		t.Error("a side with arguments (and an argument without replies) says there is none yet")
	}
	if strings.Contains(page.body, "/arguments/"+forID[1]+"/helpful") {
		t.Error("an argument already rated is offered for rating again")
	}
	// Nobody rates their own argument: refused, and the count stays.
	if r := lea.post(debate+"/arguments/"+forID[1]+"/helpful", nil); r.status != http.StatusConflict {
		t.Errorf("rating one's own argument: %d, want 409", r.status)
	}
	mine := lea.get(debate)
	mine.contains(t, "1 fois jugé utile", "C&#39;est votre argument")
	if strings.Contains(mine.body, "/arguments/"+forID[1]+"/helpful") {
		t.Error("the author is offered to rate their own argument")
	}
	forSide := page.body[strings.Index(page.body, `id="for-h"`):strings.Index(page.body, `id="against-h"`)]
	if !strings.Contains(forSide, "Et les commerces ?") {
		t.Fatal("the reply left its parent's side")
	}
	a.browser().get(project).contains(t, "Faut-il fermer la Grand-Rue")
}

func TestProjectImagesAreCheckedAndReencoded(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	staff := a.browser()
	staff.login("manager@commune.lu")
	project := staff.publish(t, "Nouvelle bibliothèque", "<p>Plans</p>", nil)
	editor := "/staff" + project + "/edit"
	var pngData bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	img.Set(3, 3, color.RGBA{200, 10, 10, 255})
	png.Encode(&pngData, img)
	// A tEXt chunk with a "secret" rides along in the original file.
	withMeta := append([]byte{}, pngData.Bytes()[:33]...)
	withMeta = append(withMeta, pngChunk("tEXt", []byte("GPS\x0049.6116,6.1319 secret"))...)
	withMeta = append(withMeta, pngData.Bytes()[33:]...)

	upload := func(name string, data []byte, alt string) response {
		staff.get(editor)
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("csrf_token", staff.csrf)
		w.WriteField("alt", alt)
		fw, _ := w.CreateFormFile("image", name)
		fw.Write(data)
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/staff"+project+"/images", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return staff.do(req)
	}
	if r := upload("plan.png", []byte("<html><script>alert(1)</script></html>"), "Plan"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "pas une image") {
		t.Fatalf("fake image: %d", r.status)
	}
	if r := upload("plan.png", withMeta, ""); r.status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(r.body), "Décrivez l'image") {
		t.Fatalf("image without alt: %d", r.status)
	}
	if r := upload("plan.png", withMeta, "Plan du rez-de-chaussée"); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	page := a.browser().get(project)
	m := regexp.MustCompile(`<img src="(/images/\d+)" alt="Plan du rez-de-chaussée" width="40" height="20"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("image not on the project page")
	}
	served := a.browser().get(m[1])
	if served.header.Get("Content-Type") != "image/png" || strings.Contains(served.body, "secret") {
		t.Fatalf("served image: %s, metadata kept: %v", served.header.Get("Content-Type"), strings.Contains(served.body, "secret"))
	}
	if _, err := png.Decode(strings.NewReader(served.body)); err != nil {
		t.Fatalf("served image does not decode: %v", err)
	}
}

// pngChunk builds a PNG chunk with its CRC.
func pngChunk(kind string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(kind)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(kind), data...)))
	return b.Bytes()
}

func TestReviewThresholdNotifiesAuthorAssignsReviewerAndAddressLocation(t *testing.T) {
	t.Run("in the request (no sync engine)", func(t *testing.T) { reviewThresholdFlow(t, false) })
	t.Run("as the sync engine's task", func(t *testing.T) { reviewThresholdFlow(t, true) })
}

// reviewThresholdFlow: the support that reaches the threshold gets the author
// told and a reviewer assigned and told — in the request, or (as serve runs
// it) by a River task of a real sync engine.
func reviewThresholdFlow(t *testing.T, withEngine bool) {
	var engine *datasync.Engine
	var server *web.Server // set before the engine starts
	var taskRuns atomic.Int32
	a := newApp(t, func(c *web.Config) { c.FollowUp = core.FollowUp{SupportThreshold: 1, ReviewDays: 30, AnswerDays: 60} },
		func(d *web.Deps) {
			if !withEngine {
				return
			}
			if _, err := datasync.Migrate(ctx, d.Store.Pool()); err != nil {
				t.Fatal(err)
			}
			var err error
			engine, err = datasync.New(d.Store, d.Log, datasync.Options{Poll: time.Hour, Tasks: []datasync.Task{{Name: core.TaskReviewFollowUp,
				Run: func(ctx context.Context, id int64) error { taskRuns.Add(1); return server.FollowUpReview(ctx, id) }}}})
			if err != nil {
				t.Fatal(err)
			}
			d.Sync = engine
		})
	if withEngine {
		server = a.web
		if err := engine.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_ = engine.Stop(stop)
		})
	}
	a.withGeography()
	manager := a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	a.account("tom@example.lu", core.RoleCitizen)
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get("/ideas/new")
	r := lea.post("/ideas", url.Values{"title": {"Un passage piéton"}, "body": {"Devant l'école de la rue de Warken."}, "address": {"xyz inconnue"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown address: %d", r.status)
	}
	idea := lea.post("/ideas", url.Values{"title": {"Un passage piéton"}, "body": {"Devant l'école de la rue de Warken."}, "address": {"12 rue de warken"}}).header.Get("Location")
	a.store.ClaimDueMail(ctx, 50, time.Hour)
	tom := a.browser()
	tom.login("tom@example.lu")
	// The page names the address the author gave, not its coordinates.
	tom.get(idea).contains(t, "Lieu\u00a0: 12, Rue de Warken, 9088 Ettelbruck")
	tom.get("/api/v1"+idea).contains(t, `"address":"12, Rue de Warken, 9088 Ettelbruck"`)
	tom.post(idea+"/support", nil)
	var mails []core.QueuedMail
	for deadline := time.Now().Add(30 * time.Second); len(mails) < 2 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		more, _ := a.store.ClaimDueMail(ctx, 10, time.Hour)
		mails = append(mails, more...)
	}
	sent := map[string]string{}
	for _, m := range mails {
		sent[m.Mail.To] = m.Mail.Subject + "\n" + m.Mail.Body
	}
	if len(mails) != 2 || !strings.Contains(sent["lea@example.lu"], "passe à l'étude") ||
		!strings.Contains(sent["manager@commune.lu"], "Idée à étudier") || !strings.Contains(sent["manager@commune.lu"], "/staff"+idea) {
		t.Fatalf("review notice and assignment: %+v", sent)
	}
	if want := map[bool]int32{false: 0, true: 1}[withEngine]; taskRuns.Load() != want {
		t.Fatalf("the follow-up ran %d times as a task, want %d", taskRuns.Load(), want)
	}
	tom.get(idea).contains(t, "Étude de faisabilité", "Lien vers cette idée")
	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff/followup").contains(t, "Un passage piéton", "Léa manager")
	// The panel shows the reviewer chosen and the review date the threshold set.
	staff.get("/staff"+idea).contains(t, fmt.Sprintf(`<option value="%d" selected>`, manager.ID),
		`value="`+time.Now().AddDate(0, 0, 30).Format("2006-01-02")+`"`)
}

// Anonymous API lists are cached for a second; signed-in callers always get
// a fresh answer, and a change shows once the second has passed.
func TestMicroCache(t *testing.T) {
	a := newApp(t, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	token := a.apiToken("lea@example.lu")
	first := a.apiCall("GET", "/api/v1/ideas", "", "", "")
	if !strings.Contains(first.body, `"total":0`) {
		t.Fatalf("first: %s", first.body)
	}
	a.apiCall("POST", "/api/v1/ideas", token, "application/json", `{"title":"Un kiosque à livres","body":"Dans le parc, pour échanger des livres."}`)
	if r := a.apiCall("GET", "/api/v1/ideas", "", "", ""); r.header.Get("X-Cache") != "hit" || !strings.Contains(r.body, `"total":0`) {
		t.Fatalf("anonymous within the second: %s %s", r.header.Get("X-Cache"), r.body)
	}
	if r := a.apiCall("GET", "/api/v1/ideas", token, "", ""); r.header.Get("X-Cache") == "hit" || !strings.Contains(r.body, "Un kiosque à livres") {
		t.Fatalf("signed-in caller got a cached answer: %s", r.body)
	}
	time.Sleep(1100 * time.Millisecond)
	a.apiCall("GET", "/api/v1/ideas", "", "", "") // refreshes (or serves the old answer while one request refreshes)
	deadline := time.Now().Add(7 * time.Second)   // the count is cached for five seconds
	for {
		r := a.apiCall("GET", "/api/v1/ideas", "", "", "")
		if strings.Contains(r.body, "Un kiosque à livres") && strings.Contains(r.body, `"total":1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the change never showed: %s", r.body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestImplementationMilestonesArePublished(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get("/ideas/new")
	idea := lea.post("/ideas", url.Values{"title": {"Un jardin partagé"}, "body": {"Derrière l'école primaire."}}).header.Get("Location")
	staff := a.browser()
	staff.login("manager@commune.lu")
	panel := "/staff" + idea
	staff.get(panel)
	if r := staff.post(panel+"/milestones", url.Values{"milestone_title": {"Étude du sol"}}); r.status != http.StatusConflict {
		t.Fatalf("milestone before the decision: %d", r.status)
	}
	for _, st := range []string{"feasible", "submitted_to_council", "decided"} {
		staff.get(panel)
		if r := staff.post(panel+"/decision", url.Values{"status": {st}, "answer": {"Le collège a retenu ce jardin pour 2027."}, "progress": {"40"}}); r.status != http.StatusSeeOther {
			t.Fatalf("decision %s: %d", st, r.status)
		}
	}
	staff.get(panel)
	r := staff.post(panel+"/milestones", url.Values{"milestone_title": {" "}, "milestone_due": {"2027-03-01"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty title: %d", r.status)
	}
	r.contains(t, "Une étape a besoin d&#39;un titre", `value="2027-03-01"`)
	if r := staff.post(panel+"/milestones", url.Values{"milestone_title": {"Étude du sol"}, "milestone_due": {"2027-03-01"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add milestone: %d %s", r.status, r.body)
	}
	staff.get(panel)
	staff.post(panel+"/milestones", url.Values{"milestone_title": {"Plantation"}})
	ms, _ := a.store.Milestones(ctx, mustID(t, idea))
	if len(ms) != 2 {
		t.Fatalf("milestones %+v", ms)
	}
	// Residents may not touch milestones.
	lea.get(idea)
	if r := lea.post(fmt.Sprintf("%s/milestones/%d/done", panel, ms[0].ID), url.Values{"done": {"yes"}}); r.status != http.StatusForbidden {
		t.Fatalf("resident ticks a milestone: %d", r.status)
	}
	staff.get(panel)
	a.store.ClaimDueMail(ctx, 50, time.Hour) // the decisions' mails
	if r := staff.post(fmt.Sprintf("%s/milestones/%d/done", panel, ms[0].ID), url.Values{"done": {"yes"}}); r.status != http.StatusSeeOther {
		t.Fatalf("tick: %d", r.status)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 10, time.Hour)
	if len(mails) != 1 || mails[0].Mail.To != "lea@example.lu" || !strings.Contains(mails[0].Mail.Body, "a franchi une étape\u00a0: Étude du sol. Avancement de la réalisation\u00a0: 40\u00a0%") {
		t.Fatalf("milestone mail: %+v", mails)
	}
	// Progress is updated while the idea stays in implementation.
	for _, progress := range []string{"50", "70"} {
		staff.get(panel).contains(t, `<option value="in_progress"`)
		if r := staff.post(panel+"/decision", url.Values{"status": {"in_progress"}, "progress": {progress}}); r.status != http.StatusSeeOther {
			t.Fatalf("progress %s: %d %s", progress, r.status, r.body)
		}
	}
	a.browser().get("/ideas").contains(t, "Un jardin partagé", "réalisée à 70\u00a0%")
	page := a.browser().get(idea)
	page.contains(t, "Réalisation", `<progress id="implementation-progress" max="100" value="70">`, "Étude du sol", "atteinte le", "Plantation", "pas encore de date")
	var out struct {
		Milestones []struct {
			Title  string  `json:"title"`
			DueOn  *string `json:"due_on"`
			DoneOn *string `json:"done_on"`
		} `json:"milestones"`
	}
	api := a.browser().get("/api/v1" + idea)
	if err := json.Unmarshal([]byte(api.body), &out); err != nil || len(out.Milestones) != 2 || *out.Milestones[0].DueOn != "2027-03-01" ||
		out.Milestones[0].DoneOn == nil || out.Milestones[1].DueOn != nil || out.Milestones[1].DoneOn != nil {
		t.Fatalf("API milestones %s, %v", api.body, err)
	}
}

func mustID(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(path[strings.LastIndex(path, "/")+1:], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A resident finds on their account page the ideas they proposed (with where
// the official answer stands), the ideas they support and the projects they
// follow; nobody else's.
func TestAccountListsMyParticipation(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	project := staff.publish(t, "Zone piétonne", "<p>Fermer la Grand-Rue ?</p>", nil)

	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	lea.get("/account").contains(t, "Vous n&#39;avez pas encore proposé d&#39;idée.", "Vous ne soutenez aucune idée", "Vous ne suivez aucun projet")
	mine := lea.propose(url.Values{"title": {"Des bancs au parc"}, "body": {"Pour les aînés qui s'y promènent."}})
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	theirs := tom.propose(url.Values{"title": {"Un abri à vélos"}, "body": {"Près de la gare, couvert."}})
	lea.get(theirs)
	if r := lea.post(theirs+"/support", nil); r.status != http.StatusSeeOther {
		t.Fatalf("support: %d", r.status)
	}
	lea.get(project)
	if r := lea.post(project+"/follow", nil); r.status != http.StatusSeeOther {
		t.Fatalf("follow: %d", r.status)
	}
	// The commune answers Léa's idea.
	staff.get("/staff" + mine)
	if r := staff.post("/staff"+mine+"/decision", url.Values{"status": {"feasible"}, "answer": {"Le service des parcs en installe trois."}, "progress": {"0"}}); r.status != http.StatusSeeOther {
		t.Fatalf("decision: %d\n%s", r.status, r.body)
	}

	page := lea.get("/account")
	page.contains(t, "Ma participation", `<a href="`+mine+`" lang="fr">Des bancs au parc</a>`, "Faisable", "réponse officielle du ",
		`<a href="`+theirs+`">Un abri à vélos</a>`, "1 soutien", `<a href="`+project+`">Zone piétonne</a>`)
	if !regexp.MustCompile(`réponse officielle du \d{2}\.\d{2}\.\d{4}`).MatchString(page.body) {
		t.Error("the answer's date is not written as people here write dates (27.11.2026)")
	}
	other := tom.get("/account")
	other.contains(t, `<a href="`+theirs+`">Un abri à vélos</a>`, "réponse officielle attendue au plus tard le ", "Vous ne soutenez aucune idée")
	if strings.Contains(other.body, "Des bancs au parc") || strings.Contains(other.body, "Zone piétonne") {
		t.Error("someone else's idea or project on Tom's account page")
	}
}

// The account page lists the latest 20 of each list and links to all of it,
// a page at a time, where the resident can still withdraw a comment.
func TestAccountListsAllOfMyParticipation(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	var ideas []string
	for i := 1; i <= 23; i++ {
		ideas = append(ideas, lea.propose(url.Values{"title": {fmt.Sprintf("Idée numéro %d", i)}, "body": {"Une idée pour la commune."}}))
	}
	for i := 1; i <= 3; i++ {
		lea.get(ideas[0])
		if r := lea.post(ideas[0]+"/comments", url.Values{"body": {fmt.Sprintf("Précision %d", i)}}); r.status != http.StatusSeeOther {
			t.Fatalf("comment: %d\n%s", r.status, r.body)
		}
	}

	account := lea.get("/account")
	account.contains(t, "Idée numéro 23", "Idée numéro 4<", `<a href="/account/participation/ideas">Tout voir<span class="visually-hidden">`+"\u00a0"+`: Mes idées</span></a>`)
	if strings.Contains(account.body, "Idée numéro 3<") || strings.Contains(account.body, "/account/participation/comments") {
		t.Error("the account page lists more than 20 ideas, or offers all of a short list")
	}

	first := lea.get("/account/participation/ideas")
	first.contains(t, "<h1>Mes idées</h1>", "23 en tout", "Idée numéro 23", "Idée numéro 4<",
		`<nav class="pager" aria-label="Pages de la liste">`, "Page 1 sur 2", `href="/account/participation/ideas?page=2" rel="next"`)
	second := lea.get("/account/participation/ideas?page=2")
	second.contains(t, "Idée numéro 3<", "Idée numéro 1<", "Page 2 sur 2", `rel="prev"`)
	if strings.Contains(second.body, "Idée numéro 4<") {
		t.Error("the second page repeats the first")
	}

	// Withdrawing a comment from the full list returns to it.
	comments := lea.get("/account/participation/comments")
	comments.contains(t, "<h1>Mes commentaires</h1>", "3 en tout", "Précision 3", `name="next" value="/account/participation/comments"`)
	m := regexp.MustCompile(`action="(/comments/\d+/withdraw)"`).FindStringSubmatch(comments.body)
	if m == nil {
		t.Fatal("no withdraw form on the list of comments")
	}
	if r := lea.post(m[1], url.Values{"next": {"/account/participation/comments"}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/participation/comments" {
		t.Fatalf("withdraw: %d to %q", r.status, r.header.Get("Location"))
	}
	lea.get("/account/participation/comments").contains(t, "2 en tout")

	// Someone else sees only their own; unknown lists and visitors get nowhere.
	a.signedIn("tom@example.lu", core.RoleCitizen).get("/account/participation/ideas").contains(t, "0 en tout")
	if r := lea.get("/account/participation/passwords"); r.status != http.StatusNotFound {
		t.Errorf("unknown list: %d", r.status)
	}
	if r := a.browser().get("/account/participation/ideas"); r.status != http.StatusSeeOther {
		t.Errorf("visitor: %d", r.status)
	}
}

// "NaN", "Inf" and enormous page numbers are what strconv reads as numbers but
// no one means: each gets a clear refusal (or the last sensible page), and
// nothing unreadable is stored. (An idea placed at NaN once made the API's
// idea list answer an empty body.)
func TestNumbersNobodyMeans(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	for _, pos := range [][2]string{{"NaN", "NaN"}, {"Inf", "6.1"}, {"49.6", "-Infinity"}} {
		lea.get("/ideas/new")
		r := lea.post("/ideas", url.Values{"title": {"Une idée quelque part"}, "body": {"Un texte assez long pour passer."}, "lat": {pos[0]}, "lon": {pos[1]}})
		if r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
			t.Fatalf("idea at %v: %d", pos, r.status)
		}
		r.contains(t, "Indiquez la latitude et la longitude en nombres décimaux")
	}
	lea.propose(url.Values{"title": {"Une idée bien placée"}, "body": {"Un texte assez long pour passer."}, "lat": {"49.6"}, "lon": {"6.13"}})
	if r := a.browser().get("/api/v1/ideas"); r.status != http.StatusOK || !strings.Contains(r.body, `"total":1`) {
		t.Fatalf("the API's idea list: %d %.300s", r.status, r.body)
	}
	for _, path := range []string{"/api/v1/ideas/map?bbox=NaN,NaN,NaN,NaN", "/api/v1/ideas/map?bbox=-Inf,-90,Inf,90", "/api/v1/areas/at?lon=NaN&lat=49.6"} {
		if r := a.browser().get(path); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", path, r.status)
		}
	}
	huge := "?page=9223372036854775807"
	for _, path := range []string{"/ideas", "/projects", "/api/v1/ideas", "/api/v1/projects", "/account/participation/ideas"} {
		if r := lea.get(path + huge); r.status != http.StatusOK {
			t.Errorf("%s%s: %d", path, huge, r.status)
		}
	}
}

// Text PostgreSQL cannot store (a NUL character, bytes that are not UTF-8)
// gets a clear refusal wherever it is sent, and nothing is stored; before, the
// database refused it and the visitor got a 500.
func TestTextTheDatabaseCannotStore(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	const message = "contient un caractère qui ne peut pas être enregistré"
	for _, form := range []url.Values{
		{"title": {"Une idée\x00 nulle"}, "body": {"Un texte assez long pour passer."}},
		{"title": {"Une id\xe9e en Latin-1"}, "body": {"Un texte assez long pour passer."}},
		{"title": {"Une idée"}, "body": {"Un texte assez long pour passer."}, "bo\xffdy": {"x"}},
	} {
		lea.get("/ideas/new")
		if r := lea.post("/ideas", form); r.status != http.StatusBadRequest || !strings.Contains(r.body, message) {
			t.Errorf("idea %q: %d", form.Get("title"), r.status)
		}
	}
	idea := lea.propose(url.Values{"title": {"Une idée lisible"}, "body": {"Un texte assez long pour passer."}})
	lea.get(idea)
	if r := lea.post(idea+"/comments", url.Values{"body": {"Bien\x00 vu"}}); r.status != http.StatusBadRequest {
		t.Errorf("comment with NUL: %d", r.status)
	}
	if r := lea.uploadAs(idea+"/photos", "photo", "p.png", map[string]string{"alt": "Le banc\x00"}, photoPNG(t, 40, 20)); r.status != http.StatusBadRequest {
		t.Errorf("photo described with NUL: %d", r.status)
	}
	for _, path := range []string{"/projects?topic=%00", "/ideas?q=%ff", "/api/v1/ideas?status=%ff", "/api/v1/projects?topic=%00"} {
		if r := a.browser().get(path); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", path, r.status)
		}
	}
	token := a.apiToken("lea@example.lu")
	for _, body := range []string{`{"title":"Une idée\u0000 nulle","body":"Un texte assez long pour passer."}`,
		"{\"title\":\"Une id\xe9e\",\"body\":\"Un texte assez long pour passer.\"}"} {
		if r := a.apiCall("POST", "/api/v1/ideas", token, "application/json", body); r.status != http.StatusBadRequest || !strings.Contains(r.body, `"code":"invalid"`) {
			t.Errorf("API idea %q: %d %s", body, r.status, r.body)
		}
	}
	if r := a.browser().get("/api/v1/ideas"); !strings.Contains(r.body, `"total":1`) {
		t.Errorf("something unreadable was stored: %s", r.body)
	}
	if r := a.browser().get("/static/%ff"); r.status != http.StatusNotFound {
		t.Errorf("a file name that is not UTF-8: %d", r.status)
	}
}

// Residents' texts are marked with the language they are clearly written in,
// so that a screen reader reads a German idea on a French page in German.
func TestResidentsTextsMarkedWithTheirLanguage(t *testing.T) {
	a := newApp(t, nil)
	lena := a.signedIn("lena@example.lu", core.RoleCitizen)
	idea := lena.propose(url.Values{"title": {"Neue Bänke im Park"}, "body": {"Die alten Bänke sind kaputt und wir brauchen neue für die Leute, die dort spazieren."}})
	page := a.browser().get(idea)
	page.contains(t, `<h1 lang="de">Neue Bänke im Park</h1>`, `<div class="rich" lang="de">`)
	a.browser().get("/ideas").contains(t, `lang="de">Neue Bänke im Park</a>`)
	lena.get(idea)
	lena.post(idea+"/comments", url.Values{"body": {"Dat ass eng gutt Iddi, well et fir déi eeler Leit wichteg ass."}})
	lena.post(idea+"/comments", url.Values{"body": {"Merci !"}})
	page = a.browser().get(idea)
	page.contains(t, `<div lang="lb"><p>Dat ass eng gutt Iddi`, `<div><p>Merci !`)
}
