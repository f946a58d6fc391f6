package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quartier/core"
	"quartier/core/postgres"
)

const (
	auditPageSize       = 50   // entries on a page of /staff/audit
	auditOnModeration   = 10   // the newest, on the moderation page
	auditOnIdea         = 50   // the newest about an idea, on its review page
	auditExportPageSize = 1000 // entries read at a time for a download
)

// auditLine is one entry of the staff audit log as staff read it: who did
// what to which thing, in their language, with a link to that thing when the
// reader may open it.
type auditLine struct {
	ID        int64
	When      time.Time
	Who       string // the staff member, "automatic" or "former participant"
	What      string // "Statut : Faisable"
	Action    string // the code, for the CSV
	Thing     string // "Idée n° 11"
	Link      string // "" when there is no page or the reader may not open it
	Detail    string // the moderator's reason, or what the action adds (a role, a count)
	Automatic bool
}

// auditActionParams are the actions whose code ends with a value, and how that
// value is translated: "idea.status.feasible" reads as "audit.action.idea.status"
// with {value} the text of "status.feasible".
var auditActionParams = []struct{ prefix, valueKey string }{
	{"idea.status.", "status."},
	{"project.status.", "pstatus."},
	{"budget.phase.", "budget.phase_"},
	{"council.member.", "councils.role_"},
	{"role.", "role."},
}

// describeAuditEntry writes an entry in the language of t. managerLinks says
// whether the reader may open manager pages (moderators may not); a link to a
// public page is given to every reader.
func describeAuditEntry(t func(string, ...any) string, e postgres.AuditEntry, managerLinks bool) auditLine {
	l := auditLine{ID: e.ID, When: e.CreatedAt, Who: e.Actor, Action: e.Action, Detail: e.Reason, Automatic: e.ActorID == 0}
	switch {
	case l.Automatic:
		l.Who = t("moderation.system")
	case l.Who == "":
		l.Who = t("participant.former")
	}
	l.What = auditWhat(t, e.Action)
	l.Thing = t("entity."+e.Entity, "id", e.EntityID)
	if l.Thing == "entity."+e.Entity {
		l.Thing = fmt.Sprintf("%s %d", e.Entity, e.EntityID)
	}
	if e.Entity == "connector" { // one per system: its name says which
		l.Thing, l.Detail = t("entity.connector", "id", e.Reason), ""
	}
	switch e.Action {
	case "auto_hide": // reason "5 flags"
		var n int
		if _, err := fmt.Sscanf(e.Reason, "%d", &n); err == nil {
			l.Detail = t("moderation.flags", "n", n)
		}
	case "idea.merge": // reason: the idea it joined
		if n, err := strconv.ParseInt(e.Reason, 10, 64); err == nil {
			l.Detail = t("entity.idea", "id", n)
		}
	case "newsletter.send", "consultation.invite": // reason: how many mails
		if n, err := strconv.Atoi(e.Reason); err == nil {
			l.Detail = t("audit.recipients", "n", n)
		}
	}
	public, manager := auditLinks(e)
	l.Link = public
	if managerLinks && manager != "" {
		l.Link = manager
	}
	return l
}

// auditWhat names an action; an action without a text keeps its code, so
// that an entry is never lost from sight for want of a translation.
func auditWhat(t func(string, ...any) string, action string) string {
	key := "audit.action." + action
	if s := t(key); s != key {
		return s
	}
	for _, p := range auditActionParams {
		if value, ok := strings.CutPrefix(action, p.prefix); ok {
			key := "audit.action." + strings.TrimSuffix(p.prefix, ".")
			return t(key, "value", t(p.valueKey+value))
		}
	}
	return action
}

