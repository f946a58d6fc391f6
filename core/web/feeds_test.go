package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"quartier/core"
)

// The open feeds parse in a real feed reader library, carry what is new, and
// public pages describe themselves to link previews.
func TestOpenFeedsParseAndPagesPreview(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff/projects/new")
	r := staff.post("/staff/projects", url.Values{"title": {"Parc de Warken"}, "summary": {"Un parc pour le quartier & ses enfants"}, "body": {"<p>Texte</p>"}})
	project := regexp.MustCompile(`/staff/projects/(\d+)/edit`).FindStringSubmatch(r.header.Get("Location"))[1]
	staff.get("/staff/projects/" + project + "/edit")
	staff.post("/staff/projects/"+project+"/status", url.Values{"status": {"published"}})
	staff.get("/projects/" + project)
	staff.post("/staff/projects/"+project+"/updates", url.Values{"update_title": {"Chantier ouvert"}, "update_body": {"<p>Les travaux <b>commencent</b>.</p>"}})
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get("/ideas/new")
	lea.post("/ideas", url.Values{"title": {"Un banc à Ettelbruck"}, "body": {"Devant la gare, à l'ombre."}, "lat": {"49.8470"}, "lon": {"6.1040"}})

	parser := gofeed.NewParser()
	parse := func(path string) *gofeed.Feed {
		t.Helper()
		res := a.browser().get(path)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d", path, res.status)
		}
		f, err := parser.ParseString(res.body)
		if err != nil {
			t.Fatalf("%s does not parse: %v\n%.500s", path, err, res.body)
		}
		return f
	}
	for _, path := range []string{"/feed.atom", "/feed.rss"} {
		f := parse(path)
		var titles []string
		for _, it := range f.Items {
			titles = append(titles, it.Title)
		}
		if len(f.Items) != 2 || !strings.Contains(strings.Join(titles, "|"), "Parc de Warken\u00a0: Chantier ouvert") || !strings.Contains(strings.Join(titles, "|"), "Un banc à Ettelbruck") {
			t.Fatalf("%s items %v", path, titles)
		}
	}
	if f := parse("/projects/" + project + "/feed.atom"); len(f.Items) != 1 {
		t.Fatalf("project feed: %d items", len(f.Items))
	}
	areas, _ := a.store.Areas(ctx)
	var ettelbruck, luxembourg string
	for _, ar := range areas {
		switch ar.Name {
		case "Ettelbruck":
			ettelbruck = itoa(ar.ID)
		case "Luxembourg":
			luxembourg = itoa(ar.ID)
		}
	}
	if f := parse("/areas/" + ettelbruck + "/feed.rss"); len(f.Items) != 1 || f.Items[0].Title != "Un banc à Ettelbruck" || f.Title != "Ettelbruck · Quartier" {
		t.Fatalf("area feed: %+v", f)
	}
	if f := parse("/areas/" + luxembourg + "/feed.atom"); len(f.Items) != 0 {
		t.Fatalf("an idea of Ettelbruck in Luxembourg's feed: %d", len(f.Items))
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	g := a.browser().get("/ideas.geojson")
	if json.Unmarshal([]byte(g.body), &fc) != nil || len(fc.Features) != 1 || g.header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("ideas.geojson: %s", g.body)
	}
	page := a.browser().get("/projects/" + project)
	page.contains(t, `<meta property="og:title" content="Parc de Warken">`, `content="Un parc pour le quartier &amp; ses enfants"`,
		`<meta name="twitter:card" content="summary">`, "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Flocalhost%2Fprojects%2F"+project)
}

// Feeds are written in the language they are asked for (?lang=, which the
// pages' links carry), where staff translated what they carry.
func TestFeedsInTheReadersLanguage(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	project := staff.publish(t, "Place du Marché", "<p>Réaménager la place.</p>", url.Values{"language": {"fr"}, "title_de": {"Marktplatz"}})
	staff.get(project)
	if r := staff.post("/staff"+project+"/updates", url.Values{"update_title": {"Chantier ouvert"}, "update_body": {"<p>Les travaux commencent.</p>"},
		"update_title_de": {"Baustelle eröffnet"}, "update_body_de": {"<p>Die Arbeiten beginnen.</p>"}}); r.status != http.StatusSeeOther {
		t.Fatalf("update: %d\n%.2000s", r.status, r.body)
	}
	createConsultation(t, staff, url.Values{"title_de": {"Umfrage zum Markt"}})

	parser := gofeed.NewParser()
	parse := func(path string) (*gofeed.Feed, string) {
		t.Helper()
		res := a.browser().get(path)
		f, err := parser.ParseString(res.body)
		if res.status != http.StatusOK || err != nil {
			t.Fatalf("%s: %d %v\n%.500s", path, res.status, err, res.body)
		}
		return f, res.body
	}
	f, body := parse("/feed.atom?lang=de")
	var titles []string
	for _, it := range f.Items {
		titles = append(titles, it.Title)
	}
	if !slices.Contains(titles, "Marktplatz: Baustelle eröffnet") || !strings.Contains(body, `xml:lang="de"`) {
		t.Fatalf("German platform feed: %v\n%.600s", titles, body)
	}
	if f, _ := parse("/feed.rss?lang=fr"); f.Items[0].Title != "Place du Marché\u00a0: Chantier ouvert" || f.Language != "fr" {
		t.Fatalf("French platform feed: %q (%s)", f.Items[0].Title, f.Language)
	}
	if f, _ := parse(project + "/feed.rss?lang=de"); f.Title != "Marktplatz" || f.Items[0].Title != "Baustelle eröffnet" ||
		!strings.Contains(f.Items[0].Description, "Die Arbeiten beginnen.") || f.Language != "de" {
		t.Fatalf("German project feed: %q %q %q", f.Title, f.Items[0].Title, f.Language)
	}
	// The pages link to the feed in their own language.
	b := a.browser()
	b.header.Set("Accept-Language", "de")
	b.get(project).contains(t, `href="`+project+`/feed.atom?lang=de"`, `href="/feed.rss?lang=de"`)
}

// The widget may be framed by the commune's site and is small; the rest of the
// site may not be framed.
func TestWidgetIsFrameableAndLight(t *testing.T) {
	a := newApp(t, nil)
	w := a.browser().get("/widget?lang=de")
	if w.status != http.StatusOK || w.header.Get("X-Frame-Options") != "" || !strings.Contains(w.header.Get("Content-Security-Policy"), "frame-ancestors *") {
		t.Fatalf("widget: %d %v", w.status, w.header)
	}
	w.contains(t, `<html lang="de">`, "Machen Sie in Ihrer Gemeinde mit", `<base target="_top">`)
	js := a.browser().get("/static/widget.js")
	if js.status != http.StatusOK || len(js.body) > 4096 {
		t.Fatalf("widget.js: %d, %d bytes", js.status, len(js.body))
	}
	// The headers every answer shares are not changed by the widget's own.
	if home := a.browser().get("/"); home.header.Get("X-Frame-Options") != "DENY" ||
		!strings.Contains(home.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Fatalf("the site may be framed: %v", home.header)
	}
}
