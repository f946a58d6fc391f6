package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// loadDebate reads the debate of the path's :id and its project; the debate
// of a draft project exists for managers only (the page, the arguments and
// the ratings alike).
func (s *Server) loadDebate(c *gin.Context) (core.Debate, core.Project, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.debate_not_found"))
		return core.Debate{}, core.Project{}, false
	}
	d, err := s.store.Debate(c.Request.Context(), id)
	var p core.Project
	if err == nil {
		p, err = s.store.Project(c.Request.Context(), d.ProjectID)
	}
	if err == nil && p.Status == core.ProjectDraft && (userOf(c) == nil || !userOf(c).Role.AtLeast(core.RoleManager)) {
		err = core.NotFound("error.debate_not_found")
	}
	if err != nil {
		s.fail(c, err)
		return core.Debate{}, core.Project{}, false
	}
	return d, p, true
}

// debate shows both sides next to each other.
func (s *Server) debate(c *gin.Context) {
	d, p, ok := s.loadDebate(c)
	if !ok {
		return
	}
	pro, con, err := s.store.Arguments(c.Request.Context(), d.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	rated := map[int64]bool{}
	if u := userOf(c); u != nil {
		if rated, err = s.store.RatedHelpful(c.Request.Context(), d.ID, u.ID); err != nil {
			s.fail(c, err)
			return
		}
	}
	// Staff correct the conclusion in its original, the translations beside it.
	s.render(c, http.StatusOK, "debate", map[string]any{"Debate": d.In(langOf(c)), "Original": d, "Languages": core.Languages,
		"Project": p.In(langOf(c)), "For": pro, "Against": con, "Rated": rated, "Takes": debateAccepts(d, p),
		"ConclusionOutdated": outdatedIn(d.ConclusionOutdated)})
}

// debateAccepts says whether d takes arguments and ratings, as the store
// decides: open, in a published project.
func debateAccepts(d core.Debate, p core.Project) bool {
	return d.Open && p.Status == core.ProjectPublished
}

func (s *Server) argue(c *gin.Context) {
	d, _, ok := s.loadDebate(c)
	if !ok {
		return
	}
	parent, _ := strconv.ParseInt(c.PostForm("parent_id"), 10, 64)
	id, ok := s.postArgument(c, d, core.Side(c.PostForm("side")), parent, c.PostForm("body"))
	if !ok {
		return
	}
	s.redirectWithFlash(c, "/debates/"+strconv.FormatInt(d.ID, 10)+"#argument-"+strconv.FormatInt(id, 10), "flash.argument_posted")
}

// postArgument posts the signed-in resident's argument (or reply, which takes
// its parent's side) in d, for the page and the API; false: it failed and
// the answer is written.
func (s *Server) postArgument(c *gin.Context, d core.Debate, side core.Side, parent int64, text string) (int64, bool) {
	u, ok := s.contentAuthor(c)
	if !ok {
		return 0, false
	}
	body, err := core.NormalizeComment(text)
	if err != nil {
		s.fail(c, err)
		return 0, false
	}
	if parent == 0 && side != core.SideFor && side != core.SideAgainst {
		s.fail(c, core.Invalid("side", "error.side"))
		return 0, false
	}
	id, err := s.store.AddArgument(c.Request.Context(), d.ID, parent, u.ID, side, body, s.argumentNoticeMail)
	if err != nil {
		s.fail(c, err)
		return 0, false
	}
	if parent > 0 {
		s.mailPoke()
	}
	return id, true
}

func (s *Server) rateArgument(c *gin.Context) {
	d, _, ok := s.loadDebate(c)
	if !ok {
		return
	}
	id, ok := s.rateHelpful(c, c.Param("arg"))
	if !ok {
		return
	}
	c.Redirect(http.StatusSeeOther, "/debates/"+strconv.FormatInt(d.ID, 10)+"#argument-"+strconv.FormatInt(id, 10))
}

// rateHelpful marks the argument of the given id helpful for the signed-in
// resident (rate-limited), for the page and the API; false: it failed and
// the answer is written.
func (s *Server) rateHelpful(c *gin.Context, param string) (int64, bool) {
	id, err := strconv.ParseInt(param, 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.argument_not_found"))
		return 0, false
	}
	if err := s.allowFast(c, "support", s.cfg.Limits.APIWritePerUser, userOf(c).Email); err != nil {
		s.fail(c, err)
		return 0, false
	}
	if err := s.store.RateHelpful(c.Request.Context(), id, userOf(c).ID); err != nil {
		s.fail(c, err)
		return 0, false
	}
	return id, true
}

// staffOpenDebate asks an open question in a project.
func (s *Server) staffOpenDebate(c *gin.Context) {
	p, ok := s.loadProject(c)
	if !ok {
		return
	}
	q, err := core.NormalizeDebateQuestion(c.PostForm("question"))
	translations, terr := core.NormalizeDebateTranslations("question", postedInEachLanguage(c, "question_"), p.Language)
	if err = errors.Join(err, terr); err != nil {
		s.fail(c, err)
		return
	}
	opened := core.Debate{Question: q, Language: p.Language, Translations: map[core.Language]core.DebateText{}}
	for l, text := range translations {
		opened.Translations[l] = core.DebateText{Question: text}
	}
	// The project's followers hear of it, in their language where the project
	// and the question are translated.
	id, err := s.store.CreateDebate(c.Request.Context(), userOf(c).ID, p.ID, q, translations, func(f core.Participant, debateID int64) core.Mail {
		project, question := p.In(f.Locale).Title, opened.In(f.Locale).Question
		return core.Mail{To: f.Email, Subject: s.catalog.T(f.Locale, "mail.debate_opened.subject", "project", project),
			Body: s.catalog.T(f.Locale, "mail.debate_opened.body", "name", f.DisplayName, "project", project, "question", question,
				"link", s.link("/debates/"+strconv.FormatInt(debateID, 10)))}
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, "/debates/"+strconv.FormatInt(id, 10), "flash.debate_opened")
}

// withdrawArgument lets an author take back their argument's words.
func (s *Server) withdrawArgument(c *gin.Context) {
	debateID, ok := s.withdrawOwnArgument(c)
	if !ok {
		return
	}
	back := "/debates/" + strconv.FormatInt(debateID, 10)
	if next := c.PostForm("next"); next != "" {
		back = safeNext(next) // the account page lists arguments too
	}
	s.redirectWithFlash(c, back, "flash.argument_withdrawn")
}

// withdrawOwnArgument withdraws the signed-in author's argument of the path's
// :id and returns its debate, for the page and the API; false: it failed and
// the answer is written.
func (s *Server) withdrawOwnArgument(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.argument_not_found"))
		return 0, false
	}
	debateID, err := s.store.WithdrawArgument(c.Request.Context(), userOf(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return 0, false
	}
	return debateID, true
}

// staffCloseDebate closes a debate with the commune's conclusion, mailed to
// everyone who argued; on a closed debate it corrects the conclusion.
func (s *Server) staffCloseDebate(c *gin.Context) {
	d, p, ok := s.loadDebate(c)
	if !ok {
		return
	}
	conclusion, err := core.NormalizeConclusion(c.PostForm("conclusion"))
	translations, terr := core.NormalizeDebateTranslations("conclusion", postedInEachLanguage(c, "conclusion_"), d.Language)
	if err = errors.Join(err, terr); err != nil {
		s.fail(c, err)
		return
	}
	closed := d // as those who argued will read it: with the new conclusion
	closed.Conclusion, closed.Translations = conclusion, map[core.Language]core.DebateText{}
	for _, l := range core.Languages {
		if t := (core.DebateText{Question: d.Translations[l].Question, Conclusion: translations[l]}); t != (core.DebateText{}) {
			closed.Translations[l] = t
		}
	}
	page := "/debates/" + strconv.FormatInt(d.ID, 10)
	link := s.link(page)
	err = s.store.CloseDebate(c.Request.Context(), userOf(c).ID, d.ID, conclusion, translations, func(to core.Participant) core.Mail {
		read := closed.In(to.Locale)
		return core.Mail{To: to.Email, Subject: s.catalog.T(to.Locale, "mail.debate_closed.subject", "question", read.Question),
			Body: s.catalog.T(to.Locale, "mail.debate_closed.body", "name", to.DisplayName, "question", read.Question,
				"project", p.In(to.Locale).Title, "conclusion", read.Conclusion, "link", link)}
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	flash := "flash.debate_closed"
	if !d.Open { // closed already: the conclusion corrected
		flash = "flash.conclusion_saved"
	}
	s.redirectWithFlash(c, page+"#conclusion-h", flash)
}

// staffReopenDebate opens a closed debate again.
func (s *Server) staffReopenDebate(c *gin.Context) {
	d, _, ok := s.loadDebate(c)
	if !ok {
		return
	}
	if err := s.store.ReopenDebate(c.Request.Context(), userOf(c).ID, d.ID); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/debates/"+strconv.FormatInt(d.ID, 10), "flash.debate_reopened")
}

// argumentNoticeMail tells someone, in their language, of a reply to their
// argument, with a link to it and to stop such mails (the same choice as for
// replies to comments).
func (s *Server) argumentNoticeMail(n postgres.ArgumentNotice) core.Mail {
	t := func(key string, args ...any) string { return s.catalog.T(n.To.Locale, key, args...) }
	who := n.AuthorName
	if who == "" {
		who = t("participant.former")
	}
	unsubscribe := s.unsubscribeURL(n.To.ID, postgres.SubscriptionReplies)
	return core.Mail{To: n.To.Email, Subject: t("mail.argument_reply.subject", "who", who, "question", n.Question), Unsubscribe: unsubscribe,
		Body: t("mail.argument_reply.body", "name", n.To.DisplayName, "who", who, "question", n.Question,
			"text", shortened(n.Body, commentNoticeExcerpt),
			"link", s.link("/debates/"+strconv.FormatInt(n.DebateID, 10))+"#argument-"+strconv.FormatInt(n.ArgumentID, 10),
			"unsubscribe", unsubscribe)}
}

// staffDebates lists every project's debates, those awaiting a conclusion
// first.
func (s *Server) staffDebates(c *gin.Context) {
	list, err := s.store.AllDebates(c.Request.Context(), 200)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "staff_debates", map[string]any{"Debates": list})
}

// postedInEachLanguage reads the form's prefix+language fields (question_de,
// ...), one per language.
func postedInEachLanguage(c *gin.Context, prefix string) map[core.Language]string {
	out := make(map[core.Language]string, len(core.Languages))
	for _, l := range core.Languages {
		out[l] = c.PostForm(prefix + string(l))
	}
	return out
}
