package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// queueMail adds m to the outbox in the caller's transaction. A mail to
// nobody (an account without an address: an app's member) is dropped, since
// no attempt could deliver it.
func queueMail(ctx context.Context, tx pgx.Tx, m core.Mail) error {
	if m.To == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO mail_outbox (recipient, subject, body, unsubscribe) VALUES ($1, $2, $3, $4)`,
		m.To, m.Subject, m.Body, m.Unsubscribe)
	return err
}

// ClaimDueMail returns up to limit messages due for delivery and pushes their next
// attempt back by lease, so that another process does not send them meanwhile. The
// caller reports each outcome with MailSent or MailFailed.
func (s *Store) ClaimDueMail(ctx context.Context, limit int, lease time.Duration) ([]core.QueuedMail, error) {
	now := s.now()
	rows, err := s.pool.Query(ctx, `UPDATE mail_outbox SET next_attempt_at = $2, attempts = attempts + 1
		WHERE id IN (SELECT id FROM mail_outbox
			WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
			ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING id, recipient, subject, body, unsubscribe, attempts`, now, now.Add(lease), limit)
	if err != nil {
		return nil, wrapDB("claim mail", err)
	}
	mails, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.QueuedMail, error) {
		var m core.QueuedMail
		err := row.Scan(&m.ID, &m.Mail.To, &m.Mail.Subject, &m.Mail.Body, &m.Mail.Unsubscribe, &m.Attempts)
		return m, err
	})
	return mails, wrapDB("scan mail", err)
}

// MailSent records a delivery and drops the body, which may hold a one-time link.
func (s *Store) MailSent(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, `UPDATE mail_outbox SET sent_at = $2, body = '', last_error = '' WHERE id = $1`, id, s.now())
	return wrapDB("mark mail sent", err)
}

// MailFailed records a failed attempt: retry at retryAt, or give up when retryAt is zero.
func (s *Store) MailFailed(ctx context.Context, id int64, reason string, retryAt time.Time) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	var err error
	if retryAt.IsZero() {
		_, err = s.pool.Exec(ctx, `UPDATE mail_outbox SET failed_at = $2, body = '', last_error = $3 WHERE id = $1`, id, s.now(), reason)
	} else {
		_, err = s.pool.Exec(ctx, `UPDATE mail_outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1`, id, retryAt, reason)
	}
	return wrapDB("mark mail failed", err)
}

// ServerSecret returns the installation's signing key (made by the first migration).
func (s *Store) ServerSecret(ctx context.Context) ([]byte, error) {
	var secret []byte
	err := s.pool.QueryRow(ctx, `SELECT secret FROM server_secret WHERE id = 1`).Scan(&secret)
	return secret, wrapDB("read server secret", err)
}

// QueueMails queues messages in one transaction.
func (s *Store) QueueMails(ctx context.Context, mails []core.Mail) error {
	if len(mails) == 0 {
		return nil
	}
	return s.inTx(ctx, "queue mails", func(tx pgx.Tx) error {
		for _, m := range mails {
			if err := queueMail(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}
