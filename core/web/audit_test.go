package web_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"quartier/core"
	"quartier/core/i18n"
	"quartier/core/web"
)

// The audit log names each action and thing in the reader's language, links
// to the thing where the reader may open it, pages through a long log
// without losing or repeating an entry, and downloads whole as CSV.
func TestAuditLogReadsAsStaffSpeak(t *testing.T) {
	a := newApp(t, nil)
	admin := a.account("admin@commune.lu", core.RoleAdmin)
	a.account("mod@commune.lu", core.RoleModerator)
	citizen := a.account("jo@example.lu", core.RoleCitizen)

	adm := a.browser()
	adm.login("admin@commune.lu")
	adm.get("/staff/participants")
	if r := adm.post(fmt.Sprintf("/staff/participants/%d/role", citizen.ID), url.Values{"role": {"moderator"}}); r.status != http.StatusSeeOther {
		t.Fatalf("role change: %d\n%s", r.status, r.body)
	}
	roleLine := fmt.Sprintf("Participant·e n°\u00a0%d", citizen.ID)
	adm.get("/staff/moderation").contains(t, "Rôle\u00a0: Modérateur·rice", roleLine, `href="/staff/participants"`, "Tout le journal")
	mod := a.browser()
	mod.login("mod@commune.lu")
	page := mod.get("/staff/moderation")
	page.contains(t, "Rôle\u00a0: Modérateur·rice", roleLine)
	if strings.Contains(page.body, `href="/staff/participants"`) {
		t.Error("a moderator is offered a link to a manager's page")
	}

	// 60 more entries: two pages of 50, the second ending with the role change.
	for i := range 60 {
		reason := fmt.Sprintf("essai %d", i)
		if i == 59 {
			reason = "=HYPERLINK(\"http://evil.example\")"
		}
		if err := a.store.Audit(ctx, admin.ID, "sync.retry", "delivery", int64(1000+i), reason); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.store.Audit(ctx, admin.ID, "something.new", "gadget", 7, ""); err != nil {
		t.Fatal(err)
	}
	first := adm.get("/staff/audit")
	if !regexp.MustCompile(`<td class="nowrap">\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}</td>`).MatchString(first.body) {
		t.Error("the log's times are not in the commune's time and date format")
	}
	first.contains(t, "something.new", "gadget 7", "Envoi relancé", "Envoi n°\u00a01059", `href="/staff/sync"`)
	if n := strings.Count(first.body, "<tr><td"); n != 50 {
		t.Fatalf("first page: %d entries, want 50", n)
	}
	older := regexp.MustCompile(`href="(/staff/audit\?before=\d+)" rel="next"`).FindStringSubmatch(first.body)
	if older == nil {
		t.Fatalf("no link to older entries:\n%s", first.body)
	}
	second := adm.get(older[1])
	second.contains(t, "Envoi n°\u00a01000", "Envoi n°\u00a01010", "Rôle\u00a0: Modérateur·rice", "Les plus récentes")
	if n := strings.Count(second.body, "<tr><td"); n != 12 {
		t.Fatalf("second page: %d entries, want 12 (61 + the role change - 50)", n)
	}
	if strings.Contains(second.body, "Envoi n°\u00a01011<") || strings.Contains(second.body, `rel="next"`) {
		t.Error("the second page repeats an entry of the first or offers a third")
	}
	if r := adm.get("/staff/audit?before=x"); r.status != http.StatusNotFound {
		t.Errorf("a malformed page: %d, want 404", r.status)
	}

	// German reader, whole log as CSV.
	adm.header.Set("Accept-Language", "de")
	adm.post("/language", url.Values{"lang": {"de"}, "next": {"/"}})
	r := adm.get("/staff/audit/export/csv")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", r.status, r.header.Get("Content-Type"))
	}
	rec := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff")))
	rec.Comma = ';'
	rows, err := rec.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 63 || rows[0][2] != "Was" {
		t.Fatalf("CSV: %d rows (want a header and 62), header %q", len(rows), rows[0])
	}
	var evil, role []string
	for _, row := range rows {
		switch {
		case strings.Contains(row[5], "HYPERLINK"):
			evil = row
		case row[3] == "role.moderator":
			role = row
		}
	}
	if evil == nil || !strings.HasPrefix(evil[5], "'=") {
		t.Errorf("a reason that reads as a formula is not defused: %q", evil)
	}
	if role == nil || role[2] != "Rolle: Moderator/in" || role[6] != "http://localhost/staff/participants" {
		t.Errorf("the role change in German, with its link: %q", role)
	}
	if x := adm.get("/staff/audit/export/xlsx"); x.status != http.StatusOK || !strings.HasPrefix(x.body, "PK") {
		t.Errorf("XLSX: %d, starts %q", x.status, x.body[:min(len(x.body), 4)])
	}
	if x := adm.get("/staff/audit/export/pdf"); x.status != http.StatusNotFound {
		t.Errorf("an unknown format: %d, want 404", x.status)
	}
}

// Every action the store writes to the audit log has a name in every
// language: an action added without one would show its code to staff.
func TestEveryAuditActionHasAName(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../postgres/*.go")
	files = append(files, "staff_sync.go")
	// The literal an action is made from: audit(…, "x", …), action := "x",
	// councilChange(…, "x", …), changeMeeting(…, "x", …), Audit(…, "x"+…),
	// a milestone change's return "x", and the moderation actions' constants.
	literal := regexp.MustCompile(`(?:audit\(ctx, tx, \w+, |action :?= |councilChange\(ctx, actorID, councilID, |changeMeeting\(ctx, actorID, id, |` +
		`Audit\(c\.Request\.Context\(\), userOf\(c\)\.ID, |return |Moderation[A-Z]\w* += )"([a-z_]+(?:\.[a-z_.]*)?)"(?:,|\+|$|\n| )`)
	params := map[string]string{"idea.status.": "feasible", "project.status.": "published", "budget.phase.": "voting",
		"council.member.": "elected", "role.": "manager", "sync.": "retry"}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			action := m[1]
			if strings.HasSuffix(action, ".") {
				v, ok := params[action]
				if !ok {
					t.Errorf("%s: action prefix %q has no named value", f, action)
					continue
				}
				action += v
			}
			found++
			for _, l := range core.Languages {
				if got := web.AuditWhat(cat, l, action); got == action || strings.Contains(got, "audit.") || strings.Contains(got, "{") {
					t.Errorf("%s: action %q reads %q in %s", f, action, got, l)
				}
			}
		}
	}
	if found < 45 {
		t.Fatalf("found %d actions in the sources: the pattern no longer matches how they are written", found)
	}
}
