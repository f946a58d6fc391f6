package web

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/pb"
	"quartier/core/postgres"
)

// budgets lists the participatory budgets that are not drafts.
func (s *Server) budgets(c *gin.Context) {
	list, err := s.store.Budgets(c.Request.Context(), false)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "budgets", map[string]any{"All": list})
}

// loadBudget reads the budget in the path; drafts exist for managers only.
func (s *Server) loadBudget(c *gin.Context) (core.Budget, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.budget_not_found"))
		return core.Budget{}, false
	}
	b, err := s.store.Budget(c.Request.Context(), id)
	if err == nil && b.Phase == core.PhaseDraft && (userOf(c) == nil || !userOf(c).Role.AtLeast(core.RoleManager)) {
		err = core.NotFound("error.budget_not_found")
	}
	if err != nil {
		s.fail(c, err)
		return core.Budget{}, false
	}
	return b, true
}

func budgetPath(id int64) string { return "/budgets/" + strconv.FormatInt(id, 10) }

// envelopeBlock says why u may not vote in env ("" when they may): a
// quarter's envelope is for the residents of its target only.
func (s *Server) envelopeBlock(ctx context.Context, u *core.Participant, b core.Budget, env core.Envelope) (string, error) {
	switch {
	case u == nil:
		return "budget.block_login", nil
	case !u.Verified():
		return "budget.block_unverified", nil
	}
	home, verified, err := s.store.HomeVerification(ctx, u.ID)
	if err != nil {
		return "", err
	}
	switch {
	case b.VerifiedOnly && !verified:
		return "budget.block_not_verified", nil
	case env.TargetID == 0:
		return "", nil
	case home == 0:
		return "budget.block_no_address", nil
	}
	ids, err := s.targetAddresses(ctx, env.TargetID)
	if err != nil {
		return "", err
	}
	if _, in := slices.BinarySearch(ids, home); !in {
		return "budget.block_outside", nil
	}
	return "", nil
}

// envelopeView is an envelope as a visitor sees it.
type envelopeView struct {
	core.Envelope
	Block    string // why the visitor may not vote here
	Projects []core.BudgetProject
	Ballot   core.Ballot
	Chosen   map[int64]int // project -> points on the visitor's ballot
	Error    string        // the last ballot's problem
	Result   *budgetResultView
}

// budgetResultView is an envelope's result with both rules side by side.
type budgetResultView struct {
	Rule        string
	Ballots     int
	Share       float64
	EqualShares map[int64]bool
	Greedy      map[int64]bool
	MESCost     int64
	GreedyCost  int64
	Published   bool
}

// budgetPage renders the budget page; ballotErr (may be nil) is a refused
// ballot for envelope errEnv with the choices the visitor made.
func (s *Server) budgetPage(c *gin.Context, status int, b core.Budget, errEnv int64, ballotErr error, tried map[int64]int) {
	ctx := c.Request.Context()
	b = b.In(langOf(c))
	u := userOf(c)
	projects, err := s.store.BudgetProjects(ctx, b.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	results, err := s.store.BudgetResults(ctx, b.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	var envs []envelopeView
	for _, e := range b.Envelopes {
		v := envelopeView{Envelope: e, Chosen: map[int64]int{}}
		if v.Block, err = s.envelopeBlock(ctx, u, b, e); err != nil {
			s.fail(c, err)
			return
		}
		published, hasResult := results[e.ID]
		// Another quarter's envelope is none of its residents' business until
		// the results are out; a visitor who has not said where they live
		// (signed in or not) sees it, with how to take part.
		if e.TargetID != 0 && v.Block == "budget.block_outside" && !hasResult {
			continue
		}
		for _, p := range projects {
			if p.EnvelopeID == e.ID {
				v.Projects = append(v.Projects, p)
			}
		}
		if u != nil && v.Block == "" {
			if v.Ballot, err = s.store.BallotOf(ctx, e.ID, u.ID); err != nil {
				s.fail(c, err)
				return
			}
			for _, ch := range v.Ballot.Choices {
				v.Chosen[ch.ProjectID] = ch.Points
			}
		}
		if e.ID == errEnv && ballotErr != nil {
			v.Chosen = tried
			for _, p := range core.Problems(ballotErr) {
				v.Error = s.catalog.T(langOf(c), p.Key)
			}
		}
		if hasResult {
			v.Result = budgetResultViewOf(published, v.Projects)
		}
		envs = append(envs, v)
	}
	s.render(c, status, "budget", map[string]any{"B": b, "Envelopes": envs, "Open": b.VotingOpen(s.now()),
		"Meta": s.metaOf(b.Title, b.Description, budgetPath(b.ID), "")})
}

func budgetResultViewOf(r postgres.BudgetResult, projects []core.BudgetProject) *budgetResultView {
	v := &budgetResultView{Rule: r.Rule, Ballots: r.Ballots, Share: r.Share, EqualShares: map[int64]bool{}, Greedy: map[int64]bool{}, Published: !r.PublishedAt.IsZero()}
	cost := map[int64]int64{}
	for _, p := range projects {
		cost[p.ID] = p.Cost()
	}
	for _, id := range r.EqualShares {
		v.EqualShares[id], v.MESCost = true, v.MESCost+cost[id]
	}
	for _, id := range r.Greedy {
		v.Greedy[id], v.GreedyCost = true, v.GreedyCost+cost[id]
	}
	return v
}

func (s *Server) budget(c *gin.Context) {
	b, ok := s.loadBudget(c)
	if !ok {
		return
	}
	s.budgetPage(c, http.StatusOK, b, 0, nil, nil)
}

// proposeBudgetProject stores a resident's proposal (an idea with a cost).
func (s *Server) proposeBudgetProject(c *gin.Context) {
	b, ok := s.loadBudget(c)
	if !ok {
		return
	}
	u, ok := s.contentAuthor(c)
	if !ok {
		return
	}
	env, _ := strconv.ParseInt(c.PostForm("envelope_id"), 10, 64)
	e, ok := b.Envelope(env)
	if !ok {
		s.fail(c, core.Invalid("envelope_id", "error.envelope_not_found"))
		return
	}
	if block, err := s.envelopeBlock(c.Request.Context(), u, b, e); err != nil || block != "" {
		if err == nil {
			err = core.Forbidden(block)
		}
		s.fail(c, err)
		return
	}
	cost, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(c.PostForm("estimated_cost")), " ", ""), 10, 64)
	if err != nil || cost <= 0 || cost > e.Amount {
		s.fail(c, core.Invalid("estimated_cost", "error.budget_estimate"))
		return
	}
	in, err := core.IdeaInput{Title: c.PostForm("title"), Body: c.PostForm("body"), Channel: core.ChannelWeb}.Normalize()
	if err != nil {
		s.fail(c, err)
		return
	}
	idea, err := s.store.ProposeBudgetProject(c.Request.Context(), u.ID, b.ID, e.ID, in, cost, s.cfg.FollowUp.AnswerDays)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/ideas/"+strconv.FormatInt(idea, 10), "flash.budget_proposed")
}

