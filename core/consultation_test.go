package core_test

import (
	"strings"
	"testing"

	"quartier/core"
)

func TestWalkingOrderGoesUpTheOddSideAndBackDownTheEven(t *testing.T) {
	var addrs []core.Address
	for i, n := range []string{"2", "1", "4", "3", "118A", "118", "", "5bis", "5"} {
		addrs = append(addrs, core.Address{ID: int64(i + 1), StreetID: 1, Street: "Grand-Rue", Number: n})
	}
	addrs = append(addrs, core.Address{ID: 99, StreetID: 2, Street: "Avenue Salentiny", Number: "7"})
	counts := core.WalkingOrder(addrs)
	var got []string
	for _, a := range addrs {
		got = append(got, a.Street[:1]+a.Number)
	}
	want := "A7 G1 G3 G5 G5bis G118A G118 G4 G2 G"
	if strings.Join(got, " ") != want || counts[0] != 1 || counts[1] != 9 {
		t.Fatalf("order %v (want %s), counts %v", got, want, counts)
	}
}

func TestResidenceCodesAreRandomUnambiguousAndForgiving(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		printed, hash := core.NewResidenceCode()
		if len(printed) != 11 || printed[5] != '-' || seen[printed] {
			t.Fatalf("code %q (duplicate: %v)", printed, seen[printed])
		}
		seen[printed] = true
		for _, r := range strings.ReplaceAll(printed, "-", "") {
			if !strings.ContainsRune(core.CodeAlphabet, r) {
				t.Fatalf("code %q has %q outside the alphabet", printed, r)
			}
		}
		typed := strings.ToLower(printed[:3] + " " + printed[3:])
		n, ok := core.NormalizeResidenceCode(typed)
		if !ok || string(core.HashResidenceCode(n)) != string(hash) {
			t.Fatalf("%q typed as %q does not match", printed, typed)
		}
	}
	for _, bad := range []string{"", "ACDEF-GHJK", "ACDEF-GHJKMN", "0CDEF-GHJKM", "ACDEF_GHJKM"} {
		if _, ok := core.NormalizeResidenceCode(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
