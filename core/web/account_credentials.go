package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

// recentSignIn is how recently someone whose account has no password (it
// signs in through a provider) must have signed in to change its e-mail
// address, set a password or delete it: the sign-in stands for the password.
const recentSignIn = 15 * time.Minute

// identityProof is what the signed-in person proves who they are with: their
// password's hash or, for an account without one, a recent sign-in.
type identityProof struct {
	hash   string
	recent bool // without a password: the session was opened within recentSignIn
}

func (s *Server) identityProofOf(c *gin.Context, u *core.Participant) (identityProof, error) {
	ctx := c.Request.Context()
	hash, err := s.store.PasswordHash(ctx, u.ID)
	if err != nil || hash != "" {
		return identityProof{hash: hash}, err
	}
	opened, err := s.store.SessionOpenedAt(ctx, currentSessionHash(c))
	return identityProof{recent: err == nil && s.now().Sub(opened) <= recentSignIn}, err
}

// proveIdentity checks that whoever holds u's session is u (identityProven);
// attempts count with the sign-in's per-account limit.
func (s *Server) proveIdentity(c *gin.Context, u *core.Participant, password string) error {
	if err := s.allow(c, bucketLoginAccount, s.cfg.Limits.LoginPerAccount, u.Email); err != nil {
		return err
	}
	return s.identityProven(c, u, password)
}

// identityProven checks, without counting the attempt, that whoever holds
// u's session is u: their password, or for an account without one a sign-in
// within recentSignIn. The error is for the form (field current_password).
func (s *Server) identityProven(c *gin.Context, u *core.Participant, password string) error {
	proof, err := s.identityProofOf(c, u)
	switch {
	case err != nil:
		return err
	case proof.hash != "" && !core.VerifyPassword(proof.hash, password):
		return core.Invalid("current_password", "error.password_wrong")
	case proof.hash == "" && !proof.recent:
		return core.Invalid("current_password", "error.sign_in_again")
	}
	return nil
}

