package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// flagReasons are the reasons a person can give (translated as flag.<reason>).
var flagReasons = []string{"spam", "insult", "off_topic", "personal_data", "other"}

// flag records a flag on an idea or a comment; rate-limited per person so that
// one account cannot hide content by a storm of flags on many items.
func (s *Server) flag(entity string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			s.fail(c, core.NotFound("error.content_not_found"))
			return
		}
		reason := c.PostForm("reason")
		known := false
		for _, r := range flagReasons {
			known = known || r == reason
		}
		if !known {
			s.fail(c, core.Invalid("reason", "error.flag_reason"))
			return
		}
		u := userOf(c)
		if err := s.allowFast(c, "flag", s.cfg.Limits.FlagsPerUser, u.Email); err != nil {
			s.fail(c, err)
			return
		}
		if _, err := s.store.Flag(c.Request.Context(), entity, id, u.ID, reason, s.cfg.HideAfterFlags); err != nil {
			s.fail(c, err)
			return
		}
		back := safeNext(c.PostForm("next"))
		s.redirectWithFlash(c, back, "flash.flagged")
	}
}

func (s *Server) staffModeration(c *gin.Context) {
	queue, err := s.store.ModerationQueue(c.Request.Context(), 200)
	if err != nil {
		s.fail(c, err)
		return
	}
	var ideas []int64
	for _, f := range queue {
		if f.Entity == core.EntityIdea {
			ideas = append(ideas, f.ID)
		}
	}
	photos, err := s.store.PhotosOfIdeas(c.Request.Context(), ideas) // a photo is often what was flagged
	if err != nil {
		s.fail(c, err)
		return
	}
	log, err := s.auditLines(c, 0, auditOnModeration)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "staff_moderation", map[string]any{"Queue": queue, "Log": log, "Photos": photos})
}

// staffModerate hides or restores content; the reason is logged and sent to the author.
func (s *Server) staffModerate(c *gin.Context) {
	entity := c.PostForm("entity")
	id, err := strconv.ParseInt(c.PostForm("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.content_not_found"))
		return
	}
	reason := strings.Join(strings.Fields(c.PostForm("reason")), " ")
	if len([]rune(reason)) < 3 || len([]rune(reason)) > 500 {
		s.fail(c, core.Invalid("reason", "error.moderation_reason"))
		return
	}
	action := c.PostForm("action")
	body := ""
	if action == postgres.ModerationEdit {
		if body, err = core.NormalizeComment(c.PostForm("body")); err != nil {
			s.fail(c, err)
			return
		}
	}
	err = s.store.Moderate(c.Request.Context(), userOf(c).ID, entity, id, action, body, reason, func(p core.Participant) core.Mail {
		key := map[string]string{postgres.ModerationHide: "mail.hidden", postgres.ModerationRestore: "mail.restored", postgres.ModerationEdit: "mail.edited"}[action]
		return core.Mail{To: p.Email, Subject: s.catalog.T(p.Locale, key+".subject"),
			Body: s.catalog.T(p.Locale, key+".body", "name", p.DisplayName, "reason", reason)}
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, "/staff/moderation", "flash.moderated")
}
