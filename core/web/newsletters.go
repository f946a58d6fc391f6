package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// Limits of a newsletter.
const (
	maxNewsletterSubject = 200
	maxNewsletterBody    = 20000
)

// newsletterFromForm reads the editor: subject, text, audience, language, and
// a whole translation (subject and text) per other language, left out when
// both are empty.
func newsletterFromForm(c *gin.Context) (postgres.Newsletter, map[string]string, error) {
	form := map[string]string{"subject": c.PostForm("subject"), "body": c.PostForm("body"), "target_id": c.PostForm("target_id"),
		"language": c.PostForm("language")}
	n := postgres.Newsletter{Subject: strings.TrimSpace(form["subject"]), Body: newsletterText(form["body"]),
		Language: core.Language(form["language"]), Translations: map[core.Language]postgres.NewsletterText{}}
	n.TargetID, _ = strconv.ParseInt(form["target_id"], 10, 64)
	var problems []error
	if n.Language == "" {
		n.Language = core.DefaultLanguage
	}
	if _, ok := core.ParseLanguage(string(n.Language)); !ok {
		problems = append(problems, core.Invalid("language", "error.language_unknown"))
	}
	problems = append(problems, checkNewsletterText("", n.Subject, n.Body)...)
	for _, l := range core.Languages {
		subject, body := c.PostForm("subject_"+string(l)), c.PostForm("body_"+string(l))
		form["subject_"+string(l)], form["body_"+string(l)] = subject, body
		t := postgres.NewsletterText{Subject: strings.TrimSpace(subject), Body: newsletterText(body)}
		if l == n.Language || t.Subject == "" && t.Body == "" {
			continue
		}
		problems = append(problems, checkNewsletterText("_"+string(l), t.Subject, t.Body)...)
		n.Translations[l] = t
	}
	return n, form, errors.Join(problems...)
}

func newsletterText(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// checkNewsletterText checks a subject and text (suffix names a translation's
// fields: "_de").
func checkNewsletterText(suffix, subject, body string) []error {
	var problems []error
	if l := utf8.RuneCountInString(subject); l < 3 || l > maxNewsletterSubject {
		problems = append(problems, core.Invalid("subject"+suffix, "error.newsletter_subject"))
	}
	if l := utf8.RuneCountInString(body); l < 10 || l > maxNewsletterBody {
		problems = append(problems, core.Invalid("body"+suffix, "error.newsletter_body"))
	}
	return problems
}

// newsletterRecipients are the subscribers a newsletter goes to: all, or those
// whose home address lies in its target.
func (s *Server) newsletterRecipients(ctx context.Context, n postgres.Newsletter) ([]postgres.Recipient, error) {
	var addresses []int64
	if n.TargetID != 0 {
		ids, err := s.targetAddresses(ctx, n.TargetID)
		if err != nil {
			return nil, err
		}
		addresses = append([]int64{}, ids...) // not nil: an empty target reaches no one
	}
	return s.store.Recipients(ctx, postgres.SubscriptionNewsletter, addresses)
}

// newsletterMail is the newsletter as one recipient gets it.
func (s *Server) newsletterMail(n postgres.Newsletter, r postgres.Recipient) core.Mail {
	lang := r.Locale
	n = n.In(lang) // their language where the newsletter is translated
	body := n.Body + "\n\n" + s.catalog.T(lang, "newsletter.online") + " " + s.link("/newsletters/"+strconv.FormatInt(n.ID, 10)) +
		s.mailFooter(lang, r.ID, postgres.SubscriptionNewsletter)
	return core.Mail{To: r.Email, Subject: n.Subject, Body: body, Unsubscribe: s.unsubscribeURL(r.ID, postgres.SubscriptionNewsletter)}
}

// staffNewsletters lists newsletters (drafts and sent) with the compose form.
func (s *Server) staffNewsletters(c *gin.Context) {
	s.newsletterEditor(c, http.StatusOK, postgres.Newsletter{}, nil, nil)
}

// newsletterEditor renders the list and compose form (n.ID 0) or a draft's page
// with its preview, audience and send buttons.
func (s *Server) newsletterEditor(c *gin.Context, status int, n postgres.Newsletter, form map[string]string, err error) {
	ctx := c.Request.Context()
	targets, terr := s.store.Targets(ctx)
	if terr != nil {
		s.fail(c, terr)
		return
	}
	data := map[string]any{"N": n, "Targets": targets}
	name := "staff_newsletters"
	if n.ID == 0 {
		all, lerr := s.store.Newsletters(ctx, false)
		if lerr != nil {
			s.fail(c, lerr)
			return
		}
		data["All"] = all
		digest, derr := s.store.DigestSummary(ctx)
		if derr != nil {
			s.fail(c, derr)
			return
		}
		data["Digest"] = digest
	} else {
		name = "staff_newsletter"
		recipients, rerr := s.newsletterRecipients(ctx, n)
		if rerr != nil {
			s.fail(c, rerr)
			return
		}
		data["Audience"] = len(recipients)
		data["Preview"] = s.newsletterMail(n, postgres.Recipient{ID: userOf(c).ID, Email: userOf(c).Email, Locale: langOf(c)}).Body
	}
	if form == nil {
		form = map[string]string{"subject": n.Subject, "body": n.Body, "target_id": strconv.FormatInt(n.TargetID, 10), "language": string(n.Language)}
		for l, t := range n.Translations {
			form["subject_"+string(l)], form["body_"+string(l)] = t.Subject, t.Body
		}
	}
	data["Languages"] = core.Languages
	s.renderForm(c, status, name, form, data, err)
}

func (s *Server) loadNewsletter(c *gin.Context) (postgres.Newsletter, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.newsletter_not_found"))
		return postgres.Newsletter{}, false
	}
	n, err := s.store.Newsletter(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return n, false
	}
	return n, true
}

