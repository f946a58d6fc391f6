package web

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// comment posts a comment (or a reply) on an idea; the idea's author, and for
// a reply the parent comment's author, hear of it (CommentNoticeMail).
func (s *Server) comment(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	u, ok := s.contentAuthor(c)
	if !ok {
		return
	}
	body, err := core.NormalizeComment(c.PostForm("body"))
	if err != nil {
		s.fail(c, err)
		return
	}
	parent, _ := strconv.ParseInt(c.PostForm("parent_id"), 10, 64)
	id, err := s.store.AddCommentNotifying(c.Request.Context(), i.ID, parent, u.ID, body, core.ChannelWeb, s.CommentNoticeMail)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, "/ideas/"+strconv.FormatInt(i.ID, 10)+"#comment-"+strconv.FormatInt(id, 10), "flash.comment_posted")
}

// editComment saves the signed-in author's corrected comment.
func (s *Server) editComment(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.comment_not_found"))
		return
	}
	body, err := core.NormalizeComment(c.PostForm("body"))
	if err != nil {
		s.fail(c, err)
		return
	}
	ideaID, err := s.store.EditComment(c.Request.Context(), userOf(c).ID, id, body)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/ideas/"+strconv.FormatInt(ideaID, 10)+"#comment-"+strconv.FormatInt(id, 10), "flash.comment_edited")
}

// withdrawComment takes back the signed-in author's comment.
func (s *Server) withdrawComment(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.comment_not_found"))
		return
	}
	ideaID, err := s.store.WithdrawComment(c.Request.Context(), userOf(c).ID, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	back := "/ideas/" + strconv.FormatInt(ideaID, 10) + "#comments-h"
	if next := c.PostForm("next"); next != "" {
		back = safeNext(next) // the account page lists comments too
	}
	s.redirectWithFlash(c, back, "flash.comment_withdrawn")
}

// commentNoticeExcerpt is how much of a comment its notice quotes.
const commentNoticeExcerpt = 300

// CommentNoticeMail tells someone, in their language, of a comment on their
// idea or a reply to their comment, with a link to it and to stop such mails.
// The sync engine uses it for comments pulled from the apps.
func (s *Server) CommentNoticeMail(n postgres.CommentNotice) core.Mail {
	t := func(key string, args ...any) string { return s.catalog.T(n.To.Locale, key, args...) }
	kind := "mail.comment"
	if n.Reply {
		kind = "mail.reply"
	}
	who := n.AuthorName
	if who == "" {
		who = t("participant.former")
	}
	excerpt := shortened(n.Body, commentNoticeExcerpt)
	unsubscribe := s.unsubscribeURL(n.To.ID, postgres.SubscriptionReplies)
	return core.Mail{To: n.To.Email, Subject: t(kind+".subject", "who", who, "idea", n.IdeaTitle), Unsubscribe: unsubscribe,
		Body: t(kind+".body", "name", n.To.DisplayName, "who", who, "idea", n.IdeaTitle, "text", excerpt,
			"link", s.link("/ideas/"+strconv.FormatInt(n.IdeaID, 10))+"#comment-"+strconv.FormatInt(n.CommentID, 10),
			"unsubscribe", unsubscribe)}
}
