package postgres

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// audit records a staff action (actorID 0: the platform itself) in the
// audit log, inside the transaction that made the change. action names what
// was done ("idea.status.feasible", "hide"); entity and id what it was done
// to; reason is the moderator's reason or a detail of the action (a role, a
// webhook's address).
func audit(ctx context.Context, tx pgx.Tx, actorID int64, action, entity string, id int64, reason string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_id, action, entity, entity_id, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		nullID(actorID), action, entity, id, reason, now)
	return err
}

// Audit records a staff action that changes no domain row (a retried delivery).
func (s *Store) Audit(ctx context.Context, actorID int64, action, entity string, entityID int64, reason string) error {
	return s.inTx(ctx, "audit", func(tx pgx.Tx) error {
		return audit(ctx, tx, actorID, action, entity, entityID, reason, s.now())
	})
}

// AuditEntry is one line of the staff audit log.
type AuditEntry struct {
	ID       int64
	ActorID  int64  // 0: the platform itself (a content hidden after N flags)
	Actor    string // the staff member's display name ("" once their account is deleted)
	Action   string
	Entity   string
	EntityID int64
	// ParentID is what a page about the entity hangs on, where the entity
	// has no page of its own: the idea of a comment, the consultation of an
	// answer, the budget of a budget project or envelope, the project of a
	// debate; 0 otherwise or when it is gone.
	ParentID  int64
	Reason    string
	CreatedAt time.Time
}

// auditSelect reads audit entries as AuditEntry; a query adds its WHERE,
// ORDER BY and LIMIT.
const auditSelect = `SELECT l.id, coalesce(l.actor_id, 0), coalesce(p.display_name, ''), l.action, l.entity, l.entity_id,
		coalesce(CASE l.entity
			WHEN 'comment' THEN (SELECT idea_id FROM comment WHERE id = l.entity_id)
			WHEN 'answer' THEN (SELECT consultation_id FROM response WHERE id = l.entity_id)
			WHEN 'budget_project' THEN (SELECT budget_id FROM budget_project WHERE id = l.entity_id)
			WHEN 'budget_envelope' THEN (SELECT budget_id FROM budget_envelope WHERE id = l.entity_id)
			WHEN 'debate' THEN (SELECT project_id FROM debate WHERE id = l.entity_id)
		END, 0),
		l.reason, l.created_at
	FROM audit_log l LEFT JOIN participant p ON p.id = l.actor_id`

// AuditLog returns up to limit entries older than the entry before (all, for
// before 0), newest first: keyset pages, as cheap at the end of a long log as
// at its start.
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]AuditEntry, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	return s.auditEntries(ctx, auditSelect+` WHERE l.id < $1 ORDER BY l.id DESC LIMIT $2`, before, limit)
}

// AuditLogOf returns the newest limit entries about one thing (entity, id),
// newest first.
func (s *Store) AuditLogOf(ctx context.Context, entity string, id int64, limit int) ([]AuditEntry, error) {
	return s.auditEntries(ctx, auditSelect+` WHERE l.entity = $1 AND l.entity_id = $2 ORDER BY l.id DESC LIMIT $3`, entity, id, limit)
}

func (s *Store) auditEntries(ctx context.Context, query string, args ...any) ([]AuditEntry, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, wrapDB("audit log", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		return e, row.Scan(&e.ID, &e.ActorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.ParentID, &e.Reason, &e.CreatedAt)
	})
	return out, wrapDB("scan audit log", err)
}
