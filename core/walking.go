package core

import (
	"sort"
	"strconv"
	"strings"

	"quartier/geo"
)

// HouseNumber splits a register house number ("12A", "22-26") into its leading
// integer and the rest; 0 when it has none.
func HouseNumber(s string) (n int, rest string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, _ = strconv.Atoi(s[:i])
	return n, strings.TrimSpace(s[i:])
}

// WalkingOrder sorts addresses the way a distributor walks: street by street (by
// name, then commune), up the odd side by ascending number and back down the even
// side; addresses without a number come last in their street. It returns, for
// each address in the new order, its street's letterbox count.
func WalkingOrder(addrs []Address) []int {
	type key struct {
		street string
		odd    bool
		n      int
		rest   string
	}
	keys := make(map[int64]key, len(addrs))
	perStreet := map[int64]int{}
	for _, a := range addrs {
		n, rest := HouseNumber(a.Number)
		keys[a.ID] = key{street: geo.FoldName(a.Street) + "\x00" + geo.FoldName(a.Commune), odd: n%2 == 1, n: n, rest: rest}
		perStreet[a.StreetID]++
	}
	sort.SliceStable(addrs, func(i, j int) bool {
		a, b := keys[addrs[i].ID], keys[addrs[j].ID]
		if a.street != b.street {
			return a.street < b.street
		}
		if (a.n == 0) != (b.n == 0) {
			return b.n == 0
		}
		if a.odd != b.odd {
			return a.odd // odd side first
		}
		if a.n != b.n {
			if a.odd {
				return a.n < b.n
			}
			return a.n > b.n // back down the even side
		}
		if a.odd || a.n == 0 {
			return a.rest < b.rest
		}
		return a.rest > b.rest // 118A before 118 on the way back
	})
	counts := make([]int, len(addrs))
	for i, a := range addrs {
		counts[i] = perStreet[a.StreetID]
	}
	return counts
}
