package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// Rate-limit buckets.
const (
	bucketLoginIP      = "login_ip"
	bucketLoginAccount = "login_account"
	bucketSignupIP     = "signup_ip"
	bucketMailAddress  = "mail_address"
	bucketResetIP      = "reset_ip"
)

func (s *Server) registerForm(c *gin.Context) {
	s.render(c, http.StatusOK, "register", nil)
}

func (s *Server) register(c *gin.Context) {
	form := map[string]string{"email": c.PostForm("email"), "display_name": c.PostForm("display_name")}
	if err := s.allow(c, bucketSignupIP, s.cfg.Limits.SignupPerIP, c.ClientIP()); err != nil {
		s.formOrFail(c, "register", err, form, nil)
		return
	}
	reg, err := core.Registration{
		Email: form["email"], DisplayName: form["display_name"],
		Password: c.PostForm("password"), Locale: langOf(c),
	}.Normalize()
	if err != nil {
		s.formPage(c, "register", err, form, nil)
		return
	}
	if s.mailBudgetSpent(c, reg.Email) {
		s.render(c, http.StatusOK, "check_email", map[string]any{"Kind": "register"})
		return
	}
	hash, err := core.HashPassword(reg.Password)
	if err != nil {
		s.fail(c, core.Internalf("hash password: %w", err))
		return
	}
	token, tokenHash := core.NewToken()
	err = s.store.Register(c.Request.Context(), postgres.Registration{
		Registration: reg, PasswordHash: hash,
		LinkTokenHash: tokenHash, LinkExpiresAt: s.now().Add(s.cfg.ConfirmLinkTTL),
		ConfirmMail: func(p core.Participant) core.Mail { return s.confirmMail(p, token) },
		AlreadyMail: s.alreadyRegisteredMail,
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.render(c, http.StatusOK, "check_email", map[string]any{"Kind": "register"})
}

// mailBudgetSpent counts one e-mail to address and reports whether the address has
// had its share. The caller then answers as if it had sent, so that the limit tells
// nothing about which addresses are registered.
func (s *Server) mailBudgetSpent(c *gin.Context, address string) bool {
	err := s.allow(c, bucketMailAddress, s.cfg.Limits.MailPerAddress, address)
	c.Writer.Header().Del("Retry-After")
	return err != nil
}

func (s *Server) confirmForm(c *gin.Context) {
	s.linkPage(c, postgres.PurposeVerifyEmail, "confirm", "/confirm/resend")
}

// linkPage shows page for the one-time link of purpose in ?token=: a form
// that carries the token on (out of the address bar, and no Referer leaks
// it), so that a mail scanner opening the link changes nothing. An unusable
// link is explained, with retry to get another.
func (s *Server) linkPage(c *gin.Context, purpose, page, retry string) {
	token := c.Query("token")
	if err := s.store.CheckLink(c.Request.Context(), purpose, core.HashToken(token)); err != nil {
		s.linkProblem(c, err, retry)
		return
	}
	c.Header("Referrer-Policy", "no-referrer")
	s.render(c, http.StatusOK, page, map[string]any{"Token": token})
}

func (s *Server) confirm(c *gin.Context) {
	_, err := s.store.ConfirmEmail(c.Request.Context(), core.HashToken(c.PostForm("token")))
	if err != nil {
		s.linkProblem(c, err, "/confirm/resend")
		return
	}
	s.redirectWithFlash(c, "/login", "flash.email_confirmed")
}

// linkProblem explains an unusable one-time link and offers a way to get a new one.
func (s *Server) linkProblem(c *gin.Context, err error, retry string) {
	e := asError(err)
	switch e.Code {
	case core.CodeNotFound, core.CodeConflict, core.CodeInvalid:
		s.render(c, statusOf(e.Code), "link_problem", map[string]any{
			"Message": s.catalog.T(langOf(c), e.Key), "Retry": retry, "Used": e.Code == core.CodeConflict,
		})
	default:
		s.fail(c, err)
	}
}

func (s *Server) loginForm(c *gin.Context) {
	if userOf(c) != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return
	}
	p := s.newPage(c, nil)
	p.Form["next"] = safeNext(c.Query("next"))
	s.renderPage(c, http.StatusOK, "login", p)
}

func (s *Server) login(c *gin.Context) {
	form := map[string]string{"email": c.PostForm("email"), "next": safeNext(c.PostForm("next"))}
	email := strings.ToLower(strings.TrimSpace(form["email"]))
	for _, l := range []struct {
		bucket string
		limit  Limit
		key    string
	}{
		{bucketLoginIP, s.cfg.Limits.LoginPerIP, c.ClientIP()},
		{bucketLoginAccount, s.cfg.Limits.LoginPerAccount, email},
	} {
		if err := s.allow(c, l.bucket, l.limit, l.key); err != nil {
			s.formOrFail(c, "login", err, form, nil)
			return
		}
	}
	password := c.PostForm("password")
	p, hash, err := s.store.Credentials(c.Request.Context(), email)
	if err != nil && core.CodeOf(err) != core.CodeNotFound {
		s.fail(c, err)
		return
	}
	// VerifyPassword costs the same with an empty hash, so an unknown address takes
	// as long as a wrong password.
	if !core.VerifyPassword(hash, password) || err != nil {
		s.formPage(c, "login", core.Invalid("", "error.login_failed"), form, nil)
		return
	}
	if !p.Verified() {
		s.formPage(c, "login", core.Invalid("", "error.login_unconfirmed"), form, map[string]any{"Unconfirmed": true})
		return
	}
	f, err := s.store.SecondFactor(c.Request.Context(), p.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	if f.Enabled {
		s.askLoginCode(c, p, form["next"])
		return
	}
	if err := s.startSession(c, p); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, form["next"])
}

// startSession ends the visitor's current session, if any, and opens a new one
// with a fresh token (so a token planted before login is worthless after it).
func (s *Server) startSession(c *gin.Context, p core.Participant) error {
	if old, err := c.Cookie(cookieSession); err == nil && old != "" {
		if err := s.store.DeleteSession(c.Request.Context(), core.HashToken(old)); err != nil {
			return err
		}
		s.sessions.forget(string(core.HashToken(old)))
	}
	token, hash := core.NewToken()
	if err := s.store.CreateSession(c.Request.Context(), p.ID, hash, s.now().Add(s.cfg.SessionTTL), c.Request.UserAgent()); err != nil {
		return err
	}
	s.setCookie(c, cookieSession, token, s.cfg.SessionTTL)
	return nil
}

func (s *Server) logout(c *gin.Context) {
	if v, ok := c.Get(keySession); ok {
		if err := s.store.DeleteSession(c.Request.Context(), v.([]byte)); err != nil {
			s.fail(c, err)
			return
		}
		s.sessions.forget(string(v.([]byte)))
	}
	s.clearCookie(c, cookieSession)
	s.redirectWithFlash(c, "/", "flash.logged_out")
}

func (s *Server) resetForm(c *gin.Context) {
	s.linkPage(c, postgres.PurposeResetPassword, "reset", "/password/forgot")
}

func (s *Server) reset(c *gin.Context) {
	token := c.PostForm("token")
	password := c.PostForm("password")
	if err := core.ValidatePassword(password); err != nil {
		s.formPage(c, "reset", err, nil, map[string]any{"Token": token})
		return
	}
	hash, err := core.HashPassword(password)
	if err != nil {
		s.fail(c, core.Internalf("hash password: %w", err))
		return
	}
	if _, err := s.store.ResetPassword(c.Request.Context(), core.HashToken(token), hash); err != nil {
		s.linkProblem(c, err, "/password/forgot")
		return
	}
	s.clearCookie(c, cookieSession)
	s.redirectWithFlash(c, "/login", "flash.password_changed")
}

// formOrFail shows a rate limit on the form itself, and anything else as an error page.
func (s *Server) formOrFail(c *gin.Context, page string, err error, form map[string]string, data map[string]any) {
	var e *core.Error
	if errors.As(err, &e) && e.Code == core.CodeRateLimited {
		s.formPage(c, page, err, form, data)
		return
	}
	s.fail(c, err)
}

// linkForm describes a page where a person asks for a one-time link by e-mail.
type linkForm struct {
	page    string // the check_email Kind, and the form's name in texts
	action  string
	bucket  string
	limit   func(*Server) Limit
	purpose string
	ttl     func(*Server) time.Duration
	mail    func(s *Server, p core.Participant, token string) core.Mail
}

var (
	resendLinkForm = linkForm{
		page: "resend", action: "/confirm/resend", bucket: bucketSignupIP, purpose: postgres.PurposeVerifyEmail,
		limit: func(s *Server) Limit { return s.cfg.Limits.SignupPerIP },
		ttl:   func(s *Server) time.Duration { return s.cfg.ConfirmLinkTTL },
		mail:  (*Server).confirmMail,
	}
	forgotLinkForm = linkForm{
		page: "forgot", action: "/password/forgot", bucket: bucketResetIP, purpose: postgres.PurposeResetPassword,
		limit: func(s *Server) Limit { return s.cfg.Limits.ResetPerIP },
		ttl:   func(s *Server) time.Duration { return s.cfg.ResetLinkTTL },
		mail:  (*Server).resetMail,
	}
)

func (lf linkForm) data() map[string]any {
	return map[string]any{"Page": lf.page, "Action": lf.action}
}

// showLinkForm renders the form that asks for the e-mail address.
func (s *Server) showLinkForm(lf linkForm) gin.HandlerFunc {
	return func(c *gin.Context) { s.render(c, http.StatusOK, "email_request", lf.data()) }
}

// requestLink mails a one-time link if an account fits, and answers the same
// page whether or not one does.
func (s *Server) requestLink(lf linkForm) gin.HandlerFunc {
	return func(c *gin.Context) {
		form := map[string]string{"email": c.PostForm("email")}
		if err := s.allow(c, lf.bucket, lf.limit(s), c.ClientIP()); err != nil {
			s.formOrFail(c, "email_request", err, form, lf.data())
			return
		}
		email, err := core.NormalizeEmail(form["email"])
		if err != nil {
			s.formPage(c, "email_request", err, form, lf.data())
			return
		}
		if !s.mailBudgetSpent(c, email) {
			token, tokenHash := core.NewToken()
			err = s.store.MailLink(c.Request.Context(), postgres.LinkRequest{
				Email: email, Purpose: lf.purpose, TokenHash: tokenHash, ExpiresAt: s.now().Add(lf.ttl(s)),
				Compose: func(p core.Participant) core.Mail { return lf.mail(s, p, token) },
			})
			if err != nil {
				s.fail(c, err)
				return
			}
			s.mailPoke()
		}
		s.render(c, http.StatusOK, "check_email", map[string]any{"Kind": lf.page})
	}
}

func (s *Server) link(path string, query ...string) string {
	u := *s.cfg.PublicURL
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	if len(query) == 2 {
		u.RawQuery = query[0] + "=" + query[1]
	}
	return u.String()
}

func hours(d time.Duration) int { return int(d.Round(time.Hour) / time.Hour) }

func (s *Server) confirmMail(p core.Participant, token string) core.Mail {
	return core.Mail{
		To:      p.Email,
		Subject: s.catalog.T(p.Locale, "mail.confirm.subject"),
		Body: s.catalog.T(p.Locale, "mail.confirm.body", "name", p.DisplayName,
			"link", s.link("/confirm", "token", token), "hours", hours(s.cfg.ConfirmLinkTTL)),
	}
}

func (s *Server) alreadyRegisteredMail(p core.Participant) core.Mail {
	return core.Mail{
		To:      p.Email,
		Subject: s.catalog.T(p.Locale, "mail.already.subject"),
		Body: s.catalog.T(p.Locale, "mail.already.body", "name", p.DisplayName,
			"login", s.link("/login"), "reset", s.link("/password/forgot")),
	}
}

func (s *Server) resetMail(p core.Participant, token string) core.Mail {
	return core.Mail{
		To:      p.Email,
		Subject: s.catalog.T(p.Locale, "mail.reset.subject"),
		Body: s.catalog.T(p.Locale, "mail.reset.body", "name", p.DisplayName,
			"link", s.link("/password/reset", "token", token), "minutes", int(s.cfg.ResetLinkTTL/time.Minute)),
	}
}
