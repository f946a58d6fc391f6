package main

import (
	"context"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/core"
	"quartier/core/postgres"
	"quartier/core/postgres/pgtest"
)

// Real Luxembourg data kept in the repository (see their SOURCES.md).
const (
	demoLU = "demodata/lu/"
	testLU = "../../testdata/lu/"
)

// TestBrowserAccountFlows registers, confirms through the development mailbox,
// logs in and out and resets a password in headless Chromium, as a resident on a
// phone would (390 px wide), against `quartier serve` in development mode.
func TestBrowserAccountFlows(t *testing.T) {
	w := startBrowser(t)
	base := startDevServer(t)
	axe := axeSource(t)

	w.open(base + "/")
	w.checkAccessibility(axe)
	w.open(base + "/register")
	w.mustSee("h1", "Créer un compte")
	w.checkAccessibility(axe)
	w.typeInto("#display_name", "Léa")
	w.typeInto("#email", "lea@example.lu")
	w.typeInto("#password", "court")
	w.click("form.stack button[type=submit]")
	w.mustSee(".error-summary", "au moins 10 caractères")
	w.checkAccessibility(axe)
	w.typeInto("#password", "ma phrase secrète")
	w.click("form.stack button[type=submit]")
	w.mustSee("h1", "Consultez votre boîte mail")

	w.open(w.linkInMailbox(base, "/confirm"))
	w.click("main form button")
	w.mustSee(".flash", "Votre adresse est confirmée")

	w.typeInto("#email", "lea@example.lu")
	w.typeInto("#password", "ma phrase secrète")
	w.click("main form.stack button")
	w.mustSee("main", "Bonjour Léa")

	// The language switch works and is remembered.
	w.click(`button[name=lang][value=de]`)
	w.mustSee("h1", "Ihr Viertel, Ihre Stimme")
	w.open(base + "/account")
	w.mustSee("h1", "Mein Konto")
	w.checkAccessibility(axe)

	// On a phone the menu folds behind its button; opened, it shows where
	// the page is and signs out.
	if got := w.attribute(".menu-toggle", "aria-expanded"); got != "false" {
		t.Fatalf("menu button aria-expanded %q before opening", got)
	}
	w.click(".menu-toggle")
	if got := w.attribute(".menu-toggle", "aria-expanded"); got != "true" {
		t.Fatalf("menu button aria-expanded %q after opening", got)
	}
	w.mustSee("#site-nav a[aria-current=page]", "Mein Konto")
	w.click("header form[action='/logout'] button")
	w.mustSee(".flash", "Sie sind abgemeldet")

	w.open(base + "/password/forgot")
	w.typeInto("#email", "lea@example.lu")
	w.click("main form button")
	w.mustSee("h1", "Sehen Sie in Ihr Postfach")
	w.open(w.linkInMailbox(base, "/password/reset"))
	w.typeInto("#password", "eine neue Passphrase")
	w.click("main form button")
	w.mustSee(".flash", "Ihr Passwort wurde geändert")
	w.typeInto("#email", "lea@example.lu")
	w.typeInto("#password", "eine neue Passphrase")
	w.click("main form.stack button")
	w.mustSee("main", "Hallo Léa")
	for _, page := range []string{"/login", "/password/forgot", "/confirm/resend", "/account/delete", "/dev/mail", "/no-such-page", "/projects", "/ideas", "/ideas/new", "/map", "/account/address", "/account/participation/ideas", "/account/participation/comments", "/account/two-step", "/how-it-works", "/accessibility",
		"/privacy", "/account/password", "/account/email"} {
		w.open(base + page)
		w.checkAccessibility(axe)
		w.mustFitWidth()
	}

	// She moves her account to another address: the link reaches the new
	// one through the development mailbox, and she signs in with it.
	w.open(base + "/account/email")
	w.typeInto("#email", "lea@neu.example.lu")
	w.typeInto("#current_password", "eine neue Passphrase")
	w.click("main form.stack button")
	w.mustSee("main [role=status]", "lea@neu.example.lu")
	w.open(w.linkInMailbox(base, "/email/confirm"))
	w.checkAccessibility(axe)
	w.click("main form button")
	w.mustSee(".flash", "Ihre E-Mail-Adresse ist geändert")
	w.mustSee("main", "lea@neu.example.lu")
}

