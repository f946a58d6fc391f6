package web_test

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

var idInLocation = regexp.MustCompile(`/(\d+)$`)

// createConsultation fills the staff form and returns the builder's path.
func createConsultation(t testing.TB, b *browser, form url.Values) string {
	t.Helper()
	b.get("/staff/consultations")
	now := time.Now().In(time.UTC)
	defaults := url.Values{"title": {"Place du marché"}, "kind": {"survey"}, "eligibility": {"anyone"}, "project_id": {"0"}, "target_id": {"0"},
		"opens_at": {now.Add(-2 * time.Hour).Format("2006-01-02T15:04")}, "closes_at": {now.Add(48 * time.Hour).Format("2006-01-02T15:04")},
		"description": {"<p>Votre avis <script>alert(1)</script>compte.</p>"}}
	for k, v := range form {
		defaults[k] = v
	}
	r := b.post("/staff/consultations", defaults)
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !idInLocation.MatchString(loc) {
		t.Fatalf("create consultation: %d %s\n%.2000s", r.status, loc, r.body)
	}
	return loc
}

func addQuestion(t *testing.T, b *browser, builder string, q url.Values) {
	t.Helper()
	b.get(builder)
	if r := b.post(builder+"/questions", q); r.status != http.StatusSeeOther {
		t.Fatalf("add question %v: %d\n%.3000s", q, r.status, r.body)
	}
}

