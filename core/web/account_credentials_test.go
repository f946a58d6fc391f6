package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// sentMails takes the queued mails as "recipient: subject", sorted, and
// their bodies by recipient.
func (a *app) sentMails() ([]string, map[string]string) {
	a.t.Helper()
	mails, err := a.store.ClaimDueMail(ctx, 50, time.Hour)
	if err != nil {
		a.t.Fatal(err)
	}
	var out []string
	bodies := map[string]string{}
	for _, m := range mails {
		out = append(out, m.Mail.To+": "+m.Mail.Subject)
		bodies[m.Mail.To] = m.Mail.Body
	}
	sort.Strings(out)
	return out, bodies
}

// A person changes their password from their account: the current one is
// asked (a wrong one, or a short new one, changes nothing), their other
// sessions end, this one stays, and they are told by e-mail.
func TestChangePassword(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	elsewhere := a.browser()
	elsewhere.login("lea@example.lu")
	token := a.apiToken("lea@example.lu") // made by whoever knew the old password, maybe
	a.sentMails()

	lea.get("/account").contains(t, `href="/account/password"`, `href="/account/email"`)
	lea.get("/account/password").contains(t, "Changer mon mot de passe", `id="current_password"`)
	if r := lea.post("/account/password", url.Values{"current_password": {"not my password"}, "password": {"a brand new secret"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "Ce mot de passe n&#39;est pas le bon.") {
		t.Fatalf("a wrong current password: %d\n%s", r.status, r.body)
	}
	if r := lea.post("/account/password", url.Values{"current_password": {"correct horse battery"}, "password": {"short"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a short new password: %d", r.status)
	}
	if got, _ := a.sentMails(); len(got) != 0 {
		t.Fatalf("refused changes sent mail: %q", got)
	}
	r := lea.post("/account/password", url.Values{"current_password": {"correct horse battery"}, "password": {"a brand new secret"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account" {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if r := lea.get("/account"); r.status != http.StatusOK {
		t.Fatalf("the session that changed it ended: %d", r.status)
	}
	if r := elsewhere.get("/account"); r.status != http.StatusSeeOther {
		t.Fatalf("the other session survived: %d", r.status)
	}
	if got, _ := a.sentMails(); len(got) != 1 || got[0] != "lea@example.lu: Votre mot de passe a été changé – Quartier" {
		t.Fatalf("mails: %q", got)
	}
	if r := a.apiCall("GET", "/api/v1/me/export", token, "", ""); r.status != http.StatusUnauthorized {
		t.Fatalf("an API token outlived the password: %d", r.status)
	}
	b := a.browser()
	b.get("/login")
	if r := b.post("/login", url.Values{"email": {"lea@example.lu"}, "password": {"correct horse battery"}}); r.status == http.StatusSeeOther {
		t.Fatal("the old password still signs in")
	}
	if r := b.post("/login", url.Values{"email": {"lea@example.lu"}, "password": {"a brand new secret"}}); r.status != http.StatusSeeOther {
		t.Fatalf("the new password does not sign in: %d", r.status)
	}
}

// A person moves their account to another address: a link goes to the new
// address, and only following it (a button, not the link alone) changes
// anything; the old address is told. An address another account has gets
// the same answer on the page, and its owner a warning instead of a link.
func TestChangeEmail(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	a.account("tom@example.lu", core.RoleCitizen)
	a.sentMails()
	proof := "correct horse battery"

	for _, c := range []struct{ email, password, want string }{
		{"lea@example.lu", proof, "C&#39;est déjà votre adresse."},
		{"not an address", proof, `id="email-error"`},
		{"lea@new.example.lu", "wrong", "Ce mot de passe n&#39;est pas le bon."},
	} {
		lea.get("/account/email")
		if r := lea.post("/account/email", url.Values{"email": {c.email}, "current_password": {c.password}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, c.want) {
			t.Errorf("%s with %q: %d, want %q", c.email, c.password, r.status, c.want)
		}
	}
	taken := lea.post("/account/email", url.Values{"email": {"Tom@Example.lu"}, "current_password": {proof}})
	if taken.status != http.StatusOK || !strings.Contains(taken.body, "Nous avons envoyé un message à tom@example.lu") {
		t.Fatalf("a taken address: %d\n%s", taken.status, taken.body)
	}
	if got, bodies := a.sentMails(); len(got) != 1 || got[0] != "tom@example.lu: Quelqu'un a voulu utiliser votre adresse – Quartier" || strings.Contains(bodies["tom@example.lu"], "/email/confirm") {
		t.Fatalf("mails for a taken address: %q", got)
	}

	lea.get("/account/email")
	r := lea.post("/account/email", url.Values{"email": {"lea@new.example.lu"}, "current_password": {proof}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "Nous avons envoyé un message à lea@new.example.lu") || !strings.Contains(r.body, "votre adresse reste lea@example.lu") {
		t.Fatalf("request: %d\n%s", r.status, r.body)
	}
	got, bodies := a.sentMails()
	if len(got) != 1 || got[0] != "lea@new.example.lu: Confirmez votre nouvelle adresse e-mail – Quartier" {
		t.Fatalf("mails: %q", got)
	}
	link := regexp.MustCompile(`http://localhost(/email/confirm\?token=\S+)`).FindStringSubmatch(bodies["lea@new.example.lu"])
	if link == nil {
		t.Fatalf("no link in: %s", bodies["lea@new.example.lu"])
	}
	visitor := a.browser() // the link is often opened on another device
	page := visitor.get(link[1])
	if page.status != http.StatusOK || !strings.Contains(page.body, "Confirmer la nouvelle adresse") {
		t.Fatalf("confirm page: %d", page.status)
	}
	if p, _ := a.store.Participant(ctx, 1); p.Email != "lea@example.lu" {
		t.Fatalf("opening the link changed the address: %s", p.Email)
	}
	token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(page.body)[1]
	if r := visitor.post("/email/confirm", url.Values{"token": {token}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	if p, _ := a.store.Participant(ctx, 1); p.Email != "lea@new.example.lu" || !p.Verified() {
		t.Fatalf("after confirming: %+v", p)
	}
	if got, _ := a.sentMails(); len(got) != 1 || got[0] != "lea@example.lu: Votre adresse e-mail a été changée – Quartier" {
		t.Fatalf("the old address is not told: %q", got)
	}
	if r := visitor.post("/email/confirm", url.Values{"token": {token}}); r.status != http.StatusConflict {
		t.Fatalf("a used link: %d", r.status)
	}
	b := a.browser()
	b.login("lea@new.example.lu")
}

// An account without a password (it signs in through a provider) proves who
// it is by a recent sign-in: it may set a password or delete itself then,
// not with a session opened long ago.
func TestAccountWithoutPasswordProvesItselfBySigningIn(t *testing.T) {
	a := newApp(t, nil)
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	if _, err := a.store.Pool().Exec(ctx, `UPDATE participant SET password_hash = NULL WHERE email = 'lea@example.lu'`); err != nil {
		t.Fatal(err)
	}
	lea.get("/account/password").contains(t, "Choisir un mot de passe", "vous vous êtes connecté il y a moins de 15 minutes")
	if _, err := a.store.Pool().Exec(ctx, `UPDATE web_session SET created_at = created_at - interval '1 hour'`); err != nil {
		t.Fatal(err)
	}
	page := lea.get("/account/delete")
	page.contains(t, "déconnectez-vous, reconnectez-vous")
	if strings.Contains(page.body, `name="password"`) {
		t.Error("the deletion form asks for a password the account does not have")
	}
	if r := lea.post("/account/delete", url.Values{"remove_content": {"no"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("deleting with an old session: %d", r.status)
	}
	if r := lea.post("/account/password", url.Values{"password": {"a brand new secret"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("setting a password with an old session: %d", r.status)
	}
	if _, err := a.store.Pool().Exec(ctx, `UPDATE web_session SET created_at = now()`); err != nil {
		t.Fatal(err)
	}
	lea.get("/account/password")
	if r := lea.post("/account/password", url.Values{"password": {"a brand new secret"}}); r.status != http.StatusSeeOther {
		t.Fatalf("setting a password after signing in: %d %s", r.status, r.body)
	}
	if _, err := a.store.Pool().Exec(ctx, `UPDATE participant SET password_hash = NULL WHERE email = 'lea@example.lu'`); err != nil {
		t.Fatal(err)
	}
	// Without an address, a password would open nothing: the page asks for one first.
	if _, err := a.store.Pool().Exec(ctx, `UPDATE participant SET email = NULL, member = true WHERE email = 'lea@example.lu'`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // the session cache's moment
	lea.get("/account/password").contains(t, "donnez d&#39;abord une adresse à votre compte", `href="/account/email"`)
	if r := lea.post("/account/password", url.Values{"password": {"another brand new secret"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a password for an account without an address: %d", r.status)
	}
	lea.get("/account/delete")
	if r := lea.post("/account/delete", url.Values{"remove_content": {"no"}}); r.status != http.StatusSeeOther {
		t.Fatalf("deleting after signing in: %d %s", r.status, r.body)
	}
	if p, _ := a.store.Participant(ctx, 1); !p.Deleted() {
		t.Fatal("the account is still there")
	}
}
