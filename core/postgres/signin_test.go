package postgres_test

import (
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// A provider's identity finds its account again; once that account is
// deleted (with an address or without one), the same identity opens a new
// account rather than failing on the erased one.
func TestSignInAfterDeletingTheAccount(t *testing.T) {
	s := pgtest.Store(t)
	withMail := core.ExternalIdentity{Provider: "hoplr", Subject: "m-1", Name: "Léa", Email: "lea@example.lu", EmailVerified: true}
	without := core.ExternalIdentity{Provider: "hoplr", Subject: "m-2", Name: "Tom"}
	first, err := s.SignIn(ctx, withMail)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := s.SignIn(ctx, withMail); err != nil || again.ID != first.ID {
		t.Fatalf("the same identity again: %v %+v", err, again)
	}
	member, err := s.SignIn(ctx, without)
	if err != nil || member.Email != "" {
		t.Fatalf("an identity without an address: %v %+v", err, member)
	}
	for _, c := range []struct {
		id core.ExternalIdentity
		p  core.Participant
	}{{withMail, first}, {without, member}} {
		if err := s.DeleteAccount(ctx, c.p.ID, false); err != nil {
			t.Fatalf("deleting %s: %v", c.id.Subject, err)
		}
		fresh, err := s.SignIn(ctx, c.id)
		if err != nil || fresh.ID == c.p.ID || fresh.Deleted() {
			t.Fatalf("signing in as %s after deletion: %v %+v", c.id.Subject, err, fresh)
		}
	}
}

// A mail to an account without an address is not queued: no attempt could
// deliver it.
func TestNoMailToNobody(t *testing.T) {
	s := pgtest.Store(t)
	member, err := s.SignIn(ctx, core.ExternalIdentity{Provider: "hoplr", Subject: "m-3", Name: "Tom"})
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := core.HashPassword("correct horse battery")
	if _, err := s.ChangePassword(ctx, member.ID, hash, nil, core.Mail{To: member.Email, Subject: "changed"}); err != nil {
		t.Fatal(err)
	}
	if mails := claimAll(t, s); len(mails) != 0 {
		t.Fatalf("queued: %q", mails)
	}
}

// A provider's member without an address who confirms one becomes a
// registered participant (the indicators count them).
func TestMemberWhoAddsAnAddressIsRegistered(t *testing.T) {
	s := pgtest.Store(t)
	member, err := s.SignIn(ctx, core.ExternalIdentity{Provider: "hoplr", Subject: "m-4", Name: "Tom"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.CountParticipants(ctx)
	err = s.RequestEmailChange(ctx, postgres.EmailChange{ParticipantID: member.ID, NewEmail: "tom@example.lu", TokenHash: []byte("t-4"),
		ExpiresAt: time.Now().Add(time.Hour), Confirm: func(p core.Participant, to string) core.Mail { return core.Mail{To: to, Subject: "link"} },
		Taken: func(o core.Participant) core.Mail { return core.Mail{To: o.Email, Subject: "taken"} }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChangeEmail(ctx, []byte("t-4"), func(p core.Participant, old string) core.Mail { return core.Mail{To: old, Subject: "changed"} }); err != nil {
		t.Fatal(err)
	}
	after, _ := s.CountParticipants(ctx)
	if after.Total != before.Total+1 {
		t.Fatalf("registered participants: %d then %d", before.Total, after.Total)
	}
	if mails := claimAll(t, s); len(mails) != 1 || mails[0] != "tom@example.lu link" {
		t.Fatalf("mails: %q (none to the old address, there was none)", mails)
	}
}
