package core

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"sort"
)

// Volunteer is a resident who offered to sit on a council, with the street
// they live on (0 when unknown).
type Volunteer struct {
	ParticipantID int64
	StreetID      int64
}

// Draw is the outcome of a drawing of lots, with everything needed to redo it.
type Draw struct {
	Seed       string
	Seats      int
	Stratified bool
	// Volunteers in the order the draw used (by participant id).
	Volunteers []Volunteer
	// Quotas are the seats per street of a stratified draw.
	Quotas map[int64]int
	// Drawn are the participants drawn, in the order drawn.
	Drawn []int64
}

// lotStream is the draw's random source, specified so that anyone can redo a
// draw from its published seed: the n-th 64-bit number is the first eight
// bytes (big-endian) of SHA-256(seed ‖ ":" ‖ n), n counting from 0.
type lotStream struct {
	seed string
	n    uint64
}

func (s *lotStream) next() uint64 {
	sum := sha256.Sum256([]byte(s.seed + ":" + uitoa(s.n)))
	s.n++
	return binary.BigEndian.Uint64(sum[:8])
}

// below returns a uniform number in [0, n), rejecting the biased top of the
// 64-bit range.
func (s *lotStream) below(n int) int {
	limit := ^uint64(0) - (^uint64(0) % uint64(n))
	for {
		if v := s.next(); v < limit {
			return int(v % uint64(n))
		}
	}
}

// shuffle is Fisher–Yates from the last position down, with below(i+1).
func (s *lotStream) shuffle(list []Volunteer) {
	for i := len(list) - 1; i > 0; i-- {
		j := s.below(i + 1)
		list[i], list[j] = list[j], list[i]
	}
}

func uitoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// DrawLots draws seats volunteers by lot from seed, reproducibly. Volunteers
// are taken in participant-id order and shuffled with the seed's stream; the
// first seats are drawn. Stratified, the seats are first shared among streets
// in proportion to their residents (population: letterboxes per street; the
// volunteers' own numbers where a street is missing), by largest remainder,
// never more than a street's volunteers (the rest is shared again among the
// others); then each street's volunteers, in street-id order, are shuffled in
// turn from the same stream and the first of each drawn.
func DrawLots(seed string, seats int, volunteers []Volunteer, stratified bool, population map[int64]int) Draw {
	list := slices.Clone(volunteers)
	slices.SortFunc(list, func(a, b Volunteer) int { return int(a.ParticipantID - b.ParticipantID) })
	d := Draw{Seed: seed, Seats: seats, Stratified: stratified, Volunteers: slices.Clone(list)}
	stream := &lotStream{seed: seed}
	if !stratified {
		stream.shuffle(list)
		for _, v := range list[:min(seats, len(list))] {
			d.Drawn = append(d.Drawn, v.ParticipantID)
		}
		return d
	}
	byStreet := map[int64][]Volunteer{}
	for _, v := range list {
		byStreet[v.StreetID] = append(byStreet[v.StreetID], v)
	}
	d.Quotas = apportion(min(seats, len(list)), byStreet, population)
	streets := make([]int64, 0, len(byStreet))
	for s := range byStreet {
		streets = append(streets, s)
	}
	slices.Sort(streets)
	for _, s := range streets {
		group := byStreet[s]
		stream.shuffle(group)
		for _, v := range group[:d.Quotas[s]] {
			d.Drawn = append(d.Drawn, v.ParticipantID)
		}
	}
	return d
}

// apportion shares seats among streets in proportion to their weight (the
// population, or the volunteers where the population is unknown), by largest
// remainder (ties: the smaller street id), capping each street at its
// volunteers and sharing what capping frees among the others.
func apportion(seats int, byStreet map[int64][]Volunteer, population map[int64]int) map[int64]int {
	quotas := map[int64]int{}
	open := map[int64]bool{}
	for s := range byStreet {
		open[s] = true
	}
	for seats > 0 && len(open) > 0 {
		var total float64
		weight := map[int64]float64{}
		for s := range open {
			w := float64(population[s])
			if w <= 0 {
				w = float64(len(byStreet[s]))
			}
			weight[s] = w
			total += w
		}
		type share struct {
			street int64
			whole  int
			rest   float64
		}
		var shares []share
		given := 0
		for s := range open {
			exact := float64(seats) * weight[s] / total
			whole := int(exact)
			shares = append(shares, share{s, whole, exact - float64(whole)})
			given += whole
		}
		sort.Slice(shares, func(i, j int) bool {
			if shares[i].rest != shares[j].rest {
				return shares[i].rest > shares[j].rest
			}
			return shares[i].street < shares[j].street
		})
		for i := 0; given < seats; i++ {
			shares[i%len(shares)].whole++
			given++
		}
		capped := false
		for _, sh := range shares {
			if room := len(byStreet[sh.street]); sh.whole >= room {
				quotas[sh.street] = room
				seats -= room
				delete(open, sh.street)
				capped = true
			}
		}
		if !capped {
			for _, sh := range shares {
				quotas[sh.street] = sh.whole
			}
			break
		}
	}
	return quotas
}
