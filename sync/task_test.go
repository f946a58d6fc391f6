package sync

import (
	"context"
	"errors"
	stdsync "sync"
	"testing"
	"time"

	"quartier/connectors/hoplr/fake"
	"quartier/core"
	"quartier/core/postgres"
)

// A member's "up" that brings an idea to the commune's threshold (not the
// default one) sends it to review and queues its follow-up task once; a task
// that fails is run again.
func TestSupportFromTheAppStartsTheReviewFollowUp(t *testing.T) {
	w := newWorld(t)
	var mu stdsync.Mutex
	var runs []int64
	e := w.engine(func(o *Options) {
		o.FollowUp = core.FollowUp{SupportThreshold: 2, ReviewDays: 30, AnswerDays: 60}
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
	// An open idea whose thread is in the app (as an answer's post would be).
	in, _ := core.IdeaInput{Title: "Un banc devant l'école", Body: "Les parents attendent debout devant l'école primaire."}.Normalize()
	ideaID, err := w.store.CreateIdea(ctx, w.staff, in, 60)
	if err != nil {
		t.Fatal(err)
	}
	post := w.app.Post("u-1", "Un banc devant l'école", "Les parents attendent debout.", 49.847, 6.104)
	if err := w.store.SaveRemoteRef(ctx, postgres.RemoteRef{Connector: "hoplr", Entity: core.EntityIdea, LocalID: ideaID, RemoteID: post, Revision: 1}); err != nil {
		t.Fatal(err)
	}
	w.app.React(post, "u-2", "up", 0, "")
	w.app.React(post, "u-3", "up", 0, "")
	if _, err := e.Pull(ctx, "hoplr"); err != nil {
		t.Fatal(err)
	}
	idea, err := w.store.Idea(ctx, ideaID)
	if err != nil || idea.SupportCount != 2 || idea.Status != core.IdeaInReview {
		t.Fatalf("idea after two supports from the app: %+v %v", idea, err)
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
