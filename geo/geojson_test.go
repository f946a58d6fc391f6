package geo

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// Real Luxembourg data kept in the repository (see their SOURCES.md).
const (
	demoLU = "../cmd/quartier/demodata/lu/"
	testLU = "../testdata/lu/"
)

func readFile(t testing.TB, path string) []Feature {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, err := ReadFeatures(f, ReadOptions{Region: Benelux})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return fs
}

// The shared Luxembourg files import as they are.
func TestRealFilesAreValid(t *testing.T) {
	for path, want := range map[string]int{
		demoLU + "communes4326.geojson":                        100,
		demoLU + "Quartiers_de_Luxembourg.wgs84.geojson":       24,
		testLU + "Quartiers_de_Esch_sur_Alzette.wgs84.geojson": 21,
	} {
		if got := len(readFile(t, path)); got != want {
			t.Errorf("%s: %d features, want %d", path, got, want)
		}
	}
}

func firstCode(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

func TestBadGeoJSONIsExplained(t *testing.T) {
	square := `[[6.1,49.6],[6.2,49.6],[6.2,49.7],[6.1,49.7],[6.1,49.6]]`
	feature := func(geom string) string {
		return `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"NAME":"Gare"},"geometry":` + geom + `}]}`
	}
	tests := []struct {
		name, in, code string
		line           int
		detail         string
	}{
		{"syntax", "{\n \"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\",, }\n ]}", ErrJSONSyntax, 4, ""},
		{"not geojson", `{"hello": 1}`, ErrNotGeoJSON, 0, ""},
		{"point", feature(`{"type":"Point","coordinates":[6.1,49.6]}`), ErrGeometryType, 0, "Point"},
		{"bowtie", feature(`{"type":"Polygon","coordinates":[[[6.1,49.6],[6.2,49.7],[6.2,49.6],[6.1,49.7],[6.1,49.6]]]}`), ErrSelfIntersection, 0, "6.15"},
		{"unclosed", feature(`{"type":"Polygon","coordinates":[[[6.1,49.6],[6.2,49.6],[6.2,49.7],[6.1,49.7]]]}`), ErrRingUnclosed, 0, ""},
		{"short", feature(`{"type":"Polygon","coordinates":[[[6.1,49.6],[6.2,49.6],[6.1,49.6]]]}`), ErrRingTooShort, 0, ""},
		{"range", feature(`{"type":"Polygon","coordinates":[[[6.1,49.6],[200,49.6],[6.2,49.7],[6.1,49.6]]]}`), ErrOutOfRange, 0, ""},
		{"swapped", feature(`{"type":"Polygon","coordinates":[[[49.6,6.1],[49.6,6.2],[49.7,6.2],[49.7,6.1],[49.6,6.1]]]}`), ErrAxisSwapped, 0, "[lat, lon]"},
		{"luref", feature(`{"type":"Polygon","coordinates":[[[77000,75000],[78000,75000],[78000,76000],[77000,75000]]]}`), ErrProjected, 0, "LUREF"},
		{"hole crosses shell", feature(`{"type":"Polygon","coordinates":[` + square + `,[[6.15,49.65],[6.25,49.65],[6.25,49.66],[6.15,49.66],[6.15,49.65]]]}`), ErrSelfIntersection, 0, ""},
		{"letters", feature(`{"type":"Polygon","coordinates":[[["6.1",49.6]]]}`), ErrCoordinates, 0, ""},
	}
	for _, tt := range tests {
		_, err := ReadFeatures(strings.NewReader(tt.in), ReadOptions{Region: Benelux})
		e := firstCode(err)
		if e == nil || e.Code != tt.code {
			t.Errorf("%s: err = %v, want code %s", tt.name, err, tt.code)
			continue
		}
		if tt.line != 0 && e.Line != tt.line {
			t.Errorf("%s: line %d, want %d", tt.name, e.Line, tt.line)
		}
		if tt.detail != "" && !strings.Contains(e.Detail, tt.detail) {
			t.Errorf("%s: detail %q lacks %q", tt.name, e.Detail, tt.detail)
		}
		if e.Code != ErrJSONSyntax && e.Code != ErrNotGeoJSON && e.Feature == 1 && e.Name != "Gare" {
			t.Errorf("%s: feature name %q", tt.name, e.Name)
		}
	}
	// A valid square with a hole inside passes.
	ok := feature(`{"type":"Polygon","coordinates":[` + square + `,[[6.12,49.62],[6.14,49.62],[6.14,49.64],[6.12,49.64],[6.12,49.62]]]}`)
	if _, err := ReadFeatures(strings.NewReader(ok), ReadOptions{Region: Benelux}); err != nil {
		t.Fatalf("valid polygon with hole: %v", err)
	}
}
