package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"quartier/core"
	"quartier/core/postgres"
)

// webhookSchedule spaces the attempts at a webhook like the Standard Webhooks
// reference senders do, over about three days; after the last, the endpoint
// is disabled and staff are told.
var webhookSchedule = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
	10 * time.Hour, 10 * time.Hour, 14 * time.Hour, 20 * time.Hour}

// webhookArgs is one message to one endpoint: a change-log row, named.
type webhookArgs struct {
	Endpoint int64     `json:"endpoint"`
	EventID  int64     `json:"event_id"`
	Type     string    `json:"type"`
	Entity   string    `json:"entity"`
	EntityID int64     `json:"entity_id"`
	Revision int       `json:"revision"`
	At       time.Time `json:"at"`
}

func (webhookArgs) Kind() string { return "webhook" }

// dispatchWebhooks turns new change-log rows into messages for every enabled
// endpoint that subscribed to their kind.
func (e *Engine) dispatchWebhooks(ctx context.Context) (int, error) {
	if e.opts.Webhooks == nil {
		return 0, nil
	}
	endpoints, err := e.store.Webhooks(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, ep := range endpoints {
		if !ep.Enabled {
			continue
		}
		n, err := e.drain(ctx, postgres.WebhookConnector(ep.ID), false, func(tx pgx.Tx, events []core.Event) (int, error) {
			var params []river.InsertManyParams
			for _, ev := range events {
				kind := core.WebhookKind(ev)
				if kind == "" || !ep.Wants(kind) {
					continue
				}
				params = append(params, river.InsertManyParams{Args: webhookArgs{Endpoint: ep.ID, EventID: ev.ID, Type: kind, Entity: ev.Entity,
					EntityID: ev.EntityID, Revision: ev.Revision, At: ev.OccurredAt},
					InsertOpts: &river.InsertOpts{Queue: queueDeliver, MaxAttempts: len(webhookSchedule) + 1, UniqueOpts: river.UniqueOpts{ByArgs: true}}})
			}
			if len(params) == 0 {
				return 0, nil
			}
			_, err := e.client.InsertManyTx(ctx, tx, params)
			return len(params), err
		})
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

type webhookWorker struct {
	river.WorkerDefaults[webhookArgs]
	e *Engine
}

func (w *webhookWorker) Timeout(*river.Job[webhookArgs]) time.Duration {
	return remoteTimeout + 5*time.Second
}

func (w *webhookWorker) NextRetry(job *river.Job[webhookArgs]) time.Time {
	i := min(job.Attempt-1, len(webhookSchedule)-1)
	return time.Now().Add(w.e.scaled(webhookSchedule[max(i, 0)]))
}

// webhookBody is the message: what changed, where to see it; never personal data.
type webhookBody struct {
	Type      string         `json:"type"`
	Timestamp string         `json:"timestamp"`
	Data      map[string]any `json:"data"`
}

func (w *webhookWorker) Work(ctx context.Context, job *river.Job[webhookArgs]) error {
	e, a := w.e, job.Args
	ep, err := e.store.Webhook(ctx, a.Endpoint)
	if core.CodeOf(err) == core.CodeNotFound {
		return river.JobCancel(fmt.Errorf("endpoint %d was deleted", a.Endpoint))
	}
	if err != nil {
		return err
	}
	if !ep.Enabled {
		return river.JobCancel(fmt.Errorf("endpoint %d is disabled", a.Endpoint))
	}
	body, err := json.Marshal(webhookBody{Type: a.Type, Timestamp: a.At.UTC().Format(time.RFC3339), Data: map[string]any{
		"entity": a.Entity, "id": a.EntityID, "revision": a.Revision, "url": e.entityURL(a.Entity, a.EntityID)}})
	if err != nil {
		return river.JobCancel(err)
	}
	call, cancel := context.WithTimeout(ctx, remoteTimeout)
	// The message id is the change's: a receiver that got a retry dedupes on it.
	err = e.opts.Webhooks.Deliver(call, ep.URL, ep.Secret, "msg_"+strconv.FormatInt(a.EventID, 10), a.At, body)
	cancel()
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if rerr := e.store.RecordWebhookAttempt(ctx, ep.ID, msg); rerr != nil {
		e.log.Warn("webhook attempt not recorded", "endpoint", ep.ID, "err", rerr)
	}
	if err == nil {
		return nil
	}
	re, _ := core.AsRemoteError(err)
	lastAttempt := job.Attempt >= job.MaxAttempts
	switch {
	case re != nil && re.Status == 410:
		e.disableWebhook(ctx, ep, "sync.webhook_gone")
		return river.JobCancel(err)
	case re != nil && re.Permanent:
		e.disableWebhook(ctx, ep, "sync.webhook_refused")
		return river.JobCancel(err)
	case lastAttempt:
		e.disableWebhook(ctx, ep, "sync.webhook_failing")
		return err
	case re != nil && re.RetryAfter > 0:
		return river.JobSnooze(re.RetryAfter)
	}
	return err
}

// disableWebhook stops an endpoint and tells staff, once.
func (e *Engine) disableWebhook(ctx context.Context, ep core.WebhookEndpoint, reason string) {
	if err := e.store.SetWebhookEnabled(ctx, 0, ep.ID, false, reason); err != nil {
		e.log.Error("webhook not disabled", "endpoint", ep.ID, "err", err)
		return
	}
	e.log.Warn("webhook endpoint disabled", "endpoint", ep.ID, "url", ep.URL, "reason", reason)
	if e.opts.Notify != nil {
		e.opts.Notify(ctx, reason, ep.URL)
	}
}

// entityURL is the public page of a changed item ("" when it has none).
func (e *Engine) entityURL(entity string, id int64) string {
	path := map[string]string{core.EntityProject: "/projects/", core.EntityIdea: "/ideas/", core.EntityConsultation: "/consultations/",
		core.EntityMeeting: "/events/", "newsletter": "/newsletters/", core.EntityDebateConclusion: "/debates/"}[entity]
	if path == "" {
		return ""
	}
	return e.link(path + strconv.FormatInt(id, 10))
}

// scaled shortens delays in tests (RetryBase below a second).
func (e *Engine) scaled(d time.Duration) time.Duration {
	if e.opts.RetryBase >= time.Second {
		return d
	}
	return time.Duration(float64(d) * float64(e.opts.RetryBase) / float64(time.Second))
}
