package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// editableIdea loads :id for its author's edit form: someone else's idea is
// forbidden, and one others have taken part in (or staff moved on, or a
// moderator hid) can no longer change.
func (s *Server) editableIdea(c *gin.Context) (core.Idea, bool) {
	i, ok := s.loadIdea(c)
	if !ok {
		return core.Idea{}, false
	}
	switch {
	case i.AuthorID != userOf(c).ID:
		s.fail(c, core.Forbidden("error.idea_not_yours"))
		return core.Idea{}, false
	case !i.EditableByAuthor():
		s.fail(c, core.Conflict("error.idea_not_editable"))
		return core.Idea{}, false
	}
	return i, true
}

// editIdeaForm shows the author's idea in a form.
func (s *Server) editIdeaForm(c *gin.Context) {
	i, ok := s.editableIdea(c)
	if !ok {
		return
	}
	s.renderForm(c, http.StatusOK, "idea_edit", map[string]string{"title": i.Title, "body": i.Body}, map[string]any{"Idea": i}, nil)
}

// editIdea saves the author's new words, checked like a new idea's.
func (s *Server) editIdea(c *gin.Context) {
	i, ok := s.editableIdea(c)
	if !ok {
		return
	}
	form := map[string]string{"title": c.PostForm("title"), "body": c.PostForm("body")}
	in, err := core.IdeaInput{Title: form["title"], Body: form["body"]}.Normalize()
	if err == nil {
		err = s.store.EditIdea(c.Request.Context(), userOf(c).ID, i.ID, in.Title, in.Body)
	}
	if core.CodeOf(err) == core.CodeInvalid {
		s.formPage(c, "idea_edit", err, form, map[string]any{"Idea": i})
		return
	}
	if err != nil {
		s.fail(c, err) // a support or a comment arrived meanwhile: the conflict says so
		return
	}
	s.redirectWithFlash(c, "/ideas/"+strconv.FormatInt(i.ID, 10), "flash.idea_edited")
}

// withdrawIdea deletes the author's idea, once they ticked that they mean it,
// while nobody else has taken part in it (Store.WithdrawIdea), and leads back
// to their account.
func (s *Server) withdrawIdea(c *gin.Context) {
	i, ok := s.editableIdea(c)
	if !ok {
		return
	}
	if c.PostForm("confirm") != "yes" { // one tap on a phone must not delete it
		s.formPage(c, "idea_edit", core.Invalid("confirm", "error.withdraw_confirm"), map[string]string{"title": i.Title, "body": i.Body}, map[string]any{"Idea": i})
		return
	}
	if err := s.store.WithdrawIdea(c.Request.Context(), userOf(c).ID, i.ID); err != nil {
		s.fail(c, err) // a support, a comment or an alternative arrived meanwhile: the conflict says so
		return
	}
	s.redirectWithFlash(c, "/account#mine-h", "flash.idea_withdrawn")
}
