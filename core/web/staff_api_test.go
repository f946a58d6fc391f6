package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/i18n"
)

func TestStaffRoutesCheckRoles(t *testing.T) {
	a := newApp(t, nil)
	citizen := a.account("citizen@example.lu", core.RoleCitizen)
	a.account("mod@example.lu", core.RoleModerator)
	a.account("manager@example.lu", core.RoleManager)
	admin := a.account("admin@example.lu", core.RoleAdmin)

	anonymous := a.browser()
	if r := anonymous.get("/staff"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("anonymous /staff: %d %s", r.status, r.header.Get("Location"))
	}
	tests := []struct {
		email                string
		staff, list, setRole int
	}{
		{"citizen@example.lu", 403, 403, 403},
		{"mod@example.lu", 200, 403, 403},
		{"manager@example.lu", 200, 200, 403},
		{"admin@example.lu", 200, 200, 303},
	}
	for _, tt := range tests {
		b := a.browser()
		b.login(tt.email)
		if r := b.get("/staff"); r.status != tt.staff {
			t.Errorf("%s GET /staff: %d, want %d", tt.email, r.status, tt.staff)
		}
		if r := b.get("/staff/participants"); r.status != tt.list {
			t.Errorf("%s GET /staff/participants: %d, want %d", tt.email, r.status, tt.list)
		}
		b.get("/account")
		if r := b.post(fmt.Sprintf("/staff/participants/%d/role", citizen.ID), url.Values{"role": {"moderator"}}); r.status != tt.setRole {
			t.Errorf("%s POST role: %d, want %d", tt.email, r.status, tt.setRole)
		}
	}
	p, _ := a.store.Participant(ctx, citizen.ID)
	if p.Role != core.RoleModerator {
		t.Fatalf("role after the admin's change: %s", p.Role)
	}
	// An admin cannot demote themselves, and unknown roles are refused.
	b := a.browser()
	b.login("admin@example.lu")
	b.get("/staff/participants")
	if r := b.post(fmt.Sprintf("/staff/participants/%d/role", admin.ID), url.Values{"role": {"citizen"}}); r.status != http.StatusConflict {
		t.Errorf("self-demotion: %d", r.status)
	}
	if r := b.post(fmt.Sprintf("/staff/participants/%d/role", citizen.ID), url.Values{"role": {"root"}}); r.status != http.StatusBadRequest {
		t.Errorf("unknown role: %d", r.status)
	}
	r := b.get("/staff/participants?q=" + url.QueryEscape("MOD@"))
	r.contains(t, "mod@example.lu", "1 résultat")
	// A long search is cut between characters, never inside one.
	if r := b.get("/staff/participants?q=" + url.QueryEscape("a"+strings.Repeat("é", 150))); r.status != http.StatusOK {
		t.Errorf("long accented search: %d", r.status)
	}
}

// apiCall sends a JSON request with an optional bearer token.
func (a *app) apiCall(method, path, token, contentType, body string) response {
	req, _ := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept-Language", "en")
	return a.browser().do(req)
}

