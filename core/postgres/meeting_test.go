package postgres_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// newMeeting stores and publishes a meeting starting after a delay.
func newMeeting(t *testing.T, s *postgres.Store, staff int64, capacity int, startsIn time.Duration) core.Meeting {
	t.Helper()
	start := time.Now().Add(startsIn).Truncate(time.Minute)
	m, err := core.NormalizeMeeting(core.Meeting{Kind: core.MeetingWork, Title: "Atelier place du marché", StartsAt: start,
		EndsAt: start.Add(2 * time.Hour), Location: "Centre culturel, Ettelbruck", Capacity: capacity})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID, err = s.SaveMeeting(ctx, staff, m, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishMeeting(ctx, staff, m.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.Meeting(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func mailTo(p core.Participant, m core.Meeting) core.Mail {
	return core.Mail{To: p.Email, Subject: "meeting " + m.Title, Body: "x"}
}

func TestMeetingCapacityAndWaitingListUnderConcurrentRegistrations(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	m := newMeeting(t, s, staff.ID, 5, 48*time.Hour)

	people := make([]core.Participant, 20)
	for i := range people {
		people[i] = newAccount(t, s, fmt.Sprintf("resident%02d@example.lu", i), core.RoleCitizen)
	}
	var wg sync.WaitGroup
	answers := make([][2]core.RegistrationStatus, len(people))
	for i, p := range people {
		wg.Add(2) // every one clicks twice at once
		for click := range 2 {
			go func() {
				defer wg.Done()
				st, err := s.RegisterForMeeting(ctx, m.ID, p.ID, nil)
				if err != nil {
					t.Error(err)
				}
				answers[i][click] = st
			}()
		}
	}
	wg.Wait()
	placed := 0
	for i, a := range answers {
		if a[0] != a[1] {
			t.Fatalf("resident %d clicked twice and was told %q, then %q", i, a[0], a[1])
		}
		if a[0] == core.Registered {
			placed++
		}
	}
	if placed != 5 {
		t.Fatalf("%d residents told they have a place; want 5", placed)
	}
	got, _ := s.Meeting(ctx, m.ID)
	if got.RegisteredCount != 5 || got.WaitingCount != 15 {
		t.Fatalf("registered %d, waiting %d; want 5 and 15", got.RegisteredCount, got.WaitingCount)
	}
	regs, err := s.MeetingRegistrations(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[core.RegistrationStatus]int{}
	for _, r := range regs {
		count[r.Status]++
	}
	if count[core.Registered] != 5 || count[core.Waiting] != 15 || len(regs) != 20 {
		t.Fatalf("rows: %v (%d)", count, len(regs))
	}

	// A registered participant gives up: the first on the waiting list moves up
	// and is told.
	firstWaiting := regs[5].Participant
	if err := s.CancelRegistration(ctx, m.ID, regs[0].Participant.ID, mailTo); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.MeetingRegistrationOf(ctx, m.ID, firstWaiting.ID); st != core.Registered {
		t.Fatalf("first waiting is now %q", st)
	}
	if n := pendingMailTo(t, s, firstWaiting.Email); n != 1 {
		t.Fatalf("promotion mails: %d", n)
	}
	if err := s.CancelRegistration(ctx, m.ID, regs[0].Participant.ID, mailTo); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("second cancellation: %v", err)
	}
	// Coming back after a cancellation: at the back of the queue.
	if st, err := s.RegisterForMeeting(ctx, m.ID, regs[0].Participant.ID, nil); err != nil || st != core.Waiting {
		t.Fatalf("again: %q %v", st, err)
	}
	// Staff add places: the waiting list moves up in order.
	got, _ = s.Meeting(ctx, m.ID)
	got.Capacity = 8
	if _, err := s.SaveMeeting(ctx, staff.ID, got, mailTo); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Meeting(ctx, m.ID)
	if got.RegisteredCount != 8 || got.WaitingCount != 12 {
		t.Fatalf("after more places: %d registered, %d waiting", got.RegisteredCount, got.WaitingCount)
	}
	if st, _ := s.MeetingRegistrationOf(ctx, m.ID, regs[0].Participant.ID); st != core.Waiting {
		t.Fatalf("the one who came back jumped the queue: %q", st)
	}
}

func pendingMailTo(t *testing.T, s *postgres.Store, to string) int {
	t.Helper()
	mails, err := s.ClaimDueMail(ctx, 1000, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range mails {
		if m.Mail.To == to {
			n++
		}
	}
	return n
}

func TestMeetingRefusesRegistrationsWhenNotOpen(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	p := newAccount(t, s, "resident@example.lu", core.RoleCitizen)

	draft, _ := core.NormalizeMeeting(core.Meeting{Kind: core.MeetingVisit, Title: "Visite du chantier", StartsAt: time.Now().Add(time.Hour),
		EndsAt: time.Now().Add(2 * time.Hour), Location: "Rue de la Gare"})
	id, err := s.SaveMeeting(ctx, staff.ID, draft, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RegisterForMeeting(ctx, id, p.ID, nil); core.CodeOf(err) != core.CodeNotFound {
		t.Fatalf("draft: %v", err)
	}
	started := newMeeting(t, s, staff.ID, 0, -time.Minute)
	if _, err := s.RegisterForMeeting(ctx, started.ID, p.ID, nil); core.CodeOf(err) != core.CodeConflict {
		t.Fatalf("started: %v", err)
	}
	later := newMeeting(t, s, staff.ID, 0, 72*time.Hour)
	if st, err := s.RegisterForMeeting(ctx, later.ID, p.ID, nil); err != nil || st != core.Registered {
		t.Fatalf("open: %q %v", st, err)
	}
	if err := s.CancelMeeting(ctx, staff.ID, later.ID, mailTo); err != nil {
		t.Fatal(err)
	}
	if err := s.CancelMeeting(ctx, staff.ID, later.ID, mailTo); err != nil {
		t.Fatal(err)
	}
	if n := pendingMailTo(t, s, p.Email); n != 1 {
		t.Fatalf("cancellation mails: %d, want 1", n)
	}
	var e *core.Error
	if _, err := s.RegisterForMeeting(ctx, later.ID, p.ID, nil); !errors.As(err, &e) || e.Key != "error.meeting_closed" {
		t.Fatalf("cancelled meeting: %v", err)
	}
}

func TestMeetingRemindersOnceEach(t *testing.T) {
	s := pgtest.Store(t)
	staff := newAccount(t, s, "staff@commune.lu", core.RoleManager)
	soon := newMeeting(t, s, staff.ID, 0, 3*time.Hour)
	far := newMeeting(t, s, staff.ID, 0, 96*time.Hour)
	a := newAccount(t, s, "a@example.lu", core.RoleCitizen)
	b := newAccount(t, s, "b@example.lu", core.RoleCitizen)
	for _, p := range []core.Participant{a, b} {
		for _, m := range []core.Meeting{soon, far} {
			if _, err := s.RegisterForMeeting(ctx, m.ID, p.ID, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.CancelRegistration(ctx, soon.ID, b.ID, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var total [2]int
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.SendMeetingReminders(ctx, 24*time.Hour, mailTo)
			if err != nil {
				t.Error(err)
			}
			total[i] = n
		}()
	}
	wg.Wait()
	if total[0]+total[1] != 1 {
		t.Fatalf("reminders: %v, want one in all (a for the soon meeting)", total)
	}
	if n := pendingMailTo(t, s, a.Email); n != 1 {
		t.Fatalf("mails to a: %d", n)
	}
	if n, _ := s.SendMeetingReminders(ctx, 24*time.Hour, mailTo); n != 0 {
		t.Fatalf("second run: %d", n)
	}
}
