package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"quartier/core"
)

// targetPartJSON is how a target part is stored (jsonb); field names are a
// storage contract: add, never rename.
type targetPartJSON struct {
	Kind     string         `json:"kind"`
	Exclude  bool           `json:"exclude,omitempty"`
	AreaID   int64          `json:"area_id,omitempty"`
	StreetID int64          `json:"street_id,omitempty"`
	From     int            `json:"from,omitempty"`
	To       int            `json:"to,omitempty"`
	Parity   string         `json:"parity,omitempty"`
	Polygon  [][][2]float64 `json:"polygon,omitempty"`
	Line     [][2]float64   `json:"line,omitempty"`
	Metres   float64        `json:"metres,omitempty"`
}

func encodeDefinition(d core.TargetDefinition) ([]byte, error) {
	parts := make([]targetPartJSON, len(d.Parts))
	for i, p := range d.Parts {
		j := targetPartJSON{Kind: string(p.Kind), Exclude: p.Exclude, AreaID: p.AreaID, StreetID: p.StreetID,
			From: p.FromNumber, To: p.ToNumber, Parity: string(p.Parity), Metres: p.Metres}
		for _, ring := range p.Polygon {
			var r [][2]float64
			for _, pt := range ring {
				r = append(r, [2]float64{pt[0], pt[1]})
			}
			j.Polygon = append(j.Polygon, r)
		}
		for _, pt := range p.Line {
			j.Line = append(j.Line, [2]float64{pt[0], pt[1]})
		}
		parts[i] = j
	}
	return json.Marshal(map[string]any{"parts": parts})
}

func decodeDefinition(raw []byte) (core.TargetDefinition, error) {
	var doc struct {
		Parts []targetPartJSON `json:"parts"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return core.TargetDefinition{}, err
	}
	var d core.TargetDefinition
	for _, j := range doc.Parts {
		p := core.TargetPart{Kind: core.TargetPartKind(j.Kind), Exclude: j.Exclude, AreaID: j.AreaID, StreetID: j.StreetID,
			FromNumber: j.From, ToNumber: j.To, Parity: core.Parity(j.Parity), Metres: j.Metres}
		for _, r := range j.Polygon {
			var ring orb.Ring
			for _, pt := range r {
				ring = append(ring, orb.Point{pt[0], pt[1]})
			}
			p.Polygon = append(p.Polygon, ring)
		}
		for _, pt := range j.Line {
			p.Line = append(p.Line, orb.Point{pt[0], pt[1]})
		}
		d.Parts = append(d.Parts, p)
	}
	return d, nil
}

// SaveTarget creates (t.ID == 0) or updates a target. The definition must be valid.
func (s *Store) SaveTarget(ctx context.Context, actorID int64, t core.Target) (core.Target, error) {
	def, err := encodeDefinition(t.Definition)
	if err != nil {
		return core.Target{}, core.Internalf("encode target: %w", err)
	}
	err = s.inTx(ctx, "save target", func(tx pgx.Tx) error {
		now := s.now()
		kind := core.EventUpdated
		var err error
		if t.ID == 0 {
			kind = core.EventCreated
			err = tx.QueryRow(ctx, `INSERT INTO target (name, definition, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $4) RETURNING id, revision`, t.Name, def, nullID(actorID), now).Scan(&t.ID, &t.Revision)
		} else {
			err = tx.QueryRow(ctx, `UPDATE target SET name = $2, definition = $3, updated_at = $4, revision = revision + 1
				WHERE id = $1 RETURNING revision`, t.ID, t.Name, def, now).Scan(&t.Revision)
			if err == pgx.ErrNoRows {
				return core.NotFound("error.target_not_found")
			}
		}
		if err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(now, kind, core.EntityTarget, t.ID, t.Revision, actorID))
	})
	return t, err
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// Target returns one target.
func (s *Store) Target(ctx context.Context, id int64) (core.Target, error) {
	var t core.Target
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT id, name, definition, revision FROM target WHERE id = $1`, id).Scan(&t.ID, &t.Name, &raw, &t.Revision)
	if err != nil {
		return core.Target{}, notFoundOr(err, "error.target_not_found", "read target")
	}
	if t.Definition, err = decodeDefinition(raw); err != nil {
		return core.Target{}, core.Internalf("decode target %d: %w", id, err)
	}
	return t, nil
}

// Targets lists targets, newest first.
func (s *Store) Targets(ctx context.Context) ([]core.Target, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, definition, revision FROM target ORDER BY id DESC`)
	if err != nil {
		return nil, wrapDB("query targets", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Target, error) {
		var t core.Target
		var raw []byte
		if err := row.Scan(&t.ID, &t.Name, &raw, &t.Revision); err != nil {
			return t, err
		}
		d, err := decodeDefinition(raw)
		if err != nil {
			return t, fmt.Errorf("decode target %d: %w", t.ID, err)
		}
		t.Definition = d
		return t, nil
	})
	return out, wrapDB("scan targets", err)
}
