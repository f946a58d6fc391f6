package web_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// A flyer is printed in the consultation's language, or in two: the second
// language's title and summary follow the first's, the rest is joined.
func TestBilingualFlyer(t *testing.T) {
	a := newApp(t, func(c *webConfig) { c.FlyerDir = t.TempDir() })
	a.withGeography()
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	targetID := warkenTarget(staff)
	builder := createConsultation(t, staff, url.Values{"title": {"Trottoirs de la rue de Warken"}, "eligibility": {"verified"}, "target_id": {targetID},
		"description": {"<p>Faut-il élargir les trottoirs ?</p>"}, "title_de": {"Gehwege der Rue de Warken"},
		"description_de": {"<p>Sollen die Gehwege verbreitert werden?</p>"}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"yesno"}, "q_prompt": {"Élargir le trottoir ?"}})
	staff.get(builder)
	staff.post(builder+"/publish", url.Values{"action": {"publish"}})

	staff.get(builder).contains(t, `<select id="flyer_lang2" name="flyer_lang2"><option value="">Aucune</option><option value="de">allemand</option>`)
	print := func(langs url.Values) string {
		t.Helper()
		staff.get(builder)
		langs.Set("paper", "A4")
		r := staff.post(builder+"/flyers", langs)
		run := r.header.Get("Location")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(run, "/staff/flyers/") {
			t.Fatalf("start flyers %v: %d", langs, r.status)
		}
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(staff.get(run).body, run+"/pdf") {
			if time.Now().After(deadline) {
				t.Fatalf("flyer run did not finish:\n%s", staff.get(run).body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		pdf := staff.get(run + "/pdf").body
		if dir := os.Getenv("FLYER_SAMPLE_DIR"); dir != "" { // to look at: FLYER_SAMPLE_DIR=/tmp go test -run TestBilingualFlyer
			os.WriteFile(filepath.Join(dir, "flyer-"+langs.Get("flyer_lang")+langs.Get("flyer_lang2")+".pdf"), []byte(pdf), 0o644)
		}
		return strings.Join(pdfStrings(t, []byte(pdf)), "\n")
	}
	both := print(url.Values{"flyer_lang": {"fr"}, "flyer_lang2": {"de"}})
	for _, want := range []string{"Trottoirs de la rue de Warken", "Gehwege der Rue de Warken", "Faut-il", "Sollen die Gehwege verbreitert werden?",
		"Participez en ligne", "online mit: Code scannen"} {
		if !strings.Contains(both, want) {
			t.Errorf("the bilingual flyer lacks %q:\n%s", want, both)
		}
	}
	german := print(url.Values{"flyer_lang": {"de"}})
	if !strings.Contains(german, "Gehwege der Rue de Warken") || strings.Contains(german, "Trottoirs de la rue") || strings.Contains(german, "Participez") {
		t.Errorf("the German flyer:\n%s", german)
	}
	// Without a choice, the consultation's own language.
	if plain := print(url.Values{}); !strings.Contains(plain, "Trottoirs de la rue de Warken") || strings.Contains(plain, "Gehwege") {
		t.Errorf("the default flyer:\n%s", plain)
	}
}
