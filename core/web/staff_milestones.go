package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// staffAddMilestone plans an implementation milestone on an idea.
func (s *Server) staffAddMilestone(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	form := map[string]string{"milestone_title": c.PostForm("milestone_title"), "milestone_due": c.PostForm("milestone_due")}
	in := core.MilestoneInput{Title: c.PostForm("milestone_title")}
	if due := strings.TrimSpace(c.PostForm("milestone_due")); due != "" {
		t, err := time.Parse("2006-01-02", due)
		if err != nil {
			s.staffIdeaPage(c, http.StatusUnprocessableEntity, core.Invalid("milestone_due", "error.date_invalid"), form)
			return
		}
		in.DueOn = t
	}
	in, err := in.Normalize()
	if err != nil {
		s.staffIdeaPage(c, http.StatusUnprocessableEntity, err, form)
		return
	}
	if _, err := s.store.AddMilestone(c.Request.Context(), userOf(c).ID, i.ID, in); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, staffIdeaPath(i.ID)+"#milestones-h", "flash.milestone_added")
}

// staffMilestoneDone ticks a milestone off (done=yes) or reopens it.
func (s *Server) staffMilestoneDone(c *gin.Context) {
	s.changeMilestone(c, "flash.milestone_saved", func(actor, idea, milestone int64) error {
		link := s.link("/ideas/" + strconv.FormatInt(idea, 10))
		return s.store.SetMilestoneDone(c.Request.Context(), actor, idea, milestone, c.PostForm("done") == "yes",
			func(p core.Participant, i core.Idea, title string) core.Mail {
				return s.ideaNewsMail(p, i, s.catalog.T(p.Locale, "mail.milestone.subject", "idea", i.Title),
					s.catalog.T(p.Locale, "mail.milestone.body", "name", p.DisplayName, "idea", i.Title, "milestone", title,
						"progress", i.Progress, "link", link))
			})
	})
}

// staffDeleteMilestone removes a planned milestone.
func (s *Server) staffDeleteMilestone(c *gin.Context) {
	s.changeMilestone(c, "flash.milestone_deleted", func(actor, idea, milestone int64) error {
		return s.store.DeleteMilestone(c.Request.Context(), actor, idea, milestone)
	})
}

// changeMilestone runs one change to a milestone of the idea in the path and
// returns to the idea's staff panel with flash.
func (s *Server) changeMilestone(c *gin.Context, flash string, change func(actor, idea, milestone int64) error) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	mid, err := strconv.ParseInt(c.Param("mid"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.milestone_not_found"))
		return
	}
	if err := change(userOf(c).ID, i.ID, mid); err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, staffIdeaPath(i.ID)+"#milestones-h", flash)
}

// staffIdeaPath is the staff panel of an idea.
func staffIdeaPath(id int64) string { return "/staff/ideas/" + strconv.FormatInt(id, 10) }
