package geo

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// ValidateMultiPolygon checks what RFC 7946 and point-in-polygon tests rely on:
// rings of at least 4 positions, closed, in lon/lat range (and, when region is
// not empty, not with the axes swapped), and edges that do not cross each other
// within a polygon (a bowtie, or a hole crossing its shell). Touching at a single
// vertex is allowed, as real boundary data does it. Rings count from 1 across
// the whole MultiPolygon.
func ValidateMultiPolygon(mp orb.MultiPolygon, region orb.Bound) *Error {
	ringNo := 0
	for _, poly := range mp {
		first := ringNo + 1
		for _, ring := range poly {
			ringNo++
			if e := validateRing(ring, region); e != nil {
				e.Ring = ringNo
				return e
			}
		}
		if e := selfIntersection(poly); e != nil {
			e.Ring += first - 1
			return e
		}
	}
	return nil
}

func validateRing(r orb.Ring, region orb.Bound) *Error {
	if len(r) < 4 {
		return &Error{Code: ErrRingTooShort, Detail: fmt.Sprintf("%d positions; a ring needs at least 4 (the last repeating the first)", len(r))}
	}
	for i, p := range r {
		if e := checkLonLat(p, region); e != nil {
			e.Point = i + 1
			return e
		}
	}
	if r[0] != r[len(r)-1] {
		return &Error{Code: ErrRingUnclosed, Point: len(r),
			Detail: fmt.Sprintf("the last position %v differs from the first %v", r[len(r)-1], r[0])}
	}
	return nil
}

// checkLonLat explains a position that is not WGS84 lon/lat where expected.
func checkLonLat(p orb.Point, region orb.Bound) *Error {
	lon, lat := p[0], p[1]
	if !Finite(p) {
		return &Error{Code: ErrCoordinates, Detail: fmt.Sprintf("%v: not a number", p)}
	}
	if math.Abs(lon) > 180 || math.Abs(lat) > 90 {
		if math.Abs(lon) > 1000 || math.Abs(lat) > 1000 {
			return &Error{Code: ErrProjected, Detail: fmt.Sprintf("%v looks like metres of a projected system (LUREF, EPSG:2169?); GeoJSON needs WGS84 lon/lat degrees", p)}
		}
		return &Error{Code: ErrOutOfRange, Detail: fmt.Sprintf("%v: longitude must be within ±180 and latitude within ±90", p)}
	}
	if !region.IsEmpty() && !region.Contains(p) && region.Contains(orb.Point{lat, lon}) {
		return &Error{Code: ErrAxisSwapped, Detail: fmt.Sprintf("%v looks like [lat, lon]; GeoJSON wants [lon, lat]", p)}
	}
	return nil
}

type edge struct {
	a, b       orb.Point
	ring, seq  int // ring index in the polygon, position of a in the ring
	ringLen    int
	minX, maxX float64
}

// selfIntersection finds two edges of one polygon that cross or overlap, with a
// sweep over x: edges sorted by their left end, compared only with edges whose x
// range overlaps. Adjacent edges of a ring share a vertex and are skipped.
func selfIntersection(poly orb.Polygon) *Error {
	var edges []edge
	for ri, ring := range poly {
		n := len(ring) - 1 // closed: the last point repeats the first
		for i := 0; i < n; i++ {
			a, b := ring[i], ring[i+1]
			if a == b {
				continue // a repeated point is harmless
			}
			edges = append(edges, edge{a: a, b: b, ring: ri, seq: i, ringLen: n, minX: math.Min(a[0], b[0]), maxX: math.Max(a[0], b[0])})
		}
	}
	sort.Slice(edges, func(i, j int) bool { return edges[i].minX < edges[j].minX })
	var active []int
	for i := range edges {
		e := &edges[i]
		kept := active[:0]
		for _, j := range active {
			if edges[j].maxX >= e.minX {
				kept = append(kept, j)
			}
		}
		active = kept
		for _, j := range active {
			o := &edges[j]
			if adjacent(e, o) {
				continue
			}
			if p, ok := crossing(e.a, e.b, o.a, o.b); ok {
				return &Error{Code: ErrSelfIntersection, Ring: e.ring + 1, Point: e.seq + 1,
					Detail: fmt.Sprintf("edges cross near [%.7f, %.7f]", p[0], p[1])}
			}
		}
		active = append(active, i)
	}
	return nil
}

func adjacent(e, o *edge) bool {
	if e.ring != o.ring {
		return false
	}
	d := e.seq - o.seq
	if d < 0 {
		d = -d
	}
	return d == 1 || d == e.ringLen-1
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// crossing reports whether segments ab and cd cross properly (each straddles
// the other's line) or overlap along a stretch; touching at a point is not a
// crossing.
func crossing(a, b, c, d orb.Point) (orb.Point, bool) {
	d1, d2 := orient(a, b, c), orient(a, b, d)
	d3, d4 := orient(c, d, a), orient(c, d, b)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		t := d3 / (d3 - d4)
		return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
	}
	if d1 == 0 && d2 == 0 { // collinear: overlapping by more than a point?
		ax, bx, cx, dx := a[0], b[0], c[0], d[0]
		if ax == bx { // vertical: compare y
			ax, bx, cx, dx = a[1], b[1], c[1], d[1]
		}
		lo := math.Max(math.Min(ax, bx), math.Min(cx, dx))
		hi := math.Min(math.Max(ax, bx), math.Max(cx, dx))
		if hi > lo {
			return c, true
		}
	}
	return orb.Point{}, false
}