func TestAPIWithPersonalToken(t *testing.T) {
	a := newApp(t, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	b := a.browser()
	b.login("lea@example.lu")
	b.get("/account")
	r := b.post("/account/tokens", url.Values{"name": {"my script"}})
	m := regexp.MustCompile(`id="new-token" class="token" readonly value="([^"]+)"`).FindStringSubmatch(r.body)
	if r.status != http.StatusCreated || m == nil {
		t.Fatalf("create token: %d", r.status)
	}
	token := m[1]

	if r := a.apiCall("GET", "/api/v1/me", "", "", ""); r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"code":"unauthenticated"`) {
		t.Fatalf("anonymous /me: %d %s", r.status, r.body)
	}
	if r := a.apiCall("GET", "/api/v1/me", "not-a-token", "", ""); r.status != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", r.status)
	}
	r = a.apiCall("GET", "/api/v1/me", token, "", "")
	var me map[string]any
	if err := json.Unmarshal([]byte(r.body), &me); err != nil || r.status != 200 || me["email"] != "lea@example.lu" || me["email_verified"] != true {
		t.Fatalf("/me: %d %s", r.status, r.body)
	}

	bad := []struct {
		name, ctype, body string
		status            int
		message           string
	}{
		{"malformed", "application/json", `{"display_name":`, 400, "not a valid JSON object"},
		{"unknown field", "application/json", `{"nickname":"x"}`, 400, "not recognised"},
		{"wrong type", "application/json", `{"display_name":42}`, 400, "unexpected type"},
		{"trailing data", "application/json", `{} {}`, 400, "not a valid JSON object"},
		{"form body", "application/x-www-form-urlencoded", `display_name=x`, 400, "Content-Type: application/json"},
		{"empty name", "application/json", `{"display_name":"  "}`, 400, "Enter the name to show"},
		{"bad locale", "application/json", `{"locale":"nl"}`, 400, "This language is not offered"},
		{"oversized", "application/json", `{"display_name":"` + strings.Repeat("x", 70<<10) + `"}`, 413, "too large"},
	}
	for _, tt := range bad {
		r := a.apiCall("PATCH", "/api/v1/me", token, tt.ctype, tt.body)
		if r.status != tt.status || !strings.Contains(r.body, tt.message) {
			t.Errorf("%s: %d %s", tt.name, r.status, r.body)
		}
	}
	p, _, _ := a.store.Credentials(ctx, "lea@example.lu")
	if p.DisplayName != "Léa citizen" || p.Revision != 1 {
		t.Fatalf("bad requests changed the account: %+v", p)
	}
	r = a.apiCall("PATCH", "/api/v1/me", token, "application/json", `{"display_name":"Léa M.","locale":"lb"}`)
	if r.status != 200 || !strings.Contains(r.body, `"locale":"lb"`) {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}

	// The browser session works on the API too, but writes need the CSRF header.
	req, _ := http.NewRequest("PATCH", a.srv.URL+"/api/v1/me", strings.NewReader(`{"display_name":"CSRF"}`))
	req.Header.Set("Content-Type", "application/json")
	if r := b.do(req); r.status != http.StatusForbidden {
		t.Fatalf("session PATCH without X-CSRF-Token: %d", r.status)
	}
	req, _ = http.NewRequest("PATCH", a.srv.URL+"/api/v1/me", strings.NewReader(`{"display_name":"Via session"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf)
	if r := b.do(req); r.status != http.StatusOK {
		t.Fatalf("session PATCH with X-CSRF-Token: %d %s", r.status, r.body)
	}

	// Revoked tokens stop working.
	tokens, _ := a.store.APITokens(ctx, p.ID)
	b.get("/account")
	b.post(fmt.Sprintf("/account/tokens/%d/revoke", tokens[0].ID), nil)
	if r := a.apiCall("GET", "/api/v1/me", token, "", ""); r.status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", r.status)
	}
	if r := a.apiCall("GET", "/api/v1/nothing-here", "", "", ""); r.status != 404 || !strings.Contains(r.body, `"code":"not_found"`) {
		t.Fatalf("unknown API route: %d %s", r.status, r.body)
	}
}

// The OpenAPI document describes exactly the routes the server has under /api/v1.
func TestOpenAPIDocumentMatchesRoutes(t *testing.T) {
	a := newApp(t, nil)
	r := a.apiCall("GET", "/api/v1/openapi.json", "", "", "")
	var doc struct {
		OpenAPI string                            `json:"openapi"`
		Paths   map[string]map[string]interface{} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %v %q", err, doc.OpenAPI)
	}
	var documented, served []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	param := regexp.MustCompile(`:(\w+)`)
	for _, route := range a.web.Routes() {
		if p, ok := strings.CutPrefix(route.Path, "/api/v1"); ok {
			served = append(served, route.Method+" "+param.ReplaceAllString(p, "{$1}"))
		}
	}
	sort.Strings(documented)
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Fatalf("OpenAPI paths and routes differ:\ndocumented:\n%s\nserved:\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
}

// Every key a template asks for exists in the catalogue.
func TestTemplatesUseKnownKeys(t *testing.T) {
	cat := i18n.MustLoad()
	key := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	n := 0
	err := filepath.WalkDir("templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			n++
			if !cat.Has(core.DefaultLanguage, m[1]) {
				t.Errorf("%s uses unknown key %q", path, m[1])
			}
		}
		return nil
	})
	if err != nil || n < 50 {
		t.Fatalf("walked templates: %v, %d keys", err, n)
	}
}

