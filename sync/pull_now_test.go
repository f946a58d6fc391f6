package sync

import (
	"testing"
	"time"

	"github.com/riverqueue/river"

	"quartier/connectors/hoplr/fake"
	"quartier/core"
)

// A pull asked for by staff runs even when the schedule's pull waits to be
// retried (the remote was down) or runs already: it is not taken for a
// duplicate of it. A second click while the asked pull waits adds nothing.
func TestPullAskedByStaffIsNotSwallowedByTheScheduledOne(t *testing.T) {
	w := newWorld(t)
	e := w.engine(nil)
	// The schedule's pull, waiting for its retry in an hour.
	scheduled, err := e.client.Insert(ctx, pullArgs{Connector: "hoplr"}, &river.InsertOpts{UniqueOpts: pendingOnce, ScheduledAt: time.Now().Add(time.Hour)})
	if err != nil || scheduled.UniqueSkippedAsDuplicate {
		t.Fatalf("scheduled pull: %+v %v", scheduled, err)
	}
	pollID, pollMsg := w.yesNoPoll(core.Consultation{ProjectID: w.project(), Title: "Fermer la rue le samedi ?", Eligibility: core.EligibleAnyone},
		"Fermer la rue de Warken le samedi ?")
	w.app.Join(fake.Member{ID: "u-1", FirstName: "Anne K.", NeighbourhoodID: "n-east"})
	w.app.React(pollMsg.ID, "u-1", "up", 0, "")

	if err := e.PullNow(ctx, "hoplr"); err != nil {
		t.Fatal(err)
	}
	w.eventually("the reaction asked for is pulled", 20*time.Second, func() bool { return w.tallies(pollID)["yes"] == 1 })

	// Two clicks while nothing can run: one asked pull waits, not two.
	if err := e.client.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := e.PullNow(ctx, "hoplr"); err != nil {
			t.Fatal(err)
		}
	}
	var waiting int
	if err := w.store.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'pull' AND state = 'available' AND args->>'asked' = 'true'`).Scan(&waiting); err != nil {
		t.Fatal(err)
	}
	if waiting != 1 {
		t.Fatalf("%d asked pulls waiting, want 1", waiting)
	}
}

// A click while the asked pull runs queues one more (the running one may have
// fetched before what staff clicked for); further clicks while that one waits
// add nothing, and both run to the end.
func TestPullAskedWhileOneRunsQueuesOneMore(t *testing.T) {
	w := newWorld(t)
	e := w.engine(nil)
	w.app.Slow(800 * time.Millisecond)
	asked := func(states string) int {
		var n int
		if err := w.store.Pool().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'pull' AND args->>'asked' = 'true' AND state::text = ANY(string_to_array($1, ','))`, states).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := e.PullNow(ctx, "hoplr"); err != nil {
		t.Fatal(err)
	}
	w.eventually("the asked pull runs", 10*time.Second, func() bool { return asked("running") == 1 })
	for range 3 {
		if err := e.PullNow(ctx, "hoplr"); err != nil {
			t.Fatal(err)
		}
	}
	if n := asked("available,running,pending,scheduled,retryable"); n != 2 {
		t.Fatalf("%d asked pulls waiting or running after three clicks during a pull, want 2", n)
	}
	w.eventually("both asked pulls end", 30*time.Second, func() bool { return asked("completed") == 2 })
}
