package pb

import (
	"cmp"
	"math"
	"slices"
)

// Utility is what a voter gains from a winning project they chose.
type Utility int

// Utilities.
const (
	// CostUtility: a chosen project is worth its cost to the voter (pabutools'
	// Cost_Sat). Equal Shares then buys the most money's worth per voter; this
	// is what Wieliczka's official result used.
	CostUtility Utility = iota
	// CountUtility: each chosen project counts one (times its points).
	CountUtility
)

// MESOptions say how utilities are counted and how Equal Shares spends what
// its first run leaves unspent (the completion).
type MESOptions struct {
	Utility Utility
	// Add1 raises every voter's virtual share one currency unit at a time and
	// keeps the last outcome that fits in the real budget (the standard
	// completion, equalshares.net "Add1").
	Add1 bool
	// Integral starts Add1 from the share rounded down to a whole unit, so
	// that every share tried is a whole number (the compute tool's "integral"
	// option); otherwise it starts from budget ÷ voters exactly.
	Integral bool
	// StopWhenExhaustive ends Add1 as soon as no further project would fit in
	// the budget (the tool's "exhaustive" option); otherwise Add1 goes on
	// while the next share still gives an outcome within the budget.
	StopWhenExhaustive bool
	// Utilitarian then adds, in order of votes, the projects that still fit
	// (the "add1u" variant).
	Utilitarian bool
}

// StandardCompletion is what Quartier uses: cost utilities, Add1 from the
// exact share for as long as the next share's outcome still fits in the budget
// (not stopping at the first exhaustive outcome), then the utilitarian top-up
// for whatever still fits. On Wieliczka 2023 this reproduces the official
// result; stopping at the first exhaustive outcome does not (see
// docs/ARCHITECTURE.md).
var StandardCompletion = MESOptions{Utility: CostUtility, Add1: true, Utilitarian: true}

// voterGroup is a set of voters with identical ballots: Equal Shares treats
// them alike at every step, so they are computed once.
type voterGroup struct {
	weight  float64
	budget  float64 // each member's remaining virtual money
	choices []int
	utils   []float64
}

// supporter is a group's support for one project.
type supporter struct {
	group int
	util  float64
}

type mesInput struct {
	e         Election
	groups    []voterGroup
	supports  [][]supporter // per project
	votes     []int64
	voters    int
	tieBreak  []int // project -> rank by votes, cost, ballot order
	costFloat []float64
}

func newMESInput(e Election, utility Utility) *mesInput {
	in := &mesInput{e: e, votes: e.Votes(), voters: len(e.Ballots), supports: make([][]supporter, len(e.Projects))}
	byKey := map[string]int{}
	for _, b := range e.Ballots {
		pairs := make([][2]int, len(b.Chosen))
		for k, p := range b.Chosen {
			pairs[k] = [2]int{p, b.utility(k)}
		}
		slices.SortFunc(pairs, func(x, y [2]int) int { return x[0] - y[0] })
		sorted := Ballot{}
		for _, pr := range pairs {
			if pr[1] > 0 {
				sorted.Chosen, sorted.Points = append(sorted.Chosen, pr[0]), append(sorted.Points, pr[1])
			}
		}
		key := voteKey(sorted)
		g, ok := byKey[key]
		if !ok {
			g = len(in.groups)
			byKey[key] = g
			vg := voterGroup{choices: sorted.Chosen}
			for k, u := range sorted.Points {
				w := float64(u)
				if utility == CostUtility {
					w *= float64(e.Projects[sorted.Chosen[k]].Cost)
				}
				vg.utils = append(vg.utils, w)
			}
			in.groups = append(in.groups, vg)
		}
		in.groups[g].weight++
	}
	for g, vg := range in.groups {
		for k, p := range vg.choices {
			in.supports[p] = append(in.supports[p], supporter{group: g, util: vg.utils[k]})
		}
	}
	in.tieBreak = make([]int, len(e.Projects))
	for rank, p := range byVotes(e, in.votes) {
		in.tieBreak[p] = rank
	}
	in.costFloat = make([]float64, len(e.Projects))
	for p, pr := range e.Projects {
		in.costFloat[p] = float64(pr.Cost)
	}
	return in
}

// eps absorbs floating-point rounding when comparing money (the budgets here
// are at most billions of units: 1e-6 of a unit is far below anything real).
const eps = 1e-6