// At capacity, a request is refused fast with 503 and Retry-After rather than
// queued without end.
func TestAdmissionControlRefusesFast(t *testing.T) {
	a := newApp(t, func(c *webConfig) { c.MaxInFlight = 1; c.QueueWait = 20 * time.Millisecond })
	holdTheOnlySlot(t, a)
	start := time.Now()
	r := a.browser().get("/ideas")
	if elapsed := time.Since(start); r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || elapsed > time.Second {
		t.Fatalf("at capacity: %d, Retry-After %q, after %v", r.status, r.header.Get("Retry-After"), elapsed)
	}
	// The refusal is a page of its own: in the visitor's language, titled, sized for a phone.
	for _, want := range []string{`lang="fr"`, `<title>Le service est très sollicité`, `name="viewport"`} {
		if !strings.Contains(r.body, want) {
			t.Fatalf("refusal page without %s:\n%s", want, r.body)
		}
	}
	if r := a.browser().get("/metrics"); !strings.Contains(r.body, "quartier_http_refused_total 1") ||
		!strings.Contains(r.body, "quartier_http_in_flight 1") || !strings.Contains(r.body, "quartier_http_overloaded 1") ||
		!strings.Contains(r.body, "quartier_http_staff_in_flight 0") {
		t.Fatalf("refusal or request in flight not shown:\n%s", r.body)
	}
}

