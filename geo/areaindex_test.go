package geo

import (
	"testing"

	"github.com/paulmach/orb/planar"
)

func TestAreaIndexAgreesWithBruteForce(t *testing.T) {
	features, ix := luxembourgAreas(t)
	pts := randomPoints(5000, ix.bound, 11)
	found := 0
	for _, pt := range pts {
		got := ix.Containing(pt, nil)
		var want []int64
		for i, f := range features {
			if planar.MultiPolygonContains(f.Geometry, pt) {
				want = append(want, int64(i))
			}
		}
		if len(got) != len(want) {
			t.Fatalf("Containing(%v) = %v, want %v", pt, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("Containing(%v) = %v, want %v", pt, got, want)
			}
		}
		found += len(got)
	}
	if found < len(pts)/3 {
		t.Fatalf("only %d hits for %d points", found, len(pts))
	}
}
