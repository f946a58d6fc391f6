package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// Staff translate an event's title and description, and later its outcome;
// visitors, registered people's mails and the calendar get their language.
func TestEventTranslations(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	z, _ := time.LoadLocation("Europe/Luxembourg")
	start := time.Now().In(z).Add(72 * time.Hour).Truncate(time.Hour)
	form := url.Values{"title": {"Atelier : la place"}, "kind": {"workshop"}, "description": {"<p>Venez dessiner la place.</p>"},
		"language": {"fr"}, "title_de": {"Werkstatt: der Platz"}, "description_de": {"<p>Zeichnen Sie den Platz <script>x()</script>mit uns.</p>"},
		"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(2 * time.Hour).Format("2006-01-02T15:04")},
		"location": {"Centre culturel"}, "capacity": {"0"}}
	id := planMeeting(t, staff, form)
	event := "/events/" + id

	visitor := func(lang string) *browser {
		b := a.browser()
		b.header.Set("Accept-Language", lang)
		return b
	}
	de := visitor("de").get(event)
	de.contains(t, `<h1 lang="de">Werkstatt: der Platz</h1>`, `<div class="rich" lang="de"><p>Zeichnen Sie den Platz mit uns.</p></div>`)
	if strings.Contains(de.body, "<script>x") {
		t.Fatal("a translated description is not sanitised")
	}
	visitor("fr").get(event).contains(t, `<h1 lang="fr">Atelier : la place</h1>`)
	visitor("de").get("/events").contains(t, `lang="de">Werkstatt: der Platz</a>`)
	if cal := visitor("de").get(event + "/calendar.ics"); !strings.Contains(cal.body, "SUMMARY:Werkstatt: der Platz") {
		t.Fatalf("German calendar:\n%s", cal.body)
	}

	// A resident reading German registers: the confirmation names the event in German.
	lena := a.signedIn("lena@example.lu", core.RoleCitizen)
	lena.get("/account")
	if r := lena.post("/account/profile", url.Values{"display_name": {"Lena"}, "locale": {"de"}}); r.status != http.StatusSeeOther {
		t.Fatalf("choose German: %d", r.status)
	}
	lena.get(event)
	if r := lena.post(event+"/register", nil); r.status != http.StatusSeeOther {
		t.Fatalf("register: %d", r.status)
	}
	lena.get("/account").contains(t, `<a href="`+event+`" lang="de">Werkstatt: der Platz</a>`)
	mails := deliverAll(t, a)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "Werkstatt: der Platz") {
		t.Fatalf("confirmation mails %+v", mails)
	}

	// A description without a title is refused with a message, and nothing changes.
	staffEvent := "/staff/events/" + id
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("description_en", "<p>Come and draw.</p>")
	staff.get(staffEvent)
	r := staff.post(staffEvent, bad)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Une traduction demande un titre de 3 à 200 caractères.") {
		t.Fatalf("a translation without a title: %d", r.status)
	}
	r.contains(t, `lang="en">&lt;p&gt;Come and draw.&lt;/p&gt;</textarea>`)
	visitor("en").get(event).contains(t, `<h1 lang="fr">Atelier : la place</h1>`)

	// The outcome is translated afterwards; saving the event keeps it.
	staff.get(staffEvent)
	if r := staff.post(staffEvent+"/outcome", url.Values{"outcome": {"<p>Trente personnes.</p>"}, "outcome_de": {"<p>Dreißig Personen.</p>"}}); r.status != http.StatusSeeOther {
		t.Fatalf("outcome: %d\n%.2000s", r.status, r.body)
	}
	form.Del("title_de") // and the German title goes
	form.Del("description_de")
	staff.get(staffEvent)
	if r := staff.post(staffEvent, form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%.2000s", r.status, r.body)
	}
	visitor("de").get(event).contains(t, `<h1 lang="fr">Atelier : la place</h1>`, `<div class="rich" lang="de"><p>Dreißig Personen.</p></div>`)
	visitor("fr").get(event).contains(t, `<div class="rich" lang="fr"><p>Trente personnes.</p></div>`)
	staff.get(staffEvent).contains(t, `<textarea id="outcome_de" name="outcome_de" rows="5" data-rich lang="de">&lt;p&gt;Dreißig Personen.&lt;/p&gt;</textarea>`)
}

