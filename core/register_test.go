package core_test

import (
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/geo"
)

// Real Luxembourg data kept in the repository (see their SOURCES.md).
const (
	demoLU = "../cmd/quartier/demodata/lu/"
	testLU = "../testdata/lu/"
)

func readRecords(t testing.TB, path string) []geo.AddressRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []geo.AddressRecord
	if _, _, err := geo.ReadAddressCSV(f, func(a geo.AddressRecord) error { out = append(out, a); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func entriesOf(records []geo.AddressRecord) []core.RegisterEntry {
	out := make([]core.RegisterEntry, len(records))
	for i, a := range records {
		n, _ := geo.HouseNumber(a.Number)
		out[i] = core.RegisterEntry{ID: a.ID, StreetID: a.StreetID, Number: n, Commune: a.Commune, Point: a.Point, HasPoint: a.HasPoint}
	}
	return out
}

// areaSet is an AreaSource over features read from the shared files.
type areaSet struct {
	byID     map[int64]core.ResolvedArea
	communes []core.ResolvedArea
}

func (s areaSet) Area(id int64) (core.ResolvedArea, bool) { a, ok := s.byID[id]; return a, ok }
func (s areaSet) Communes() []core.ResolvedArea           { return s.communes }

// loadAreas numbers communes from 1 and Luxembourg City's quarters from 1001.
func loadAreas(t testing.TB) (areaSet, map[string]int64) {
	t.Helper()
	set := areaSet{byID: map[int64]core.ResolvedArea{}}
	ids := map[string]int64{}
	for i, path := range []string{"communes4326.geojson", "Quartiers_de_Luxembourg.wgs84.geojson"} {
		f, err := os.Open(demoLU + path)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := geo.ReadFeatures(f, geo.ReadOptions{})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for j, feat := range fs {
			kind, name := core.AreaCommune, feat.Properties["COMMUNE"]
			if i == 1 {
				kind, name = core.AreaQuarter, feat.Properties["NAME"]
			}
			id := int64(i*1000 + j + 1)
			a := core.ResolvedArea{Kind: kind, Name: name.(string), Prepared: geo.Prepare(feat.Geometry)}
			set.byID[id] = a
			ids[a.Name] = id
			if kind == core.AreaCommune {
				set.communes = append(set.communes, a)
			}
		}
	}
	return set, ids
}

func numbersOf(t *testing.T, res core.Resolution, records []geo.AddressRecord) []string {
	t.Helper()
	byID := map[int64]string{}
	for _, r := range records {
		byID[r.ID] = r.Number
	}
	var out []string
	for _, id := range res.IDs {
		out = append(out, byID[id])
	}
	sort.Strings(out)
	return out
}

func TestStreetTargetsFromTheRegisterAlone(t *testing.T) {
	records := readRecords(t, demoLU+"caclr_addresses_ettelbruck.csv")
	reg := core.NewRegister(entriesOf(records))
	areas, ids := loadAreas(t)
	const warken = 4164 // Rue de Warken
	tests := []struct {
		name  string
		part  core.TargetPart
		want  int
		check func(n int) bool
	}{
		{"whole street", core.TargetPart{Kind: core.PartStreet, StreetID: warken}, 129, nil},
		{"even side", core.TargetPart{Kind: core.PartStreet, StreetID: warken, Parity: core.EvenSide}, -1, func(n int) bool { return n%2 == 0 }},
		{"odd side", core.TargetPart{Kind: core.PartStreet, StreetID: warken, Parity: core.OddSide}, -1, func(n int) bool { return n%2 == 1 }},
		{"numbers 100 to 120", core.TargetPart{Kind: core.PartStreet, StreetID: warken, FromNumber: 100, ToNumber: 120}, 9, func(n int) bool { return n >= 100 && n <= 120 }},
	}
	evenOdd := 0
	for _, tt := range tests {
		def := core.TargetDefinition{Parts: []core.TargetPart{tt.part}}
		if err := def.Validate(); err != nil {
			t.Fatal(err)
		}
		res := reg.Resolve(def, areas)
		if tt.want >= 0 && len(res.IDs) != tt.want {
			t.Errorf("%s: %d addresses, want %d", tt.name, len(res.IDs), tt.want)
		}
		for _, num := range numbersOf(t, res, records) {
			n, _ := geo.HouseNumber(num)
			if tt.check != nil && !tt.check(n) {
				t.Errorf("%s: selected number %s", tt.name, num)
			}
		}
		if tt.part.Parity != core.BothSides {
			evenOdd += len(res.IDs)
		}
		if res.PerStreet[warken] != len(res.IDs) {
			t.Errorf("%s: per-street count %d", tt.name, res.PerStreet[warken])
		}
	}
	if evenOdd != 128 { // 129 addresses, one of them without a number
		t.Errorf("even + odd sides = %d, want 128", evenOdd)
	}
	// Avenue des Alliés has a building without a number: it is on neither side.
	whole := reg.Resolve(core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartStreet, StreetID: 4126}}}, areas)
	even := reg.Resolve(core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartStreet, StreetID: 4126, Parity: core.EvenSide}}}, areas)
	odd := reg.Resolve(core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartStreet, StreetID: 4126, Parity: core.OddSide}}}, areas)
	for _, num := range numbersOf(t, even, records) {
		if num == "" {
			t.Fatal("an unnumbered building counted on the even side")
		}
	}
	if len(even.IDs)+len(odd.IDs) >= len(whole.IDs) {
		t.Fatalf("Avenue des Alliés: %d even + %d odd, %d in all: the unnumbered building should be on neither side", len(even.IDs), len(odd.IDs), len(whole.IDs))
	}
	// The commune by name selects all its addresses, minus the street.
	def := core.TargetDefinition{Parts: []core.TargetPart{
		{Kind: core.PartArea, AreaID: ids["Ettelbruck"]},
		{Kind: core.PartStreet, StreetID: warken, Exclude: true},
	}}
	if res := reg.Resolve(def, areas); len(res.IDs) != 2557-129 {
		t.Fatalf("Ettelbruck minus Rue de Warken: %d", len(res.IDs))
	}
	// A quarter needs positions: none here, and the unplaced addresses of the
	// communes it overlaps are counted instead of silently left out.
	res := reg.Resolve(core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartArea, AreaID: ids["Gare"]}}}, areas)
	if len(res.IDs) != 0 || res.UnplacedInCommunes != 0 {
		t.Fatalf("Gare over Ettelbruck's register: %d selected, %d unplaced", len(res.IDs), res.UnplacedInCommunes)
	}
	poly := core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartPolygon, Polygon: orb.Polygon{{{6.09, 49.84}, {6.12, 49.84}, {6.12, 49.86}, {6.09, 49.86}, {6.09, 49.84}}}}}}
	if err := poly.Validate(); err != nil {
		t.Fatal(err)
	}
	if res := reg.Resolve(poly, areas); res.UnplacedInCommunes != 2557 {
		t.Fatalf("polygon over Ettelbruck: %d unplaced in communes, want 2557", res.UnplacedInCommunes)
	}
}

