package core

import (
	"fmt"
	"slices"
	"testing"
)

// The draw's stream is specified so that anyone can redo it: this expected
// result was computed independently (Python's hashlib, the same Fisher–Yates)
// for volunteers 1 to 10, seed "conseil-warken-2027", three seats.
func TestDrawLotsMatchesAnIndependentImplementation(t *testing.T) {
	var vs []Volunteer
	for id := int64(10); id >= 1; id-- { // any input order: the draw sorts by id
		vs = append(vs, Volunteer{ParticipantID: id})
	}
	d := DrawLots("conseil-warken-2027", 3, vs, false, nil)
	if !slices.Equal(d.Drawn, []int64{1, 10, 5}) {
		t.Fatalf("drawn %v, want [1 10 5]", d.Drawn)
	}
	if again := DrawLots("conseil-warken-2027", 3, vs, false, nil); !slices.Equal(again.Drawn, d.Drawn) {
		t.Fatal("the same seed drew differently")
	}
	if other := DrawLots("conseil-warken-2028", 3, vs, false, nil); slices.Equal(other.Drawn, d.Drawn) {
		t.Fatal("another seed drew the same")
	}
}

func TestStratifiedDrawFollowsStreets(t *testing.T) {
	// Street 1 has 60 letterboxes and 3 volunteers, street 2 has 30 and 10
	// volunteers, street 3 has 10 and 10 volunteers: 10 seats → 6, 3, 1 by
	// population, but street 1 can fill only 3, so its 3 others go to streets
	// 2 and 3 in proportion (30:10 of 7 seats → 5, 2).
	var vs []Volunteer
	id := int64(1)
	for street, n := range map[int64]int{1: 3, 2: 10, 3: 10} {
		for range n {
			vs = append(vs, Volunteer{ParticipantID: id, StreetID: street})
			id++
		}
	}
	d := DrawLots("graine", 10, vs, true, map[int64]int{1: 60, 2: 30, 3: 10})
	if fmt.Sprint(d.Quotas) != "map[1:3 2:5 3:2]" {
		t.Fatalf("quotas %v", d.Quotas)
	}
	per := map[int64]int{}
	street := map[int64]int64{}
	for _, v := range vs {
		street[v.ParticipantID] = v.StreetID
	}
	seen := map[int64]bool{}
	for _, p := range d.Drawn {
		if seen[p] {
			t.Fatalf("%d drawn twice", p)
		}
		seen[p] = true
		per[street[p]]++
	}
	if len(d.Drawn) != 10 || per[1] != 3 || per[2] != 5 || per[3] != 2 {
		t.Fatalf("drawn per street %v (%d)", per, len(d.Drawn))
	}
	// More seats than volunteers: everyone sits.
	if all := DrawLots("graine", 50, vs, true, nil); len(all.Drawn) != len(vs) {
		t.Fatalf("%d drawn of %d", len(all.Drawn), len(vs))
	}
}

// Over many seeds each volunteer is drawn about equally often (3 of 10: 30 %).
func TestDrawLotsIsFair(t *testing.T) {
	var vs []Volunteer
	for id := int64(1); id <= 10; id++ {
		vs = append(vs, Volunteer{ParticipantID: id})
	}
	count := map[int64]int{}
	const runs = 20000
	for i := range runs {
		for _, p := range DrawLots(fmt.Sprint("seed-", i), 3, vs, false, nil).Drawn {
			count[p]++
		}
	}
	for id, n := range count {
		if share := float64(n) / runs; share < 0.28 || share > 0.32 {
			t.Errorf("volunteer %d drawn %.3f of the time, want about 0.30", id, share)
		}
	}
}
