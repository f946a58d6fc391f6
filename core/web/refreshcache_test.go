package web

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A crowd asking for a missing key costs one read, and shares its result.
func TestRefreshCacheReadsAMissingKeyOnce(t *testing.T) {
	c := newRefreshCache[string, int](time.Second, time.Second, 10, nil)
	var reads atomic.Int32
	release := make(chan struct{})
	load := func(context.Context) (int, error) {
		reads.Add(1)
		<-release
		return 42, nil
	}
	now := time.Now()
	var wg sync.WaitGroup
	got := make([]int, 50)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = c.get(context.Background(), "k", now, load)
		}()
	}
	time.Sleep(50 * time.Millisecond) // all of them asking
	close(release)
	wg.Wait()
	if reads.Load() != 1 {
		t.Fatalf("%d reads for one key", reads.Load())
	}
	for _, v := range got {
		if v != 42 {
			t.Fatalf("got %v", got)
		}
	}
	if v, _ := c.get(context.Background(), "k", now.Add(400*time.Millisecond), load); v != 42 || reads.Load() != 1 {
		t.Fatalf("fresh entry read again: %d reads", reads.Load())
	}
}

// An expired entry is read again by one caller while the others get the old
// value; past its grace, callers wait for a fresh read.
func TestRefreshCacheServesTheOldValueWhileOneRefreshes(t *testing.T) {
	c := newRefreshCache[string, int](time.Second, time.Second, 10, nil)
	now := time.Now()
	if _, err := c.get(context.Background(), "k", now, func(context.Context) (int, error) { return 1, nil }); err != nil {
		t.Fatal(err)
	}
	later := now.Add(1100 * time.Millisecond) // past the ttl, within the grace
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan int)
	go func() {
		v, _ := c.get(context.Background(), "k", later, func(context.Context) (int, error) { close(started); <-release; return 2, nil })
		done <- v
	}()
	<-started
	v, _ := c.get(context.Background(), "k", later, func(context.Context) (int, error) { t.Error("a second refresh"); return 3, nil })
	if v != 1 {
		t.Fatalf("during the refresh got %d, want the old 1", v)
	}
	close(release)
	if v := <-done; v != 2 {
		t.Fatalf("the refreshing caller got %d", v)
	}
	if v, _ := c.get(context.Background(), "k", later, nil); v != 2 {
		t.Fatalf("after the refresh got %d", v)
	}
	gone := later.Add(3 * time.Second) // past ttl and grace
	if v, _ := c.get(context.Background(), "k", gone, func(context.Context) (int, error) { return 4, nil }); v != 4 {
		t.Fatalf("past the grace got %d, want a fresh read", v)
	}
}

// Errors and unwanted values are not kept; a key forgotten during its read is
// not stored by that read.
func TestRefreshCacheKeepsNoErrorsAndForgets(t *testing.T) {
	c := newRefreshCache[string, int](time.Minute, time.Minute, 10, func(v int) bool { return v > 0 })
	now := time.Now()
	boom := errors.New("database down")
	if _, err := c.get(context.Background(), "k", now, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	if v, _ := c.get(context.Background(), "k", now, func(context.Context) (int, error) { return -1, nil }); v != -1 {
		t.Fatal(v)
	}
	if v, _ := c.get(context.Background(), "k", now, func(context.Context) (int, error) { return 5, nil }); v != 5 {
		t.Fatalf("an error or an unwanted value was kept: got %d", v)
	}
	c.get(context.Background(), "f", now, func(context.Context) (int, error) { c.forget("f"); return 6, nil })
	if v, _ := c.get(context.Background(), "f", now, func(context.Context) (int, error) { return 7, nil }); v != 7 {
		t.Fatalf("a value forgotten during its read was kept: got %d", v)
	}
}
