package sync

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quartier/connectors/hoplr/fake"
	"quartier/core"
)

// A delivery whose call times out after the app has created the post records
// the post only on a later attempt. The votes members gave it in between are
// kept by the pulls that see them, and imported once the post is recorded.
func TestVotesOnAPostRecordedLateAreImported(t *testing.T) {
	w := newWorld(t)
	releaseCh := make(chan struct{})
	var held atomic.Bool
	e := w.engine(func(o *Options) {
		o.afterPublish = func(pub core.Publication, _ core.Published) error {
			if pub.Entity == core.EntityConsultation && held.CompareAndSwap(false, true) {
				<-releaseCh
				return errors.New("the call timed out after the app had created the post")
			}
			return nil
		}
	})
	w.startPullDone("hoplr")
	var released sync.Once
	release := func() { released.Do(func() { close(releaseCh) }) }
	t.Cleanup(release) // before the engine stops (cleanups run last first), should the test fail while the call is held
	const prompt = "Un marché le dimanche ?"
	pollID := w.publishYesNoPoll(core.Consultation{ProjectID: w.project(), Title: "Marché du dimanche", Eligibility: core.EligibleAnyone}, prompt)
	w.eventually("the poll is in the app, not recorded", 30*time.Second, func() bool { return len(w.messagesTitled(prompt)) == 1 })
	msg := w.messagesTitled(prompt)[0]

	w.app.Join(fake.Member{ID: "u-1", FirstName: "Anne K.", NeighbourhoodID: "n-east"})
	w.app.Join(fake.Member{ID: "u-2", FirstName: "Jos M.", NeighbourhoodID: "n-west"})
	w.app.React(msg.ID, "u-1", "up", 0, "")
	w.app.React(msg.ID, "u-2", "down", 0, "")
	rep, err := e.Pull(ctx, "hoplr")
	if err != nil || rep.Ignored != 2 || rep.Imported != 0 {
		t.Fatalf("pull before the record: %+v %v (want the two votes kept aside)", rep, err)
	}
	if _, recorded, _ := w.store.RemoteRefOf(ctx, "hoplr", core.EntityConsultation, pollID); recorded {
		t.Fatal("the poll was recorded while its delivery was held")
	}
	if st, err := e.Status(ctx); err != nil || st[0].Parked != 2 {
		t.Fatalf("staff's status: %+v %v (want 2 kept)", st, err)
	}

	release()
	w.eventually("the retry records the poll", 30*time.Second, func() bool {
		_, recorded, _ := w.store.RemoteRefOf(ctx, "hoplr", core.EntityConsultation, pollID)
		return recorded
	})
	if n := len(w.messagesTitled(prompt)); n != 1 {
		t.Fatalf("%d messages for the poll after the retry", n)
	}
	w.app.Join(fake.Member{ID: "u-3", FirstName: "Sophie L.", NeighbourhoodID: "n-east"})
	w.app.React(msg.ID, "u-3", "up", 0, "") // a vote after the record, in the same pull
	rep, err = e.Pull(ctx, "hoplr")
	if err != nil || rep.Imported != 3 {
		t.Fatalf("pull after the record: %+v %v (want the two kept votes and the new one)", rep, err)
	}
	if counts := w.tallies(pollID); counts["yes"] != 2 || counts["no"] != 1 {
		t.Fatalf("tallies %v, want 2 yes and 1 no", counts)
	}

	if st, err := e.Status(ctx); err != nil || st[0].Parked != 0 {
		t.Fatalf("staff's status after the import: %+v %v (want none kept)", st, err)
	}

	// Nothing twice: the kept votes are gone from the side, and a pull from
	// the start brings every vote as a duplicate.
	if err := w.store.SavePullCursor(ctx, "hoplr", ""); err != nil {
		t.Fatal(err)
	}
	again, err := e.Pull(ctx, "hoplr")
	if err != nil || again.Imported != 0 || again.Duplicates != 3 {
		t.Fatalf("pull from the start: %+v %v", again, err)
	}

	// Votes on a post that is never recorded are kept a month, then only
	// remembered as ignored.
	w.app.React("m-unknown", "u-1", "up", 0, "")
	if rep, err := e.Pull(ctx, "hoplr"); err != nil || rep.Ignored != 1 {
		t.Fatalf("vote on an unknown post: %+v %v", rep, err)
	}
	if err := w.store.ForgetParkedImports(ctx, "hoplr", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if kept, err := w.store.ParkedImports(ctx, "hoplr", []string{"m-unknown"}); err != nil || len(kept) != 0 {
		t.Fatalf("kept after a month: %v %v", kept, err)
	}
}
