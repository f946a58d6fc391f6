package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// Rate-limit buckets of residence codes (counted in PostgreSQL, shared by all
// instances, like logins).
const (
	bucketCodeAccount = "code_account"
	bucketCodeIP      = "code_ip"
)

// codeURL is where a flyer's QR code leads: the code form of the consultation,
// with the code filled in.
func (s *Server) codeURL(consultationID int64, printed string) string {
	return s.link("/consultations/"+strconv.FormatInt(consultationID, 10)+"/code", "code", url.QueryEscape(printed))
}

// codeForm shows the residence-code form (the QR code's landing page). The code
// is only spent when the resident confirms, signed in.
func (s *Server) codeForm(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	s.codePage(c, http.StatusOK, k, c.Query("code"), nil)
}

func (s *Server) codePage(c *gin.Context, status int, k core.Consultation, code string, err error) {
	data := map[string]any{"C": k.In(langOf(c)), "Next": c.Request.URL.RequestURI()}
	s.renderForm(c, status, "consultation_code", map[string]string{"code": code}, data, err)
}

// redeemCode spends a residence code: the resident's home address becomes the
// code's address, verified, and they are sent to the consultation.
func (s *Server) redeemCode(c *gin.Context) {
	k, ok := s.loadConsultation(c)
	if !ok {
		return
	}
	u := userOf(c)
	typed := c.PostForm("code")
	for _, lim := range []struct {
		bucket string
		limit  Limit
		key    string
	}{{bucketCodeAccount, s.cfg.Limits.CodesPerAccount, strconv.FormatInt(u.ID, 10)}, {bucketCodeIP, s.cfg.Limits.CodesPerIP, c.ClientIP()}} {
		if err := s.allow(c, lim.bucket, lim.limit, lim.key); err != nil {
			s.codePage(c, http.StatusTooManyRequests, k, typed, err)
			return
		}
	}
	code, valid := core.NormalizeResidenceCode(typed)
	if !valid {
		s.codePage(c, http.StatusUnprocessableEntity, k, typed, core.Invalid("code", "error.code_format"))
		return
	}
	if _, err := s.store.RedeemResidenceCode(c.Request.Context(), u.ID, k.ID, code); err != nil {
		if core.CodeOf(err) == core.CodeNotFound || core.CodeOf(err) == core.CodeConflict {
			err = core.Invalid("code", asError(err).Key)
		}
		s.codePage(c, http.StatusUnprocessableEntity, k, typed, err)
		return
	}
	s.redirectWithFlash(c, "/consultations/"+strconv.FormatInt(k.ID, 10), "flash.code_redeemed")
}