// run computes Equal Shares with each voter given endowment: the winners in
// the order chosen.
func (in *mesInput) run(endowment float64) []int {
	for g := range in.groups {
		in.groups[g].budget = endowment
	}
	// rho is the price per unit of utility a project asks of its supporters
	// (for approval ballots: the largest payment). Lower is better; it can only
	// rise as budgets shrink, so last round's value bounds this round's.
	type cand struct {
		p   int
		rho float64
	}
	var remaining []cand
	for p, sup := range in.supports {
		var total float64
		for _, s := range sup {
			total += in.groups[s.group].weight * s.util
		}
		if total > 0 {
			remaining = append(remaining, cand{p, in.costFloat[p] / total})
		}
	}
	var winners []int
	for {
		slices.SortStableFunc(remaining, func(a, b cand) int { return cmp.Compare(a.rho, b.rho) })
		best, bestRho := -1, 0.0
		kept := remaining[:0]
		for _, c := range remaining {
			if best >= 0 && c.rho > bestRho*(1+1e-12) {
				kept = append(kept, c) // cannot beat the best: keep its old bound
				continue
			}
			rho, ok := in.price(c.p)
			if !ok {
				continue // unaffordable now, and forever after
			}
			c.rho = rho
			kept = append(kept, c)
			if best < 0 || rho < bestRho*(1-1e-12) || (rho <= bestRho*(1+1e-12) && in.tieBreak[c.p] < in.tieBreak[best]) {
				best, bestRho = c.p, rho
			}
		}
		remaining = kept
		if best < 0 {
			return winners
		}
		winners = append(winners, best)
		for _, s := range in.supports[best] {
			g := &in.groups[s.group]
			g.budget -= min(g.budget, bestRho*s.util)
		}
		remaining = slices.DeleteFunc(remaining, func(c cand) bool { return c.p == best })
	}
}

// price splits project p's cost as equally as possible (per unit of
// utility) among its supporters: it returns the price per unit of utility,
// or false when the supporters cannot pay for it. Supporters who cannot pay
// the price pay all they have and the others share the rest: the price is
// found by raising it until the set of those who pay all they have stops
// growing (a few passes, no sorting).
func (in *mesInput) price(p int) (float64, bool) {
	sup := in.supports[p]
	cost := in.costFloat[p]
	var money, utility float64
	for _, s := range sup {
		g := &in.groups[s.group]
		money += g.weight * g.budget
		utility += g.weight * s.util
	}
	if money < cost-eps || utility == 0 {
		return 0, false
	}
	rho, capped := cost/utility, -1
	for {
		paid, denom, n := 0.0, 0.0, 0
		for _, s := range sup {
			g := &in.groups[s.group]
			if rho*s.util > g.budget+eps {
				paid += g.weight * g.budget
				n++
			} else {
				denom += g.weight * s.util
			}
		}
		if denom <= 0 {
			return 0, false
		}
		next := (cost - paid) / denom
		if n == capped {
			return next, true
		}
		rho, capped = next, n
	}
}

// EqualShares computes the Method of Equal Shares with options c.
func EqualShares(e Election, c MESOptions) Outcome {
	if len(e.Ballots) == 0 {
		return Outcome{}
	}
	in := newMESInput(e, c.Utility)
	n := float64(in.voters)
	share := float64(e.Budget) / n
	if c.Integral {
		share = float64(e.Budget / int64(in.voters))
	}
	winners := in.run(share)
	if c.Add1 {
		// One currency unit more per voter at each step (1 % of the first share
		// when that is larger: an electorate of a handful of voters would
		// otherwise take thousands of steps). Once a share covers what any
		// voter chose, budgets never bind and more money changes nothing: the
		// loop ends there at the latest.
		step := max(1, math.Floor(share/100))
		bound := in.maxChosenCost()
		for share < bound {
			if c.StopWhenExhaustive && exhaustive(e, winners) {
				break
			}
			next := in.run(share + step)
			if costOf(e, next) > e.Budget {
				break
			}
			share, winners = share+step, next
		}
	}
	if c.Utilitarian {
		cost := costOf(e, winners)
		for _, p := range byVotes(e, in.votes) {
			if in.votes[p] > 0 && !slices.Contains(winners, p) && cost+e.Projects[p].Cost <= e.Budget {
				winners = append(winners, p)
				cost += e.Projects[p].Cost
			}
		}
	}
	return Outcome{Winners: winners, Cost: costOf(e, winners), Endowment: share}
}

// maxChosenCost is the most any voter's chosen projects cost together.
func (in *mesInput) maxChosenCost() float64 {
	var most float64
	for _, g := range in.groups {
		var sum float64
		for _, p := range g.choices {
			sum += in.costFloat[p]
		}
		most = max(most, sum)
	}
	return most
}

// exhaustive reports whether no project outside winners still fits.
func exhaustive(e Election, winners []int) bool {
	left := e.Budget - costOf(e, winners)
	for p, pr := range e.Projects {
		if pr.Cost <= left && !slices.Contains(winners, p) {
			return false
		}
	}
	return true
}
