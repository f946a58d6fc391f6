package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

const staffPageSize = 50

func (s *Server) staffHome(c *gin.Context) {
	people, err := s.store.CountParticipants(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	todo, err := s.store.StaffToDo(c.Request.Context(), userOf(c).ID, s.now())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "staff_home", map[string]any{"People": people, "ToDo": todo})
}

func (s *Server) staffParticipants(c *gin.Context) {
	pageNo := pageNumber(c)
	q := truncateRunes(c.Query("q"), 200) // by characters: a cut inside one is not UTF-8, which PostgreSQL refuses
	list, err := s.store.ListParticipants(c.Request.Context(), q, staffPageSize, (pageNo-1)*staffPageSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	pages := (list.Total + staffPageSize - 1) / staffPageSize
	s.render(c, http.StatusOK, "staff_participants", map[string]any{
		"List": list, "Query": q, "Page": pageNo, "Pages": pages,
		"Prev": pageNo - 1, "Next": pageNo + 1, "HasNext": pageNo < pages,
		"Roles": core.Roles, "CanEditRoles": userOf(c).Role.AtLeast(core.RoleAdmin),
	})
}

func (s *Server) staffSetRole(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.participant_not_found"))
		return
	}
	role, err := core.ParseRole(c.PostForm("role"))
	if err != nil {
		s.fail(c, err)
		return
	}
	actor := userOf(c)
	if actor.ID == id && role != core.RoleAdmin {
		// An admin demoting themselves could leave the platform without one.
		s.fail(c, core.Conflict("error.role_self_demote"))
		return
	}
	if _, err := s.store.SetRole(c.Request.Context(), actor.ID, id, role); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/participants", "flash.role_saved")
}

func (s *Server) devMail(c *gin.Context) {
	s.render(c, http.StatusOK, "dev_mail", map[string]any{"Messages": s.mailbox.Messages()})
}
