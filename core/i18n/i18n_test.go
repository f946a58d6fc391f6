package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"quartier/core"
)

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Every language has every key, with the same placeholders, and no empty text.
func TestCataloguesAreComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ref := c.Keys(core.DefaultLanguage)
	if len(ref) < 100 {
		t.Fatalf("French catalogue has only %d keys", len(ref))
	}
	for _, lang := range core.Languages {
		if got := len(c.Keys(lang)); got != len(ref) {
			t.Errorf("%s has %d keys, French has %d", lang, got, len(ref))
		}
		for _, k := range ref {
			if !c.Has(lang, k) {
				t.Errorf("%s lacks %q", lang, k)
				continue
			}
			text := c.T(lang, k)
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s %q is empty", lang, k)
			}
			if want, got := placeholders(c.T(core.DefaultLanguage, k)), placeholders(text); want != got {
				t.Errorf("%s %q has placeholders %s, French has %s", lang, k, got, want)
			}
		}
	}
}

func placeholders(s string) string {
	p := placeholder.FindAllString(s, -1)
	sort.Strings(p)
	return strings.Join(p, " ")
}

func TestTranslateFallsBackAndFillsPlaceholders(t *testing.T) {
	c := MustLoad()
	if got := c.T(core.English, "home.welcome", "name", "Léa"); got != "Hello Léa, thank you for taking part." {
		t.Errorf("T = %q", got)
	}
	if got := c.T(core.German, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key gives %q", got)
	}
	if c.T(core.Luxembourgish, "nav.login") == c.T(core.French, "nav.login") {
		t.Error("Luxembourgish login label equals the French one: catalogue not used")
	}
}
