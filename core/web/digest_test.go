package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"quartier/core"
	"quartier/core/web"
	"quartier/geo"
)

// The weekly digest tells each resident who asked for it what is new in their
// quarter: ideas placed there and projects for it or for the whole commune.
// Other quarters' news stays out, residents with nothing new and those who did
// not ask get nothing, a week is sent once, and the mail's link unsubscribes.
func TestWeeklyDigest(t *testing.T) {
	now := time.Now().AddDate(0, 0, 7) // the digest covers the week the test writes in
	a := newApp(t, nil, func(d *web.Deps) { d.Now = func() time.Time { return now } })
	a.withGeography()
	if _, err := a.store.ImportAddresses(ctx, core.AddressImport{Source: geo.FormatBDAdresses, Records: []geo.AddressRecord{
		{ID: 900001, StreetID: 900001, Street: "Place de la Gare", Number: "30", Postcode: "1616", Locality: "Luxembourg", Commune: "Luxembourg", Point: orb.Point{6.1335, 49.60036}, HasPoint: true},
		{ID: 900002, StreetID: 900002, Street: "Avenue John F. Kennedy", Number: "44", Postcode: "1855", Locality: "Luxembourg", Commune: "Luxembourg", Point: orb.Point{6.1550, 49.6280}, HasPoint: true},
	}}); err != nil {
		t.Fatal(err)
	}
	kirchbergID := a.areaAt(6.1550, 49.6280, "Kirchberg")

	subscribe := func(email, address string, digest bool) *browser {
		b := a.resident(email, address)
		b.get("/account")
		form := url.Values{"invitations": {"on"}}
		if digest {
			form.Set("digest", "on")
		}
		if r := b.post("/account/subscriptions", form); r.status != http.StatusSeeOther {
			t.Fatalf("subscriptions of %s: %d", email, r.status)
		}
		return b
	}
	lea := subscribe("lea@example.lu", "30 place de la gare luxembourg", true)
	tom := subscribe("tom@example.lu", "44 avenue john f. kennedy", true)
	tom.get("/account") // Tom reads German: his digest names projects and events in German where staff translated them
	tom.post("/account/profile", url.Values{"display_name": {"Tom"}, "locale": {"de"}})
	subscribe("max@example.lu", "12 rue de warken", true) // Ettelbruck: the register has no position
	subscribe("eve@example.lu", "30 place de la gare luxembourg", false)
	lea.get("/account").contains(t, `<input type="checkbox" id="sub-digest" name="digest" aria-describedby="sub-digest-hint" checked>`)

	fountain := lea.propose(url.Values{"title": {"Une fontaine à la gare"}, "body": {"Devant la gare centrale."}, "lat": {"49.6000"}, "lon": {"6.1335"}})
	lea.propose(url.Values{"title": {"Une piste cyclable au Kirchberg"}, "body": {"Le long de l'avenue."}, "lat": {"49.6280"}, "lon": {"6.1550"}})
	lea.propose(url.Values{"title": {"Plus de concerts"}, "body": {"Sans lieu précis."}})
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	staff.get("/staff" + fountain)
	if r := staff.post("/staff"+fountain+"/decision", url.Values{"status": {"feasible"}, "answer": {"Le service des eaux l'installera au printemps."}}); r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d", r.status)
	}
	staff.publish(t, "Un tram jusqu'au Kirchberg", "<p>Travaux.</p>", url.Values{"areas": {fmt.Sprint(kirchbergID)}, "title_de": {"Eine Tram zum Kirchberg"}})
	staff.publish(t, "Budget participatif 2027", "<p>Pour toute la commune.</p>", nil)
	// Events: one at the Kirchberg and one with no place within the fortnight
	// after the digest's week, one after it.
	manager, _, _ := a.store.Credentials(ctx, "manager@commune.lu")
	_, weekEnd := mondays(now)
	for _, e := range []struct {
		title string
		in    time.Duration
		at    orb.Point
	}{{"Atelier vélo au Kirchberg", 3 * 24 * time.Hour, orb.Point{6.1550, 49.6280}}, {"Réunion en ligne", 5 * 24 * time.Hour, orb.Point{}},
		{"Fête de fin d'année", 20 * 24 * time.Hour, orb.Point{}}} {
		m := core.Meeting{Kind: core.MeetingWork, Title: e.title, StartsAt: weekEnd.Add(e.in + 14*time.Hour), EndsAt: weekEnd.Add(e.in + 16*time.Hour),
			Point: e.at, HasPoint: e.at != orb.Point{}, Language: core.French}
		if e.title == "Atelier vélo au Kirchberg" {
			m.Translations = map[core.Language]core.MeetingText{core.German: {Title: "Fahrradwerkstatt am Kirchberg"}}
		}
		id, err := a.store.SaveMeeting(ctx, manager.ID, m, nil)
		if err == nil {
			err = a.store.PublishMeeting(ctx, manager.ID, id)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	a.store.ClaimDueMail(ctx, 100, time.Hour) // sign-ups and publication noise

	n, err := a.web.SendWeeklyDigest(ctx)
	if err != nil || n != 3 {
		t.Fatalf("digest: %d mails, %v; want 3 (lea, tom, max)", n, err)
	}
	mails, _ := a.store.ClaimDueMail(ctx, 100, time.Hour)
	got := map[string]core.Mail{}
	for _, m := range mails {
		got[m.Mail.To] = m.Mail
	}
	want := map[string]struct {
		place       string
		has, hasNot []string
	}{
		"lea@example.lu": {"Quartier Gare", []string{"Une fontaine à la gare – http://localhost/ideas/1", "Budget participatif 2027",
			"Réponses de la commune aux idées de votre quartier\u00a0:\n- Une fontaine à la gare – http://localhost/ideas/1",
			"Prochains événements", weekEnd.Add(3*24*time.Hour).Format("02.01.") + " 14:00 Atelier vélo au Kirchberg – http://localhost/events/1", "Réunion en ligne"},
			[]string{"Un tram", "piste cyclable", "Plus de concerts", "Fête"}},
		"tom@example.lu": {"Viertel Kirchberg", []string{"Une piste cyclable au Kirchberg", "Eine Tram zum Kirchberg", "Budget participatif 2027",
			"Fahrradwerkstatt am Kirchberg"}, []string{"fontaine", "Plus de concerts", "Fête", "Un tram", "Atelier vélo", "Réponses de la commune"}},
		"max@example.lu": {"Commune Ettelbruck", []string{"Budget participatif 2027", "Réunion en ligne"}, []string{"Nouvelles idées", "Kirchberg", "fontaine", "Fête"}},
	}
	var to []string
	for email := range got {
		to = append(to, email)
	}
	sort.Strings(to)
	if len(got) != 3 || strings.Join(to, " ") != "lea@example.lu max@example.lu tom@example.lu" {
		t.Fatalf("digest went to %q", to)
	}
	for email, w := range want {
		m := got[email]
		if !strings.Contains(m.Subject, "("+w.place+")") || !strings.HasPrefix(m.Unsubscribe, "http://localhost/unsubscribe?t=") {
			t.Errorf("%s: subject %q, unsubscribe %q", email, m.Subject, m.Unsubscribe)
		}
		for _, s := range w.has {
			if !strings.Contains(m.Body, s) {
				t.Errorf("%s lacks %q:\n%s", email, s, m.Body)
			}
		}
		for _, s := range w.hasNot {
			if strings.Contains(m.Body, s) {
				t.Errorf("%s has %q:\n%s", email, s, m.Body)
			}
		}
	}

	staff.get("/staff/newsletters").contains(t, "3 abonné·e·s avec une adresse · dernier envoi pour la semaine jusqu&#39;au "+
		weekEnd.Format("02.01.2006")+"\u00a0: 3 messages")

	// The same week again (a retry, a second server): nothing more.
	if n, err := a.web.SendWeeklyDigest(ctx); err != nil || n != 0 {
		t.Fatalf("the same week again: %d, %v", n, err)
	}
	if again, _ := a.store.ClaimDueMail(ctx, 100, time.Hour); len(again) != 0 {
		t.Fatalf("the same week again queued %d mails", len(again))
	}
	// A week later there is nothing new: nothing is sent.
	now = now.AddDate(0, 0, 7)
	if n, err := a.web.SendWeeklyDigest(ctx); err != nil || n != 0 {
		t.Fatalf("a quiet week: %d, %v", n, err)
	}

	u, _ := url.Parse(got["tom@example.lu"].Unsubscribe)
	a.browser().get(u.RequestURI()).contains(t, "Ne plus recevoir chaque semaine ce qui est nouveau près de chez vous")
	a.browser().post(u.RequestURI(), nil).contains(t, "vous ne recevrez plus ce qui est nouveau près de chez vous")
	tom = a.browser()
	tom.login("tom@example.lu")
	if strings.Contains(tom.get("/account").body, `name="digest" aria-describedby="sub-digest-hint" checked`) {
		t.Error("the unsubscribe link left the digest on")
	}
}

// mondays returns, for a digest sent at now, the start and the end of the
// week it covers: the Monday before last and last Monday, 00:00 in
// Luxembourg (worked out here on its own, not with the server's code).
func mondays(now time.Time) (time.Time, time.Time) {
	zone, _ := time.LoadLocation("Europe/Luxembourg")
	local := now.In(zone)
	y, m, d := local.AddDate(0, 0, -((int(local.Weekday()) + 6) % 7)).Date()
	end := time.Date(y, m, d, 0, 0, 0, 0, zone)
	return end.AddDate(0, 0, -7), end
}