// auditLinks gives the page an entry's thing is on: a public one where it
// has one, and the staff page managers use.
func auditLinks(e postgres.AuditEntry) (public, manager string) {
	id, parent := strconv.FormatInt(e.EntityID, 10), strconv.FormatInt(e.ParentID, 10)
	switch e.Entity {
	case core.EntityIdea:
		return "/ideas/" + id, "/staff/ideas/" + id
	case core.EntityComment:
		if e.ParentID != 0 {
			return "/ideas/" + parent + "#comment-" + id, ""
		}
	case "debate":
		return "/debates/" + id, ""
	case "answer":
		if e.ParentID != 0 {
			return "", "/staff/consultations/" + parent
		}
	case core.EntityProject:
		return "", "/staff/projects/" + id + "/edit"
	case core.EntityConsultation:
		return "", "/staff/consultations/" + id
	case core.EntityMeeting:
		return "", "/staff/events/" + id
	case core.EntityBudget:
		return "", "/staff/budgets/" + id
	case "budget_project", "budget_envelope":
		if e.ParentID != 0 {
			return "", "/staff/budgets/" + parent
		}
	case core.EntityCouncil:
		return "", "/staff/councils/" + id
	case "council_submission":
		return "", "/staff/council"
	case "newsletter":
		return "", "/staff/newsletters/" + id
	case "webhook":
		return "", "/staff/webhooks"
	case core.EntityAnswerTemplate:
		return "", "/staff/answer-templates"
	case "delivery", "connector":
		return "", "/staff/sync"
	case core.EntityParticipant:
		return "", "/staff/participants"
	}
	return "", ""
}

// auditLines reads a page of the log (older than before; 0: the newest) as
// the reader of c sees it.
func (s *Server) auditLines(c *gin.Context, before int64, limit int) ([]auditLine, error) {
	entries, err := s.store.AuditLog(c.Request.Context(), before, limit)
	if err != nil {
		return nil, err
	}
	return s.describeAudit(c, entries), nil
}

// describeAudit writes entries as the reader of c sees them.
func (s *Server) describeAudit(c *gin.Context, entries []postgres.AuditEntry) []auditLine {
	lang := langOf(c)
	t := func(k string, args ...any) string { return s.catalog.T(lang, k, args...) }
	managerLinks := userOf(c).Role.AtLeast(core.RoleManager)
	lines := make([]auditLine, len(entries))
	for i, e := range entries {
		lines[i] = describeAuditEntry(t, e, managerLinks)
	}
	return lines
}

// staffAudit shows the audit log a page at a time, newest first; "older"
// pages are addressed by the last entry seen (?before=ID), so a page stays
// the same while new entries arrive.
func (s *Server) staffAudit(c *gin.Context) {
	before, err := strconv.ParseInt(c.DefaultQuery("before", "0"), 10, 64)
	if err != nil || before < 0 {
		s.fail(c, core.NotFound("error.page_not_found"))
		return
	}
	lines, err := s.auditLines(c, before, auditPageSize+1)
	if err != nil {
		s.fail(c, err)
		return
	}
	older := ""
	if len(lines) > auditPageSize {
		lines = lines[:auditPageSize]
		older = "/staff/audit?before=" + strconv.FormatInt(lines[len(lines)-1].ID, 10)
	}
	s.render(c, http.StatusOK, "staff_audit", map[string]any{"Log": lines, "Older": older, "First": before == 0})
}

// staffAuditExport downloads the whole audit log, newest first, as CSV or
// XLSX (?format), in the reader's language, with the actions' codes beside
// their names for filtering.
func (s *Server) staffAuditExport(c *gin.Context) {
	lang := langOf(c)
	t := func(k string, args ...any) string { return s.catalog.T(lang, k, args...) }
	rows := [][]any{{t("moderation.when"), t("moderation.who"), t("moderation.what"), t("audit.code"), t("audit.thing"), t("audit.detail"), t("audit.link")}}
	base := strings.TrimSuffix(s.cfg.PublicURL.String(), "/")
	for before := int64(0); ; {
		lines, err := s.auditLines(c, before, auditExportPageSize)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, l := range lines {
			link := ""
			if l.Link != "" {
				link = base + l.Link
			}
			rows = append(rows, []any{l.When.UTC(), l.Who, l.What, l.Action, l.Thing, l.Detail, link})
		}
		if len(lines) < auditExportPageSize {
			break
		}
		before = lines[len(lines)-1].ID
	}
	sendTable(c, s, c.Param("format"), "quartier-audit-"+s.now().Format("2006-01-02"), t("moderation.audit"), rows)
}
