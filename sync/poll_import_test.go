package sync

import (
	"testing"

	"quartier/connectors/hoplr/fake"
	"quartier/core"
)

// Votes on a poll are imported a page at a time with the rules of one at a
// time: a member who changes their mind has one response whose answer moves
// the tallies, a member outside the target is refused with the reason, an
// overlapping pull counts nothing twice, and the change log gets the new
// participants and responses.
func TestPollVotesImportedOncePerMember(t *testing.T) {
	w := newWorld(t)
	e := w.engine(nil)
	w.startPullDone("hoplr")
	project := w.project()
	target, err := w.store.SaveTarget(ctx, w.staff, core.Target{Name: "Ettelbruck",
		Definition: core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartArea, AreaID: w.ettelbrck}}}})
	if err != nil {
		t.Fatal(err)
	}
	pollID, pollMsg := w.yesNoPoll(core.Consultation{ProjectID: project, TargetID: target.ID, Title: "Zone 30 ?", Eligibility: core.EligibleRegistered},
		"Une zone 30 dans tout Ettelbruck ?")
	msg := pollMsg.ID
	events, _ := w.store.EventsAfter(ctx, 0, 100000)
	before := len(events)

	w.app.Join(fake.Member{ID: "u-1", FirstName: "Anne K.", NeighbourhoodID: "n-east"})
	w.app.Join(fake.Member{ID: "u-2", FirstName: "Jos M.", NeighbourhoodID: "n-west"})
	w.app.Join(fake.Member{ID: "u-3", FirstName: "Sophie L.", NeighbourhoodID: "n-lux"})
	w.app.React(msg, "u-1", "up", 0, "")
	w.app.React(msg, "u-1", "down", 0, "") // Anne changes her mind in the same pull
	w.app.React(msg, "u-2", "up", 0, "")
	w.app.React(msg, "u-3", "up", 0, "") // Luxembourg City: outside the target
	rep, err := e.Pull(ctx, "hoplr")
	if err != nil || rep.Imported != 3 || rep.Refused != 1 {
		t.Fatalf("first pull: %+v %v", rep, err)
	}
	tallies := func() map[string]int64 { return w.tallies(pollID) }
	if c := tallies(); c["yes"] != 1 || c["no"] != 1 || c[""] != 2 {
		t.Fatalf("tallies after the first pull: %v", c)
	}

	w.app.React(msg, "u-2", "down", 0, "") // Jos changes his mind a pull later
	if rep, err := e.Pull(ctx, "hoplr"); err != nil || rep.Imported != 1 {
		t.Fatalf("second pull: %+v %v", rep, err)
	}
	if c := tallies(); c["yes"] != 0 || c["no"] != 2 || c[""] != 2 {
		t.Fatalf("tallies after the second pull: %v", c)
	}
	if k, _ := w.store.Consultation(ctx, pollID); k.ResponseCount != 2 {
		t.Fatalf("%d responses", k.ResponseCount)
	}

	if err := w.store.SavePullCursor(ctx, "hoplr", ""); err != nil {
		t.Fatal(err)
	}
	if again, err := e.Pull(ctx, "hoplr"); err != nil || again.Imported != 0 || again.Refused != 0 || again.Duplicates != 5 {
		t.Fatalf("overlapping pull: %+v %v", again, err)
	}
	if c := tallies(); c["no"] != 2 || c[""] != 2 {
		t.Fatalf("tallies after the overlapping pull: %v", c)
	}

	st, err := e.Status(ctx)
	if err != nil || len(st[0].Refused) != 1 || st[0].Refused[0].Reason != "consult.block_outside" {
		t.Fatalf("refusals %+v %v", st[0].Refused, err)
	}
	events, _ = w.store.EventsAfter(ctx, 0, 100000)
	kinds := map[string]int{}
	for _, ev := range events[before:] {
		kinds[ev.Entity+" "+ev.Kind]++
	}
	if kinds["participant created"] != 2 || kinds["response created"] != 2 || kinds["response updated"] < 1 {
		t.Fatalf("change log: %v", kinds)
	}
}