// Changing an event's original title alone marks its translation to review;
// so do a budget's and a council's (same store pattern).
func TestOutdatedEventTranslation(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	z, _ := time.LoadLocation("Europe/Luxembourg")
	start := time.Now().In(z).Add(72 * time.Hour).Truncate(time.Hour)
	form := url.Values{"title": {"Atelier : la place"}, "kind": {"workshop"}, "language": {"fr"}, "title_de": {"Werkstatt: der Platz"},
		"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(2 * time.Hour).Format("2006-01-02T15:04")},
		"location": {"Centre culturel"}, "capacity": {"0"}}
	id := planMeeting(t, staff, form)
	page := "/staff/events/" + id
	if strings.Contains(staff.get(page).body, "L&#39;original a changé") {
		t.Fatal("a fresh translation is marked out of date")
	}
	form.Set("title", "Atelier : la place du marché")
	staff.get(page)
	if r := staff.post(page, form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.status)
	}
	staff.get(page).contains(t, "L&#39;original a changé depuis cette traduction")
	staff.get("/staff/translations").contains(t, `<td class="coverage coverage-outdated">À revoir</td>`)
	// Saving the outcome later does not touch the title's source.
	staff.get(page)
	staff.post(page+"/outcome", url.Values{"outcome": {"<p>Trente personnes.</p>"}})
	staff.get(page).contains(t, "L&#39;original a changé depuis cette traduction")
}

// Correcting an event's minutes or a debate's conclusion alone marks their
// translations to review, in their own forms and on the translations page;
// translating again clears it.
func TestOutdatedOutcomeAndConclusionTranslations(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	const notice = "L&#39;original a changé depuis cette traduction"
	z, _ := time.LoadLocation("Europe/Luxembourg")
	start := time.Now().In(z).Add(72 * time.Hour).Truncate(time.Hour)
	id := planMeeting(t, staff, url.Values{"title": {"Atelier : la place"}, "kind": {"workshop"}, "language": {"fr"},
		"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(2 * time.Hour).Format("2006-01-02T15:04")},
		"location": {"Centre culturel"}, "capacity": {"0"}})
	page := "/staff/events/" + id
	outcome := func(fr, de string) {
		t.Helper()
		staff.get(page)
		if r := staff.post(page+"/outcome", url.Values{"outcome": {fr}, "outcome_de": {de}}); r.status != http.StatusSeeOther {
			t.Fatalf("outcome: %d\n%.2000s", r.status, r.body)
		}
	}
	outcome("<p>Trente personnes.</p>", "<p>Dreißig Personen.</p>")
	if strings.Contains(staff.get(page).body, notice) {
		t.Fatal("fresh minutes' translation marked out of date")
	}
	outcome("<p>Trente-deux personnes.</p>", "<p>Dreißig Personen.</p>")
	staff.get(page).contains(t, notice)
	outcome("<p>Trente-deux personnes.</p>", "<p>Zweiunddreißig Personen.</p>")
	if strings.Contains(staff.get(page).body, notice) {
		t.Error("the minutes translated again are still marked out of date")
	}

	project := staff.publish(t, "Zone piétonne", "<p>Fermer la Grand-Rue ?</p>", nil)
	staff.get("/staff" + project + "/edit")
	debate := staff.post("/staff"+project+"/debates", url.Values{"question": {"Faut-il fermer la Grand-Rue le samedi ?"}}).header.Get("Location")
	conclude := func(fr, de string) {
		t.Helper()
		staff.get(debate)
		if r := staff.post("/staff"+debate+"/close", url.Values{"conclusion": {fr}, "conclusion_de": {de}}); r.status != http.StatusSeeOther {
			t.Fatalf("conclusion: %d\n%.2000s", r.status, r.body)
		}
	}
	conclude("Le samedi, la rue sera piétonne.", "Samstags wird die Straße zur Fußgängerzone.")
	if strings.Contains(staff.get(debate).body, notice) {
		t.Fatal("a fresh conclusion's translation marked out of date")
	}
	conclude("Le samedi et le dimanche, la rue sera piétonne.", "Samstags wird die Straße zur Fußgängerzone.")
	staff.get(debate).contains(t, notice)
	staff.get("/staff/translations").contains(t, `<td class="coverage coverage-outdated">À revoir</td>`)
	conclude("Le samedi et le dimanche, la rue sera piétonne.", "Samstags und sonntags wird die Straße zur Fußgängerzone.")
	if strings.Contains(staff.get(debate).body, notice) || strings.Contains(staff.get("/staff/translations").body, "coverage-outdated") {
		t.Error("the conclusion translated again is still marked out of date")
	}
}