// staffSaveNewsletter creates a draft (no :id) or edits one.
func (s *Server) staffSaveNewsletter(c *gin.Context) {
	old := postgres.Newsletter{}
	if c.Param("id") != "" {
		var ok bool
		if old, ok = s.loadNewsletter(c); !ok {
			return
		}
	}
	n, form, err := newsletterFromForm(c)
	if err == nil {
		n.ID = old.ID
		n.ID, err = s.store.SaveNewsletter(c.Request.Context(), userOf(c).ID, n)
	}
	if code := core.CodeOf(err); code == core.CodeInvalid || code == core.CodeConflict {
		s.newsletterEditor(c, http.StatusUnprocessableEntity, old, form, err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/newsletters/"+strconv.FormatInt(n.ID, 10), "flash.newsletter_saved")
}

func (s *Server) staffNewsletter(c *gin.Context) {
	n, ok := s.loadNewsletter(c)
	if !ok {
		return
	}
	s.newsletterEditor(c, http.StatusOK, n, nil, nil)
}

// staffTestNewsletter sends the draft to the staff member alone, marked as a
// test; the draft stays a draft.
func (s *Server) staffTestNewsletter(c *gin.Context) {
	n, ok := s.loadNewsletter(c)
	if !ok {
		return
	}
	u := userOf(c)
	m := s.newsletterMail(n, postgres.Recipient{ID: u.ID, Email: u.Email, Locale: langOf(c)})
	m.Subject = "[" + s.catalog.T(langOf(c), "newsletter.test_tag") + "] " + m.Subject
	if err := s.store.QueueMails(c.Request.Context(), []core.Mail{m}); err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, "/staff/newsletters/"+strconv.FormatInt(n.ID, 10), "flash.newsletter_test_sent")
}

// staffSendNewsletter sends the draft to its audience, once.
func (s *Server) staffSendNewsletter(c *gin.Context) {
	n, ok := s.loadNewsletter(c)
	if !ok {
		return
	}
	recipients, err := s.newsletterRecipients(c.Request.Context(), n)
	if err != nil {
		s.fail(c, err)
		return
	}
	mails := make([]core.Mail, len(recipients))
	for i, r := range recipients {
		mails[i] = s.newsletterMail(n, r)
	}
	if err := s.store.SendNewsletter(c.Request.Context(), userOf(c).ID, n.ID, mails); err != nil {
		if core.CodeOf(err) == core.CodeConflict {
			s.newsletterEditor(c, http.StatusConflict, n, nil, err)
			return
		}
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, "/newsletters/"+strconv.FormatInt(n.ID, 10), "flash.newsletter_sent")
}

// newsletters is the public archive of sent newsletters.
func (s *Server) newsletters(c *gin.Context) {
	all, err := s.store.Newsletters(c.Request.Context(), true)
	if err != nil {
		s.fail(c, err)
		return
	}
	for i, n := range all {
		all[i] = n.In(langOf(c))
	}
	s.render(c, http.StatusOK, "newsletters", map[string]any{"All": all})
}

// newsletter shows one sent newsletter (drafts to managers only).
func (s *Server) newsletter(c *gin.Context) {
	n, ok := s.loadNewsletter(c)
	if !ok {
		return
	}
	if n.SentAt.IsZero() && !isManager(c) {
		s.fail(c, core.NotFound("error.newsletter_not_found"))
		return
	}
	s.render(c, http.StatusOK, "newsletter", map[string]any{"N": n.In(langOf(c))})
}
