package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/web"
	"quartier/geo"
)

// The home page tells everyone what is open now (consultations, a budget
// taking proposals), the next events, the newest projects and ideas and what
// became of ideas; a resident sees their quarter's ideas and projects one
// click away. Closed, draft and past things stay off it.
func TestHomePageShowsWhatIsOpenNow(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	if _, err := a.store.ImportAddresses(ctx, core.AddressImport{Source: geo.FormatBDAdresses, Records: []geo.AddressRecord{
		{ID: 900001, StreetID: 900001, Street: "Place de la Gare", Number: "30", Postcode: "1616", Locality: "Luxembourg", Commune: "Luxembourg", Point: orb.Point{6.1335, 49.60036}, HasPoint: true},
	}}); err != nil {
		t.Fatal(err)
	}
	gare := a.areaAt(6.1335, 49.60036, "Gare")
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	manager, _, _ := a.store.Credentials(ctx, "manager@commune.lu")
	tram := staff.publish(t, "Un tram jusqu'au Kirchberg", "<p>Travaux.</p>", nil)
	staff.get("/staff" + tram + "/edit")
	staff.post("/staff"+tram+"/debates", url.Values{"question": {"Faut-il un arrêt de plus rue de la Gare ?"}})
	closed := staff.post("/staff"+tram+"/debates", url.Values{"question": {"Des rails engazonnés ?"}}).header.Get("Location")
	staff.get(closed)
	staff.post("/staff"+closed+"/close", url.Values{"conclusion": {"Oui, sur tout le tracé hors carrefours."}})

	now := time.Now()
	for _, k := range []struct {
		title         string
		opens, closes time.Time
		published     bool
	}{
		{"Sondage sur les horaires du marché", now.Add(-time.Hour), now.Add(10 * 24 * time.Hour), true},
		{"Sondage terminé sur les bancs", now.Add(-10 * 24 * time.Hour), now.Add(-time.Hour), true},
		{"Brouillon de sondage", now.Add(-time.Hour), now.Add(24 * time.Hour), false},
	} {
		id, err := a.store.SaveConsultation(ctx, manager.ID, core.Consultation{Kind: core.KindSurvey, Title: k.title, Eligibility: core.EligibleAnyone,
			OpensAt: k.opens, ClosesAt: k.closes})
		if err == nil {
			q, _ := core.NormalizeQuestion(core.Question{Kind: core.QYesNo, Prompt: "D'accord ?"})
			_, err = a.store.SaveQuestion(ctx, manager.ID, id, q)
		}
		if err == nil && k.published {
			err = a.store.PublishConsultation(ctx, manager.ID, id, true)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range []struct {
		title string
		in    time.Duration
	}{{"Atelier vélo à la gare", 3 * 24 * time.Hour}, {"Réunion passée", -3 * 24 * time.Hour}} {
		id, err := a.store.SaveMeeting(ctx, manager.ID, core.Meeting{Kind: core.MeetingWork, Title: e.title, StartsAt: now.Add(e.in), EndsAt: now.Add(e.in + 2*time.Hour)}, nil)
		if err == nil {
			err = a.store.PublishMeeting(ctx, manager.ID, id)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	staff.get("/staff/budgets")
	r := staff.post("/staff/budgets", url.Values{"title": {"Budget participatif 2027"}, "method": {"approval"}, "rule": {"greedy"},
		"vote_opens_at": {now.AddDate(0, 1, 0).Format("2006-01-02T15:04")}, "vote_closes_at": {now.AddDate(0, 2, 0).Format("2006-01-02T15:04")},
		"envelopes": {"Toute la commune; 100000"}})
	budget := regexp.MustCompile(`(\d+)$`).FindString(r.header.Get("Location"))
	staff.get("/staff/budgets/" + budget)
	if r := staff.post("/staff/budgets/"+budget+"/phase", url.Values{"phase": {"proposals"}}); r.status != http.StatusSeeOther {
		t.Fatalf("budget in proposals: %d\n%s", r.status, r.body)
	}

	lea := a.resident("lea@example.lu", "30 place de la gare luxembourg")
	idea := lea.propose(url.Values{"title": {"Une fontaine à la gare"}, "body": {"Devant la gare centrale."}})
	staff.get("/staff" + idea)
	if r := staff.post("/staff"+idea+"/decision", url.Values{"status": {"feasible"}, "answer": {"Le service des eaux la posera au printemps."}}); r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d\n%s", r.status, r.body)
	}

	home := a.browser().get("/")
	if home.status != http.StatusOK {
		t.Fatalf("home: %d", home.status)
	}
	home.contains(t, "En ce moment", "Sondage sur les horaires du marché", "ouverte jusqu'au "+communeDay(now.Add(10*24*time.Hour)),
		"Budget participatif 2027", "proposez vos projets", "Prochains événements", "Atelier vélo à la gare",
		"Faut-il un arrêt de plus rue de la Gare ?", "Débat · Un tram jusqu&#39;au Kirchberg · 0 argument",
		"Projets récents", "Un tram jusqu'au Kirchberg", "Dernières idées", "Une fontaine à la gare",
		"Dernières réponses de la commune", "réponse du "+communeDay(now), "Le service des eaux la posera au printemps.",
		"Ce que deviennent les idées", "Réponses dans le délai promis</dt><dd>100 %</dd>", "Idées réalisées</dt><dd>0</dd>",
		`<a class="button" href="/register">`)
	for _, gone := range []string{"Sondage terminé", "Brouillon de sondage", "Réunion passée", "Aucune consultation", "Des rails engazonnés"} {
		if strings.Contains(home.body, gone) {
			t.Errorf("home page shows %q", gone)
		}
	}
	lea.get("/").contains(t, "Quartier Gare (votre adresse)", fmt.Sprintf(`<a href="/ideas?area=%d">ses idées</a>`, gare),
		fmt.Sprintf(`<a href="/projects?area=%d">ses projets</a>`, gare))
	staff.get("/").contains(t, `<a href="/account/address?next=/">Indiquez votre adresse`)

	// A commune with nothing open yet says so, and shows no figures.
	empty := newApp(t, nil).browser().get("/")
	empty.contains(t, "Aucune consultation ni aucun vote n'est ouvert en ce moment", "Aucune idée")
	if strings.Contains(empty.body, "Ce que deviennent les idées") || strings.Contains(empty.body, "Prochains événements") ||
		strings.Contains(empty.body, "Dernières réponses") {
		t.Error("an empty commune's home page shows figures or events")
	}
}

// The staff home counts accounts by how far they went: e-mail confirmed, home
// address given, residence verified.
func TestStaffHomeCountsParticipantsBySteps(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	manager := a.signedIn("manager@commune.lu", core.RoleManager)
	a.resident("ana@example.lu", "5 avenue des allies")
	manager.get("/staff").contains(t, "Participant·e·s inscrit·e·s</dt><dd>2</dd>", "E-mail confirmé</dt><dd>2</dd>",
		"Avec une adresse de résidence</dt><dd>1</dd>", "Résidence vérifiée</dt><dd>0</dd>")
}

// The follow-up promise is explained with the commune's own numbers.
func TestHowIdeasAreFollowedUp(t *testing.T) {
	a := newApp(t, func(c *webConfig) { c.FollowUp = core.FollowUp{SupportThreshold: 25, ReviewDays: 21, AnswerDays: 45} })
	page := a.browser().get("/how-it-works")
	if page.status != http.StatusOK {
		t.Fatalf("status %d", page.status)
	}
	page.contains(t, "Comment vos idées sont suivies", "réponse officielle dans les 45 jours", "À 25 soutiens", "qui a 21 jours")
	if strings.Contains(page.body, "Ce que deviennent les idées") {
		t.Error("figures shown with no idea")
	}
	a.browser().get("/").contains(t, `<a href="/how-it-works">Comment vos idées sont suivies</a>`)
}

// The accessibility statement names the commune, what is not accessible and
// what replaces it, where to write (the configured address, or the commune),
// and the body to turn to next.
func TestAccessibilityStatement(t *testing.T) {
	a := newApp(t, func(c *webConfig) {
		c.Commune = web.Commune{Name: "Commune d'Ettelbruck", Contact: "participation@ettelbruck.lu"}
	})
	page := a.browser().get("/accessibility")
	if page.status != http.StatusOK {
		t.Fatalf("status %d", page.status)
	}
	page.contains(t, "Commune d'Ettelbruck veut que chacun puisse participer", "partiellement conforme à la norme EN 301 549",
		"les idées visibles sur la carte sont listées sous celle-ci", `<a href="mailto:participation@ettelbruck.lu">`, `href="https://accessibilite.public.lu"`)
	a.browser().get("/").contains(t, `<a href="/accessibility">Accessibilité</a>`)
	none := newApp(t, nil).browser().get("/accessibility")
	none.contains(t, "Contactez l'administration de localhost.")
	if strings.Contains(none.body, "mailto:") {
		t.Error("a mailto link without a configured address")
	}
}

// The privacy notice names the commune, its addresses and what depends on the
// installation (session length, links, the tile server, sign-in providers),
// and leads to the pages where a person exercises their rights.
func TestPrivacyNotice(t *testing.T) {
	a := newApp(t, func(c *webConfig) {
		c.Commune = web.Commune{Name: "Commune d'Ettelbruck", Contact: "participation@ettelbruck.lu", DPO: "dpo@ettelbruck.lu"}
		c.SessionTTL = 30 * 24 * time.Hour
		c.Map.TileURL = "https://tiles.example.lu/{z}/{x}/{y}.png"
	})
	page := a.browser().get("/privacy")
	if page.status != http.StatusOK {
		t.Fatalf("status %d", page.status)
	}
	page.contains(t, "Commune d'Ettelbruck est responsable des données personnelles", `<a href="mailto:dpo@ettelbruck.lu">`,
		`<a href="mailto:participation@ettelbruck.lu">`, "Une session dure 30 jours", "valent au plus 1 heure et",
		"Le fond des cartes vient de tiles.example.lu", `href="/account/export"`, `href="/account/delete"`, `href="https://cnpd.public.lu"`)
	a.browser().get("/").contains(t, `<a href="/privacy">Données personnelles</a>`)
	none := newApp(t, func(c *webConfig) { c.Map.TileURL = "" }).browser().get("/privacy")
	if strings.Contains(none.body, "mailto:") || strings.Contains(none.body, "fond des cartes") {
		t.Error("the notice names an address or a tile server that is not configured")
	}
	none.contains(t, "écrivez à localhost")
}
