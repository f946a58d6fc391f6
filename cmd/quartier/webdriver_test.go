package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// webDriver is a minimal client of the W3C WebDriver protocol, enough to drive
// Chromium through chromedriver like a person: open pages, type, click, read.
type webDriver struct {
	t    *testing.T
	base string // http://127.0.0.1:PORT/session/ID
}

const w3cElement = "element-6066-11e4-a52e-4f735466cecf"

// startBrowser starts chromedriver and a headless Chromium session. Without
// chromedriver the test is skipped, except in CI, where it fails: `make test`
// installs Chromium when it can.
func startBrowser(t *testing.T) *webDriver {
	t.Helper()
	driver, err := exec.LookPath("chromedriver")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromedriver not found: install the chromium and chromium-driver packages (make test does so as root)")
		}
		t.Skip("chromedriver not found; install chromium and chromium-driver to run the browser test")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	root := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; ; i++ {
		if res, err := http.Get(root + "/status"); err == nil {
			res.Body.Close()
			break
		}
		if i > 100 {
			t.Fatal("chromedriver did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": chromiumBinary(),
			"prefs":  map[string]any{"intl.accept_languages": "fr-LU,fr"},
			"args": []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
				"--window-size=390,844", "--lang=fr"},
		},
	}}}
	w := &webDriver{t: t, base: root}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	w.call("POST", "/session", caps, &created)
	if created.SessionID == "" {
		t.Fatal("chromedriver returned no session")
	}
	w.base = root + "/session/" + created.SessionID
	t.Cleanup(func() { w.call("DELETE", "", nil, nil) })
	return w
}

func chromiumBinary() string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "chromium"
}

func (w *webDriver) call(method, path string, body, out any) {
	w.t.Helper()
	if err := w.try(method, path, body, out); err != nil {
		w.t.Fatal(err)
	}
}

// try is call that returns the error instead of failing the test.
func (w *webDriver) try(method, path string, body, out any) error {
	var buf bytes.Buffer
	if body != nil {
		json.NewEncoder(&buf).Encode(body)
	}
	req, _ := http.NewRequest(method, w.base+path, &buf)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("webdriver %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	var envelope struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(res.Body).Decode(&envelope); err != nil {
		return fmt.Errorf("webdriver %s %s: decode: %w", method, path, err)
	}
	if res.StatusCode != 200 {
		var e struct{ Error, Message string }
		json.Unmarshal(envelope.Value, &e)
		msg, _, _ := strings.Cut(e.Message, "\n")
		return fmt.Errorf("webdriver %s %s: %d %s: %s", method, path, res.StatusCode, e.Error, msg)
	}
	if out != nil {
		if err := json.Unmarshal(envelope.Value, out); err != nil {
			return fmt.Errorf("webdriver %s %s: %w in %s", method, path, err, envelope.Value)
		}
	}
	return nil
}

func (w *webDriver) open(url string) {
	w.t.Helper()
	w.call("POST", "/url", map[string]string{"url": url}, nil)
}

// find returns the first element matching css; when there is none, the test fails
// showing the page the browser is on.
func (w *webDriver) find(css string) string {
	w.t.Helper()
	var el map[string]string
	if err := w.try("POST", "/element", map[string]string{"using": "css selector", "value": css}, &el); err != nil {
		var page string
		w.try("POST", "/execute/sync", map[string]any{"script": "return document.body.innerText", "args": []any{}}, &page)
		w.t.Fatalf("%v\nat %s the page shows:\n%s", err, w.currentURL(), page)
	}
	return el[w3cElement]
}

func (w *webDriver) typeInto(css, text string) {
	w.t.Helper()
	w.call("POST", "/element/"+w.find(css)+"/value", map[string]string{"text": text}, nil)
}

func (w *webDriver) click(css string) {
	w.t.Helper()
	w.call("POST", "/element/"+w.find(css)+"/click", map[string]any{}, nil)
}

func (w *webDriver) text(css string) string {
	w.t.Helper()
	var s string
	w.call("GET", "/element/"+w.find(css)+"/text", nil, &s)
	return s
}

// attribute returns the value of the first element's attribute name ("" when absent).
func (w *webDriver) attribute(css, name string) string {
	w.t.Helper()
	var s *string
	w.call("GET", "/element/"+w.find(css)+"/attribute/"+name, nil, &s)
	if s == nil {
		return ""
	}
	return *s
}

func (w *webDriver) currentURL() string {
	w.t.Helper()
	var s string
	w.call("GET", "/url", nil, &s)
	return s
}

// mustSee waits up to 5 s (a submitted form may still be loading) for an element
// matching css to show want.
func (w *webDriver) mustSee(css, want string) {
	w.t.Helper()
	var got string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var el map[string]string
		if w.try("POST", "/element", map[string]string{"using": "css selector", "value": css}, &el) != nil {
			continue
		}
		if w.try("GET", "/element/"+el[w3cElement]+"/text", nil, &got) == nil && strings.Contains(got, want) {
			return
		}
	}
	w.find(css) // fails showing the page when the element is missing
	w.t.Fatalf("at %s, %s shows %q, want %q", w.currentURL(), css, got, want)
}

// linkInMailbox reads the newest link to path from the development mailbox page.
func (w *webDriver) linkInMailbox(base, path string) string {
	w.t.Helper()
	w.open(base + "/dev/mail")
	body := w.text("main")
	i := strings.Index(body, "http://quartier.test"+path)
	if i < 0 {
		w.t.Fatalf("no %s link in the mailbox:\n%s", path, body)
	}
	link := strings.Fields(body[i:])[0]
	return base + strings.TrimPrefix(link, "http://quartier.test")
}

