package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

func (s *Server) staffUploadImage(c *gin.Context) {
	p, ok := s.loadProject(c)
	if !ok {
		return
	}
	data, err := uploadedFile(c, "image", core.MaxImageBytes)
	if err != nil {
		s.fail(c, err)
		return
	}
	img, err := core.NormalizeImage(data, c.PostForm("alt"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.store.AddProjectImage(c.Request.Context(), userOf(c).ID, p.ID, img); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/projects/"+strconv.FormatInt(p.ID, 10)+"/edit", "flash.image_added")
}

// image serves a project image; the bytes were re-encoded on upload.
func (s *Server) image(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	u := userOf(c)
	ctype, data, err := s.store.ProjectImage(c.Request.Context(), id, u != nil && u.Role.AtLeast(core.RoleManager))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=86400")
	c.Header("Content-Security-Policy", "default-src 'none'")
	c.Data(http.StatusOK, ctype, data)
}
