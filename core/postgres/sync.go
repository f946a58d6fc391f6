package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/core"
)

// Pool exposes the connection pool to the sync engine, whose job queue (River)
// shares the database and must enqueue in the transactions opened here.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// DispatchEvents hands connector's next change-log rows to fn, inside a
// transaction that holds the connector's cursor, and advances the cursor past
// them when fn succeeds (fn enqueues the deliveries in the same transaction, so
// a crash loses nothing and repeats nothing). Only rows of transactions older
// than every running one are read, in (transaction, id) order: a row that
// commits late cannot fall behind the cursor. A connector's cursor starts at
// the end of the log (enabling a connector does not post the platform's
// history), or at its beginning with backfill. It returns how many rows it read.
func (s *Store) DispatchEvents(ctx context.Context, connector string, backfill bool, limit int, fn func(tx pgx.Tx, events []core.Event) error) (int, error) {
	var n int
	err := s.inTx(ctx, "dispatch events", func(tx pgx.Tx) error {
		if err := ensureCursor(ctx, tx, connector, backfill); err != nil {
			return err
		}
		var lastTxid string
		var lastID int64
		if err := tx.QueryRow(ctx, `SELECT last_txid::text, last_id FROM sync_cursor WHERE connector = $1 FOR UPDATE`, connector).
			Scan(&lastTxid, &lastID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, kind, entity, entity_id, revision, area_ids, coalesce(actor_id, 0), occurred_at, data, txid::text
			FROM event WHERE (txid, id) > ($1::xid8, $2) AND txid < pg_snapshot_xmin(pg_current_snapshot())
			ORDER BY txid, id LIMIT $3`, lastTxid, lastID, limit)
		if err != nil {
			return err
		}
		var events []core.Event
		for rows.Next() {
			var e core.Event
			var raw []byte
			if err := rows.Scan(&e.ID, &e.Kind, &e.Entity, &e.EntityID, &e.Revision, &e.AreaIDs, &e.ActorID, &e.OccurredAt, &raw, &lastTxid); err != nil {
				rows.Close()
				return err
			}
			_ = json.Unmarshal(raw, &e.Data)
			lastID = e.ID
			events = append(events, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(events) == 0 {
			return nil
		}
		if err := fn(tx, events); err != nil {
			return err
		}
		n = len(events)
		_, err = tx.Exec(ctx, `UPDATE sync_cursor SET last_txid = $2::xid8, last_id = $3, updated_at = $4 WHERE connector = $1`,
			connector, lastTxid, lastID, s.now())
		return err
	})
	return n, err
}

// EnsureCursor creates a connector's cursor if it has none: at the end of the
// change log, or at its beginning with backfill. The engine calls it when it
// starts, so that every change made after the start is delivered.
func (s *Store) EnsureCursor(ctx context.Context, connector string, backfill bool) error {
	return s.inTx(ctx, "create cursor", func(tx pgx.Tx) error { return ensureCursor(ctx, tx, connector, backfill) })
}

// ensureCursor: without backfill the cursor starts just before the oldest
// transaction still running, so every change not yet committed at this moment
// is delivered, and nothing committed before it.
func ensureCursor(ctx context.Context, tx pgx.Tx, connector string, backfill bool) error {
	_, err := tx.Exec(ctx, `INSERT INTO sync_cursor (connector, last_txid, last_id)
		SELECT $1, CASE WHEN $2 THEN '0'::xid8 ELSE pg_snapshot_xmin(pg_current_snapshot()) END, 0
		ON CONFLICT DO NOTHING`, connector, backfill)
	return err
}

// RemoteRef is where a local item was published.
type RemoteRef struct {
	Connector string
	Entity    string
	LocalID   int64
	RemoteID  string
	RemoteURL string
	Revision  int
}

// RemoteRefOf returns the record of a publication, found false when none.
func (s *Store) RemoteRefOf(ctx context.Context, connector, entity string, localID int64) (RemoteRef, bool, error) {
	r := RemoteRef{Connector: connector, Entity: entity, LocalID: localID}
	err := s.pool.QueryRow(ctx, `SELECT remote_id, remote_url, revision FROM remote_ref WHERE connector = $1 AND entity = $2 AND local_id = $3`,
		connector, entity, localID).Scan(&r.RemoteID, &r.RemoteURL, &r.Revision)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, wrapDB("read remote ref", err)
}

// SaveRemoteRef records (or moves forward) a publication; an older revision
// never overwrites a newer one.
func (s *Store) SaveRemoteRef(ctx context.Context, r RemoteRef) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO remote_ref (connector, entity, local_id, remote_id, remote_url, revision, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		ON CONFLICT (connector, entity, local_id) DO UPDATE SET remote_id = EXCLUDED.remote_id, remote_url = EXCLUDED.remote_url,
			revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at WHERE remote_ref.revision <= EXCLUDED.revision`,
		r.Connector, r.Entity, r.LocalID, r.RemoteID, r.RemoteURL, r.Revision, s.now())
	return wrapDB("save remote ref", err)
}

// RemoteThreads lists the remote ids a connector published, and the members'
// posts it imported as ideas, with what each is locally, for pulls: reactions
// and comments arrive on these.
func (s *Store) RemoteThreads(ctx context.Context, connector string) (map[string]RemoteRef, error) {
	rows, err := s.pool.Query(ctx, `SELECT entity, local_id, remote_id, remote_url, revision FROM remote_ref WHERE connector = $1
		UNION ALL
		SELECT local_entity, local_id, remote_id, '', 0 FROM remote_import
		WHERE connector = $1 AND kind = 'idea' AND outcome = 'imported'`, connector)
	if err != nil {
		return nil, wrapDB("read remote threads", err)
	}
	out := map[string]RemoteRef{}
	for rows.Next() {
		r := RemoteRef{Connector: connector}
		if err := rows.Scan(&r.Entity, &r.LocalID, &r.RemoteID, &r.RemoteURL, &r.Revision); err != nil {
			rows.Close()
			return nil, wrapDB("scan remote threads", err)
		}
		out[r.RemoteID] = r
	}
	return out, wrapDB("read remote threads", rows.Err())
}

// ImportOutcome says what became of a remote item.
type ImportOutcome string

// Import outcomes.
const (
	Imported        ImportOutcome = "imported"
	ImportedBefore  ImportOutcome = "duplicate" // an overlapping pull brought it again
	ImportIgnored   ImportOutcome = "ignored"   // not for us (e.g. a thread we did not publish)
	ImportRejected  ImportOutcome = "rejected"  // refused by the rules (closed, not eligible, malformed)
	importedPending ImportOutcome = "pending"
)

// ImportOnce brings one remote item in exactly once: the record of the import
// and whatever do writes share one transaction, so a repeated pull or a crash
// halfway imports nothing twice and loses nothing. Store methods that do calls
// with the context it is given join that transaction. When do fails with a
// rule of the domain (invalid, conflict, forbidden, not found), the item is
// recorded as rejected with the reason, and nothing else is written.
func (s *Store) ImportOnce(ctx context.Context, connector, kind, remoteID string, do func(ctx context.Context) (entity string, id int64, err error)) (ImportOutcome, error) {
	outcome := importedPending
	err := s.inTx(ctx, "import", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO remote_import (connector, kind, remote_id, outcome, imported_at) VALUES ($1, $2, $3, 'pending', $4)
			ON CONFLICT DO NOTHING`, connector, kind, remoteID, s.now())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			outcome = ImportedBefore
			return nil
		}
		var entity string
		var id int64
		var detail string
		derr := pgx.BeginFunc(ctx, tx, func(sp pgx.Tx) error {
			var err error
			entity, id, err = do(context.WithValue(ctx, ambientTx{}, sp))
			return err
		})
		var ce *core.Error
		switch {
		case derr == nil:
			outcome = Imported
			if entity == "" {
				outcome = ImportIgnored
			}
		case errors.As(derr, &ce) && ce.Code != core.CodeInternal && ce.Code != core.CodeUnavailable:
			outcome, detail = ImportRejected, ce.Key
		default:
			return derr
		}
		_, err = tx.Exec(ctx, `UPDATE remote_import SET outcome = $4, detail = $5, local_entity = $6, local_id = $7
			WHERE connector = $1 AND kind = $2 AND remote_id = $3`, connector, kind, remoteID, string(outcome), detail, entity, id)
		return err
	})
	return outcome, err
}

// ParkImport records a comment or reaction on a remote post the platform does
// not know as ignored, keeping the item (payload, marshalled as JSON) and its
// post's id: a delivery whose remote call timed out after the app had created
// the post records that post later, and ParkedImports then gives the item back.
// It answers ImportIgnored, or ImportedBefore when the item was recorded
// before. Joins the context's transaction.
func (s *Store) ParkImport(ctx context.Context, connector, kind, remoteID, threadID string, payload any) (ImportOutcome, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("park %s %s: %w", kind, remoteID, err)
	}
	tag, err := s.db(ctx).Exec(ctx, `INSERT INTO remote_import (connector, kind, remote_id, outcome, detail, thread_id, payload, imported_at)
		VALUES ($1, $2, $3, 'ignored', 'sync.unknown_thread', $4, $5, $6) ON CONFLICT DO NOTHING`,
		connector, kind, remoteID, threadID, raw, s.now())
	if err != nil {
		return "", wrapDB("park import", err)
	}
	if tag.RowsAffected() == 0 {
		return ImportedBefore, nil
	}
	return ImportIgnored, nil
}

// ParkedImport is an item ParkImport kept.
type ParkedImport struct {
	Kind, RemoteID, ThreadID string
	Payload                  []byte
}

// ParkedImports returns the kept items whose post is among threads, oldest
// first.
func (s *Store) ParkedImports(ctx context.Context, connector string, threads []string) ([]ParkedImport, error) {
	rows, err := s.db(ctx).Query(ctx, `SELECT kind, remote_id, thread_id, payload FROM remote_import
		WHERE connector = $1 AND payload IS NOT NULL AND thread_id = ANY($2) ORDER BY imported_at, kind, remote_id`, connector, threads)
	if err != nil {
		return nil, wrapDB("read parked imports", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ParkedImport, error) {
		var p ParkedImport
		err := row.Scan(&p.Kind, &p.RemoteID, &p.ThreadID, &p.Payload)
		return p, err
	})
	return out, wrapDB("scan parked imports", err)
}

// UnparkImports forgets that kept items were recorded, so that ImportOnce
// imports them; in the transaction that imports them.
func (s *Store) UnparkImports(ctx context.Context, connector string, items []ParkedImport) error {
	kinds, ids := make([]string, len(items)), make([]string, len(items))
	for i, p := range items {
		kinds[i], ids[i] = p.Kind, p.RemoteID
	}
	_, err := s.db(ctx).Exec(ctx, `DELETE FROM remote_import WHERE connector = $1 AND payload IS NOT NULL
		AND (kind, remote_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`, connector, kinds, ids)
	return wrapDB("unpark imports", err)
}

// ForgetParkedImports drops the payload of items kept since before: their post
// was never recorded (another organisation's post, one made in the app by
// hand); they stay recorded as ignored.
func (s *Store) ForgetParkedImports(ctx context.Context, connector string, before time.Time) error {
	_, err := s.db(ctx).Exec(ctx, `UPDATE remote_import SET payload = NULL WHERE connector = $1 AND payload IS NOT NULL AND imported_at < $2`,
		connector, before)
	return wrapDB("forget parked imports", err)
}

// InTransaction runs fn in one transaction carried by its context: the store
// methods fn calls with that context join it (in savepoints), so a page of
// imports commits once.
func (s *Store) InTransaction(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.inTx(ctx, "transaction", func(tx pgx.Tx) error {
		return fn(context.WithValue(ctx, ambientTx{}, tx))
	})
}

// MemberParticipant returns the pseudonymous participant that stands for an app
// member, creating it the first time: a display name as the app shows it, no
// e-mail, no password, and the member's neighbourhood. Joins the context's
// transaction.
func (s *Store) MemberParticipant(ctx context.Context, provider string, m core.RemoteMember) (int64, error) {
	var id int64
	err := s.inTx(ctx, "member participant", func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT participant_id FROM external_identity WHERE provider = $1 AND subject = $2`, provider, m.ID).Scan(&id)
		if err == nil {
			_, err = tx.Exec(ctx, `UPDATE external_identity SET area_ref = $3 WHERE provider = $1 AND subject = $2 AND area_ref <> $3`,
				provider, m.ID, m.NeighbourhoodID)
			return err
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		name := m.Name
		if name == "" {
			name = "—"
		}
		if err := tx.QueryRow(ctx, `INSERT INTO participant (display_name, role, locale, member, created_at, updated_at)
			VALUES ($1, 'citizen', 'fr', true, $2, $2) RETURNING id`, name, s.now()).Scan(&id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO external_identity (provider, subject, participant_id, area_ref, created_at) VALUES ($1, $2, $3, $4, $5)`,
			provider, m.ID, id, m.NeighbourhoodID, s.now())
		if err != nil {
			return err
		}
		ev := eventAt(s.now(), core.EventCreated, core.EntityParticipant, id, 1, 0)
		ev.Data = map[string]any{"provider": provider}
		return appendEvent(ctx, tx, ev)
	})
	return id, err
}

// SaveRemoteAreas replaces a connector's neighbourhoods.
func (s *Store) SaveRemoteAreas(ctx context.Context, connector string, areas []core.RemoteArea) error {
	return s.inTx(ctx, "save remote areas", func(tx pgx.Tx) error {
		ids := make([]string, len(areas))
		for i, a := range areas {
			ids[i] = a.ID
			raw, err := json.Marshal(geojson.NewGeometry(a.Boundary))
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO remote_area (connector, remote_id, name, boundary, updated_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (connector, remote_id) DO UPDATE SET name = EXCLUDED.name, boundary = EXCLUDED.boundary, updated_at = EXCLUDED.updated_at`,
				connector, a.ID, a.Name, raw, s.now()); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `DELETE FROM remote_area WHERE connector = $1 AND NOT remote_id = ANY($2)`, connector, ids)
		return err
	})
}

// RemoteAreas returns a connector's neighbourhoods.
func (s *Store) RemoteAreas(ctx context.Context, connector string) ([]core.RemoteArea, error) {
	rows, err := s.pool.Query(ctx, `SELECT remote_id, name, boundary FROM remote_area WHERE connector = $1 ORDER BY name`, connector)
	if err != nil {
		return nil, wrapDB("read remote areas", err)
	}
	defer rows.Close()
	var out []core.RemoteArea
	for rows.Next() {
		var a core.RemoteArea
		var raw []byte
		if err := rows.Scan(&a.ID, &a.Name, &raw); err != nil {
			return nil, wrapDB("scan remote area", err)
		}
		g, err := geojson.UnmarshalGeometry(raw)
		if err != nil {
			return nil, core.Internalf("stored boundary of %s: %v", a.ID, err)
		}
		switch b := g.Geometry().(type) {
		case orb.MultiPolygon:
			a.Boundary = b
		case orb.Polygon:
			a.Boundary = orb.MultiPolygon{b}
		}
		out = append(out, a)
	}
	return out, wrapDB("read remote areas", rows.Err())
}

// PullCursor returns where a connector's pulls continue.
func (s *Store) PullCursor(ctx context.Context, connector string) (string, error) {
	var c string
	err := s.pool.QueryRow(ctx, `SELECT cursor FROM pull_cursor WHERE connector = $1`, connector).Scan(&c)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return c, wrapDB("read pull cursor", err)
}

// SavePullCursor records where the next pull continues.
func (s *Store) SavePullCursor(ctx context.Context, connector, cursor string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO pull_cursor (connector, cursor, pulled_at, updated_at) VALUES ($1, $2, $3, $3)
		ON CONFLICT (connector) DO UPDATE SET cursor = EXCLUDED.cursor, pulled_at = EXCLUDED.pulled_at, updated_at = EXCLUDED.updated_at`,
		connector, cursor, s.now())
	return wrapDB("save pull cursor", err)
}

// SyncFigures are a connector's counts for staff.
type SyncFigures struct {
	Published    int
	Imported     int
	Rejected     int
	Parked       int // kept until their post is recorded (ParkImport)
	LastPull     time.Time
	LastRejected []RejectedImport
}

// RejectedImport is an item a pull brought that the rules refused.
type RejectedImport struct {
	Kind, RemoteID, Reason string
	At                     time.Time
}

// SyncFigures counts what a connector published and imported.
func (s *Store) SyncFigures(ctx context.Context, connector string) (SyncFigures, error) {
	var f SyncFigures
	var pulled *time.Time
	err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM remote_ref WHERE connector = $1),
		(SELECT count(*) FROM remote_import WHERE connector = $1 AND outcome = 'imported'),
		(SELECT count(*) FROM remote_import WHERE connector = $1 AND outcome = 'rejected'),
		(SELECT count(*) FROM remote_import WHERE connector = $1 AND payload IS NOT NULL),
		(SELECT pulled_at FROM pull_cursor WHERE connector = $1)`, connector).Scan(&f.Published, &f.Imported, &f.Rejected, &f.Parked, &pulled)
	if err != nil {
		return f, wrapDB("count sync", err)
	}
	if pulled != nil {
		f.LastPull = *pulled
	}
	rows, err := s.pool.Query(ctx, `SELECT kind, remote_id, detail, imported_at FROM remote_import
		WHERE connector = $1 AND outcome = 'rejected' ORDER BY imported_at DESC LIMIT 20`, connector)
	if err != nil {
		return f, wrapDB("read rejected imports", err)
	}
	f.LastRejected, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (RejectedImport, error) {
		var r RejectedImport
		return r, row.Scan(&r.Kind, &r.RemoteID, &r.Reason, &r.At)
	})
	return f, wrapDB("read rejected imports", err)
}

