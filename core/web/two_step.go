package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/skip2/go-qrcode"

	"quartier/core"
)

// bucketSecondFactor limits the codes typed per account (login and turning
// off alike), as LoginPerAccount limits passwords.
const bucketSecondFactor = "two_step"

// loginCodeFor is how long, after a right password, the code may be typed.
const loginCodeFor = 5 * time.Minute

// twoStepPage shows a person's two-step verification: how to turn it on (a
// fresh secret as a QR code and as text, signed so that the form cannot
// carry another), or that it is on, with how many recovery codes are left
// and how to turn it off.
func (s *Server) twoStepPage(c *gin.Context) {
	s.renderTwoStep(c, http.StatusOK, nil, nil)
}

func (s *Server) renderTwoStep(c *gin.Context, status int, form map[string]string, formErr error) {
	u := userOf(c)
	f, err := s.store.SecondFactor(c.Request.Context(), u.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	data := map[string]any{"On": f.Enabled, "RecoveryLeft": f.RecoveryLeft, "HasPassword": f.HasPassword}
	if !f.Enabled {
		secret := core.NewTOTPSecret()
		if text := form["secret"]; text != "" && s.signedBy("two-step", secretPayload(u, text), form["secret_sig"]) {
			secret, _ = core.ParseTOTPSecret(text) // the one being confirmed, after a wrong code
		}
		text := core.TOTPSecretText(secret)
		png, err := qrcode.Encode(core.TOTPURI(s.twoStepIssuer(), u.Email, secret), qrcode.Medium, 256)
		if err != nil {
			s.fail(c, core.Internalf("two-step qr code: %w", err))
			return
		}
		data["Secret"], data["SecretSig"] = text, s.sign("two-step", secretPayload(u, text))
		// A data: URL html/template would refuse from a string; this one is ours.
		data["QR"] = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)) //nolint:gosec // built here from a PNG
	}
	s.renderForm(c, status, "account_two_step", form, data, formErr)
}

// secretPayload is what the signature of a secret being turned on covers:
// whose it is and the secret.
func secretPayload(u *core.Participant, secretText string) string {
	return strconv.FormatInt(u.ID, 10) + ":" + secretText
}

// twoStepIssuer names the platform in the authenticator app.
func (s *Server) twoStepIssuer() string {
	return strings.ReplaceAll("Quartier "+s.communeName(), ":", " ") // a colon ends the issuer in the app's label
}

// enableTwoStep turns two-step verification on once the person typed a right
// code for the secret shown, and shows the recovery codes, once.
func (s *Server) enableTwoStep(c *gin.Context) {
	u := userOf(c)
	form := map[string]string{"secret": c.PostForm("secret"), "secret_sig": c.PostForm("secret_sig")}
	if !s.signedBy("two-step", secretPayload(u, form["secret"]), form["secret_sig"]) {
		s.renderTwoStep(c, http.StatusUnprocessableEntity, nil, core.Invalid("secret", "error.two_step_secret"))
		return
	}
	secret, err := core.ParseTOTPSecret(form["secret"])
	if err != nil {
		s.renderTwoStep(c, http.StatusUnprocessableEntity, nil, err)
		return
	}
	if err := s.allow(c, bucketSecondFactor, s.cfg.Limits.LoginPerAccount, u.Email); err != nil {
		s.renderTwoStep(c, http.StatusTooManyRequests, form, err)
		return
	}
	// The password too (or a recent sign-in, without one): a session taken
	// from an open browser must not lock its owner out with someone else's app.
	if err := s.identityProven(c, u, c.PostForm("password")); err != nil {
		if core.CodeOf(err) != core.CodeInvalid {
			s.fail(c, err)
			return
		}
		s.renderTwoStep(c, http.StatusUnprocessableEntity, form, err)
		return
	}
	step, ok := core.MatchTOTP(secret, c.PostForm("code"), s.now(), 0)
	if !ok {
		s.renderTwoStep(c, http.StatusUnprocessableEntity, form, core.Invalid("code", "error.two_step_code"))
		return
	}
	codes, hashes := core.NewRecoveryCodes()
	if err := s.store.EnableSecondFactor(c.Request.Context(), u.ID, secret, step, hashes, s.twoStepMail(*u, true)); err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.refreshOwnSession(c)
	s.render(c, http.StatusOK, "account_two_step", map[string]any{"On": true, "RecoveryLeft": len(codes), "NewCodes": codes})
}

// disableTwoStep turns two-step verification off, given a code of the app or
// a recovery code: a session left open elsewhere cannot turn it off alone.
func (s *Server) disableTwoStep(c *gin.Context) {
	u := userOf(c)
	if !s.codeConfirms(c, *u) {
		return
	}
	if err := s.store.DisableSecondFactor(c.Request.Context(), u.ID, u.ID, "", s.twoStepMail(*u, false)); err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.refreshOwnSession(c)
	s.redirectWithFlash(c, "/account", "flash.two_step_off")
}

