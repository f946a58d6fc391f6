package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// staffFollowUp lists the ideas awaiting an official answer, overdue first.
func (s *Server) staffFollowUp(c *gin.Context) {
	s.staffFollowUpPage(c, nil, nil, nil)
}

// followUpShown is how many ideas the follow-up queue lists at most.
const followUpShown = 500

// staffFollowUpPage lists the ideas awaiting an answer (?show=overdue, mine,
// unassigned narrow it), with the form that assigns those ticked; formErr's
// problems, with form's values and the ideas still ticked (picked), when an
// assignment was refused.
func (s *Server) staffFollowUpPage(c *gin.Context, formErr error, form map[string]string, picked []int64) {
	f := postgres.FollowUpFilter{Limit: followUpShown}
	view := c.DefaultQuery("show", "all")
	switch view {
	case "overdue":
		f.OverdueOn = s.now()
	case "mine":
		f.AssignedTo = userOf(c).ID
	case "unassigned":
		f.Unassigned = true
	default:
		view = "all"
	}
	rows, err := s.store.FollowUpQueue(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	staff, err := s.store.StaffMembers(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if form == nil {
		form = map[string]string{"review_due": s.now().AddDate(0, 0, s.cfg.FollowUp.ReviewDays).Format("2006-01-02")}
	}
	ticked := map[int64]bool{}
	for _, id := range picked {
		ticked[id] = true
	}
	data := map[string]any{"Rows": rows, "Today": s.now(), "View": view, "Staff": staff, "Ticked": ticked}
	if formErr != nil {
		s.formPage(c, "staff_followup", formErr, form, data)
		return
	}
	s.renderForm(c, http.StatusOK, "staff_followup", form, data, nil)
}

// staffAssignMany gives the ticked ideas of the queue to one staff member (or
// to nobody) with a review date, all in one transaction; the reviewer gets
// one mail for them all.
func (s *Server) staffAssignMany(c *gin.Context) {
	form := map[string]string{"review_due": c.PostForm("review_due"), "staff_id": c.PostForm("staff_id")}
	var ids []int64
	for _, v := range c.PostFormArray("ideas") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	staffID, _ := strconv.ParseInt(form["staff_id"], 10, 64)
	due, err := time.Parse("2006-01-02", form["review_due"])
	switch {
	case len(ids) == 0:
		err = core.Invalid("ideas", "error.select_ideas")
	case len(ids) > followUpShown:
		err = core.Invalid("ideas", "error.too_many_ideas")
	case err != nil:
		err = core.Invalid("review_due", "error.date_invalid")
	}
	var ideas []core.Idea
	if err == nil {
		ideas, err = s.store.AssignMany(c.Request.Context(), userOf(c).ID, ids, staffID, due)
	}
	if err != nil {
		if code := asError(err).Code; code == core.CodeInvalid || code == core.CodeNotFound {
			s.staffFollowUpPage(c, err, form, ids)
			return
		}
		s.fail(c, err)
		return
	}
	if staffID != 0 && staffID != userOf(c).ID {
		if reviewer, err := s.store.Participant(c.Request.Context(), staffID); err == nil && !reviewer.Deleted() {
			if err := s.store.QueueMails(c.Request.Context(), []core.Mail{s.assignedManyMail(reviewer, ideas)}); err != nil {
				s.log.Warn("assignment notice not queued", "ideas", len(ideas), "err", err)
			}
			s.mailPoke()
		}
	}
	s.redirectWithFlash(c, "/staff/followup?show="+url.QueryEscape(c.DefaultQuery("show", "all")), "flash.ideas_assigned")
}

// staffIdea is the staff panel of one idea: assignment and decisions.
func (s *Server) staffIdea(c *gin.Context) {
	s.staffIdeaPage(c, http.StatusOK, nil, nil)
}

func (s *Server) staffIdeaPage(c *gin.Context, status int, formErr error, form map[string]string) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	staff, err := s.store.StaffMembers(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	steps, milestones, err := s.ideaHistory(c.Request.Context(), i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	audit, err := s.store.AuditLogOf(c.Request.Context(), core.EntityIdea, i.ID, auditOnIdea)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Look-alikes, so that a reviewer answers duplicates alike (or points to
	// the earlier one).
	similar, err := s.store.SimilarIdeas(c.Request.Context(), i.Title, i.ID, maxSimilarIdeas)
	if err != nil {
		s.fail(c, err)
		return
	}
	photos, err := s.store.IdeaPhotos(c.Request.Context(), i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Alternatives are answered together with the idea they answer.
	links, err := s.store.IdeaLinks(c.Request.Context(), i.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	templates, err := s.store.AnswerTemplates(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	next := i.Status.DecisionChoices()
	templates = slices.DeleteFunc(templates, func(t core.AnswerTemplate) bool { return t.Status != "" && !slices.Contains(next, t.Status) })
	// The author reads the answer in their language: their templates first.
	var authorLang core.Language
	if i.AuthorID != 0 {
		if author, err := s.store.Participant(c.Request.Context(), i.AuthorID); err == nil && !author.Deleted() {
			authorLang = author.Locale
			templates = core.ForReader(templates, authorLang)
		}
	}
	data := map[string]any{"Idea": i, "Staff": staff, "Steps": steps, "Milestones": milestones, "Next": next,
		"Log": s.describeAudit(c, audit), "Similar": similar, "Templates": templates, "TemplateID": int64(0), "Photos": photos, "AuthorLang": authorLang, "Links": links,
		"ReviewDue": reviewDue(i, s.now().AddDate(0, 0, s.cfg.FollowUp.ReviewDays)).Format("2006-01-02")}
	data["Languages"] = core.Languages
	if formErr != nil {
		s.formPage(c, "staff_idea", formErr, form, data)
		return
	}
	form = templateAnswer(c, i, templates, data)
	if form["answer_language"] == "" { // the answer is written for its author, in their language
		form["answer_language"] = string(authorLang)
	}
	s.renderForm(c, status, "staff_idea", form, data, nil)
}

// templateAnswer fills the decision form from the template in ?template=ID
// (one of templates, those that fit the idea): its text for the idea, and its
// status; an unknown id fills nothing.
func templateAnswer(c *gin.Context, i core.Idea, templates []core.AnswerTemplate, data map[string]any) map[string]string {
	id, _ := strconv.ParseInt(c.Query("template"), 10, 64)
	for _, t := range templates {
		if t.ID == id && id != 0 {
			data["TemplateID"] = id
			return map[string]string{"answer": t.For(i), "status": string(t.Status), "answer_language": string(t.Language)}
		}
	}
	return map[string]string{}
}

func (s *Server) staffAssign(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	staffID, _ := strconv.ParseInt(c.PostForm("staff_id"), 10, 64)
	due, err := time.Parse("2006-01-02", c.PostForm("review_due"))
	if err != nil {
		s.staffIdeaPage(c, http.StatusUnprocessableEntity, core.Invalid("review_due", "error.date_invalid"), map[string]string{"review_due": c.PostForm("review_due")})
		return
	}
	if err := s.store.Assign(c.Request.Context(), userOf(c).ID, i.ID, staffID, due); err != nil {
		if asError(err).Code == core.CodeInvalid {
			s.staffIdeaPage(c, http.StatusUnprocessableEntity, err, map[string]string{"review_due": c.PostForm("review_due")})
			return
		}
		s.fail(c, err)
		return
	}
	if staffID != userOf(c).ID {
		if reviewer, err := s.store.Participant(c.Request.Context(), staffID); err == nil && !reviewer.Deleted() {
			if err := s.store.QueueMails(c.Request.Context(), []core.Mail{s.assignedMail(reviewer, i)}); err != nil {
				s.log.Warn("assignment notice not queued", "idea", i.ID, "err", err)
			}
			s.mailPoke()
		}
	}
	s.redirectWithFlash(c, staffIdeaPath(i.ID), "flash.idea_assigned")
}

// staffDecide records a decision and tells the author and the supporters.
func (s *Server) staffDecide(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	progress, _ := strconv.Atoi(strings.TrimSpace(c.DefaultPostForm("progress", "0")))
	d, err := core.Decision{Status: core.IdeaStatus(c.PostForm("status")), Answer: c.PostForm("answer"),
		Language: core.Language(c.PostForm("answer_language")), Progress: progress}.Check(i.Status)
	if err != nil {
		s.staffIdeaPage(c, http.StatusUnprocessableEntity, err, map[string]string{"answer": c.PostForm("answer"), "status": c.PostForm("status"),
			"answer_language": c.PostForm("answer_language")})
		return
	}
	link := s.link("/ideas/" + strconv.FormatInt(i.ID, 10))
	err = s.store.Decide(c.Request.Context(), userOf(c).ID, i.ID, d, func(p core.Participant, idea core.Idea) core.Mail {
		answer := d.Answer
		if answer == "" {
			answer = "—"
		}
		return s.ideaNewsMail(p, idea, s.catalog.T(p.Locale, "mail.decision.subject", "idea", idea.Title),
			s.catalog.T(p.Locale, "mail.decision.body", "name", p.DisplayName, "idea", idea.Title,
				"status", s.catalog.T(p.Locale, "status."+string(d.Status)), "answer", answer, "link", link))
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, staffIdeaPath(i.ID), "flash.decision_saved")
}

// staffMerge merges a duplicate into the idea that carries it on; its author
// and supporters are told, with a link to that idea, to support it there.
func (s *Server) staffMerge(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	form := map[string]string{"into": c.PostForm("into"), "merge_answer": c.PostForm("merge_answer")}
	into, _ := strconv.ParseInt(strings.TrimSpace(form["into"]), 10, 64)
	m := core.Merge{Into: into, Answer: form["merge_answer"]}
	target, err := s.store.Idea(ctx, into) // for the mails; MergeIdea checks it again, locked
	if core.CodeOf(err) == core.CodeNotFound {
		err = core.Invalid("into", "error.merge_target")
	}
	if err == nil {
		link := s.link("/ideas/" + strconv.FormatInt(into, 10))
		err = s.store.MergeIdea(ctx, userOf(c).ID, i.ID, m, func(p core.Participant, idea core.Idea) core.Mail {
			return s.ideaNewsMail(p, idea, s.catalog.T(p.Locale, "mail.merge.subject", "idea", idea.Title),
				s.catalog.T(p.Locale, "mail.merge.body", "name", p.DisplayName, "idea", idea.Title, "other", target.Title,
					"answer", strings.TrimSpace(m.Answer), "link", link))
		})
	}
	if core.CodeOf(err) == core.CodeInvalid {
		s.staffIdeaPage(c, http.StatusUnprocessableEntity, err, form)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, staffIdeaPath(i.ID), "flash.idea_merged")
}

// SendReminders e-mails each staff member the ideas assigned to them whose
// official answer is due within a week or overdue. cmd/quartier runs it daily.
func (s *Server) SendReminders(ctx context.Context) (int, error) {
	byStaff, people, err := s.store.DueReminders(ctx, s.now().AddDate(0, 0, 7))
	if err != nil {
		return 0, err
	}
	var mails []core.Mail
	for id, ideas := range byStaff {
		p := people[id]
		var lines []string
		for _, i := range ideas {
			lines = append(lines, "- "+i.AnswerDueOn.Format("2006-01-02")+" "+i.Title+" "+s.link(staffIdeaPath(i.ID)))
		}
		mails = append(mails, core.Mail{To: p.Email, Subject: s.catalog.T(p.Locale, "mail.reminder.subject", "n", len(ideas)),
			Body: s.catalog.T(p.Locale, "mail.reminder.body", "name", p.DisplayName, "list", strings.Join(lines, "\n"))})
	}
	if err := s.store.QueueMails(ctx, mails); err != nil {
		return 0, err
	}
	s.mailPoke()
	return len(mails), nil
}

// reviewDue is the review date the assignment form proposes: the idea's own
// when it has one, otherwise fallback.
func reviewDue(i core.Idea, fallback time.Time) time.Time {
	if !i.ReviewDueOn.IsZero() {
		return i.ReviewDueOn
	}
	return fallback
}
