package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// Context keys set by the middleware.
const (
	keyLang      = "quartier.lang"
	keyUser      = "quartier.user"
	keySession   = "quartier.session" // the session token hash, for logout
	keyAuthToken = "quartier.api_token"
	keyErrorPage = "quartier.error_page" // set while an error page renders
)

// Cookie names.
const (
	cookieSession = "quartier_session"
	cookieLang    = "quartier_lang"
	cookieCSRF    = "quartier_csrf"
	cookieFlash   = "quartier_flash"
)

func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("handler panicked", "path", c.Request.URL.Path, "panic", v)
			if !c.Writer.Written() {
				s.fail(c, core.Internalf("panic: %v", v))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// observe logs each request and feeds the metrics.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	elapsed := time.Since(start)
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := c.Writer.Status()
	s.metrics.observe(c.Request.Method, route, status, elapsed)
	level := slog.LevelInfo
	if status >= 500 && status != http.StatusServiceUnavailable {
		level = slog.LevelError
	} else if status == http.StatusServiceUnavailable {
		level = slog.LevelWarn
	} else if route == "/healthz" || route == "/readyz" || route == "/metrics" || strings.HasPrefix(route, "/static/") {
		level = slog.LevelDebug
	}
	if !s.log.Enabled(c.Request.Context(), level) { // the arguments below would be allocated all the same
		return
	}
	s.log.Log(c.Request.Context(), level, "http request",
		"method", c.Request.Method, "route", route, "status", status,
		"duration_ms", float64(elapsed.Microseconds())/1000, "bytes", c.Writer.Size())
}

func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	for name, value := range s.fixedHeaders {
		h[name] = value // shared and never changed in place: net/http copies headers before writing them
	}
	c.Next()
}

// securityHeaderValues are the headers every answer carries, made once: set
// one by one they were a handful of allocations on every request.
func securityHeaderValues(tileOrigin string, secure bool) http.Header {
	h := http.Header{}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:"+tileOrigin+"; style-src 'self'; script-src 'self'; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
	if secure {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return h
}

// limitBody caps request bodies at limit; reading past it fails and the handler
// answers 413.
func (s *Server) limitBody(limit int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > limit {
			s.fail(c, &core.Error{Code: codeTooLarge, Key: "error.too_large"})
			c.Abort()
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}

// locale decides the page language: the remembered choice, then the account's,
// then the browser's preference, then French.
func (s *Server) locale(c *gin.Context) {
	c.Set(keyLang, langOf(c))
	c.Next()
}

func fromAcceptLanguage(header string) core.Language {
	best, bestQ := core.DefaultLanguage, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		if l, ok := core.ParseLanguage(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// langOf returns the language decided by the locale middleware, or decides it
// from the request for answers given before that middleware ran (413, 404).
func langOf(c *gin.Context) core.Language {
	if v, ok := c.Get(keyLang); ok {
		if l, ok := v.(core.Language); ok && l != "" {
			return l
		}
	}
	if v, err := c.Cookie(cookieLang); err == nil && !isAPI(c) {
		if l, ok := core.ParseLanguage(v); ok {
			return l
		}
	}
	return fromAcceptLanguage(c.GetHeader("Accept-Language"))
}

// userOf returns the signed-in participant, or nil.
func userOf(c *gin.Context) *core.Participant {
	if v, ok := c.Get(keyUser); ok {
		return v.(*core.Participant)
	}
	return nil
}

// sessionAuth loads the participant of the session cookie, if any.
func (s *Server) sessionAuth(c *gin.Context) {
	s.loadSession(c)
	c.Next()
}

// loadSession sets the participant of the session cookie on c. A stale cookie is
// cleared; a database failure leaves the visitor anonymous for this request.
func (s *Server) loadSession(c *gin.Context) {
	token, err := c.Cookie(cookieSession)
	if err != nil || token == "" {
		return
	}
	hash := core.HashToken(token)
	p, err := s.sessionParticipant(c.Request.Context(), hash, time.Now())
	switch {
	case err == nil:
		c.Set(keyUser, &p)
		c.Set(keySession, hash)
		if !languageChosen(c) {
			c.Set(keyLang, p.Locale)
		}
	case core.CodeOf(err) == core.CodeNotFound:
		s.clearCookie(c, cookieSession)
	default:
		s.log.Warn("session lookup failed", "err", err)
	}
}

// languageChosen reports whether the request itself says which language it wants:
// the language switch's cookie on pages, Accept-Language on the API. Otherwise a
// signed-in participant gets their account's language.
func languageChosen(c *gin.Context) bool {
	if isAPI(c) {
		return c.GetHeader("Accept-Language") != ""
	}
	_, err := c.Cookie(cookieLang)
	return err == nil
}

// requireLogin sends anonymous visitors to the login page and back afterwards.
func (s *Server) requireLogin(c *gin.Context) {
	if userOf(c) == nil {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	c.Next()
}

// requireRole lets through participants whose role includes min; others get 403
// (anonymous visitors are asked to log in first).
func (s *Server) requireRole(min core.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := userOf(c)
		if u == nil {
			s.requireLogin(c)
			return
		}
		if !u.Role.AtLeast(min) {
			s.fail(c, core.Forbidden("error.forbidden"))
			c.Abort()
			return
		}
		if s.cfg.StaffTwoStep && !u.TwoStep && min.AtLeast(core.RoleModerator) {
			s.redirectWithFlash(c, "/account/two-step", "flash.two_step_required")
			c.Abort()
			return
		}
		c.Next()
	}
}

func (s *Server) setCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(c *gin.Context, name string) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode,
	})
}
