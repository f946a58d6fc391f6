package postgres

import (
	"context"
	"crypto/rand"
	"strconv"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// WebhookConnector is the connector name of an endpoint (its cursor and jobs).
func WebhookConnector(id int64) string { return "webhook:" + strconv.FormatInt(id, 10) }

const webhookColumns = `id, url, description, secret, kinds, enabled, disabled_reason, last_error`

func scanWebhook(row rowScanner) (core.WebhookEndpoint, error) {
	var w core.WebhookEndpoint
	err := row.Scan(&w.ID, &w.URL, &w.Description, &w.Secret, &w.Kinds, &w.Enabled, &w.DisabledReason, &w.LastError)
	return w, err
}

// CreateWebhook registers an endpoint with a new secret; it receives the
// changes made from now on (its cursor starts here, in the same transaction).
func (s *Store) CreateWebhook(ctx context.Context, actorID int64, w core.WebhookEndpoint) (core.WebhookEndpoint, error) {
	w.Secret = make([]byte, 32)
	if _, err := rand.Read(w.Secret); err != nil {
		return w, core.Internalf("webhook secret: %v", err)
	}
	err := s.inTx(ctx, "create webhook", func(tx pgx.Tx) error {
		now := s.now()
		if err := tx.QueryRow(ctx, `INSERT INTO webhook_endpoint (url, description, secret, kinds, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, w.URL, w.Description, w.Secret, w.Kinds, nullID(actorID), now).Scan(&w.ID); err != nil {
			return err
		}
		if err := ensureCursor(ctx, tx, WebhookConnector(w.ID), false); err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "webhook.create", "webhook", w.ID, w.URL, now)
	})
	w.Enabled = true
	return w, err
}

// Webhooks lists the endpoints, the newest first.
func (s *Store) Webhooks(ctx context.Context) ([]core.WebhookEndpoint, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoint ORDER BY id DESC`)
	if err != nil {
		return nil, wrapDB("list webhooks", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.WebhookEndpoint, error) { return scanWebhook(row) })
	return out, wrapDB("scan webhooks", err)
}

// Webhook returns one endpoint.
func (s *Store) Webhook(ctx context.Context, id int64) (core.WebhookEndpoint, error) {
	w, err := scanWebhook(s.pool.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoint WHERE id = $1`, id))
	return w, notFoundOr(err, "error.webhook_not_found", "read webhook")
}

// SetWebhookEnabled turns an endpoint on (clearing why it stopped) or off with
// a reason. Turned on again, it resumes where it stopped.
func (s *Store) SetWebhookEnabled(ctx context.Context, actorID, id int64, enabled bool, reason string) error {
	return s.inTx(ctx, "enable webhook", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE webhook_endpoint SET enabled = $2, disabled_reason = CASE WHEN $2 THEN '' ELSE $3 END, updated_at = $4
			WHERE id = $1`, id, enabled, reason, s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return core.NotFound("error.webhook_not_found")
		}
		action := "webhook.disable"
		if enabled {
			action = "webhook.enable"
		}
		return audit(ctx, tx, actorID, action, "webhook", id, reason, s.now())
	})
}

// DeleteWebhook removes an endpoint and its cursor.
func (s *Store) DeleteWebhook(ctx context.Context, actorID, id int64) error {
	return s.inTx(ctx, "delete webhook", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_endpoint WHERE id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sync_cursor WHERE connector = $1`, WebhookConnector(id)); err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "webhook.delete", "webhook", id, "", s.now())
	})
}

// RecordWebhookAttempt keeps the last error of an endpoint, or its last success.
func (s *Store) RecordWebhookAttempt(ctx context.Context, id int64, errMsg string) error {
	_, err := s.pool.Exec(ctx, `UPDATE webhook_endpoint SET last_error = $2,
		last_success_at = CASE WHEN $2 = '' THEN $3 ELSE last_success_at END WHERE id = $1`, id, errMsg, s.now())
	return wrapDB("record webhook attempt", err)
}
