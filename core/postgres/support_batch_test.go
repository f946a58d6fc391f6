package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// supportFixture makes n open ideas and m residents, inserted directly
// (account creation would hash m passwords), in the order of their ids.
func supportFixture(tb testing.TB, s *postgres.Store, n, m int) (ideas, people []int64) {
	tb.Helper()
	var author int64
	if err := s.Pool().QueryRow(ctx, `INSERT INTO participant (display_name, role, locale, member, created_at, updated_at)
		VALUES ('Auteur', 'citizen', 'fr', true, now(), now()) RETURNING id`).Scan(&author); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		in, _ := core.IdeaInput{Title: fmt.Sprintf("Idée %d", i), Body: "Pour compter les soutiens."}.Normalize()
		id, err := s.CreateIdea(ctx, author, in, 60)
		if err != nil {
			tb.Fatal(err)
		}
		ideas = append(ideas, id)
	}
	rows, err := s.Pool().Query(ctx, `INSERT INTO participant (display_name, role, locale, member, created_at, updated_at)
		SELECT 'Voisin ' || g, 'citizen', 'fr', true, now(), now() FROM generate_series(1, $1) g RETURNING id`, m)
	if err != nil {
		tb.Fatal(err)
	}
	if people, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		tb.Fatal(err)
	}
	slices.Sort(people)
	return ideas, people
}

// Supports clicked at the same moment share statements, and each is still
// answered and logged as if written alone: its own count, one change-log row
// with its own revision, and exactly one of them sends the idea to review.
func TestSupportsArrivingTogetherShareStatements(t *testing.T) {
	s := pgtest.Store(t)
	ideas, people := supportFixture(t, s, 3, 20) // 120 clicks: all may wait at once (supportWaitingMax)
	follow := core.FollowUp{SupportThreshold: 15, ReviewDays: 30, AnswerDays: 60}
	type answer struct {
		idea int64
		res  postgres.SupportResult
	}
	answers := make(chan answer, len(ideas)*len(people)*2)
	start := make(chan struct{})
	var wg sync.WaitGroup
	before := s.Statements()
	for _, idea := range ideas {
		for _, p := range people {
			for range 2 { // every support is a double click
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					res, err := s.Support(ctx, idea, p, core.ChannelWeb, follow)
					if err != nil {
						t.Error(err)
					}
					answers <- answer{idea, res}
				}()
			}
		}
	}
	close(start)
	wg.Wait()
	close(answers)
	// Alone, each support is one statement and each second click one more
	// (it reads why nothing changed).
	if n, alone := s.Statements()-before, int64(2*len(ideas)*len(people)); n >= alone {
		t.Errorf("the supports took %d statements, as many as written alone (%d)", n, alone)
	}
	// None of the batches may fail (each would then have been written one by
	// one, and the statement count above would not tell).
	if st := s.PoolStats(); st.SupportsBatched != int64(2*len(ideas)*len(people)) || st.SupportBatches >= st.SupportsBatched || st.FailedSupportBatches != 0 {
		t.Errorf("metrics: %d supports in %d batches, %d failed; want %d supports in fewer batches, none failed",
			st.SupportsBatched, st.SupportBatches, st.FailedSupportBatches, 2*len(ideas)*len(people))
	}
	counts := map[int64][]int{}
	reached := map[int64]int{}
	for a := range answers {
		if a.res.Changed {
			counts[a.idea] = append(counts[a.idea], a.res.SupportCount)
		}
		if a.res.ReachedReview {
			reached[a.idea]++
		}
	}
	all, err := s.EventsAfter(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	for _, idea := range ideas {
		got := counts[idea]
		slices.Sort(got)
		if len(got) != len(people) || got[0] != 1 || got[len(got)-1] != len(people) || len(slices.Compact(got)) != len(people) {
			t.Errorf("idea %d: the supports were answered with counts %v, want 1..%d once each", idea, got, len(people))
		}
		if reached[idea] != 1 {
			t.Errorf("idea %d: %d supports say they sent it to review, want 1", idea, reached[idea])
		}
		var revisions, logged []int
		for _, e := range all {
			if e.Entity == core.EntitySupport && e.EntityID == idea {
				revisions = append(revisions, e.Revision)
				logged = append(logged, int(e.Data["count"].(float64)))
			}
		}
		slices.Sort(revisions)
		slices.Sort(logged)
		if len(revisions) != len(people) || len(slices.Compact(slices.Clone(revisions))) != len(people) || revisions[len(revisions)-1]-revisions[0] != len(people)-1 {
			t.Errorf("idea %d: change-log revisions %v, want %d consecutive", idea, revisions, len(people))
		}
		if !slices.Equal(logged, got) {
			t.Errorf("idea %d: change log counts %v, answers %v", idea, logged, got)
		}
		i, _ := s.Idea(ctx, idea)
		steps, _ := s.IdeaSteps(ctx, idea)
		var inReview int
		for _, st := range steps {
			if st.Status == core.IdeaInReview {
				inReview++
			}
		}
		if i.SupportCount != len(people) || i.Status != core.IdeaInReview || inReview != 1 {
			t.Errorf("idea %d: count %d, status %s, %d review steps", idea, i.SupportCount, i.Status, inReview)
		}
	}
}

