package pb

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// synthetic is an election of projects and ballots drawn with a fixed seed:
// costs from 5,000 to 200,000, each voter choosing 1 to 10 projects with
// popularity skewed (a few projects are much more popular than most).
func synthetic(projects, ballots int) Election {
	r := rand.New(rand.NewPCG(2026, 11))
	e := Election{Budget: 5_000_000}
	for p := range projects {
		e.Projects = append(e.Projects, Project{ID: strconv.Itoa(p + 1), Cost: 5_000 + r.Int64N(195_000)})
	}
	zipf := rand.NewZipf(rand.New(rand.NewPCG(7, 7)), 1.1, 8, uint64(projects-1))
	for v := range ballots {
		b := Ballot{Voter: strconv.Itoa(v + 1)}
		seen := map[int]bool{}
		for range 1 + r.IntN(10) {
			p := int(zipf.Uint64())
			if !seen[p] {
				seen[p] = true
				b.Chosen = append(b.Chosen, p)
			}
		}
		e.Ballots = append(e.Ballots, b)
	}
	return e
}

// BenchmarkEqualShares200x100000 is the result computation the issue asks to
// keep under 2 s: 200 projects, 100,000 ballots, Equal Shares with Add1
// completion (and the greedy rule alongside, as the results page shows both).
func BenchmarkEqualShares200x100000(b *testing.B) {
	e := synthetic(200, 100_000)
	b.ResetTimer()
	for b.Loop() {
		o := EqualShares(e, StandardCompletion)
		g := Greedy(e)
		b.ReportMetric(o.Endowment, "share")
		b.ReportMetric(float64(len(o.Winners)), "winners")
		_ = g
	}
}

// BenchmarkEqualSharesWieliczka is the real 2023 election (64 projects, 6,586
// ballots).
func BenchmarkEqualSharesWieliczka(b *testing.B) {
	e := readWieliczka(b)
	b.ResetTimer()
	for b.Loop() {
		EqualShares(e, StandardCompletion)
	}
}