// TakeScheduledRun claims the run of a scheduled job that is due at now: it
// returns true at most once per due time across all processes, and moves the
// due time to next. The first call for a name only records next.
func (s *Store) TakeScheduledRun(ctx context.Context, name string, now, next time.Time) (bool, error) {
	var taken bool
	err := s.inTx(ctx, "take scheduled run", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO schedule_due (name, next_due) VALUES ($1, $2) ON CONFLICT DO NOTHING`, name, next)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		tag, err = tx.Exec(ctx, `UPDATE schedule_due SET next_due = $3, last_run = $2 WHERE name = $1 AND next_due <= $2`, name, now, next)
		taken = err == nil && tag.RowsAffected() == 1
		return err
	})
	return taken, err
}

// UpdateForChannels is a project update as channels post it: with its
// project's title, status and target areas, in one statement (deliveries read
// it for every update they post).
type UpdateForChannels struct {
	Update        core.ProjectUpdate
	ProjectTitle  string
	ProjectStatus core.ProjectStatus
	AreaIDs       []int64
	// the project's language and its titles in the others, for In
	projectLanguage     core.Language
	projectTranslations map[core.Language]core.ProjectText
}

// In is the update and its project's title as a reader of l sees them.
func (r UpdateForChannels) In(l core.Language) (projectTitle string, u core.ProjectUpdate) {
	p := core.Project{Title: r.ProjectTitle, Language: r.projectLanguage, Translations: r.projectTranslations}.In(l)
	return p.Title, r.Update.In(l)
}

// ProjectUpdateForChannels reads an update with what channels need of its
// project.
func (s *Store) ProjectUpdateForChannels(ctx context.Context, id int64) (UpdateForChannels, error) {
	found, err := s.ProjectUpdatesForChannels(ctx, []int64{id})
	if err != nil {
		return UpdateForChannels{}, err
	}
	r, ok := found[id]
	if !ok {
		return r, core.NotFound("error.update_not_found")
	}
	return r, nil
}

// StreetPlaces returns, for streets, the positions of their placed addresses
// and the communes they run through (for registers without positions).
func (s *Store) StreetPlaces(ctx context.Context, streetIDs []int64) ([]orb.Point, []string, error) {
	rows, err := s.pool.Query(ctx, `SELECT lon, lat FROM address WHERE street_id = ANY($1) AND lon IS NOT NULL`, streetIDs)
	if err != nil {
		return nil, nil, wrapDB("read street places", err)
	}
	points, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (orb.Point, error) {
		var p orb.Point
		return p, row.Scan(&p[0], &p[1])
	})
	if err != nil {
		return nil, nil, wrapDB("read street places", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT DISTINCT commune FROM address WHERE street_id = ANY($1)`, streetIDs)
	if err != nil {
		return nil, nil, wrapDB("read street communes", err)
	}
	communes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return points, communes, wrapDB("read street communes", err)
}

