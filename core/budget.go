package core

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// BudgetMethod is how residents vote in a participatory budget.
type BudgetMethod string

// Voting methods.
const (
	// MethodKnapsack: choose projects up to the envelope's amount.
	MethodKnapsack BudgetMethod = "knapsack"
	// MethodApproval: choose up to MaxChoices projects (any number if 0).
	MethodApproval BudgetMethod = "approval"
	// MethodPoints: distribute Points points among projects.
	MethodPoints BudgetMethod = "points"
)

// BudgetMethods lists the methods in the order staff see them.
var BudgetMethods = []BudgetMethod{MethodKnapsack, MethodApproval, MethodPoints}

// BudgetPhase is where a participatory budget stands.
type BudgetPhase string

// Phases, in order.
const (
	PhaseDraft          BudgetPhase = "draft"
	PhaseProposals      BudgetPhase = "proposals"
	PhaseReview         BudgetPhase = "review"
	PhaseVoting         BudgetPhase = "voting"
	PhaseResults        BudgetPhase = "results"
	PhaseImplementation BudgetPhase = "implementation"
)

// BudgetPhases lists the phases in order.
var BudgetPhases = []BudgetPhase{PhaseDraft, PhaseProposals, PhaseReview, PhaseVoting, PhaseResults, PhaseImplementation}

// Budget rules deciding the winners.
const (
	RuleEqualShares = "equal_shares"
	RuleGreedy      = "greedy"
)

// EntityBudget names budgets in the change log.
const EntityBudget = "budget"

// Budget is a participatory budget with its envelopes.
type Budget struct {
	ID          int64
	Title       string
	Description string   // sanitised HTML
	Language    Language // of title, description and envelope names
	// Translations are its words in other languages, as staff gave them.
	Translations map[Language]BudgetText
	// Shown says the language of title and description as they stand (see
	// In); each envelope has its own.
	Shown        BudgetLangs
	Method       BudgetMethod
	MaxChoices   int // approval: at most this many projects, 0 for any number
	Points       int // points: the points each voter distributes
	Rule         string
	Phase        BudgetPhase
	VoteOpensAt  time.Time
	VoteClosesAt time.Time
	AllowChanges bool
	VerifiedOnly bool
	Revision     int
	Envelopes    []Envelope
}

// Envelope is a share of a budget: commune-wide (TargetID 0) or for the
// residents of a target (a quarter, streets) only.
type Envelope struct {
	ID       int64
	BudgetID int64
	Name     string
	TargetID int64
	Amount   int64    // whole euros
	Lang     Language // of Name as it stands (see Budget.In)
}

// VotingOpen reports whether ballots may be cast at now.
func (b Budget) VotingOpen(now time.Time) bool {
	return b.Phase == PhaseVoting && !now.Before(b.VoteOpensAt) && now.Before(b.VoteClosesAt)
}

// Envelope returns the budget's envelope id.
func (b Budget) Envelope(id int64) (Envelope, bool) {
	for _, e := range b.Envelopes {
		if e.ID == id {
			return e, true
		}
	}
	return Envelope{}, false
}

// Total is the sum of the envelopes.
func (b Budget) Total() int64 {
	var t int64
	for _, e := range b.Envelopes {
		t += e.Amount
	}
	return t
}

