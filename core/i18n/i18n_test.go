package i18n

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"quartier/core"
)

// placeholder matches {name} and {name|one|other}; choice matches any brace
// with a bar, which must be the latter.
var (
	placeholder = regexp.MustCompile(`\{([a-z_]+)(\|[^{}|]*\|[^{}|]*)?\}`)
	choice      = regexp.MustCompile(`\{[^{}]*\|[^{}]*\}`)
)

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
			for _, ch := range choice.FindAllString(text, -1) {
				if !placeholder.MatchString(ch) {
					t.Errorf("%s %q: %s is not {name|one|other}", lang, k, ch)
				}
			}
		}
	}
}

// placeholders lists the names s uses, each once, in order.
func placeholders(s string) string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	sort.Strings(names)
	return strings.Join(slices.Compact(names), " ")
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

// A word that depends on a number takes the form of the language's rule:
// French counts 0 and 1 as one, the others only 1.
func TestPluralFormsFollowTheLanguagesRule(t *testing.T) {
	c := MustLoad()
	for _, tt := range []struct {
		lang core.Language
		n    any
		want string
	}{
		{core.French, 0, "0 idée"}, {core.French, 1, "1 idée"}, {core.French, int64(2), "2 idées"},
		{core.English, 0, "0 ideas"}, {core.English, 1, "1 idea"}, {core.English, 21, "21 ideas"},
		{core.German, 1, "1 Idee"}, {core.German, 3, "3 Ideen"},
		{core.Luxembourgish, 1, "1 Iddi"}, {core.Luxembourgish, 0, "0 Iddien"},
	} {
		if got := c.T(tt.lang, "ideas.count", "n", tt.n); got != tt.want {
			t.Errorf("%s, %v ideas: %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
	if got, want := c.T(core.French, "councils.draw_state", "volunteers", 1, "free", 2), "1 volontaire en attente, 2 sièges libres."; got != want {
		t.Errorf("two numbers: %q, want %q", got, want)
	}
	if got, want := c.T(core.English, "ideas.supporters", "n", 1), "support"; got != want {
		t.Errorf("a form without its number: %q, want %q", got, want)
	}
	// A text whose number is not given takes the other form; braces that are
	// not a choice stay as they are.
	if got, want := choosePlurals(core.French, "{n} {n|idée|idées} {a|b}", nil), "{n} idées {a|b}"; got != want {
		t.Errorf("no number: %q, want %q", got, want)
	}
}

// Per cent and colon follow each language's typography: no break before
// the sign, except in English, which writes none.
func TestPercentAndColon(t *testing.T) {
	for _, c := range []struct {
		lang         core.Language
		percent, col string
	}{
		{core.English, "45%", ":"}, {core.French, "45\u00a0%", "\u00a0:"}, {core.German, "45\u00a0%", ":"}, {core.Luxembourgish, "45\u00a0%", ":"},
	} {
		if got := Percent(c.lang, 45); got != c.percent {
			t.Errorf("%s: %q, want %q", c.lang, got, c.percent)
		}
		if got := Colon(c.lang); got != c.col {
			t.Errorf("%s colon: %q, want %q", c.lang, got, c.col)
		}
	}
}