// ImportedFrom returns the remote id under which a local item came in through
// connector (an idea a member posted in the app), found false otherwise.
func (s *Store) ImportedFrom(ctx context.Context, connector, entity string, localID int64) (string, bool, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT remote_id FROM remote_import WHERE connector = $1 AND local_entity = $2 AND local_id = $3 AND outcome = 'imported'`,
		connector, entity, localID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return id, err == nil, wrapDB("read import", err)
}

// MemberArea returns the app neighbourhood recorded for a pseudonymous
// participant ("" when none).
func (s *Store) MemberArea(ctx context.Context, provider string, participantID int64) (string, error) {
	var area string
	err := s.db(ctx).QueryRow(ctx, `SELECT area_ref FROM external_identity WHERE provider = $1 AND participant_id = $2`, provider, participantID).Scan(&area)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return area, wrapDB("read member area", err)
}

// ScheduledDue returns when a scheduled job is next due, found false before its
// first start.
func (s *Store) ScheduledDue(ctx context.Context, name string) (time.Time, bool, error) {
	var due time.Time
	err := s.pool.QueryRow(ctx, `SELECT next_due FROM schedule_due WHERE name = $1`, name).Scan(&due)
	if errors.Is(err, pgx.ErrNoRows) {
		return due, false, nil
	}
	return due, err == nil, wrapDB("read schedule", err)
}

// ResetConnector forgets everything a connector did: cursors, remote ids,
// imports and areas (for the development fake app, which starts empty).
func (s *Store) ResetConnector(ctx context.Context, connector string) error {
	return s.inTx(ctx, "reset connector", func(tx pgx.Tx) error {
		for _, table := range []string{"sync_cursor", "remote_ref", "remote_import", "pull_cursor", "remote_area"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE connector = $1`, connector); err != nil {
				return err
			}
		}
		return nil
	})
}