func TestPlacedAddressesInCommunesAndShapes(t *testing.T) {
	records := readRecords(t, testLU+"addresses_sample.csv")
	reg := core.NewRegister(entriesOf(records))
	areas, ids := loadAreas(t)
	// Every sample address lies in its own commune's polygon: select by shape only
	// (as a custom area) and compare with the register's commune.
	for _, r := range records {
		a := areas.byID[ids[r.Commune]]
		if !a.Prepared.Contains(r.Point) {
			t.Fatalf("address %d (%s) is not inside %s", r.ID, r.Number, r.Commune)
		}
	}
	clervaux := core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartArea, AreaID: ids["Clervaux"]}}}
	want := 0
	for _, r := range records {
		if r.Commune == "Clervaux" {
			want++
		}
	}
	if res := reg.Resolve(clervaux, areas); len(res.IDs) != want || want == 0 {
		t.Fatalf("Clervaux: %d, want %d", len(res.IDs), want)
	}
	// A 30 m buffer around the first address's street picks it.
	first := records[0]
	buf := core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartBuffer, Metres: 30,
		Line: orb.LineString{{first.Point[0] - 0.0005, first.Point[1]}, {first.Point[0] + 0.0005, first.Point[1]}}}}}
	res := reg.Resolve(buf, areas)
	found := false
	for _, id := range res.IDs {
		found = found || id == first.ID
	}
	if !found {
		t.Fatalf("buffer misses the address it surrounds: %v", res.IDs)
	}
}

