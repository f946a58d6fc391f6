package core

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"
)

// WebhookKinds are the kinds of change an endpoint may subscribe to, and how a
// change-log row is named in a webhook's "type".
var WebhookKinds = []string{
	"project.published", "project.updated", "project_update.created",
	"idea.created", "idea.status_changed", "idea.withdrawn", "comment.created",
	"consultation.published", "event.published", "newsletter.sent",
	"debate.concluded",
}

// WebhookKind names a change-log row for webhooks; "" when none applies.
func WebhookKind(e Event) string {
	switch {
	case e.Entity == EntityProject && e.Data["status"] == string(ProjectPublished):
		return "project.published"
	case e.Entity == EntityProject && e.Kind == EventUpdated:
		return "project.updated"
	case e.Entity == "project_update" && e.Kind == EventCreated:
		return "project_update.created"
	case e.Entity == EntityIdea && e.Kind == EventCreated:
		return "idea.created"
	case e.Entity == EntityIdea && e.Kind == EventUpdated && e.Data["status"] != nil:
		return "idea.status_changed"
	case e.Entity == EntityIdea && e.Kind == EventDeleted && e.Data["withdrawn"] == true:
		return "idea.withdrawn"
	case e.Entity == EntityComment && e.Kind == EventCreated:
		return "comment.created"
	case e.Entity == EntityConsultation && e.Data["published"] == true:
		return "consultation.published"
	case e.Entity == EntityMeeting && e.Data["published"] == true:
		return "event.published"
	case e.Entity == "newsletter" && e.Kind == EventCreated:
		return "newsletter.sent"
	case e.Entity == EntityDebateConclusion:
		return "debate.concluded"
	}
	return ""
}

// WebhookEndpoint is a receiver staff registered.
type WebhookEndpoint struct {
	ID             int64
	URL            string
	Description    string
	Secret         []byte
	Kinds          []string
	Enabled        bool
	DisabledReason string
	LastError      string
}

// Wants reports whether the endpoint subscribed to kind.
func (w WebhookEndpoint) Wants(kind string) bool {
	for _, k := range w.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// NormalizeWebhook checks an endpoint as staff register it: an http(s) URL
// without credentials, and known kinds. (Whether its host is private is decided
// when delivering, on the address actually dialled.)
func NormalizeWebhook(rawURL, description string, kinds []string) (WebhookEndpoint, error) {
	var errs []error
	w := WebhookEndpoint{URL: strings.TrimSpace(rawURL), Description: strings.TrimSpace(description), Enabled: true}
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(w.URL) > 2000 {
		errs = append(errs, Invalid("url", "error.webhook_url"))
	}
	known := map[string]bool{}
	for _, k := range WebhookKinds {
		known[k] = true
	}
	for _, k := range kinds {
		if !known[k] {
			errs = append(errs, Invalid("kinds", "error.webhook_kinds"))
			break
		}
		w.Kinds = append(w.Kinds, k)
	}
	if len(w.Kinds) == 0 {
		errs = append(errs, Invalid("kinds", "error.webhook_kinds"))
	}
	return w, errors.Join(errs...)
}

// WebhookSender delivers one signed webhook message (connectors/webhook).
type WebhookSender interface {
	Deliver(ctx context.Context, url string, secret []byte, msgID string, at time.Time, body []byte) error
}
