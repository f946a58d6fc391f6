package web_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Flyer PDFs older than a day are removed even when no new run starts; a
// fresh one and files that are not flyers stay.
func TestOldFlyersAreSweptWithoutANewRun(t *testing.T) {
	dir := t.TempDir()
	a := newApp(t, func(c *webConfig) { c.FlyerDir = dir })
	old, fresh, other := filepath.Join(dir, "flyers-3-1700000000000000.pdf"), filepath.Join(dir, "flyers-4-1800000000000000.pdf"), filepath.Join(dir, "notes.txt")
	for _, f := range []string{old, fresh, other} {
		if err := os.WriteFile(f, []byte("%PDF-"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	twoDaysAgo := time.Now().Add(-48 * time.Hour)
	for _, f := range []string{old, other} {
		if err := os.Chtimes(f, twoDaysAgo, twoDaysAgo); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.web.KeepFlyersSwept(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(old); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a flyer PDF two days old was not removed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	for _, f := range []string{fresh, other} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("%s removed: %v", filepath.Base(f), err)
		}
	}
}
