package web_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
	"quartier/core/web"
)

var ctx = context.Background()

// app is a real web server on a real, fresh database.
type app struct {
	t     testing.TB
	store *postgres.Store
	web   *web.Server
	srv   *httptest.Server
}

type webConfig = web.Config

func testConfig() web.Config {
	u, _ := url.Parse("http://localhost")
	lim := web.Limit{Max: 1000, Window: time.Minute}
	return web.Config{
		Env: web.EnvProduction, PublicURL: u, MaxBodyBytes: 64 << 10, MaxUploadBytes: 16 << 20,
		SessionTTL: time.Hour, ConfirmLinkTTL: time.Hour, ResetLinkTTL: time.Hour,
		Limits: web.RateLimits{LoginPerIP: lim, LoginPerAccount: lim, SignupPerIP: lim, MailPerAddress: lim, ResetPerIP: lim, APIWritePerUser: lim, FlagsPerUser: lim, CodesPerAccount: lim, CodesPerIP: lim},
	}
}

// newApp starts a server; edit changes its config, deps its dependencies.
func newApp(t testing.TB, edit func(*web.Config), deps ...func(*web.Deps)) *app {
	t.Helper()
	cfg := testConfig()
	if edit != nil {
		edit(&cfg)
	}
	store := pgtest.Store(t)
	d := web.Deps{Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, f := range deps {
		f(&d)
	}
	w, err := web.New(ctx, cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return &app{t: t, store: store, web: w, srv: srv}
}

// account creates a confirmed account with password "correct horse battery".
func (a *app) account(email string, role core.Role) core.Participant {
	a.t.Helper()
	hash, _ := core.HashPassword("correct horse battery")
	p, err := a.store.CreateAccount(ctx, postgres.NewAccount{Email: email, DisplayName: "Léa " + string(role), PasswordHash: hash, Role: role, Locale: core.French})
	if err != nil {
		a.t.Fatal(err)
	}
	return p
}

// signedIn creates a confirmed account with role and returns a browser
// signed in to it.
func (a *app) signedIn(email string, role core.Role) *browser {
	a.t.Helper()
	a.account(email, role)
	b := a.browser()
	b.login(email)
	return b
}

// propose proposes an idea from the form (title, body and any other field)
// and returns its page's path ("/ideas/3").
func (b *browser) propose(form url.Values) string {
	b.a.t.Helper()
	b.get("/ideas/new")
	r := b.post("/ideas", form)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/ideas/") {
		b.a.t.Fatalf("propose %q: %d\n%s", form.Get("title"), r.status, r.body)
	}
	return r.header.Get("Location")
}

// browser is a client with cookies that remembers the last CSRF token it saw.
type browser struct {
	a      *app
	c      *http.Client
	csrf   string
	header http.Header
}

func (a *app) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{a: a, header: http.Header{}, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	status int
	body   string
	header http.Header
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) do(req *http.Request) response {
	b.a.t.Helper()
	for k, v := range b.header {
		req.Header[k] = v
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.a.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = html.UnescapeString(string(m[1]))
	}
	return response{status: res.StatusCode, body: string(body), header: res.Header}
}

func (b *browser) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, b.a.srv.URL+path, nil)
	return b.do(req)
}

// post submits a form with the last CSRF token seen (unless the form sets its own).
func (b *browser) post(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.a.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login signs in through the login form and fails the test if that does not work.
func (b *browser) login(email string) {
	b.a.t.Helper()
	b.get("/login")
	r := b.post("/login", url.Values{"email": {email}, "password": {"correct horse battery"}})
	if r.status != http.StatusSeeOther {
		b.a.t.Fatalf("login as %s: status %d\n%s", email, r.status, r.body)
	}
}

func (r response) contains(t testing.TB, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) && !strings.Contains(html.UnescapeString(r.body), p) {
			t.Errorf("response (status %d) lacks %q", r.status, p)
		}
	}
}

// resident creates a confirmed citizen whose home is the register's first
// match for address, and returns their browser, logged in.
func (a *app) resident(email, address string) *browser {
	a.t.Helper()
	p := a.account(email, core.RoleCitizen)
	found, err := a.store.SearchAddresses(ctx, address, 1)
	if err != nil || len(found) == 0 {
		a.t.Fatalf("address %q: %v", address, err)
	}
	if err := a.store.SetHomeAddress(ctx, p.ID, found[0].ID); err != nil {
		a.t.Fatal(err)
	}
	b := a.browser()
	b.login(email)
	return b
}

// communeDay is t's date as the pages write it: in the commune's time zone,
// which is a day ahead of UTC late in the evening.
func communeDay(t time.Time) string {
	z, err := time.LoadLocation("Europe/Luxembourg")
	if err != nil {
		panic(err)
	}
	return t.In(z).Format("02.01.2006")
}
