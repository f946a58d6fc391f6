package sync

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// A batch that meets the app's rate limit stops calling, hands the rest over
// to wait for the reset, and everything arrives once.
func TestRateLimitedBatchWaitsForTheReset(t *testing.T) {
	w := newWorld(t)
	project := w.project()
	for i := range 12 {
		w.update(project, fmt.Sprintf("Étape %02d", i))
	}
	w.app.LimitRate(8, 2*time.Second) // the areas are read twice, six posts pass
	w.engine(func(o *Options) { o.Workers = 1; o.Connectors[0].Backfill = true })
	posts := func() int { return w.app.Calls("POST /api/v2/official-messages") }
	// Waiting for the refusal itself: calls are counted when they arrive and
	// messages when stored, so comparing the two caught a post in flight.
	w.eventually("the app refuses a post", 30*time.Second, func() bool { return w.app.RateLimited() > 0 })
	before := posts()
	time.Sleep(time.Second)
	if n := posts(); n != before {
		t.Fatalf("%d posts during the wait after the refusal (had %d)", n, before)
	}
	w.clock.add(2 * time.Second) // the app's window resets
	w.eventually("all twelve updates arrive", 40*time.Second, func() bool { return len(w.messagesTitled("Parc de Warken")) == 12 })
	time.Sleep(300 * time.Millisecond)
	seen := map[string]int{}
	for _, m := range w.messagesTitled("Parc de Warken") {
		seen[m.Title]++
	}
	for i := range 12 {
		if n := seen[fmt.Sprintf("Parc de Warken : Étape %02d", i)]; n != 1 {
			t.Fatalf("update %d delivered %d times: %v", i, n, seen)
		}
	}
	if n := posts(); n != 13 {
		t.Fatalf("%d posts: want 12 and the one refused", n)
	}
}

// A post the app refuses for good (a neighbourhood it retired) is listed with
// the app's error; once the areas are refreshed, staff's retry delivers it to
// the neighbourhoods that remain.
func TestRefusedDeliveryIsListedThenRetried(t *testing.T) {
	w := newWorld(t)
	e := w.engine(nil)
	project := w.project()
	// The areas are read at start, then by the areas job run on start.
	w.eventually("the app's areas are read twice", 30*time.Second, func() bool { return w.app.Calls("GET /api/v2/neighbourhoods") >= 2 })
	w.app.Retire("n-east")
	w.update(project, "Refusée")
	var failed []string
	var jobID int64
	w.eventually("the refusal is in the failed list", 30*time.Second, func() bool {
		st, err := e.Status(ctx)
		if err != nil || len(st) != 1 || len(st[0].Failed) != 1 {
			return false
		}
		f := st[0].Failed[0]
		jobID, failed = f.JobID, []string{f.Entity, f.Error}
		return true
	})
	if failed[0] != entityProjectUpdate || !strings.Contains(failed[1], "unknown_neighbourhood") {
		t.Fatalf("failed delivery %v", failed)
	}
	if n := len(w.app.Messages()); n != 0 {
		t.Fatalf("%d messages", n)
	}
	if _, err := e.RefreshAreas(ctx, "hoplr"); err != nil {
		t.Fatal(err)
	}
	if err := e.Retry(ctx, jobID); err != nil {
		t.Fatal(err)
	}
	w.eventually("the update arrives after the retry", 30*time.Second, func() bool { return len(w.messagesTitled("Parc de Warken")) == 1 })
	if m := w.messagesTitled("Parc de Warken")[0]; strings.Join(m.NeighbourhoodIDs, ",") != "n-west" {
		t.Fatalf("sent to %v", m.NeighbourhoodIDs)
	}
	st, err := e.Status(ctx)
	if err != nil || len(st[0].Failed) != 0 {
		t.Fatalf("status %+v %v", st, err)
	}
	// Only stopped deliveries can be retried or skipped: the delivered one no
	// more, an unknown job never (not found, not "unavailable").
	w.eventually("the retried delivery completes", 30*time.Second, func() bool {
		var ce *core.Error
		return errors.As(e.Retry(ctx, jobID), &ce) && ce.Code == core.CodeNotFound
	})
	var ce *core.Error
	if err := e.Skip(ctx, 1<<40); !errors.As(err, &ce) || ce.Code != core.CodeNotFound || ce.Key != "error.delivery_not_found" {
		t.Fatalf("skipping an unknown job: %v", err)
	}
}

// A batch that fails as a whole twice (here: the process "dies" after one of
// its posts, every time) hands its items over: the others are recorded on
// their own, the troublesome one waits for its own retries, and the app
// still holds one message per update.
func TestBatchFailingTwiceHandsItsItemsOver(t *testing.T) {
	w := newWorld(t)
	project := w.project()
	for _, title := range []string{"Un", "Coincé", "Trois"} {
		w.update(project, title)
	}
	e := w.engine(func(o *Options) {
		o.Connectors[0].Backfill = true
		o.afterPublish = func(p core.Publication, _ core.Published) error {
			if strings.HasSuffix(p.Title, "Coincé") {
				return errors.New("the process died here")
			}
			return nil
		}
	})
	recorded := func(title string) bool {
		for _, m := range w.messagesTitled("Parc de Warken : " + title) {
			local, _ := strconv.ParseInt(strings.TrimPrefix(m.IdempotencyKey, "quartier:project_update:"), 10, 64)
			ref, found, _ := w.store.RemoteRefOf(ctx, "hoplr", entityProjectUpdate, local)
			if found && ref.RemoteID == m.ID {
				return true
			}
		}
		return false
	}
	w.eventually("the other updates are recorded on their own", 30*time.Second, func() bool { return recorded("Un") && recorded("Trois") })
	if recorded("Coincé") {
		t.Fatal("the failing update was recorded")
	}
	w.eventually("the failing update waits on its own", 30*time.Second, func() bool {
		st, err := e.Status(ctx)
		return err == nil && st[0].Waiting == 1 && len(st[0].Failed) == 0
	})
	if n := len(w.messagesTitled("Parc de Warken")); n != 3 {
		t.Fatalf("%d messages for 3 updates", n)
	}
}
