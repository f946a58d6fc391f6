package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/postgres"
)

// loadConsultation reads :id with its questions; drafts are shown to managers only.
func (s *Server) loadConsultation(c *gin.Context) (core.Consultation, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.consultation_not_found"))
		return core.Consultation{}, false
	}
	k, err := s.store.Consultation(c.Request.Context(), id)
	if err == nil && !k.Published && !isManager(c) {
		err = core.NotFound("error.consultation_not_found")
	}
	if err != nil {
		s.fail(c, err)
		return core.Consultation{}, false
	}
	return k, true
}

func isManager(c *gin.Context) bool {
	u := userOf(c)
	return u != nil && u.Role.AtLeast(core.RoleManager)
}

// consultations lists the published consultations, the open ones first.
func (s *Server) consultations(c *gin.Context) {
	all, err := s.store.Consultations(c.Request.Context(), postgres.ConsultationFilter{PublishedOnly: true})
	if err != nil {
		s.fail(c, err)
		return
	}
	now := s.now()
	var open, upcoming, closed []core.Consultation
	for _, k := range all {
		switch k.PhaseAt(now) {
		case core.ConsultationOpen:
			open = append(open, k)
		case core.ConsultationUpcoming:
			upcoming = append(upcoming, k)
		default:
			closed = append(closed, k)
		}
	}
	s.render(c, http.StatusOK, "consultations", map[string]any{"Open": open, "Upcoming": upcoming, "Closed": closed})
}

// questionView is a question with what the form shows in it.
type questionView struct {
	core.Question
	Field        string // form field name, also the error key
	NewSection   bool   // the first question of a section
	Selected     map[int64]bool
	Rank         map[int64]int
	Number       int
	HasNumber    bool
	Text         string
	Lat, Lon     string
	Positions    []int // 1..n for rankings
	ScaleValues  []int
	ChoiceLimits string
}

func questionViews(qs []core.Question, answers map[int64]core.Answer) []questionView {
	out := make([]questionView, 0, len(qs))
	section := ""
	for i, q := range qs {
		a := answers[q.ID]
		v := questionView{Question: q, Field: "q" + strconv.FormatInt(q.ID, 10), Selected: map[int64]bool{}, Rank: map[int64]int{},
			Number: a.Number, HasNumber: a.Given && (q.Kind == core.QScale || q.Kind == core.QYesNo), Text: a.Text}
		v.NewSection = q.Section != "" && (i == 0 || q.Section != section)
		section = q.Section
		for i, id := range a.Choices {
			v.Selected[id] = true
			v.Rank[id] = i + 1
		}
		if a.HasPoint {
			v.Lon, v.Lat = strconv.FormatFloat(a.Point[0], 'f', 6, 64), strconv.FormatFloat(a.Point[1], 'f', 6, 64)
		}
		for n := 1; n <= len(q.Options) && q.Kind == core.QRanking; n++ {
			v.Positions = append(v.Positions, n)
		}
		for n := 1; n <= q.ScaleMax; n++ {
			v.ScaleValues = append(v.ScaleValues, n)
		}
		out = append(out, v)
	}
	return out
}

// consultation shows a consultation: its text, whether the visitor may answer
// (and why not), the form with their earlier answers, and the results when
// they are public.
func (s *Server) consultation(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	s.consultationPage(c, http.StatusOK, k, nil, nil)
}

func (s *Server) consultationPage(c *gin.Context, status int, k core.Consultation, answers map[int64]core.Answer, formErr error) {
	ctx := c.Request.Context()
	k = k.In(langOf(c))
	u := userOf(c)
	elig, err := s.eligibilityOf(ctx, u, k)
	if err != nil {
		s.fail(c, err)
		return
	}
	var saved time.Time
	if answers == nil && u != nil {
		if answers, saved, err = s.store.MyResponse(ctx, k.ID, u.ID); err != nil {
			s.fail(c, err)
			return
		}
	}
	center, err := s.mapCenter(ctx, k)
	if err != nil {
		s.fail(c, err)
		return
	}
	data := map[string]any{
		"C": k, "Phase": string(k.PhaseAt(s.now())), "Eligibility": elig, "Questions": questionViews(k.Questions, answers),
		"Saved": saved, "ResultsVisible": k.ResultsVisibleAt(s.now()) || isManager(c), "Center": center,
		"Meta": s.metaOf(k.Title, k.Description, "/consultations/"+strconv.FormatInt(k.ID, 10), ""),
	}
	if k.ProjectID != 0 {
		if p, err := s.store.Project(ctx, k.ProjectID); err == nil {
			data["Project"] = p.In(langOf(c))
		}
	}
	if k.TargetID != 0 {
		if t, err := s.store.Target(ctx, k.TargetID); err == nil {
			data["TargetName"] = t.Name
		}
	}
	if formErr != nil {
		s.formPage(c, "consultation", formErr, map[string]string{}, data)
		return
	}
	s.render(c, status, "consultation", data)
}

