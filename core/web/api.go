package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

//go:embed openapi.json
var openapiFS embed.FS

type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (s *Server) apiRoutes(api *gin.RouterGroup) {
	api.GET("/openapi.json", s.openapi)
	api.GET("/areas", s.apiAreas)
	api.GET("/areas/at", s.apiAreasAt)
	api.GET("/areas/:id", s.apiAreaGeoJSON)
	api.GET("/addresses", s.apiAddresses)
	api.GET("/streets", s.apiStreets)
	api.GET("/projects", s.cached, s.apiProjects)
	api.GET("/projects/:id", s.apiProject)
	api.GET("/ideas", s.cached, s.apiIdeas)
	api.GET("/ideas/map", s.cached, s.apiIdeasMap)
	api.GET("/ideas/similar", s.apiSimilarIdeas)
	api.GET("/ideas/:id", s.apiIdea)
	api.GET("/ideas/:id/comments", s.apiComments)
	api.POST("/ideas", s.requireAPIUser, s.apiCreateIdea)
	api.PATCH("/ideas/:id", s.requireAPIUser, s.apiEditIdea)
	api.DELETE("/ideas/:id", s.requireAPIUser, s.apiWithdrawIdea)
	api.POST("/ideas/:id/comments", s.requireAPIUser, s.apiCreateComment)
	api.PATCH("/comments/:id", s.requireAPIUser, s.apiEditComment)
	api.DELETE("/comments/:id", s.requireAPIUser, s.apiWithdrawComment)
	api.PUT("/ideas/:id/support", s.requireAPIUser, s.apiSupport)
	api.DELETE("/ideas/:id/support", s.requireAPIUser, s.apiSupport)
	api.PUT("/ideas/:id/follow", s.requireAPIUser, s.apiFollowIdea)
	api.DELETE("/ideas/:id/follow", s.requireAPIUser, s.apiFollowIdea)
	api.GET("/debates/:id", s.apiDebate)
	api.POST("/debates/:id/arguments", s.requireAPIUser, s.apiArgue)
	api.PUT("/arguments/:id/helpful", s.requireAPIUser, s.apiRateArgument)
	api.DELETE("/arguments/:id", s.requireAPIUser, s.apiWithdrawArgument)
	api.GET("/consultations", s.apiConsultations)
	api.GET("/consultations/:id", s.apiConsultation)
	api.PUT("/consultations/:id/response", s.requireAPIUser, s.apiRespond)
	me := api.Group("/me", s.requireAPIUser)
	me.GET("", s.apiMe)
	me.PATCH("", s.apiUpdateMe)
	me.GET("/export", s.exportAccount)
}

// apiAuth identifies the caller by a personal token (Authorization: Bearer) or by
// the browser session. Session callers must send X-CSRF-Token on writes; token
// callers need not, as a browser never adds the header by itself.
func (s *Server) apiAuth(c *gin.Context) {
	c.Set(keyLang, fromAcceptLanguage(c.GetHeader("Accept-Language")))
	if auth := c.GetHeader("Authorization"); auth != "" {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || token == "" {
			s.fail(c, &core.Error{Code: core.CodeUnauthenticated, Key: "error.token_invalid"})
			return
		}
		p, err := s.store.APITokenParticipant(c.Request.Context(), core.HashToken(strings.TrimSpace(token)))
		if err != nil {
			if core.CodeOf(err) == core.CodeNotFound {
				err = &core.Error{Code: core.CodeUnauthenticated, Key: "error.token_invalid"}
			}
			s.fail(c, err)
			return
		}
		c.Set(keyUser, &p)
		c.Set(keyAuthToken, true)
		c.Next()
		return
	}
	s.loadSession(c)
	if userOf(c) != nil {
		if err := s.checkCSRF(c); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.Next()
}

func (s *Server) requireAPIUser(c *gin.Context) {
	if userOf(c) == nil {
		c.Header("WWW-Authenticate", `Bearer realm="quartier"`)
		s.fail(c, &core.Error{Code: core.CodeUnauthenticated, Key: "error.login_required"})
		return
	}
	c.Next()
}

func (s *Server) openapi(c *gin.Context) {
	doc, _ := openapiFS.ReadFile("openapi.json")
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
}

func (s *Server) apiMe(c *gin.Context) {
	c.JSON(http.StatusOK, participantJSON(*userOf(c)))
}

type apiProfilePatch struct {
	DisplayName *string `json:"display_name"`
	Locale      *string `json:"locale"`
}

func (s *Server) apiUpdateMe(c *gin.Context) {
	u := userOf(c)
	if err := s.allowFast(c, "api_write", s.cfg.Limits.APIWritePerUser, u.Email); err != nil {
		s.fail(c, err)
		return
	}
	var patch apiProfilePatch
	if err := decodeJSON(c, &patch); err != nil {
		s.fail(c, err)
		return
	}
	pr := postgres.Profile{DisplayName: u.DisplayName, Locale: u.Locale}
	var errs []error
	if patch.DisplayName != nil {
		name, err := core.NormalizeDisplayName(*patch.DisplayName)
		errs = append(errs, err)
		pr.DisplayName = name
	}
	if patch.Locale != nil {
		lang, ok := core.ParseLanguage(*patch.Locale)
		if !ok {
			errs = append(errs, core.Invalid("locale", "error.language_unknown"))
		}
		pr.Locale = lang
	}
	if err := errors.Join(errs...); err != nil {
		s.fail(c, core.Problems(err)[0])
		return
	}
	p, err := s.store.UpdateProfile(c.Request.Context(), u.ID, pr)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, participantJSON(p))
}

// decodeJSON reads one JSON object into v, refusing unknown fields, trailing data,
// a wrong content type, text PostgreSQL cannot store and bodies over the
// limit, each with a message for people.
func decodeJSON(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "application/json" {
		return core.Invalid("", "error.json_content_type")
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return asError(err)
	}
	// Text PostgreSQL cannot store (see checkText): encoding/json would read
	// bytes that are not UTF-8 as U+FFFD and "\u0000" as NUL.
	if !utf8.Valid(body) || bytes.Contains(bytes.ToLower(body), []byte(`\u0000`)) {
		return core.Invalid("", "error.text_encoding")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return core.Invalid(typeErr.Field, "error.json_field_type")
		}
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			return core.Invalid(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "error.json_unknown_field")
		}
		return core.Invalid("", "error.json_malformed")
	}
	if dec.More() {
		return core.Invalid("", "error.json_malformed")
	}
	return nil
}
