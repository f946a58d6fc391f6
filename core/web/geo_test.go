package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/geoimport"
)

// Real Luxembourg data kept in the repository (see their SOURCES.md).
const (
	demoLU = "../../cmd/quartier/demodata/lu/"
	testLU = "../../testdata/lu/"
)

// withGeography imports the communes, Luxembourg City's quarters and the
// Ettelbruck register into the app's database.
func (a *app) withGeography() {
	a.t.Helper()
	for _, l := range []struct {
		path string
		kind core.AreaKind
	}{{"communes4326.geojson", core.AreaCommune}, {"Quartiers_de_Luxembourg.wgs84.geojson", core.AreaQuarter}} {
		f, err := os.Open(demoLU + l.path)
		if err != nil {
			a.t.Fatal(err)
		}
		_, err = geoimport.Areas(ctx, a.store, f, l.path, geoimport.AreaOptions{Kind: l.kind}, nil)
		f.Close()
		if err != nil {
			a.t.Fatal(err)
		}
	}
	data, err := os.ReadFile(demoLU + "caclr_addresses_ettelbruck.csv")
	if err != nil {
		a.t.Fatal(err)
	}
	if _, err := geoimport.Addresses(ctx, a.store, data, "ettelbruck.csv", 0, nil); err != nil {
		a.t.Fatal(err)
	}
}