func TestTargetValidation(t *testing.T) {
	bowtie := orb.Polygon{{{6.1, 49.6}, {6.2, 49.7}, {6.2, 49.6}, {6.1, 49.7}, {6.1, 49.6}}}
	tests := []struct {
		def  core.TargetDefinition
		want string
	}{
		{core.TargetDefinition{}, "error.target_empty"},
		{core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartStreet, StreetID: 1, Exclude: true}}}, "error.target_empty"},
		{core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartStreet, StreetID: 1, FromNumber: 20, ToNumber: 10}}}, "error.target_number_range"},
		{core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartPolygon, Polygon: bowtie}}}, "error.target_polygon"},
		{core.TargetDefinition{Parts: []core.TargetPart{{Kind: core.PartBuffer, Line: orb.LineString{{6.1, 49.6}, {6.2, 49.6}}, Metres: 5000}}}, "error.target_buffer"},
		{core.TargetDefinition{Parts: []core.TargetPart{{Kind: "circle"}}}, "error.target_part_kind"},
	}
	for _, tt := range tests {
		err := tt.def.Validate()
		var keys []string
		for _, p := range core.Problems(err) {
			keys = append(keys, p.Key)
		}
		if !strings.Contains(strings.Join(keys, " "), tt.want) {
			t.Errorf("%+v: problems %v, want %s", tt.def, keys, tt.want)
		}
	}
}

// BenchmarkResolveTarget resolves a target of three Luxembourg City quarters, two
// streets (one of them one side only) minus a quarter, over the city's 21,896
// register addresses. The register has no positions, so each address gets a
// random point inside the city (seeded), as the BD-Adresses file would give.
// The p99_ms metric is the 99th percentile of single resolutions.
func BenchmarkResolveTarget(b *testing.B) {
	records := readRecords(b, demoLU+"caclr_addresses_luxembourg-ville.csv")
	areas, ids := loadAreas(b)
	city := areas.byID[ids["Luxembourg"]].Prepared
	rng := rand.New(rand.NewPCG(4, 2))
	bound := city.Bound()
	entries := entriesOf(records)
	for i := range entries {
		for {
			p := orb.Point{bound.Min[0] + rng.Float64()*(bound.Max[0]-bound.Min[0]), bound.Min[1] + rng.Float64()*(bound.Max[1]-bound.Min[1])}
			if city.Contains(p) {
				entries[i].Point, entries[i].HasPoint = p, true
				break
			}
		}
	}
	reg := core.NewRegister(entries)
	streets := map[string]int64{}
	for _, r := range records {
		streets[r.Street] = r.StreetID
	}
	def := core.TargetDefinition{Parts: []core.TargetPart{
		{Kind: core.PartArea, AreaID: ids["Gare"]},
		{Kind: core.PartArea, AreaID: ids["Bonnevoie"]},
		{Kind: core.PartArea, AreaID: ids["Hollerich"]},
		{Kind: core.PartStreet, StreetID: streets["Avenue de la Liberté"]},
		{Kind: core.PartStreet, StreetID: streets["Boulevard Royal"], Parity: core.EvenSide},
		{Kind: core.PartArea, AreaID: ids["Hamm"], Exclude: true},
	}}
	if err := def.Validate(); err != nil {
		b.Fatal(err)
	}
	var durations []time.Duration
	selected := 0
	for b.Loop() {
		start := time.Now()
		res := reg.Resolve(def, areas)
		durations = append(durations, time.Since(start))
		selected = len(res.IDs)
	}
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	p99 := durations[len(durations)*99/100]
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(selected), "addresses")
}
