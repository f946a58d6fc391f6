// Package pb computes the results of participatory budgets: the standard
// greedy rule and the Method of Equal Shares with its completion, and reads
// and writes elections in the Pabulib format (pabulib.org/format) so that
// researchers can check a result. It is pure computation: no I/O beyond the
// readers and writers it is given.
package pb

import (
	"fmt"
	"slices"
	"strings"
)

// Project is one project on the ballot.
type Project struct {
	ID   string // the Pabulib project_id (Quartier's project id as text)
	Name string
	Cost int64 // in whole currency units, > 0
}

// Ballot is one voter's cast ballot: the projects they chose (indexes into
// Election.Projects) and, for points ballots, the points given to each (nil:
// one each, an approval ballot).
type Ballot struct {
	Voter  string
	Chosen []int
	Points []int
}

// Election is a budget, its projects and its ballots.
type Election struct {
	Budget   int64
	Projects []Project
	Ballots  []Ballot
	// Meta are the Pabulib META fields beyond budget and counts (description,
	// country, unit, vote_type, rule, ...), kept for export.
	Meta map[string]string
}

// Votes counts each project's supporters (for points ballots: points).
func (e Election) Votes() []int64 {
	votes := make([]int64, len(e.Projects))
	for _, b := range e.Ballots {
		for k, p := range b.Chosen {
			votes[p] += int64(b.utility(k))
		}
	}
	return votes
}

func (b Ballot) utility(k int) int {
	if b.Points == nil {
		return 1
	}
	return b.Points[k]
}

// Check reports the first inconsistency: a project without a positive cost,
// a ballot naming an unknown project or one twice, negative points.
func (e Election) Check() error {
	if e.Budget <= 0 {
		return fmt.Errorf("budget %d: must be positive", e.Budget)
	}
	ids := map[string]bool{}
	for _, p := range e.Projects {
		if p.Cost <= 0 {
			return fmt.Errorf("project %s: cost %d must be positive", p.ID, p.Cost)
		}
		if ids[p.ID] {
			return fmt.Errorf("project %s appears twice", p.ID)
		}
		ids[p.ID] = true
	}
	for _, b := range e.Ballots {
		if b.Points != nil && len(b.Points) != len(b.Chosen) {
			return fmt.Errorf("voter %s: %d points for %d projects", b.Voter, len(b.Points), len(b.Chosen))
		}
		seen := map[int]bool{}
		for k, p := range b.Chosen {
			if p < 0 || p >= len(e.Projects) || seen[p] {
				return fmt.Errorf("voter %s: project index %d unknown or repeated", b.Voter, p)
			}
			if b.utility(k) < 0 {
				return fmt.Errorf("voter %s: negative points", b.Voter)
			}
			seen[p] = true
		}
	}
	return nil
}

// Outcome is a rule's result: the winning projects in the order the rule
// chose them, and what it spent.
type Outcome struct {
	Winners []int // indexes into Election.Projects
	Cost    int64
	// Endowment is, for Equal Shares, each voter's virtual share of the budget
	// in the final run of the completion (0 for other rules).
	Endowment float64
}

// Selected reports whether project p won.
func (o Outcome) Selected(p int) bool { return slices.Contains(o.Winners, p) }

// IDs lists the winners' project ids in the order they were chosen.
func (o Outcome) IDs(e Election) []string {
	out := make([]string, len(o.Winners))
	for i, w := range o.Winners {
		out[i] = e.Projects[w].ID
	}
	return out
}

func (o Outcome) String() string { return fmt.Sprintf("%d winners, cost %d", len(o.Winners), o.Cost) }

func costOf(e Election, winners []int) int64 {
	var c int64
	for _, w := range winners {
		c += e.Projects[w].Cost
	}
	return c
}

// Greedy is the standard rule: projects in order of votes (ties: the cheaper,
// then the earlier on the ballot), each taken if it still fits in the budget,
// skipped otherwise.
func Greedy(e Election) Outcome {
	votes := e.Votes()
	order := byVotes(e, votes)
	var out Outcome
	for _, p := range order {
		if votes[p] > 0 && out.Cost+e.Projects[p].Cost <= e.Budget {
			out.Winners = append(out.Winners, p)
			out.Cost += e.Projects[p].Cost
		}
	}
	return out
}

// byVotes orders project indexes by votes, then lower cost, then ballot order.
func byVotes(e Election, votes []int64) []int {
	order := make([]int, len(e.Projects))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if votes[a] != votes[b] {
			return int(votes[b] - votes[a])
		}
		if e.Projects[a].Cost != e.Projects[b].Cost {
			return int(e.Projects[a].Cost - e.Projects[b].Cost)
		}
		return a - b
	})
	return order
}

// voteKey identifies identical ballots (they are computed once, with a weight).
func voteKey(b Ballot) string {
	var sb strings.Builder
	for k, p := range b.Chosen {
		fmt.Fprintf(&sb, "%d:%d,", p, b.utility(k))
	}
	return sb.String()
}
