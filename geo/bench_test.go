package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func luxembourgAreas(tb testing.TB) ([]Feature, *AreaIndex) {
	tb.Helper()
	features := append(readFile(tb, demoLU+"communes4326.geojson"), readFile(tb, demoLU+"Quartiers_de_Luxembourg.wgs84.geojson")...)
	return features, indexByPosition(features)
}

// randomPoints returns n points uniformly spread over the box around Luxembourg.
func randomPoints(n int, b orb.Bound, seed uint64) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
	}
	return pts
}

// BenchmarkClassifyPoints classifies points against the 100 communes and the 24
// quarters of Luxembourg City: points spread over the country's box, and points
// inside the country only (as addresses are). ns/op is per point.
func BenchmarkClassifyPoints(b *testing.B) {
	_, ix := luxembourgAreas(b)
	box := randomPoints(1<<16, ix.bound, 7)
	var inCountry []orb.Point
	for _, p := range randomPoints(1<<18, ix.bound, 8) {
		if len(ix.Containing(p, nil)) > 0 && len(inCountry) < 1<<16 {
			inCountry = append(inCountry, p)
		}
	}
	for name, pts := range map[string][]orb.Point{"box": box, "in_country": inCountry} {
		b.Run(name, func(b *testing.B) {
			var dst []int64
			for i := 0; b.Loop(); i++ {
				dst = ix.Containing(pts[i&(len(pts)-1)], dst[:0])
			}
		})
	}
}

// BenchmarkPolygonContains compares plain planar.PolygonContains with the
// prepared polygon on the Luxembourg City quarter with the most vertices (Hamm, 470).
func BenchmarkPolygonContains(b *testing.B) {
	quarters := readFile(b, demoLU+"Quartiers_de_Luxembourg.wgs84.geojson")
	biggest, most := quarters[0], 0
	for _, q := range quarters {
		n := 0
		for _, ring := range q.Geometry[0] {
			n += len(ring)
		}
		if n > most {
			biggest, most = q, n
		}
	}
	poly := biggest.Geometry[0]
	prep := Prepare(biggest.Geometry)
	pts := randomPoints(1<<12, biggest.Geometry.Bound(), 3)
	b.Logf("quarter %s: %d vertices", featureName(biggest.Properties), most)
	b.Run("planar", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			planar.PolygonContains(poly, pts[i&(len(pts)-1)])
		}
	})
	b.Run("prepared", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			prep.Contains(pts[i&(len(pts)-1)])
		}
	})
}

// BenchmarkPointsInQuarter finds the points inside one Luxembourg City quarter
// (Kirchberg, the largest) among one million points spread over the country's
// box. One op is one whole query.
func BenchmarkPointsInQuarter(b *testing.B) {
	features, ix := luxembourgAreas(b)
	pts := randomPoints(1_000_000, ix.bound, 9)
	indexed := make([]IndexedPoint, len(pts))
	for i, p := range pts {
		indexed[i] = IndexedPoint{ID: int64(i), Point: p}
	}
	pix := NewPointIndex(indexed)
	var kirchberg *Prepared
	for _, f := range features {
		if featureName(f.Properties) == "Kirchberg" {
			kirchberg = Prepare(f.Geometry)
		}
	}
	found := 0
	for b.Loop() {
		found = 0
		pix.Within(kirchberg, func(IndexedPoint) { found++ })
	}
	b.ReportMetric(float64(found), "points/query")
}
