package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"quartier/core/postgres/pgtest"
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
	for _, page := range []string{"/login", "/password/forgot", "/confirm/resend", "/account/delete", "/dev/mail", "/no-such-page"} {
		w.open(base + page)
		w.checkAccessibility(axe)
	}
}

// startDevServer runs `quartier serve` in development mode with its own mailbox.
func startDevServer(t *testing.T) string {
	t.Helper()
	cfg := writeConfig(t, "env: development\nlog:\n  level: warn\nhttp:\n  public_url: http://quartier.test\nmail:\n  dev_catcher: 127.0.0.1:0\n")
	env := envOf(map[string]string{"DATABASE_URL": pgtest.URL(t), "QUARTIER_ADDR": "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--config", cfg, "serve"}, env, nil, out, io.Discard) }()
	t.Cleanup(func() { cancel(); <-done })
	re := regexp.MustCompile(`listening on (http://\S+)`)
	for i := 0; i < 300; i++ {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return strings.Replace(m[1], "127.0.0.1", "localhost", 1)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal(fmt.Sprintf("serve did not start: %s", out.String()))
	return ""
}
