package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/web"
)

func TestCSRFIsRequiredOnEveryForm(t *testing.T) {
	a := newApp(t, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	b := a.browser()
	b.get("/login")
	tests := []struct {
		name, token string
		want        string
	}{
		{"missing", "", "n'a pas pu être vérifié"},
		{"forged", "1700000000.AAAA", "n'a pas pu être vérifié"},
	}
	for _, tt := range tests {
		r := b.post("/login", url.Values{"csrf_token": {tt.token}, "email": {"lea@example.lu"}, "password": {"correct horse battery"}})
		if r.status != http.StatusForbidden {
			t.Errorf("%s token: status %d, want 403", tt.name, r.status)
		}
		r.contains(t, tt.want)
		if r.header.Get("Set-Cookie") != "" && strings.Contains(r.header.Get("Set-Cookie"), "quartier_session=") {
			t.Errorf("%s token: a session was started", tt.name)
		}
	}
	// A token from another browser (another CSRF cookie) is refused too.
	other := a.browser()
	other.get("/login")
	r := b.post("/login", url.Values{"csrf_token": {other.csrf}, "email": {"lea@example.lu"}, "password": {"correct horse battery"}})
	if r.status != http.StatusForbidden {
		t.Errorf("token of another browser: status %d", r.status)
	}
	if r := b.post("/login", url.Values{"email": {"lea@example.lu"}, "password": {"correct horse battery"}}); r.status != http.StatusSeeOther {
		t.Errorf("valid token: status %d", r.status)
	}
}

func TestCSRFTokenExpires(t *testing.T) {
	now := time.Now()
	a := newApp(t, nil, func(d *web.Deps) { d.Now = func() time.Time { return now } })
	b := a.browser()
	b.get("/register")
	now = now.Add(13 * time.Hour)
	r := b.post("/register", url.Values{"email": {"x@example.lu"}, "display_name": {"X"}, "password": {"correct horse battery"}})
	if r.status != http.StatusForbidden {
		t.Fatalf("form submitted 13 h after display: status %d", r.status)
	}
	r.contains(t, "Ce formulaire a expiré")
	if n, _ := a.store.CountParticipants(ctx); n.Total != 0 {
		t.Fatalf("expired form created %d accounts", n.Total)
	}
}

func TestRegistrationDoesNotRevealAccounts(t *testing.T) {
	a := newApp(t, nil)
	a.account("known@example.lu", core.RoleCitizen)
	b := a.browser()
	page := func(email string) string {
		b.get("/register")
		r := b.post("/register", url.Values{"email": {email}, "display_name": {"Léa"}, "password": {"correct horse battery"}})
		if r.status != http.StatusOK {
			t.Fatalf("register %s: status %d", email, r.status)
		}
		return regexp.MustCompile(`name="csrf_token" value="[^"]+"`).ReplaceAllString(r.body, "")
	}
	if page("known@example.lu") != page("new@example.lu") {
		t.Fatal("the answer to a sign-up differs for a registered address")
	}
	b.get("/password/forgot")
	known := b.post("/password/forgot", url.Values{"email": {"known@example.lu"}})
	b.get("/password/forgot")
	unknown := b.post("/password/forgot", url.Values{"email": {"nobody@example.lu"}})
	if known.status != unknown.status || csrfField.ReplaceAllString(known.body, "") != csrfField.ReplaceAllString(unknown.body, "") {
		t.Fatal("password reset answer differs for a registered address")
	}
	// Login: unknown address and wrong password give the same message.
	b.get("/login")
	r1 := b.post("/login", url.Values{"email": {"nobody@example.lu"}, "password": {"whatever password"}})
	b.get("/login")
	r2 := b.post("/login", url.Values{"email": {"known@example.lu"}, "password": {"wrong password!"}})
	if r1.status != http.StatusUnprocessableEntity || r2.status != r1.status {
		t.Fatalf("failed logins: %d and %d", r1.status, r2.status)
	}
	r1.contains(t, "Adresse e-mail ou mot de passe incorrect")
	r2.contains(t, "Adresse e-mail ou mot de passe incorrect")
}

func TestRegistrationFormShowsProblemsAndKeepsInput(t *testing.T) {
	a := newApp(t, nil)
	b := a.browser()
	b.header.Set("Accept-Language", "de-LU,de;q=0.9,en;q=0.5")
	b.get("/register")
	r := b.post("/register", url.Values{"email": {"lea@"}, "display_name": {"Léa <b>"}, "password": {"short"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", r.status)
	}
	r.contains(t, `lang="de"`, "Geben Sie eine gültige E-Mail-Adresse an", "mindestens 10 Zeichen",
		`value="Léa &lt;b&gt;"`, `aria-invalid="true"`, `href="#email"`)
	if strings.Contains(r.body, "short") {
		t.Error("the password was echoed back")
	}
	if n, _ := a.store.CountParticipants(ctx); n.Total != 0 {
		t.Fatal("an invalid registration was stored")
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	a := newApp(t, func(c *web.Config) {
		c.Limits.LoginPerAccount = web.Limit{Max: 3, Window: time.Hour}
	})
	a.account("lea@example.lu", core.RoleCitizen)
	b := a.browser()
	for i := 0; i < 3; i++ {
		b.get("/login")
		if r := b.post("/login", url.Values{"email": {"lea@example.lu"}, "password": {"wrong password " + string(rune('a'+i))}}); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: status %d", i+1, r.status)
		}
	}
	b.get("/login")
	r := b.post("/login", url.Values{"email": {"LEA@example.lu "}, "password": {"correct horse battery"}})
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("4th attempt: status %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	r.contains(t, "Trop de tentatives")
}

func TestConfirmLoginLogoutAndReusedLink(t *testing.T) {
	a := newApp(t, nil)
	b := a.browser()
	b.get("/register")
	b.post("/register", url.Values{"email": {"lea@example.lu"}, "display_name": {"Léa"}, "password": {"correct horse battery"}})
	mails, err := a.store.ClaimDueMail(ctx, 5, time.Minute)
	if err != nil || len(mails) != 1 {
		t.Fatalf("queued mail: %v, %v", mails, err)
	}
	link := regexp.MustCompile(`http://localhost(/confirm\?token=\S+)`).FindStringSubmatch(mails[0].Mail.Body)
	if link == nil {
		t.Fatalf("no confirmation link in %q", mails[0].Mail.Body)
	}
	// Not confirmed yet: login refused with a way to get a new link.
	b.get("/login")
	r := b.post("/login", url.Values{"email": {"lea@example.lu"}, "password": {"correct horse battery"}})
	r.contains(t, "Confirmez d'abord votre adresse", `href="/confirm/resend"`)

	r = b.get(link[1])
	token := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || token == nil {
		t.Fatalf("confirm page: %d", r.status)
	}
	if r := b.post("/confirm", url.Values{"token": {token[1]}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("confirm: %d %s", r.status, r.header.Get("Location"))
	}
	r = b.get(link[1])
	if r.status != http.StatusConflict {
		t.Fatalf("reused link: status %d", r.status)
	}
	r.contains(t, "Ce lien a déjà été utilisé")

	b.login("lea@example.lu")
	r = b.get("/account")
	r.contains(t, "lea@example.lu")
	b.post("/logout", nil)
	if r := b.get("/account"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
		t.Fatalf("account after logout: %d %s", r.status, r.header.Get("Location"))
	}
}

func TestLoginRedirectStaysOnSite(t *testing.T) {
	a := newApp(t, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	for next, want := range map[string]string{"/account": "/account", "//evil.example/x": "/", "https://evil.example": "/", "/\\evil": "/"} {
		b := a.browser()
		b.get("/login")
		r := b.post("/login", url.Values{"email": {"lea@example.lu"}, "password": {"correct horse battery"}, "next": {next}})
		if got := r.header.Get("Location"); got != want {
			t.Errorf("next=%q redirects to %q, want %q", next, got, want)
		}
	}
}

func TestSessionCookieIsHardened(t *testing.T) {
	a := newApp(t, func(c *web.Config) { c.PublicURL, _ = url.Parse("https://participer.example.lu") })
	a.account("lea@example.lu", core.RoleCitizen)
	b := a.browser()
	b.get("/login")
	r := b.post("/login", url.Values{"email": {"lea@example.lu"}, "password": {"correct horse battery"}})
	var session *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "quartier_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", session)
	}
	if r.header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS behind https")
	}
}

// A reset ends every session and API token of the account, and its link
// works once.
func TestPasswordResetEndsOtherSessions(t *testing.T) {
	a := newApp(t, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	laptop := a.browser()
	laptop.login("lea@example.lu")
	token := a.apiToken("lea@example.lu")
	phone := a.browser()
	phone.get("/password/forgot")
	phone.post("/password/forgot", url.Values{"email": {"lea@example.lu"}})
	mails, _ := a.store.ClaimDueMail(ctx, 5, time.Minute)
	if len(mails) != 1 {
		t.Fatalf("%d mails queued", len(mails))
	}
	path := regexp.MustCompile(`http://localhost(/password/reset\?token=\S+)`).FindStringSubmatch(mails[0].Mail.Body)[1]
	phone.get(path)
	if r := phone.post("/password/reset", url.Values{"token": {strings.TrimPrefix(path, "/password/reset?token=")}, "password": {"short"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("short new password: %d", r.status)
	}
	if r := phone.post("/password/reset", url.Values{"token": {strings.TrimPrefix(path, "/password/reset?token=")}, "password": {"a brand new password"}}); r.status != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.status)
	}
	if r := laptop.get("/account"); r.status != http.StatusSeeOther {
		t.Fatalf("other session still open after reset: %d", r.status)
	}
	if r := a.apiCall("GET", "/api/v1/me/export", token, "", ""); r.status != http.StatusUnauthorized {
		t.Fatalf("an API token outlived the reset: %d", r.status)
	}
	if r := phone.get(path); r.status != http.StatusConflict {
		t.Fatalf("reset link reused: %d", r.status)
	}
	_, hash, _ := a.store.Credentials(ctx, "lea@example.lu")
	if !core.VerifyPassword(hash, "a brand new password") {
		t.Fatal("new password not stored")
	}
}

// Sessions are cached for a moment, but never past their end here, and never
// for staff: a logout, a login and a role change apply to the very next request.
func TestSessionCacheEndsWithTheSession(t *testing.T) {
	a := newApp(t, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	manager := a.account("manager@commune.lu", core.RoleManager)
	lea := a.browser()
	lea.login("lea@example.lu")
	if r := lea.get("/account"); r.status != http.StatusOK {
		t.Fatalf("account page: %d", r.status)
	}
	u, _ := url.Parse(a.srv.URL)
	oldCookies := lea.c.Jar.Cookies(u)
	lea.post("/logout", nil)
	replay := a.browser()
	replay.c.Jar.SetCookies(u, oldCookies)
	if r := replay.get("/account"); r.status != http.StatusSeeOther {
		t.Fatalf("the logged-out session still works: %d", r.status)
	}

	staff := a.browser()
	staff.login("manager@commune.lu")
	if r := staff.get("/staff"); r.status != http.StatusOK {
		t.Fatalf("staff page: %d", r.status)
	}
	if _, err := a.store.SetRole(ctx, 0, manager.ID, core.RoleCitizen); err != nil {
		t.Fatal(err)
	}
	if r := staff.get("/staff"); r.status != http.StatusForbidden {
		t.Fatalf("a demoted manager still reaches the staff pages: %d", r.status)
	}
}
