package postgres_test

import (
	"testing"
	"time"
)

// A background run that stops progressing (its server stopped) shows as
// interrupted after two minutes; progress keeps it running, and finishing
// settles it.
func TestSilentRunShowsAsInterrupted(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	s := storeAt(t, &now)
	id, err := s.StartImportRun(ctx, "addresses", "caclr.csv", 0)
	if err != nil {
		t.Fatal(err)
	}
	status := func() string {
		t.Helper()
		r, err := s.ImportRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		recent, err := s.RecentImportRuns(ctx, 5)
		if err != nil || len(recent) != 1 || recent[0].Status != r.Status {
			t.Fatalf("recent runs %+v %v, one run %s", recent, err, r.Status)
		}
		return r.Status
	}
	now = now.Add(time.Minute)
	if err := s.ImportProgress(ctx, id, 1000, 160000); err != nil {
		t.Fatal(err)
	}
	now = now.Add(90 * time.Second)
	if got := status(); got != "running" {
		t.Fatalf("90 s after progress: %s", got)
	}
	now = now.Add(time.Minute)
	if got := status(); got != "interrupted" {
		t.Fatalf("150 s after progress: %s", got)
	}
	if err := s.FinishImportRun(ctx, id, map[string]any{}, nil, ""); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != "done" {
		t.Fatalf("finished: %s", got)
	}
}
