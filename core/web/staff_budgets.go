package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

var budgetFields = []string{"title", "description", "language", "method", "max_choices", "points", "rule", "vote_opens_at", "vote_closes_at",
	"allow_changes", "verified_only", "envelopes"}

// staffBudgets lists every budget with the form to open one.
func (s *Server) staffBudgets(c *gin.Context) {
	opens := s.now().In(communeZone).AddDate(0, 2, 0)
	opens = time.Date(opens.Year(), opens.Month(), opens.Day(), 8, 0, 0, 0, communeZone)
	form := map[string]string{"method": string(core.MethodKnapsack), "rule": core.RuleEqualShares, "points": "10", "max_choices": "0",
		"vote_opens_at": opens.Format(dateTimeLocal), "vote_closes_at": opens.AddDate(0, 0, 21).Format(dateTimeLocal),
		"allow_changes": "on", "envelopes": s.catalog.T(langOf(c), "budget.envelope_default") + "; 100000"}
	s.budgetsPage(c, http.StatusOK, form, nil)
}

func (s *Server) budgetsPage(c *gin.Context, status int, form map[string]string, err error) {
	all, lerr := s.store.Budgets(c.Request.Context(), true)
	if lerr != nil {
		s.fail(c, lerr)
		return
	}
	s.budgetFormPage(c, "staff_budgets", status, form, map[string]any{"All": all}, err)
}

// budgetFormPage renders a page with the budget form; the targets an envelope
// may be aimed at come along.
func (s *Server) budgetFormPage(c *gin.Context, name string, status int, form map[string]string, data map[string]any, err error) {
	targets, terr := s.store.Targets(c.Request.Context())
	if terr != nil {
		s.fail(c, terr)
		return
	}
	data["Targets"], data["Methods"], data["Languages"] = targets, core.BudgetMethods, core.Languages
	s.renderForm(c, status, name, form, data, err)
}

// budgetFromForm reads the budget form. Envelopes are one per line:
// "name; amount" for the whole commune, "name; amount; target id" for the
// residents of a target.
func budgetFromForm(c *gin.Context) (core.Budget, map[string]string, error) {
	form := map[string]string{}
	for _, k := range budgetFields {
		form[k] = c.PostForm(k)
	}
	b := core.Budget{Title: form["title"], Description: form["description"], Language: core.Language(form["language"]),
		Method: core.BudgetMethod(form["method"]), Rule: form["rule"], AllowChanges: form["allow_changes"] == "on",
		VerifiedOnly: form["verified_only"] == "on", Translations: postedTitledTexts(c, form, func(title, description string) core.BudgetText {
			return core.BudgetText{Title: title, Description: description}
		})}
	for l, t := range b.Translations {
		envelopes := "envelopes_" + string(l)
		if form[envelopes] = c.PostForm(envelopes); strings.TrimSpace(form[envelopes]) != "" {
			t.Envelopes = strings.Split(strings.ReplaceAll(form[envelopes], "\r\n", "\n"), "\n")
			b.Translations[l] = t
		}
	}
	var err error
	if b.MaxChoices, err = atoiOrZero(form["max_choices"]); err != nil {
		return b, form, core.Invalid("max_choices", "error.budget_max_choices")
	}
	if b.Points, err = atoiOrZero(form["points"]); err != nil {
		return b, form, core.Invalid("points", "error.budget_points")
	}
	if b.VoteOpensAt, err = time.ParseInLocation(dateTimeLocal, form["vote_opens_at"], communeZone); err != nil {
		return b, form, core.Invalid("vote_opens_at", "error.budget_dates")
	}
	if b.VoteClosesAt, err = time.ParseInLocation(dateTimeLocal, form["vote_closes_at"], communeZone); err != nil {
		return b, form, core.Invalid("vote_closes_at", "error.budget_dates")
	}
	for _, line := range strings.Split(form["envelopes"], "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, ";")
		if len(parts) < 2 || len(parts) > 3 {
			return b, form, core.Invalid("envelopes", "error.budget_envelopes")
		}
		e := core.Envelope{Name: strings.TrimSpace(parts[0])}
		if e.Amount, err = strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(parts[1]), " ", ""), 10, 64); err != nil {
			return b, form, core.Invalid("envelopes", "error.budget_envelopes")
		}
		if len(parts) == 3 {
			if e.TargetID, err = strconv.ParseInt(strings.TrimSpace(parts[2]), 10, 64); err != nil {
				return b, form, core.Invalid("envelopes", "error.budget_envelopes")
			}
		}
		b.Envelopes = append(b.Envelopes, e)
	}
	b, err = core.NormalizeBudget(b)
	return b, form, err
}

