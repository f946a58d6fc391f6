package web

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the commune's time zone on machines without zoneinfo

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// communeZone is where staff type dates and times.
var communeZone = func() *time.Location {
	z, err := time.LoadLocation("Europe/Luxembourg")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return z
}()

const dateTimeLocal = "2006-01-02T15:04"

// staffConsultations lists every consultation, drafts included, with the form
// to start one.
func (s *Server) staffConsultations(c *gin.Context) {
	all, err := s.store.Consultations(c.Request.Context(), postgres.ConsultationFilter{Limit: 500})
	if err != nil {
		s.fail(c, err)
		return
	}
	now := s.now().In(communeZone)
	form := map[string]string{"kind": "survey", "eligibility": "registered",
		"opens_at": now.Format(dateTimeLocal), "closes_at": now.AddDate(0, 0, 28).Format(dateTimeLocal)}
	s.consultationFormPage(c, "staff_consultations", http.StatusOK, form, map[string]any{"All": all}, nil)
}

// consultationFormPage renders a page with the consultation frame form: the
// projects and targets it offers come along.
func (s *Server) consultationFormPage(c *gin.Context, name string, status int, form map[string]string, data map[string]any, err error) {
	ctx := c.Request.Context()
	projects, _, perr := s.store.Projects(ctx, postgres.ProjectFilter{Limit: 500})
	targets, terr := s.store.Targets(ctx)
	if perr != nil || terr != nil {
		s.fail(c, core.Internalf("read projects and targets: %v %v", perr, terr))
		return
	}
	data["Projects"], data["Targets"], data["Languages"] = projects, targets, core.Languages
	s.renderForm(c, status, name, form, data, err)
}

// consultationFromForm reads the frame form.
func consultationFromForm(c *gin.Context) (core.Consultation, map[string]string, error) {
	form := map[string]string{}
	for _, k := range []string{"title", "description", "language", "kind", "eligibility", "project_id", "target_id", "opens_at", "closes_at", "live_results"} {
		form[k] = c.PostForm(k)
	}
	k := core.Consultation{Title: form["title"], Description: form["description"], Language: core.Language(form["language"]),
		Kind: core.ConsultationKind(form["kind"]), Eligibility: core.Eligibility(form["eligibility"]), LiveResults: form["live_results"] == "on",
		Translations: postedTitledTexts(c, form, func(title, description string) core.ConsultationText {
			return core.ConsultationText{Title: title, Description: description}
		})}
	k.ProjectID, _ = strconv.ParseInt(form["project_id"], 10, 64)
	k.TargetID, _ = strconv.ParseInt(form["target_id"], 10, 64)
	var err error
	if k.OpensAt, err = time.ParseInLocation(dateTimeLocal, form["opens_at"], communeZone); err != nil {
		return k, form, core.Invalid("opens_at", "error.consultation_dates")
	}
	if k.ClosesAt, err = time.ParseInLocation(dateTimeLocal, form["closes_at"], communeZone); err != nil {
		return k, form, core.Invalid("closes_at", "error.consultation_dates")
	}
	k, err = core.NormalizeConsultation(k)
	return k, form, err
}

