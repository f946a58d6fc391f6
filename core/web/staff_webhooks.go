package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quartier/core"
)

// WebhookSecretText shows a secret as receivers configure it ("whsec_...");
// cmd/quartier sets it from connectors/webhook.
type WebhookSecretText func(secret []byte) string

// staffWebhooks lists the endpoints with the form to add one.
func (s *Server) staffWebhooks(c *gin.Context) {
	s.webhooksPage(c, http.StatusOK, nil, nil, "")
}

func (s *Server) webhooksPage(c *gin.Context, status int, form map[string]string, err error, secret string) {
	all, lerr := s.store.Webhooks(c.Request.Context())
	if lerr != nil {
		s.fail(c, lerr)
		return
	}
	if form == nil {
		form = map[string]string{}
	}
	s.renderForm(c, status, "staff_webhooks", form, map[string]any{"All": all, "Kinds": core.WebhookKinds, "NewSecret": secret,
		"Checked": idSetStrings(c.PostFormArray("kinds"))}, err)
}

func idSetStrings(list []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range list {
		m[v] = true
	}
	return m
}

// staffCreateWebhook registers an endpoint and shows its secret once.
func (s *Server) staffCreateWebhook(c *gin.Context) {
	form := map[string]string{"url": c.PostForm("url"), "description": c.PostForm("description")}
	w, err := core.NormalizeWebhook(form["url"], form["description"], c.PostFormArray("kinds"))
	if err == nil {
		w, err = s.store.CreateWebhook(c.Request.Context(), userOf(c).ID, w)
	}
	if core.CodeOf(err) == core.CodeInvalid {
		s.webhooksPage(c, http.StatusUnprocessableEntity, form, err, "")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	secret := ""
	if s.secretText != nil {
		secret = s.secretText(w.Secret)
	}
	s.webhooksPage(c, http.StatusCreated, nil, nil, secret)
}

// staffWebhookAction enables, disables or deletes an endpoint.
func (s *Server) staffWebhookAction(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, core.NotFound("error.webhook_not_found"))
		return
	}
	ctx, actor := c.Request.Context(), userOf(c).ID
	switch c.PostForm("action") {
	case "enable":
		err = s.store.SetWebhookEnabled(ctx, actor, id, true, "")
	case "disable":
		err = s.store.SetWebhookEnabled(ctx, actor, id, false, "sync.webhook_by_staff")
	case "delete":
		err = s.store.DeleteWebhook(ctx, actor, id)
	default:
		err = core.Invalid("action", "error.form_unreadable")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirectWithFlash(c, "/staff/webhooks", "flash.webhook_changed")
}

// NotifyStaff mails managers and admins, each in their language, that
// something needs them: reason is a message key, detail what it is about.
func (s *Server) NotifyStaff(ctx context.Context, reason, detail string) {
	staff, err := s.store.StaffMembers(ctx)
	if err != nil {
		s.log.Error("staff not told", "reason", reason, "err", err)
		return
	}
	var mails []core.Mail
	for _, p := range staff {
		if !p.Role.AtLeast(core.RoleManager) || p.Email == "" {
			continue
		}
		t := func(key string, args ...any) string { return s.catalog.T(p.Locale, key, args...) }
		mails = append(mails, core.Mail{To: p.Email, Subject: t("mail.staff_attention_subject"),
			Body: t(reason) + "\n\n" + detail + "\n\n" + s.link("/staff/webhooks") + "\n"})
	}
	if err := s.store.QueueMails(ctx, mails); err != nil {
		s.log.Error("staff not told", "reason", reason, "err", err)
		return
	}
	s.mailPoke()
}