// axeSource is axe-core, installed from npm by `make assets` (test.sh runs it).
func axeSource(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../../node_modules/axe-core/axe.min.js")
	if err != nil {
		t.Fatalf("axe-core missing (run `make assets`): %v", err)
	}
	return string(src)
}

// checkAccessibility runs axe-core's WCAG 2.1 A and AA rules on the current page
// and fails the test for every violation.
func (w *webDriver) checkAccessibility(axe string) {
	w.t.Helper()
	var result struct {
		Violations []struct {
			ID, Help string
			Nodes    []struct{ Target []any }
		}
	}
	script := axe + `;
		const done = arguments[arguments.length - 1];
		// What is fading in (a map's popup) is judged once shown, within a second.
		const settled = Promise.all(document.getAnimations().map(a => a.finished.catch(() => {})));
		Promise.race([settled, new Promise(r => setTimeout(r, 1000))]).then(() => axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
			.then(r => done({violations: r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => ({target: n.target}))}))}))
			.catch(e => done({violations: [{id: "axe-error", help: String(e), nodes: []}]})));`
	w.call("POST", "/timeouts", map[string]int{"script": 30000}, nil)
	w.call("POST", "/execute/async", map[string]any{"script": script, "args": []any{}}, &result)
	for _, v := range result.Violations {
		w.t.Errorf("accessibility at %s: %s (%s) on %v", w.currentURL(), v.ID, v.Help, v.Nodes)
	}
}

// screenshot saves the page as PNG into $QUARTIER_SCREENSHOTS, when set, so that
// a person can look at what the test saw.
func (w *webDriver) screenshot(name string) {
	w.t.Helper()
	dir := os.Getenv("QUARTIER_SCREENSHOTS")
	if dir == "" {
		return
	}
	var b64 string
	w.call("GET", "/screenshot", nil, &b64)
	png, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// upload puts a local file into a file input.
func (w *webDriver) upload(css, path string) {
	w.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		w.t.Fatal(err)
	}
	w.call("POST", "/element/"+w.find(css)+"/value", map[string]string{"text": abs}, nil)
}

// resize sets the window size (a phone is 390×844, a desk 1280×900).
func (w *webDriver) resize(width, height int) {
	w.t.Helper()
	w.call("POST", "/window/rect", map[string]int{"width": width, "height": height}, nil)
}

// pasteHTML pastes html (as a word processor puts it on the clipboard) at the
// end of the editable element css, the way a paste event reaches the page.
func (w *webDriver) pasteHTML(css, html string) {
	w.t.Helper()
	w.find(css) // fails showing the page when the element is missing
	w.call("POST", "/execute/sync", map[string]any{"script": `
		var area = document.querySelector(arguments[0]);
		area.focus();
		var r = document.createRange();
		r.selectNodeContents(area);
		r.collapse(false);
		var sel = getSelection();
		sel.removeAllRanges();
		sel.addRange(r);
		var data = new DataTransfer();
		data.setData("text/html", arguments[1]);
		data.setData("text/plain", "plain text");
		area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));`,
		"args": []any{css, html}}, nil)
}

// mustBeReadable fails unless every element matching css has text of at
// least 4.5:1 contrast against the first opaque background behind it (WCAG
// 1.4.3), as drawn now. axe leaves some such cases for a person to check.
func (w *webDriver) mustBeReadable(css string) {
	w.t.Helper()
	w.find(css) // fails showing the page when there is none
	var worst struct {
		Ratio float64
		Text  string
	}
	w.call("POST", "/execute/sync", map[string]any{"script": `
		function rgb(s) { var m = s.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
		function lum(c) { return [c.r, c.g, c.b].map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
			.reduce(function (s, v, i) { return s + v * [0.2126, 0.7152, 0.0722][i]; }, 0); }
		var worst = {ratio: 99, text: ""};
		document.querySelectorAll(arguments[0]).forEach(function (el) {
			var bg = null;
			for (var n = el; n && !bg; n = n.parentElement) { var c = rgb(getComputedStyle(n).backgroundColor); if (c.a === 1) bg = c; }
			bg = bg || {r: 255, g: 255, b: 255};
			var a = lum(rgb(getComputedStyle(el).color)), b = lum(bg);
			var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
			if (ratio < worst.ratio) worst = {ratio: ratio, text: el.textContent.trim()};
		});
		return worst;`, "args": []any{css}}, &worst)
	if worst.Ratio < 4.5 {
		w.t.Errorf("at %s, %q (%s) has contrast %.2f:1, want at least 4.5:1", w.currentURL(), worst.Text, css, worst.Ratio)
	}
}

// mustFitWidth fails when the page is wider than the window (a phone user
// would have to scroll sideways), naming the elements that stick out.
func (w *webDriver) mustFitWidth() {
	w.t.Helper()
	var out string
	w.call("POST", "/execute/sync", map[string]any{"script": `
		var W = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= W) return "";
		var wide = [];
		document.querySelectorAll("body *").forEach(function (e) {
			var r = e.getBoundingClientRect();
			if (r.right > W + 1 && !e.closest(".table-scroll, .leaflet-container")) wide.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " (" + Math.round(r.right) + " px)");
		});
		return W + " px wide, content " + document.documentElement.scrollWidth + " px: " + wide.slice(0, 5).join(", ");`, "args": []any{}}, &out)
	if out != "" {
		w.t.Errorf("at %s the page is wider than the window: %s", w.currentURL(), out)
	}
}
