package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// codeTooLarge is the web layer's own code for a body over the limit.
const codeTooLarge core.Code = "too_large"

// statusOf is the one place error codes become HTTP statuses.
func statusOf(code core.Code) int {
	switch code {
	case core.CodeInvalid:
		return http.StatusBadRequest
	case core.CodeNotFound:
		return http.StatusNotFound
	case core.CodeConflict:
		return http.StatusConflict
	case core.CodeForbidden:
		return http.StatusForbidden
	case core.CodeUnauthenticated:
		return http.StatusUnauthorized
	case core.CodeRateLimited:
		return http.StatusTooManyRequests
	case core.CodeUnavailable:
		return http.StatusServiceUnavailable
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// asError returns err's *core.Error, mapping a body over the limit to codeTooLarge
// and anything unknown to an internal error.
func asError(err error) *core.Error {
	var e *core.Error
	if errors.As(err, &e) {
		return e
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &core.Error{Code: codeTooLarge, Key: "error.too_large"}
	}
	return &core.Error{Code: core.CodeInternal, Key: "error.internal", Cause: err}
}

// fail answers with err in the visitor's language: JSON under /api/, a page elsewhere.
// Internal and unavailable errors are logged with their cause; the cause never
// reaches the client. A refusal at capacity (core.Busy) is the plan working,
// not a failure: it is answered as admission control answers, briefly.
func (s *Server) fail(c *gin.Context, err error) {
	e := asError(err)
	if e.Key == "error.busy" {
		s.refuseBusy(c)
		return
	}
	status := statusOf(e.Code)
	if status >= 500 {
		s.log.Error("request failed", "path", c.Request.URL.Path, "code", string(e.Code), "err", err)
	}
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	lang := langOf(c)
	if isAPI(c) {
		c.AbortWithStatusJSON(status, apiError{Error: apiErrorBody{
			Code: string(e.Code), Message: s.catalog.T(lang, e.Key), Field: e.Field,
		}})
		return
	}
	c.Set(keyErrorPage, true)
	s.render(c, status, "error", map[string]any{
		"Status": status, "Message": s.catalog.T(lang, e.Key),
	})
	c.Abort()
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

func (s *Server) notFound(c *gin.Context) {
	s.fail(c, core.NotFound("error.page_not_found"))
}

func (s *Server) methodNotAllowed(c *gin.Context) {
	if isAPI(c) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, apiError{Error: apiErrorBody{
			Code: "method_not_allowed", Message: s.catalog.T(langOf(c), "error.method_not_allowed"),
		}})
		return
	}
	c.Set(keyErrorPage, true)
	s.render(c, http.StatusMethodNotAllowed, "error", map[string]any{
		"Status": http.StatusMethodNotAllowed, "Message": s.catalog.T(langOf(c), "error.method_not_allowed"),
	})
}