// A support whose caller gave up is written or not, and the caller's answer
// says which; a batch that fails (here, a person who does not exist) costs the
// others nothing: they are written one by one.
func TestSupportBatchesKeepEveryAnswerTrue(t *testing.T) {
	s := pgtest.Store(t)
	ideas, people := supportFixture(t, s, 2, 50)
	follow := core.FollowUp{SupportThreshold: 1000, ReviewDays: 30, AnswerDays: 60}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	errs := make([]error, len(people))
	var wg sync.WaitGroup
	for i, p := range people {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Support(gone, ideas[0], p, core.ChannelWeb, follow) // the caller has already gone
		}()
		go func() {
			defer wg.Done()
			if _, err := s.Support(ctx, ideas[1], p, core.ChannelWeb, follow); err != nil {
				t.Error(err)
			}
			if i%10 == 0 { // among them, supports that break their batch
				if _, err := s.Support(ctx, ideas[1], -p, core.ChannelWeb, follow); err == nil {
					t.Error("a support by nobody was accepted")
				}
			}
		}()
	}
	wg.Wait()
	var written int
	for i, p := range people {
		ok, err := s.Supports(ctx, ideas[0], p)
		if err != nil {
			t.Fatal(err)
		}
		if ok == (errs[i] != nil) {
			t.Errorf("support %d: written %v, but its caller was told %v", i, ok, errs[i])
		}
		if ok {
			written++
		}
	}
	first, _ := s.Idea(ctx, ideas[0])
	second, _ := s.Idea(ctx, ideas[1])
	if first.SupportCount != written || second.SupportCount != len(people) {
		t.Errorf("counters %d and %d, want %d and %d", first.SupportCount, second.SupportCount, written, len(people))
	}
	if s.PoolStats().FailedSupportBatches == 0 {
		t.Error("the supports by nobody did not fail their batches")
	}
	t.Logf("%d of %d supports whose caller had gone were written all the same (taken before the caller left)", written, len(people))
}

// While a batch cannot finish (here, its idea is locked by another
// transaction), supports wait up to a bound and the next are refused as busy,
// changing nothing; once the batch goes through every waiting support is
// written.
func TestSupportsWaitingBeyondTheBoundAreRefusedAsBusy(t *testing.T) {
	s := pgtest.Store(t)
	ideas, people := supportFixture(t, s, 1, 200)
	follow := core.FollowUp{SupportThreshold: 1000, ReviewDays: 30, AnswerDays: 60}
	lock, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(ctx)
	if _, err := lock.Exec(ctx, `SELECT 1 FROM idea WHERE id = $1 FOR UPDATE`, ideas[0]); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		res postgres.SupportResult
		err error
	}
	answers := make(chan answer, len(people))
	support := func(p int64) {
		res, err := s.Support(ctx, ideas[0], p, core.ChannelWeb, follow)
		answers <- answer{res, err}
	}
	go support(people[0]) // its batch waits for the lock
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var waiting bool
		if err := s.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database())`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first batch never waited for the lock")
		}
	}
	const bound = 128 // supportWaitingMax
	for _, p := range people[1:] {
		go support(p)
	}
	// Collect the refusals (they come back at once), then let the batch go.
	var busy int
	for deadline := time.Now().Add(5 * time.Second); busy < len(people)-1-bound; {
		select {
		case a := <-answers:
			if core.CodeOf(a.err) != core.CodeUnavailable {
				t.Fatalf("an answer before the lock was released: %+v, %v", a.res, a.err)
			}
			busy++
		case <-time.After(time.Until(deadline)):
			t.Fatalf("%d refused as busy, want %d", busy, len(people)-1-bound)
		}
	}
	if err := lock.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for range 1 + bound {
		if a := <-answers; a.err != nil || !a.res.Changed {
			t.Errorf("a waiting support: %+v, %v", a.res, a.err)
		}
	}
	if i, _ := s.Idea(ctx, ideas[0]); i.SupportCount != 1+bound {
		t.Errorf("count %d, want %d (the waiting supports, not the refused ones)", i.SupportCount, 1+bound)
	}
}