func TestAreasAtPoint(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	r := a.apiCall("GET", "/api/v1/areas/at?lon=6.1041&lat=49.8470", "", "", "") // Ettelbruck
	var body struct {
		Areas []struct {
			ID         int64          `json:"id"`
			Name       string         `json:"name"`
			Kind       string         `json:"kind"`
			Properties map[string]any `json:"properties"`
		} `json:"areas"`
	}
	if err := json.Unmarshal([]byte(r.body), &body); err != nil || r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if len(body.Areas) != 1 || body.Areas[0].Name != "Ettelbruck" || body.Areas[0].Kind != "commune" || body.Areas[0].Properties["LAU2"] != "0605" {
		t.Fatalf("areas at Ettelbruck: %+v", body.Areas)
	}
	r = a.apiCall("GET", "/api/v1/areas/at?lon=6.1335&lat=49.6000", "", "", "") // Gare, Luxembourg City
	if !strings.Contains(r.body, `"name":"Luxembourg"`) || !strings.Contains(r.body, `"name":"Gare"`) {
		t.Fatalf("areas at the station: %s", r.body)
	}
	r = a.apiCall("GET", "/api/v1/areas/at?lon=2.35&lat=48.85", "", "", "") // Paris
	if r.status != 200 || r.body != `{"areas":[]}` {
		t.Fatalf("Paris: %d %s", r.status, r.body)
	}
	for _, q := range []string{"lon=abc&lat=49.6", "lon=6.1&lat=95", "lat=49.6"} {
		r := a.apiCall("GET", "/api/v1/areas/at?"+q, "", "", "")
		if r.status != 400 || !strings.Contains(r.body, `"code":"invalid"`) {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	r = a.apiCall("GET", "/api/v1/addresses?q="+url.QueryEscape("12 R. de Wärken"), "", "", "")
	if !strings.Contains(r.body, `"label":"12, Rue de Warken, 9088 Ettelbruck"`) {
		t.Fatalf("address autocomplete: %s", r.body)
	}
}

// upload posts a file to an import form with the browser's CSRF token.
func (b *browser) upload(path, fieldFile string, fields map[string]string, content []byte) response {
	return b.uploadAs(path, "file", fieldFile, fields, content)
}

// uploadAs posts content as the file field of a multipart form, named
// fileName, with fields and the browser's CSRF token.
func (b *browser) uploadAs(path, field, fileName string, fields map[string]string, content []byte) response {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf_token", b.csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(field, fileName)
	fw.Write(content)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.a.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// waitImport follows an import's page until it is no longer running.
func (b *browser) waitImport(location string) response {
	b.a.t.Helper()
	for i := 0; i < 200; i++ {
		r := b.get(location)
		if !strings.Contains(r.body, `http-equiv="refresh"`) {
			return r
		}
		time.Sleep(25 * time.Millisecond)
	}
	b.a.t.Fatalf("import at %s still running", location)
	return response{}
}

func TestStaffImportsExplainBadFiles(t *testing.T) {
	a := newApp(t, func(c *webConfig) { c.MaxUploadBytes = 256 << 10 })
	a.account("manager@commune.lu", core.RoleManager)
	a.account("mod@commune.lu", core.RoleModerator)
	mod := a.browser()
	mod.login("mod@commune.lu")
	if r := mod.get("/staff/geography"); r.status != http.StatusForbidden {
		t.Fatalf("moderator on geography: %d", r.status)
	}
	b := a.browser()
	b.login("manager@commune.lu")
	b.get("/staff/geography")
	bowtie := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"NAME":"Gare"},
		"geometry":{"type":"Polygon","coordinates":[[[6.1,49.6],[6.2,49.7],[6.2,49.6],[6.1,49.7],[6.1,49.6]]]}}]}`
	r := b.upload("/staff/import/areas", "quarters.geojson", map[string]string{"kind": "quarter"}, []byte(bowtie))
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	r = b.waitImport(r.header.Get("Location"))
	r.contains(t, "Échoué", "Le contour se croise lui-même", "feature 1 (Gare)", "Rien n'a été modifié")

	b.get("/staff/geography")
	latin1 := "id_caclr_bat;numero;rue;id_caclr_rue;localite;code_postal;commune;canton;district;quartier;designation;indic_no_indef;indic_provisoire\n" +
		"134613;5;Avenue des Alli\xe9s;4126;Ettelbruck;9012;Ettelbruck;Diekirch;Diekirch;;;N;N\n"
	r = b.upload("/staff/import/addresses", "ettelbruck-latin1.csv", nil, []byte(latin1))
	r = b.waitImport(r.header.Get("Location"))
	r.contains(t, "Échoué", "pas en UTF-8", "line 2")

	b.get("/staff/geography")
	r = b.upload("/staff/import/addresses", "big.csv", nil, bytes.Repeat([]byte("x"), 300<<10))
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized upload: %d", r.status)
	}
	if sum, _ := a.store.RegisterSummary(ctx); sum.Addresses != 0 {
		t.Fatalf("bad files imported %d addresses", sum.Addresses)
	}
	// Uploads need the CSRF token like every form.
	b.csrf = "forged"
	if r := b.upload("/staff/import/areas", "x.geojson", map[string]string{"kind": "quarter"}, []byte(bowtie)); r.status != http.StatusForbidden {
		t.Fatalf("upload with forged token: %d", r.status)
	}
}

func TestTargetComposerAndExports(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	a.account("manager@commune.lu", core.RoleManager)
	b := a.browser()
	b.login("manager@commune.lu")
	b.get("/staff/targets")
	r := b.post("/staff/targets", url.Values{"name": {"Warken"}})
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/targets/") {
		t.Fatalf("create: %d %s", r.status, loc)
	}
	b.get(loc + "?street_q=warken")
	streetID := regexp.MustCompile(`name="street_id" value="(\d+)"`).FindStringSubmatch(b.get(loc + "?street_q=warken").body)
	if streetID == nil {
		t.Fatal("no street found for warken")
	}
	if r := b.post(loc+"/parts", url.Values{"kind": {"street"}, "street_id": {streetID[1]}, "from": {"100"}, "to": {"120"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add street: %d", r.status)
	}
	page := b.get(loc)
	page.contains(t, "numéros 100 à 120", `<dd>9</dd>`)
	// The map draws the addresses, or says why it cannot: the register gave no positions.
	if !strings.Contains(page.body, `class="address-point"`) && !strings.Contains(page.body, "Adresses sans position\u00a0: 9.") {
		t.Errorf("a target of 9 addresses neither draws them nor says why:\n%s", page.body)
	}
	if strings.Contains(page.body, "Rien à dessiner") {
		t.Error("a target of 9 addresses says there is nothing to draw")
	}
	// A bad polygon is refused with a message and changes nothing.
	r = b.post(loc+"/parts", url.Values{"kind": {"polygon"}, "geojson": {`{"type":"Polygon","coordinates":[[[6.1,49.6],[6.2,49.7],[6.2,49.6],[6.1,49.7],[6.1,49.6]]]}`}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bowtie part: %d", r.status)
	}
	r.contains(t, "Le polygone n'est pas valable")
	r = b.post(loc+"/parts", url.Values{"kind": {"buffer"}, "geojson": {`{"type":"LineString","coordinates":[[6.1,49.84],[6.11,49.85]]}`}, "metres": {"5000"}})
	r.contains(t, "entre 1 et 1000 mètres")
	// Excluding the commune by name removes everything again.
	var ettelbruck string
	if m := regexp.MustCompile(`<option value="(\d+)">Commune — Ettelbruck</option>`).FindStringSubmatch(page.body); m != nil {
		ettelbruck = m[1]
	}
	b.post(loc+"/parts", url.Values{"kind": {"area"}, "area_id": {ettelbruck}, "mode": {"exclude"}})
	b.get(loc).contains(t, "Exclure</span> Commune Ettelbruck", "<dd>0</dd>")
	b.post(loc+"/parts/2/remove", nil)
	b.get(loc).contains(t, "<dd>9</dd>")

	csvResp := b.get(loc + "/export/csv")
	lines := strings.Split(strings.TrimSpace(csvResp.body), "\n")
	if !strings.HasPrefix(csvResp.body, "\ufeffid_caclr_bat;numero;rue") || len(lines) != 10 || !strings.Contains(lines[1], "Rue de Warken") {
		t.Fatalf("csv: %q", csvResp.body)
	}
	x := b.get(loc + "/export/xlsx")
	zr, err := zip.NewReader(strings.NewReader(x.body), int64(len(x.body)))
	if err != nil {
		t.Fatalf("xlsx is not a zip: %v", err)
	}
	var sheet string
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := f.Open()
			raw, _ := io.ReadAll(rc)
			sheet = string(raw)
		}
	}
	if strings.Count(sheet, "<row ") != 10 || !strings.Contains(sheet, "Rue de Warken") || !strings.Contains(sheet, `<c r="A2"><v>`) {
		t.Fatalf("xlsx sheet: %.300s", sheet)
	}
	g := b.get(loc + "/export/geojson")
	var fc struct {
		Type     string `json:"type"`
		Features []any  `json:"features"`
	}
	if g.header.Get("Content-Type") != "application/geo+json" || json.Unmarshal([]byte(g.body), &fc) != nil || fc.Type != "FeatureCollection" {
		t.Fatalf("geojson: %s %s", g.header.Get("Content-Type"), g.body)
	}
	if r := b.get(fmt.Sprintf("%s/export/pdf", loc)); r.status != http.StatusNotFound {
		t.Fatalf("unknown format: %d", r.status)
	}
}

// The in-memory geography reloads what changed, and only that: new areas with an
// unchanged register, then a new register.
func TestGeographyCacheReloads(t *testing.T) {
	a := newApp(t, nil)
	data, _ := os.ReadFile(demoLU + "caclr_addresses_ettelbruck.csv")
	if _, err := geoimport.Addresses(ctx, a.store, data, "ettelbruck.csv", 0, nil); err != nil {
		t.Fatal(err)
	}
	if r := a.apiCall("GET", "/api/v1/areas/at?lon=6.1041&lat=49.8470", "", "", ""); r.body != `{"areas":[]}` {
		t.Fatalf("before areas: %s", r.body)
	}
	f, _ := os.Open(demoLU + "communes4326.geojson")
	_, err := geoimport.Areas(ctx, a.store, f, "communes.geojson", geoimport.AreaOptions{Kind: core.AreaCommune}, nil)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the version is checked at most once a second
	if r := a.apiCall("GET", "/api/v1/areas/at?lon=6.1041&lat=49.8470", "", "", ""); !strings.Contains(r.body, "Ettelbruck") {
		t.Fatalf("after areas: %s", r.body)
	}
	a.account("manager@commune.lu", core.RoleManager)
	b := a.browser()
	b.login("manager@commune.lu")
	b.get("/staff/targets")
	loc := b.post("/staff/targets", url.Values{"name": {"Ettelbruck"}}).header.Get("Location")
	page := b.get(loc)
	id := regexp.MustCompile(`<option value="(\d+)">Commune — Ettelbruck</option>`).FindStringSubmatch(page.body)
	b.post(loc+"/parts", url.Values{"kind": {"area"}, "area_id": {id[1]}})
	if r := b.get(loc); r.status != 200 || !strings.Contains(r.body, "<dd>2557</dd>") {
		t.Fatalf("target over Ettelbruck after the areas changed: %d", r.status)
	}
}

// areaAt returns the id of the area called name at a point, or fails.
func (a *app) areaAt(lon, lat float64, name string) int64 {
	a.t.Helper()
	var at struct {
		Areas []struct {
			ID   int64
			Name string
		}
	}
	json.Unmarshal([]byte(a.apiCall("GET", fmt.Sprintf("/api/v1/areas/at?lon=%v&lat=%v", lon, lat), "", "", "").body), &at)
	for _, ar := range at.Areas {
		if ar.Name == name {
			return ar.ID
		}
	}
	a.t.Fatalf("no area %q at %v, %v: %+v", name, lon, lat, at)
	return 0
}

// The idea list and the API narrow to a quarter: ideas placed in it.
func TestIdeasOfAQuarter(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	gare := a.areaAt(6.1335, 49.6000, "Gare")
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	lea.propose(url.Values{"title": {"Une fontaine à la gare"}, "body": {"Devant la gare centrale."}, "lat": {"49.6000"}, "lon": {"6.1335"}})
	lea.propose(url.Values{"title": {"Une piste cyclable au Kirchberg"}, "body": {"Le long de l'avenue."}, "lat": {"49.6280"}, "lon": {"6.1550"}})
	page := a.browser().get(fmt.Sprintf("/ideas?area=%d", gare))
	page.contains(t, fmt.Sprintf(`<option value="%d" selected>Quartier Gare</option>`, gare), "Une fontaine à la gare", "1 idée")
	if strings.Contains(page.body, "Kirchberg</a>") {
		t.Error("an idea of another quarter was listed")
	}
	if r := a.browser().get(fmt.Sprintf("/api/v1/ideas?area=%d", gare)); !strings.Contains(r.body, `"total":1`) || !strings.Contains(r.body, "Une fontaine") {
		t.Errorf("api: %s", r.body)
	}
	a.browser().get("/ideas?area=999999").contains(t, "2 idées") // an unknown area: no filter
	// The map narrows the same way by words and status.
	const box = "/api/v1/ideas/map?bbox=6.10,49.58,6.20,49.64"
	for query, want := range map[string]int{"": 2, "&q=FONTAINE": 1, "&q=fontaine&status=feasible": 0, "&status=submitted": 2, "&status=nonsense": 2} {
		if r := a.browser().get(box + query); strings.Count(r.body, `"type":"Feature"`) != want {
			t.Errorf("map%s: want %d ideas, got %s", query, want, r.body)
		}
	}
	a.browser().get("/map?q=fontaine&status=submitted").contains(t, `<input id="q" name="q" type="search" maxlength="100" value="fontaine">`,
		`<option value="submitted" selected>Déposée</option>`)
	lux := a.areaAt(6.1335, 49.6000, "Luxembourg")
	page = a.browser().get(fmt.Sprintf("/ideas?area=%d", lux))
	page.contains(t, "2 idées") // a commune: no filter, and not offered
	if strings.Contains(page.body, fmt.Sprintf(`<option value="%d"`, lux)) {
		t.Error("the idea list offers communes")
	}
}

// Staff download every idea with its follow-up: one row each, hidden and
// merged ones marked, the areas an idea lies in named; moderators may not.
func TestStaffIdeasExport(t *testing.T) {
	a := newApp(t, nil)
	a.withGeography()
	lea := a.signedIn("lea@example.lu", core.RoleCitizen)
	lea.propose(url.Values{"title": {"Une fontaine à la gare"}, "body": {"Devant la gare centrale."}, "lat": {"49.6000"}, "lon": {"6.1335"}})
	lea.propose(url.Values{"title": {"=HYPERLINK(\"x\")"}, "body": {"Une idée sans lieu précis."}})
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	staff.get("/staff/ideas/2")
	if r := staff.post("/staff/ideas/2/merge", url.Values{"into": {"1"}, "merge_answer": {"Elle rejoint l'idée n° 1."}}); r.status != http.StatusSeeOther {
		t.Fatalf("merge: %d", r.status)
	}
	staff.get("/staff/followup").contains(t, `<a href="/staff/ideas/export/csv" download>CSV</a>`)
	r := staff.get("/staff/ideas/export/csv")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.status, r.header.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.body, "\ufeff")), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "N°;Titre de l'idée;Projet;Auteur;Canal;État;Soutiens;") {
		t.Fatalf("csv:\n%s", r.body)
	}
	for _, want := range []string{"1;Une fontaine à la gare;;Léa citizen;site web;Déposée;0;0;non;", ";non;;;;Commune Luxembourg, Quartier Gare;49.6000000;6.1335000;http://localhost/ideas/1"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row 1 lacks %q: %s", want, lines[1])
		}
	}
	if !strings.HasPrefix(lines[2], `2;"'=HYPERLINK(""x"")";`) || !strings.Contains(lines[2], ";Regroupée;") || !strings.Contains(lines[2], ";1;;;;;http://localhost/ideas/2") {
		t.Errorf("row 2 (a formula defused, merged into 1): %s", lines[2])
	}
	if r := staff.get("/staff/ideas/export/xlsx"); r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %s", r.status, r.header.Get("Content-Type"))
	}
	moderator := a.signedIn("moderator@commune.lu", core.RoleModerator)
	if r := moderator.get("/staff/ideas/export/csv"); r.status != http.StatusForbidden {
		t.Fatalf("a moderator exported ideas: %d", r.status)
	}
}