// SignIn returns the participant a login provider vouches for: the one linked
// to this identity before, else the account with the provider's verified
// e-mail address (now linked), else a new participant (with that address, or
// none). The provider's neighbourhood is recorded; signing in confirms the
// participant.
func (s *Store) SignIn(ctx context.Context, id core.ExternalIdentity) (core.Participant, error) {
	var p core.Participant
	err := s.inTx(ctx, "sign in", func(tx pgx.Tx) error {
		now := s.now()
		var pid int64
		err := tx.QueryRow(ctx, `UPDATE external_identity SET area_ref = $3 WHERE provider = $1 AND subject = $2 RETURNING participant_id`,
			id.Provider, id.Subject, id.AreaRef).Scan(&pid)
		if errors.Is(err, pgx.ErrNoRows) && id.Email != "" && id.EmailVerified {
			err = tx.QueryRow(ctx, `SELECT id FROM participant WHERE email = $1 AND deleted_at IS NULL`, strings.ToLower(id.Email)).Scan(&pid)
			if err == nil {
				err = linkIdentity(ctx, tx, id, pid, now)
			}
		}
		if errors.Is(err, pgx.ErrNoRows) {
			var email *string
			if id.Email != "" && id.EmailVerified {
				e := strings.ToLower(id.Email)
				email = &e
			}
			name := strings.TrimSpace(id.Name)
			if name == "" {
				name = "—"
			}
			if err = tx.QueryRow(ctx, `INSERT INTO participant (email, display_name, role, locale, member, email_verified_at, created_at, updated_at)
				VALUES ($1, $2, 'citizen', 'fr', $3, $4, $4, $4) RETURNING id`, email, name, email == nil, now).Scan(&pid); err != nil {
				return err
			}
			ev := eventAt(now, core.EventCreated, core.EntityParticipant, pid, 1, pid)
			ev.Data = map[string]any{"provider": id.Provider}
			if err = appendEvent(ctx, tx, ev); err == nil {
				err = linkIdentity(ctx, tx, id, pid, now)
			}
		}
		if err != nil {
			return err
		}
		p, err = scanParticipant(tx.QueryRow(ctx, `UPDATE participant SET email_verified_at = coalesce(email_verified_at, $2)
			WHERE id = $1 AND deleted_at IS NULL RETURNING `+participantColumns, pid, now))
		return notFoundOr(err, "error.participant_not_found", "sign in")
	})
	return p, err
}

