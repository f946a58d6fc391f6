package geo

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// Every row of the official sample gives both LUREF and WGS84 coordinates; the
// conversion must agree with them both ways.
func TestLUREFAgainstOfficialSample(t *testing.T) {
	raw, err := os.ReadFile(testLU + "addresses_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	num := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	var worstToWGS, worstToLUREF float64
	for _, row := range rows[1:] {
		lat, lon := num(row[6]), num(row[7])
		e, n := num(row[8]), num(row[9])
		got := LUREFToWGS84(e, n)
		if d := DistanceMetres(got, orb.Point{lon, lat}); d > worstToWGS {
			worstToWGS = d
		}
		ge, gn := WGS84ToLUREF(orb.Point{lon, lat})
		if d := math.Hypot(ge-e, gn-n); d > worstToLUREF {
			worstToLUREF = d
		}
	}
	t.Logf("100 official points: largest error LUREF->WGS84 %.3f m, WGS84->LUREF %.3f m", worstToWGS, worstToLUREF)
	if len(rows) != 101 || worstToWGS > 1 || worstToLUREF > 1 {
		t.Fatalf("%d rows; largest errors %.3f m and %.3f m, want under 1 m", len(rows)-1, worstToWGS, worstToLUREF)
	}
}
