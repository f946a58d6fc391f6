package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/core/postgres/pgtest"
)

// The demo with the fake neighbourhood app, as `make run` starts it: the
// demo's poll appears in the app, a member votes there, and after a pull the
// vote counts on the project's page.
func TestDemoPollGoesToTheFakeAppAndAVoteComesBack(t *testing.T) {
	dbURL := pgtest.URL(t)
	cfg := writeConfig(t, "env: development\nmail:\n  dev_catcher: \"\"\n")
	if err := run(context.Background(), []string{"--config", cfg, "migrate"}, envOf(map[string]string{"DATABASE_URL": dbURL}), nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"--config", cfg, "demo"}, envOf(map[string]string{"DATABASE_URL": dbURL}), nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	s := startServerEnv(t, dbURL, map[string]string{"QUARTIER_DEMO_APP": "1"})
	m := regexp.MustCompile(`fake neighbourhood app on (http://\S+)`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no fake app address in %q", s.stdout.String())
	}
	app := m[1]
	var page string
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(page, "Faut-il réserver la place aux piétons le samedi ?") {
		if time.Now().After(deadline) {
			t.Fatalf("the demo poll did not reach the app:\n%s", page)
		}
		time.Sleep(100 * time.Millisecond)
		res, err := http.Get(app + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page = string(b)
	}
	article := page[strings.Index(page, "Faut-il réserver la place aux piétons le samedi ?"):]
	msg := regexp.MustCompile(`name="message" value="([^"]+)"`).FindStringSubmatch(article)[1]
	res, err := http.PostForm(app+"/play/react", url.Values{"message": {msg}, "member": {"u-1"}, "kind": {"up"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the fake app refused the vote: %s", res.Status)
	}

	admin := s.person()
	admin.expect("GET", "/login", nil, 200)
	admin.expect("POST", "/login", url.Values{"email": {demoAdminEmail}, "password": {demoAdminPassword}}, 303)
	admin.expect("GET", "/staff/sync", nil, 200, "hoplr")
	admin.expect("POST", "/staff/sync/connectors/hoplr/pull", url.Values{}, 303)
	deadline = time.Now().Add(20 * time.Second)
	for !strings.Contains(admin.expect("GET", "/projects/1", nil, 200), "3 réponses") {
		if time.Now().After(deadline) {
			t.Fatalf("the vote from the app was not counted (the demo poll had 2 answers); sync page:\n%s\nserver log:\n%s",
				admin.expect("GET", "/staff/sync", nil, 200), s.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// What was published is named as staff know it: kind, number and title.
	admin.expect("GET", "/staff/sync", nil, 200, "Éléments importés</dt><dd>1</dd>", "Projet n°\u00a01", " — Réaménagement de la place de la Gare</td>")
	admin.expect("POST", "/staff/sync/connectors/hoplr/settings", url.Values{"kinds": {"poll", "answer"}, "template": {"{title} – {url}"}}, 303)
	admin.expect("GET", "/staff/sync", nil, 200, `value="answer" checked`, "{title} – {url}</textarea>")
	admin.expect("POST", "/staff/sync/connectors/hoplr/settings", url.Values{"kinds": {"everything"}}, 400)
	// Staff see which of the app's neighbourhoods the demo survey's target reaches.
	admin.expect("GET", "/staff/consultations/2", nil, 200, "Quartiers dans les applications", "Ettelbruck Est (Warken)", "Ettelbruck Ouest")

	// A member logs in with the app (OpenID Connect, PKCE): the app says Anne
	// lives in Ettelbruck Est, so she may answer the survey for verified
	// residents of the demo target, which lies in her neighbourhood.
	anne := s.person()
	anne.expect("GET", "/login", nil, 200, "Se connecter avec Hoplr (fake app)")
	status, _, hdr := anne.do("GET", "/login/oidc/hoplr?next=/consultations/2", nil)
	authorize := hdr.Get("Location")
	if status != http.StatusSeeOther || !strings.HasPrefix(authorize, app+"/oauth/authorize?") || !strings.Contains(authorize, "code_challenge_method=S256") {
		t.Fatalf("login start: %d %q", status, authorize)
	}
	res, err = anne.client.Get(authorize + "&member=u-1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	callback, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound || callback.Path != "/login/oidc/hoplr/callback" {
		t.Fatalf("authorize: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if status, _, hdr := anne.do("GET", callback.RequestURI(), nil); status != http.StatusSeeOther || hdr.Get("Location") != "/consultations/2" {
		t.Fatalf("callback: %d %q", status, hdr.Get("Location"))
	}
	anne.expect("GET", "/account", nil, 200, "Anne K.")
	survey := anne.expect("GET", "/consultations/2", nil, 200)
	if !strings.Contains(survey, `class="stack questionnaire"`) || strings.Contains(survey, "Saisir mon code de résidence") {
		t.Fatal("a member of a neighbourhood in the target is not offered the survey")
	}
	// The callback cannot be replayed: the state cookie is spent.
	if status, _, _ := anne.do("GET", callback.RequestURI(), nil); status != http.StatusBadRequest {
		t.Fatalf("replayed callback: %d", status)
	}
}