// answerGate checks what every answer needs, whatever the channel: the rate
// limit, an open consultation, and an eligible participant. On refusal it has
// answered the request.
func (s *Server) answerGate(c *gin.Context, k core.Consultation) (eligibility, bool) {
	u := userOf(c)
	if err := s.allowFast(c, "answers", s.cfg.Limits.APIWritePerUser, u.Email); err != nil {
		s.fail(c, err)
		return eligibility{}, false
	}
	if k.PhaseAt(s.now()) != core.ConsultationOpen {
		s.fail(c, core.Conflict("error.consultation_not_open"))
		return eligibility{}, false
	}
	elig, err := s.eligibilityOf(c.Request.Context(), u, k)
	if err == nil && elig.Block != "" {
		err = core.Forbidden(elig.Block)
	}
	if err != nil {
		s.fail(c, err)
		return eligibility{}, false
	}
	return elig, true
}

// saveResponse validates the given answers and stores them as the
// participant's response; created is false when it replaced an earlier one.
func (s *Server) saveResponse(c *gin.Context, k core.Consultation, elig eligibility, given map[int64]core.Answer) (created bool, err error) {
	valid, err := core.ValidateAnswers(k.Questions, given)
	if err != nil {
		return false, err
	}
	return s.store.SubmitResponse(c.Request.Context(), postgres.NewResponse{ConsultationID: k.ID, ParticipantID: userOf(c).ID,
		AddressID: elig.AddressID, Channel: core.ChannelWeb, Answers: valid, Questions: k.Questions})
}

