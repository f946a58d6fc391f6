package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"quartier/core"
)

// ImportAreas upserts a layer by (layer, key) in one transaction: new areas are
// inserted, changed ones updated (revision +1), identical ones left alone, and
// areas of the layer absent from the file retired. Each change is an event.
func (s *Store) ImportAreas(ctx context.Context, l core.AreaLayer) (core.ImportCounts, error) {
	var c core.ImportCounts
	err := s.inTx(ctx, "import areas", func(tx pgx.Tx) error {
		now := s.now()
		keys := make([]string, 0, len(l.Areas))
		for _, a := range l.Areas {
			keys = append(keys, a.Key)
			geom, err := geojson.NewGeometry(a.Geometry).MarshalJSON()
			if err != nil {
				return fmt.Errorf("encode geometry of %s: %w", a.Key, err)
			}
			props, err := json.Marshal(a.Properties)
			if err != nil {
				return fmt.Errorf("encode properties of %s: %w", a.Key, err)
			}
			h := sha256.New()
			fmt.Fprintf(h, "%s\x00%s\x00%s\x00", l.Kind, a.Name, l.Attribution)
			h.Write(geom)
			h.Write(props)
			hash := h.Sum(nil)
			b := a.Geometry.Bound()
			var id int64
			var revision int
			var inserted bool
			err = tx.QueryRow(ctx, `INSERT INTO area (layer, key, kind, name, properties, geometry, min_lon, min_lat, max_lon, max_lat, geom_hash, attribution, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
				ON CONFLICT (layer, key) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, properties = EXCLUDED.properties,
					geometry = EXCLUDED.geometry, min_lon = EXCLUDED.min_lon, min_lat = EXCLUDED.min_lat, max_lon = EXCLUDED.max_lon,
					max_lat = EXCLUDED.max_lat, geom_hash = EXCLUDED.geom_hash, attribution = EXCLUDED.attribution,
					updated_at = EXCLUDED.updated_at, retired_at = NULL, revision = area.revision + 1
				WHERE area.geom_hash <> EXCLUDED.geom_hash OR area.retired_at IS NOT NULL
				RETURNING id, revision, xmax = 0`,
				l.Layer, a.Key, l.Kind, a.Name, props, geom, b.Min[0], b.Min[1], b.Max[0], b.Max[1], hash, l.Attribution, now).
				Scan(&id, &revision, &inserted)
			if err == pgx.ErrNoRows {
				c.Unchanged++
				continue
			}
			if err != nil {
				return fmt.Errorf("upsert area %s: %w", a.Key, err)
			}
			kind := core.EventUpdated
			if inserted {
				kind = core.EventCreated
				c.Inserted++
			} else {
				c.Updated++
			}
			if err := appendEvent(ctx, tx, eventAt(now, kind, core.EntityArea, id, revision, l.ActorID)); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `UPDATE area SET retired_at = $3, updated_at = $3, revision = revision + 1
			WHERE layer = $1 AND retired_at IS NULL AND NOT (key = ANY($2)) RETURNING id, revision`, l.Layer, keys, now)
		if err != nil {
			return err
		}
		type retired struct {
			id  int64
			rev int
		}
		gone, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (retired, error) {
			var r retired
			return r, row.Scan(&r.id, &r.rev)
		})
		if err != nil {
			return err
		}
		for _, r := range gone {
			if err := appendEvent(ctx, tx, eventAt(now, core.EventDeleted, core.EntityArea, r.id, r.rev, l.ActorID)); err != nil {
				return err
			}
		}
		c.Retired = len(gone)
		return nil
	})
	return c, err
}

const areaColumns = `id, layer, key, kind, name, properties, geometry, attribution, updated_at, revision`

func scanArea(row rowScanner) (core.Area, error) {
	var a core.Area
	var kind string
	var props, geom []byte
	if err := row.Scan(&a.ID, &a.Layer, &a.Key, &kind, &a.Name, &props, &geom, &a.Attribution, &a.UpdatedAt, &a.Revision); err != nil {
		return core.Area{}, err
	}
	a.Kind = core.AreaKind(kind)
	if err := json.Unmarshal(props, &a.Properties); err != nil {
		return core.Area{}, fmt.Errorf("decode properties of area %d: %w", a.ID, err)
	}
	g, err := geojson.UnmarshalGeometry(geom)
	if err != nil {
		return core.Area{}, fmt.Errorf("decode geometry of area %d: %w", a.ID, err)
	}
	switch v := g.Geometry().(type) {
	case orb.MultiPolygon:
		a.Geometry = v
	case orb.Polygon:
		a.Geometry = orb.MultiPolygon{v}
	default:
		return core.Area{}, fmt.Errorf("area %d has a %s geometry", a.ID, g.Type)
	}
	return a, nil
}

// Areas returns every live area with its geometry, communes first, then by name.
func (s *Store) Areas(ctx context.Context) ([]core.Area, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+areaColumns+` FROM area WHERE retired_at IS NULL
		ORDER BY CASE kind WHEN 'commune' THEN 0 WHEN 'quarter' THEN 1 ELSE 2 END, name, id`)
	if err != nil {
		return nil, wrapDB("query areas", err)
	}
	areas, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Area, error) { return scanArea(row) })
	return areas, wrapDB("scan areas", err)
}

// Area returns one area, live or retired.
func (s *Store) Area(ctx context.Context, id int64) (core.Area, error) {
	a, err := scanArea(s.pool.QueryRow(ctx, `SELECT `+areaColumns+` FROM area WHERE id = $1`, id))
	if err != nil {
		return core.Area{}, notFoundOr(err, "error.area_not_found", "read area")
	}
	return a, nil
}

// GeographyVersion returns the newest change-log ids of areas and of address
// imports: caches reload when either moves.
func (s *Store) GeographyVersion(ctx context.Context) (areas, addresses int64, err error) {
	err = s.pool.QueryRow(ctx, `SELECT
		coalesce((SELECT max(id) FROM event WHERE entity = $1), 0),
		coalesce((SELECT max(id) FROM event WHERE entity = $2), 0)`, core.EntityArea, core.EntityAddressImport).Scan(&areas, &addresses)
	return areas, addresses, wrapDB("read geography version", err)
}
