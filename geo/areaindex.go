package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// IndexedArea is an area the index answers with.
type IndexedArea struct {
	ID       int64
	Prepared *Prepared
}

// AreaIndex finds the areas that contain a point. A uniform grid over all the
// areas lists, per cell, the areas whose box touches it; each candidate is then
// asked with its prepared polygon. Build a new index when areas change (it is
// immutable, so readers never lock).
type AreaIndex struct {
	bound     orb.Bound
	nx, ny    int
	cellW     float64
	cellH     float64
	start     []int32 // CSR over cells
	candidate []int32 // indexes into areas
	areas     []IndexedArea
}

// NewAreaIndex indexes areas; the grid has about 64 cells per area (at most 512×512).
func NewAreaIndex(areas []IndexedArea) *AreaIndex {
	ix := &AreaIndex{areas: areas}
	if len(areas) == 0 {
		return ix
	}
	ix.bound = areas[0].Prepared.Bound()
	for _, a := range areas[1:] {
		ix.bound = ix.bound.Union(a.Prepared.Bound())
	}
	w, h := ix.bound.Max[0]-ix.bound.Min[0], ix.bound.Max[1]-ix.bound.Min[1]
	if w <= 0 || h <= 0 {
		w, h = math.Max(w, 1e-9), math.Max(h, 1e-9)
	}
	cells := float64(64 * len(areas))
	ix.nx = clampInt(int(math.Sqrt(cells*w/h)), 1, 512)
	ix.ny = clampInt(int(math.Sqrt(cells*h/w)), 1, 512)
	ix.cellW, ix.cellH = w/float64(ix.nx), h/float64(ix.ny)
	n := ix.nx * ix.ny
	lists := make([][]int32, n)
	for i, a := range areas {
		b := a.Prepared.Bound()
		for y := ix.row(b.Min[1]); y <= ix.row(b.Max[1]); y++ {
			for x := ix.col(b.Min[0]); x <= ix.col(b.Max[0]); x++ {
				c := y*ix.nx + x
				cell := orb.Bound{
					Min: orb.Point{ix.bound.Min[0] + float64(x)*ix.cellW, ix.bound.Min[1] + float64(y)*ix.cellH},
					Max: orb.Point{ix.bound.Min[0] + float64(x+1)*ix.cellW, ix.bound.Min[1] + float64(y+1)*ix.cellH},
				}
				if a.Prepared.BoxStatus(cell) != cellOutside {
					lists[c] = append(lists[c], int32(i))
				}
			}
		}
	}
	ix.start = make([]int32, n+1)
	for c, l := range lists {
		ix.start[c+1] = ix.start[c] + int32(len(l))
	}
	ix.candidate = make([]int32, 0, ix.start[n])
	for _, l := range lists {
		ix.candidate = append(ix.candidate, l...)
	}
	return ix
}

func (ix *AreaIndex) col(x float64) int {
	return clampInt(int((x-ix.bound.Min[0])/ix.cellW), 0, ix.nx-1)
}
func (ix *AreaIndex) row(y float64) int {
	return clampInt(int((y-ix.bound.Min[1])/ix.cellH), 0, ix.ny-1)
}

// Len is the number of indexed areas.
func (ix *AreaIndex) Len() int { return len(ix.areas) }

// Containing appends to dst the ids of the areas that contain pt, in index order.
func (ix *AreaIndex) Containing(pt orb.Point, dst []int64) []int64 {
	if ix.nx == 0 || !ix.bound.Contains(pt) {
		return dst
	}
	c := ix.row(pt[1])*ix.nx + ix.col(pt[0])
	for _, i := range ix.candidate[ix.start[c]:ix.start[c+1]] {
		if ix.areas[i].Prepared.Contains(pt) {
			dst = append(dst, ix.areas[i].ID)
		}
	}
	return dst
}
