package web

import (
	"testing"
	"time"
)

// A request that waited in vain starts a shedding period: requests that find
// every slot taken are then refused without waiting, until the period ends and
// a request waits again; a slot freed during a wait goes to the waiting request.
func TestAdmissionShedsAfterAWaitInVain(t *testing.T) {
	const wait = 200 * time.Millisecond
	a := newAdmission(1, wait)
	a.shedFor = 600 * time.Millisecond
	never := make(chan struct{})
	timed := func() (bool, time.Duration) {
		start := time.Now()
		ok := a.acquire(never)
		return ok, time.Since(start)
	}

	if ok, _ := timed(); !ok {
		t.Fatal("a free slot was refused")
	}
	if ok, d := timed(); ok || d < wait {
		t.Fatalf("every slot taken, not shedding yet: admitted %v after %v, want a refusal after waiting %v", ok, d, wait)
	}
	if ok, d := timed(); ok || d >= wait/2 {
		t.Fatalf("shedding: admitted %v after %v, want a refusal without the wait", ok, d)
	}
	time.Sleep(a.shedFor)
	if ok, d := timed(); ok || d < wait {
		t.Fatalf("shedding over: admitted %v after %v, want a wait again", ok, d)
	}

	// Shedding or not, a free slot is taken at once.
	a.release()
	if ok, _ := timed(); !ok {
		t.Fatal("a freed slot was refused while shedding")
	}

	// Out of the shedding period, a slot freed during the wait is taken.
	time.Sleep(a.shedFor)
	go func() { time.Sleep(wait / 4); a.release() }()
	if ok, _ := timed(); !ok {
		t.Fatal("the slot freed during the wait went unused")
	}

	// A client that leaves while waiting is not admitted.
	time.Sleep(a.shedFor)
	gone := make(chan struct{})
	close(gone)
	if a.acquire(gone) {
		t.Fatal("a client that left was admitted")
	}
}
