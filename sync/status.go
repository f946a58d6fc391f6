package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"quartier/core"
)

// Status reports every connector: last and next pull, what was published and
// imported, deliveries waiting, failed deliveries with the remote's error, and
// refused imports.
func (e *Engine) Status(ctx context.Context) ([]core.ConnectorStatus, error) {
	failed, waiting, err := e.deliveryJobs(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(e.conns))
	for name := range e.conns {
		names = append(names, name)
	}
	sort.Strings(names)
	e.readSettings(ctx, true) // what staff just saved shows at once
	out := make([]core.ConnectorStatus, 0, len(names))
	for _, name := range names {
		c := e.conns[name]
		f, err := e.store.SyncFigures(ctx, name)
		if err != nil {
			return nil, err
		}
		st := core.ConnectorStatus{Name: name, LastPull: f.LastPull, Published: f.Published, Imported: f.Imported,
			Parked: f.Parked, Waiting: waiting[name], Failed: failed[name]}
		if c.PullSpec != "" {
			if sched, err := ParseSchedule(c.PullSpec, e.opts.Zone); err == nil {
				st.NextPull = sched.Next(e.now())
			}
		}
		for _, k := range core.PublicationKinds {
			if e.accepts(ctx, name, c, k) {
				st.Kinds = append(st.Kinds, k)
			}
		}
		st.Template = e.template(ctx, name)
		if st.Posts, err = e.store.PostCounts(ctx, name, 20); err != nil {
			return nil, err
		}
		for _, r := range f.LastRejected {
			st.Refused = append(st.Refused, core.RefusedImport{Kind: r.Kind, RemoteID: r.RemoteID, Reason: r.Reason, At: r.At})
		}
		out = append(out, st)
	}
	return out, nil
}

// deliveryJobs reads the delivery jobs that stopped (cancelled, discarded) and
// counts the deliveries still waiting, per connector. A batch that stopped
// (its database work failed on every attempt) lists each of its items under
// the batch's job: retrying it retries the batch.
func (e *Engine) deliveryJobs(ctx context.Context) (map[string][]core.FailedDelivery, map[string]int, error) {
	failed := map[string][]core.FailedDelivery{}
	waiting := map[string]int{}
	params := river.NewJobListParams().Kinds(deliverArgs{}.Kind(), deliverBatchArgs{}.Kind()).First(1000).
		States(rivertype.JobStateCancelled, rivertype.JobStateDiscarded, rivertype.JobStateAvailable,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStateRunning)
	res, err := e.client.JobList(ctx, params)
	if err != nil {
		return nil, nil, fmt.Errorf("list deliveries: %w", err)
	}
	for _, j := range res.Jobs {
		var b deliverBatchArgs
		if j.Kind == (deliverArgs{}).Kind() {
			var a deliverArgs
			if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
				continue
			}
			b = deliverBatchArgs{Connector: a.Connector, Items: []deliveryItem{{Entity: a.Entity, EntityID: a.EntityID, Revision: a.Revision}}}
		} else if err := json.Unmarshal(j.EncodedArgs, &b); err != nil {
			continue
		}
		if j.State != rivertype.JobStateCancelled && j.State != rivertype.JobStateDiscarded {
			waiting[b.Connector] += len(b.Items)
			continue
		}
		for _, it := range b.Items {
			fd := core.FailedDelivery{JobID: j.ID, Entity: it.Entity, EntityID: it.EntityID, Revision: it.Revision, Attempts: j.Attempt}
			if n := len(j.Errors); n > 0 {
				fd.Error, fd.At = j.Errors[n-1].Error, j.Errors[n-1].At
			}
			if j.FinalizedAt != nil {
				fd.At = *j.FinalizedAt
			}
			failed[b.Connector] = append(failed[b.Connector], fd)
		}
	}
	return failed, waiting, nil
}

// Retry puts a failed delivery back in the queue, to run at once. Any other
// job id (unknown, not a delivery, or a delivery that has not stopped) is
// core.NotFound: staff act on the failed deliveries the status page lists,
// not on the platform's other jobs.
func (e *Engine) Retry(ctx context.Context, jobID int64) error {
	if err := e.stoppedDelivery(ctx, jobID); err != nil {
		return err
	}
	_, err := e.client.JobRetry(ctx, jobID)
	return err
}

// Skip drops a failed delivery: staff decided the item will not be published
// there. Other job ids are core.NotFound, as for Retry.
func (e *Engine) Skip(ctx context.Context, jobID int64) error {
	if err := e.stoppedDelivery(ctx, jobID); err != nil {
		return err
	}
	_, err := e.client.JobDelete(ctx, jobID)
	return err
}

// stoppedDelivery checks that jobID is a delivery that stopped (cancelled or
// discarded), as deliveryJobs lists them.
func (e *Engine) stoppedDelivery(ctx context.Context, jobID int64) error {
	j, err := e.client.JobGet(ctx, jobID)
	if errors.Is(err, rivertype.ErrNotFound) {
		return core.NotFound("error.delivery_not_found")
	}
	if err != nil {
		return fmt.Errorf("read job %d: %w", jobID, err)
	}
	if (j.Kind != (deliverArgs{}).Kind() && j.Kind != (deliverBatchArgs{}).Kind()) ||
		(j.State != rivertype.JobStateCancelled && j.State != rivertype.JobStateDiscarded) {
		return core.NotFound("error.delivery_not_found")
	}
	return nil
}

// PullNow queues a pull of the connector's remote at once (on any worker),
// even while a scheduled pull runs or waits to retry. A second click while
// the first asked pull still waits adds nothing; a click while it runs queues
// one more, which starts when it ends (pulls of a connector take turns): the
// running one may have fetched before what staff clicked for.
func (e *Engine) PullNow(ctx context.Context, connector string) error {
	if _, ok := e.conns[connector]; !ok {
		return core.NotFound("error.connector_not_found")
	}
	args := pullArgs{Connector: connector, Asked: true}
	running, err := e.client.JobList(ctx, river.NewJobListParams().Kinds(args.Kind()).States(rivertype.JobStateRunning).First(100))
	if err != nil {
		return fmt.Errorf("sync: running pulls: %w", err)
	}
	for _, j := range running.Jobs {
		var a pullArgs
		// the first one fetches; a later one runs only to wait for its turn
		if json.Unmarshal(j.EncodedArgs, &a) == nil && a.Asked && a.Connector == connector && (args.After == 0 || j.ID < args.After) {
			args.After = j.ID
		}
	}
	if _, err := e.client.Insert(ctx, args, &river.InsertOpts{UniqueOpts: pendingOnce}); err != nil {
		return fmt.Errorf("sync: pull of %s: %w", connector, err)
	}
	return nil
}
