package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// followIdea makes the signed-in resident follow the idea (follow=no: no
// longer): its official answers and steps then reach them by e-mail. Its
// author and supporters hear of them anyway.
func (s *Server) followIdea(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	follow := c.PostForm("follow") != "no"
	if err := s.store.FollowIdea(c.Request.Context(), i.ID, userOf(c).ID, follow); err != nil {
		s.fail(c, err)
		return
	}
	flash := "flash.following_idea"
	if !follow {
		flash = "flash.unfollowed_idea"
	}
	s.redirectWithFlash(c, "/ideas/"+strconv.FormatInt(i.ID, 10)+"#support-h", flash)
}

// apiFollowIdea follows (PUT) or stops following (DELETE) an idea for the
// token's participant; it answers whether they follow it now.
func (s *Server) apiFollowIdea(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	follow := c.Request.Method == http.MethodPut
	if err := s.store.FollowIdea(c.Request.Context(), i.ID, userOf(c).ID, follow); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"following": follow})
}