func linkIdentity(ctx context.Context, tx pgx.Tx, id core.ExternalIdentity, participantID int64, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO external_identity (provider, subject, participant_id, area_ref, created_at) VALUES ($1, $2, $3, $4, $5)`,
		id.Provider, id.Subject, participantID, id.AreaRef, now)
	return err
}

// ExternalAreas returns, per provider, the area a participant's linked
// identities place them in (only those that name one).
func (s *Store) ExternalAreas(ctx context.Context, participantID int64) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT provider, area_ref FROM external_identity WHERE participant_id = $1 AND area_ref <> ''`, participantID)
	if err != nil {
		return nil, wrapDB("read external areas", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var provider, area string
		if err := rows.Scan(&provider, &area); err != nil {
			return nil, wrapDB("read external areas", err)
		}
		out[provider] = area
	}
	return out, wrapDB("read external areas", rows.Err())
}

// RecentProjectUpdates returns the newest updates of published projects with
// their translations, and their project's title with its translations.
func (s *Store) RecentProjectUpdates(ctx context.Context, limit int) ([]core.ProjectUpdate, []TranslatedTitle, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.project_id, u.title, u.body_html, u.created_at, u.language, `+updateTranslations+`,
		p.title, p.language, (SELECT coalesce(jsonb_object_agg(t.language, t.title), '{}') FROM project_translation t
			WHERE t.project_id = p.id AND t.title <> '')
		FROM project_update u JOIN project p ON p.id = u.project_id WHERE p.status = 'published'
		ORDER BY u.created_at DESC, u.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, nil, wrapDB("read recent updates", err)
	}
	defer rows.Close()
	var updates []core.ProjectUpdate
	var titles []TranslatedTitle
	for rows.Next() {
		var u core.ProjectUpdate
		var title TranslatedTitle
		if err := rows.Scan(&u.ID, &u.ProjectID, &u.Title, &u.BodyHTML, &u.CreatedAt, &u.Language, &u.Translations,
			&title.Title, &title.Language, &title.Titles); err != nil {
			return nil, nil, wrapDB("scan recent updates", err)
		}
		updates, titles = append(updates, u), append(titles, title)
	}
	return updates, titles, wrapDB("read recent updates", rows.Err())
}

