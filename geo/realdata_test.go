package geo

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// Every one of the 100 official sample addresses lands in its own commune (by
// LAU2 code) and in no other.
func TestSampleAddressesLandInTheirCommune(t *testing.T) {
	communes := readFile(t, demoLU+"communes4326.geojson")
	ix := indexByPosition(communes)
	raw, err := os.ReadFile(testLU + "addresses_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff")))
	r.Comma = ';'
	rows, _ := r.ReadAll()
	for _, row := range rows[1:] {
		lat, _ := strconv.ParseFloat(row[6], 64)
		lon, _ := strconv.ParseFloat(row[7], 64)
		got := ix.Containing(orb.Point{lon, lat}, nil)
		if len(got) != 1 || communes[got[0]].Properties["LAU2"] != row[12] {
			var names []string
			for _, i := range got {
				names = append(names, featureName(communes[i].Properties))
			}
			t.Errorf("%s %s (%s, LAU2 %s) falls in %v", row[1], row[0], row[11], row[12], names)
		}
	}
	if len(rows) != 101 {
		t.Fatalf("%d rows", len(rows)-1)
	}
}

// Spot checks of Luxembourg City's quarters at well-known places.
func TestLuxembourgCityQuarterSpotChecks(t *testing.T) {
	quarters := readFile(t, demoLU+"Quartiers_de_Luxembourg.wgs84.geojson")
	ix := indexByPosition(quarters)
	for _, tt := range []struct {
		place   string
		at      orb.Point
		quarter string
	}{
		{"the central station", orb.Point{6.1335, 49.6000}, "Gare"},
		{"the Court of Justice of the EU", orb.Point{6.1410, 49.6207}, "Kirchberg"},
		{"Neumünster Abbey", orb.Point{6.1369, 49.6092}, "Grund"},
		{"the Grand Ducal Palace", orb.Point{6.1325, 49.6113}, "Centre"},
	} {
		got := ix.Containing(tt.at, nil)
		if len(got) != 1 || featureName(quarters[got[0]].Properties) != tt.quarter {
			var names []string
			for _, i := range got {
				names = append(names, featureName(quarters[i].Properties))
			}
			t.Errorf("%s %v is in %v, want %s", tt.place, tt.at, names, tt.quarter)
		}
	}
}

// indexByPosition indexes features with their position in the slice as id.
func indexByPosition(features []Feature) *AreaIndex {
	areas := make([]IndexedArea, len(features))
	for i, f := range features {
		areas[i] = IndexedArea{ID: int64(i), Prepared: Prepare(f.Geometry)}
	}
	return NewAreaIndex(areas)
}