// holdTheOnlySlot holds the only residents' slot of an app with MaxInFlight 1
// until the test ends, with a request whose body never finishes arriving.
func holdTheOnlySlot(t *testing.T, a *app) {
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	req, _ := http.NewRequest("POST", a.srv.URL+"/register", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.ContentLength = 100
	go http.DefaultClient.Do(req)
	pw.Write([]byte("email=x"))
	time.Sleep(100 * time.Millisecond)
}

// Staff pages have slots of their own: residents filling every slot (a vote
// closing) do not lock out a moderator already signed in.
func TestStaffPagesAreServedWhileResidentsFillEverySlot(t *testing.T) {
	a := newApp(t, func(c *webConfig) { c.MaxInFlight = 1; c.QueueWait = 20 * time.Millisecond })
	a.account("moderatrice@example.lu", core.RoleModerator)
	staff := a.browser()
	staff.login("moderatrice@example.lu")
	holdTheOnlySlot(t, a)
	if r := a.browser().get("/ideas"); r.status != http.StatusServiceUnavailable {
		t.Fatalf("every residents' slot taken: /ideas %d, want 503", r.status)
	}
	if r := staff.get("/staff/moderation"); r.status != http.StatusOK {
		t.Fatalf("every residents' slot taken: /staff/moderation %d, want 200\n%s", r.status, r.body)
	}
}

// Every route under /staff refuses citizens, and every one but the
// moderators' own refuses moderators: the routes come from the router, so a
// route added without its role check fails here.
func TestEveryStaffRouteChecksTheRole(t *testing.T) {
	a := newApp(t, nil)
	a.account("citizen@example.lu", core.RoleCitizen)
	a.account("mod@example.lu", core.RoleModerator)
	moderators := map[string]bool{"GET /staff": true, "GET /staff/moderation": true, "POST /staff/moderation": true,
		"GET /staff/audit": true, "GET /staff/audit/export/:format": true}
	param := regexp.MustCompile(`:\w+|\*\w+`)
	checked := 0
	for _, who := range []string{"citizen@example.lu", "mod@example.lu"} {
		b := a.browser()
		b.login(who)
		b.get("/account") // a form token for the posts
		for _, route := range a.web.Routes() {
			if route.Path != "/staff" && !strings.HasPrefix(route.Path, "/staff/") {
				continue
			}
			key := route.Method + " " + route.Path
			if who == "mod@example.lu" && moderators[key] {
				continue
			}
			path := param.ReplaceAllString(route.Path, "1")
			var r response
			switch route.Method {
			case http.MethodGet:
				r = b.get(path)
			case http.MethodPost:
				r = b.post(path, url.Values{})
			default:
				t.Fatalf("unexpected method %s", key)
			}
			if r.status != http.StatusForbidden {
				t.Errorf("%s %s: %d, want 403", who, key, r.status)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d staff routes checked", checked)
	}
}

// apiToken creates a personal API token for a signed-in browser.
func apiToken(t *testing.T, b *browser) string {
	t.Helper()
	b.get("/account")
	r := b.post("/account/tokens", url.Values{"name": {"app"}})
	m := regexp.MustCompile(`id="new-token" class="token" readonly value="([^"]+)"`).FindStringSubmatch(r.body)
	if r.status != http.StatusCreated || m == nil {
		t.Fatalf("create token: %d", r.status)
	}
	return m[1]
}

// Through the API too, authors correct their ideas until others take part,
// and withdraw their comments; nobody does either for someone else.
func TestAPIAuthorEditsAndWithdraws(t *testing.T) {
	a := newApp(t, nil)
	lea, tom := a.signedIn("lea@example.lu", core.RoleCitizen), a.signedIn("tom@example.lu", core.RoleCitizen)
	leaToken, tomToken := apiToken(t, lea), apiToken(t, tom)
	r := a.apiCall("POST", "/api/v1/ideas", leaToken, "application/json", `{"title":"Un bnac","body":"Pour se reposer à l'ombre."}`)
	var idea struct{ ID int64 }
	if err := json.Unmarshal([]byte(r.body), &idea); err != nil || r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	path := fmt.Sprintf("/api/v1/ideas/%d", idea.ID)
	if r := a.apiCall("PATCH", path, tomToken, "application/json", `{"title":"Pris par Tom","body":"Une idée qui n'est pas la sienne."}`); r.status != http.StatusForbidden {
		t.Fatalf("someone else's edit: %d %s", r.status, r.body)
	}
	if r := a.apiCall("PATCH", path, leaToken, "application/json", `{"title":"Un banc","body":"Pour se reposer à l'ombre.","position":[6.1,49.6]}`); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, "not recognised") {
		t.Fatalf("moving it: %d %s", r.status, r.body)
	}
	if r := a.apiCall("PATCH", path, leaToken, "application/json", `{"title":"Un","body":"Pour se reposer à l'ombre."}`); r.status != http.StatusBadRequest {
		t.Fatalf("a title too short: %d %s", r.status, r.body)
	}
	if r := a.apiCall("PATCH", path, leaToken, "application/json", `{"title":"Un banc","body":"Pour se reposer à l'ombre."}`); r.status != 200 || !strings.Contains(r.body, `"title":"Un banc"`) {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	r = a.apiCall("POST", path+"/comments", tomToken, "application/json", `{"body":"Bonne idée !"}`)
	var comment struct{ ID int64 }
	if err := json.Unmarshal([]byte(r.body), &comment); err != nil || r.status != http.StatusCreated {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	if r := a.apiCall("PATCH", path, leaToken, "application/json", `{"title":"Un autre banc","body":"Pour se reposer à l'ombre."}`); r.status != http.StatusConflict {
		t.Fatalf("edit after a comment: %d %s", r.status, r.body)
	}
	cpath := fmt.Sprintf("/api/v1/comments/%d", comment.ID)
	if r := a.apiCall("PATCH", cpath, leaToken, "application/json", `{"body":"Pas la sienne."}`); r.status != http.StatusForbidden {
		t.Fatalf("correcting someone else's comment: %d", r.status)
	}
	if r := a.apiCall("PATCH", cpath, tomToken, "application/json", `{"body":"Très bonne idée !"}`); r.status != 200 || !strings.Contains(r.body, "Très bonne idée") {
		t.Fatalf("correct: %d %s", r.status, r.body)
	}
	if r := a.apiCall("DELETE", cpath, leaToken, "", ""); r.status != http.StatusForbidden {
		t.Fatalf("withdrawing someone else's comment: %d", r.status)
	}
	for range 2 {
		if r := a.apiCall("DELETE", cpath, tomToken, "", ""); r.status != http.StatusNoContent {
			t.Fatalf("withdraw: %d %s", r.status, r.body)
		}
	}
	if r := a.apiCall("GET", path, "", "", ""); !strings.Contains(r.body, `"comment_count":0`) {
		t.Errorf("after the withdrawal: %s", r.body)
	}
}