func (s *Server) staffCreateConsultation(c *gin.Context) {
	k, form, err := consultationFromForm(c)
	if err == nil {
		k.ID, err = s.store.SaveConsultation(c.Request.Context(), userOf(c).ID, k)
	}
	if core.CodeOf(err) == core.CodeInvalid {
		all, _ := s.store.Consultations(c.Request.Context(), postgres.ConsultationFilter{Limit: 500})
		s.consultationFormPage(c, "staff_consultations", http.StatusUnprocessableEntity, form, map[string]any{"All": all}, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffConsultationPath(k.ID), "flash.consultation_saved")
}

func staffConsultationPath(id int64) string {
	return "/staff/consultations/" + strconv.FormatInt(id, 10)
}

// frameForm is the frame form filled from a stored consultation.
func frameForm(k core.Consultation) map[string]string {
	live := ""
	if k.LiveResults {
		live = "on"
	}
	form := map[string]string{"title": k.Title, "description": k.Description, "language": string(k.Language), "kind": string(k.Kind),
		"eligibility": string(k.Eligibility), "project_id": strconv.FormatInt(k.ProjectID, 10), "target_id": strconv.FormatInt(k.TargetID, 10),
		"opens_at": k.OpensAt.In(communeZone).Format(dateTimeLocal), "closes_at": k.ClosesAt.In(communeZone).Format(dateTimeLocal), "live_results": live}
	titledTextsForm(form, k.Translations, func(t core.ConsultationText) (string, string) { return t.Title, t.Description })
	return form
}

// staffConsultation is the builder: the frame, the questions, publication and
// the targeted campaign.
func (s *Server) staffConsultation(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	s.builderPage(c, http.StatusOK, k, frameForm(k), nil)
}

func (s *Server) builderPage(c *gin.Context, status int, k core.Consultation, form map[string]string, err error) {
	ctx := c.Request.Context()
	data := map[string]any{"C": k, "Kinds": core.QuestionKinds, "Phase": string(k.PhaseAt(s.now())),
		"Frozen": k.ResponseCount > 0, "PublicURL": s.link("/consultations/" + strconv.FormatInt(k.ID, 10))}
	if k.TargetID != 0 {
		ids, terr := s.targetAddresses(ctx, k.TargetID)
		codes, cerr := s.store.CodesPerStreet(ctx, k.ID)
		if terr != nil || cerr != nil {
			s.fail(c, core.Internalf("read the campaign: %v %v", terr, cerr))
			return
		}
		data["Letterboxes"], data["CodesPerStreet"] = len(ids), codes
		issued, redeemed := 0, 0
		for _, sc := range codes {
			issued, redeemed = issued+sc.Issued, redeemed+sc.Redeemed
		}
		data["CodesIssued"], data["CodesRedeemed"] = issued, redeemed
		data["CodesValidUntil"] = k.ClosesAt.Add(core.ResidenceCodeTTL).In(communeZone).Format("2006-01-02")
		data["ReprintLang"], data["ReprintLang2"] = c.Query("flyer_lang"), c.Query("flyer_lang2") // as the reprint search chose them
		audience, aerr := s.invitationAudience(ctx, k)
		invited, ierr := s.store.InvitationCount(ctx, k.ID)
		if aerr != nil || ierr != nil {
			s.fail(c, core.Internalf("read the invitations: %v %v", aerr, ierr))
			return
		}
		data["Audience"], data["Invited"] = len(audience), invited
		if s.sync != nil {
			if shares, err := s.sync.TargetShares(ctx, k.TargetID); err == nil {
				data["AppAreas"] = shares
			} else {
				s.log.Warn("neighbourhoods of a target unknown", "err", err)
			}
		}
		if q := searchQuery(c); q != "" && c.Query("reprint") != "" {
			found, serr := s.store.SearchAddresses(ctx, q, 30)
			if serr != nil {
				s.fail(c, serr)
				return
			}
			var inTarget []core.Address
			for _, a := range found {
				if _, ok := slices.BinarySearch(ids, a.ID); ok {
					inTarget = append(inTarget, a)
				}
			}
			data["ReprintQuery"], data["ReprintMatches"] = q, inTarget
		}
	}
	edit := map[int64]map[string]string{}
	for _, q := range k.Questions {
		edit[q.ID] = questionForm(q)
	}
	data["EditForms"], data["Translations"], data["Outdated"] = edit, translationForms(c, k), outdatedIn(k.Outdated)
	if k.ProjectID != 0 {
		if images, ierr := s.store.ProjectImages(ctx, k.ProjectID); ierr == nil {
			data["Images"] = images
		}
	}
	s.consultationFormPage(c, "staff_consultation", status, form, data, err)
}

func (s *Server) staffSaveConsultation(c *gin.Context) {
	old, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	k, form, err := consultationFromForm(c)
	if err == nil {
		k.ID = old.ID
		_, err = s.store.SaveConsultation(c.Request.Context(), userOf(c).ID, k)
	}
	if code := core.CodeOf(err); code == core.CodeInvalid || code == core.CodeConflict {
		s.builderPage(c, http.StatusUnprocessableEntity, old, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffConsultationPath(old.ID), "flash.consultation_saved")
}

func (s *Server) staffPublishConsultation(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	publish := c.PostForm("action") == "publish"
	if err := s.store.PublishConsultation(c.Request.Context(), userOf(c).ID, k.ID, publish); err != nil {
		if core.CodeOf(err) == core.CodeConflict {
			s.builderPage(c, http.StatusConflict, k, frameForm(k), err)
			return
		}
		s.fail(c, err)
		return
	}
	flash := "flash.consultation_withdrawn"
	if publish {
		flash = "flash.consultation_published"
	}
	s.redirectWithFlash(c, staffConsultationPath(k.ID), flash)
}

// questionFromForm reads the add-question form. Options come one per line; a
// scenario line is "label | cost in euros | description | image number".
func questionFromForm(c *gin.Context) (core.Question, map[string]string) {
	form := map[string]string{}
	for _, k := range []string{"q_kind", "q_prompt", "q_help", "q_section", "q_required", "q_options", "q_min", "q_max", "q_scale"} {
		form[k] = c.PostForm(k)
	}
	q := core.Question{Kind: core.QuestionKind(form["q_kind"]), Prompt: form["q_prompt"], Help: form["q_help"],
		Section: form["q_section"], Required: form["q_required"] == "on"}
	q.MinChoices, _ = strconv.Atoi(form["q_min"])
	q.MaxChoices, _ = strconv.Atoi(form["q_max"])
	q.ScaleMax, _ = strconv.Atoi(form["q_scale"])
	for _, line := range strings.Split(form["q_options"], "\n") {
		parts := strings.Split(line, "|")
		o := core.Option{Label: parts[0]}
		if q.Kind == core.QScenario {
			if len(parts) > 1 {
				euros, err := parseNumber(strings.ReplaceAll(parts[1], ",", "."))
				if err != nil && strings.TrimSpace(parts[1]) != "" {
					euros = -1 // refused by NormalizeQuestion
				}
				o.CostCents = int64(math.Round(euros * 100))
			}
			if len(parts) > 2 {
				o.Description = parts[2]
			}
			if len(parts) > 3 {
				o.ImageID, _ = strconv.ParseInt(strings.TrimSpace(parts[3]), 10, 64)
			}
		}
		q.Options = append(q.Options, o)
	}
	return q, form
}

// questionForm is the edit form of a stored question (the inverse of
// questionFromForm).
func questionForm(q core.Question) map[string]string {
	lines := make([]string, len(q.Options))
	for i, o := range q.Options {
		lines[i] = o.Label
		if q.Kind == core.QScenario {
			image := ""
			if o.ImageID != 0 {
				image = strconv.FormatInt(o.ImageID, 10)
			}
			lines[i] = strings.Join([]string{o.Label, strconv.FormatFloat(float64(o.CostCents)/100, 'f', -1, 64), o.Description, image}, " | ")
		}
	}
	required := ""
	if q.Required {
		required = "on"
	}
	return map[string]string{"q_kind": string(q.Kind), "q_prompt": q.Prompt, "q_help": q.Help, "q_section": q.Section,
		"q_options": strings.Join(lines, "\n"), "q_min": strconv.Itoa(q.MinChoices), "q_max": strconv.Itoa(q.MaxChoices),
		"q_scale": strconv.Itoa(q.ScaleMax), "q_required": required}
}

func (s *Server) staffAddQuestion(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	q, form := questionFromForm(c)
	q, err := core.NormalizeQuestion(q)
	if err == nil {
		_, err = s.store.SaveQuestion(c.Request.Context(), userOf(c).ID, k.ID, q)
	}
	if code := core.CodeOf(err); code == core.CodeInvalid || code == core.CodeConflict {
		for key, v := range frameForm(k) {
			form[key] = v
		}
		s.builderPage(c, http.StatusUnprocessableEntity, k, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffConsultationPath(k.ID)+"#questions", "flash.question_added")
}

// staffQuestionAction saves, translates or deletes a question, or moves it up
// or down.
func (s *Server) staffQuestionAction(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	qid, err := strconv.ParseInt(c.Param("qid"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.question_not_found"))
		return
	}
	ctx, actor := c.Request.Context(), userOf(c).ID
	switch c.PostForm("action") {
	case "translate":
		s.staffTranslateQuestion(c, k, qid)
		return
	case "save":
		q, _ := questionFromForm(c)
		q.ID = qid
		if q, err = core.NormalizeQuestion(q); err == nil {
			_, err = s.store.SaveQuestion(ctx, actor, k.ID, q)
		}
		if core.CodeOf(err) == core.CodeInvalid {
			s.builderPage(c, http.StatusUnprocessableEntity, k, frameForm(k), err)
			return
		}
	case "delete":
		err = s.store.DeleteQuestion(ctx, actor, k.ID, qid)
	case "up":
		err = s.store.MoveQuestion(ctx, actor, k.ID, qid, -1)
	case "down":
		err = s.store.MoveQuestion(ctx, actor, k.ID, qid, +1)
	default:
		err = core.Invalid("action", "error.form_unreadable")
	}
	if core.CodeOf(err) == core.CodeConflict {
		s.builderPage(c, http.StatusConflict, k, frameForm(k), err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffConsultationPath(k.ID)+"#questions", "flash.questions_changed")
}
