package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// addIdeaPhoto adds the uploaded photo (multipart: photo, alt) to the
// signed-in author's idea while they may still change it: re-encoded upright,
// scaled down, without its metadata (core.NormalizePhoto).
func (s *Server) addIdeaPhoto(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	u, ok := s.contentAuthor(c)
	if !ok {
		return
	}
	data, err := uploadedFile(c, "photo", core.MaxImageBytes)
	if err != nil {
		s.fail(c, err)
		return
	}
	img, err := s.normalizePhoto(c, data)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.store.AddIdeaPhoto(c.Request.Context(), u.ID, i.ID, img); err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, ideaPath(i.ID)+"#photos-h", "flash.photo_added")
}

// photosAtOnce bounds the photos being decoded at once in this process: a
// 6,000-pixel square takes some 150 MB while it is turned and scaled, and a
// crowd of uploads must not take the server's memory with it.
const photosAtOnce = 2

// normalizePhoto runs core.NormalizePhoto when a slot is free, or gives up
// when the client goes away first.
func (s *Server) normalizePhoto(c *gin.Context, data []byte) (core.Image, error) {
	select {
	case s.photoWork <- struct{}{}:
		defer func() { <-s.photoWork }()
	case <-c.Request.Context().Done():
		return core.Image{}, core.Busy()
	}
	return core.NormalizePhoto(data, c.PostForm("alt"))
}

// uploadedFile reads the form's file field, at most limit bytes (one more
// is read, so that a larger file is seen as such by the caller's checks).
func uploadedFile(c *gin.Context, field string, limit int64) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return nil, core.Invalid(field, "error.file_missing")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, core.Invalid(field, "error.file_missing")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, asError(err)
	}
	return data, nil
}

// removeIdeaPhoto takes a photo off an idea: its author while they may still
// change the idea, or a moderator with a reason (the author is told).
func (s *Server) removeIdeaPhoto(c *gin.Context) {
	i, ok := s.loadIdea(c)
	if !ok {
		return
	}
	photo, err := strconv.ParseInt(c.Param("photo"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.photo_not_found"))
		return
	}
	u := userOf(c)
	reason := strings.TrimSpace(c.PostForm("reason"))
	if u.ID != i.AuthorID && reason == "" {
		s.fail(c, core.Invalid("reason", "error.photo_reason"))
		return
	}
	err = s.store.RemoveIdeaPhoto(c.Request.Context(), *u, i.ID, photo, reason, func(p core.Participant) core.Mail {
		return core.Mail{To: p.Email, Subject: s.catalog.T(p.Locale, "mail.photo_removed.subject", "idea", i.Title),
			Body: s.catalog.T(p.Locale, "mail.photo_removed.body", "name", p.DisplayName, "idea", i.Title, "reason", reason, "link", s.link(ideaPath(i.ID)))}
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, ideaPath(i.ID)+"#photos-h", "flash.photo_removed")
}

// ideaPhoto serves a photo of an idea; a hidden idea's to moderators only.
// The bytes were re-encoded on upload.
func (s *Server) ideaPhoto(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.photo_not_found"))
		return
	}
	u := userOf(c)
	moderator := u != nil && u.Role.AtLeast(core.RoleModerator)
	ctype, data, err := s.store.IdeaPhoto(c.Request.Context(), id, moderator)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Short-lived in shared caches: a photo a moderator removes should not
	// linger for a day.
	c.Header("Cache-Control", "public, max-age=600")
	if moderator {
		c.Header("Cache-Control", "private, no-store")
	}
	c.Header("Content-Security-Policy", "default-src 'none'")
	c.Data(http.StatusOK, ctype, data)
}

func ideaPath(id int64) string { return "/ideas/" + strconv.FormatInt(id, 10) }