// SaveCounts records the reactions to a connector's posts (by remote id).
func (s *Store) SaveCounts(ctx context.Context, connector string, counts map[string]core.Counts) error {
	if len(counts) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	for id, c := range counts {
		batch.Queue(`UPDATE remote_ref SET likes = $3, shares = $4, replies = $5 WHERE connector = $1 AND remote_id = $2`,
			connector, id, c.Likes, c.Shares, c.Replies)
	}
	return wrapDB("save counts", s.pool.SendBatch(ctx, batch).Close())
}

// PostCounts lists a connector's latest posts with their reactions.
func (s *Store) PostCounts(ctx context.Context, connector string, limit int) ([]core.PostCounts, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.entity, r.local_id, coalesce(CASE r.entity
				WHEN 'idea' THEN (SELECT title FROM idea WHERE id = r.local_id)
				WHEN 'project' THEN (SELECT title FROM project WHERE id = r.local_id)
				WHEN 'project_update' THEN (SELECT title FROM project_update WHERE id = r.local_id)
				WHEN 'consultation' THEN (SELECT title FROM consultation WHERE id = r.local_id)
				WHEN 'meeting' THEN (SELECT title FROM meeting WHERE id = r.local_id)
				WHEN 'budget' THEN (SELECT title FROM budget WHERE id = r.local_id)
			END, ''), r.remote_url, r.likes, r.shares, r.replies
		FROM remote_ref r WHERE r.connector = $1 ORDER BY r.updated_at DESC LIMIT $2`, connector, limit)
	if err != nil {
		return nil, wrapDB("read post counts", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.PostCounts, error) {
		var p core.PostCounts
		return p, row.Scan(&p.Entity, &p.LocalID, &p.Title, &p.URL, &p.Likes, &p.Shares, &p.Replies)
	})
	return out, wrapDB("read post counts", err)
}

// ConnectorSetting is what staff chose for a connector; nil fields keep the
// configuration's choice.
type ConnectorSetting struct {
	Kinds    []string // nil: as configured
	Template *string  // nil: as configured
}

// ConnectorSettings returns every connector's setting.
func (s *Store) ConnectorSettings(ctx context.Context) (map[string]ConnectorSetting, error) {
	rows, err := s.pool.Query(ctx, `SELECT connector, kinds, template FROM connector_setting`)
	if err != nil {
		return nil, wrapDB("read connector settings", err)
	}
	defer rows.Close()
	out := map[string]ConnectorSetting{}
	for rows.Next() {
		var name string
		var st ConnectorSetting
		if err := rows.Scan(&name, &st.Kinds, &st.Template); err != nil {
			return nil, wrapDB("read connector settings", err)
		}
		out[name] = st
	}
	return out, wrapDB("read connector settings", rows.Err())
}

// SaveConnectorSetting records staff's choice for a connector (audited).
func (s *Store) SaveConnectorSetting(ctx context.Context, actorID int64, connector string, st ConnectorSetting) error {
	return s.inTx(ctx, "save connector setting", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO connector_setting (connector, kinds, template, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (connector) DO UPDATE SET kinds = EXCLUDED.kinds, template = EXCLUDED.template, updated_by = EXCLUDED.updated_by,
			updated_at = EXCLUDED.updated_at`, connector, st.Kinds, st.Template, nullID(actorID), s.now()); err != nil {
			return err
		}
		return audit(ctx, tx, actorID, "connector.settings", "connector", 0, connector, s.now())
	})
}
