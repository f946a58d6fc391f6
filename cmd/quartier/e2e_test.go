package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core/mail"
	"quartier/core/postgres/pgtest"
)

// syncBuffer collects a command's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is `quartier serve` running in the test process, as an operator starts it.
type server struct {
	t       *testing.T
	base    string
	dbURL   string
	catcher *mail.Catcher
	stop    context.CancelFunc
	done    chan error
	stderr  *syncBuffer
	stdout  *syncBuffer
}

func startServer(t *testing.T, dbURL string, extraArgs ...string) *server {
	t.Helper()
	return startServerEnv(t, dbURL, nil, extraArgs...)
}

// startServerEnv is startServer with more environment variables.
func startServerEnv(t *testing.T, dbURL string, extraEnv map[string]string, extraArgs ...string) *server {
	t.Helper()
	catcher, err := mail.StartCatcher("127.0.0.1:0", 50, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { catcher.Close() })
	cfg := writeConfig(t, fmt.Sprintf(`env: development
log:
  level: warn
http:
  public_url: http://quartier.test
  shutdown_timeout: 5s
mail:
  dev_catcher: ""
  smtp:
    host: 127.0.0.1
    port: %d
`, catcher.Addr().Port))
	vars := map[string]string{"DATABASE_URL": dbURL, "QUARTIER_ADDR": "127.0.0.1:0"}
	for k, v := range extraEnv {
		vars[k] = v
	}
	env := envOf(vars)
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	s := &server{t: t, dbURL: dbURL, catcher: catcher, stop: cancel, done: make(chan error, 1), stderr: stderr, stdout: stdout}
	args := append([]string{"--config", cfg, "serve", "--migrate"}, extraArgs...) // the test template lacks the job queue's tables
	go func() { s.done <- run(ctx, args, env, strings.NewReader(""), stdout, stderr) }()
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(stdout.String()); m != nil {
			s.base = m[1]
			t.Cleanup(func() { s.shutdown() })
			return s
		}
		select {
		case err := <-s.done:
			t.Fatalf("serve exited before listening: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start; stderr:\n%s", stderr.String())
	return nil
}

func (s *server) shutdown() error {
	s.stop()
	select {
	case err := <-s.done:
		s.done <- err // later calls see it too
		return err
	case <-time.After(10 * time.Second):
		s.t.Fatal("serve did not stop within 10 s")
		return nil
	}
}

// person is a resident with a browser.
type person struct {
	t      *testing.T
	s      *server
	client *http.Client
	csrf   string
}

func (s *server) person() *person {
	jar, _ := cookiejar.New(nil)
	return &person{t: s.t, s: s, client: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (p *person) do(method, path string, form url.Values) (int, string, http.Header) {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		if form.Get("csrf_token") == "" {
			form.Set("csrf_token", p.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, p.s.base+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := p.client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfInput.FindSubmatch(b); m != nil {
		p.csrf = string(m[1])
	}
	return res.StatusCode, string(b), res.Header
}

func (p *person) expect(method, path string, form url.Values, status int, contains ...string) string {
	p.t.Helper()
	got, body, hdr := p.do(method, path, form)
	if got != status {
		p.t.Fatalf("%s %s: status %d, want %d (Location %q)\n%s", method, path, got, status, hdr.Get("Location"), body)
	}
	for _, c := range contains {
		if !strings.Contains(body, c) {
			p.t.Fatalf("%s %s: body lacks %q", method, path, c)
		}
	}
	return body
}

// mailLink waits for a message to address whose subject contains subject and
// returns the path of the link in it.
func (s *server) mailLink(to, subject string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := s.catcher.Wait(ctx, func(m mail.Caught) bool {
		return len(m.To) == 1 && m.To[0] == to && strings.Contains(m.Subject, subject)
	})
	if err != nil {
		s.t.Fatalf("no %q mail to %s: %v", subject, to, err)
	}
	link := regexp.MustCompile(`http://quartier\.test(/\S+)`).FindStringSubmatch(m.Body)
	if link == nil {
		s.t.Fatalf("no link in mail %q", m.Body)
	}
	return link[1]
}

var tokenField = regexp.MustCompile(`name="token" value="([^"]+)"`)

// TestResidentAccountLifecycle drives registration, confirmation by e-mail, login,
// logout and password reset over HTTP against `quartier serve`, with mail delivered
// over SMTP to a receiver in the test.
func TestResidentAccountLifecycle(t *testing.T) {
	s := startServer(t, pgtest.URL(t))
	lea := s.person()

	lea.expect("GET", "/", nil, 200, "Votre quartier, votre voix")
	lea.expect("GET", "/register", nil, 200, `name="display_name"`)
	lea.expect("POST", "/register", url.Values{"email": {"Lea.Muller@Example.lu"}, "display_name": {"Léa"}, "password": {"ma phrase secrète"}},
		200, "Consultez votre boîte mail")

	confirm := s.mailLink("lea.muller@example.lu", "Confirmez votre adresse")
	page := lea.expect("GET", confirm, nil, 200, "Confirmer mon adresse")
	token := tokenField.FindStringSubmatch(page)[1]
	_, _, hdr := lea.do("POST", "/confirm", url.Values{"token": {token}})
	if hdr.Get("Location") != "/login" {
		t.Fatalf("after confirmation: Location %q", hdr.Get("Location"))
	}
	lea.expect("GET", confirm, nil, 409, "déjà été utilisé")

	lea.expect("GET", "/login", nil, 200)
	lea.expect("POST", "/login", url.Values{"email": {"lea.muller@example.lu"}, "password": {"wrong password"}}, 422, "incorrect")
	lea.expect("POST", "/login", url.Values{"email": {"lea.muller@example.lu"}, "password": {"ma phrase secrète"}}, 303)
	lea.expect("GET", "/account", nil, 200, "lea.muller@example.lu")
	lea.expect("POST", "/logout", url.Values{}, 303)
	lea.expect("GET", "/account", nil, 303)

	// Forgotten password: a reset link by e-mail, single use.
	lea.expect("GET", "/password/forgot", nil, 200)
	lea.expect("POST", "/password/forgot", url.Values{"email": {"lea.muller@example.lu"}}, 200, "Consultez votre boîte mail")
	reset := s.mailLink("lea.muller@example.lu", "nouveau mot de passe")
	page = lea.expect("GET", reset, nil, 200, `autocomplete="new-password"`)
	token = tokenField.FindStringSubmatch(page)[1]
	lea.expect("POST", "/password/reset", url.Values{"token": {token}, "password": {"une autre phrase"}}, 303)
	lea.expect("GET", reset, nil, 409)
	lea.expect("GET", "/login", nil, 200)
	lea.expect("POST", "/login", url.Values{"email": {"lea.muller@example.lu"}, "password": {"ma phrase secrète"}}, 422)
	lea.expect("POST", "/login", url.Values{"email": {"lea.muller@example.lu"}, "password": {"une autre phrase"}}, 303)
	lea.expect("GET", "/account", nil, 200, "Léa")

	// Signing up again with the same address sends a notice, not a second account.
	other := s.person()
	other.expect("GET", "/register", nil, 200)
	other.expect("POST", "/register", url.Values{"email": {"lea.muller@example.lu"}, "display_name": {"Mallory"}, "password": {"mallory password"}}, 200, "Consultez votre boîte mail")
	s.mailLink("lea.muller@example.lu", "Tentative d'inscription")
}

func TestServeRefusesStaleSchemaUnlessMigrate(t *testing.T) {
	dbURL := pgtest.EmptyURL(t)
	cfg := writeConfig(t, "mail:\n  dev_catcher: \"\"\n")
	env := envOf(map[string]string{"DATABASE_URL": dbURL, "QUARTIER_ADDR": "127.0.0.1:0"})
	err := run(context.Background(), []string{"--config", cfg, "serve"}, env, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "quartier migrate") {
		t.Fatalf("serve on an empty database: %v", err)
	}
	s := startServer(t, dbURL, "--migrate")
	p := s.person()
	p.expect("GET", "/readyz", nil, 200, `"database":"ok"`)
}

// The server keeps serving when PostgreSQL drops every connection (as in a
// restart), and a request in flight at shutdown still gets its answer.
func TestReconnectAndGracefulShutdown(t *testing.T) {
	dbURL := pgtest.URL(t)
	s := startServer(t, dbURL)
	p := s.person()
	p.expect("GET", "/readyz", nil, 200)

	conn, err := pgx.Connect(context.Background(), pgtest.AdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var dbName string
	cfg, _ := pgx.ParseConfig(dbURL)
	dbName = cfg.Database
	var killed int
	if err := conn.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, dbName).Scan(&killed); err != nil || killed == 0 {
		t.Fatalf("terminate backends: %d, %v", killed, err)
	}
	// Requests right after the cut may get a clear 503; within a few seconds the
	// pool has reconnected.
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, body, _ := p.do("GET", "/readyz", nil)
		if status == 200 {
			break
		}
		if status != 503 || strings.Contains(body, "goroutine") {
			t.Fatalf("readyz during reconnect: %d %s", status, body)
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not reconnect within 10 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.expect("GET", "/login", nil, 200)

	// A slow upload in flight when SIGTERM arrives is finished, not cut.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", s.base+"/login", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.ContentLength = int64(len("email=a%40b.lu&password=x"))
	result := make(chan int, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- -1
			return
		}
		res.Body.Close()
		result <- res.StatusCode
	}()
	pw.Write([]byte("email=a%40b.lu"))
	time.Sleep(200 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- s.shutdown() }()
	time.Sleep(200 * time.Millisecond)
	pw.Write([]byte("&password=x"))
	pw.Close()
	if status := <-result; status != http.StatusForbidden { // no CSRF token: refused, but answered
		t.Fatalf("in-flight request got %d", status)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("serve returned %v on shutdown", err)
	}
}

func TestAdminCreateAndDemo(t *testing.T) {
	dbURL := pgtest.URL(t)
	cfg := writeConfig(t, "mail:\n  dev_catcher: \"\"\n")
	env := envOf(map[string]string{"DATABASE_URL": dbURL})
	var out bytes.Buffer
	err := run(context.Background(), []string{"--config", cfg, "admin", "create", "--email", "Maire@Commune.lu", "--role", "admin", "--password-stdin"},
		env, strings.NewReader("une phrase assez longue\n"), &out, io.Discard)
	if err != nil || !strings.Contains(out.String(), "created admin account") {
		t.Fatalf("admin create: %v %s", err, out.String())
	}
	err = run(context.Background(), []string{"--config", cfg, "admin", "create", "--email", "maire@commune.lu"}, env, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second admin create: %v", err)
	}
	err = run(context.Background(), []string{"--config", cfg, "admin", "create", "--email", "x@commune.lu", "--role", "citizen"}, env, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--role must be") {
		t.Fatalf("citizen via admin create: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"--config", cfg, "admin", "create", "--email", "mod@commune.lu", "--role", "moderator"}, env, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	generated := regexp.MustCompile(`password \(shown once\): (\S+)`).FindStringSubmatch(out.String())
	if generated == nil || len(generated[1]) < 20 {
		t.Fatalf("generated password not shown: %s", out.String())
	}
	for i := 0; i < 2; i++ { // idempotent
		if err := run(context.Background(), []string{"--config", cfg, "demo"}, env, nil, io.Discard, io.Discard); err != nil {
			t.Fatalf("demo run %d: %v", i+1, err)
		}
	}
	err = run(context.Background(), []string{"--config", cfg, "demo"}, envOf(map[string]string{"DATABASE_URL": dbURL, "QUARTIER_ENV": "production", "QUARTIER_PUBLIC_URL": "https://x.lu"}), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "refused outside development") {
		t.Fatalf("demo in production: %v", err)
	}

	// The accounts work: the generated password logs the moderator in.
	s := startServer(t, dbURL)
	// The demo consultations are there once: a live poll on its project, a survey for verified residents.
	visitor := s.person()
	list := visitor.expect("GET", "/consultations", nil, 200, "Le parc de Warken : vos priorités", "Fermer la place aux voitures le samedi ?")
	if strings.Count(list, "Le parc de Warken : vos priorités") != 1 {
		t.Fatal("demo consultations loaded twice")
	}
	visitor.expect("GET", "/projects/1", nil, 200, "Faut-il réserver la place aux piétons le samedi ?", "50\u00a0%")
	// The demo events and the demo budget too.
	if events := visitor.expect("GET", "/events", nil, 200, "Atelier : dessinons le parc de Warken", "Visite du terrain du futur parc"); strings.Count(events, "Atelier : dessinons le parc de Warken") != 1 {
		t.Fatal("demo events loaded twice")
	}
	visitor.expect("GET", "/budgets/1", nil, 200, "Toute la commune", "Vélos en libre-service à la gare")
	// The Warken park is translated into German.
	visitor.expect("POST", "/language", url.Values{"lang": {"de"}}, 303)
	visitor.expect("GET", "/projects/2", nil, 200, `<h1 lang="de">Ein Park in Warken</h1>`)
	// So are its survey and the station square's poll.
	visitor.expect("GET", "/consultations", nil, 200, `lang="de">Der Park in Warken: Ihre Prioritäten</a>`, `lang="de">Den Platz samstags für Autos sperren?</a>`)
	visitor.expect("GET", "/projects/1", nil, 200, `<span lang="de">Soll der Platz samstags den Fußgängern vorbehalten sein?</span>`)
	visitor.expect("GET", "/budgets/1", nil, 200, `<h1 lang="de">Bürgerhaushalt 2027</h1>`, `<span lang="de">Die ganze Gemeinde</span>`)
	visitor.expect("GET", "/councils", nil, 200, `lang="de">Quartiersrat Warken und Alliés</a>`)
	visitor.expect("GET", "/debates/1", nil, 200, `<h1 lang="de">Soll der Platz samstags den Fußgängern vorbehalten sein?</h1>`)
	// And the Warken events, the past visit's minutes too.
	visitor.expect("GET", "/events", nil, 200, `lang="de">Werkstatt: Wir entwerfen den Park in Warken</a>`, `lang="de">Besichtigung des künftigen Parkgeländes</a>`)
	visitor.expect("POST", "/language", url.Values{"lang": {"fr"}}, 303)
	// And the neighbourhood council, with its member, minutes, proposal and next meeting.
	if councils := visitor.expect("GET", "/councils", nil, 200, "Conseil de quartier Warken et Alliés"); strings.Count(councils, `href="/councils/`) != 1 {
		t.Fatal("demo council loaded twice")
	}
	visitor.expect("GET", "/councils/1", nil, 200, "Procès-verbal de la séance constitutive", "Zone 30 dans toute la rue de Warken", "Réunion du conseil de quartier Warken et Alliés")
	for _, acct := range [][2]string{{"maire@commune.lu", "une phrase assez longue"}, {"mod@commune.lu", generated[1]}, {demoAdminEmail, demoAdminPassword}} {
		p := s.person()
		p.expect("GET", "/login", nil, 200)
		p.expect("POST", "/login", url.Values{"email": {acct[0]}, "password": {acct[1]}}, 303)
		p.expect("GET", "/staff", nil, 200)
		if acct[0] == demoAdminEmail { // the demo's answer templates, once
			const row = `<th scope="row">Retenue pour étude</th>`
			if page := p.expect("GET", "/staff/answer-templates", nil, 200, row); strings.Count(page, row) != 1 {
				t.Fatal("demo answer templates loaded twice")
			}
		}
	}
}

func TestCommandLine(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, envOf(nil), nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "quartier ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	err := run(context.Background(), []string{"frobnicate"}, envOf(nil), nil, io.Discard, io.Discard)
	if _, ok := err.(usageError); !ok || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %v", err)
	}
	err = run(context.Background(), []string{"migrate"}, envOf(nil), nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL is not set") {
		t.Fatalf("migrate without database: %v", err)
	}
}
