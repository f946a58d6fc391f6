package core

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// DebateText is a debate's question and conclusion in one language.
type DebateText struct {
	Question, Conclusion string
	// ConclusionSource fingerprints the original conclusion the conclusion
	// was translated from (WordsHash); "" when unknown. (The question cannot
	// change once the debate is open.)
	ConclusionSource string
}

// ConclusionOutdated reports whether the translation into l of the
// conclusion was made from another conclusion than the original's as it
// stands.
func (d Debate) ConclusionOutdated(l Language) bool {
	t, ok := d.Translations[l]
	return ok && l != d.Language && t.Conclusion != "" && outdated(t.ConclusionSource, d.Conclusion)
}

// DebateLangs are the languages of a debate's question and conclusion as
// shown, for the pages' lang attributes.
type DebateLangs struct{ Question, Conclusion Language }

// In returns the debate as a reader of l sees it: question and conclusion
// from the translation into l where staff wrote it, from the original
// otherwise; Shown says which language each is in.
func (d Debate) In(l Language) Debate {
	t := d.Translations[l]
	if l == d.Language {
		t = DebateText{}
	}
	d.Question, d.Shown.Question = pickText(d.Question, d.Language, t.Question, l)
	d.Conclusion, d.Shown.Conclusion = pickText(d.Conclusion, d.Language, t.Conclusion, l)
	return d
}

// NormalizeDebateQuestion checks the question staff ask: one line of 5 to
// 300 characters.
func NormalizeDebateQuestion(text string) (string, error) {
	text = strings.Join(strings.Fields(text), " ")
	if l := utf8.RuneCountInString(text); l < 5 || l > 300 {
		return "", Invalid("question", "error.question_length")
	}
	return text, nil
}

// NormalizeDebateTranslations checks the translations of a debate's question
// (part "question") or conclusion (part "conclusion") written in original:
// those left empty are no translation, the others meet the original's rules.
// Problems name the form's fields (question_de, conclusion_lb, ...).
func NormalizeDebateTranslations(part string, in map[Language]string, original Language) (map[Language]string, error) {
	check := NormalizeDebateQuestion
	if part == "conclusion" {
		check = NormalizeConclusion
	}
	var errs []error
	out := map[Language]string{}
	for _, l := range Languages {
		text := strings.TrimSpace(in[l])
		if l == original || text == "" {
			continue
		}
		words, err := check(text)
		if e := (*Error)(nil); errors.As(err, &e) {
			errs = append(errs, Invalid(part+"_"+string(l), e.Key))
			continue
		}
		out[l] = words
	}
	return out, errors.Join(errs...)
}
