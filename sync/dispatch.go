package sync

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
	"quartier/core/postgres"
)

// dispatchBatch is how many change-log rows one transaction turns into jobs.
const dispatchBatch = 500

// dispatchLoop runs Dispatch whenever the change log grows (a notification from
// the trigger on event) and at least every opts.Poll, until ctx ends. Every
// process runs it; cursors are locked row by row, so they take turns.
func (e *Engine) dispatchLoop(ctx context.Context) {
	for ctx.Err() == nil {
		if err := e.listen(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("dispatcher lost its notifications, polling", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(e.opts.Poll):
			}
			e.dispatchLogged(ctx)
		}
	}
}

// listen holds one connection listening for change-log notifications and
// dispatches on each (and on every Poll without one).
func (e *Engine) listen(ctx context.Context) error {
	conn, err := e.store.Pool().Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN quartier_event"); err != nil {
		return err
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "UNLISTEN quartier_event") }()
	e.dispatchLogged(ctx)
	for {
		wait, cancel := context.WithTimeout(ctx, e.opts.Poll)
		_, err := conn.Conn().WaitForNotification(wait)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && wait.Err() == nil {
			return err // the connection broke
		}
		e.dispatchLogged(ctx)
	}
}

func (e *Engine) dispatchLogged(ctx context.Context) {
	if _, err := e.Dispatch(ctx); err != nil && ctx.Err() == nil {
		e.log.Error("dispatch failed", "err", err)
	}
}

// Dispatch turns every finished change-log row past each connector's cursor
// into deliveries (batch jobs of up to batchSize), and returns how many
// deliveries (and webhook calls) it enqueued.
func (e *Engine) Dispatch(ctx context.Context) (int, error) {
	total := 0
	for name, c := range e.conns {
		n, err := e.drain(ctx, name, c.Backfill, func(tx pgx.Tx, events []core.Event) (int, error) {
			var items []deliveryItem
			for _, ev := range events {
				if args, ok := deliveryFor(func(k core.PublicationKind) bool { return e.accepts(ctx, name, c, k) }, name, ev); ok {
					items = append(items, deliveryItem{Entity: args.Entity, EntityID: args.EntityID, Revision: args.Revision})
				}
			}
			if len(items) == 0 {
				return 0, nil
			}
			_, err := e.client.InsertManyTx(ctx, tx, batchJobs(name, items))
			return len(items), err
		})
		total += n
		if err != nil {
			return total, err
		}
	}
	n, err := e.dispatchWebhooks(ctx)
	return total + n, err
}

// drain hands a cursor's change-log rows to enqueue, dispatchBatch at a time
// (each batch in the transaction that moves the cursor), until none are left;
// it returns how many jobs enqueue said it queued.
func (e *Engine) drain(ctx context.Context, cursor string, backfill bool, enqueue func(pgx.Tx, []core.Event) (int, error)) (int, error) {
	total := 0
	for {
		queued := 0
		n, err := e.store.DispatchEvents(ctx, cursor, backfill, dispatchBatch, func(tx pgx.Tx, events []core.Event) error {
			var err error
			queued, err = enqueue(tx, events)
			return err
		})
		if err != nil {
			return total, err
		}
		total += queued
		if n < dispatchBatch {
			return total, nil
		}
	}
}

// answered are the idea statuses that carry an official answer worth posting.
var answered = map[string]bool{
	string(core.IdeaFeasible): true, string(core.IdeaNotFeasible): true, string(core.IdeaRejected): true,
	string(core.IdeaDecided): true, string(core.IdeaDone): true, string(core.IdeaMerged): true,
}

// deliveryFor says whether a change-log row is something connector c would
// publish, and the job that delivers it. The job renders the item when it runs
// (the latest state), so a burst of changes to one item costs one post.
func deliveryFor(accepts func(core.PublicationKind) bool, name string, ev core.Event) (deliverArgs, bool) {
	args := deliverArgs{Connector: name, Entity: ev.Entity, EntityID: ev.EntityID, Revision: ev.Revision}
	switch {
	case ev.Entity == core.EntityProject && ev.Data["status"] == string(core.ProjectPublished):
		return args, accepts(core.PubProject)
	case ev.Entity == entityProjectUpdate && ev.Kind == core.EventCreated:
		return args, accepts(core.PubProjectUpdate)
	case ev.Entity == core.EntityConsultation && ev.Data["published"] == true:
		return args, accepts(core.PubConsultation) || accepts(core.PubPoll)
	case ev.Entity == core.EntityMeeting && ev.Data["published"] == true:
		return args, accepts(core.PubEvent)
	case ev.Entity == postgres.EntityConsultationResults || ev.Entity == postgres.EntityBudgetResult || ev.Entity == core.EntityDebateConclusion:
		return args, accepts(core.PubResults)
	case ev.Entity == core.EntityIdea && ev.Kind == core.EventUpdated:
		status, _ := ev.Data["status"].(string)
		return args, answered[status] && accepts(core.PubAnswer)
	}
	return args, false
}

// entityProjectUpdate is how the change log names a project's status update.
const entityProjectUpdate = "project_update"
