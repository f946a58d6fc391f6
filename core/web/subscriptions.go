package web

import (
	"crypto/hmac"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// unsubscribeToken is "<participant>.<kind>.<HMAC>": the link in a newsletter or
// an invitation that turns that kind off without logging in. It never expires
// (an old newsletter's link must still work) and does nothing else.
func (s *Server) unsubscribeToken(participantID int64, kind string) string {
	payload := strconv.FormatInt(participantID, 10) + "." + kind
	return payload + "." + s.unsubscribeMAC(payload)
}

func (s *Server) unsubscribeMAC(payload string) string { return s.sign("unsubscribe", payload) }

// checkUnsubscribeToken returns the participant and kind of a valid token.
func (s *Server) checkUnsubscribeToken(token string) (int64, string, bool) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 || !hmac.Equal([]byte(s.unsubscribeMAC(token[:i])), []byte(token[i+1:])) {
		return 0, "", false
	}
	idStr, kind, _ := strings.Cut(token[:i], ".")
	id, err := strconv.ParseInt(idStr, 10, 64)
	return id, kind, err == nil
}

// unsubscribeURL is the link and the List-Unsubscribe target of a mail.
func (s *Server) unsubscribeURL(participantID int64, kind string) string {
	return s.link("/unsubscribe", "t", url.QueryEscape(s.unsubscribeToken(participantID, kind)))
}

// unsubscribeForm shows what the link will turn off, with one button: a GET
// never changes anything, so link scanners in mail systems cannot unsubscribe
// anyone.
func (s *Server) unsubscribeForm(c *gin.Context) {
	_, kind, ok := s.checkUnsubscribeToken(c.Query("t"))
	if !ok {
		s.fail(c, core.NotFound("error.unsubscribe_invalid"))
		return
	}
	data := map[string]any{"Token": c.Query("t"), "Kind": kind}
	if !s.describeIdeaKind(c, data, kind) {
		return
	}
	s.render(c, http.StatusOK, "unsubscribe", data)
}

// ideaKindPrefix starts the unsubscribe kind of one idea's news ("idea-12"):
// the link in the mails of its steps.
const ideaKindPrefix = "idea-"

// ideaNewsKind is the unsubscribe kind of idea id's news.
func ideaNewsKind(id int64) string { return ideaKindPrefix + strconv.FormatInt(id, 10) }

// describeIdeaKind turns an idea's kind into what the page says ("Kind"
// idea, "Idea" its title); false when it names no idea (the page has failed).
func (s *Server) describeIdeaKind(c *gin.Context, data map[string]any, kind string) bool {
	rest, ok := strings.CutPrefix(kind, ideaKindPrefix)
	if !ok {
		return true
	}
	id, _ := strconv.ParseInt(rest, 10, 64)
	i, err := s.store.Idea(c.Request.Context(), id)
	if err != nil {
		s.fail(c, core.NotFound("error.unsubscribe_invalid"))
		return false
	}
	data["Kind"], data["Idea"], data["IdeaID"] = "idea", i.Title, i.ID
	return true
}

// ideaNewsMail is a mail about a step of idea i, with the link that stops
// its news (footer and List-Unsubscribe).
func (s *Server) ideaNewsMail(p core.Participant, i core.Idea, subject, body string) core.Mail {
	stop := s.unsubscribeURL(p.ID, ideaNewsKind(i.ID))
	return core.Mail{To: p.Email, Subject: subject, Unsubscribe: stop,
		Body: body + "\n-- \n" + s.catalog.T(p.Locale, "mail.unsubscribe_idea") + "\n" + stop + "\n"}
}

// unsubscribe turns the token's kind off. It takes the token from the query
// (RFC 8058 one-click POSTs from mail clients) or the form, and needs no CSRF
// token: the signed token is the authority, and it can only unsubscribe.
func (s *Server) unsubscribe(c *gin.Context) {
	token := c.Query("t")
	if token == "" {
		token = c.PostForm("t")
	}
	id, kind, ok := s.checkUnsubscribeToken(token)
	if !ok {
		s.fail(c, core.NotFound("error.unsubscribe_invalid"))
		return
	}
	var err error
	data := map[string]any{"Done": true, "Kind": kind}
	if !s.describeIdeaKind(c, data, kind) {
		return
	}
	if ideaID, ok := data["IdeaID"].(int64); ok {
		err = s.store.MuteIdea(c.Request.Context(), ideaID, id)
	} else {
		err = s.store.Unsubscribe(c.Request.Context(), id, kind)
	}
	if err != nil && core.CodeOf(err) != core.CodeNotFound {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "unsubscribe", data)
}

// setSubscriptions saves the account page's choices.
func (s *Server) setSubscriptions(c *gin.Context) {
	sub := postgres.Subscriptions{Newsletter: c.PostForm("newsletter") == "on", Invitations: c.PostForm("invitations") == "on",
		Digest: c.PostForm("digest") == "on", Replies: c.PostForm("replies") == "on"}
	if err := s.store.SetSubscriptions(c.Request.Context(), userOf(c).ID, sub); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/account#subscriptions", "flash.subscriptions_saved")
}

// mailFooter ends a newsletter or an invitation: where it comes from and how to
// stop receiving it, in the recipient's language.
func (s *Server) mailFooter(lang core.Language, participantID int64, kind string) string {
	return "\n\n-- \n" + s.catalog.T(lang, "mail.unsubscribe_"+kind) + "\n" + s.unsubscribeURL(participantID, kind) + "\n"
}
