package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Prepared is a polygon (or multipolygon, with holes) made ready for many
// point-in-polygon tests. A grid over its bounding box marks each cell inside,
// outside or on the boundary; a boundary cell keeps the edges that touch it and
// whether its centre is inside. A point in an inside or outside cell is answered
// at once; in a boundary cell, by counting the cell's edges crossed by the
// segment from the cell centre to the point. It is immutable and safe for
// concurrent use.
type Prepared struct {
	bound     orb.Bound
	nx, ny    int
	cellW     float64
	cellH     float64
	status    []uint8 // per cell: cellOutside, cellInside, or cellBoundary
	centreIn  []bool  // per cell: is the cell centre inside (boundary cells)
	edgeStart []int32 // CSR: edges of cell i are edgeIdx[edgeStart[i]:edgeStart[i+1]]
	edgeIdx   []int32
	edges     []segment
	geometry  orb.MultiPolygon
}

type segment struct{ ax, ay, bx, by float64 }

// What a cell, or a box, is with respect to a region.
const (
	cellOutside uint8 = iota
	cellInside
	cellBoundary
)

// Box relations returned by BoxStatus.
const (
	BoxOutside   = cellOutside  // no point of the box is in the region
	BoxInside    = cellInside   // every point of the box is in the region
	BoxStraddles = cellBoundary // some may be, some may not: test each point
)

// Prepare builds the index. The grid has about two cells per edge (at least
// 4×4, at most 1024×1024), which keeps boundary cells to a few edges each.
func Prepare(mp orb.MultiPolygon) *Prepared {
	p := &Prepared{geometry: mp, bound: mp.Bound()}
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				a, b := ring[i], ring[i+1]
				if a != b {
					p.edges = append(p.edges, segment{a[0], a[1], b[0], b[1]})
				}
			}
		}
	}
	w, h := p.bound.Max[0]-p.bound.Min[0], p.bound.Max[1]-p.bound.Min[1]
	if len(p.edges) == 0 || w <= 0 || h <= 0 {
		return p
	}
	cells := float64(2 * len(p.edges))
	p.nx = clampInt(int(math.Sqrt(cells*w/h)), 4, 1024)
	p.ny = clampInt(int(math.Sqrt(cells*h/w)), 4, 1024)
	p.cellW, p.cellH = w/float64(p.nx), h/float64(p.ny)
	n := p.nx * p.ny

	// Each edge goes into every cell its bounding box touches (a little more than
	// the cells it crosses, which is harmless and simple).
	counts := make([]int32, n+1)
	forEdgeCells := func(fn func(cell int, e int32)) {
		for ei, e := range p.edges {
			x0, x1 := p.col(math.Min(e.ax, e.bx)), p.col(math.Max(e.ax, e.bx))
			y0, y1 := p.row(math.Min(e.ay, e.by)), p.row(math.Max(e.ay, e.by))
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					fn(y*p.nx+x, int32(ei))
				}
			}
		}
	}
	forEdgeCells(func(c int, _ int32) { counts[c+1]++ })
	for i := 1; i <= n; i++ {
		counts[i] += counts[i-1]
	}
	p.edgeStart = counts
	p.edgeIdx = make([]int32, counts[n])
	fill := make([]int32, n)
	forEdgeCells(func(c int, e int32) {
		p.edgeIdx[p.edgeStart[c]+fill[c]] = e
		fill[c]++
	})
	p.status = make([]uint8, n)
	p.centreIn = make([]bool, n)
	for c := 0; c < n; c++ {
		centre := p.centre(c)
		in := planar.MultiPolygonContains(mp, centre)
		p.centreIn[c] = in
		switch {
		case p.edgeStart[c+1] > p.edgeStart[c]:
			p.status[c] = cellBoundary
		case in:
			p.status[c] = cellInside
		}
	}
	return p
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }

func (p *Prepared) col(x float64) int {
	return clampInt(int((x-p.bound.Min[0])/p.cellW), 0, p.nx-1)
}

func (p *Prepared) row(y float64) int {
	return clampInt(int((y-p.bound.Min[1])/p.cellH), 0, p.ny-1)
}

func (p *Prepared) centre(c int) orb.Point {
	x, y := c%p.nx, c/p.nx
	return orb.Point{p.bound.Min[0] + (float64(x)+0.5)*p.cellW, p.bound.Min[1] + (float64(y)+0.5)*p.cellH}
}

// Bound is the polygon's bounding box.
func (p *Prepared) Bound() orb.Bound { return p.bound }

// Geometry is the polygon the index was built from.
func (p *Prepared) Geometry() orb.MultiPolygon { return p.geometry }

// Contains reports whether pt lies inside the polygon (points exactly on an edge
// may go either way).
func (p *Prepared) Contains(pt orb.Point) bool {
	x, y := pt[0], pt[1]
	if x < p.bound.Min[0] || x > p.bound.Max[0] || y < p.bound.Min[1] || y > p.bound.Max[1] || p.nx == 0 {
		return false
	}
	c := p.row(y)*p.nx + p.col(x)
	switch p.status[c] {
	case cellInside:
		return true
	case cellOutside:
		return false
	}
	centre := p.centre(c)
	in := p.centreIn[c]
	for _, ei := range p.edgeIdx[p.edgeStart[c]:p.edgeStart[c+1]] {
		e := &p.edges[ei]
		if segmentsCross(centre[0], centre[1], x, y, e) {
			in = !in
		}
	}
	return in
}

// BoxStatus tells whether the axis-aligned box b lies wholly inside the polygon
// (BoxInside), wholly outside (BoxOutside), or may straddle it (BoxStraddles),
// judged on grid cells. Point indexes use it to take or skip whole cells without
// testing each point.
func (p *Prepared) BoxStatus(b orb.Bound) uint8 {
	if p.nx == 0 || !p.bound.Intersects(b) {
		return cellOutside
	}
	if b.Min[0] < p.bound.Min[0] || b.Max[0] > p.bound.Max[0] || b.Min[1] < p.bound.Min[1] || b.Max[1] > p.bound.Max[1] {
		return cellBoundary
	}
	x0, x1, y0, y1 := p.col(b.Min[0]), p.col(b.Max[0]), p.row(b.Min[1]), p.row(b.Max[1])
	first := p.status[y0*p.nx+x0]
	if first == cellBoundary {
		return cellBoundary
	}
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			if p.status[y*p.nx+x] != first {
				return cellBoundary
			}
		}
	}
	return first
}

// segmentsCross counts a crossing of the query segment (cx,cy)-(px,py) with edge
// e, with half-open rules on both segments so that a crossing exactly at a shared
// vertex of two edges counts once, keeping the parity right.
func segmentsCross(cx, cy, px, py float64, e *segment) bool {
	o1 := (px-cx)*(e.ay-cy) - (py-cy)*(e.ax-cx)
	o2 := (px-cx)*(e.by-cy) - (py-cy)*(e.bx-cx)
	if (o1 > 0) == (o2 > 0) {
		return false
	}
	o3 := (e.bx-e.ax)*(cy-e.ay) - (e.by-e.ay)*(cx-e.ax)
	o4 := (e.bx-e.ax)*(py-e.ay) - (e.by-e.ay)*(px-e.ax)
	return (o3 > 0) != (o4 > 0)
}
