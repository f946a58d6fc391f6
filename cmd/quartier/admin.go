package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/web"
	datasync "quartier/sync"
)

func (e *commandEnv) admin(args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"usage: quartier admin create --email E [--role admin|manager|moderator] [--name NAME] [--password-stdin]"}
	}
	fs := e.flags("admin create")
	email := fs.String("email", "", "e-mail address of the account (required)")
	roleName := fs.String("role", "admin", "role: admin, manager or moderator")
	name := fs.String("name", "", "display name (default: the part of the e-mail before @)")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of generating one")
	if err := e.parse(fs, args[1:]); err != nil {
		return err
	}
	role, err := core.ParseRole(*roleName)
	if err != nil || !role.IsStaff() {
		return usageError{fmt.Sprintf("--role must be admin, manager or moderator, not %q", *roleName)}
	}
	addr, err := core.NormalizeEmail(*email)
	if err != nil {
		return usageError{fmt.Sprintf("--email %q is not a valid e-mail address", *email)}
	}
	if *name == "" {
		*name = addr[:strings.IndexByte(addr, '@')]
	}
	displayName, err := core.NormalizeDisplayName(*name)
	if err != nil {
		return usageError{"--name must be 1 to 80 printable characters"}
	}
	password, generated := "", false
	if *passwordStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("--password-stdin: no password on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = randomPassword(), true
	}
	if err := core.ValidatePassword(password); err != nil {
		return fmt.Errorf("the password must have %d to %d characters", core.MinPasswordLength, core.MaxPasswordLength)
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	store, err := openCurrentStore(e, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	p, err := createAccount(e, store, addr, displayName, password, role)
	if core.CodeOf(err) == core.CodeConflict {
		return fmt.Errorf("an account with e-mail %s already exists", addr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created %s account %d for %s\n", p.Role, p.ID, p.Email)
	if generated {
		fmt.Fprintf(e.stdout, "password (shown once): %s\n", password)
	}
	return nil
}

func createAccount(e *commandEnv, store *postgres.Store, email, name, password string, role core.Role) (core.Participant, error) {
	hash, err := core.HashPassword(password)
	if err != nil {
		return core.Participant{}, err
	}
	return store.CreateAccount(e.ctx, postgres.NewAccount{
		Email: email, DisplayName: name, PasswordHash: hash, Role: role, Locale: core.DefaultLanguage,
	})
}

// openCurrentStore opens the database and refuses a schema behind this build.
func openCurrentStore(e *commandEnv, cfg Config) (*postgres.Store, error) {
	store, err := openStore(e.ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := requireCurrentSchema(e.ctx, store); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

func requireCurrentSchema(ctx context.Context, store *postgres.Store) error {
	current, latest, err := store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current != latest {
		return fmt.Errorf("the database schema is at version %d but this build needs %d: run `quartier migrate`, or start with `serve --migrate`", current, latest)
	}
	return nil
}

// requireJobQueue refuses to run the sync engine on job-queue tables older
// than this build's River.
func requireJobQueue(ctx context.Context, store *postgres.Store) error {
	if pending, err := datasync.MigrationsPending(ctx, store.Pool()); err != nil {
		return err
	} else if pending {
		return fmt.Errorf("the job queue's tables are behind this build: run `quartier migrate`, or start with `serve --migrate`")
	}
	return nil
}

func randomPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Demo accounts, for local use only (the README lists them).
const (
	demoAdminEmail    = "admin@quartier.test"
	demoAdminPassword = "quartier-demo-admin"
	demoResidentEmail = "resident@quartier.test"
	demoResidentPass  = "quartier-demo-resident"
)

func (e *commandEnv) demo(args []string) error {
	fs := e.flags("demo")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	cfg, err := e.config()
	if err != nil {
		return err
	}
	if cfg.Env != web.EnvDevelopment {
		return errors.New("demo content has well-known passwords and is refused outside development (QUARTIER_ENV=development)")
	}
	store, err := openCurrentStore(e, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	for _, a := range []struct {
		email, name, password string
		role                  core.Role
	}{
		{demoAdminEmail, "Admin Demo", demoAdminPassword, core.RoleAdmin},
		{demoResidentEmail, "Léa Resident", demoResidentPass, core.RoleCitizen},
	} {
		p, err := createAccount(e, store, a.email, a.name, a.password, a.role)
		switch {
		case err == nil:
			fmt.Fprintf(e.stdout, "demo: created %s %s (password %s)\n", p.Role, p.Email, a.password)
		case core.CodeOf(err) == core.CodeConflict:
			fmt.Fprintf(e.stdout, "demo: %s already exists\n", a.email)
		default:
			return err
		}
	}
	return e.loadDemoGeography(store)
}
