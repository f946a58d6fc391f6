package core

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"unicode/utf8"
)

// writtenIn is the language staff say a text is written in: DefaultLanguage
// when they say none, and a problem on the form's language field when it is
// not one the platform offers.
func writtenIn(l Language) (Language, error) {
	if l == "" {
		return DefaultLanguage, nil
	}
	if _, ok := ParseLanguage(string(l)); !ok {
		return l, Invalid("language", "error.language_unknown")
	}
	return l, nil
}

// normalizeTitledText checks a translation into l of a title (on one line,
// 3 to 200 characters as consultations' and events' own) and a rich-text description
// (sanitised; empty when it says nothing). given is false when it has neither
// (no translation); a description needs a title. Problems name the form's
// fields, title_de and description_de.
func normalizeTitledText(l Language, title, description string) (string, string, bool, []error) {
	title = oneLine(title)
	if len(description) > MaxRichTextBytes {
		return title, description, false, []error{Invalid("description_"+string(l), "error.body_length")}
	}
	if description = SanitizeHTML(description); HTMLText(description) == "" {
		description = ""
	}
	if title == "" && description == "" {
		return "", "", false, nil
	}
	if n := utf8.RuneCountInString(title); n < 3 || n > MaxConsultationTitle {
		return title, description, true, []error{Invalid("title_"+string(l), "error.translation_title_200")}
	}
	return title, description, true, nil
}

// normalizeTitledTexts checks the translations in of a text written in
// original whose words are a title and a description (words reads them, build
// makes the checked translation), language by language with
// normalizeTitledText; a language with neither is left out.
func normalizeTitledTexts[T any](in map[Language]T, original Language, words func(T) (title, description string),
	build func(title, description string) T) (map[Language]T, error) {
	var errs []error
	out := map[Language]T{}
	for _, l := range Languages {
		t, ok := in[l]
		if !ok || l == original {
			continue
		}
		title, description := words(t)
		title, description, given, problems := normalizeTitledText(l, title, description)
		errs = append(errs, problems...)
		if given {
			out[l] = build(title, description)
		}
	}
	return out, errors.Join(errs...)
}

// pickText is what a reader of l sees of one text: translated (in l) when it
// says something, the original (in written) otherwise.
func pickText(original string, written Language, translated string, l Language) (string, Language) {
	if translated == "" {
		return original, written
	}
	return translated, l
}

// pickHTML is pickText for rich text: a translation of empty paragraphs says
// nothing.
func pickHTML(original string, written Language, translated string, l Language) (string, Language) {
	if HTMLText(translated) == "" {
		return original, written
	}
	return translated, l
}

// WordsHash is a short fingerprint of a text's words (its parts in order), to
// tell whether a translation was made from the original as it stands.
func WordsHash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(sum[:8])
}

// outdated reports whether a translation made from the original whose words
// hashed to source no longer matches the original's current words; false
// when the source is unknown.
func outdated(source string, parts ...string) bool {
	return source != "" && source != WordsHash(parts...)
}
