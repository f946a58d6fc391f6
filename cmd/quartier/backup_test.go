package main

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"quartier/core/postgres/pgtest"
)

// backupScript runs scripts/backup.sh with args against dbURL.
func backupScript(t *testing.T, dbURL string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("../../scripts/backup.sh", args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// A dump taken while the server runs restores into a new database as a
// working instance: the accounts and their sessions, the ideas, and the
// links already mailed (a password reset's token) all still work. A restore
// into a database that is not empty, or of a file that is not a dump, is
// refused and writes nothing.
func TestBackupRestoresAWorkingInstance(t *testing.T) {
	s := startServer(t, pgtest.URL(t))
	lea := s.person()
	lea.expect("GET", "/register", nil, 200)
	lea.expect("POST", "/register", url.Values{"email": {"lea@example.lu"}, "display_name": {"Léa"}, "password": {"ma phrase secrète"}}, 200)
	confirm := s.mailLink("lea@example.lu", "Confirmez votre adresse")
	page := lea.expect("GET", confirm, nil, 200)
	lea.expect("POST", "/confirm", url.Values{"token": {tokenField.FindStringSubmatch(page)[1]}}, 303)
	lea.expect("GET", "/login", nil, 200)
	lea.expect("POST", "/login", url.Values{"email": {"lea@example.lu"}, "password": {"ma phrase secrète"}}, 303)
	lea.expect("GET", "/ideas/new", nil, 200)
	_, _, hdr := lea.do("POST", "/ideas", url.Values{"title": {"Un banc sous le tilleul"}, "body": {"Pour se reposer en montant."}})
	idea := hdr.Get("Location")
	other := s.person()
	other.expect("GET", "/password/forgot", nil, 200)
	other.expect("POST", "/password/forgot", url.Values{"email": {"lea@example.lu"}}, 200)
	reset := s.mailLink("lea@example.lu", "nouveau mot de passe")

	file := filepath.Join(t.TempDir(), "quartier.dump")
	if out, err := backupScript(t, s.dbURL, "dump", file); err != nil || strings.TrimSpace(out) != file {
		t.Fatalf("dump: %v\n%s", err, out)
	}
	if out, err := backupScript(t, s.dbURL, "restore", file); err == nil || !strings.Contains(out, "not empty") {
		t.Fatalf("restore over the live database: %v\n%s", err, out)
	}
	restored := pgtest.EmptyURL(t)
	junk := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(junk, []byte("not a dump"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := backupScript(t, restored, "restore", junk); err == nil || !strings.Contains(out, "is not a dump") {
		t.Fatalf("restore of a text file: %v\n%s", err, out)
	}
	if out, err := backupScript(t, restored, "restore", file); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}

	if err := s.shutdown(); err != nil {
		t.Fatal(err)
	}
	s2 := startServer(t, restored)
	lea.s = s2 // the same browser: its session lives in the database
	lea.expect("GET", "/account", nil, 200, "lea@example.lu")
	lea.expect("GET", idea, nil, 200, "Un banc sous le tilleul")
	other.s = s2
	page = other.expect("GET", reset, nil, 200, `autocomplete="new-password"`)
	other.expect("POST", "/password/reset", url.Values{"token": {tokenField.FindStringSubmatch(page)[1]}, "password": {"une autre phrase"}}, 303)
}
