package core

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// BudgetText is a budget's words in one language: title, description and its
// envelopes' names in their order (a translation whose count no longer
// matches the envelopes is not shown).
type BudgetText struct {
	Title       string
	Description string // sanitised HTML
	Envelopes   []string
	// Source fingerprints the original words it was translated from
	// (WordsHash); "" when unknown.
	Source string
}

// WordsHash fingerprints the budget's own title, description and envelope
// names.
func (b Budget) WordsHash() string {
	parts := []string{b.Title, b.Description}
	for _, e := range b.Envelopes {
		parts = append(parts, e.Name)
	}
	return WordsHash(parts...)
}

// Outdated reports whether the translation into l was made from other words
// than the original's as they stand.
func (b Budget) Outdated(l Language) bool {
	t, ok := b.Translations[l]
	return ok && l != b.Language && t.Source != "" && t.Source != b.WordsHash()
}

// BudgetLangs are the languages of a budget's title and description as shown.
type BudgetLangs struct{ Title, Description Language }

// In returns the budget as a reader of l sees it: title, description and
// envelope names from the translation into l where staff wrote them, from the
// original otherwise; Shown and each envelope's Lang say which language. The
// envelopes are a copy.
func (b Budget) In(l Language) Budget {
	envelopes := make([]Envelope, len(b.Envelopes))
	for i, e := range b.Envelopes {
		e.Lang = b.Language
		envelopes[i] = e
	}
	if b.Envelopes != nil {
		b.Envelopes = envelopes
	}
	t := b.Translations[l]
	if l == b.Language {
		t = BudgetText{}
	}
	b.Title, b.Shown.Title = pickText(b.Title, b.Language, t.Title, l)
	b.Description, b.Shown.Description = pickHTML(b.Description, b.Language, t.Description, l)
	if len(t.Envelopes) == len(envelopes) && len(envelopes) > 0 {
		for i, name := range t.Envelopes {
			if name != "" {
				envelopes[i].Name, envelopes[i].Lang = name, l
			}
		}
	}
	return b
}

// normalizeBudgetTranslations checks the translations staff give with the
// budget b: title and description as a consultation's, envelope names one
// per envelope in order when given. Problems name the form's fields
// (title_de, envelopes_de, ...).
func normalizeBudgetTranslations(b Budget, in map[Language]BudgetText) (map[Language]BudgetText, error) {
	var errs []error
	out := map[Language]BudgetText{}
	for _, l := range Languages {
		t, ok := in[l]
		if !ok || l == b.Language {
			continue
		}
		var names []string
		for _, name := range t.Envelopes {
			names = append(names, strings.TrimSpace(name))
		}
		for len(names) > 0 && names[len(names)-1] == "" {
			names = names[:len(names)-1]
		}
		title, description, given, problems := normalizeTitledText(l, t.Title, t.Description)
		errs = append(errs, problems...)
		if !given && len(names) == 0 {
			continue
		}
		if !given {
			errs = append(errs, Invalid("title_"+string(l), "error.translation_title_200"))
		}
		if len(names) > 0 && len(names) != len(b.Envelopes) {
			errs = append(errs, Invalid("envelopes_"+string(l), "error.translation_envelopes"))
		}
		for _, name := range names {
			if utf8.RuneCountInString(name) > 100 {
				errs = append(errs, Invalid("envelopes_"+string(l), "error.budget_envelopes"))
				break
			}
		}
		out[l] = BudgetText{Title: title, Description: description, Envelopes: names}
	}
	return out, errors.Join(errs...)
}
