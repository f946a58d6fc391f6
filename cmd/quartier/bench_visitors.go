package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// benchVisitor is a participant of a load test as their browser would be: a
// session cookie (with the CSRF cookie) and the form token a page gave.
type benchVisitor struct {
	ID     int64
	cookie string
	csrf   string
}

var csrfTokenRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// benchVisitors creates n confirmed accounts (named after stamp) and, with
// browsers, a session each and the CSRF token of page as each of them;
// without, look-alike cookies and tokens (for the baseline handler, which
// ignores them, so that its requests weigh what the real ones do).
func benchVisitors(ctx context.Context, store *postgres.Store, client *http.Client, page string, n int, stamp int64, hash string, browsers bool) ([]benchVisitor, error) {
	out := make([]benchVisitor, n)
	for i := range out {
		p, err := store.CreateAccount(ctx, postgres.NewAccount{Email: fmt.Sprintf("bench-%d-%d@quartier.test", stamp, i), DisplayName: "Bench",
			PasswordHash: hash, Role: core.RoleCitizen, Locale: core.French})
		if err != nil {
			return nil, err
		}
		if !browsers { // cookie and form token of a browser's size, which nobody checks
			session, _ := core.NewToken()
			csrf, _ := core.NewToken()
			token, _ := core.NewToken()
			out[i] = benchVisitor{ID: p.ID, cookie: "quartier_session=" + session + "; quartier_csrf=" + csrf, csrf: token + ".1764190000"}
			continue
		}
		token, th := core.NewToken()
		if err := store.CreateSession(ctx, p.ID, th, time.Now().Add(time.Hour), "bench"); err != nil {
			return nil, err
		}
		req, _ := http.NewRequest(http.MethodGet, page, nil)
		req.Header.Set("Cookie", "quartier_session="+token)
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", page, err)
		}
		m := csrfTokenRe.FindStringSubmatch(readAll(resp))
		csrfCookie := ""
		for _, c := range resp.Cookies() {
			if c.Name == "quartier_csrf" {
				csrfCookie = c.Value
			}
		}
		if m == nil || csrfCookie == "" {
			return nil, fmt.Errorf("no CSRF token on %s (status %d)", page, resp.StatusCode)
		}
		out[i] = benchVisitor{ID: p.ID, cookie: "quartier_session=" + token + "; quartier_csrf=" + csrfCookie, csrf: m[1]}
	}
	return out, nil
}
