package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/mail"
	"quartier/core/web"
)

// deliverAll sends every queued mail through the real SMTP sender to a
// receiver, and returns what the receiver got.
func deliverAll(t *testing.T, a *app) []mail.Caught {
	t.Helper()
	catcher, err := mail.StartCatcher("127.0.0.1:0", 100, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer catcher.Close()
	sender, err := mail.NewSender(mail.SMTPConfig{Host: "127.0.0.1", Port: catcher.Addr().Port, TLS: mail.TLSNone, From: "Quartier <no-reply@commune.lu>"})
	if err != nil {
		t.Fatal(err)
	}
	queued, err := a.store.ClaimDueMail(ctx, 100, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range queued {
		if err := sender.Send(ctx, m.Mail); err != nil {
			t.Fatal(err)
		}
		if err := a.store.MailSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	return catcher.Messages()
}

func recipientsOf(caught []mail.Caught) []string {
	var out []string
	for _, m := range caught {
		out = append(out, m.To...)
	}
	return out
}

func TestNewsletterSubscribeSendOnceAndUnsubscribeInOneClick(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	for _, e := range []string{"lea@example.lu", "tom@example.lu", "eve@example.lu"} {
		a.account(e, core.RoleCitizen)
	}
	for _, e := range []string{"lea@example.lu", "eve@example.lu"} { // tom does not subscribe
		b := a.browser()
		b.login(e)
		b.get("/account")
		if r := b.post("/account/subscriptions", url.Values{"newsletter": {"on"}, "invitations": {"on"}}); r.status != http.StatusSeeOther {
			t.Fatalf("subscribe: %d", r.status)
		}
		b.get("/account").contains(t, `id="sub-newsletter" name="newsletter" checked`)
	}
	deliverAll(t, a) // sign-up noise, if any

	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff/newsletters")
	r := staff.post("/staff/newsletters", url.Values{"subject": {"X"}, "body": {"court"}, "target_id": {"0"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad newsletter: %d", r.status)
	}
	r.contains(t, "Donnez un objet de 3 à 200 caractères", "Écrivez un texte de 10 à 20 000 caractères")
	r = staff.post("/staff/newsletters", url.Values{"subject": {"Travaux rue de Warken"}, "body": {"Les travaux commencent lundi.\n\nMerci de votre patience."}, "target_id": {"0"}})
	draft := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !idInLocation.MatchString(draft) {
		t.Fatalf("save draft: %d", r.status)
	}
	page := staff.get(draft)
	page.contains(t, "partirait maintenant vers 2 abonnés", "Les travaux commencent lundi.", "/unsubscribe?t=")
	// Drafts are not in the public archive.
	if strings.Contains(a.browser().get("/newsletters").body, "Travaux rue de Warken") {
		t.Fatal("a draft is public")
	}
	staff.post(draft+"/test", nil)
	test := deliverAll(t, a)
	if got := recipientsOf(test); len(got) != 1 || got[0] != "manager@commune.lu" || !strings.HasPrefix(test[0].Subject, "[TEST] ") {
		t.Fatalf("test send: %v", got)
	}

	staff.get(draft)
	if r := staff.post(draft+"/send", nil); r.status != http.StatusSeeOther {
		t.Fatalf("send: %d", r.status)
	}
	staff.get(draft)
	if r := staff.post(draft+"/send", nil); r.status != http.StatusConflict { // a double click sends nothing more
		t.Fatalf("second send: %d", r.status)
	}
	sent := deliverAll(t, a)
	got := recipientsOf(sent)
	if len(got) != 2 || strings.Contains(strings.Join(got, " "), "tom@") {
		t.Fatalf("sent to %v", got)
	}
	var lea mail.Caught
	for _, m := range sent {
		if m.To[0] == "lea@example.lu" {
			lea = m
		}
	}
	unsub := strings.Trim(lea.Header.Get("List-Unsubscribe"), "<>")
	if lea.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(lea.Body, unsub) {
		t.Fatalf("unsubscribe headers: %q / %q\n%s", unsub, lea.Header.Get("List-Unsubscribe-Post"), lea.Body)
	}
	a.browser().get("/newsletters").contains(t, "Travaux rue de Warken")
	a.browser().get("/newsletters/"+idInLocation.FindStringSubmatch(draft)[1]).contains(t, "Merci de votre patience.")

	// The link opens a page that changes nothing by itself (mail scanners follow links).
	u, _ := url.Parse(unsub)
	a.browser().get(u.RequestURI()).contains(t, "Ne plus recevoir la lettre")
	if sub, _ := a.store.Subscriptions(ctx, mustAccount(t, a, "lea@example.lu")); !sub.Newsletter {
		t.Fatal("a GET unsubscribed")
	}
	// A tampered token is refused.
	if r := a.browser().get(strings.Replace(u.RequestURI(), "newsletter", "invitations", 1)); r.status != http.StatusNotFound {
		t.Fatalf("tampered token: %d", r.status)
	}
	// RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL, with no cookie and no CSRF token.
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+u.RequestURI(), strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %v %v", res, err)
	}
	res.Body.Close()
	if sub, _ := a.store.Subscriptions(ctx, mustAccount(t, a, "lea@example.lu")); sub.Newsletter || !sub.Invitations {
		t.Fatalf("after one-click: %+v", sub)
	}
}

func mustAccount(t *testing.T, a *app, email string) int64 {
	t.Helper()
	p, _, err := a.store.Credentials(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func TestInvitationsGoOnceToResidentsOfTheTarget(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	a.account("manager@commune.lu", core.RoleManager)
	for _, e := range []string{"lea@example.lu", "tom@example.lu", "eve@example.lu"} {
		a.account(e, core.RoleCitizen)
	}
	staff := a.browser()
	staff.login("manager@commune.lu")
	builder := createConsultation(t, staff, url.Values{"eligibility": {"registered"}, "target_id": {warkenTarget(staff)}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"yesno"}, "q_prompt": {"Élargir le trottoir ?"}})
	staff.get(builder)
	staff.post(builder+"/publish", url.Values{"action": {"publish"}})

	// Eve and Tom live at 101 and 103 rue de Warken (in the target); Tom accepts no
	// invitations; Léa lives at number 2 (outside).
	home := func(email, q string) {
		found, err := a.store.SearchAddresses(ctx, q, 1)
		if err != nil || len(found) == 0 {
			t.Fatalf("address %q: %v", q, err)
		}
		if err := a.store.SetHomeAddress(ctx, mustAccount(t, a, email), found[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	home("eve@example.lu", "101 rue de warken")
	home("tom@example.lu", "103 rue de warken")
	home("lea@example.lu", "2 rue de warken")
	tom := a.browser()
	tom.login("tom@example.lu")
	tom.get("/account")
	tom.post("/account/subscriptions", url.Values{})
	deliverAll(t, a)

	staff.get(builder).contains(t, "1 résident avec un compte habite la cible", "0 déjà invité")
	if r := staff.post(builder+"/invite", nil); r.status != http.StatusSeeOther {
		t.Fatalf("invite: %d", r.status)
	}
	caught := deliverAll(t, a)
	if got := recipientsOf(caught); len(got) != 1 || got[0] != "eve@example.lu" {
		t.Fatalf("invited %v", got)
	}
	if !strings.Contains(caught[0].Body, "/consultations/") || caught[0].Header.Get("List-Unsubscribe") == "" || !strings.Contains(caught[0].Subject, "Place du marché") {
		t.Fatalf("invitation:\n%s", caught[0].Body)
	}
	staff.get(builder)
	staff.post(builder+"/invite", nil)
	if again := deliverAll(t, a); len(again) != 0 {
		t.Fatalf("invited twice: %v", recipientsOf(again))
	}
	staff.get(builder).contains(t, "1 déjà invité")
}

func TestStaffRegisterWebhooksAndSeeTheSecretOnce(t *testing.T) {
	a := newApp(t, nil, func(d *web.Deps) { d.WebhookSecret = func(b []byte) string { return fmt.Sprintf("whsec_%x", b[:4]) } })
	a.account("manager@commune.lu", core.RoleManager)
	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff/webhooks")
	r := staff.post("/staff/webhooks", url.Values{"url": {"ftp://intranet"}, "kinds": {"idea.created"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad URL: %d", r.status)
	}
	r.contains(t, "Donnez une adresse http(s)")
	r = staff.post("/staff/webhooks", url.Values{"url": {"https://site.commune.lu/hooks/quartier"}, "kinds": {"idea.created", "project.published"}})
	if r.status != http.StatusCreated || !strings.Contains(r.body, `id="new-secret" class="token" readonly value="whsec_`) {
		t.Fatalf("create: %d\n%.2000s", r.status, r.body)
	}
	page := staff.get("/staff/webhooks")
	page.contains(t, "https://site.commune.lu/hooks/quartier", "idea.created project.published")
	if strings.Contains(page.body, "whsec_") {
		t.Fatal("the secret is shown again")
	}
	if r := a.browser().get("/staff/webhooks"); r.status != http.StatusSeeOther && r.status != http.StatusForbidden && r.status != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", r.status)
	}
}

// A newsletter written in French with a German translation reaches each
// subscriber in their language, and the archive shows each visitor theirs.
func TestNewsletterTranslations(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	for _, who := range []struct{ email, lang string }{{"lea@example.lu", "fr"}, {"jonas@example.lu", "de"}} {
		b := a.signedIn(who.email, core.RoleCitizen)
		b.get("/account")
		b.post("/language", url.Values{"lang": {who.lang}, "next": {"/account"}})
		b.get("/account")
		if r := b.post("/account/subscriptions", url.Values{"newsletter": {"on"}}); r.status != http.StatusSeeOther {
			t.Fatalf("subscribe: %d", r.status)
		}
	}
	deliverAll(t, a)
	staff.get("/staff/newsletters")
	form := url.Values{"subject": {"Travaux rue de Warken"}, "body": {"Les travaux commencent lundi."}, "target_id": {"0"}, "language": {"fr"},
		"subject_de": {"Bauarbeiten"}, "body_de": {"Kurz."}}
	if r := staff.post("/staff/newsletters", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Écrivez un texte de 10 à 20") ||
		!strings.Contains(r.body, `value="Bauarbeiten"`) {
		t.Fatalf("a translation with too short a text: %d", r.status)
	}
	form.Set("body_de", "Die Bauarbeiten beginnen am Montag.")
	draft := staff.post("/staff/newsletters", form).header.Get("Location")
	if !idInLocation.MatchString(draft) {
		t.Fatalf("save: %q", draft)
	}
	staff.get(draft).contains(t, `id="subject_de" name="subject_de" type="text" maxlength="200" lang="de" value="Bauarbeiten"`)
	if r := staff.post(draft+"/send", nil); r.status != http.StatusSeeOther {
		t.Fatalf("send: %d", r.status)
	}
	got := map[string]string{}
	for _, m := range deliverAll(t, a) {
		got[m.To[0]] = m.Subject + "\n" + m.Body
	}
	if !strings.HasPrefix(got["jonas@example.lu"], "Bauarbeiten\n") || !strings.Contains(got["jonas@example.lu"], "Die Bauarbeiten beginnen am Montag.") {
		t.Errorf("the German subscriber got:\n%s", got["jonas@example.lu"])
	}
	if !strings.HasPrefix(got["lea@example.lu"], "Travaux rue de Warken\n") {
		t.Errorf("the French subscriber got:\n%s", got["lea@example.lu"])
	}
	id := idInLocation.FindStringSubmatch(draft)[1]
	de := a.browser()
	de.header.Set("Accept-Language", "de")
	de.get("/newsletters/"+id).contains(t, `<h1 lang="de">Bauarbeiten</h1>`)
	de.get("/newsletters").contains(t, `<h2 lang="de"><a href="/newsletters/`+id+`">Bauarbeiten</a></h2>`)
	a.browser().get("/newsletters/"+id).contains(t, `<h1 lang="fr">Travaux rue de Warken</h1>`)
}
