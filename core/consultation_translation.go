package core

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// ConsultationText is a consultation's title and description in one language.
type ConsultationText struct {
	Title       string
	Description string // sanitised HTML
	// Source fingerprints the original's title and description it was
	// translated from (WordsHash); "" when unknown.
	Source string
}

// WordsHash fingerprints the consultation's own title and description.
func (c Consultation) WordsHash() string { return WordsHash(c.Title, c.Description) }

// Outdated reports whether the translation into l of the title and
// description, or of a question, was made from other words than the
// original's as they stand.
func (c Consultation) Outdated(l Language) bool {
	if l == c.Language {
		return false
	}
	for _, q := range c.Questions {
		if q.Outdated(l) {
			return true
		}
	}
	t, ok := c.Translations[l]
	return ok && outdated(t.Source, c.Title, c.Description)
}

// ConsultationLangs are the languages of a consultation's title and
// description as shown, for the pages' lang attributes.
type ConsultationLangs struct{ Title, Description Language }

// QuestionText is a question's words in one language. Options translate the
// question's options in their order; a translation whose count no longer
// matches the options (staff changed them since) is not shown.
type QuestionText struct {
	Section, Prompt, Help string
	Options               []OptionText
	// Source fingerprints the question's words it was translated from
	// (Question.WordsHash); "" when unknown.
	Source string
}

// WordsHash fingerprints the question's own words: section, prompt, help and
// its options' labels and descriptions.
func (q Question) WordsHash() string {
	parts := []string{q.Section, q.Prompt, q.Help}
	for _, o := range q.Options {
		parts = append(parts, o.Label, o.Description)
	}
	return WordsHash(parts...)
}

// Outdated reports whether the translation into l was made from other words
// than the question's as they stand (staff edited it before the first answer).
func (q Question) Outdated(l Language) bool {
	t, ok := q.Translations[l]
	return ok && t.Source != "" && t.Source != q.WordsHash()
}

// OptionText is an option's label and (for scenarios) description in one language.
type OptionText struct {
	Label, Description string
}

// QuestionLangs are the languages of a question's section, prompt and help as
// shown.
type QuestionLangs struct{ Section, Prompt, Help Language }

// OptionsMatch reports whether t translates exactly the options of q: the same
// count (staff may have changed the options after translating them).
func (t QuestionText) OptionsMatch(q Question) bool {
	return len(t.Options) == len(q.Options)
}

// In returns the consultation as a reader of l sees it: the title, the
// description and each question's section, prompt, help and options from the
// translation into l where staff wrote it, from the original otherwise; Shown
// and the options' Lang say which language each text is in. The questions and
// options are copies: c itself is left as it was.
func (c Consultation) In(l Language) Consultation {
	questions := make([]Question, len(c.Questions))
	for i, q := range c.Questions {
		questions[i] = q.in(l, c.Language)
	}
	if c.Questions != nil {
		c.Questions = questions
	}
	t := c.Translations[l]
	if l == c.Language {
		t = ConsultationText{}
	}
	c.Title, c.Shown.Title = pickText(c.Title, c.Language, t.Title, l)
	c.Description, c.Shown.Description = pickHTML(c.Description, c.Language, t.Description, l)
	return c
}

// in is q as a reader of l sees it, original being its consultation's language.
func (q Question) in(l, original Language) Question {
	options := make([]Option, len(q.Options))
	for i, o := range q.Options {
		o.Lang = original
		options[i] = o
	}
	if q.Options != nil {
		q.Options = options
	}
	t := q.Translations[l]
	if l == original {
		t = QuestionText{}
	}
	q.Section, q.Shown.Section = pickText(q.Section, original, t.Section, l)
	q.Prompt, q.Shown.Prompt = pickText(q.Prompt, original, t.Prompt, l)
	q.Help, q.Shown.Help = pickText(q.Help, original, t.Help, l)
	if !t.OptionsMatch(q) {
		return q
	}
	for i, o := range t.Options {
		if o.Label == "" {
			continue
		}
		options[i].Label, options[i].Lang = o.Label, l
		if o.Description != "" {
			options[i].Description = o.Description
		}
	}
	return q
}

// NormalizeConsultationTranslations checks the translations of a
// consultation's title and description written in original: a language with
// no words at all is left out, one with any needs a title. Problems name the
// form's fields (title_de, description_de, ...).
func NormalizeConsultationTranslations(in map[Language]ConsultationText, original Language) (map[Language]ConsultationText, error) {
	return normalizeTitledTexts(in, original, func(t ConsultationText) (string, string) { return t.Title, t.Description },
		func(title, description string) ConsultationText {
			return ConsultationText{Title: title, Description: description}
		})
}

// NormalizeQuestionTranslations checks the translations staff give for the
// stored question q of a consultation written in original: a language with no
// words is left out; one with any needs the prompt, and its options (one per
// option of q, in order) when it gives any. Problems name the form's fields
// (t_prompt_de, t_options_de, ...).
func NormalizeQuestionTranslations(q Question, in map[Language]QuestionText, original Language) (map[Language]QuestionText, error) {
	var errs []error
	out := map[Language]QuestionText{}
	for _, l := range Languages {
		t, ok := in[l]
		if !ok || l == original {
			continue
		}
		t.Section, t.Prompt, t.Help = oneLine(t.Section), strings.TrimSpace(t.Prompt), strings.TrimSpace(t.Help)
		var options []OptionText
		for _, o := range t.Options {
			o.Label, o.Description = strings.TrimSpace(o.Label), strings.TrimSpace(o.Description)
			options = append(options, o)
		}
		for len(options) > 0 && options[len(options)-1] == (OptionText{}) {
			options = options[:len(options)-1]
		}
		t.Options = options
		if t.Section == "" && t.Prompt == "" && t.Help == "" && len(options) == 0 {
			continue
		}
		field := func(name string) string { return "t_" + name + "_" + string(l) }
		if n := utf8.RuneCountInString(t.Prompt); n < 2 || n > MaxPromptLen {
			errs = append(errs, Invalid(field("prompt"), "error.question_prompt"))
		}
		if len(options) > 0 && !t.OptionsMatch(q) {
			errs = append(errs, Invalid(field("options"), "error.translation_options"))
		}
		for _, o := range options {
			if utf8.RuneCountInString(o.Label) > MaxOptionLen {
				errs = append(errs, Invalid(field("options"), "error.option_label"))
				break
			}
		}
		out[l] = t
	}
	return out, errors.Join(errs...)
}