// fieldNames returns the answer fields of the questionnaire, in order.
func fieldNames(body string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`name="(q\d+)(?:_[a-z]+(?:_\d+)?)?"`).FindAllStringSubmatch(body, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

func optionValues(body, field string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`name="`+field+`" value="(\d+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestSurveyIsBuiltAnsweredOnceAndCounted(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	staff := a.browser()
	staff.login("manager@commune.lu")
	builder := createConsultation(t, staff, nil)
	id := idInLocation.FindStringSubmatch(builder)[1]
	public := "/consultations/" + id

	// A question with one option is refused with a message; nothing is added.
	staff.get(builder)
	r := staff.post(builder+"/questions", url.Values{"q_kind": {"single"}, "q_prompt": {"Quel usage ?"}, "q_options": {"Marché"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("one option: %d", r.status)
	}
	r.contains(t, "Donnez entre 2 et 50 options")
	addQuestion(t, staff, builder, url.Values{"q_kind": {"single"}, "q_prompt": {"Quel usage ?"}, "q_options": {"Marché\nParking\nJardin"}, "q_required": {"on"}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"ranking"}, "q_prompt": {"Vos priorités"}, "q_options": {"Arbres\nBancs\nJeux"}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"scale"}, "q_prompt": {"Satisfaction"}, "q_scale": {"5"}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"text"}, "q_prompt": {"Autre chose ?"}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"point"}, "q_prompt": {"Où manque-t-il un banc ?"}})
	// A question is edited in place while nobody has answered.
	first := regexp.MustCompile(`action="` + builder + `/questions/(\d+)"`).FindStringSubmatch(staff.get(builder).body)
	if r := staff.post(builder+"/questions/"+first[1], url.Values{"action": {"save"}, "q_kind": {"single"}, "q_prompt": {"Quel usage pour la place ?"},
		"q_options": {"Marché\nParking\nJardin"}, "q_required": {"on"}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit question: %d\n%.2000s", r.status, r.body)
	}
	staff.get(builder).contains(t, "Quel usage pour la place ?")
	// Not public before publication.
	if r := a.browser().get(public); r.status != http.StatusNotFound {
		t.Fatalf("draft visible: %d", r.status)
	}
	staff.get(builder)
	if r := staff.post(builder+"/publish", url.Values{"action": {"publish"}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}

	anon := a.browser()
	page := anon.get(public)
	page.contains(t, "Place du marché", "Connectez-vous pour répondre")
	if strings.Contains(page.body, "<script>alert") {
		t.Fatal("script in the description survived")
	}

	lea := a.browser()
	lea.login("lea@example.lu")
	page = lea.get(public)
	fields := fieldNames(page.body)
	if len(fields) != 5 {
		t.Fatalf("questionnaire fields: %v\n%.3000s", fields, page.body)
	}
	single, ranking, scale, text, point := fields[0], fields[1], fields[2], fields[3], fields[4]
	choices := optionValues(page.body, single)
	rankFields := regexp.MustCompile(`name="(`+ranking+`_rank_\d+)"`).FindAllStringSubmatch(page.body, -1)
	if len(choices) != 3 || len(rankFields) != 3 {
		t.Fatalf("options %v, rank fields %v", choices, rankFields)
	}

	// Bad answers: a required question left blank, a ranking with a place twice,
	// a scale out of range. Clear messages, nothing counted.
	bad := url.Values{ranking + "_rank_" + strings.Split(rankFields[0][1], "_rank_")[1]: {"1"}, rankFields[1][1]: {"1"}, scale: {"9"}}
	r = lea.post(public+"/answers", bad)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad answers: %d", r.status)
	}
	r.contains(t, "Donnez à chaque option une place différente")
	r = lea.post(public+"/answers", url.Values{scale: {"9"}})
	r.contains(t, "Cette question demande une réponse", "Choisissez une valeur de l'échelle")
	if k, _ := a.store.Consultation(ctx, mustID(t, id)); k.ResponseCount != 0 {
		t.Fatalf("refused answers counted: %d", k.ResponseCount)
	}

	good := url.Values{single: {choices[0]}, rankFields[0][1]: {"2"}, rankFields[1][1]: {"1"}, rankFields[2][1]: {"3"}, scale: {"4"},
		text: {"Plus d'ombre, s'il vous plaît."}, point + "_lat": {"49.85"}, point + "_lon": {"6.10"}}
	for range 2 { // a double submit counts once
		if r := lea.post(public+"/answers", good); r.status != http.StatusSeeOther {
			t.Fatalf("answer: %d\n%.2000s", r.status, r.body)
		}
	}
	good.Set(single, choices[1]) // a change of mind moves the vote
	lea.post(public+"/answers", good)
	page = lea.get(public)
	page.contains(t, "Vous avez répondu le")
	lea.get("/account").contains(t, "Consultations auxquelles j&#39;ai répondu", `<a href="`+public+`" lang="fr">`, "vous pouvez modifier vos réponses jusqu&#39;au")
	if !strings.Contains(page.body, `value="`+choices[1]+`" checked`) {
		t.Fatal("the form does not show the saved answer")
	}
	// Results are for later (live results off): residents are told.
	if r := lea.get(public + "/results"); r.status != http.StatusForbidden {
		t.Fatalf("results before closing: %d", r.status)
	}
	res := staff.get(public + "/results")
	res.contains(t, "1 réponse", "Parking</td><td>1</td><td>100\u00a0%", "Marché</td><td>0</td>", "moyenne 4.0", "Plus d'ombre", `class="chart"`, "Carte des 1 points")
	// Questions are frozen now.
	staff.get(builder)
	r = staff.post(builder+"/questions", url.Values{"q_kind": {"yesno"}, "q_prompt": {"Encore ?"}})
	if r.status != http.StatusConflict {
		t.Fatalf("question after answers: %d", r.status)
	}
	r.contains(t, "les questions ne peuvent plus changer")

	csvResp := staff.get(builder + "/responses/csv")
	lines := strings.Split(strings.TrimSpace(csvResp.body), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "Parking") || !strings.Contains(lines[1], "1. Bancs | 2. Arbres | 3. Jeux") || strings.Contains(csvResp.body, "lea@example.lu") {
		t.Fatalf("responses csv: %q", csvResp.body)
	}

	// Closing: answers are refused, results become public.
	k, _ := a.store.Consultation(ctx, mustID(t, id))
	k.OpensAt, k.ClosesAt = time.Now().Add(-72*time.Hour), time.Now().Add(-time.Minute)
	if _, err := a.store.SaveConsultation(ctx, 0, k); err != nil {
		t.Fatal(err)
	}
	lea.get(public)
	if r := lea.post(public+"/answers", good); r.status != http.StatusConflict {
		t.Fatalf("answer after closing: %d", r.status)
	}
	lea.get(public+"/results").contains(t, "Parking</td><td>1</td>")
	// Her answers are in her personal data export.
	var export struct {
		Content struct {
			Answers []struct {
				ConsultationID int64 `json:"consultation_id"`
				Answers        []struct {
					Text string `json:"text"`
				} `json:"answers"`
			} `json:"consultation_answers"`
		} `json:"content"`
	}
	if err := json.Unmarshal([]byte(lea.get("/account/export").body), &export); err != nil || len(export.Content.Answers) != 1 ||
		itoa(export.Content.Answers[0].ConsultationID) != id || !strings.Contains(fmt.Sprint(export.Content.Answers[0].Answers), "Plus d'ombre") {
		t.Fatalf("export: %+v %v", export, err)
	}
}

// pdfStrings returns the text strings drawn in a PDF's (deflated) content streams.
func pdfStrings(t *testing.T, pdf []byte) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`).FindAllSubmatch(pdf, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a deflated stream
		}
		raw, _ := io.ReadAll(zr)
		for _, s := range regexp.MustCompile(`\(((?:[^()\\]|\\.)*)\) ?Tj`).FindAllSubmatch(raw, -1) {
			out = append(out, string(s[1]))
		}
	}
	return out
}

