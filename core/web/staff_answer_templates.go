package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// staffAnswerTemplates lists the answer templates with a form to write one;
// ?edit=ID fills the form with that template, to change it.
func (s *Server) staffAnswerTemplates(c *gin.Context) {
	form := map[string]string{}
	if id, err := strconv.ParseInt(c.Query("edit"), 10, 64); err == nil {
		t, err := s.store.AnswerTemplate(c.Request.Context(), id)
		if err != nil {
			s.fail(c, err)
			return
		}
		form = templateForm(t)
	}
	s.answerTemplatesPage(c, http.StatusOK, form, nil)
}

func templateForm(t core.AnswerTemplate) map[string]string {
	form := map[string]string{"title": t.Title, "status": string(t.Status), "language": string(t.Language), "body": t.Body}
	if t.ID != 0 {
		form["id"] = strconv.FormatInt(t.ID, 10)
	}
	return form
}

// answerTemplatesPage draws the list and the form (filled from form, with
// formErr's problems when not nil).
func (s *Server) answerTemplatesPage(c *gin.Context, status int, form map[string]string, formErr error) {
	all, err := s.store.AnswerTemplates(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	data := map[string]any{"All": all, "Statuses": core.TemplateStatuses(), "Languages": core.Languages}
	if formErr != nil {
		s.formPage(c, "staff_answer_templates", formErr, form, data)
		return
	}
	s.renderForm(c, status, "staff_answer_templates", form, data, nil)
}

// staffSaveAnswerTemplate writes a new template, or changes the one in the
// form's id.
func (s *Server) staffSaveAnswerTemplate(c *gin.Context) {
	id, _ := strconv.ParseInt(c.PostForm("id"), 10, 64)
	t, err := core.AnswerTemplate{ID: id, Title: c.PostForm("title"), Status: core.IdeaStatus(c.PostForm("status")),
		Language: core.Language(c.PostForm("language")), Body: c.PostForm("body")}.Check()
	if err == nil {
		_, err = s.store.SaveAnswerTemplate(c.Request.Context(), userOf(c).ID, t)
	}
	if err != nil {
		if asError(err).Code == core.CodeInvalid {
			s.answerTemplatesPage(c, http.StatusUnprocessableEntity, templateForm(t), err)
			return
		}
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/answer-templates", "flash.template_saved")
}

func (s *Server) staffDeleteAnswerTemplate(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.template_not_found"))
		return
	}
	if err := s.store.DeleteAnswerTemplate(c.Request.Context(), userOf(c).ID, id); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/answer-templates", "flash.template_deleted")
}
