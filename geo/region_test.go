package geo

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestBufferDistanceInMetres(t *testing.T) {
	// A 200 m east-west street at Luxembourg's latitude, 25 m buffer.
	start := orb.Point{6.13, 49.61}
	end := orb.Point{6.13 + 200/72_300.0, 49.61}
	bf := NewBuffer(orb.LineString{start, end}, 25)
	north := func(m float64) orb.Point { return orb.Point{(start[0] + end[0]) / 2, 49.61 + m/111_200} }
	if !bf.Contains(north(24)) || bf.Contains(north(26)) {
		t.Fatalf("24 m in: %v, 26 m in: %v", bf.Contains(north(24)), bf.Contains(north(26)))
	}
	beyondEnd := orb.Point{end[0] + 30/72_300.0, 49.61}
	if bf.Contains(beyondEnd) {
		t.Fatal("30 m past the end is inside")
	}
	if d := DistanceMetres(start, end); d < 198 || d > 202 {
		t.Fatalf("street length %.1f m", d)
	}
	for _, ring := range bf.Outline() {
		for _, p := range ring[0] {
			if d := bf.distance(p); d < 24.9 || d > 25.1 {
				t.Fatalf("outline point %v is %.2f m from the line", p, d)
			}
		}
	}
}

func TestPointIndexWithRegions(t *testing.T) {
	features, ix := luxembourgAreas(t)
	pts := randomPoints(50000, ix.bound, 5)
	indexed := make([]IndexedPoint, len(pts))
	for i, p := range pts {
		indexed[i] = IndexedPoint{ID: int64(i), Point: p}
	}
	pix := NewPointIndex(append([]IndexedPoint(nil), indexed...))
	var luxCity, gare orb.MultiPolygon
	for _, f := range features {
		switch featureName(f.Properties) {
		case "Luxembourg":
			luxCity = f.Geometry
		case "Gare":
			gare = f.Geometry
		}
	}
	city := Prepare(luxCity)
	quarter := Prepare(gare)
	street := NewBuffer(orb.LineString{{6.12, 49.60}, {6.14, 49.61}}, 150)
	regions := map[string]Region{
		"city":            city,
		"city minus gare": Difference{Base: city, Minus: Union{quarter}},
		"gare or street":  Union{quarter, street},
	}
	truth := map[string]func(orb.Point) bool{
		"city": func(p orb.Point) bool { return planar.MultiPolygonContains(luxCity, p) },
		"city minus gare": func(p orb.Point) bool {
			return planar.MultiPolygonContains(luxCity, p) && !planar.MultiPolygonContains(gare, p)
		},
		"gare or street": func(p orb.Point) bool { return planar.MultiPolygonContains(gare, p) || street.Contains(p) },
	}
	for name, r := range regions {
		got := map[int64]bool{}
		pix.Within(r, func(p IndexedPoint) { got[p.ID] = true })
		want := 0
		for _, p := range indexed {
			in := truth[name](p.Point)
			if in {
				want++
			}
			if in != got[p.ID] {
				t.Fatalf("%s: point %d %v: index says %v, truth %v", name, p.ID, p.Point, got[p.ID], in)
			}
		}
		if want == 0 {
			t.Fatalf("%s: no point inside; test proves nothing", name)
		}
	}
}
