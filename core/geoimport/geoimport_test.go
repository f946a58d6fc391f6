package geoimport_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"quartier/core"
	"quartier/core/geoimport"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
	"quartier/geo"
)

// Real Luxembourg data kept in the repository (see their SOURCES.md).
const (
	demoLU = "../../cmd/quartier/demodata/lu/"
	testLU = "../../testdata/lu/"
)

var ctx = context.Background()

func importAreas(t *testing.T, s *postgres.Store, path string, kind core.AreaKind) geoimport.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := geoimport.Areas(ctx, s, f, path, geoimport.AreaOptions{Kind: kind}, nil)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return rep
}

func importAddresses(t *testing.T, s *postgres.Store, path string) geoimport.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := geoimport.Addresses(ctx, s, data, path, 0, nil)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return rep
}

func TestAreaImportIsIdempotentAndRetires(t *testing.T) {
	s := pgtest.Store(t)
	rep := importAreas(t, s, demoLU+"communes4326.geojson", core.AreaCommune)
	if rep.Counts.Inserted != 100 {
		t.Fatalf("first import %+v", rep.Counts)
	}
	rep = importAreas(t, s, demoLU+"communes4326.geojson", core.AreaCommune)
	if rep.Counts != (core.ImportCounts{Unchanged: 100}) {
		t.Fatalf("re-import %+v", rep.Counts)
	}
	areas, err := s.Areas(ctx)
	if err != nil || len(areas) != 100 {
		t.Fatalf("%d areas, %v", len(areas), err)
	}
	var ettelbruck core.Area
	for _, a := range areas {
		if a.Name == "Ettelbruck" {
			ettelbruck = a
		}
	}
	if ettelbruck.Key != "0605" || ettelbruck.Properties["LAU2"] != "0605" || ettelbruck.Properties["CANTON"] != "Diekirch" || ettelbruck.Layer != "communes4326" {
		t.Fatalf("Ettelbruck imported as %+v", ettelbruck)
	}
	// A newer layer with one commune changed and one gone.
	raw, _ := os.ReadFile(demoLU + "communes4326.geojson")
	fs, err := geo.ReadFeatures(strings.NewReader(string(raw)), geo.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	layer := core.AreaLayer{Layer: "communes4326", Kind: core.AreaCommune}
	for _, f := range fs[1:] {
		name := f.Properties["COMMUNE"].(string)
		if name == "Ettelbruck" {
			name = "Ettelbréck"
		}
		layer.Areas = append(layer.Areas, core.AreaInput{Key: f.Properties["LAU2"].(string), Name: name, Properties: f.Properties, Geometry: f.Geometry})
	}
	c, err := s.ImportAreas(ctx, layer)
	if err != nil || c != (core.ImportCounts{Updated: 1, Unchanged: 98, Retired: 1}) {
		t.Fatalf("newer layer: %+v, %v", c, err)
	}
}

func TestBadAreaFileChangesNothing(t *testing.T) {
	s := pgtest.Store(t)
	importAreas(t, s, demoLU+"Quartiers_de_Luxembourg.wgs84.geojson", core.AreaQuarter)
	bowtie := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"NAME":"Gare","ID":1},
		"geometry":{"type":"Polygon","coordinates":[[[6.1,49.6],[6.2,49.7],[6.2,49.6],[6.1,49.7],[6.1,49.6]]]}}]}`
	_, err := geoimport.Areas(ctx, s, strings.NewReader(bowtie), "Quartiers_de_Luxembourg.wgs84.geojson", geoimport.AreaOptions{Kind: core.AreaQuarter}, nil)
	probs := geoimport.FileProblems(err)
	if len(probs) != 1 || probs[0].Code != geo.ErrSelfIntersection || probs[0].Name != "Gare" {
		t.Fatalf("bowtie: %v", err)
	}
	areas, _ := s.Areas(ctx)
	if len(areas) != 24 {
		t.Fatalf("a rejected file changed the layer: %d areas", len(areas))
	}
}

func TestAddressImports(t *testing.T) {
	s := pgtest.Store(t)
	rep := importAddresses(t, s, demoLU+"caclr_addresses_ettelbruck.csv")
	if rep.Counts.Inserted != 2557 || rep.Format != geo.FormatCACLRCSV || rep.Communes != 1 {
		t.Fatalf("Ettelbruck: %+v", rep)
	}
	if rep = importAddresses(t, s, demoLU+"caclr_addresses_ettelbruck.csv"); rep.Counts != (core.ImportCounts{Unchanged: 2557}) {
		t.Fatalf("re-import: %+v", rep.Counts)
	}
	found, err := s.SearchAddresses(ctx, "r. de warken", 500)
	if err != nil {
		t.Fatal(err)
	}
	// The street's 129 addresses come first; streets of the locality Warken follow.
	if len(found) < 129 {
		t.Fatalf("%d addresses found for Rue de Warken", len(found))
	}
	for _, a := range found[:129] {
		if a.Street != "Rue de Warken" || a.Commune != "Ettelbruck" {
			t.Fatalf("search for Rue de Warken found %+v", a)
		}
	}
	for _, q := range []string{"12 Rue de Wärken", "rue de warken 12", "12, Rue de Warken, 9088 Ettelbruck"} {
		numbered, _ := s.SearchAddresses(ctx, q, 10)
		if len(numbered) == 0 || numbered[0].Number != "12" || numbered[0].Street != "Rue de Warken" {
			t.Fatalf("%q: %+v", q, numbered)
		}
	}

	// The BD-Adresses sample adds 100 placed addresses in other communes.
	rep = importAddresses(t, s, testLU+"addresses_sample.csv")
	if rep.Counts.Inserted != 100 || rep.Format != geo.FormatBDAdresses {
		t.Fatalf("sample: %+v", rep)
	}
	entries, _ := s.RegisterEntries(ctx)
	placed := 0
	for _, e := range entries {
		if e.HasPoint {
			placed++
		}
	}
	if len(entries) != 2657 || placed != 100 {
		t.Fatalf("register: %d entries, %d placed", len(entries), placed)
	}

	// A newer Ettelbruck file without one address retires it; nothing else moves.
	raw, _ := os.ReadFile(demoLU + "caclr_addresses_ettelbruck.csv")
	lines := strings.Split(string(raw), "\n")
	newer := strings.Join(append(lines[:1], lines[2:]...), "\n")
	rep, err = geoimport.Addresses(ctx, s, []byte(newer), "ettelbruck-newer.csv", 0, nil)
	if err != nil || rep.Counts != (core.ImportCounts{Unchanged: 2556, Retired: 1}) {
		t.Fatalf("newer file: %+v, %v", rep.Counts, err)
	}
}

func TestBadAddressFilesChangeNothing(t *testing.T) {
	s := pgtest.Store(t)
	importAddresses(t, s, demoLU+"caclr_addresses_ettelbruck.csv")
	zip, _ := os.ReadFile(testLU + "caclr.zip")
	header := "id_caclr_bat;numero;rue;id_caclr_rue;localite;code_postal;commune;canton;district;quartier;designation;indic_no_indef;indic_provisoire\n"
	for name, data := range map[string][]byte{
		"truncated.zip": zip[:len(zip)/3],
		"latin1.csv":    []byte(header + "134613;5;Avenue des Alli\xe9s;4126;Ettelbruck;9012;Ettelbruck;Diekirch;Diekirch;;;N;N\n"),
	} {
		rep, err := geoimport.Addresses(ctx, s, data, name, 0, nil)
		if len(geoimport.FileProblems(err)) == 0 {
			t.Fatalf("%s: err %v", name, err)
		}
		run, _ := s.ImportRun(ctx, rep.RunID)
		if run.Status != "failed" || run.Error == "" {
			t.Fatalf("%s: run %+v", name, run)
		}
	}
	entries, _ := s.RegisterEntries(ctx)
	if len(entries) != 2557 {
		t.Fatalf("register after bad files: %d", len(entries))
	}
	// Rows with problems are listed; the others import.
	mixed := header + "134613;5;Avenue des Alliés;4126;Ettelbruck;9012;Ettelbruck;Diekirch;Diekirch;;;N;N\n" +
		"x;7;Avenue des Alliés;4126;Ettelbruck;9012;Ettelbruck;Diekirch;Diekirch;;;N;N\n" +
		"134613;5;Avenue des Alliés;4126;Ettelbruck;9012;Ettelbruck;Diekirch;Diekirch;;;N;N\n"
	rep, err := geoimport.Addresses(ctx, s, []byte(mixed), "mixed.csv", 0, nil)
	if err != nil || len(rep.Rejected) != 2 || rep.Rejected[0].Line != 3 || rep.Rejected[1].Code != geo.ErrDuplicateID {
		t.Fatalf("mixed: %+v, %v", rep.Rejected, err)
	}
	// One address of Ettelbruck's 2,557 is an extract, not a newer register:
	// nothing is retired.
	if rep.Counts.Retired != 0 || len(rep.RetirementSkipped) != 1 || rep.RetirementSkipped[0] != "Ettelbruck" {
		t.Fatalf("partial file: %+v skipped %v", rep.Counts, rep.RetirementSkipped)
	}
	run, _ := s.ImportRun(ctx, rep.RunID)
	if run.Status != "done" || len(run.Rejected) != 2 || run.Rejected[0].Field != "id_caclr_bat" {
		t.Fatalf("run %+v", run)
	}
}