// saveBallot saves (action=save) or casts (action=cast) the visitor's ballot
// for one envelope.
func (s *Server) saveBallot(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.budget_not_found"))
		return
	}
	ctx := c.Request.Context()
	b, projects, err := s.cachedBallotFrame(ctx, id)
	if err == nil && b.Phase == core.PhaseDraft {
		err = core.NotFound("error.budget_not_found")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	u := userOf(c)
	envID, _ := strconv.ParseInt(c.Param("eid"), 10, 64)
	env, ok := b.Envelope(envID)
	if !ok {
		s.fail(c, core.NotFound("error.envelope_not_found"))
		return
	}
	if err := s.allowFast(c, "support", s.cfg.Limits.APIWritePerUser, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	if block, err := s.envelopeBlock(ctx, u, b, env); err != nil || block != "" {
		if err == nil {
			err = core.Forbidden(block)
		}
		s.fail(c, err)
		return
	}
	byID := map[int64]core.BudgetProject{}
	for _, p := range projects {
		byID[p.ID] = p
	}
	tried := map[int64]int{}
	var choices []core.BallotChoice
	if b.Method == core.MethodPoints {
		for _, p := range projects {
			raw := strings.TrimSpace(c.PostForm("points_" + strconv.FormatInt(p.ID, 10)))
			if raw == "" || p.EnvelopeID != env.ID {
				continue
			}
			n, err := strconv.Atoi(raw)
			if err != nil || n < 0 {
				s.budgetPage(c, http.StatusUnprocessableEntity, b, env.ID, core.Invalid("choices", "error.ballot_points"), tried)
				return
			}
			tried[p.ID] = n
			choices = append(choices, core.BallotChoice{ProjectID: p.ID, Points: n})
		}
	} else {
		for _, raw := range c.PostFormArray("project") {
			id, _ := strconv.ParseInt(raw, 10, 64)
			tried[id] = 1
			choices = append(choices, core.BallotChoice{ProjectID: id, Points: 1})
		}
	}
	cast := c.PostForm("action") == "cast"
	checked, err := b.CheckBallot(env, byID, choices, cast)
	if err == nil {
		err = s.store.SaveBallot(ctx, u.ID, b.ID, env.ID, checked, cast)
	}
	if code := core.CodeOf(err); code == core.CodeInvalid || code == core.CodeConflict {
		status := http.StatusUnprocessableEntity
		if code == core.CodeConflict {
			status = http.StatusConflict
		}
		s.budgetPage(c, status, b, env.ID, err, tried)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	flash := "flash.ballot_saved"
	if cast {
		flash = "flash.ballot_cast"
	}
	s.redirectWithFlash(c, budgetPath(b.ID)+"#envelope-"+strconv.FormatInt(env.ID, 10), flash)
}

// envelopeElection is an envelope's vote as an election: its projects on the
// ballot and its cast ballots (numbered, without names).
func (s *Server) envelopeElection(ctx context.Context, b core.Budget, env core.Envelope, projects []core.BudgetProject) (pb.Election, error) {
	e := pb.Election{Budget: env.Amount, Meta: map[string]string{
		"description": b.Title + " – " + env.Name, "country": "Luxembourg", "unit": s.cfg.Commune.Name, "subunit": env.Name,
		"instance": strconv.Itoa(b.VoteClosesAt.In(communeZone).Year()), "currency": "EUR", "language": "fr",
		"date_begin": b.VoteOpensAt.In(communeZone).Format("02.01.2006"), "date_end": b.VoteClosesAt.In(communeZone).Format("02.01.2006"),
		"rule":      map[string]string{core.RuleEqualShares: "equalshares/add1", core.RuleGreedy: "greedy"}[b.Rule],
		"vote_type": map[core.BudgetMethod]string{core.MethodKnapsack: "approval", core.MethodApproval: "approval", core.MethodPoints: "cumulative"}[b.Method],
	}}
	if b.Method == core.MethodApproval && b.MaxChoices > 0 {
		e.Meta["max_length"] = strconv.Itoa(b.MaxChoices)
	}
	if b.Method == core.MethodPoints {
		e.Meta["max_sum_points"] = strconv.Itoa(b.Points)
	}
	index := map[int64]int{}
	for _, p := range projects {
		if p.EnvelopeID == env.ID && p.OnBallot() {
			index[p.ID] = len(e.Projects)
			e.Projects = append(e.Projects, pb.Project{ID: strconv.FormatInt(p.ID, 10), Name: p.Title, Cost: p.Cost()})
		}
	}
	cast, err := s.store.CastBallots(ctx, env.ID)
	if err != nil {
		return e, err
	}
	for _, cb := range cast {
		ballot := pb.Ballot{Voter: strconv.FormatInt(cb.Voter, 10)}
		for _, ch := range cb.Choices {
			if i, ok := index[ch.ProjectID]; ok {
				ballot.Chosen = append(ballot.Chosen, i)
				if b.Method == core.MethodPoints {
					ballot.Points = append(ballot.Points, ch.Points)
				}
			}
		}
		e.Ballots = append(e.Ballots, ballot)
	}
	return e, nil
}

// computeResult runs both rules on an envelope's election.
func computeResult(b core.Budget, env core.Envelope, e pb.Election) postgres.BudgetResult {
	mes, greedy := pb.EqualShares(e, pb.StandardCompletion), pb.Greedy(e)
	ids := func(o pb.Outcome) []int64 {
		out := make([]int64, 0, len(o.Winners))
		for _, w := range o.Winners {
			id, _ := strconv.ParseInt(e.Projects[w].ID, 10, 64)
			out = append(out, id)
		}
		return out
	}
	return postgres.BudgetResult{EnvelopeID: env.ID, Rule: b.Rule, Ballots: len(e.Ballots), Share: mes.Endowment,
		EqualShares: ids(mes), Greedy: ids(greedy)}
}

// budgetElectionFile downloads an envelope's election in the Pabulib format:
// for everyone once the result is published, for managers at any time.
func (s *Server) budgetElectionFile(c *gin.Context) {
	b, ok := s.loadBudget(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	envID, _ := strconv.ParseInt(c.Param("eid"), 10, 64)
	env, ok := b.Envelope(envID)
	if !ok {
		s.fail(c, core.NotFound("error.envelope_not_found"))
		return
	}
	results, err := s.store.BudgetResults(ctx, b.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	r, published := results[env.ID]
	if !published && (userOf(c) == nil || !userOf(c).Role.AtLeast(core.RoleManager)) {
		s.fail(c, core.NotFound("error.budget_no_result"))
		return
	}
	projects, err := s.store.BudgetProjects(ctx, b.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	e, err := s.envelopeElection(ctx, b, env, projects)
	if err != nil {
		s.fail(c, err)
		return
	}
	var winners *pb.Outcome
	if published {
		o := pb.Outcome{}
		for _, id := range r.Winners() {
			for i, p := range e.Projects {
				if p.ID == strconv.FormatInt(id, 10) {
					o.Winners = append(o.Winners, i)
				}
			}
		}
		winners = &o
	}
	var buf bytes.Buffer
	if err := pb.WritePabulib(&buf, e, winners); err != nil {
		s.fail(c, core.Internalf("pabulib: %w", err))
		return
	}
	c.Header("Content-Disposition", `attachment; filename="budget-`+strconv.FormatInt(b.ID, 10)+`-envelope-`+strconv.FormatInt(env.ID, 10)+`.pb"`)
	c.Data(http.StatusOK, "text/plain; charset=utf-8", buf.Bytes())
}
