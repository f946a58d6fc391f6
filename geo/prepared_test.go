package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Prepared agrees with planar.MultiPolygonContains on random points around every
// commune and quarter (points exactly on an edge aside, which random floats miss).
func TestPreparedAgreesWithPlanar(t *testing.T) {
	features := append(readFile(t, demoLU+"communes4326.geojson"), readFile(t, demoLU+"Quartiers_de_Luxembourg.wgs84.geojson")...)
	rng := rand.New(rand.NewPCG(1, 2))
	checked, inside := 0, 0
	for _, f := range features {
		p := Prepare(f.Geometry)
		b := p.Bound()
		for i := 0; i < 2000; i++ {
			pt := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0])*1.2 - 0.1*(b.Max[0]-b.Min[0]),
				b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])*1.2 - 0.1*(b.Max[1]-b.Min[1])}
			want := planar.MultiPolygonContains(f.Geometry, pt)
			if got := p.Contains(pt); got != want {
				t.Fatalf("feature %d (%s): Contains(%v) = %v, planar says %v", f.Number, featureName(f.Properties), pt, got, want)
			}
			checked++
			if want {
				inside++
			}
		}
	}
	if inside < checked/4 {
		t.Fatalf("only %d of %d random points inside: the test is not exercising much", inside, checked)
	}
}

func TestPreparedHandlesHoles(t *testing.T) {
	shell := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	hole := orb.Ring{{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}}
	p := Prepare(orb.MultiPolygon{{shell, hole}, {{{20, 0}, {22, 0}, {22, 2}, {20, 0}}}})
	for pt, want := range map[orb.Point]bool{{1, 1}: true, {5, 5}: false, {3.9, 5}: true, {21.5, 0.5}: true, {21, 1.5}: false, {15, 5}: false} {
		if got := p.Contains(pt); got != want {
			t.Errorf("Contains(%v) = %v, want %v", pt, got, want)
		}
	}
}
