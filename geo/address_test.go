package geo

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func readCSVFile(t *testing.T, path string) (string, []AddressRecord, []Rejected) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []AddressRecord
	format, rej, err := ReadAddressCSV(f, func(a AddressRecord) error { out = append(out, a); return nil })
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return format, out, rej
}

func TestReadBDAdressesSample(t *testing.T) {
	format, rows, rej := readCSVFile(t, testLU+"addresses_sample.csv")
	if format != FormatBDAdresses || len(rows) != 100 || len(rej) != 0 {
		t.Fatalf("format %s, %d rows, %d rejected", format, len(rows), len(rej))
	}
	first := rows[0]
	if first.Street != "Kaesfurterstrooss" || first.Number != "20" || first.ID != 210309 || !first.HasPoint ||
		first.Point[1] < 50.09 || first.Line != 2 || first.Commune != "Clervaux" {
		t.Fatalf("first row %+v", first)
	}
}

// The CACLR zip and its CSV export of Ettelbruck agree address by address, and the
// zip holds the 202,050 current addresses of the country.
func TestCACLRZipMatchesEttelbruckExport(t *testing.T) {
	_, export, rej := readCSVFile(t, demoLU+"caclr_addresses_ettelbruck.csv")
	if len(export) != 2557 || len(rej) != 0 {
		t.Fatalf("Ettelbruck export: %d rows, %d rejected", len(export), len(rej))
	}
	raw, err := os.ReadFile(testLU + "caclr.zip")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]AddressRecord{}
	total := 0
	rejected, err := ReadCACLR(bytes.NewReader(raw), int64(len(raw)), func(a AddressRecord) error {
		total++
		if a.Commune == "Ettelbruck" {
			byID[a.ID] = a
		}
		return nil
	})
	if err != nil || len(rejected) != 0 {
		t.Fatalf("ReadCACLR: %v, %d rejected (%+v)", err, len(rejected), rejected[:min(3, len(rejected))])
	}
	if total != 202050 {
		t.Fatalf("%d current addresses in the zip, want 202050", total)
	}
	if len(byID) != len(export) {
		t.Fatalf("zip has %d Ettelbruck addresses, export %d", len(byID), len(export))
	}
	for _, e := range export {
		z, ok := byID[e.ID]
		if !ok || z.Number != e.Number || z.Street != e.Street || z.StreetID != e.StreetID || z.Postcode != e.Postcode || z.Locality != e.Locality {
			t.Fatalf("address %d: zip %+v, export %+v", e.ID, z, e)
		}
	}
}

func TestBadAddressFilesAreExplained(t *testing.T) {
	header := "rue;numero;localite;code_postal;id_caclr_rue;id_caclr_bat;lat_wgs84;lon_wgs84;coord_est_luref;coord_nord_luref;id_geoportail;commune;lau2\n"
	good := "Rue de Warken;1;Ettelbruck;9088;4200;1;49.85;6.09;;;x;Ettelbruck;0605\n"
	tests := []struct {
		name, in string
		code     string
		line     int
	}{
		{"latin-1", header + good + "Rue de l'\xc9glise;3;Ettelbruck;9088;4201;2;49.85;6.09;;;x;Ettelbruck;0605\n", ErrEncoding, 3},
		{"unknown header", "street;number\nx;1\n", ErrHeader, 1},
	}
	for _, tt := range tests {
		called := false
		_, _, err := ReadAddressCSV(strings.NewReader(tt.in), func(AddressRecord) error { called = true; return nil })
		e := firstCode(err)
		if e == nil || e.Code != tt.code || e.Line != tt.line || called {
			t.Errorf("%s: err %v (called %v), want %s on line %d", tt.name, err, called, tt.code, tt.line)
		}
	}
	rows := header + good +
		"Rue de Warken;2;Ettelbruck;9088;4200;2;4x.85;6.09;;;x;Ettelbruck;0605\n" +
		"Rue de Warken;3;Ettelbruck;9088;4200;1;49.85;6.09;;;x;Ettelbruck;0605\n" +
		"Rue de Warken;4;Ettelbruck;9088;4200;4;;;77000;110000;x;Ettelbruck;0605\n" +
		"Rue de Warken;5;Ettelbruck;9088;4200;5;6.09;49.85;;;x;Ettelbruck;0605\n" +
		"Rue de Warken;6;Ettelbruck;9088;4200;6;NaN;NaN;;;x;Ettelbruck;0605\n" +
		"Rue de Warken;7;Ettelbruck;9088;4200;7;;;Inf;110000;x;Ettelbruck;0605\n"
	var got []AddressRecord
	_, rej, err := ReadAddressCSV(strings.NewReader("\ufeff"+rows), func(a AddressRecord) error { got = append(got, a); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].ID != 4 || !got[1].HasPoint || got[1].Point[0] < 6.0 {
		t.Fatalf("good rows %+v", got)
	}
	want := []struct {
		line  int
		field string
	}{{3, "lat_wgs84"}, {4, "id_caclr_bat"}, {6, "lat_wgs84"}, {7, "lat_wgs84"}, {8, "lat_wgs84"}}
	if len(rej) != len(want) {
		t.Fatalf("rejected %+v", rej)
	}
	for i, w := range want {
		if rej[i].Line != w.line || rej[i].Field != w.field {
			t.Errorf("rejection %d: %+v, want line %d field %s", i, rej[i], w.line, w.field)
		}
	}
	if rej[1].Code != ErrDuplicateID || !strings.Contains(rej[1].Reason, "line 2") {
		t.Errorf("duplicate: %+v", rej[1])
	}
}

func TestTruncatedZip(t *testing.T) {
	raw, err := os.ReadFile(testLU + "caclr.zip")
	if err != nil {
		t.Fatal(err)
	}
	cut := raw[:len(raw)/2]
	called := false
	_, err = ReadCACLR(bytes.NewReader(cut), int64(len(cut)), func(AddressRecord) error { called = true; return nil })
	if e := firstCode(err); e == nil || e.Code != ErrArchive || called {
		t.Fatalf("truncated zip: %v (called %v)", err, called)
	}
}

func TestHouseNumberAndFold(t *testing.T) {
	for in, want := range map[string]struct {
		n int
		s string
	}{"62A": {62, "A"}, "22-26": {22, "-26"}, "1BIS": {1, "BIS"}, "": {0, ""}, "A": {0, "A"}} {
		if n, s := HouseNumber(in); n != want.n || s != want.s {
			t.Errorf("HouseNumber(%q) = %d, %q", in, n, s)
		}
	}
	if FoldName("R. de Wärken") != FoldName("rue de warken") || FoldName("Av. de la Gare") != "avenue de la gare" {
		t.Errorf("fold: %q / %q", FoldName("R. de Wärken"), FoldName("Av. de la Gare"))
	}
}
