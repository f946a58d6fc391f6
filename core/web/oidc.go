package web

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// LoginProvider signs residents in through OpenID Connect (connectors/oidc).
type LoginProvider interface {
	Name() string
	Label() string
	AuthURL(ctx context.Context, state, nonce, verifier string) (string, error)
	Exchange(ctx context.Context, code, nonce, verifier string) (core.ExternalIdentity, error)
}

// loginButton is a provider as the login page offers it.
type loginButton struct{ Name, Label string }

const (
	cookieOIDC = "quartier_oidc"
	oidcTTL    = 10 * time.Minute
)

// oidcFlow is what the browser carries between leaving for the provider and
// coming back: signed, so it cannot be forged, and bound to this browser.
type oidcFlow struct {
	Provider, State, Nonce, Verifier, Next string
	Issued                                 int64
}

func (s *Server) sealFlow(f oidcFlow) string {
	payload := strings.Join([]string{f.Provider, f.State, f.Nonce, f.Verifier, base64.RawURLEncoding.EncodeToString([]byte(f.Next)),
		strconv.FormatInt(f.Issued, 10)}, "|")
	return payload + "|" + s.flowMAC(payload)
}

func (s *Server) flowMAC(payload string) string { return s.sign("oidc", payload) }

func (s *Server) openFlow(sealed string) (oidcFlow, bool) {
	i := strings.LastIndexByte(sealed, '|')
	if i < 0 || !hmac.Equal([]byte(s.flowMAC(sealed[:i])), []byte(sealed[i+1:])) {
		return oidcFlow{}, false
	}
	parts := strings.Split(sealed[:i], "|")
	if len(parts) != 6 {
		return oidcFlow{}, false
	}
	next, _ := base64.RawURLEncoding.DecodeString(parts[4])
	issued, _ := strconv.ParseInt(parts[5], 10, 64)
	f := oidcFlow{Provider: parts[0], State: parts[1], Nonce: parts[2], Verifier: parts[3], Next: string(next), Issued: issued}
	return f, s.now().Sub(time.Unix(issued, 0)) <= oidcTTL
}

func (s *Server) loginProvider(c *gin.Context) (LoginProvider, bool) {
	for _, p := range s.providers {
		if p.Name() == c.Param("provider") {
			return p, true
		}
	}
	s.fail(c, core.NotFound("error.page_not_found"))
	return nil, false
}

// oidcStart sends the browser to the provider, with a fresh state, nonce and
// PKCE verifier remembered in a signed cookie.
func (s *Server) oidcStart(c *gin.Context) {
	p, ok := s.loginProvider(c)
	if !ok {
		return
	}
	state, _ := core.NewToken()
	nonce, _ := core.NewToken()
	verifier, _ := core.NewToken() // 43 URL-safe characters: a PKCE verifier (RFC 7636 §4.1)
	f := oidcFlow{Provider: p.Name(), State: state, Nonce: nonce, Verifier: verifier, Next: safeNext(c.Query("next")), Issued: s.now().Unix()}
	to, err := p.AuthURL(c.Request.Context(), f.State, f.Nonce, f.Verifier)
	if err != nil {
		s.log.Warn("login provider unreachable", "provider", p.Name(), "err", err)
		s.fail(c, core.Unavailable(err))
		return
	}
	s.setCookie(c, cookieOIDC, s.sealFlow(f), oidcTTL)
	c.Redirect(http.StatusSeeOther, to)
}

// oidcCallback finishes the login: the state must be this browser's, the ID
// token is verified by the provider package, and the participant it names is
// signed in (created or linked the first time).
func (s *Server) oidcCallback(c *gin.Context) {
	p, ok := s.loginProvider(c)
	if !ok {
		return
	}
	sealed, _ := c.Cookie(cookieOIDC)
	s.clearCookie(c, cookieOIDC)
	f, valid := s.openFlow(sealed)
	switch {
	case c.Query("error") != "":
		s.loginPage(c, http.StatusUnauthorized, core.Invalid("", "error.oidc_refused"))
		return
	case !valid || f.Provider != p.Name() || c.Query("state") == "" || !hmac.Equal([]byte(f.State), []byte(c.Query("state"))):
		s.loginPage(c, http.StatusBadRequest, core.Invalid("", "error.oidc_state"))
		return
	}
	id, err := p.Exchange(c.Request.Context(), c.Query("code"), f.Nonce, f.Verifier)
	if err != nil {
		s.log.Warn("login with provider failed", "provider", p.Name(), "err", err)
		s.loginPage(c, http.StatusBadGateway, core.Invalid("", "error.oidc_failed"))
		return
	}
	u, err := s.store.SignIn(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.startSession(c, u); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, safeNext(f.Next))
}

// loginPage shows the login form with a problem.
func (s *Server) loginPage(c *gin.Context, status int, err error) {
	p := s.newPage(c, nil)
	p.Form["next"] = "/"
	for _, e := range core.Problems(err) {
		msg := s.catalog.T(p.Lang, e.Key)
		p.Errors["form"] = msg
		p.ErrorList = append(p.ErrorList, fieldError{Field: "form", Message: msg})
	}
	s.renderPage(c, status, "login", p)
}