// answer saves the visitor's response from the form (a new one or a change).
func (s *Server) answer(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	elig, ok := s.answerGate(c, k)
	if !ok {
		return
	}
	given, err := s.answersFromForm(c, k.Questions)
	if err == nil {
		_, err = s.saveResponse(c, k, elig, given)
	}
	if core.CodeOf(err) == core.CodeInvalid {
		s.consultationPage(c, http.StatusUnprocessableEntity, k, given, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	back := "/consultations/" + strconv.FormatInt(k.ID, 10) + "#answered"
	if next := safeNext(c.PostForm("next")); next != "/" && c.PostForm("next") != "" {
		back = next
	}
	s.redirectWithFlash(c, back, "flash.answer_saved")
}

// answersFromForm reads the form: q<ID> carries choices, a value or text;
// rankings come as q<ID>_rank_<option>; points as q<ID>_lat/_lon or an
// address in q<ID>_address. Blank questions are left out.
func (s *Server) answersFromForm(c *gin.Context, qs []core.Question) (map[int64]core.Answer, error) {
	if err := c.Request.ParseForm(); err != nil {
		return nil, core.Invalid("form", "error.form_unreadable")
	}
	form := c.Request.PostForm
	out := map[int64]core.Answer{}
	for _, q := range qs {
		field := "q" + strconv.FormatInt(q.ID, 10)
		a := core.Answer{QuestionID: q.ID}
		value := strings.TrimSpace(form.Get(field))
		switch q.Kind {
		case core.QSingle, core.QScenario, core.QMultiple:
			for _, v := range form[field] {
				id, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return out, core.Invalid(field, "error.answer_unknown_option")
				}
				a.Choices = append(a.Choices, id)
			}
			a.Given = len(a.Choices) > 0
		case core.QRanking:
			a.Choices = make([]int64, len(q.Options))
			for _, o := range q.Options {
				v := form.Get(field + "_rank_" + strconv.FormatInt(o.ID, 10))
				if v == "" {
					continue
				}
				a.Given = true
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > len(q.Options) || a.Choices[n-1] != 0 {
					out[q.ID] = a
					return out, core.Invalid(field, "error.answer_ranking")
				}
				a.Choices[n-1] = o.ID
			}
			for _, id := range a.Choices {
				if a.Given && id == 0 {
					a.Choices = nil
					out[q.ID] = a
					return out, core.Invalid(field, "error.answer_ranking")
				}
			}
		case core.QScale, core.QYesNo:
			if value != "" {
				n, err := strconv.Atoi(value)
				if err != nil {
					return out, core.Invalid(field, "error.answer_scale")
				}
				a.Number, a.Given = n, true
			}
		case core.QText:
			a.Text, a.Given = form.Get(field), value != ""
		case core.QPoint:
			lat, lon := strings.TrimSpace(form.Get(field+"_lat")), strings.TrimSpace(form.Get(field+"_lon"))
			if lat != "" || lon != "" {
				y, err1 := parseNumber(lat)
				x, err2 := parseNumber(lon)
				if err1 != nil || err2 != nil {
					return out, core.Invalid(field, "error.position_invalid")
				}
				a.Point, a.HasPoint, a.Given = orb.Point{x, y}, true, true
			} else if addr := strings.TrimSpace(form.Get(field + "_address")); addr != "" {
				found, err := s.store.SearchAddresses(c.Request.Context(), addr, 1)
				if err != nil {
					return out, err
				}
				if len(found) == 0 || !found[0].HasPoint {
					return out, core.Invalid(field, "address.none")
				}
				a.Point, a.HasPoint, a.Given = found[0].Point, true, true
			}
		}
		if a.Given {
			out[q.ID] = a
		}
	}
	return out, nil
}

// pollView is a poll as a project page shows it inline: the form when the
// visitor may answer, the results when they are public.
type pollView struct {
	C           core.Consultation
	Center      orb.Point
	Phase       string
	Eligibility eligibility
	Questions   []questionView
	Results     []resultView
	Next        string
}

// projectConsultations returns a project's published surveys (listed) and polls
// (shown inline).
func (s *Server) projectConsultations(c *gin.Context, projectID int64) ([]core.Consultation, []pollView, error) {
	ctx := c.Request.Context()
	all, err := s.store.Consultations(ctx, postgres.ConsultationFilter{ProjectID: projectID, PublishedOnly: true, Limit: 50})
	if err != nil {
		return nil, nil, err
	}
	var surveys []core.Consultation
	var polls []pollView
	u := userOf(c)
	for _, k := range all {
		if k.Kind != core.KindPoll {
			surveys = append(surveys, k.In(langOf(c)))
			continue
		}
		full, err := s.store.Consultation(ctx, k.ID)
		if err != nil {
			return nil, nil, err
		}
		full = full.In(langOf(c))
		v := pollView{C: full, Phase: string(full.PhaseAt(s.now())), Next: "/projects/" + strconv.FormatInt(projectID, 10) + "#poll-" + strconv.FormatInt(k.ID, 10)}
		if v.Eligibility, err = s.eligibilityOf(ctx, u, full); err != nil {
			return nil, nil, err
		}
		answers := map[int64]core.Answer{}
		if u != nil {
			if answers, _, err = s.store.MyResponse(ctx, k.ID, u.ID); err != nil {
				return nil, nil, err
			}
		}
		v.Questions = questionViews(full.Questions, answers)
		if v.Center, err = s.mapCenter(ctx, full); err != nil {
			return nil, nil, err
		}
		if full.ResultsVisibleAt(s.now()) {
			if v.Results, err = s.results(ctx, langOf(c), full, false); err != nil {
				return nil, nil, err
			}
		}
		polls = append(polls, v)
	}
	return surveys, polls, nil
}

// mapCenter is where a consultation's point questions open the map: the middle
// of its target's placed addresses, else its project's place, else the
// configured centre (map.center).
func (s *Server) mapCenter(ctx context.Context, k core.Consultation) (orb.Point, error) {
	if k.TargetID != 0 {
		ids, err := s.targetAddresses(ctx, k.TargetID)
		if err != nil {
			return orb.Point{}, err
		}
		g, err := s.geography(ctx)
		if err != nil {
			return orb.Point{}, err
		}
		if pts := g.register.Positions(ids); len(pts) > 0 {
			return orb.MultiPoint(pts).Bound().Center(), nil
		}
	}
	if k.ProjectID != 0 {
		if p, err := s.store.Project(ctx, k.ProjectID); err == nil && p.HasPoint {
			return p.Point, nil
		}
	}
	return s.cfg.Map.Center, nil
}
