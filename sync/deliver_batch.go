package sync

import (
	"context"
	"fmt"
	gosync "sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"quartier/core"
	"quartier/core/postgres"
)

const (
	queueDeliverBatch = "deliver_batch"
	// batchSize is the most deliveries one batch job carries: one River fetch
	// and completion, one read of the references, one read of the project
	// updates and one write of the references serve them all.
	batchSize = 50
	// batchesInFlight lets one batch read and record while others call.
	batchesInFlight = 4
)

// deliveryItem is an item at a revision, within a batch.
type deliveryItem struct {
	Entity   string `json:"e"`
	EntityID int64  `json:"id"`
	Revision int    `json:"rev"`
}

// deliverBatchArgs are up to batchSize deliveries to one connector. The
// dispatcher enqueues them in the transaction that moves the connector's cursor
// past their change-log rows, so each row is in exactly one batch.
type deliverBatchArgs struct {
	Connector string         `json:"connector"`
	Items     []deliveryItem `json:"items"`
}

func (deliverBatchArgs) Kind() string { return "deliver_batch" }

var deliverBatchOpts = &river.InsertOpts{Queue: queueDeliverBatch}

// batchJobs cuts a connector's deliveries into batch jobs.
func batchJobs(connector string, items []deliveryItem) []river.InsertManyParams {
	var params []river.InsertManyParams
	for len(items) > 0 {
		n := min(len(items), batchSize)
		params = append(params, river.InsertManyParams{Args: deliverBatchArgs{Connector: connector, Items: items[:n:n]}, InsertOpts: deliverBatchOpts})
		items = items[n:]
	}
	return params
}

type deliverBatchWorker struct {
	river.WorkerDefaults[deliverBatchArgs]
	e *Engine
}

// Timeout bounds a batch: its calls share the engine's workers with the other
// batches, each call bounded by remoteTimeout.
func (w *deliverBatchWorker) Timeout(*river.Job[deliverBatchArgs]) time.Duration {
	return 10 * time.Minute
}

// Work delivers a batch: it reads what the items need in a few statements,
// calls the remote for each (concurrently, at most opts.Workers calls at once
// across the engine, with no transaction or connection held), then records the
// publications and completes the job in one transaction. An item that fails is
// handed over, in that transaction, to its own delivery job (unique per
// connector, item and revision) with the usual backoff, rate-limit snoozes and
// place in the failed list. A crash before the record repeats the batch: the
// remote's idempotency keys keep its posts single. A batch that fails as a
// whole a second time hands all its items over, so that each is retried, and
// retried or skipped by staff, on its own.
func (w *deliverBatchWorker) Work(ctx context.Context, job *river.Job[deliverBatchArgs]) error {
	e, name := w.e, job.Args.Connector
	c, ok := e.connector(name)
	if !ok {
		return river.JobCancel(fmt.Errorf("connector %q is no longer configured", name))
	}
	err := w.deliver(ctx, c, job)
	if err == nil || job.Attempt < 2 {
		return err
	}
	var all batchOutcome
	for _, it := range job.Args.Items {
		all.handOver(deliverArgs{Connector: name, Entity: it.Entity, EntityID: it.EntityID, Revision: it.Revision}, time.Now().Add(e.opts.RetryBase))
	}
	if herr := e.store.SaveRemoteRefs(ctx, nil, func(tx pgx.Tx) error { return all.complete(ctx, e, tx, job) }); herr != nil {
		return err
	}
	e.log.Warn("delivery batch failed twice, its items go on one by one", "connector", name, "items", len(job.Args.Items), "err", err)
	return nil
}

