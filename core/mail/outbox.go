package mail

import (
	"context"
	"log/slog"
	"time"

	"quartier/core"
)

// OutboxStore is the part of the store the outbox needs (core/postgres implements it).
type OutboxStore interface {
	ClaimDueMail(ctx context.Context, limit int, lease time.Duration) ([]core.QueuedMail, error)
	MailSent(ctx context.Context, id int64) error
	MailFailed(ctx context.Context, id int64, reason string, retryAt time.Time) error
}

// Deliverer sends one message.
type Deliverer interface {
	Send(ctx context.Context, m core.Mail) error
}

// Outbox delivers queued mail: right away when poked after a commit, and on a
// timer for retries. A failed delivery is retried with growing delays; after the
// last one the message is marked failed and stays visible in the table.
type Outbox struct {
	store  OutboxStore
	send   Deliverer
	log    *slog.Logger
	poke   chan struct{}
	now    func() time.Time
	period time.Duration
}

// retryDelays are the waits after the 1st, 2nd, ... failed attempt: about a day in all.
var retryDelays = []time.Duration{
	30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
}

// NewOutbox returns an outbox that checks for due mail every period.
func NewOutbox(store OutboxStore, send Deliverer, log *slog.Logger, period time.Duration) *Outbox {
	return &Outbox{store: store, send: send, log: log, poke: make(chan struct{}, 1), now: time.Now, period: period}
}

// Poke asks the outbox to look for mail now; it never blocks.
func (o *Outbox) Poke() {
	select {
	case o.poke <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	t := time.NewTicker(o.period)
	defer t.Stop()
	for {
		o.DeliverDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-o.poke:
		case <-t.C:
		}
	}
}

// DeliverDue sends every message that is due and returns how many were sent.
func (o *Outbox) DeliverDue(ctx context.Context) int {
	sent := 0
	for ctx.Err() == nil {
		batch, err := o.store.ClaimDueMail(ctx, 20, 5*time.Minute)
		if err != nil {
			o.log.Warn("mail outbox claim failed", "err", err)
			return sent
		}
		if len(batch) == 0 {
			return sent
		}
		for _, q := range batch {
			if err := o.send.Send(ctx, q.Mail); err != nil {
				retryAt := time.Time{}
				if q.Attempts <= len(retryDelays) {
					retryAt = o.now().Add(retryDelays[q.Attempts-1])
				}
				o.log.Warn("mail delivery failed", "mail_id", q.ID, "attempt", q.Attempts, "gives_up", retryAt.IsZero(), "err", err)
				if err := o.store.MailFailed(ctx, q.ID, err.Error(), retryAt); err != nil {
					o.log.Error("mail outbox update failed", "mail_id", q.ID, "err", err)
				}
				continue
			}
			if err := o.store.MailSent(ctx, q.ID); err != nil {
				o.log.Error("mail outbox update failed", "mail_id", q.ID, "err", err)
			}
			sent++
		}
	}
	return sent
}