// warkenTarget composes, as staff, the target "Rue de Warken, numbers 100 to
// 120" (9 letterboxes of the Ettelbruck register) and returns its id.
func warkenTarget(staff *browser) string {
	staff.get("/staff/targets")
	target := staff.post("/staff/targets", url.Values{"name": {"Warken 100-120"}}).header.Get("Location")
	street := regexp.MustCompile(`name="street_id" value="(\d+)"`).FindStringSubmatch(staff.get(target + "?street_q=warken").body)[1]
	staff.post(target+"/parts", url.Values{"kind": {"street"}, "street_id": {street}, "from": {"100"}, "to": {"120"}})
	return idInLocation.FindStringSubmatch(target)[1]
}

func TestTargetedCampaignWithResidenceCodes(t *testing.T) {
	flyers := t.TempDir()
	a := newApp(t, func(c *webConfig) { c.Limits.CodesPerAccount.Max = 5; c.FlyerDir = flyers })
	a.withGeography()
	a.account("manager@commune.lu", core.RoleManager)
	for _, e := range []string{"lea@example.lu", "tom@example.lu", "eve@example.lu"} {
		a.account(e, core.RoleCitizen)
	}
	staff := a.browser()
	staff.login("manager@commune.lu")
	targetID := warkenTarget(staff)

	// Verified residents only, without a target: refused with a message.
	staff.get("/staff/consultations")
	r := staff.post("/staff/consultations", url.Values{"title": {"Trottoirs"}, "kind": {"survey"}, "eligibility": {"verified"}, "target_id": {"0"},
		"opens_at": {"2026-01-01T00:00"}, "closes_at": {"2030-01-01T00:00"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("verified without target: %d", r.status)
	}
	r.contains(t, "choisissez la cible")
	builder := createConsultation(t, staff, url.Values{"title": {"Trottoirs de la rue de Warken"}, "eligibility": {"verified"}, "target_id": {targetID}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"yesno"}, "q_prompt": {"Élargir le trottoir ?"}, "q_required": {"on"}})
	staff.get(builder)
	staff.post(builder+"/publish", url.Values{"action": {"publish"}})
	id := idInLocation.FindStringSubmatch(builder)[1]
	public := "/consultations/" + id
	staff.get(builder).contains(t, "Boîtes aux lettres de la cible</dt><dd>9</dd>")

	// The distribution list walks the street: odd side up, even side down.
	dist := staff.get(builder + "/distribution/csv")
	lines := strings.Split(strings.TrimSpace(dist.body), "\n")
	if len(lines) != 10 {
		t.Fatalf("distribution list: %q", dist.body)
	}
	var numbers []string
	for i, l := range lines[1:] {
		cells := strings.Split(strings.TrimSpace(l), ";")
		numbers = append(numbers, cells[2])
		// The walking order is numbered, and each row says how many
		// letterboxes its street has (9: the whole range is one street).
		if cells[0] != strconv.Itoa(i+1) || cells[5] != "9" {
			t.Fatalf("distribution row %d: %q", i+1, l)
		}
	}
	t.Logf("walking order: %v", numbers)
	lastOdd := -1
	for i, n := range numbers {
		v := int(mustID(t, regexp.MustCompile(`^\d+`).FindString(n)))
		if v%2 == 1 {
			if lastOdd >= 0 && lastOdd != i-1 {
				t.Fatalf("odd numbers are not walked first: %v", numbers)
			}
			lastOdd = i
		}
	}

	// Flyers with codes: a background run with progress, one page per letterbox.
	staff.get(builder)
	r = staff.post(builder+"/flyers", url.Values{"paper": {"A5"}, "codes": {"on"}})
	run := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(run, "/staff/flyers/") {
		t.Fatalf("start flyers: %d %s", r.status, run)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(staff.get(run).body, run+"/pdf") {
		if time.Now().After(deadline) {
			t.Fatalf("flyer run did not finish:\n%s", staff.get(run).body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	pdf := staff.get(run + "/pdf")
	if !strings.HasPrefix(pdf.body, "%PDF-") || strings.Count(pdf.body, "/Type /Page\n") != 9 {
		t.Fatalf("flyer pdf: %.100q, %d pages", pdf.body, strings.Count(pdf.body, "/Type /Page\n"))
	}
	var codes []string
	for _, s := range pdfStrings(t, []byte(pdf.body)) {
		if regexp.MustCompile(`^[A-Z0-9]{5}-[A-Z0-9]{5}$`).MatchString(s) {
			codes = append(codes, s)
		}
	}
	if len(codes) != 9 {
		t.Fatalf("codes printed: %v", codes)
	}
	// The PDF waits in the configured folder, named by the run's number and
	// start: another installation's file of the same number in the same
	// folder (another start) is never served.
	files, _ := filepath.Glob(filepath.Join(flyers, "flyers-*.pdf"))
	if len(files) != 1 {
		t.Fatalf("flyer files in the configured folder: %v", files)
	}
	others := regexp.MustCompile(`-\d+\.pdf$`).ReplaceAllString(files[0], "-1.pdf")
	if err := os.Rename(files[0], others); err != nil {
		t.Fatal(err)
	}
	gone := staff.get(run + "/pdf")
	if gone.status != http.StatusNotFound || strings.HasPrefix(gone.body, "%PDF-") {
		t.Fatalf("another installation's flyers served: %d %.40q", gone.status, gone.body)
	}
	gone.contains(t, "Le fichier a été supprimé après 24 heures")
	if strings.Contains(staff.get(run).body, run+"/pdf") {
		t.Fatal("a download link to a file that is not this run's")
	}
	staff.get(builder).contains(t, "Codes valables</dt><dd>9</dd>", "Codes utilisés</dt><dd>0</dd>")

	// Lea has no address: she is told why and how to become eligible.
	lea := a.browser()
	lea.login("lea@example.lu")
	lea.get(public).contains(t, "ajoutez votre adresse", "Saisir mon code de résidence")
	if r := lea.post(public+"/answers", url.Values{}); r.status != http.StatusForbidden {
		t.Fatalf("ineligible answer: %d", r.status)
	}
	// The QR link fills the code in; redeeming it verifies her address.
	form := lea.get(public + "/code?code=" + codes[0])
	form.contains(t, `value="`+codes[0]+`"`)
	if r := lea.post(public+"/code", url.Values{"code": {strings.ToLower(strings.ReplaceAll(codes[0], "-", " "))}}); r.status != http.StatusSeeOther {
		t.Fatalf("redeem: %d\n%.2000s", r.status, r.body)
	}
	page := lea.get(public)
	yes := regexp.MustCompile(`name="(q\d+)" value="1"`).FindStringSubmatch(page.body)
	if yes == nil {
		t.Fatalf("no questionnaire after verification:\n%.3000s", page.body)
	}
	if r := lea.post(public+"/answers", url.Values{yes[1]: {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("verified answer: %d", r.status)
	}
	// Replaying the QR link changes nothing; another account cannot use the code.
	if r := lea.post(public+"/code", url.Values{"code": {codes[0]}}); r.status != http.StatusSeeOther {
		t.Fatalf("replayed code: %d", r.status)
	}
	tom := a.browser()
	tom.login("tom@example.lu")
	tom.get(public + "/code")
	r = tom.post(public+"/code", url.Values{"code": {codes[0]}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("used code: %d", r.status)
	}
	r.contains(t, "déjà été utilisé")
	r = tom.post(public+"/code", url.Values{"code": {"OOOO-1111"}})
	r.contains(t, "Un code compte 10 lettres et chiffres")
	// Typing wrong codes again and again stops at the limit (5 per hour here).
	var last response
	for range 10 {
		last = tom.post(public+"/code", url.Values{"code": {"ACDEF-GHJKM"}})
	}
	if last.status != http.StatusTooManyRequests {
		t.Fatalf("code attempts not limited: %d", last.status)
	}
	if k, _ := a.store.Consultation(ctx, mustID(t, id)); k.ResponseCount != 1 {
		t.Fatalf("responses: %d", k.ResponseCount)
	}

	staff.get(public+"/results").contains(t, "Par rue", "Rue de Warken, Ettelbruck</th>")
	// A reprint revokes one letterbox's code and gives a one-page PDF; staff find
	// the letterbox by its address.
	found := staff.get(builder + "?reprint=1&q=" + url.QueryEscape("103 rue de warken"))
	found.contains(t, "103, Rue de Warken, 9088 Ettelbruck")
	// The reprint keeps the languages the search chose (a bilingual reprint of a bilingual flyer).
	staff.get(builder+"?reprint=1&flyer_lang=de&flyer_lang2=fr&q="+url.QueryEscape("103 rue de warken")).contains(t,
		`<option value="de" selected>allemand</option>`, `<input type="hidden" name="flyer_lang" value="de"><input type="hidden" name="flyer_lang2" value="fr">`)
	if strings.Contains(staff.get(builder+"?reprint=1&q="+url.QueryEscape("2 rue de warken")).body, "2, Rue de Warken, 9088") {
		t.Fatal("an address outside the target is offered for reprint")
	}
	addressOf := regexp.MustCompile(`(?m);(\d+)\r?$`).FindStringSubmatch(lines[2])
	staff.get(builder)
	re := staff.post(builder+"/reprint", url.Values{"address_id": {addressOf[1]}})
	if re.status != http.StatusOK || re.header.Get("Content-Type") != "application/pdf" || strings.Count(re.body, "/Type /Page\n") != 1 {
		t.Fatalf("reprint: %d %s", re.status, re.header.Get("Content-Type"))
	}
	staff.get(builder).contains(t, "Codes utilisés</dt><dd>1</dd>")
	if r := staff.post(builder+"/reprint", url.Values{"address_id": {"1"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("reprint outside the target: %d", r.status)
	}
	// The short link printed on the flyer leads to the consultation.
	if r := a.browser().get("/c/" + id); r.status != http.StatusFound || !strings.HasSuffix(r.header.Get("Location"), public) {
		t.Fatalf("short link: %d %s", r.status, r.header.Get("Location"))
	}
}

func TestConsultationThroughTheAPI(t *testing.T) {
	a := newApp(t, nil)
	a.account("manager@commune.lu", core.RoleManager)
	a.account("lea@example.lu", core.RoleCitizen)
	staff := a.browser()
	staff.login("manager@commune.lu")
	builder := createConsultation(t, staff, url.Values{"live_results": {"on"}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"ranking"}, "q_prompt": {"Vos priorités"}, "q_options": {"Arbres\nBancs\nJeux"}, "q_required": {"on"}})
	addQuestion(t, staff, builder, url.Values{"q_kind": {"point"}, "q_prompt": {"Où ?"}})
	staff.get(builder)
	staff.post(builder+"/publish", url.Values{"action": {"publish"}})
	id := idInLocation.FindStringSubmatch(builder)[1]
	path := "/api/v1/consultations/" + id

	var k struct {
		Phase     string `json:"phase"`
		Questions []struct {
			ID      int64 `json:"id"`
			Options []struct {
				ID int64 `json:"id"`
			} `json:"options"`
		} `json:"questions"`
		Results []struct {
			Rows []struct {
				Label  string `json:"label"`
				Points int64  `json:"points"`
			} `json:"rows"`
		} `json:"results"`
	}
	r := a.apiCall("GET", path, "", "", "")
	if err := json.Unmarshal([]byte(r.body), &k); err != nil || k.Phase != "open" || len(k.Questions) != 2 || len(k.Questions[0].Options) != 3 {
		t.Fatalf("consultation: %d %s", r.status, r.body)
	}
	if !strings.Contains(a.apiCall("GET", "/api/v1/consultations", "", "", "").body, `"title":"Place du marché"`) {
		t.Fatal("not listed")
	}
	token := a.apiToken("lea@example.lu")
	rank, point := k.Questions[0], k.Questions[1]
	answer := func(body string) response { return a.apiCall("PUT", path+"/response", token, "application/json", body) }
	if r := answer(`{"answers":[{"question_id":` + itoa(point.ID) + `,"position":[6.1,49.85]}]}`); r.status != http.StatusBadRequest || !strings.Contains(r.body, "This question needs an answer") {
		t.Fatalf("required missing: %d %s", r.status, r.body)
	}
	if r := answer(`{"answers":[{"question_id":` + itoa(rank.ID) + `,"choices":[999991,999992,999993]}]}`); r.status != http.StatusBadRequest {
		t.Fatalf("options of nothing: %d %s", r.status, r.body)
	}
	if r := answer(`{"answers":[{"question_id":1,"colour":"red"}]}`); r.status != http.StatusBadRequest {
		t.Fatalf("unknown field: %d %s", r.status, r.body)
	}
	good := `{"answers":[{"question_id":` + itoa(rank.ID) + `,"choices":[` + itoa(rank.Options[1].ID) + `,` + itoa(rank.Options[0].ID) + `,` + itoa(rank.Options[2].ID) +
		`]},{"question_id":` + itoa(point.ID) + `,"position":[6.1,49.85]}]}`
	if r := answer(good); r.status != http.StatusCreated {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
	if r := answer(good); r.status != http.StatusOK || !strings.Contains(r.body, `"created":false`) {
		t.Fatalf("replace: %d %s", r.status, r.body)
	}
	if r := a.apiCall("PUT", path+"/response", "", "application/json", good); r.status != http.StatusUnauthorized {
		t.Fatalf("anonymous answer: %d", r.status)
	}
	json.Unmarshal([]byte(a.apiCall("GET", path, "", "", "").body), &k)
	if len(k.Results) != 2 || k.Results[0].Rows[0].Label != "Bancs" || k.Results[0].Rows[0].Points != 2 {
		t.Fatalf("live results: %+v", k.Results)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