// deliver is one attempt at a batch (see Work).
func (w *deliverBatchWorker) deliver(ctx context.Context, c Connector, job *river.Job[deliverBatchArgs]) error {
	e, name := w.e, job.Args.Connector
	items := latestRevisions(job.Args.Items)
	keys := make([]postgres.ItemKey, len(items))
	var updateIDs []int64
	for i, it := range items {
		keys[i] = postgres.ItemKey{Entity: it.Entity, ID: it.EntityID}
		if it.Entity == entityProjectUpdate {
			updateIDs = append(updateIDs, it.EntityID)
		}
	}
	refs, err := e.store.RemoteRefsOf(ctx, name, keys)
	if err != nil {
		return err
	}
	var pre prefetched
	if len(updateIDs) > 0 {
		if pre.updates, err = e.store.ProjectUpdatesForChannels(ctx, updateIDs); err != nil {
			return err
		}
	}

	var out batchOutcome
	var calls []func()
	for _, it := range items {
		a := deliverArgs{Connector: name, Entity: it.Entity, EntityID: it.EntityID, Revision: it.Revision}
		ref, found := refs[postgres.ItemKey{Entity: it.Entity, ID: it.EntityID}]
		if found && ref.Revision >= a.Revision {
			continue // delivered already (or a newer revision was)
		}
		pub, ok, err := e.render(ctx, c, a, pre)
		if err != nil {
			out.handOver(a, time.Now().Add(e.opts.RetryBase))
			continue
		}
		if !ok {
			continue
		}
		if found && pub.Kind != core.PubAnswer {
			ref.Revision = a.Revision // the first post stands (see deliverWorker)
			out.record(ref)
			continue
		}
		calls = append(calls, func() { e.publishInBatch(ctx, c, a, pub, &out) })
	}
	var wg gosync.WaitGroup
	for _, call := range calls {
		wg.Go(call)
	}
	wg.Wait()
	if out.crash != nil {
		return out.crash
	}
	return e.store.SaveRemoteRefs(ctx, out.refs, func(tx pgx.Tx) error { return out.complete(ctx, e, tx, job) })
}

// complete inserts the hand-overs and completes the batch's job, in tx.
func (o *batchOutcome) complete(ctx context.Context, e *Engine, tx pgx.Tx, job *river.Job[deliverBatchArgs]) error {
	if len(o.handover) > 0 {
		if _, err := e.client.InsertManyTx(ctx, tx, o.handover); err != nil {
			return err
		}
	}
	_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
	return err
}

// publishInBatch posts one item of a batch when a worker is free, unless the
// remote asked to wait: then the item is handed over to run after the wait.
func (e *Engine) publishInBatch(ctx context.Context, c Connector, a deliverArgs, pub core.Publication, out *batchOutcome) {
	release, err := e.callSlot(ctx)
	if err != nil {
		out.fail(err)
		return
	}
	defer release()
	if until, waiting := out.waitingUntil(time.Now()); waiting {
		out.handOver(a, until)
		return
	}
	res, err := publishNow(ctx, c, pub)
	if err != nil {
		retryAt := time.Now().Add(e.opts.RetryBase)
		if re, ok := core.AsRemoteError(err); ok && re.RetryAfter > 0 {
			retryAt = time.Now().Add(re.RetryAfter)
			out.waitUntil(retryAt)
		}
		e.log.Warn("delivery failed, handed over to its own job", "connector", a.Connector, "entity", a.Entity, "id", a.EntityID, "err", err)
		out.handOver(a, retryAt)
		return
	}
	if e.opts.afterPublish != nil {
		if err := e.opts.afterPublish(pub, res); err != nil {
			out.fail(err)
			return
		}
	}
	out.record(postgres.RemoteRef{Connector: a.Connector, Entity: a.Entity, LocalID: a.EntityID,
		RemoteID: res.RemoteID, RemoteURL: res.URL, Revision: a.Revision})
}

// batchOutcome gathers, under its lock, what a batch's calls came to.
type batchOutcome struct {
	mu       gosync.Mutex
	refs     []postgres.RemoteRef
	handover []river.InsertManyParams
	crash    error     // the batch must be repeated: nothing is recorded
	wait     time.Time // the remote's rate limit resets then
}

func (o *batchOutcome) record(r postgres.RemoteRef) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refs = append(o.refs, r)
}

func (o *batchOutcome) handOver(a deliverArgs, at time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	opts := *deliverOpts
	opts.ScheduledAt = at
	o.handover = append(o.handover, river.InsertManyParams{Args: a, InsertOpts: &opts})
}

func (o *batchOutcome) fail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.crash == nil {
		o.crash = err
	}
}

func (o *batchOutcome) waitUntil(t time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if t.After(o.wait) {
		o.wait = t
	}
}

func (o *batchOutcome) waitingUntil(now time.Time) (time.Time, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.wait, o.wait.After(now)
}

// latestRevisions keeps each item once, at its highest revision (a delivery
// renders the item as it is now, so a burst of changes costs one post).
func latestRevisions(items []deliveryItem) []deliveryItem {
	at := make(map[postgres.ItemKey]int, len(items))
	var out []deliveryItem
	for _, it := range items {
		k := postgres.ItemKey{Entity: it.Entity, ID: it.EntityID}
		if i, seen := at[k]; seen {
			out[i].Revision = max(out[i].Revision, it.Revision)
			continue
		}
		at[k] = len(out)
		out = append(out, it)
	}
	return out
}
