package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/pb"
)

// warkenQuarter stores the quarter of Warken as a target: every street of the
// locality Warken in the real Ettelbruck register.
func warkenQuarter(t *testing.T, a *app, staff int64) int64 {
	t.Helper()
	f, err := os.Open(demoLU + "caclr_addresses_ettelbruck.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	streets := map[string]bool{}
	for _, row := range rows[1:] {
		if row[4] == "Warken" {
			streets[row[2]] = true
		}
	}
	var parts []core.TargetPart
	for name := range streets {
		found, err := a.store.SearchStreets(ctx, name, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range found {
			if s.Name == name {
				parts = append(parts, core.TargetPart{Kind: core.PartStreet, StreetID: s.ID})
			}
		}
	}
	if len(parts) < 5 {
		t.Fatalf("Warken has only %d streets in the register", len(parts))
	}
	target, err := a.store.SaveTarget(ctx, staff, core.Target{Name: "Quartier de Warken", Definition: core.TargetDefinition{Parts: parts}})
	if err != nil {
		t.Fatal(err)
	}
	return target.ID
}

func TestParticipatoryBudgetWithAQuarterEnvelope(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	staffAcc := a.account("manager@commune.lu", core.RoleManager)
	warken := warkenQuarter(t, a, staffAcc.ID)
	staff := a.browser()
	staff.login("manager@commune.lu")

	zone, _ := time.LoadLocation("Europe/Luxembourg")
	local := func(t time.Time) string { return t.In(zone).Format("2006-01-02T15:04") }
	frame := url.Values{"title": {"Budget participatif 2027"}, "method": {"knapsack"}, "rule": {"equal_shares"},
		"vote_opens_at": {local(time.Now().Add(-time.Hour))}, "vote_closes_at": {local(time.Now().Add(24 * time.Hour))},
		"envelopes": {"Toute la commune; 100000\nWarken; 40000; " + strconv.FormatInt(warken, 10)}}
	bad := url.Values{}
	for k, v := range frame {
		bad[k] = v
	}
	bad.Set("envelopes", "Toute la commune; beaucoup")
	staff.get("/staff/budgets")
	if r := staff.post("/staff/budgets", bad); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad envelopes: %d", r.status)
	} else {
		r.contains(t, "Enveloppes\u00a0: une par ligne")
	}
	r := staff.post("/staff/budgets", frame)
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	id := regexp.MustCompile(`(\d+)$`).FindString(r.header.Get("Location"))
	staffPage := "/staff/budgets/" + id
	staff.get(staffPage)
	staff.post(staffPage+"/phase", url.Values{"phase": {"proposals"}})
	b, err := a.store.Budget(ctx, mustInt(t, id))
	if err != nil || len(b.Envelopes) != 2 || b.Phase != core.PhaseProposals {
		t.Fatalf("budget %+v %v", b, err)
	}
	commune, quarter := b.Envelopes[0].ID, b.Envelopes[1].ID

	// Ana lives in Warken, Ben in the town centre.
	ana := a.resident("ana@example.lu", "5 cite bourschterbaach")
	ben := a.resident("ben@example.lu", "5 avenue des allies")

	// Residents of the quarter see its envelope and the commune-wide one;
	// others only the latter.
	page := "/budgets/" + id
	anaPage, benPage := ana.get(page), ben.get(page)
	anaPage.contains(t, "Warken</span> — 40", "Toute la commune</span> — 100")
	benPage.contains(t, "Toute la commune</span> — 100")
	if strings.Contains(benPage.body, "Warken</span> — 40") {
		t.Fatal("a resident of the centre sees Warken's envelope")
	}
	// Someone who has not said where they live sees it, and how to vote in it.
	cleo := a.signedIn("cleo@example.lu", core.RoleCitizen)
	cleo.get(page).contains(t, "Warken</span> — 40", "Indiquez votre adresse pour participer à l&#39;enveloppe de votre quartier.",
		`href="/account/address?next=`+page+`"`)

	propose := func(br *browser, env int64, title string, cost string) response {
		br.get(page)
		return br.post(page+"/proposals", url.Values{"envelope_id": {strconv.FormatInt(env, 10)}, "title": {title},
			"body": {"Une description du projet proposé."}, "estimated_cost": {cost}})
	}
	if r := propose(ben, quarter, "Un banc à Warken", "3000"); r.status != http.StatusForbidden {
		t.Fatalf("Ben proposes in Warken's envelope: %d", r.status)
	}
	if r := propose(ana, commune, "Trop cher", "250000"); r.status != http.StatusBadRequest {
		t.Fatalf("estimate over the envelope: %d", r.status)
	} else {
		r.contains(t, "au plus le montant de l'enveloppe")
	}
	for _, p := range []struct {
		br    *browser
		env   int64
		title string
		cost  string
	}{
		{ana, quarter, "Aire de jeux à Warken", "30000"}, {ana, quarter, "Bancs le long de la Wark", "15000"},
		{ben, commune, "Vélos en libre-service", "60000"}, {ben, commune, "Fontaine place de la Libération", "50000"},
		{ana, commune, "Jardin partagé", "25000"},
	} {
		if r := propose(p.br, p.env, p.title, p.cost); r.status != http.StatusSeeOther {
			t.Fatalf("proposal %q: %d\n%s", p.title, r.status, r.body)
		}
	}
	// Review: feasible, final cost set; then the vote opens.
	projects, err := a.store.BudgetProjects(ctx, b.ID)
	if err != nil || len(projects) != 5 {
		t.Fatalf("%d projects, %v", len(projects), err)
	}
	staff.get(staffPage)
	for _, p := range projects {
		d, err := core.Decision{Status: core.IdeaFeasible, Answer: "Réalisable d'après le service technique."}.Check(p.Status)
		if err == nil {
			err = a.store.Decide(ctx, staffAcc.ID, p.IdeaID, d, func(pp core.Participant, _ core.Idea) core.Mail { return core.Mail{To: pp.Email, Subject: "x"} })
		}
		if err != nil {
			t.Fatal(err)
		}
		if r := staff.post(staffPage+"/cost", url.Values{"project_id": {strconv.FormatInt(p.ID, 10)}, "final_cost": {strconv.FormatInt(p.EstimatedCost, 10)}}); r.status != http.StatusSeeOther {
			t.Fatalf("final cost: %d", r.status)
		}
	}
	staff.post(staffPage+"/phase", url.Values{"phase": {"voting"}})
	ids := map[string]string{}
	for _, p := range projects {
		ids[p.Title] = strconv.FormatInt(p.ID, 10)
	}

	ballot := func(br *browser, env int64, action string, titles ...string) response {
		br.get(page)
		form := url.Values{"action": {action}}
		for _, title := range titles {
			form.Add("project", ids[title])
		}
		return br.post(page+"/envelopes/"+strconv.FormatInt(env, 10)+"/ballot", form)
	}
	if r := ballot(ben, commune, "cast", "Vélos en libre-service", "Fontaine place de la Libération"); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("110,000 € in 100,000: %d", r.status)
	} else {
		r.contains(t, "Votre choix dépasse le montant de l'enveloppe")
	}
	if r := ballot(ben, quarter, "cast", "Aire de jeux à Warken"); r.status != http.StatusForbidden {
		t.Fatalf("Ben votes in Warken's envelope: %d", r.status)
	}
	if r := ballot(ben, commune, "cast", "Aire de jeux à Warken"); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a Warken project in the commune's envelope: %d", r.status)
	}
	if r := ballot(ben, commune, "save", "Vélos en libre-service"); r.status != http.StatusSeeOther {
		t.Fatalf("draft: %d", r.status)
	}
	for _, v := range []struct {
		br     *browser
		env    int64
		titles []string
	}{
		{ben, commune, []string{"Vélos en libre-service", "Jardin partagé"}},
		{ana, commune, []string{"Fontaine place de la Libération", "Jardin partagé"}},
		{ana, quarter, []string{"Aire de jeux à Warken"}},
	} {
		if r := ballot(v.br, v.env, "cast", v.titles...); r.status != http.StatusSeeOther {
			t.Fatalf("cast %v: %d\n%s", v.titles, r.status, r.body)
		}
	}
	ben.get(page).contains(t, "Votre bulletin a été déposé")
	// Their account lists their ballots.
	ana.get("/account").contains(t, "Mes bulletins de budget participatif", `<a href="`+page+`"><span lang="fr">Budget participatif 2027</span> — <span lang="fr">Warken</span></a>`, "déposé le "+communeDay(time.Now()))

	// Anonymous visitors get no election file before the result.
	if r := a.browser().get(page + "/envelopes/" + strconv.FormatInt(commune, 10) + "/election.pb"); r.status != http.StatusNotFound {
		t.Fatalf("election before the result: %d", r.status)
	}
	// The vote closes; staff see both rules and publish.
	closed := url.Values{}
	for k, v := range frame {
		closed[k] = v
	}
	closed.Set("vote_opens_at", local(time.Now().Add(-48*time.Hour)))
	closed.Set("vote_closes_at", local(time.Now().Add(-time.Minute)))
	staff.get(staffPage)
	if r := staff.post(staffPage, closed); r.status != http.StatusSeeOther {
		t.Fatalf("close: %d\n%s", r.status, r.body)
	}
	if r := ballot(ben, commune, "cast", "Jardin partagé"); r.status != http.StatusConflict {
		t.Fatalf("vote after closing: %d", r.status)
	}
	staff.post(staffPage+"/phase", url.Values{"phase": {"results"}})
	staff.get(staffPage).contains(t, "2 bulletins")
	for _, env := range []int64{commune, quarter} {
		if r := staff.post(staffPage+"/publish", url.Values{"envelope_id": {strconv.FormatInt(env, 10)}}); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d\n%s", r.status, r.body)
		}
	}
	results := a.browser().get(page)
	results.contains(t, "Méthode des parts égales", "Les plus votés d'abord", "Jardin partagé", "Warken</span> — 40")
	res := a.browser().get(page + "/envelopes/" + strconv.FormatInt(commune, 10) + "/election.pb")
	if res.status != http.StatusOK {
		t.Fatalf("election file: %d", res.status)
	}
	e, err := pb.ReadPabulib(strings.NewReader(res.body))
	if err != nil {
		t.Fatalf("election file does not read back: %v\n%s", err, res.body)
	}
	if e.Budget != 100000 || len(e.Ballots) != 2 || len(e.Projects) != 3 || strings.Contains(res.body, "example.lu") {
		t.Fatalf("election: budget %d, %d ballots, %d projects\n%s", e.Budget, len(e.Ballots), len(e.Projects), res.body)
	}
	// Jardin partagé is on both ballots: every rule funds it.
	after, _ := a.store.BudgetProjects(ctx, b.ID)
	for _, p := range after {
		if p.Title == "Jardin partagé" && !p.Selected {
			t.Error("Jardin partagé not selected")
		}
	}
}
