package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"quartier/core"
	"quartier/core/postgres"
)

// planMeeting creates and publishes a meeting through the staff pages and
// returns its id.
func planMeeting(t *testing.T, staff *browser, form url.Values) string {
	t.Helper()
	staff.get("/staff/events")
	r := staff.post("/staff/events", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	id := regexp.MustCompile(`/staff/events/(\d+)$`).FindStringSubmatch(r.header.Get("Location"))[1]
	staff.get("/staff/events/" + id)
	if r := staff.post("/staff/events/"+id+"/publish", nil); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	return id
}

func TestEventsRegistrationWaitingListAndCalendars(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	a.account("manager@commune.lu", core.RoleManager)
	staff := a.browser()
	staff.login("manager@commune.lu")

	start := time.Now().In(time.UTC).Add(72 * time.Hour).Truncate(time.Hour)
	local := func(t time.Time) string {
		z, _ := time.LoadLocation("Europe/Luxembourg")
		return t.In(z).Format("2006-01-02T15:04")
	}
	form := url.Values{"title": {"Atelier : la place, les bancs; et les arbres"}, "kind": {"workshop"},
		"description": {"<p>Venez dessiner la place <script>alert(1)</script>avec nous. Une longue description pour que la ligne de l'agenda soit pliée à soixante-quinze octets, avec des accents éèàü.</p>"},
		"starts_at":   {local(start)}, "ends_at": {local(start.Add(2 * time.Hour))}, "location": {"Centre culturel, salle 2"},
		"lat": {"49.8470"}, "lon": {"6.1040"}, "capacity": {"2"}}

	// Bad input: refused with the fields named, nothing stored.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("ends_at", local(start.Add(-time.Hour)))
	bad.Set("online_url", "javascript:alert(1)")
	bad.Set("capacity", "beaucoup")
	staff.get("/staff/events")
	if r := staff.post("/staff/events", bad); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.status)
	} else {
		r.contains(t, "Places\u00a0: un nombre entier")
	}
	bad.Set("capacity", "3")
	if r := staff.post("/staff/events", bad); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.status)
	} else {
		r.contains(t, "une fin postérieure au début", "adresse https:// complète")
	}
	if list, _ := a.store.Meetings(ctx, meetingFilterAll()); len(list) != 0 {
		t.Fatalf("bad forms stored %d meetings", len(list))
	}

	id := planMeeting(t, staff, form)
	a.browser().get("/widget").contains(t, "Atelier : la place, les bancs; et les arbres", "Centre culturel, salle 2")

	// Three residents for two places: the third waits, and moves up when one
	// cancels.
	var people []*browser
	for i := range 3 {
		email := "resident" + strconv.Itoa(i) + "@example.lu"
		a.account(email, core.RoleCitizen)
		b := a.browser()
		b.login(email)
		b.get("/events/" + id)
		if r := b.post("/events/"+id+"/register", nil); r.status != http.StatusSeeOther {
			t.Fatalf("register %d: %d\n%s", i, r.status, r.body)
		}
		people = append(people, b)
	}
	people[0].post("/events/"+id+"/register", nil) // a double click
	r := people[2].get("/events/" + id)
	r.contains(t, "Vous êtes en liste d'attente", "2 places prises sur 2", "1 en liste d'attente")
	// Their account lists the coming events they hold or wait for a place at.
	people[2].get("/account").contains(t, "Mes événements", `<a href="/events/`+id+`" lang="fr">Atelier : la place, les bancs; et les arbres</a>`, "sur liste d&#39;attente")
	people[0].get("/events/" + id)
	if r := people[0].post("/events/"+id+"/cancel", nil); r.status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", r.status)
	}
	people[2].get("/events/"+id).contains(t, "Vous êtes inscrit·e")
	m, err := a.store.Meeting(ctx, mustInt(t, id))
	if err != nil || m.RegisteredCount != 2 || m.WaitingCount != 0 {
		t.Fatalf("counts: %+v %v", m, err)
	}

	// The staff page lists them, the sign-in sheet downloads.
	staff.get("/staff/events/"+id).contains(t, "Léa citizen", "Inscrit·e")
	if r := staff.get("/staff/events/" + id + "/registrations/csv"); r.status != http.StatusOK || strings.Count(r.body, "\n") != 4 {
		t.Fatalf("csv: %d\n%s", r.status, r.body)
	}
	// Residents cannot reach staff pages.
	if r := people[1].get("/staff/events/" + id); r.status != http.StatusForbidden {
		t.Fatalf("resident on staff page: %d", r.status)
	}

	// The page escapes what it shows and drops scripts.
	page := a.browser().get("/events/" + id)
	if strings.Contains(page.body, "<script>alert") {
		t.Fatal("script kept in the description")
	}
	page.contains(t, `og:title`, "Atelier : la place")

	// iCalendar, per event and as a feed, read by a real parser.
	for _, path := range []string{"/events/" + id + "/calendar.ics", "/events.ics"} {
		res := a.browser().get(path)
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/calendar") {
			t.Fatalf("%s: %d %s", path, res.status, res.header.Get("Content-Type"))
		}
		for _, line := range strings.Split(res.body, "\r\n") {
			if len(line) > 75 {
				t.Fatalf("%s: line of %d octets: %q", path, len(line), line)
			}
		}
		cal, err := ical.NewDecoder(strings.NewReader(res.body)).Decode()
		if err != nil {
			t.Fatalf("%s does not parse: %v\n%s", path, err, res.body)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("%s: %d events", path, len(events))
		}
		ev := events[0]
		summary, _ := ev.Props.Text(ical.PropSummary)
		desc, _ := ev.Props.Text(ical.PropDescription)
		where, _ := ev.Props.Text(ical.PropLocation)
		from, err := ev.DateTimeStart(time.UTC)
		if err != nil || !from.Equal(start) || summary != form.Get("title") || where != "Centre culturel, salle 2" ||
			!strings.Contains(desc, "éèàü") || strings.Contains(desc, "<p>") {
			t.Fatalf("%s: start %v (%v) summary %q where %q desc %q", path, from, err, summary, where, desc)
		}
		if geo := ev.Props.Get(ical.PropGeo); geo == nil || geo.Value != "49.847000;6.104000" {
			t.Fatalf("geo %+v", geo)
		}
	}

	// Calling it off: registered people are told, registration closes, the
	// calendar says so.
	staff.get("/staff/events/" + id)
	staff.post("/staff/events/"+id+"/cancel", nil)
	a.browser().get("/events/"+id).contains(t, "Cet événement est annulé")
	if r := people[1].post("/events/"+id+"/register", nil); r.status != http.StatusSeeOther && r.status != http.StatusConflict {
		t.Fatalf("after call-off: %d", r.status)
	}
	if !strings.Contains(a.browser().get("/events/"+id+"/calendar.ics").body, "STATUS:CANCELLED") {
		t.Fatal("calendar does not say cancelled")
	}
}

func TestEventDraftsAreHidden(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff/events")
	r := staff.post("/staff/events", url.Values{"title": {"Séance du conseil"}, "kind": {"council_session"},
		"starts_at": {"2031-03-04T19:00"}, "ends_at": {"2031-03-04T21:00"}, "online_url": {"https://stream.example.lu/conseil"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	id := regexp.MustCompile(`(\d+)$`).FindString(r.header.Get("Location"))
	if r := a.browser().get("/events/" + id); r.status != http.StatusNotFound {
		t.Fatalf("draft shown: %d", r.status)
	}
	if strings.Contains(a.browser().get("/events.ics").body, "BEGIN:VEVENT") {
		t.Fatal("draft in the calendar feed")
	}
	if strings.Contains(a.browser().get("/events").body, "Séance du conseil") {
		t.Fatal("draft listed")
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func meetingFilterAll() postgres.MeetingFilter { return postgres.MeetingFilter{Drafts: true} }
