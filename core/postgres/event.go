package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// appendEvent writes one change-log row inside tx. Every domain write calls it in its
// own transaction, so the log never misses a committed change nor shows a rolled-back one.
func appendEvent(ctx context.Context, tx pgx.Tx, e core.Event) error {
	raw, actor, err := eventColumns(e)
	if err != nil {
		return err
	}
	areas := e.AreaIDs
	if areas == nil {
		areas = []int64{}
	}
	_, err = tx.Exec(ctx, `INSERT INTO event (kind, entity, entity_id, revision, area_ids, actor_id, occurred_at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.Kind, e.Entity, e.EntityID, e.Revision, areas, actor, e.OccurredAt, raw)
	if err != nil {
		return fmt.Errorf("append %s %s event: %w", e.Entity, e.Kind, err)
	}
	return nil
}

// eventColumns are an event's data as stored (JSON, {} for none) and its
// actor (NULL for the system).
func eventColumns(e core.Event) ([]byte, *int64, error) {
	data := e.Data
	if data == nil {
		data = map[string]any{}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, nil, fmt.Errorf("encode event data: %w", err)
	}
	if e.ActorID == 0 {
		return raw, nil, nil
	}
	actor := e.ActorID
	return raw, &actor, nil
}

// appendEvents adds many change-log rows (without area ids) in one statement.
func appendEvents(ctx context.Context, tx pgx.Tx, events []core.Event) error {
	if len(events) == 0 {
		return nil
	}
	n := len(events)
	kinds, entities, datas := make([]string, n), make([]string, n), make([]string, n)
	ids, actors := make([]int64, n), make([]*int64, n)
	revisions, times := make([]int32, n), make([]time.Time, n)
	for i, e := range events {
		if len(e.AreaIDs) > 0 {
			return fmt.Errorf("append events: area ids are for appendEvent")
		}
		raw, actor, err := eventColumns(e)
		if err != nil {
			return err
		}
		kinds[i], entities[i], ids[i], revisions[i], times[i], datas[i], actors[i] = e.Kind, e.Entity, e.EntityID, int32(e.Revision), e.OccurredAt, string(raw), actor
	}
	_, err := tx.Exec(ctx, `INSERT INTO event (kind, entity, entity_id, revision, area_ids, actor_id, occurred_at, data)
		SELECT k, e, i, r, '{}', a, t, d::jsonb FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::bigint[], $6::timestamptz[], $7::text[]) AS x(k, e, i, r, a, t, d)`,
		kinds, entities, ids, revisions, actors, times, datas)
	if err != nil {
		return fmt.Errorf("append %d events: %w", n, err)
	}
	return nil
}

// EventsAfter returns up to limit change-log rows with an id above after, oldest first.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]core.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, kind, entity, entity_id, revision, area_ids, coalesce(actor_id, 0), occurred_at, data
		FROM event WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, wrapDB("query events", err)
	}
	return scanEvents(rows)
}

// EventsByActor returns every change-log row the participant caused, oldest first.
func (s *Store) EventsByActor(ctx context.Context, participantID int64) ([]core.Event, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, kind, entity, entity_id, revision, area_ids, coalesce(actor_id, 0), occurred_at, data
		FROM event WHERE actor_id = $1 ORDER BY id`, participantID)
	if err != nil {
		return nil, wrapDB("query events by actor", err)
	}
	return scanEvents(rows)
}

func scanEvents(rows pgx.Rows) ([]core.Event, error) {
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Event, error) {
		var e core.Event
		var raw []byte
		err := row.Scan(&e.ID, &e.Kind, &e.Entity, &e.EntityID, &e.Revision, &e.AreaIDs, &e.ActorID, &e.OccurredAt, &raw)
		if err == nil && len(raw) > 0 {
			err = json.Unmarshal(raw, &e.Data)
		}
		e.OccurredAt = e.OccurredAt.UTC()
		return e, err
	})
	if err != nil {
		return nil, wrapDB("scan events", err)
	}
	return events, nil
}

// eventAt is a small constructor that keeps the call sites short.
func eventAt(now time.Time, kind, entity string, id int64, revision int, actor int64) core.Event {
	return core.Event{Kind: kind, Entity: entity, EntityID: id, Revision: revision, ActorID: actor, OccurredAt: now}
}
