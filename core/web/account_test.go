package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

func TestLanguageSwitchIsRemembered(t *testing.T) {
	a := newApp(t, nil)
	p := a.account("lea@example.lu", core.RoleCitizen)
	b := a.browser()
	r := b.get("/")
	r.contains(t, `<html lang="fr">`, "Votre quartier, votre voix")
	for lang, heading := range map[string]string{"de": "Ihr Viertel, Ihre Stimme", "lb": "Äert Quartier, Är Stëmm", "en": "Your neighbourhood, your voice"} {
		r := b.post("/language", url.Values{"lang": {lang}, "next": {"/login"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
			t.Fatalf("switch to %s: %d %s", lang, r.status, r.header.Get("Location"))
		}
		r = b.get("/")
		r.contains(t, `<html lang="`+lang+`">`, heading)
	}
	// A one-time message survives a background error (a missing icon, say) and
	// shows on the next page.
	b.post("/language", url.Values{"lang": {"fr"}, "next": {"/"}})
	b.login("lea@example.lu")
	b.get("/")
	b.post("/logout", nil)
	b.get("/apple-touch-icon.png")
	b.get("/").contains(t, "Vous êtes déconnecté·e.")
	if r := b.post("/language", url.Values{"lang": {"nl"}}); r.status != http.StatusBadRequest {
		t.Fatalf("unknown language: %d", r.status)
	}
	// Signed in, the switch also sets the account's language (used for e-mails).
	b.login("lea@example.lu")
	b.get("/")
	b.post("/language", url.Values{"lang": {"de"}, "next": {"/"}})
	got, _ := a.store.Participant(ctx, p.ID)
	if got.Locale != core.German {
		t.Fatalf("account language %s after switch", got.Locale)
	}
	// A new browser without a choice gets the account's language after login.
	fresh := a.browser()
	fresh.login("lea@example.lu")
	fresh.get("/").contains(t, `<html lang="de">`)
}

func TestExportAndDeleteAccount(t *testing.T) {
	a := newApp(t, nil)
	p := a.account("lea@example.lu", core.RoleCitizen)
	b := a.browser()
	b.login("lea@example.lu")
	b.get("/account")
	b.post("/account/profile", url.Values{"display_name": {"Léa M."}, "locale": {"en"}})
	r := b.get("/account/export")
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", r.status, r.header)
	}
	var export struct {
		Format  string `json:"format"`
		Account struct {
			Email, DisplayName string
		} `json:"account"`
		Sessions []any `json:"sessions"`
		Activity []struct {
			Kind string `json:"kind"`
		} `json:"activity"`
	}
	if err := json.Unmarshal([]byte(r.body), &export); err != nil {
		t.Fatal(err)
	}
	if export.Format != "quartier-personal-data/1" || export.Account.Email != "lea@example.lu" || len(export.Sessions) != 1 ||
		len(export.Activity) != 1 || export.Activity[0].Kind != core.EventUpdated {
		t.Fatalf("export %+v", export)
	}

	b.get("/account/delete")
	r = b.post("/account/delete", url.Values{"password": {"wrong password"}, "remove_content": {"yes"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("delete with wrong password: %d", r.status)
	}
	r.contains(t, "That password is not correct", `id="remove" name="remove_content" value="yes" checked`)
	r = b.post("/account/delete", url.Values{"password": {"correct horse battery"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	got, _ := a.store.Participant(ctx, p.ID)
	if !got.Deleted() {
		t.Fatal("account not deleted")
	}
	if r := b.get("/account"); r.status != http.StatusSeeOther {
		t.Fatalf("deleted account still signed in: %d", r.status)
	}
}

func TestErrorsAndHeaders(t *testing.T) {
	a := newApp(t, nil)
	b := a.browser()
	b.header.Set("Accept-Language", "lb")
	r := b.get("/no/such/page")
	if r.status != 404 {
		t.Fatalf("unknown page: %d", r.status)
	}
	r.contains(t, "Dës Säit gëtt et net", `<html lang="lb">`)
	if strings.Contains(r.body, "goroutine") || strings.Contains(r.body, ".go:") {
		t.Fatal("error page leaks internals")
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if r.header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/register", strings.NewReader(strings.Repeat("x", 70<<10)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := b.do(req); r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized form: %d", r.status)
	}
	if r := b.do(mustRequest(http.MethodDelete, a.srv.URL+"/login")); r.status != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE /login: %d", r.status)
	}
}

func mustRequest(method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		panic(err)
	}
	return req
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	a := newApp(t, nil)
	b := a.browser()
	if r := b.get("/healthz"); r.status != 200 {
		t.Fatalf("healthz %d", r.status)
	}
	r := b.get("/readyz")
	if r.status != 200 || !strings.Contains(r.body, `"database":"ok"`) {
		t.Fatalf("readyz %d %s", r.status, r.body)
	}
	b.get("/login")
	b.get("/nope")
	r = b.get("/metrics")
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("metrics content type %q", r.header.Get("Content-Type"))
	}
	r.contains(t,
		`quartier_http_requests_total{method="GET",route="/login",status="200"} 1`,
		`quartier_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`quartier_http_request_duration_seconds_bucket{method="GET",route="/login",le="+Inf"} 1`,
		`quartier_http_request_duration_seconds_count{method="GET",route="/readyz"} 1`,
		"quartier_db_pool_max_connections 8",
		"# TYPE quartier_db_pool_acquires_total counter",
		"quartier_support_batched_total 0",
		"# TYPE go_gc_cycles_total counter",
		"# TYPE go_heap_live_bytes gauge",
	)
	// The Go runtime's figures are read, not left at zero; its run-queue
	// waits are a histogram whose buckets only grow.
	var last int
	for _, m := range regexp.MustCompile(`(?m)^go_sched_latency_seconds_bucket\{le="[^"]+"\} (\d+)$`).FindAllStringSubmatch(r.body, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < last {
			t.Fatalf("go_sched_latency_seconds buckets shrink:\n%s", r.body)
		}
		last = n
	}
	if last == 0 || !strings.Contains(r.body, "# TYPE go_gc_pause_seconds histogram") {
		t.Errorf("runtime histograms: last bucket %d", last)
	}
	for _, name := range []string{"go_heap_allocated_bytes_total", "go_goroutines", "go_gomaxprocs", "go_heap_goal_bytes"} {
		m := regexp.MustCompile(`(?m)^` + name + ` (\d+)$`).FindStringSubmatch(r.body)
		if m == nil || m[1] == "0" {
			t.Errorf("%s: %v", name, m)
		}
	}
}

func TestDevMailboxOnlyInDevelopment(t *testing.T) {
	a := newApp(t, nil) // production
	if r := a.browser().get("/dev/mail"); r.status != 404 {
		t.Fatalf("/dev/mail in production: %d", r.status)
	}
}

// What a person changes about themselves shows on the very next page, though
// residents' sessions are cached for a moment: their name and language, and
// the e-mail address they just confirmed.
func TestOwnChangesShowAtOnce(t *testing.T) {
	a := newApp(t, nil)
	b := a.signedIn("lea@example.lu", core.RoleCitizen)
	b.get("/account")
	b.post("/account/profile", url.Values{"display_name": {"Léa Muller"}, "locale": {"en"}})
	b.get("/account").contains(t, `<html lang="en">`, `value="Léa Muller"`)

	b.get("/account/email")
	b.post("/account/email", url.Values{"email": {"lea@new.example.lu"}, "current_password": {"correct horse battery"}})
	mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour)
	var token string
	for _, m := range mails {
		if i := strings.Index(m.Mail.Body, "/email/confirm?token="); i >= 0 {
			token = strings.Fields(m.Mail.Body[i+len("/email/confirm?token="):])[0]
		}
	}
	if token == "" {
		t.Fatalf("no link in %+v", mails)
	}
	b.get("/email/confirm?token=" + token)
	b.post("/email/confirm", url.Values{"token": {token}})
	b.get("/account").contains(t, "<strong>lea@new.example.lu</strong>")
}
