package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// IndexedPoint is a located thing (an address) the index returns by id.
type IndexedPoint struct {
	ID    int64
	Point orb.Point
}

// PointIndex finds the points inside a region. Points are sorted by the cell of
// a uniform grid (about 16 points per cell); a query walks the cells under the
// region's box, takes or skips whole cells the region says are inside or
// outside, and tests points one by one only in cells it straddles. Immutable.
type PointIndex struct {
	bound  orb.Bound
	nx, ny int
	cellW  float64
	cellH  float64
	start  []int32
	points []IndexedPoint
}

// NewPointIndex indexes pts (the slice is reordered and kept).
func NewPointIndex(pts []IndexedPoint) *PointIndex {
	ix := &PointIndex{points: pts}
	if len(pts) == 0 {
		return ix
	}
	ix.bound = orb.Bound{Min: pts[0].Point, Max: pts[0].Point}
	for _, p := range pts[1:] {
		ix.bound = ix.bound.Extend(p.Point)
	}
	w := math.Max(ix.bound.Max[0]-ix.bound.Min[0], 1e-9)
	h := math.Max(ix.bound.Max[1]-ix.bound.Min[1], 1e-9)
	cells := math.Max(1, float64(len(pts))/16)
	ix.nx = clampInt(int(math.Sqrt(cells*w/h)), 1, 4096)
	ix.ny = clampInt(int(math.Sqrt(cells*h/w)), 1, 4096)
	ix.cellW, ix.cellH = w/float64(ix.nx), h/float64(ix.ny)
	cellOf := func(p orb.Point) int { return ix.row(p[1])*ix.nx + ix.col(p[0]) }
	sort.Slice(pts, func(i, j int) bool { return cellOf(pts[i].Point) < cellOf(pts[j].Point) })
	n := ix.nx * ix.ny
	ix.start = make([]int32, n+1)
	for _, p := range pts {
		ix.start[cellOf(p.Point)+1]++
	}
	for i := 1; i <= n; i++ {
		ix.start[i] += ix.start[i-1]
	}
	return ix
}

func (ix *PointIndex) col(x float64) int {
	return clampInt(int((x-ix.bound.Min[0])/ix.cellW), 0, ix.nx-1)
}
func (ix *PointIndex) row(y float64) int {
	return clampInt(int((y-ix.bound.Min[1])/ix.cellH), 0, ix.ny-1)
}

// Len is the number of indexed points.
func (ix *PointIndex) Len() int { return len(ix.points) }

// Within calls fn for every point inside r, in no particular order.
func (ix *PointIndex) Within(r Region, fn func(IndexedPoint)) {
	if len(ix.points) == 0 {
		return
	}
	b := r.Bound()
	if !b.Intersects(ix.bound) {
		return
	}
	for y := ix.row(b.Min[1]); y <= ix.row(b.Max[1]); y++ {
		for x := ix.col(b.Min[0]); x <= ix.col(b.Max[0]); x++ {
			c := y*ix.nx + x
			pts := ix.points[ix.start[c]:ix.start[c+1]]
			if len(pts) == 0 {
				continue
			}
			cell := orb.Bound{
				Min: orb.Point{ix.bound.Min[0] + float64(x)*ix.cellW, ix.bound.Min[1] + float64(y)*ix.cellH},
				Max: orb.Point{ix.bound.Min[0] + float64(x+1)*ix.cellW, ix.bound.Min[1] + float64(y+1)*ix.cellH},
			}
			switch r.BoxStatus(cell) {
			case BoxOutside:
				continue
			case BoxInside:
				for _, p := range pts {
					fn(p)
				}
			default:
				for _, p := range pts {
					if r.Contains(p.Point) {
						fn(p)
					}
				}
			}
		}
	}
}
