package geo

import "github.com/paulmach/orb"

// overlapGrid is the number of sample columns and rows Overlap uses: 64×64
// points give the share to about a percent, which is what matching an app's
// neighbourhoods to a target needs.
const overlapGrid = 64

// Overlap estimates the share (0 to 1) of a's area that lies inside b, by
// sampling a regular grid over a's bounds. Shapes that do not touch give 0
// without sampling.
func Overlap(a, b *Prepared) float64 {
	ab, bb := a.Bound(), b.Bound()
	if !ab.Intersects(bb) {
		return 0
	}
	dx := (ab.Max[0] - ab.Min[0]) / overlapGrid
	dy := (ab.Max[1] - ab.Min[1]) / overlapGrid
	in, both := 0, 0
	for i := range overlapGrid {
		for j := range overlapGrid {
			p := orb.Point{ab.Min[0] + (float64(i)+0.5)*dx, ab.Min[1] + (float64(j)+0.5)*dy}
			if !a.Contains(p) {
				continue
			}
			in++
			if b.Contains(p) {
				both++
			}
		}
	}
	if in == 0 {
		return 0
	}
	return float64(both) / float64(in)
}
