package web

import (
	"testing"
	"time"
)

// A request that waited in vain starts a shedding period: while it lasts only
// two requests may wait for a slot and the others are refused without
// waiting; a slot freed during a wait goes to a waiting request; once the
// period ends, any number may wait again.
func TestAdmissionShedsAfterAWaitInVain(t *testing.T) {
	const wait = 300 * time.Millisecond
	a := newAdmission(1, wait, 0)
	a.shedFor = time.Hour // ended by hand below
	never := make(chan struct{})
	timed := func() (bool, time.Duration) {
		start := time.Now()
		ok := a.acquire(never)
		return ok, time.Since(start)
	}
	// waiters starts n requests that wait for a slot and returns their answers.
	waiters := func(n int) chan bool {
		answers := make(chan bool, n)
		for range n {
			go func() { answers <- a.acquire(never) }()
		}
		for deadline := time.Now().Add(time.Second); a.waiting.Load() < int64(n); {
			if time.Now().After(deadline) {
				t.Fatalf("%d requests waiting, want %d", a.waiting.Load(), n)
			}
			time.Sleep(time.Millisecond)
		}
		return answers
	}

	if ok, _ := timed(); !ok {
		t.Fatal("a free slot was refused")
	}
	if ok, d := timed(); ok || d < wait {
		t.Fatalf("every slot taken, not shedding yet: admitted %v after %v, want a refusal after waiting %v", ok, d, wait)
	}

	// Shedding: two wait, a third is refused at once; the slot freed goes
	// to one of the two.
	answers := waiters(2)
	if ok, d := timed(); ok || d >= wait/2 {
		t.Fatalf("shedding with two waiting: admitted %v after %v, want a refusal without the wait", ok, d)
	}
	a.release()
	if first, second := <-answers, <-answers; first == second {
		t.Fatalf("one freed slot, two waiting: admitted %v and %v, want exactly one", first, second)
	}

	// The period over, a third waits too (and, no slot freed, is refused).
	a.shedUntil.Store(0)
	answers = waiters(2)
	if ok, d := timed(); ok || d < wait {
		t.Fatalf("shedding over: admitted %v after %v, want a refusal after waiting %v", ok, d, wait)
	}
	<-answers
	<-answers

	// A client that leaves while waiting is not admitted.
	gone := make(chan struct{})
	close(gone)
	a.shedUntil.Store(0)
	for len(a.slots) < cap(a.slots) {
		a.slots <- struct{}{}
	}
	if a.acquire(gone) {
		t.Fatal("a client that left was admitted")
	}
}

// When no request has waited in vain lately, a request that finds every slot
// taken waits up to the burst wait (a burst or a paused machine's backlog is
// served); once one waited in vain, the waits are short until calm returns.
func TestAdmissionServesABurstWhenCalmAndWaitsShortWhenOverloaded(t *testing.T) {
	const wait, burst = 20 * time.Millisecond, 400 * time.Millisecond
	a := newAdmission(1, wait, burst)
	never := make(chan struct{})
	if !a.acquire(never) {
		t.Fatal("a free slot was refused")
	}
	// Calm: the slot freed after three times the short wait still goes to
	// the request waiting for it.
	go func() { time.Sleep(3 * wait); a.release() }()
	start := time.Now()
	if ok := a.acquire(never); !ok {
		t.Fatalf("calm, a slot freed after %v: refused after %v, want admitted", 3*wait, time.Since(start))
	}
	// No slot freed: refused after the burst wait, which makes the server
	// overloaded.
	start = time.Now()
	if ok, d := a.acquire(never), time.Since(start); ok || d < burst {
		t.Fatalf("calm, no slot freed: admitted %v after %v, want a refusal after %v", ok, d, burst)
	}
	// Overloaded (the shedding period ended by hand): the wait is short.
	a.shedUntil.Store(0)
	start = time.Now()
	if ok, d := a.acquire(never), time.Since(start); ok || d < wait || d >= burst {
		t.Fatalf("overloaded: admitted %v after %v, want a refusal after %v", ok, d, wait)
	}
	// Calm again (ended by hand): the burst wait is back.
	a.shedUntil.Store(0)
	a.overloadedUntil.Store(0)
	start = time.Now()
	if ok, d := a.acquire(never), time.Since(start); ok || d < burst {
		t.Fatalf("calm again: admitted %v after %v, want a refusal after %v", ok, d, burst)
	}
}

// A queue that stands (every admitted request waits longer than half the
// burst wait, for standingFor on end) counts as overload though nobody waits in vain; a
// burst that drains sooner does not.
func TestAdmissionTellsAStandingQueueFromABurst(t *testing.T) {
	a := newAdmission(1, time.Millisecond, 100*time.Millisecond)
	a.standingFor = 300 * time.Millisecond // the rule at the scale of these slower steps
	never := make(chan struct{})
	if !a.acquire(never) {
		t.Fatal("a free slot was refused")
	}
	// The slot frees every step, each time for the next waiter: each waits
	// longer than half the burst wait, and is served within it (40 ms to
	// spare: a loaded machine wakes a sleeper late; 10 ms failed in CI).
	step := 60 * time.Millisecond
	waitForSlot := func() {
		t.Helper()
		go func() { time.Sleep(step); a.release() }()
		if !a.acquire(never) {
			t.Fatal("refused while a slot was freed within the burst wait")
		}
	}
	const burst = 2 // waits that end well before standingFor
	if burst*step > a.standingFor*2/3 {
		t.Fatalf("a burst of %d waits of %v is not short against %v", burst, step, a.standingFor)
	}
	for range burst {
		waitForSlot()
	}
	a.release()
	if !a.acquire(never) { // the queue drained: a slot at once
		t.Fatal("a free slot was refused")
	}
	if a.overloaded() != 0 {
		t.Fatalf("a burst that drained in %v made the server overloaded", time.Duration(burst)*step)
	}
	// Now the waits go on: after standingFor the server is overloaded, and
	// the next request waits the short wait only.
	for i := 0; a.overloaded() == 0; i++ {
		if i == 20 {
			t.Fatalf("%d waits of %v on end, still calm", i, step)
		}
		waitForSlot()
	}
	start := time.Now()
	if ok, d := a.acquire(never), time.Since(start); ok || d > 100*time.Millisecond {
		t.Fatalf("overloaded: admitted %v after %v, want a refusal after the short wait", ok, d)
	}
}
