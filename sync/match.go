package sync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/geo"
)

// audience is where a publication is aimed: areas of Quartier, a target, or
// points; all empty means the whole commune.
type audience struct {
	areaIDs  []int64
	targetID int64
	points   []orb.Point
}

// minShare is the overlap below which a neighbourhood and a target only touch
// along a border (boundaries drawn by different hands never match exactly).
const minShare = 0.02

// AreaMatch is one remote area that intersects a target, and by how much.
type AreaMatch struct {
	ID, Name string
	// Share is the part of the remote area inside the target, Covered the part
	// of the target inside the remote area (0 to 1 each).
	Share, Covered float64
}

// errNoRemoteAreas delays a delivery until the connector's areas are known.
var errNoRemoteAreas = errors.New("the remote's areas are not known yet (the areas job runs at start)")

// audienceAreas chooses the connector's areas for an audience.
func (e *Engine) audienceAreas(ctx context.Context, connector string, w audience) ([]string, bool, error) {
	if len(w.areaIDs) == 0 && w.targetID == 0 && len(w.points) == 0 {
		return nil, true, nil
	}
	matches, err := e.match(ctx, connector, w)
	if err != nil {
		return nil, false, err
	}
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.ID
	}
	return ids, false, nil
}

// MatchTarget lists the connector's areas that intersect a target, the most
// covered first: what staff see before a consultation goes out.
func (e *Engine) MatchTarget(ctx context.Context, connector string, targetID int64) ([]AreaMatch, error) {
	return e.match(ctx, connector, audience{targetID: targetID})
}

// matchTTL is how long a match is reused: areas and targets change rarely,
// and a delivery must not load every commune's outline.
const matchTTL = 30 * time.Second

type matchCache struct {
	mu      sync.Mutex
	entries map[string]matchEntry
}

type matchEntry struct {
	matches []AreaMatch
	until   time.Time
}

// forget drops a connector's cached matches (its areas changed).
func (c *matchCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
}

// match returns the remote areas an audience reaches; audiences of areas and
// targets are cached for matchTTL (points, one idea each, are not).
// TargetShares lists, for every connector with areas, those that intersect a
// target and by how much.
func (e *Engine) TargetShares(ctx context.Context, targetID int64) ([]core.AreaShare, error) {
	var out []core.AreaShare
	for name := range e.conns {
		matches, err := e.match(ctx, name, audience{targetID: targetID})
		if errors.Is(err, errNoRemoteAreas) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			out = append(out, core.AreaShare{Connector: name, ID: m.ID, Name: m.Name, Share: m.Share, Covered: m.Covered})
		}
	}
	return out, nil
}

// TargetAreas lists the ids of the connector's areas that intersect a target.
func (e *Engine) TargetAreas(ctx context.Context, connector string, targetID int64) ([]string, error) {
	matches, err := e.match(ctx, connector, audience{targetID: targetID})
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.ID
	}
	return ids, err
}

func (e *Engine) match(ctx context.Context, connector string, w audience) ([]AreaMatch, error) {
	if len(w.points) > 0 {
		return e.matchNow(ctx, connector, w)
	}
	key := fmt.Sprint(connector, w.areaIDs, w.targetID)
	c := &e.matches
	c.mu.Lock()
	if m, ok := c.entries[key]; ok && time.Now().Before(m.until) {
		c.mu.Unlock()
		return m.matches, nil
	}
	c.mu.Unlock()
	matches, err := e.matchNow(ctx, connector, w)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]matchEntry{}
	}
	c.entries[key] = matchEntry{matches, time.Now().Add(matchTTL)}
	c.mu.Unlock()
	return matches, nil
}

func (e *Engine) matchNow(ctx context.Context, connector string, w audience) ([]AreaMatch, error) {
	remote, err := e.store.RemoteAreas(ctx, connector)
	if err != nil {
		return nil, err
	}
	if len(remote) == 0 {
		return nil, errNoRemoteAreas
	}
	regions, points, err := e.regions(ctx, w)
	if err != nil {
		return nil, err
	}
	var out []AreaMatch
	for _, ra := range remote {
		r := geo.Prepare(ra.Boundary)
		m := AreaMatch{ID: ra.ID, Name: ra.Name}
		for _, reg := range regions {
			m.Share += geo.Overlap(r, reg)
			m.Covered = max(m.Covered, geo.Overlap(reg, r))
		}
		m.Share = min(m.Share, 1)
		hit := m.Share >= minShare || m.Covered >= minShare
		for _, p := range points {
			hit = hit || r.Contains(p)
		}
		if hit {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Covered+out[i].Share > out[j].Covered+out[j].Share })
	return out, nil
}

// regions turns an audience into shapes and points. A target's excluded parts
// are left out of the reckoning: a neighbourhood that touches the target at all
// hears of it.
func (e *Engine) regions(ctx context.Context, w audience) ([]*geo.Prepared, []orb.Point, error) {
	areas, err := e.store.Areas(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]core.Area, len(areas))
	for _, a := range areas {
		byID[a.ID] = a
	}
	var regions []*geo.Prepared
	points := w.points
	for _, id := range w.areaIDs {
		if a, ok := byID[id]; ok {
			regions = append(regions, geo.Prepare(a.Geometry))
		}
	}
	if w.targetID == 0 {
		return regions, points, nil
	}
	t, err := e.store.Target(ctx, w.targetID)
	if err != nil {
		return nil, nil, err
	}
	var streets []int64
	for _, part := range t.Definition.Parts {
		if part.Exclude {
			continue
		}
		switch part.Kind {
		case core.PartArea:
			if a, ok := byID[part.AreaID]; ok {
				regions = append(regions, geo.Prepare(a.Geometry))
			}
		case core.PartPolygon:
			regions = append(regions, geo.Prepare(orb.MultiPolygon{part.Polygon}))
		case core.PartBuffer:
			regions = append(regions, geo.Prepare(geo.NewBuffer(part.Line, part.Metres).Outline()))
		case core.PartStreet:
			streets = append(streets, part.StreetID)
		}
	}
	if len(streets) > 0 {
		placed, communes, err := e.store.StreetPlaces(ctx, streets)
		if err != nil {
			return nil, nil, err
		}
		points = append(points, placed...)
		if len(placed) == 0 { // a register without positions: the streets' communes
			for _, a := range areas {
				for _, name := range communes {
					if a.Kind == core.AreaCommune && geo.FoldName(a.Name) == geo.FoldName(name) {
						regions = append(regions, geo.Prepare(a.Geometry))
					}
				}
			}
		}
	}
	return regions, points, nil
}