// newRecoveryCodes replaces the person's recovery codes, given a code of the
// app or a recovery code, and shows the new ones, once.
func (s *Server) newRecoveryCodes(c *gin.Context) {
	u := userOf(c)
	if !s.codeConfirms(c, *u) {
		return
	}
	codes, hashes := core.NewRecoveryCodes()
	if err := s.store.ReplaceRecoveryCodes(c.Request.Context(), u.ID, hashes); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "account_two_step", map[string]any{"On": true, "RecoveryLeft": len(codes), "NewCodes": codes})
}

// codeConfirms checks the code posted on the two-step page for p (see
// checkSecondFactor); when it does not confirm, it answers the page again
// with the problem and returns false.
func (s *Server) codeConfirms(c *gin.Context, p core.Participant) bool {
	ok, err := s.checkSecondFactor(c, p)
	switch {
	case core.CodeOf(err) == core.CodeRateLimited:
		s.renderTwoStep(c, http.StatusTooManyRequests, nil, err)
	case err != nil:
		s.fail(c, err)
	case !ok:
		s.renderTwoStep(c, http.StatusUnprocessableEntity, nil, core.Invalid("code", "error.two_step_code"))
	}
	return err == nil && ok
}

// checkSecondFactor checks the code posted for p: a code of their app not
// used before, or one of their unused recovery codes (spent by this). An
// error is the rate limit, or the store's.
func (s *Server) checkSecondFactor(c *gin.Context, p core.Participant) (bool, error) {
	if err := s.allow(c, bucketSecondFactor, s.cfg.Limits.LoginPerAccount, p.Email); err != nil {
		return false, err
	}
	f, err := s.store.SecondFactor(c.Request.Context(), p.ID)
	if err != nil || !f.Enabled {
		return false, err
	}
	typed := c.PostForm("code")
	if step, ok := core.MatchTOTP(f.Secret, typed, s.now(), f.LastStep); ok {
		return s.store.UseTOTPStep(c.Request.Context(), p.ID, step)
	}
	if len(strings.Join(strings.Fields(typed), "")) < 12 { // not a recovery code
		return false, nil
	}
	return s.store.UseRecoveryCode(c.Request.Context(), p.ID, core.HashRecoveryCode(typed))
}

// askLoginCode answers a right password of someone with two-step verification
// on: the page that asks for the code, carrying a signed, short-lived note of
// who passed the password (no session yet).
func (s *Server) askLoginCode(c *gin.Context, p core.Participant, next string) {
	payload := fmt.Sprintf("%d.%d", p.ID, s.now().Add(loginCodeFor).Unix())
	s.render(c, http.StatusOK, "login_code", map[string]any{"Pending": payload + "." + s.sign("login-code", payload), "Next": next})
}

// loginCode opens the session of someone who passed their password and now
// typed a right code.
func (s *Server) loginCode(c *gin.Context) {
	pending, next := c.PostForm("pending"), safeNext(c.PostForm("next"))
	again := func(err error) {
		s.formPage(c, "login_code", err, nil, map[string]any{"Pending": pending, "Next": next})
	}
	// pending is "ID.EXPIRES.SIGNATURE" (see askLoginCode).
	parts := strings.Split(pending, ".")
	var id, until int64
	if len(parts) == 3 && s.signedBy("login-code", parts[0]+"."+parts[1], parts[2]) {
		id, _ = strconv.ParseInt(parts[0], 10, 64)
		until, _ = strconv.ParseInt(parts[1], 10, 64)
	}
	if id == 0 || s.now().Unix() > until {
		s.formPage(c, "login", core.Invalid("", "error.two_step_expired"), map[string]string{"next": next}, nil)
		return
	}
	p, err := s.store.Participant(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	ok, err := s.checkSecondFactor(c, p)
	if core.CodeOf(err) == core.CodeRateLimited {
		again(err)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if !ok {
		again(core.Invalid("code", "error.two_step_code"))
		return
	}
	if err := s.startSession(c, p); err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, next)
}

// staffDisableTwoStep lets an administrator turn off the two-step
// verification of someone who lost both their phone and their recovery
// codes, with a reason the audit log keeps.
func (s *Server) staffDisableTwoStep(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.participant_not_found"))
		return
	}
	reason := strings.Join(strings.Fields(c.PostForm("reason")), " ")
	if reason == "" {
		s.fail(c, core.Invalid("reason", "error.two_step_reason"))
		return
	}
	p, err := s.store.Participant(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.DisableSecondFactor(c.Request.Context(), userOf(c).ID, id, reason, s.twoStepMail(p, false)); err != nil {
		s.fail(c, err)
		return
	}
	s.mailPoke()
	s.redirectWithFlash(c, "/staff/participants", "flash.two_step_off")
}

// twoStepMail tells p that two-step verification was turned on or off, and
// what to do if they did not.
func (s *Server) twoStepMail(p core.Participant, on bool) core.Mail {
	key := "mail.two_step_off"
	if on {
		key = "mail.two_step_on"
	}
	return core.Mail{
		To:      p.Email,
		Subject: s.catalog.T(p.Locale, key+".subject"),
		Body: s.catalog.T(p.Locale, key+".body", "name", p.DisplayName, "date", s.now().In(communeZone).Format("02.01.2006 15:04"),
			"reset", s.link("/password/forgot"), "account", s.link("/account/two-step")),
	}
}
