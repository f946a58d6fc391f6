package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"quartier/core"
)

func TestNeighbourhoodCouncilDrawIsReproducible(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	staffAcc := a.account("manager@commune.lu", core.RoleManager)
	warken := warkenQuarter(t, a, staffAcc.ID)
	staff := a.browser()
	staff.login("manager@commune.lu")
	staff.get("/staff/councils")
	if r := staff.post("/staff/councils", url.Values{"name": {"W"}, "seats": {"0"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad council: %d", r.status)
	}
	r := staff.post("/staff/councils", url.Values{"name": {"Conseil de quartier de Warken"}, "target_id": {strconv.FormatInt(warken, 10)},
		"seats": {"2"}, "stratified": {"on"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", r.status, r.body)
	}
	id := regexp.MustCompile(`(\d+)$`).FindString(r.header.Get("Location"))
	page := "/councils/" + id

	volunteers := map[string]*browser{}
	for email, address := range map[string]string{"v1@example.lu": "1 cite bourschterbaach", "v2@example.lu": "3 cite bourschterbaach",
		"v3@example.lu": "5 cite bourschterbaach", "v4@example.lu": "7 cite bourschterbaach"} {
		b := a.resident(email, address)
		b.get(page)
		if r := b.post(page+"/volunteer", url.Values{"action": {"join"}}); r.status != http.StatusSeeOther {
			t.Fatalf("%s volunteers: %d\n%s", email, r.status, r.body)
		}
		b.post(page+"/volunteer", url.Values{"action": {"join"}}) // twice: still one candidacy
		volunteers[email] = b
	}
	outsider := a.resident("centre@example.lu", "5 avenue des allies")
	outsider.get(page).contains(t, "réservé aux habitants d'un autre quartier")
	if r := outsider.post(page+"/volunteer", url.Values{"action": {"join"}}); r.status != http.StatusForbidden {
		t.Fatalf("outsider volunteers: %d", r.status)
	}
	// Not a member: may not submit on the council's behalf.
	if r := volunteers["v1@example.lu"].post(page+"/proposals", url.Values{"title": {"Des bancs"}, "body": {"Des bancs au parc."}}); r.status != http.StatusForbidden {
		t.Fatalf("non-member proposal: %d", r.status)
	}

	nc, err := a.store.Council(ctx, mustInt(t, id))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := a.store.CouncilVolunteers(ctx, nc.ID)
	if err != nil || len(pool) != 4 {
		t.Fatalf("%d volunteers, %v", len(pool), err)
	}
	staffPage := "/staff/councils/" + id
	staff.get(staffPage)
	if r := staff.post(staffPage+"/draw", url.Values{"seed": {"tirage-public-2027"}}); r.status != http.StatusSeeOther {
		t.Fatalf("draw: %d\n%s", r.status, r.body)
	}
	members, err := a.store.CouncilMembers(ctx, nc.ID)
	if err != nil || len(members) != 2 {
		t.Fatalf("%d members, %v", len(members), err)
	}
	// Anyone can redo the draw from what the page publishes.
	draws, _ := a.store.CouncilDraws(ctx, nc.ID)
	if len(draws) != 1 || draws[0].Seed != "tirage-public-2027" {
		t.Fatalf("draws %+v", draws)
	}
	redo := core.DrawLots(draws[0].Seed, draws[0].Seats, draws[0].Volunteers, true, nil)
	if !slices.Equal(redo.Drawn, draws[0].Drawn) {
		t.Fatalf("redone draw %v, recorded %v", redo.Drawn, draws[0].Drawn)
	}
	var seated []int64
	for _, m := range members {
		seated = append(seated, m.Participant.ID)
		if m.Role != core.CouncilDrawn {
			t.Errorf("member %d role %s", m.Participant.ID, m.Role)
		}
	}
	slices.Sort(seated)
	drawn := slices.Clone(draws[0].Drawn)
	slices.Sort(drawn)
	if !slices.Equal(seated, drawn) {
		t.Fatalf("seated %v, drawn %v", seated, drawn)
	}
	pub := a.browser().get(page)
	pub.contains(t, "tirage-public-2027", "Cité Bourschterbaach", "tiré·e au sort")
	for email := range volunteers {
		if strings.Contains(pub.body, email) {
			t.Fatal("a volunteer's e-mail on the public page")
		}
	}
	// The seats are full: another draw is refused with a reason.
	if r := staff.post(staffPage+"/draw", url.Values{"seed": {"encore"}}); r.status != http.StatusConflict {
		t.Fatalf("draw when full: %d", r.status)
	} else {
		r.contains(t, "Tous les sièges tirés au sort sont occupés")
	}

	// A drawn member submits a proposal on the council's behalf; staff appoint
	// someone and publish minutes; a council meeting shows on its page.
	var member *browser
	for email, b := range volunteers {
		if slices.Contains(seated, mustAccount(t, a, email)) {
			member = b
		}
	}
	member.get(page)
	if r := member.post(page+"/proposals", url.Values{"title": {"Un passage piéton rue de la Cité"}, "body": {"Devant l'arrêt de bus."}}); r.status != http.StatusSeeOther {
		t.Fatalf("member proposal: %d\n%s", r.status, r.body)
	}
	staff.get(staffPage)
	if r := staff.post(staffPage+"/member", url.Values{"email": {"centre@example.lu"}, "role": {"appointed"}}); r.status != http.StatusSeeOther {
		t.Fatalf("appoint: %d", r.status)
	}
	if r := staff.post(staffPage+"/member", url.Values{"email": {"nobody@example.lu"}, "role": {"appointed"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("appoint unknown: %d", r.status)
	}
	staff.post(staffPage+"/document", url.Values{"title": {"Compte rendu de la séance de mars"}, "body": {"<p>Trois sujets <script>x</script>abordés.</p>"}})
	staff.get("/staff/events")
	r = staff.post("/staff/events", url.Values{"title": {"Séance du conseil de quartier"}, "kind": {"council_session"}, "council_id": {id},
		"starts_at": {"2031-05-04T19:00"}, "ends_at": {"2031-05-04T21:00"}, "location": {"Salle de Warken"}})
	meeting := regexp.MustCompile(`(\d+)$`).FindString(r.header.Get("Location"))
	staff.get("/staff/events/" + meeting)
	staff.post("/staff/events/"+meeting+"/publish", nil)
	final := a.browser().get(page)
	final.contains(t, "Un passage piéton rue de la Cité", "Compte rendu de la séance de mars", "Séance du conseil de quartier", "nommé·e")
	if strings.Contains(final.body, "<script>x") {
		t.Fatal("script kept in a council document")
	}
	// The meeting's page leads back to its council.
	a.browser().get("/events/"+meeting).contains(t, `<p><a href="`+page+`" lang="fr">`)
}

// A council's name and description are translated like the other texts.
func TestCouncilTranslations(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	staff.get("/staff/councils")
	r := staff.post("/staff/councils", url.Values{"name": {"Conseil de quartier du Centre"}, "description": {"<p>Le quartier décide.</p>"},
		"language": {"fr"}, "seats": {"7"}, "title_de": {"Quartiersrat Zentrum"}, "description_de": {"<p>Das Viertel entscheidet.</p>"},
		"description_en": {"<p>A description without a name.</p>"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Une traduction demande un titre") {
		t.Fatalf("an English description without a name: %d", r.status)
	}
	staff.get("/staff/councils")
	r = staff.post("/staff/councils", url.Values{"name": {"Conseil de quartier du Centre"}, "description": {"<p>Le quartier décide.</p>"},
		"language": {"fr"}, "seats": {"7"}, "title_de": {"Quartiersrat Zentrum"}, "description_de": {"<p>Das Viertel entscheidet.</p>"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%.2000s", r.status, r.body)
	}
	council := strings.TrimPrefix(r.header.Get("Location"), "/staff")
	de := a.browser()
	de.header.Set("Accept-Language", "de")
	de.get(council).contains(t, `<h1 lang="de">Quartiersrat Zentrum</h1>`, `<div class="rich" lang="de"><p>Das Viertel entscheidet.</p></div>`)
	de.get("/councils").contains(t, `lang="de">Quartiersrat Zentrum</a>`)
	a.browser().get(council).contains(t, `<h1 lang="fr">Conseil de quartier du Centre</h1>`)
	staff.get("/staff"+council).contains(t, `id="title_de" name="title_de" type="text" maxlength="200" lang="de" value="Quartiersrat Zentrum"`)
	staff.get("/staff/translations").contains(t, `lang="fr">Conseil de quartier du Centre</a></th>
    <td>Conseil de quartier</td>`)
}
