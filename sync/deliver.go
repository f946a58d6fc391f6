package sync

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"quartier/core"
	"quartier/core/postgres"
)

const (
	queueDeliver = "deliver"
	// maxAttempts with the backoff below keep trying for about three days.
	maxAttempts = 25
	// remoteTimeout bounds every call to a remote service.
	remoteTimeout = 30 * time.Second
)

// deliverArgs is one delivery: a connector, and an item at a revision.
type deliverArgs struct {
	Connector string `json:"connector"`
	Entity    string `json:"entity"`
	EntityID  int64  `json:"entity_id"`
	Revision  int    `json:"revision"`
}

func (deliverArgs) Kind() string { return "deliver" }

// deliverOpts make a delivery unique per connector, item and revision for as
// long as River keeps the job (a replayed dispatch inserts nothing).
var deliverOpts = &river.InsertOpts{Queue: queueDeliver, UniqueOpts: river.UniqueOpts{ByArgs: true}}

type deliverWorker struct {
	river.WorkerDefaults[deliverArgs]
	e *Engine
}

// Timeout bounds a delivery (the remote call has its own, shorter, bound).
func (w *deliverWorker) Timeout(*river.Job[deliverArgs]) time.Duration {
	return remoteTimeout + 15*time.Second
}

// NextRetry backs off exponentially (RetryBase·2^attempt, at most an hour)
// with ±25 % jitter, so a recovering remote is not hit by every job at once.
func (w *deliverWorker) NextRetry(job *river.Job[deliverArgs]) time.Time {
	d := w.e.opts.RetryBase << min(job.Attempt, 12)
	d = min(d, time.Hour)
	jitter := time.Duration((rand.Float64() - 0.5) * 0.5 * float64(d))
	return time.Now().Add(d + jitter)
}

// Work delivers one item. It never holds a transaction or a connection across
// the remote call: it reads, calls, then records.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[deliverArgs]) error {
	e, a := w.e, job.Args
	c, ok := e.connector(a.Connector)
	if !ok {
		return river.JobCancel(fmt.Errorf("connector %q is no longer configured", a.Connector))
	}
	ref, found, err := e.store.RemoteRefOf(ctx, a.Connector, a.Entity, a.EntityID)
	if err != nil {
		return err
	}
	if found && ref.Revision >= a.Revision {
		return nil // delivered already (or a newer revision was)
	}
	pub, ok, err := e.render(ctx, c, a, prefetched{})
	if err != nil || !ok {
		return err
	}
	if found && pub.Kind != core.PubAnswer {
		// Posts are not edited in place: the first one stands; remember that this
		// revision needs nothing more.
		ref.Revision = a.Revision
		return e.store.SaveRemoteRef(ctx, ref)
	}
	res, err := e.publish(ctx, c, pub)
	if err != nil {
		return remoteOutcome(err)
	}
	if e.opts.afterPublish != nil {
		if err := e.opts.afterPublish(pub, res); err != nil {
			return err
		}
	}
	return e.store.SaveRemoteRef(ctx, postgres.RemoteRef{Connector: a.Connector, Entity: a.Entity, LocalID: a.EntityID,
		RemoteID: res.RemoteID, RemoteURL: res.URL, Revision: a.Revision})
}

// remoteOutcome turns a remote failure into River's decision: wait for the
// rate limit's reset, give up on what will not heal, retry the rest.
func remoteOutcome(err error) error {
	if re, ok := core.AsRemoteError(err); ok {
		switch {
		case re.RetryAfter > 0:
			return river.JobSnooze(re.RetryAfter)
		case re.Permanent:
			return river.JobCancel(err)
		}
	}
	return err
}

// callSlot waits for one of the engine's opts.Workers call slots (batches and
// single deliveries share them) and returns its release.
func (e *Engine) callSlot(ctx context.Context) (func(), error) {
	select {
	case e.calls <- struct{}{}:
		return func() { <-e.calls }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// publish calls the remote in a call slot, bounded by remoteTimeout.
func (e *Engine) publish(ctx context.Context, c Connector, pub core.Publication) (core.Published, error) {
	release, err := e.callSlot(ctx)
	if err != nil {
		return core.Published{}, err
	}
	defer release()
	return publishNow(ctx, c, pub)
}

// publishNow calls the remote, bounded by remoteTimeout.
func publishNow(ctx context.Context, c Connector, pub core.Publication) (core.Published, error) {
	call, cancel := context.WithTimeout(ctx, remoteTimeout)
	defer cancel()
	return c.Publish(call, pub)
}
