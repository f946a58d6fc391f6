package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

var ctx = context.Background()

func TestMigrateIsIdempotentAndSerialised(t *testing.T) {
	url := pgtest.URL(t)
	// The template is already migrated; run Migrate concurrently from several pools
	// to check the lock and the bookkeeping.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 2})
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			applied, err := s.Migrate(ctx)
			if err == nil && len(applied) != 0 {
				t.Errorf("migrated database re-applied %v", applied)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	current, latest, err := s.SchemaVersion(ctx)
	if err != nil || current != latest || latest < 1 {
		t.Fatalf("schema version %d of %d, err %v", current, latest, err)
	}
}

func TestMigrateFreshDatabaseFromZero(t *testing.T) {
	// A clone of template0 is an empty database at version 0.
	url := pgtest.EmptyURL(t)
	empty, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if cur, _, err := empty.SchemaVersion(ctx); err != nil || cur != 0 {
		t.Fatalf("empty database at version %d, err %v", cur, err)
	}
	applied, err := empty.Migrate(ctx)
	if err != nil || len(applied) != postgres.LatestVersion() {
		t.Fatalf("applied %v, err %v", applied, err)
	}
	if _, err := empty.ServerSecret(ctx); err != nil {
		t.Fatalf("server secret missing after migration: %v", err)
	}
}

func newAccount(t *testing.T, s *postgres.Store, email string, role core.Role) core.Participant {
	t.Helper()
	hash, err := core.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateAccount(ctx, postgres.NewAccount{Email: email, DisplayName: "Léa", PasswordHash: hash, Role: role, Locale: core.French})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func eventsOf(t *testing.T, s *postgres.Store, id int64) []core.Event {
	t.Helper()
	all, err := s.EventsAfter(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []core.Event
	for _, e := range all {
		if e.Entity == core.EntityParticipant && e.EntityID == id {
			out = append(out, e)
		}
	}
	return out
}

// storeAt opens a store on a fresh database whose clock reads *now.
func storeAt(t *testing.T, now *time.Time) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(ctx, pgtest.URL(t), postgres.Options{Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func resetLink(email string, hash []byte, expires time.Time) postgres.LinkRequest {
	return postgres.LinkRequest{Email: email, Purpose: postgres.PurposeResetPassword, TokenHash: hash, ExpiresAt: expires,
		Compose: func(p core.Participant) core.Mail { return core.Mail{To: p.Email, Subject: "reset", Body: "link"} }}
}

func TestCreateAccountConflictWritesNothing(t *testing.T) {
	s := pgtest.Store(t)
	p := newAccount(t, s, "lea@example.lu", core.RoleAdmin)
	_, err := s.CreateAccount(ctx, postgres.NewAccount{Email: "lea@example.lu", DisplayName: "Other", PasswordHash: "x", Role: core.RoleCitizen, Locale: core.French})
	if core.CodeOf(err) != core.CodeConflict {
		t.Fatalf("duplicate e-mail: err %v, want conflict", err)
	}
	all, _ := s.EventsAfter(ctx, 0, 100)
	if len(all) != 1 || all[0].EntityID != p.ID || all[0].Kind != core.EventCreated || all[0].Revision != 1 {
		t.Fatalf("events after one create and one conflict: %+v", all)
	}
}

func TestRegisterConfirmAndResetFlow(t *testing.T) {
	s := pgtest.Store(t)
	reg := func(name, password string) (token []byte, mails []core.Mail) {
		_, hash := core.NewToken()
		pw, _ := core.HashPassword(password)
		err := s.Register(ctx, postgres.Registration{
			Registration:  core.Registration{Email: "lea@example.lu", DisplayName: name, Locale: core.German},
			PasswordHash:  pw,
			LinkTokenHash: hash, LinkExpiresAt: time.Now().Add(time.Hour),
			ConfirmMail: func(p core.Participant) core.Mail { return core.Mail{To: p.Email, Subject: "confirm " + p.DisplayName} },
			AlreadyMail: func(p core.Participant) core.Mail { return core.Mail{To: p.Email, Subject: "already"} },
		})
		if err != nil {
			t.Fatal(err)
		}
		queued, err := s.ClaimDueMail(ctx, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range queued {
			mails = append(mails, q.Mail)
			_ = s.MailSent(ctx, q.ID)
		}
		return hash, mails
	}

	first, mails := reg("Léa", "first password")
	if len(mails) != 1 || mails[0].Subject != "confirm Léa" {
		t.Fatalf("first registration mails: %+v", mails)
	}
	// Signing up again before confirming: the newer registration wins, new link.
	second, mails := reg("Léa M.", "second password")
	if len(mails) != 1 || mails[0].Subject != "confirm Léa M." {
		t.Fatalf("second registration mails: %+v", mails)
	}
	p, err := s.ConfirmEmail(ctx, first)
	if err != nil || !p.Verified() || p.Locale != core.German {
		t.Fatalf("confirm with first link: %+v, %v", p, err)
	}
	if _, err := s.ConfirmEmail(ctx, first); core.CodeOf(err) != core.CodeConflict {
		t.Fatalf("reused link: err %v, want conflict", err)
	}
	if _, err := s.ConfirmEmail(ctx, []byte("forged")); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("unknown link: err %v, want not found", err)
	}
	_, hash, err := s.Credentials(ctx, "lea@example.lu")
	if err != nil || !core.VerifyPassword(hash, "second password") {
		t.Fatalf("password after re-registration: %v", err)
	}
	// A third sign-up with a confirmed address changes nothing and tells the owner.
	_, mails = reg("Mallory", "mallory password")
	if len(mails) != 1 || mails[0].Subject != "already" {
		t.Fatalf("sign-up over confirmed account mails: %+v", mails)
	}
	p2, hash2, _ := s.Credentials(ctx, "lea@example.lu")
	if p2.DisplayName != "Léa M." || !core.VerifyPassword(hash2, "second password") {
		t.Fatal("sign-up over a confirmed account changed it")
	}
	if _, err := s.ConfirmEmail(ctx, second); err != nil {
		t.Fatalf("second confirmation link of the same account: %v", err)
	}

	// Reset: a session dies, the old password stops working, the link is single-use.
	_, sessHash := core.NewToken()
	if err := s.CreateSession(ctx, p.ID, sessHash, time.Now().Add(time.Hour), "test"); err != nil {
		t.Fatal(err)
	}
	_, resetHash := core.NewToken()
	if err := s.MailLink(ctx, resetLink("lea@example.lu", resetHash, time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if err := s.MailLink(ctx, postgres.LinkRequest{Email: "nobody@example.lu", Purpose: postgres.PurposeResetPassword, TokenHash: []byte("x"),
		ExpiresAt: time.Now().Add(time.Hour), Compose: func(p core.Participant) core.Mail { t.Fatal("mail composed for unknown address"); return core.Mail{} }}); err != nil {
		t.Fatalf("reset for unknown address: %v", err)
	}
	if err := s.MailLink(ctx, postgres.LinkRequest{Email: "lea@example.lu", Purpose: postgres.PurposeVerifyEmail, TokenHash: []byte("y"),
		ExpiresAt: time.Now().Add(time.Hour), Compose: func(p core.Participant) core.Mail {
			t.Fatal("confirmation composed for a confirmed account")
			return core.Mail{}
		}}); err != nil {
		t.Fatalf("confirmation for confirmed address: %v", err)
	}
	if err := s.CheckLink(ctx, postgres.PurposeResetPassword, resetHash); err != nil {
		t.Fatalf("fresh reset link: %v", err)
	}
	newHash, _ := core.HashPassword("third password")
	if _, err := s.ResetPassword(ctx, resetHash, newHash); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionParticipant(ctx, sessHash); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("session survived a password reset: %v", err)
	}
	if _, err := s.ResetPassword(ctx, resetHash, newHash); core.CodeOf(err) != core.CodeConflict {
		t.Fatalf("reset link reused: %v", err)
	}
	// Every change left its event, with increasing revisions.
	evs := eventsOf(t, s, p.ID)
	kinds := ""
	for i, e := range evs {
		kinds += e.Kind + " "
		if e.Revision != i+1 {
			t.Errorf("event %d has revision %d", i, e.Revision)
		}
	}
	if kinds != "created updated verified updated " {
		t.Fatalf("event kinds %q", kinds)
	}
}

func TestExpiredLink(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s := storeAt(t, &now)
	p := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	_, hash := core.NewToken()
	if err := s.MailLink(ctx, resetLink(p.Email, hash, now.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	now = now.Add(61 * time.Minute)
	if err := s.CheckLink(ctx, postgres.PurposeResetPassword, hash); core.CodeOf(err) != core.CodeInvalid {
		t.Fatalf("expired link: %v", err)
	}
	if _, err := s.ResetPassword(ctx, hash, "x"); core.CodeOf(err) != core.CodeInvalid {
		t.Fatalf("reset with expired link: %v", err)
	}
}

func TestSessionsExpire(t *testing.T) {
	now := time.Now()
	s := storeAt(t, &now)
	p := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	_, hash := core.NewToken()
	if err := s.CreateSession(ctx, p.ID, hash, now.Add(time.Hour), "ua"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SessionParticipant(ctx, hash); err != nil || got.ID != p.ID {
		t.Fatalf("live session: %+v %v", got, err)
	}
	now = now.Add(2 * time.Hour)
	if _, err := s.SessionParticipant(ctx, hash); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("expired session: %v", err)
	}
	if n, err := s.DeleteExpired(ctx); err != nil || n != 1 {
		t.Fatalf("DeleteExpired = %d, %v; want 1 session", n, err)
	}
}

func TestRateLimitCountsPerWindow(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 30, 0, time.UTC)
	s := storeAt(t, &now)
	for i := 1; i <= 3; i++ {
		hits, reset, err := s.HitRateLimit(ctx, "login_ip", "192.0.2.1", time.Minute)
		if err != nil || hits != i || !reset.Equal(time.Date(2026, 11, 26, 12, 1, 0, 0, time.UTC)) {
			t.Fatalf("hit %d: %d, %v, %v", i, hits, reset, err)
		}
	}
	if hits, _, _ := s.HitRateLimit(ctx, "login_ip", "192.0.2.2", time.Minute); hits != 1 {
		t.Fatalf("other key shares the counter: %d", hits)
	}
	now = now.Add(time.Minute)
	if hits, _, _ := s.HitRateLimit(ctx, "login_ip", "192.0.2.1", time.Minute); hits != 1 {
		t.Fatalf("new window starts at %d", hits)
	}
}

func TestDeleteAccountKeepsRowErasesPersonalData(t *testing.T) {
	s := pgtest.Store(t)
	p := newAccount(t, s, "lea@example.lu", core.RoleManager)
	_, sh := core.NewToken()
	_ = s.CreateSession(ctx, p.ID, sh, time.Now().Add(time.Hour), "ua")
	_, th := core.NewToken()
	if _, err := s.CreateAPIToken(ctx, p.ID, "script", th); err != nil {
		t.Fatal(err)
	}
	data, err := s.AccountData(ctx, p.ID)
	if err != nil || data.Participant.Email != "lea@example.lu" || len(data.Sessions) != 1 || len(data.APITokens) != 1 || len(data.Events) != 0 {
		t.Fatalf("account data before deletion: %+v, %v", data, err)
	}
	if err := s.DeleteAccount(ctx, p.ID, false); err != nil {
		t.Fatal(err)
	}
	got, err := s.Participant(ctx, p.ID)
	if err != nil || !got.Deleted() || got.Email != "" || got.DisplayName != "" || got.Role != core.RoleCitizen {
		t.Fatalf("after deletion: %+v, %v", got, err)
	}
	if _, err := s.APITokenParticipant(ctx, th); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("API token survived deletion: %v", err)
	}
	if _, _, err := s.Credentials(ctx, "lea@example.lu"); core.CodeOf(err) != core.CodeNotFound {
		t.Fatal("credentials survived deletion")
	}
	// The address is free again.
	newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	if err := s.DeleteAccount(ctx, p.ID, false); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("deleting twice: %v", err)
	}
	evs := eventsOf(t, s, p.ID)
	if last := evs[len(evs)-1]; last.Kind != core.EventDeleted || last.Data["content_removed"] != false {
		t.Fatalf("last event %+v", last)
	}
}

func TestOutboxRetriesThenGivesUp(t *testing.T) {
	s := pgtest.Store(t)
	_, hash := core.NewToken()
	p := newAccount(t, s, "lea@example.lu", core.RoleCitizen)
	if err := s.MailLink(ctx, resetLink(p.Email, hash, time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	claimed, err := s.ClaimDueMail(ctx, 10, time.Minute)
	if err != nil || len(claimed) != 1 || claimed[0].Attempts != 1 {
		t.Fatalf("claim: %+v, %v", claimed, err)
	}
	// Leased: a second claimer gets nothing.
	if again, _ := s.ClaimDueMail(ctx, 10, time.Minute); len(again) != 0 {
		t.Fatalf("leased mail claimed twice: %+v", again)
	}
	if err := s.MailFailed(ctx, claimed[0].ID, "connection refused", time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	retry, _ := s.ClaimDueMail(ctx, 10, time.Minute)
	if len(retry) != 1 || retry[0].Attempts != 2 || retry[0].Mail.Body != "link" {
		t.Fatalf("retry: %+v", retry)
	}
	if err := s.MailFailed(ctx, retry[0].ID, "still refused", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if gone, _ := s.ClaimDueMail(ctx, 10, 0); len(gone) != 0 {
		t.Fatalf("given-up mail claimed again: %+v", gone)
	}
}
