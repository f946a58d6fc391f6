package core

import (
	"sort"

	"github.com/paulmach/orb"

	"quartier/geo"
)

// RegisterEntry is what target resolution needs of an address.
type RegisterEntry struct {
	ID       int64
	StreetID int64
	Number   int // leading integer of the house number
	Commune  string
	Point    orb.Point
	HasPoint bool
}

// Register is the address register in memory, indexed for targets: by street,
// by commune and, for addresses with a position, by a point index. Immutable.
type Register struct {
	entries   []RegisterEntry
	byStreet  map[int64][]int32
	byCommune map[string][]int32 // folded commune name
	points    *geo.PointIndex    // IDs are entry indexes
}

// NewRegister indexes entries (kept, not copied; sorted by id in place).
func NewRegister(entries []RegisterEntry) *Register {
	sort.Slice(entries, func(i, j int) bool { return entries[i].ID < entries[j].ID })
	r := &Register{entries: entries, byStreet: map[int64][]int32{}, byCommune: map[string][]int32{}}
	var pts []geo.IndexedPoint
	for i, e := range entries {
		r.byStreet[e.StreetID] = append(r.byStreet[e.StreetID], int32(i))
		c := geo.FoldName(e.Commune)
		r.byCommune[c] = append(r.byCommune[c], int32(i))
		if e.HasPoint {
			pts = append(pts, geo.IndexedPoint{ID: int64(i), Point: e.Point})
		}
	}
	r.points = geo.NewPointIndex(pts)
	return r
}

// Positions returns the positions of the addresses among ids that have one.
func (r *Register) Positions(ids []int64) []orb.Point {
	var out []orb.Point
	for _, id := range ids {
		if p, ok := r.Point(id); ok {
			out = append(out, p)
		}
	}
	return out
}

// Point returns the position of address id, if it has one.
func (r *Register) Point(id int64) (orb.Point, bool) {
	i := sort.Search(len(r.entries), func(i int) bool { return r.entries[i].ID >= id })
	if i < len(r.entries) && r.entries[i].ID == id && r.entries[i].HasPoint {
		return r.entries[i].Point, true
	}
	return orb.Point{}, false
}

// Len is the number of addresses.
func (r *Register) Len() int { return len(r.entries) }

// Placed is the number of addresses with a position.
func (r *Register) Placed() int { return r.points.Len() }

// ResolvedArea is an area as resolution needs it.
type ResolvedArea struct {
	Kind     AreaKind
	Name     string
	Prepared *geo.Prepared
}

// AreaSource finds areas by id, and lists the communes (for the unplaced count).
type AreaSource interface {
	Area(id int64) (ResolvedArea, bool)
	Communes() []ResolvedArea
}

// Resolution is the set of addresses a target reaches.
type Resolution struct {
	IDs []int64 // the addresses, in register order
	// Unplaced counts addresses without a position that a shape of the target
	// could not judge: on streets the shapes cross, and in the communes they
	// overlap (the second includes the first).
	UnplacedOnStreets  int
	UnplacedInCommunes int
	PerStreet          map[int64]int // street id: addresses selected
}

type bitset []uint64

func newBitset(n int) bitset      { return make(bitset, (n+63)/64) }
func (b bitset) set(i int32)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) has(i int32) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}
func (b bitset) andNot(o bitset) {
	for i := range b {
		b[i] &^= o[i]
	}
}

// Resolve applies a valid definition to the register. Parts whose area no
// longer exists select nothing.
func (r *Register) Resolve(def TargetDefinition, areas AreaSource) Resolution {
	n := len(r.entries)
	include, exclude := newBitset(n), newBitset(n)
	shapes := newBitset(n) // placed addresses inside any shape part
	var shapeBounds []orb.Bound
	for _, p := range def.Parts {
		part := newBitset(n)
		var region geo.Region
		switch p.Kind {
		case PartArea:
			a, ok := areas.Area(p.AreaID)
			if !ok {
				continue
			}
			if a.Kind == AreaCommune {
				for _, i := range r.byCommune[geo.FoldName(a.Name)] {
					part.set(i)
				}
			}
			region = a.Prepared
		case PartStreet:
			for _, i := range r.byStreet[p.StreetID] {
				e := &r.entries[i]
				narrowed := p.FromNumber > 0 || p.ToNumber > 0 || p.Parity != BothSides
				if narrowed && e.Number == 0 {
					continue // an address without a number is on no side and in no range
				}
				if (p.FromNumber > 0 && e.Number < p.FromNumber) || (p.ToNumber > 0 && e.Number > p.ToNumber) {
					continue
				}
				if (p.Parity == EvenSide && e.Number%2 != 0) || (p.Parity == OddSide && e.Number%2 == 0) {
					continue
				}
				part.set(i)
			}
		case PartPolygon:
			region = geo.Prepare(orb.MultiPolygon{p.Polygon})
		case PartBuffer:
			region = geo.NewBuffer(p.Line, p.Metres)
		}
		if region != nil {
			r.points.Within(region, func(ip geo.IndexedPoint) { part.set(int32(ip.ID)) })
			shapes.or(part)
			shapeBounds = append(shapeBounds, region.Bound())
		}
		if p.Exclude {
			exclude.or(part)
		} else {
			include.or(part)
		}
	}
	include.andNot(exclude)
	res := Resolution{PerStreet: map[int64]int{}}
	for i := range r.entries {
		if include.has(int32(i)) {
			e := &r.entries[i]
			res.IDs = append(res.IDs, e.ID)
			res.PerStreet[e.StreetID]++
		}
	}
	if len(shapeBounds) > 0 {
		res.UnplacedOnStreets, res.UnplacedInCommunes = r.unplaced(shapes, shapeBounds, areas)
	}
	return res
}

// unplaced counts addresses without a position on the streets that have a placed
// address inside a shape, and in the communes whose area meets a shape's box.
func (r *Register) unplaced(shapes bitset, bounds []orb.Bound, areas AreaSource) (onStreets, inCommunes int) {
	streets := map[int64]bool{}
	for i := range r.entries {
		if shapes.has(int32(i)) {
			streets[r.entries[i].StreetID] = true
		}
	}
	communes := map[string]bool{}
	for _, c := range areas.Communes() {
		for _, b := range bounds {
			if c.Prepared.BoxStatus(b) != geo.BoxOutside {
				communes[geo.FoldName(c.Name)] = true
			}
		}
	}
	for _, e := range r.entries {
		if e.HasPoint {
			continue
		}
		if streets[e.StreetID] {
			onStreets++
		}
		if communes[geo.FoldName(e.Commune)] {
			inCommunes++
		}
	}
	return onStreets, inCommunes
}

// SortedStreetCounts lists PerStreet as (street, count) pairs, most addresses first.
func (res Resolution) SortedStreetCounts() []StreetCount {
	out := make([]StreetCount, 0, len(res.PerStreet))
	for id, n := range res.PerStreet {
		out = append(out, StreetCount{StreetID: id, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].StreetID < out[j].StreetID
	})
	return out
}

// StreetCount is the number of addresses a target reaches in one street.
type StreetCount struct {
	StreetID int64
	Count    int
}
