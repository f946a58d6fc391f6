// Package pgtest gives each test a fresh, migrated PostgreSQL database.
//
// TEST_DATABASE_URL names a server and a database the tests may use to create
// others (`make test` starts a throwaway server and sets it). The first test of a
// process builds a template database with every migration applied, named after a
// hash of the migrations so that concurrent test processes share it; each test then
// clones the template (tens of milliseconds) and drops its clone when it ends.
//
// Without TEST_DATABASE_URL a database test fails rather than skips: a silent skip
// would let CI pass without testing the store.
package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core/postgres"
)

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
	counter      atomic.Int64
)

// AdminURL returns TEST_DATABASE_URL or fails the test.
func AdminURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		t.Fatal("TEST_DATABASE_URL is not set: run the tests with `make test`, which starts a throwaway PostgreSQL, or point TEST_DATABASE_URL at a server where the tests may create databases")
	}
	return url
}

// URL creates a fresh migrated database for the test and returns its URL. The
// database is dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx, admin) })
	if templateErr != nil {
		t.Fatalf("prepare template database: %v", templateErr)
	}
	return clone(t, admin, templateName)
}

// clone creates a database from template, dropped when the test ends.
func clone(t testing.TB, admin, template string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := fmt.Sprintf("qt_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, counter.Add(1))
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to test server: %v", err)
	}
	defer conn.Close(ctx)
	if err := createFromTemplate(ctx, conn, name, template); err != nil {
		t.Fatalf("clone %s: %v", template, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("connect to drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

// EmptyURL creates an empty database (no migrations) for the test.
func EmptyURL(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	return clone(t, admin, "template0")
}

// Store opens a Store on a fresh migrated database, closed when the test ends.
func Store(t testing.TB) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), URL(t), postgres.Options{MaxConns: 8})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func ensureTemplate(ctx context.Context, admin string) (string, error) {
	ms, err := postgres.Migrations()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d %s\n%s\n", m.Version, m.Name, m.SQL)
	}
	name := "qt_template_" + hex.EncodeToString(h.Sum(nil))[:16]
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	// One process builds the template; the others wait on the lock, then find it.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(74002026)`); err != nil {
		return "", err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(74002026)`) //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	ident := pgx.Identifier{building}.Sanitize()
	if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+ident+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+ident); err != nil {
		return "", err
	}
	s, err := postgres.Open(ctx, withDatabase(admin, building), postgres.Options{MaxConns: 2})
	if err != nil {
		return "", err
	}
	_, err = s.Migrate(ctx)
	s.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	final := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+ident+` RENAME TO `+final); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+final+` WITH IS_TEMPLATE true`); err != nil {
		return "", err
	}
	return name, nil
}

// createFromTemplate clones the template. PostgreSQL refuses a clone while another
// session is connected to the template, so a clash is retried briefly.
func createFromTemplate(ctx context.Context, conn *pgx.Conn, name, template string) error {
	var err error
	for attempt := 0; attempt < 50; attempt++ {
		_, err = conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()+` TEMPLATE `+pgx.Identifier{template}.Sanitize())
		if err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

// withDatabase returns url with its database name replaced. Both URL forms work:
// postgres://host/db?... and postgres:///db?host=/socket.
func withDatabase(url, db string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url + " dbname=" + db // keyword/value form: the last dbname wins
	}
	authority, query, _ := strings.Cut(rest, "?")
	host := authority
	if i := strings.IndexByte(authority, '/'); i >= 0 {
		host = authority[:i]
	}
	out := scheme + "://" + host + "/" + db
	if query != "" {
		out += "?" + query
	}
	return out
}
