package sync

import (
	"context"
	"errors"
	stdsync "sync"
	"testing"
	"time"

	"quartier/connectors/hoplr/fake"
	"quartier/core"
)

// A member's post becomes an idea with the commune's answer deadline;
// neighbours' "up" on it support it; the one that brings it to the commune's
// threshold (not the default one) sends it to review and queues its
// follow-up task once; a task that fails is run again.
func TestSupportFromTheAppStartsTheReviewFollowUp(t *testing.T) {
	w := newWorld(t)
	var mu stdsync.Mutex
	var runs []int64
	e := w.engine(func(o *Options) {
		o.FollowUp = core.FollowUp{SupportThreshold: 2, ReviewDays: 30, AnswerDays: 45}
		o.Tasks = []Task{{Name: core.TaskReviewFollowUp, Run: func(ctx context.Context, id int64) error {
			mu.Lock()
			defer mu.Unlock()
			runs = append(runs, id)
			if len(runs) == 1 {
				return errors.New("the mail queue is down") // retried
			}
			return nil
		}}}
	})
	w.app.Join(fake.Member{ID: "u-1", FirstName: "Anne K.", NeighbourhoodID: "n-east"})
	w.app.Join(fake.Member{ID: "u-2", FirstName: "Jos M.", NeighbourhoodID: "n-west"})
	w.app.Join(fake.Member{ID: "u-3", FirstName: "Sophie L.", NeighbourhoodID: "n-lux"})
	// A member's post to the commune becomes an idea; neighbours' "up" on the
	// post supports it (the first on the same page as the post: the fake's
	// pages hold two items), and a comment on it becomes a comment on the idea.
	post := w.app.Post("u-1", "Un banc devant l'école", "Les parents attendent debout devant l'école primaire.", 49.847, 6.104)
	w.app.React(post, "u-2", "up", 0, "")
	w.app.Comment(post, "u-3", "Oui, et un peu d'ombre aussi.")
	w.app.React(post, "u-3", "up", 0, "")
	if _, err := e.Pull(ctx, "hoplr"); err != nil {
		t.Fatal(err)
	}
	remote, ok, err := w.store.ImportedFrom(ctx, "hoplr", core.EntityIdea, 1)
	if err != nil || !ok || remote != post {
		t.Fatalf("the post was not imported as idea 1: %q %v %v", remote, ok, err)
	}
	idea, err := w.store.Idea(ctx, 1)
	if err != nil || idea.SupportCount != 2 || idea.Status != core.IdeaInReview || idea.CommentCount != 1 {
		t.Fatalf("idea after two supports and a comment from the app: %+v %v", idea, err)
	}
	// The commune's answer deadline (45 days), not the default (60).
	if days := idea.AnswerDueOn.Sub(idea.CreatedAt).Hours() / 24; days < 44 || days > 46 {
		t.Fatalf("answer due %v after %v: %.1f days, want 45", idea.AnswerDueOn, idea.CreatedAt, days)
	}
	w.eventually("the follow-up runs again after its failure", 30*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(runs) == 2
	})
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != 2 || runs[0] != idea.ID || runs[1] != idea.ID {
		t.Fatalf("follow-up runs %v, want idea %d twice (a failure, then its retry)", runs, idea.ID)
	}
}

// Tasks queued outside a transaction by many requests at once are inserted in
// batches and each runs once, also when it was twice in one batch.
func TestTasksQueuedTogetherRunOnceEach(t *testing.T) {
	w := newWorld(t)
	var mu stdsync.Mutex
	runs := map[int64]int{}
	counting := func(o *Options) { // a task that counts its runs per id
		o.Tasks = []Task{{Name: "count", Run: func(ctx context.Context, id int64) error {
			mu.Lock()
			defer mu.Unlock()
			runs[id]++
			return nil
		}}}
	}
	e := w.engine(counting)
	var wg stdsync.WaitGroup
	for id := range int64(200) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.Enqueue(ctx, "count", id+1); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// The same task twice in one batch (a support withdrawn and given again
	// at the threshold) is inserted once, not refused with the batch.
	if err := e.insertTasks(ctx, []taskArgs{{Name: "count", ID: 300}, {Name: "count", ID: 300}}); err != nil {
		t.Fatal(err)
	}
	w.eventually("every task runs", 30*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(runs) == 201
	})
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	for id, n := range runs {
		if n != 1 || (id > 200 && id != 300) {
			t.Fatalf("task %d ran %d times", id, n)
		}
	}
	mu.Unlock()
	// A task enqueued just before the engine stops is queued by Stop, and
	// runs on the next engine.
	if err := e.Enqueue(ctx, "count", 500); err != nil {
		t.Fatal(err)
	}
	stop, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := e.Stop(stop); err != nil {
		t.Fatal(err)
	}
	w.engine(counting)
	w.eventually("the task left at the stop runs on the next engine", 30*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return runs[500] == 1
	})
}