// TestBrowserStaffTargets: a manager imports communes and a register through the
// staff pages, watches the import finish, composes a target of one street's even
// side and sees its letterboxes, on a desk-sized screen.
func TestBrowserStaffTargets(t *testing.T) {
	w := startBrowser(t)
	dbURL := pgtest.URL(t)
	base := startDevServerOn(t, dbURL)
	axe := axeSource(t)
	createStaff(t, dbURL, "manager@commune.lu", "une phrase de passe", "manager")
	w.resize(1280, 900)

	w.open(base + "/login")
	w.typeInto("#email", "manager@commune.lu")
	w.typeInto("#password", "une phrase de passe")
	w.click("main form.stack button")
	w.mustSee("main", "Bonjour manager")
	w.open(base + "/staff/geography")
	w.mustSee("h1", "Géographie")
	w.checkAccessibility(axe)

	w.upload("#area-file", demoLU+"communes4326.geojson")
	w.click("form[action='/staff/import/areas'] button")
	// The geography page lists earlier runs as "Terminé" too: wait for this
	// run's own page.
	w.mustSee("h1", "communes4326.geojson")
	w.mustSee("main [role=status]", "Terminé")
	w.mustSee(".figures", "100")
	w.checkAccessibility(axe)

	w.open(base + "/staff/geography")
	w.upload("#address-file", demoLU+"caclr_addresses_ettelbruck.csv")
	w.click("form[action='/staff/import/addresses'] button")
	w.mustSee("h1", "caclr_addresses_ettelbruck.csv")
	w.mustSee("main [role=status]", "Terminé")
	w.mustSee(".figures", "2557")
	w.screenshot("import-done")

	w.open(base + "/staff/targets")
	w.typeInto("#name", "Rue de Warken, côté pair")
	w.click("main form button")
	w.mustSee("h1", "Rue de Warken, côté pair")
	w.typeInto("#street_q", "r. de warken")
	w.click("form[role=search] button")
	w.mustSee("#street-choices", "Rue de Warken, Ettelbruck")
	w.click("#parity-even")
	w.click("form:has(#street-choices) button[type=submit]")
	w.mustSee(".flash", "Cible enregistrée")
	w.mustSee(".figures", "50") // Rue de Warken has 50 addresses with an even number
	w.mustSee(".parts", "Côté pair")
	w.checkAccessibility(axe)
	w.screenshot("target")

	// Quarters (OpenStreetMap, ODbL) with their credit; a quarter part draws its
	// outline and the credit shows under the map. Ettelbruck's register has no
	// positions, so its addresses are counted as unplaced, not silently dropped.
	w.open(base + "/staff/geography")
	w.upload("#area-file", demoLU+"Quartiers_de_Luxembourg.wgs84.geojson")
	w.click("#kind option[value=quarter]")
	w.typeInto("#attribution", "© OpenStreetMap contributors (ODbL)")
	w.click("form[action='/staff/import/areas'] button")
	w.mustSee("h1", "Quartiers_de_Luxembourg.wgs84.geojson")
	w.mustSee("main [role=status]", "Terminé")
	w.open(base + "/staff/targets/1")
	w.click("#area_id option:nth-child(101)") // communes come first, then quarters by name: Beggen
	w.click("form:has(#area_id) button[type=submit]")
	w.mustSee(".parts", "Quartier Beggen")
	w.mustSee("figcaption", "© OpenStreetMap contributors (ODbL)")
	w.checkAccessibility(axe)
	w.screenshot("target-quarter")

	// A resident finds their address with the autocomplete form.
	w.open(base + "/account/address?q=" + "12+rue+de+w%C3%A4rken")
	w.mustSee("fieldset", "12, Rue de Warken, 9088 Ettelbruck")
	w.click("form[method=post][action='/account/address'] button[type=submit]")
	w.mustSee(".flash", "Adresse enregistrée")
	w.mustSee(".home-address", "Commune Ettelbruck")
	w.checkAccessibility(axe)

	// A project, written in the editor, published, and an idea on it.
	w.open(base + "/staff/projects/new")
	w.checkAccessibility(axe)
	w.typeInto("#title", "Parc de Warken")
	w.typeInto("#summary", "Un parc pour le quartier")
	// The description is formatted with the toolbar, not typed as HTML.
	w.typeInto("#body-editor", "Le parc ")
	w.click(".rich-toolbar button[data-command=bold]")
	w.typeInto("#body-editor", "ouvre")
	w.mustSee(".rich-toolbar button[data-command=bold][aria-pressed=true]", "Gras")
	w.click(".rich-toolbar button[data-command=bold]")
	w.typeInto("#body-editor", " en 2027.\ue007Au programme")
	w.click(".rich-toolbar button[data-command=h2]")
	w.typeInto("#body-editor", "\ue007des arbres")
	w.click(".rich-toolbar button[data-command=ul]")
	w.typeInto("#body-editor", "\ue007des bancs")
	// A page of a word processor keeps its heading and paragraphs, not its
	// styles, scripts or images.
	w.pasteHTML("#body-editor", `<meta charset="utf-8"><h1 style="color:red">Calendrier</h1><p class="MsoNormal">Les travaux <b>commencent</b> en mars.<img src="x" onerror="alert(1)"></p><script>alert(2)</script>`)
	w.mustSee("#body-editor h2:nth-of-type(2)", "Calendrier")
	w.mustSee("#body-editor p:last-child", "Les travaux commencent en mars.")
	w.checkAccessibility(axe)
	w.screenshot("rich-editor")
	w.click("main form.stack button[type=submit]")
	w.mustSee(".flash", "Projet enregistré")
	w.mustSee("#body-editor b", "ouvre") // the saved text comes back formatted
	w.click("button[name=status][value=published]")
	w.mustSee("main", "Publié")
	w.open(base + "/projects/1")
	w.mustSee(".rich p", "Le parc ouvre en 2027.")
	w.mustSee(".rich b", "ouvre")
	w.mustSee(".rich h2", "Au programme")
	w.mustSee(".rich ul li:nth-child(2)", "des bancs")
	w.mustSee(".rich h2:nth-of-type(2)", "Calendrier")
	w.checkAccessibility(axe)
	// A debate in the project, argued, then closed with the commune's conclusion.
	w.open(base + "/staff/projects/1/edit")
	w.typeInto("#question", "Faut-il éclairer le parc la nuit ?")
	w.click("form[action$='/debates'] button[type=submit]")
	w.mustSee(".flash", "Débat ouvert")
	w.typeInto("#argument-body", "Un parc éclairé reste sûr le soir.")
	w.click("form[action$='/arguments'] button[type=submit]")
	w.mustSee("#for-h", "Pour (1)")
	w.checkAccessibility(axe)
	w.typeInto("#conclusion", "Un éclairage doux jusqu'à 23 h, qui ne gêne pas les chauves-souris.")
	w.click("form[action$='/close'] button[type=submit]")
	w.mustSee("#conclusion-h", "La conclusion de la commune")
	w.mustSee(".notice", "jusqu'à 23 h")
	w.checkAccessibility(axe)
	w.mustBeReadable(".notice, button.link, .support-box button")
	w.screenshot("debate-closed")
	w.open(base + "/ideas/new?project=1")
	w.typeInto("#title", "Des jeux pour enfants")
	w.typeInto("#body", "Une aire de jeux près de l'entrée.")
	w.click("main form.stack button[type=submit]")
	w.mustSee(".flash", "Merci")
	w.mustSee("main article", "Modifier ou retirer mon idée") // the author may still correct it
	// A photo, described for those who cannot see it.
	w.upload("#photo", writePNG(t, 1200, 900))
	w.typeInto("#alt", "L'entrée du futur parc")
	w.click("form[action$='/photos'] button[type=submit]")
	w.mustSee(".flash", "La photo est ajoutée.")
	if got := w.attribute(".photo-list img", "alt"); got != "L'entrée du futur parc" {
		t.Fatalf("photo alt %q", got)
	}
	w.resize(390, 844) // on a phone, the photo form fits the screen
	w.mustFitWidth()
	w.resize(1280, 900)
	w.checkAccessibility(axe)
	w.screenshot("idea")
	// A comment, then taken back by its author.
	w.typeInto("#comment-body", "Un commentaire écrit trop vite.")
	w.click("form[action$='/comments'] button[type=submit]")
	w.mustSee(".comments", "Un commentaire écrit trop vite.")
	w.checkAccessibility(axe)
	w.mustBeReadable("button.link")
	w.click("form[action$='/withdraw'] button")
	w.mustSee(".flash", "Votre commentaire est retiré.")
	// The idea goes through the council into implementation, with milestones.
	store, err := postgres.Open(context.Background(), dbURL, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	manager, _, err := store.Credentials(context.Background(), "manager@commune.lu")
	if err == nil {
		err = demoImplementation(context.Background(), store, manager.ID, 1, func(p core.Participant, _ core.Idea) core.Mail { return core.Mail{To: p.Email, Subject: "suivi"} })
	}
	if err != nil {
		t.Fatal(err)
	}
	w.open(base + "/ideas/1")
	w.mustSee("#implementation-h", "Réalisation")
	w.checkAccessibility(axe)
	w.screenshot("idea-implementation")
	// A spontaneous idea placed with a tap on the map; its page leads to the
	// public map, which opens on it with its popup.
	// Typing a title like an existing idea's shows that idea, to support it
	// instead, in the page's language (here German, then back to French).
	w.open(base + "/ideas/new")
	w.typeInto("#title", "Des jeux pour les enfants")
	w.mustSee("#similar-ideas li", "Des jeux pour enfants · En réalisation · 0 soutien")
	w.checkAccessibility(axe)
	w.screenshot("idea-similar")
	w.click(`button[name=lang][value=de]`)
	w.mustSee("h1", "Einen spontanen Vorschlag machen")
	w.typeInto("#title", "Des jeux pour les enfants")
	w.mustSee("#similar-ideas li", "Des jeux pour enfants · In Umsetzung · 0 Unterstützungen")
	w.click(`button[name=lang][value=fr]`)
	w.mustSee("h1", "Faire une proposition spontanée") // the switch is done before the next page
	w.open(base + "/ideas/new")
	w.checkAccessibility(axe)
	w.typeInto("#title", "Un banc sous le tilleul")
	w.typeInto("#body", "Pour se reposer en montant vers la gare.")
	w.click(".point-picker") // a tap in the middle of the map places the point
	w.screenshot("idea-point")
	w.click("main form.stack button[type=submit]")
	w.mustSee(".flash", "Merci")
	w.mustSee("p.meta a[href^='/map']", "49.611") // the tap falls within a few metres of the map's centre
	w.click("p.meta a[href^='/map']")
	w.mustSee(".leaflet-popup-content", "Un banc sous le tilleul")
	// The ideas in view are listed under the map, for keyboards and screen
	// readers; a button there opens one on the map.
	w.mustSee("#ideas-in-view li", "Un banc sous le tilleul")
	w.mustSee(".in-view [role=status]", "Idées dans la vue de la carte : 1") // WebDriver reads the no-break space as a space
	w.click(".leaflet-popup-close-button")
	w.click("#ideas-in-view button")
	w.mustSee(".leaflet-popup-content", "Un banc sous le tilleul")
	w.checkAccessibility(axe)
	w.mustBeReadable("#ideas-in-view li, #ideas-in-view button")
	w.screenshot("map-idea")
	// Another way to meet the first idea's need, proposed from its page: the
	// two pages link each other.
	w.open(base + "/ideas/1")
	w.click(`a[href="/ideas/new?alternative_to=1"]`)
	w.mustSee("h1", "Proposer une alternative à « Des jeux pour enfants »") // WebDriver reads the no-break spaces as spaces
	w.checkAccessibility(axe)
	w.typeInto("#title", "Un terrain d'aventure plutôt que des balançoires")
	w.typeInto("#body", "Des cabanes et du sable, que les enfants construisent eux-mêmes.")
	w.click("main form.stack button[type=submit]")
	w.mustSee("p.notice", "Proposée comme alternative à l'idée Des jeux pour enfants")
	w.checkAccessibility(axe)
	w.open(base + "/ideas/1")
	w.mustSee("#alternatives-h", "Alternatives (1)")
	w.mustSee("ul.alternatives", "Un terrain d'aventure plutôt que des balançoires")
	for _, page := range []string{"/staff", "/staff/followup", "/staff/ideas/1", "/staff/moderation", "/staff/audit", "/staff/indicators", "/staff/council", "/staff/projects", "/staff/debates"} {
		w.open(base + page)
		w.checkAccessibility(axe)
	}
	// Staff tables scroll within their frame on a phone; the page itself fits
	// (a visually hidden column title once widened it).
	w.open(base + "/staff/answer-templates")
	w.typeInto("#title", "Retenue pour étude")
	w.typeInto("#body", "Bonjour {author}, votre idée {idea} est retenue pour étude.")
	w.click("main form.stack button[type=submit]")
	w.mustSee("table.grid", "Retenue pour étude")
	w.resize(390, 844)
	for _, page := range []string{"/staff/answer-templates", "/staff/audit", "/staff/followup", "/staff/participants", "/staff/indicators", "/staff/debates"} {
		w.open(base + page)
		w.mustFitWidth()
	}
	w.resize(1280, 900)

	// A consultation aimed at the even side of Rue de Warken, built in the
	// browser; the manager lives at number 12, so may answer it.
	w.open(base + "/staff/consultations")
	w.checkAccessibility(axe)
	w.typeInto("#title", "Trottoirs de la rue de Warken")
	w.click("#target_id option[value='1']")
	w.click("main form.stack button[type=submit]")
	w.mustSee(".flash", "Consultation enregistrée")
	w.mustSee(".figures", "50")
	w.typeInto("#q_prompt", "Que faut-il d'abord ?")
	w.typeInto("#q_options", "Des arbres\nDes bancs\nUne piste cyclable")
	w.click("#q_required")
	w.click("form[action$='/questions'] button[type=submit]")
	w.mustSee(".flash", "Question ajoutée")
	w.click("#q_kind option[value=point]")
	w.typeInto("#q_prompt", "Où manque-t-il un banc ?")
	w.click("form[action$='/questions'] button[type=submit]")
	// The first question's page said "Question ajoutée" too: wait for the
	// second one listed, or the next click may land on the page being left.
	w.mustSee("main ol", "Où manque-t-il un banc ?")
	w.click("button[name=action][value=publish]")
	w.mustSee(".flash", "Consultation publiée")
	w.checkAccessibility(axe)
	w.screenshot("consultation-builder")
	w.open(base + "/consultations/1")
	w.checkAccessibility(axe)
	w.click("form.questionnaire button[type=submit]") // nothing chosen: the required question says so
	w.mustSee(".field-error", "Cette question demande une réponse")
	w.checkAccessibility(axe)
	w.click("form.questionnaire .choice:nth-of-type(2) input")
	w.click(".point-picker") // a tap in the middle of the map places the point
	w.click("form.questionnaire button[type=submit]")
	w.mustSee(".flash", "vos réponses sont enregistrées")
	w.screenshot("consultation-answered")
	w.open(base + "/consultations/1/results")
	w.mustSee("main", "Des bancs")
	w.mustSee("main", "2. Où manque-t-il un banc ?\n1 réponse") // the tap on the map gave the point
	w.checkAccessibility(axe)
	w.screenshot("consultation-results")
	// Answered already, the first question is translated into German; German
	// readers see the results in their words, for the same options.
	w.open(base + "/staff/consultations/1")
	w.click("#question-1 details.question-translations summary")
	w.typeInto("#q1-t_prompt_de", "Was zuerst?")
	w.typeInto("#q1-t_options_de", "Bäume\nBänke\nEin Radweg")
	w.checkAccessibility(axe)
	w.screenshot("question-translation")
	w.click("#question-1 details.question-translations button[type=submit]")
	w.mustSee(".flash", "Traduction enregistrée")
	w.click(`button[name=lang][value=de]`)
	w.mustSee("#questions-h", "Fragen") // the switch is done before the next page
	w.open(base + "/consultations/1/results")
	w.mustSee("main", "1. Was zuerst?")
	w.mustSee("main", "Bänke")
	w.checkAccessibility(axe)
	w.click(`button[name=lang][value=fr]`)
	w.mustSee("h1", "Résultats")
	for _, page := range []string{"/consultations", "/consultations/1/code?code=KM7TX-3RWCA", "/staff/sync", "/newsletters", "/account"} {
		w.open(base + page)
		w.checkAccessibility(axe)
	}
	// A newsletter draft with its preview.
	w.open(base + "/staff/newsletters")
	w.checkAccessibility(axe)
	w.typeInto("#subject", "Travaux rue de Warken")
	w.typeInto("#body", "Les travaux commencent lundi. Merci de votre patience.")
	w.click("main form.stack button[type=submit]")
	w.mustSee(".flash", "Brouillon enregistré")
	w.mustSee(".mail-preview", "Les travaux commencent lundi.")
	w.checkAccessibility(axe)

	// An event planned, published, and a place taken.
	w.open(base + "/staff/events")
	w.checkAccessibility(axe)
	w.typeInto("#title", "Atelier rue de Warken")
	w.typeInto("#location", "Salle des fêtes")
	w.typeInto("#capacity", "12")
	w.click("main form.stack button[type=submit]")
	w.mustSee(".flash", "L'événement est enregistré")
	w.click("form[action$='/publish'] button")
	w.mustSee(".flash", "L'événement est publié")
	w.checkAccessibility(axe)
	w.open(base + "/events/1")
	w.click("form[action$='/register'] button")
	w.mustSee(".flash", "Vous êtes inscrit")
	w.mustSee("main", "1 places prises sur 12")
	w.checkAccessibility(axe)
	w.screenshot("event")
	w.open(base + "/events")
	w.checkAccessibility(axe)

	// A participatory budget opened from the back office's default form.
	w.open(base + "/staff/budgets")
	w.checkAccessibility(axe)
	w.typeInto("#title", "Budget participatif 2027")
	w.click("main form.stack button[type=submit]")
	w.mustSee(".flash", "Le budget est enregistré")
	w.checkAccessibility(axe)
	w.open(base + "/budgets/1")
	w.mustSee("main", "Toute la commune")
	w.checkAccessibility(axe)
	w.open(base + "/budgets")
	w.checkAccessibility(axe)

	// A neighbourhood council for the consultation's streets; the manager, who
	// lives there, volunteers.
	w.open(base + "/staff/councils")
	w.checkAccessibility(axe)
	w.typeInto("#name", "Conseil de la rue de Warken")
	w.click("#target_id option[value='1']")
	w.click("main form.stack button[type=submit]")
	w.mustSee(".flash", "Le conseil est enregistré")
	w.checkAccessibility(axe)
	w.open(base + "/councils/1")
	w.click("form[action$='/volunteer'] button")
	w.mustSee(".flash", "vous êtes volontaire")
	w.checkAccessibility(axe)
	w.open(base + "/councils")
	w.checkAccessibility(axe)
}

func createStaff(t *testing.T, dbURL, email, password, role string) {
	t.Helper()
	err := run(context.Background(), []string{"admin", "create", "--email", email, "--role", role, "--password-stdin"},
		envOf(map[string]string{"DATABASE_URL": dbURL}), strings.NewReader(password+"\n"), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
}

// startDevServer runs `quartier serve` in development mode with its own mailbox.
func startDevServer(t *testing.T) string {
	t.Helper()
	return startDevServerOn(t, pgtest.URL(t))
}

// startDevServerOn is startDevServer on a given database. Maps load no tiles:
// the test machine has no network.
func startDevServerOn(t *testing.T, dbURL string) string {
	t.Helper()
	cfg := writeConfig(t, "env: development\nlog:\n  level: warn\nhttp:\n  public_url: http://quartier.test\nmail:\n  dev_catcher: 127.0.0.1:0\nmap:\n  tile_url: \"\"\n  assets_dir: ../../node_modules\n")
	env := envOf(map[string]string{"DATABASE_URL": dbURL, "QUARTIER_ADDR": "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--config", cfg, "serve", "--migrate"}, env, nil, out, io.Discard) }()
	t.Cleanup(func() { cancel(); <-done })
	re := regexp.MustCompile(`listening on (http://\S+)`)
	for i := 0; i < 300; i++ {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return strings.Replace(m[1], "127.0.0.1", "localhost", 1)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not start: %s", out.String())
	return ""
}

// writePNG writes a plain w×h PNG into the test's folder and returns its path.
func writePNG(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(100 + i%7)
	}
	path := filepath.Join(t.TempDir(), "photo.png")
	f, err := os.Create(path)
	if err == nil {
		err = png.Encode(f, img)
		f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}