func atoiOrZero(s string) (int, error) {
	if s = strings.TrimSpace(s); s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

// budgetForm fills the form from a stored budget.
func budgetForm(b core.Budget) map[string]string {
	on := func(v bool) string {
		if v {
			return "on"
		}
		return ""
	}
	var lines []string
	for _, e := range b.Envelopes {
		line := e.Name + "; " + strconv.FormatInt(e.Amount, 10)
		if e.TargetID != 0 {
			line += "; " + strconv.FormatInt(e.TargetID, 10)
		}
		lines = append(lines, line)
	}
	form := map[string]string{"title": b.Title, "description": b.Description, "language": string(b.Language), "method": string(b.Method),
		"max_choices": strconv.Itoa(b.MaxChoices), "points": strconv.Itoa(b.Points), "rule": b.Rule,
		"vote_opens_at": b.VoteOpensAt.In(communeZone).Format(dateTimeLocal), "vote_closes_at": b.VoteClosesAt.In(communeZone).Format(dateTimeLocal),
		"allow_changes": on(b.AllowChanges), "verified_only": on(b.VerifiedOnly), "envelopes": strings.Join(lines, "\n")}
	titledTextsForm(form, b.Translations, func(t core.BudgetText) (string, string) { return t.Title, t.Description })
	for l, t := range b.Translations {
		form["envelopes_"+string(l)] = strings.Join(t.Envelopes, "\n")
	}
	return form
}

func staffBudgetPath(id int64) string { return "/staff/budgets/" + strconv.FormatInt(id, 10) }

func (s *Server) staffCreateBudget(c *gin.Context) {
	b, form, err := budgetFromForm(c)
	if err == nil {
		b.ID, err = s.store.SaveBudget(c.Request.Context(), userOf(c).ID, b)
	}
	if core.CodeOf(err) == core.CodeInvalid {
		s.budgetsPage(c, http.StatusUnprocessableEntity, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffBudgetPath(b.ID), "flash.budget_saved")
}

func (s *Server) loadStaffBudget(c *gin.Context) (core.Budget, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.budget_not_found"))
		return core.Budget{}, false
	}
	b, err := s.store.Budget(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return b, false
	}
	return b, true
}

// staffBudget is a budget's back office: its frame, its phase, the projects
// with their final costs and, after the vote, both rules' results to publish.
func (s *Server) staffBudget(c *gin.Context) {
	b, ok := s.loadStaffBudget(c)
	if !ok {
		return
	}
	s.staffBudgetPage(c, http.StatusOK, b, budgetForm(b), nil)
}

// staffEnvelope is an envelope in the back office, with the result as it
// stands (computed on the spot once voting closed) and the published one.
type staffEnvelope struct {
	core.Envelope
	Projects  []core.BudgetProject
	Result    *budgetResultView
	Published bool
}

func (s *Server) staffBudgetPage(c *gin.Context, status int, b core.Budget, form map[string]string, err error) {
	ctx := c.Request.Context()
	projects, perr := s.store.BudgetProjects(ctx, b.ID)
	if perr != nil {
		s.fail(c, perr)
		return
	}
	published, perr := s.store.BudgetResults(ctx, b.ID)
	if perr != nil {
		s.fail(c, perr)
		return
	}
	closed := !s.now().Before(b.VoteClosesAt) && b.Phase != core.PhaseDraft
	var envs []staffEnvelope
	for _, e := range b.Envelopes {
		v := staffEnvelope{Envelope: e}
		for _, p := range projects {
			if p.EnvelopeID == e.ID {
				v.Projects = append(v.Projects, p)
			}
		}
		if r, ok := published[e.ID]; ok {
			v.Result, v.Published = budgetResultViewOf(r, v.Projects), true
		} else {
			counts, cerr := s.store.VoteCounts(ctx, e.ID) // live, until the result stores them
			if cerr != nil {
				s.fail(c, cerr)
				return
			}
			for i := range v.Projects {
				v.Projects[i].VoteCount = counts[v.Projects[i].ID]
			}
		}
		if v.Result == nil && closed {
			el, eerr := s.envelopeElection(ctx, b, e, projects)
			if eerr != nil {
				s.fail(c, eerr)
				return
			}
			v.Result = budgetResultViewOf(computeResult(b, e, el), v.Projects)
		}
		envs = append(envs, v)
	}
	s.budgetFormPage(c, "staff_budget", status, form, map[string]any{"B": b, "Envelopes": envs, "Phases": core.BudgetPhases, "Closed": closed,
		"Outdated": outdatedIn(b.Outdated)}, err)
}

func (s *Server) staffSaveBudget(c *gin.Context) {
	old, ok := s.loadStaffBudget(c)
	if !ok {
		return
	}
	b, form, err := budgetFromForm(c)
	if err == nil {
		b.ID, b.Phase = old.ID, old.Phase
		_, err = s.store.SaveBudget(c.Request.Context(), userOf(c).ID, b)
	}
	if core.CodeOf(err) == core.CodeInvalid {
		s.staffBudgetPage(c, http.StatusUnprocessableEntity, old, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffBudgetPath(old.ID), "flash.budget_saved")
}

// staffBudgetAction moves the phase, sets a project's final cost or publishes
// an envelope's result.
func (s *Server) staffBudgetAction(c *gin.Context) {
	b, ok := s.loadStaffBudget(c)
	if !ok {
		return
	}
	ctx, actor := c.Request.Context(), userOf(c).ID
	var err error
	flash := "flash.budget_saved"
	switch c.Param("action") {
	case "phase":
		err = s.store.SetBudgetPhase(ctx, actor, b.ID, core.BudgetPhase(c.PostForm("phase")))
	case "cost":
		pid, _ := strconv.ParseInt(c.PostForm("project_id"), 10, 64)
		cost, perr := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(c.PostForm("final_cost")), " ", ""), 10, 64)
		if perr != nil {
			cost = 0
		}
		if err = s.checkBudgetProject(c, b.ID, pid); err == nil {
			err = s.store.SetFinalCost(ctx, actor, pid, cost)
		}
	case "publish":
		envID, _ := strconv.ParseInt(c.PostForm("envelope_id"), 10, 64)
		env, found := b.Envelope(envID)
		if !found {
			err = core.NotFound("error.envelope_not_found")
			break
		}
		projects, perr := s.store.BudgetProjects(ctx, b.ID)
		if perr != nil {
			s.fail(c, perr)
			return
		}
		el, eerr := s.envelopeElection(ctx, b, env, projects)
		if eerr != nil {
			s.fail(c, eerr)
			return
		}
		err, flash = s.store.PublishBudgetResult(ctx, actor, computeResult(b, env, el)), "flash.budget_published"
	default:
		err = core.NotFound("error.page_not_found")
	}
	if code := core.CodeOf(err); code == core.CodeInvalid || code == core.CodeConflict {
		s.staffBudgetPage(c, http.StatusUnprocessableEntity, b, budgetForm(b), err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffBudgetPath(b.ID), flash)
}

// checkBudgetProject makes sure a project id belongs to the budget in the path.
func (s *Server) checkBudgetProject(c *gin.Context, budgetID, projectID int64) error {
	projects, err := s.store.BudgetProjects(c.Request.Context(), budgetID)
	if err != nil {
		return err
	}
	for _, p := range projects {
		if p.ID == projectID {
			return nil
		}
	}
	return core.NotFound("error.budget_project_not_found")
}
