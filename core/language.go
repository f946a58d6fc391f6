package core

import "strings"

// Language is an interface language, as a lower-case ISO 639-1 code.
type Language string

// The interface languages. French is the default: it is the administrative language
// most Luxembourg communes write to residents in.
const (
	French        Language = "fr"
	German        Language = "de"
	Luxembourgish Language = "lb"
	English       Language = "en"
)

// DefaultLanguage is used when nothing else tells the reader's language.
const DefaultLanguage = French

// Languages lists the interface languages in the order the language switch shows them.
var Languages = []Language{French, German, Luxembourgish, English}

// ParseLanguage accepts a language code, ignoring case and any region ("de-LU").
func ParseLanguage(s string) (Language, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	if s == "ltz" {
		s = "lb"
	}
	for _, l := range Languages {
		if string(l) == s {
			return l, true
		}
	}
	return "", false
}