// NormalizeBudget checks a budget as staff describe it, its translations
// included.
func NormalizeBudget(b Budget) (Budget, error) {
	var errs []error
	b.Title = strings.TrimSpace(b.Title)
	if l := utf8.RuneCountInString(b.Title); l < 3 || l > 200 {
		errs = append(errs, Invalid("title", "error.budget_title"))
	}
	b.Description = SanitizeHTML(b.Description)
	var err error
	b.Language, err = writtenIn(b.Language)
	errs = append(errs, err)
	switch b.Method {
	case MethodKnapsack:
		b.MaxChoices, b.Points = 0, 0
	case MethodApproval:
		b.Points = 0
		if b.MaxChoices < 0 || b.MaxChoices > 100 {
			errs = append(errs, Invalid("max_choices", "error.budget_max_choices"))
		}
	case MethodPoints:
		b.MaxChoices = 0
		if b.Points < 1 || b.Points > 1000 {
			errs = append(errs, Invalid("points", "error.budget_points"))
		}
	default:
		errs = append(errs, Invalid("method", "error.budget_method"))
	}
	if b.Rule != RuleEqualShares && b.Rule != RuleGreedy {
		errs = append(errs, Invalid("rule", "error.budget_rule"))
	}
	if b.VoteOpensAt.IsZero() || !b.VoteClosesAt.After(b.VoteOpensAt) {
		errs = append(errs, Invalid("vote_closes_at", "error.budget_dates"))
	}
	if len(b.Envelopes) == 0 || len(b.Envelopes) > 50 {
		errs = append(errs, Invalid("envelopes", "error.budget_envelopes"))
	}
	for i, e := range b.Envelopes {
		e.Name = strings.TrimSpace(e.Name)
		if e.Name == "" || utf8.RuneCountInString(e.Name) > 100 || e.Amount <= 0 || e.Amount > 1_000_000_000 {
			errs = append(errs, Invalid("envelopes", "error.budget_envelopes"))
			break
		}
		b.Envelopes[i] = e
	}
	translations, err := normalizeBudgetTranslations(b, b.Translations)
	errs = append(errs, err)
	b.Translations = translations
	if b.Phase == "" {
		b.Phase = PhaseDraft
	}
	return b, errors.Join(errs...)
}

// BudgetProject is a project of a participatory budget: an idea (its review,
// answer and implementation follow the follow-up of ideas) with a cost.
type BudgetProject struct {
	ID            int64
	BudgetID      int64
	EnvelopeID    int64
	IdeaID        int64
	Title         string
	Body          string
	AuthorName    string
	Status        IdeaStatus
	Answer        string
	Progress      int
	EstimatedCost int64
	FinalCost     int64 // 0 until staff set it at review
	VoteCount     int
	Selected      bool
}

// Cost is the final cost once set, the estimate before.
func (p BudgetProject) Cost() int64 {
	if p.FinalCost > 0 {
		return p.FinalCost
	}
	return p.EstimatedCost
}

// OnBallot reports whether the project may be voted for: reviewed feasible
// with its final cost set.
func (p BudgetProject) OnBallot() bool {
	return p.FinalCost > 0 && (p.Status == IdeaFeasible || p.Status == IdeaDecided || p.Status.Implementing())
}

// BallotChoice is one project on a ballot and the points given (1 unless the
// method is points).
type BallotChoice struct {
	ProjectID int64
	Points    int
}

// Ballot is a participant's ballot for one envelope.
type Ballot struct {
	EnvelopeID int64
	Choices    []BallotChoice
	CastAt     time.Time // zero: a draft
}

// Cast reports whether the ballot was cast.
func (b Ballot) Cast() bool { return !b.CastAt.IsZero() }

// CheckBallot checks choices for envelope env against the budget's method:
// projects of this envelope on the ballot, within the envelope's amount
// (knapsack), the number of projects (approval) or the points (points). A
// ballot to be cast must choose something.
func (b Budget) CheckBallot(env Envelope, projects map[int64]BudgetProject, choices []BallotChoice, cast bool) ([]BallotChoice, error) {
	seen := map[int64]bool{}
	var cost int64
	points := 0
	out := make([]BallotChoice, 0, len(choices))
	for _, c := range choices {
		p, ok := projects[c.ProjectID]
		if !ok || p.EnvelopeID != env.ID || !p.OnBallot() {
			return nil, Invalid("choices", "error.ballot_project")
		}
		if seen[c.ProjectID] {
			continue
		}
		seen[c.ProjectID] = true
		if b.Method != MethodPoints {
			c.Points = 1
		}
		if c.Points <= 0 {
			continue
		}
		cost += p.Cost()
		points += c.Points
		out = append(out, c)
	}
	switch {
	case b.Method == MethodKnapsack && cost > env.Amount:
		return nil, Invalid("choices", "error.ballot_over_envelope")
	case b.Method == MethodApproval && b.MaxChoices > 0 && len(out) > b.MaxChoices:
		return nil, Invalid("choices", "error.ballot_too_many")
	case b.Method == MethodPoints && points > b.Points:
		return nil, Invalid("choices", "error.ballot_points")
	case cast && len(out) == 0:
		return nil, Invalid("choices", "error.ballot_empty")
	}
	return out, nil
}
