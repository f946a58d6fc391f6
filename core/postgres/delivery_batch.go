package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// ItemKey names a local item: an entity and its id.
type ItemKey struct {
	Entity string
	ID     int64
}

// RemoteRefsOf returns, in one statement, the records of connector's
// publications of the given items; an item never published is absent.
func (s *Store) RemoteRefsOf(ctx context.Context, connector string, items []ItemKey) (map[ItemKey]RemoteRef, error) {
	entities, ids := splitKeys(items)
	rows, err := s.pool.Query(ctx, `SELECT r.entity, r.local_id, r.remote_id, r.remote_url, r.revision
		FROM unnest($2::text[], $3::bigint[]) AS k(entity, local_id)
		JOIN remote_ref r ON r.connector = $1 AND r.entity = k.entity AND r.local_id = k.local_id`, connector, entities, ids)
	if err != nil {
		return nil, wrapDB("read remote refs", err)
	}
	out := make(map[ItemKey]RemoteRef, len(items))
	for rows.Next() {
		r := RemoteRef{Connector: connector}
		if err := rows.Scan(&r.Entity, &r.LocalID, &r.RemoteID, &r.RemoteURL, &r.Revision); err != nil {
			rows.Close()
			return nil, wrapDB("scan remote refs", err)
		}
		out[ItemKey{r.Entity, r.LocalID}] = r
	}
	return out, wrapDB("read remote refs", rows.Err())
}

// SaveRemoteRefs records (or moves forward) many publications in one
// statement, then runs then in the same transaction (the sync engine completes
// its job there, so a delivery is recorded and its job finished together). As
// with SaveRemoteRef, an older revision never overwrites a newer one; refs
// holds each item at most once.
func (s *Store) SaveRemoteRefs(ctx context.Context, refs []RemoteRef, then func(pgx.Tx) error) error {
	n := len(refs)
	connectors, entities, ids := make([]string, n), make([]string, n), make([]int64, n)
	remoteIDs, urls, revisions := make([]string, n), make([]string, n), make([]int32, n)
	for i, r := range refs {
		connectors[i], entities[i], ids[i] = r.Connector, r.Entity, r.LocalID
		remoteIDs[i], urls[i], revisions[i] = r.RemoteID, r.RemoteURL, int32(r.Revision)
	}
	return s.inTx(ctx, "save remote refs", func(tx pgx.Tx) error {
		if n > 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO remote_ref (connector, entity, local_id, remote_id, remote_url, revision, created_at, updated_at)
				SELECT c, e, l, r, u, v, $7, $7 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::int[]) AS x(c, e, l, r, u, v)
				ON CONFLICT (connector, entity, local_id) DO UPDATE SET remote_id = EXCLUDED.remote_id, remote_url = EXCLUDED.remote_url,
					revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at WHERE remote_ref.revision <= EXCLUDED.revision`,
				connectors, entities, ids, remoteIDs, urls, revisions, s.now()); err != nil {
				return err
			}
		}
		if then == nil {
			return nil
		}
		return then(tx)
	})
}

// ProjectUpdatesForChannels reads many project updates as channels post them,
// in one statement; an update that no longer exists is absent.
func (s *Store) ProjectUpdatesForChannels(ctx context.Context, ids []int64) (map[int64]UpdateForChannels, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.project_id, u.title, u.body_html, u.created_at, u.language, `+updateTranslations+`,
			p.title, p.status, p.area_ids, p.language,
			(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Title', t.title)), '{}') FROM project_translation t WHERE t.project_id = p.id)
		FROM project_update u JOIN project p ON p.id = u.project_id WHERE u.id = ANY($1)`, ids)
	if err != nil {
		return nil, wrapDB("read project updates", err)
	}
	out := make(map[int64]UpdateForChannels, len(ids))
	for rows.Next() {
		var r UpdateForChannels
		u := &r.Update
		if err := rows.Scan(&u.ID, &u.ProjectID, &u.Title, &u.BodyHTML, &u.CreatedAt, &u.Language, &u.Translations,
			&r.ProjectTitle, &r.ProjectStatus, &r.AreaIDs, &r.projectLanguage, &r.projectTranslations); err != nil {
			rows.Close()
			return nil, wrapDB("scan project updates", err)
		}
		out[u.ID] = r
	}
	return out, wrapDB("read project updates", rows.Err())
}

func splitKeys(items []ItemKey) ([]string, []int64) {
	entities, ids := make([]string, len(items)), make([]int64, len(items))
	for i, k := range items {
		entities[i], ids[i] = k.Entity, k.ID
	}
	return entities, ids
}
