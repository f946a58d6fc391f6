package web

import (
	"context"
	"sync"
	"time"

	"quartier/core"
	"quartier/geo"
)

// geography is what the pages and the API need of areas and the register, in
// memory: prepared polygons, the area index and the resolvable register. It is
// rebuilt when the change log shows areas or addresses changed; readers get an
// immutable snapshot.
type geography struct {
	areas    map[int64]core.Area
	resolved map[int64]core.ResolvedArea
	communes []core.ResolvedArea
	ordered  []core.Area // communes, quarters, custom; by name
	// communesByName finds communes by geo.FoldName of their name, as an
	// address's commune is written in the register.
	communesByName map[string][]core.Area
	index          *geo.AreaIndex
	register       *core.Register
}

// Area implements core.AreaSource.
func (g *geography) Area(id int64) (core.ResolvedArea, bool) { a, ok := g.resolved[id]; return a, ok }

// Communes implements core.AreaSource.
func (g *geography) Communes() []core.ResolvedArea { return g.communes }

type geoCache struct {
	mu           sync.Mutex
	current      *geography
	areasVer     int64
	addressesVer int64
	checked      time.Time
}

// geography returns the current snapshot, reloading what changed. The version
// is checked at most once a second.
func (s *Server) geography(ctx context.Context) (*geography, error) {
	c := &s.geo
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current != nil && time.Since(c.checked) < time.Second {
		return c.current, nil
	}
	areasVer, addressesVer, err := s.store.GeographyVersion(ctx)
	if err != nil {
		return nil, err
	}
	c.checked = time.Now()
	if c.current != nil && areasVer == c.areasVer && addressesVer == c.addressesVer {
		return c.current, nil
	}
	next := &geography{}
	if c.current != nil && areasVer == c.areasVer {
		*next = *c.current
	} else {
		areas, err := s.store.Areas(ctx)
		if err != nil {
			return nil, err
		}
		next.areas = make(map[int64]core.Area, len(areas))
		next.resolved = make(map[int64]core.ResolvedArea, len(areas))
		next.communesByName = map[string][]core.Area{}
		indexed := make([]geo.IndexedArea, 0, len(areas))
		for _, a := range areas {
			p := geo.Prepare(a.Geometry)
			next.areas[a.ID] = a
			ra := core.ResolvedArea{Kind: a.Kind, Name: a.Name, Prepared: p}
			next.resolved[a.ID] = ra
			if a.Kind == core.AreaCommune {
				next.communes = append(next.communes, ra)
				name := geo.FoldName(a.Name)
				next.communesByName[name] = append(next.communesByName[name], a)
			}
			indexed = append(indexed, geo.IndexedArea{ID: a.ID, Prepared: p})
		}
		next.ordered = areas
		next.index = geo.NewAreaIndex(indexed)
	}
	if c.current == nil || addressesVer != c.addressesVer {
		entries, err := s.store.RegisterEntries(ctx)
		if err != nil {
			return nil, err
		}
		next.register = core.NewRegister(entries)
	} else {
		next.register = c.current.register
	}
	c.current, c.areasVer, c.addressesVer = next, areasVer, addressesVer
	return next, nil
}

// invalidate makes the next request check the versions again (after an import
// in this process, so that its author sees the result at once).
func (c *geoCache) invalidate() {
	c.mu.Lock()
	c.checked = time.Time{}
	c.mu.Unlock()
}
