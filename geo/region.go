package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Region is a set of points on the map: a prepared polygon, a line with a buffer,
// or a union or difference of regions. Targets are regions; they are evaluated
// point by point, exactly, rather than by clipping polygons.
type Region interface {
	Bound() orb.Bound
	Contains(orb.Point) bool
	// BoxStatus may answer BoxStraddles whenever it is unsure; BoxInside and
	// BoxOutside must be true for every point of the box.
	BoxStatus(orb.Bound) uint8
}

// Union is every point in at least one of its parts.
type Union []Region

// Bound is the box around all parts.
func (u Union) Bound() orb.Bound {
	if len(u) == 0 {
		return orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}} // empty
	}
	b := u[0].Bound()
	for _, r := range u[1:] {
		b = b.Union(r.Bound())
	}
	return b
}

// Contains reports whether any part contains p.
func (u Union) Contains(p orb.Point) bool {
	for _, r := range u {
		if r.Contains(p) {
			return true
		}
	}
	return false
}

// BoxStatus is inside if any part holds the whole box, outside if none touches it.
func (u Union) BoxStatus(b orb.Bound) uint8 {
	out := BoxOutside
	for _, r := range u {
		switch r.BoxStatus(b) {
		case BoxInside:
			return BoxInside
		case BoxStraddles:
			out = BoxStraddles
		}
	}
	return out
}

// Difference is the points of Base that are in none of Minus.
type Difference struct {
	Base  Region
	Minus Union
}

// Bound is Base's box.
func (d Difference) Bound() orb.Bound { return d.Base.Bound() }

// Contains reports whether p is in Base and not in Minus.
func (d Difference) Contains(p orb.Point) bool { return d.Base.Contains(p) && !d.Minus.Contains(p) }

// BoxStatus combines the two statuses.
func (d Difference) BoxStatus(b orb.Bound) uint8 {
	base := d.Base.BoxStatus(b)
	if base == BoxOutside {
		return BoxOutside
	}
	switch d.Minus.BoxStatus(b) {
	case BoxInside:
		return BoxOutside
	case BoxOutside:
		return base
	}
	return BoxStraddles
}

// Buffer is every point within Metres of a line (a street drawn on the map).
// Distances use a local equirectangular projection at the line's latitude:
// off by well under 0.1 % across a commune.
type Buffer struct {
	line   orb.LineString
	metres float64
	kx, ky float64 // metres per degree of lon and lat
	bound  orb.Bound
}

// NewBuffer returns the buffer of radius metres around line.
func NewBuffer(line orb.LineString, metres float64) *Buffer {
	b := line.Bound()
	lat := (b.Min[1] + b.Max[1]) / 2
	ky := 111_132.954 - 559.822*math.Cos(2*lat*deg) + 1.175*math.Cos(4*lat*deg)
	kx := 111_412.84*math.Cos(lat*deg) - 93.5*math.Cos(3*lat*deg)
	return &Buffer{line: line, metres: metres, kx: kx, ky: ky,
		bound: orb.Bound{
			Min: orb.Point{b.Min[0] - metres/kx, b.Min[1] - metres/ky},
			Max: orb.Point{b.Max[0] + metres/kx, b.Max[1] + metres/ky},
		}}
}

// Bound is the line's box grown by the radius.
func (bf *Buffer) Bound() orb.Bound { return bf.bound }

// Contains reports whether p is within the radius of the line.
func (bf *Buffer) Contains(p orb.Point) bool {
	if !bf.bound.Contains(p) {
		return false
	}
	return bf.distance(p) <= bf.metres
}

func (bf *Buffer) distance(p orb.Point) float64 {
	best := math.Inf(1)
	px, py := p[0]*bf.kx, p[1]*bf.ky
	for i := 0; i+1 < len(bf.line); i++ {
		ax, ay := bf.line[i][0]*bf.kx, bf.line[i][1]*bf.ky
		bx, by := bf.line[i+1][0]*bf.kx, bf.line[i+1][1]*bf.ky
		dx, dy := bx-ax, by-ay
		t := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			t = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l2))
		}
		best = math.Min(best, math.Hypot(px-(ax+t*dx), py-(ay+t*dy)))
	}
	if len(bf.line) == 1 {
		best = math.Hypot(px-bf.line[0][0]*bf.kx, py-bf.line[0][1]*bf.ky)
	}
	return best
}

// BoxStatus is outside when the whole box is farther than the radius from the
// line, and straddles otherwise (points near a buffer are few; testing each is
// cheaper than proving a box inside).
func (bf *Buffer) BoxStatus(b orb.Bound) uint8 {
	if !bf.bound.Intersects(b) {
		return BoxOutside
	}
	centre := orb.Point{(b.Min[0] + b.Max[0]) / 2, (b.Min[1] + b.Max[1]) / 2}
	halfDiag := math.Hypot((b.Max[0]-b.Min[0])*bf.kx, (b.Max[1]-b.Min[1])*bf.ky) / 2
	if bf.distance(centre) > bf.metres+halfDiag {
		return BoxOutside
	}
	return BoxStraddles
}

// Outline approximates the buffer's edge as a polygon, for drawing only (the
// membership test above is exact): the line offset to both sides with round
// caps, as one ring per segment capsule, merged into a MultiPolygon.
func (bf *Buffer) Outline() orb.MultiPolygon {
	var mp orb.MultiPolygon
	const steps = 12
	for i := 0; i+1 < len(bf.line) || (len(bf.line) == 1 && i == 0); i++ {
		a := bf.line[i]
		b := a
		if i+1 < len(bf.line) {
			b = bf.line[i+1]
		}
		ang := math.Atan2((b[1]-a[1])*bf.ky, (b[0]-a[0])*bf.kx)
		var ring orb.Ring
		for k := 0; k <= steps; k++ { // cap around b, from +90° to -90°
			t := ang + math.Pi/2 - math.Pi*float64(k)/steps
			ring = append(ring, orb.Point{b[0] + bf.metres*math.Cos(t)/bf.kx, b[1] + bf.metres*math.Sin(t)/bf.ky})
		}
		for k := 0; k <= steps; k++ { // cap around a, from -90° to -270°
			t := ang - math.Pi/2 - math.Pi*float64(k)/steps
			ring = append(ring, orb.Point{a[0] + bf.metres*math.Cos(t)/bf.kx, a[1] + bf.metres*math.Sin(t)/bf.ky})
		}
		ring = append(ring, ring[0])
		mp = append(mp, orb.Polygon{ring})
	}
	return mp
}
