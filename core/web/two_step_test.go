package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/core"
)

// Staff turn on two-step verification with their authenticator app: signing
// in then needs a code of the app (each good once) or a recovery code (each
// good once); turning it off needs one too; all of it is in the audit log.
func TestTwoStepVerification(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	staff.get("/account").contains(t, "Vérification en deux étapes", "Désactivée.", `href="/account/two-step"`)

	page := staff.get("/account/two-step")
	page.contains(t, `<img src="data:image/png;base64,`, `alt="Code QR à scanner`, `autocomplete="one-time-code"`)
	field := func(r response, name string) string {
		t.Helper()
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no %s in:\n%.3000s", name, r.body)
		}
		return m[1]
	}
	secretText, sig := field(page, "secret"), field(page, "secret_sig")
	secret, err := core.ParseTOTPSecret(secretText)
	if err != nil {
		t.Fatal(err)
	}
	step := core.TOTPStepAt(time.Now())
	code := func(step int64) string { return core.TOTPCode(secret, step) }

	// A wrong code: the same key is shown again to retry. A forged key: refused.
	r := staff.post("/account/two-step", url.Values{"secret": {secretText}, "secret_sig": {sig}, "password": {"correct horse battery"}, "code": {"000000"}})
	if r.status != http.StatusUnprocessableEntity || field(r, "secret") != secretText {
		t.Fatalf("wrong code: %d", r.status)
	}
	r.contains(t, "Ce code n&#39;est pas le bon")
	forged := core.TOTPSecretText(core.NewTOTPSecret())
	if r := staff.post("/account/two-step", url.Values{"secret": {forged}, "secret_sig": {sig}, "password": {"correct horse battery"}, "code": {code(step)}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("forged key: %d", r.status)
	}
	// Without the password (a session left open somewhere): refused.
	if r := staff.post("/account/two-step", url.Values{"secret": {secretText}, "secret_sig": {sig}, "password": {"devinette"}, "code": {code(step)}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, `<p class="field-error" id="password-error">Ce mot de passe n&#39;est pas le bon.</p>`) {
		t.Fatalf("wrong password: %d", r.status)
	}
	r = staff.post("/account/two-step", url.Values{"secret": {secretText}, "secret_sig": {sig}, "password": {"correct horse battery"}, "code": {code(step)}})
	if r.status != http.StatusOK {
		t.Fatalf("turn on: %d\n%s", r.status, r.body)
	}
	recovery := regexp.MustCompile(`<li><code>([a-z2-9-]{14})</code></li>`).FindAllStringSubmatch(r.body, -1)
	if len(recovery) != core.RecoveryCodes {
		t.Fatalf("%d recovery codes shown", len(recovery))
	}
	staff.get("/account").contains(t, "Activée.")
	told := func(subject string) {
		t.Helper()
		mails, _ := a.store.ClaimDueMail(ctx, 50, time.Hour)
		for _, m := range mails {
			if m.Mail.To == "manager@commune.lu" && m.Mail.Subject == subject && strings.Contains(m.Mail.Body, "Si ce n'était pas vous") {
				return
			}
		}
		t.Errorf("no mail %q to the account: %+v", subject, mails)
	}
	told("Vérification en deux étapes activée")
	if export := staff.get("/account/export").body; !strings.Contains(export, `"recovery_codes_left": 10`) || strings.Contains(export, strings.ReplaceAll(secretText, " ", "")) {
		t.Errorf("the export's two-step part (never the secret):\n%s", export)
	}
	if strings.Contains(staff.get("/account/two-step").body, recovery[0][1]) {
		t.Error("the recovery codes are shown again")
	}

	// Signing in: the password, then the code. The code used to turn it on is
	// spent; the next step's is accepted (a clock a little ahead).
	signIn := func() (*browser, response) {
		b := a.browser()
		b.get("/login")
		r := b.post("/login", url.Values{"email": {"manager@commune.lu"}, "password": {"correct horse battery"}, "next": {"/staff"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "Code de vérification") {
			t.Fatalf("password step: %d\n%.2000s", r.status, r.body)
		}
		if got := b.get("/account"); got.status != http.StatusSeeOther {
			t.Fatalf("signed in before the code: %d", got.status)
		}
		return b, r
	}
	b, asked := signIn()
	pending := field(asked, "pending")
	for _, typed := range []string{"123456", code(step)} {
		if r := b.post("/login/code", url.Values{"pending": {pending}, "next": {"/staff"}, "code": {typed}}); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("code %s (wrong or spent): %d", typed, r.status)
		}
	}
	if r := b.post("/login/code", url.Values{"pending": {pending}, "next": {"/staff"}, "code": {code(step + 1)}}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/staff" {
		t.Fatalf("right code: %d %s", r.status, r.header.Get("Location"))
	}
	b.get("/account").contains(t, "Activée.")

	// A note of the password step that was tampered with: back to the password.
	b2, asked2 := signIn()
	tampered := strings.Replace(field(asked2, "pending"), ".", "9.", 1)
	b2.post("/login/code", url.Values{"pending": {tampered}, "code": {code(step + 1)}}).contains(t, "entrez à nouveau votre mot de passe")

	// A recovery code, once.
	b3, asked3 := signIn()
	if r := b3.post("/login/code", url.Values{"pending": {field(asked3, "pending")}, "code": {strings.ToUpper(recovery[0][1])}}); r.status != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", r.status)
	}
	b4, asked4 := signIn()
	if r := b4.post("/login/code", url.Values{"pending": {field(asked4, "pending")}, "code": {recovery[0][1]}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a recovery code used twice: %d", r.status)
	}

	// New recovery codes take a code too, and replace the old ones.
	b.get("/account/two-step").contains(t, "Codes de secours restants\u00a0: 9.", `formaction="/account/two-step/recovery-codes"`)
	if r := b.post("/account/two-step/recovery-codes", url.Values{"code": {"000000"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("new codes with a wrong code: %d", r.status)
	}
	r = b.post("/account/two-step/recovery-codes", url.Values{"code": {recovery[1][1]}})
	renewed := regexp.MustCompile(`<li><code>([a-z2-9-]{14})</code></li>`).FindAllStringSubmatch(r.body, -1)
	if r.status != http.StatusOK || len(renewed) != core.RecoveryCodes {
		t.Fatalf("new codes: %d, %d shown", r.status, len(renewed))
	}
	b5, asked5 := signIn()
	if r := b5.post("/login/code", url.Values{"pending": {field(asked5, "pending")}, "code": {recovery[2][1]}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an old recovery code after new ones: %d", r.status)
	}
	recovery = renewed

	// Turning it off takes a code; then the password is enough again.
	b.get("/account/two-step").contains(t, "Codes de secours restants\u00a0: 10.")
	if r := b.post("/account/two-step/disable", url.Values{"code": {"999999"}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("turn off with a wrong code: %d", r.status)
	}
	if r := b.post("/account/two-step/disable", url.Values{"code": {recovery[1][1]}}); r.status != http.StatusSeeOther {
		t.Fatalf("turn off: %d", r.status)
	}
	a.browser().login("manager@commune.lu")
	told("Vérification en deux étapes désactivée")

	audit := a.signedIn("admin@commune.lu", core.RoleAdmin).get("/staff/audit")
	audit.contains(t, "Vérification en deux étapes activée", "Code de secours utilisé", "Nouveaux codes de secours", "Vérification en deux étapes désactivée")
}

// Codes are rate-limited per account like passwords.
func TestTwoStepCodesAreRateLimited(t *testing.T) {
	a := newApp(t, func(c *webConfig) { c.Limits.LoginPerAccount.Max = 3 })
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	turnOnTwoStep(t, staff, staff.get("/account/two-step"))
	last := 0
	for range 4 {
		last = staff.post("/account/two-step/disable", url.Values{"code": {"000000"}}).status
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("the fourth wrong code: %d", last)
	}
}

// An administrator turns off the two-step verification of someone who lost
// their phone and codes, with a reason; a manager cannot.
func TestAdministratorTurnsTwoStepOff(t *testing.T) {
	a := newApp(t, nil)
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	turnOnTwoStep(t, staff, staff.get("/account/two-step"))
	admin := a.signedIn("admin@commune.lu", core.RoleAdmin)
	// The admin has none, the manager has one: one member of staff without.
	admin.get("/staff").contains(t, `Personnel sans vérification en deux étapes</a></dt><dd class="overdue">1</dd>`)
	list := admin.get("/staff/participants?q=manager")
	m := regexp.MustCompile(`action="(/staff/participants/\d+/two-step/disable)"`).FindStringSubmatch(list.body)
	if m == nil {
		t.Fatalf("no way to turn it off on the list:\n%.3000s", list.body)
	}
	if r := staff.post(m[1], url.Values{"reason": {"moi-même"}}); r.status != http.StatusForbidden {
		t.Fatalf("a manager turning it off: %d", r.status)
	}
	if r := admin.post(m[1], url.Values{"reason": {" "}}); r.status != http.StatusBadRequest {
		t.Fatalf("without a reason: %d", r.status)
	}
	if r := admin.post(m[1], url.Values{"reason": {"Téléphone perdu, identité vérifiée au guichet"}}); r.status != http.StatusSeeOther {
		t.Fatalf("turn off: %d", r.status)
	}
	a.browser().login("manager@commune.lu")
	admin.get("/staff/audit").contains(t, "Téléphone perdu, identité vérifiée au guichet")
	admin.get("/staff").contains(t, `Personnel sans vérification en deux étapes</a></dt><dd class="overdue">2</dd>`)
	if strings.Contains(staff.get("/staff").body, "Personnel sans vérification") {
		t.Error("a manager sees the administrators' figure")
	}
}

// With auth.staff_two_step, staff reach the staff pages only once two-step
// verification is on; residents are not asked.
func TestStaffTwoStepRequired(t *testing.T) {
	a := newApp(t, func(c *webConfig) { c.StaffTwoStep = true })
	staff := a.signedIn("manager@commune.lu", core.RoleManager)
	r := staff.get("/staff")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/two-step" {
		t.Fatalf("staff without two-step: %d %s", r.status, r.header.Get("Location"))
	}
	page := staff.get("/account/two-step")
	page.contains(t, "La commune demande au personnel la vérification en deux étapes")
	turnOnTwoStep(t, staff, page)
	if r := staff.get("/staff"); r.status != http.StatusOK {
		t.Fatalf("staff with two-step: %d", r.status)
	}
	if r := a.signedIn("lea@example.lu", core.RoleCitizen).get("/account"); r.status != http.StatusOK {
		t.Fatalf("a resident: %d", r.status)
	}
}

// The account page lists the browsers signed in; ending one signs it out at
// once, and "all the others" keeps only this one.
func TestEndingSessions(t *testing.T) {
	a := newApp(t, nil)
	a.account("lea@example.lu", core.RoleCitizen)
	phone, library, laptop := a.browser(), a.browser(), a.browser()
	phone.header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36")
	library.header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0")
	laptop.header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
	for _, b := range []*browser{phone, library, laptop} {
		b.login("lea@example.lu")
	}
	page := laptop.get("/account")
	page.contains(t, "Sessions ouvertes", "Chrome, Android", "Edge, Windows", "Firefox, Linux <strong>(celle-ci)</strong>")
	ends := regexp.MustCompile(`action="(/account/sessions/[0-9a-f]{16}/end)"`).FindAllStringSubmatch(page.body, -1)
	if len(ends) != 2 {
		t.Fatalf("%d sessions to end (want the two others)", len(ends))
	}
	// The library's row: the one whose button names Edge.
	var libraryEnd string
	for _, m := range regexp.MustCompile(`action="(/account/sessions/[0-9a-f]{16}/end)"[^<]*<input[^>]*><button[^>]*>Fermer<span class="visually-hidden">[^<]*Edge`).FindAllStringSubmatch(page.body, -1) {
		libraryEnd = m[1]
	}
	if libraryEnd == "" {
		t.Fatalf("no button for the library's session:\n%s", page.body)
	}
	if r := laptop.post(libraryEnd, nil); r.status != http.StatusSeeOther {
		t.Fatalf("end the library's session: %d", r.status)
	}
	if r := library.get("/account"); r.status != http.StatusSeeOther {
		t.Fatalf("the library still signed in: %d", r.status)
	}
	if r := phone.get("/account"); r.status != http.StatusOK {
		t.Fatalf("the phone signed out too: %d", r.status)
	}
	// Someone else's session cannot be ended.
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	tomEnd := regexp.MustCompile(`action="(/account/sessions/[0-9a-f]{16}/end)"`).FindStringSubmatch(laptop.get("/account").body)[1]
	tom.get("/account")
	tom.post(tomEnd, nil)
	if r := phone.get("/account"); r.status != http.StatusOK {
		t.Fatal("another account ended Léa's session")
	}
	laptop.get("/account")
	laptop.post("/account/sessions/others/end", nil)
	if r := phone.get("/account"); r.status != http.StatusSeeOther {
		t.Fatalf("the phone still signed in after ending all others: %d", r.status)
	}
	if r := laptop.get("/account"); r.status != http.StatusOK {
		t.Fatalf("this session ended too: %d", r.status)
	}
}

// turnOnTwoStep turns two-step verification on for b from its two-step page,
// with the code of the secret the page shows.
func turnOnTwoStep(t *testing.T, b *browser, page response) {
	t.Helper()
	secretText := regexp.MustCompile(`name="secret" value="([^"]*)"`).FindStringSubmatch(page.body)[1]
	sig := regexp.MustCompile(`name="secret_sig" value="([^"]*)"`).FindStringSubmatch(page.body)[1]
	secret, err := core.ParseTOTPSecret(secretText)
	if err != nil {
		t.Fatal(err)
	}
	code := core.TOTPCode(secret, core.TOTPStepAt(time.Now()))
	if r := b.post("/account/two-step", url.Values{"secret": {secretText}, "secret_sig": {sig}, "password": {"correct horse battery"}, "code": {code}}); r.status != http.StatusOK {
		t.Fatalf("turn on: %d", r.status)
	}
}

// An account a provider opened without an address or password turns two-step
// verification on by its recent sign-in (it was refused: the check looked the
// account up by its address).
func TestTwoStepForAnAccountWithoutAddress(t *testing.T) {
	a := newApp(t, nil)
	tom := a.signedIn("tom@example.lu", core.RoleCitizen)
	if _, err := a.store.Pool().Exec(ctx, `UPDATE participant SET email = NULL, member = true, password_hash = NULL WHERE email = 'tom@example.lu'`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // the session cache's moment
	turnOnTwoStep(t, tom, tom.get("/account/two-step"))
	if f, err := a.store.SecondFactor(ctx, 1); err != nil || !f.Enabled {
		t.Fatalf("two-step: %v %+v", err, f)
	}
}