// credentialsPage renders a page whose form changes the account (with
// formErr's problems, when not nil) with what identity_proof shows: whether
// the account has a password and, without one, whether its sign-in is
// recent enough (proveIdentity).
func (s *Server) credentialsPage(c *gin.Context, page string, form map[string]string, formErr error, data map[string]any) {
	proof, err := s.identityProofOf(c, userOf(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	data["HasPassword"], data["Recent"], data["RecentMinutes"] = proof.hash != "", proof.recent, int(recentSignIn/time.Minute)
	s.renderForm(c, http.StatusOK, page, form, data, formErr)
}

func (s *Server) passwordPage(c *gin.Context) {
	s.credentialsPage(c, "account_password", nil, nil, nil)
}

// changePassword sets a new password for the signed-in person, who proves
// who they are first; every other session of the account ends, and they are
// told by e-mail.
func (s *Server) changePassword(c *gin.Context) {
	u := userOf(c)
	password := c.PostForm("password")
	if u.Email == "" { // one signs in with an address and a password: the address first
		s.credentialsPage(c, "account_password", nil, core.Invalid("password", "error.password_needs_email"), nil)
		return
	}
	if err := core.ValidatePassword(password); err != nil {
		s.credentialsPage(c, "account_password", nil, err, nil)
		return
	}
	if err := s.proveIdentity(c, u, c.PostForm("current_password")); err != nil {
		s.credentialsProblem(c, "account_password", nil, err)
		return
	}
	hash, err := core.HashPassword(password)
	if err != nil {
		s.fail(c, core.Internalf("hash password: %w", err))
		return
	}
	ended, err := s.store.ChangePassword(c.Request.Context(), u.ID, hash, currentSessionHash(c), s.passwordChangedMail(*u))
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, h := range ended {
		s.sessions.forget(string(h))
	}
	s.mailPoke()
	s.redirectWithFlash(c, "/account", "flash.password_updated")
}

// credentialsProblem shows a failed proof of identity (or its rate limit) on
// the form; anything else is an error page.
func (s *Server) credentialsProblem(c *gin.Context, page string, form map[string]string, err error) {
	var e *core.Error
	if errors.As(err, &e) && (e.Code == core.CodeRateLimited || e.Code == core.CodeInvalid) {
		s.credentialsPage(c, page, form, err, nil)
		return
	}
	s.fail(c, err)
}

func (s *Server) emailPage(c *gin.Context) {
	s.credentialsPage(c, "account_email", nil, nil, nil)
}

// requestEmailChange sends a link to the new address the signed-in person
// gives; the address changes once it is followed (confirmEmailChange). The
// page says the same whether or not another account has the address.
func (s *Server) requestEmailChange(c *gin.Context) {
	u := userOf(c)
	form := map[string]string{"email": c.PostForm("email")}
	email, err := core.NormalizeEmail(form["email"])
	if err == nil && email == u.Email {
		err = core.Invalid("email", "error.email_same")
	}
	if err != nil {
		s.credentialsPage(c, "account_email", form, err, nil)
		return
	}
	if err := s.proveIdentity(c, u, c.PostForm("current_password")); err != nil {
		s.credentialsProblem(c, "account_email", form, err)
		return
	}
	if !s.mailBudgetSpent(c, email) {
		token, hash := core.NewToken()
		err := s.store.RequestEmailChange(c.Request.Context(), postgres.EmailChange{
			ParticipantID: u.ID, NewEmail: email, TokenHash: hash, ExpiresAt: s.now().Add(s.cfg.ConfirmLinkTTL),
			Confirm: func(p core.Participant, to string) core.Mail { return s.emailChangeMail(p, to, token) },
			Taken:   s.emailTakenMail,
		})
		if err != nil {
			s.fail(c, err)
			return
		}
		s.mailPoke()
	}
	s.credentialsPage(c, "account_email", nil, nil, map[string]any{"SentTo": email, "Hours": hours(s.cfg.ConfirmLinkTTL)})
}

// emailChangeForm shows the button that follows an e-mail change link (a
// link opened by a mail scanner changes nothing).
func (s *Server) emailChangeForm(c *gin.Context) {
	s.linkPage(c, postgres.PurposeChangeEmail, "email_change", "/account/email")
}

// confirmEmailChange follows an e-mail change link: the account moves to the
// address it was sent to, and the old address is told.
func (s *Server) confirmEmailChange(c *gin.Context) {
	if _, err := s.store.ChangeEmail(c.Request.Context(), core.HashToken(c.PostForm("token")), s.emailChangedMail); err != nil {
		s.linkProblem(c, err, "/account/email")
		return
	}
	s.mailPoke()
	s.refreshOwnSession(c) // when it is the account's own browser
	to := "/login"
	if userOf(c) != nil {
		to = "/account"
	}
	s.redirectWithFlash(c, to, "flash.email_changed")
}

// passwordChangedMail tells p their password was changed, and what to do if
// they did not.
func (s *Server) passwordChangedMail(p core.Participant) core.Mail {
	return core.Mail{To: p.Email, Subject: s.catalog.T(p.Locale, "mail.password_changed.subject"),
		Body: s.catalog.T(p.Locale, "mail.password_changed.body", "name", p.DisplayName,
			"date", s.now().In(communeZone).Format("02.01.2006 15:04"), "reset", s.link("/password/forgot"))}
}

// emailChangeMail carries, to the new address, the link that moves p's
// account there.
func (s *Server) emailChangeMail(p core.Participant, to, token string) core.Mail {
	body := "mail.email_change.body"
	if p.Email == "" { // an account made through a provider that gave none
		body = "mail.email_change.body_first"
	}
	return core.Mail{To: to, Subject: s.catalog.T(p.Locale, "mail.email_change.subject"),
		Body: s.catalog.T(p.Locale, body, "name", p.DisplayName, "old", p.Email,
			"link", s.link("/email/confirm", "token", token), "hours", hours(s.cfg.ConfirmLinkTTL))}
}

// emailTakenMail tells the owner of an address that someone asked to move
// another account to it.
func (s *Server) emailTakenMail(owner core.Participant) core.Mail {
	return core.Mail{To: owner.Email, Subject: s.catalog.T(owner.Locale, "mail.email_taken.subject"),
		Body: s.catalog.T(owner.Locale, "mail.email_taken.body", "name", owner.DisplayName,
			"login", s.link("/login"), "reset", s.link("/password/forgot"))}
}

// emailChangedMail tells the old address that p's account moved away from it.
func (s *Server) emailChangedMail(p core.Participant, oldEmail string) core.Mail {
	return core.Mail{To: oldEmail, Subject: s.catalog.T(p.Locale, "mail.email_changed.subject"),
		Body: s.catalog.T(p.Locale, "mail.email_changed.body", "name", p.DisplayName, "new", p.Email,
			"date", s.now().In(communeZone).Format("02.01.2006 15:04"))}
}
