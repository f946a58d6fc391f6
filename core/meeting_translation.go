package core

import "errors"

// MeetingText is a meeting's words in one language: its title and
// description (given with the meeting) and its outcome (given afterwards).
type MeetingText struct {
	Title       string
	Description string // sanitised HTML
	Outcome     string // sanitised HTML
	// Source fingerprints the original title and description the title and
	// description were translated from (WordsHash); "" when unknown.
	Source string
	// OutcomeSource fingerprints the original outcome the outcome was
	// translated from (WordsHash); "" when unknown.
	OutcomeSource string
}

// WordsHash fingerprints the meeting's own title and description.
func (m Meeting) WordsHash() string { return WordsHash(m.Title, m.Description) }

// Outdated reports whether the translation into l of the title and
// description was made from other words than the original's as they stand.
func (m Meeting) Outdated(l Language) bool {
	t, ok := m.Translations[l]
	return ok && l != m.Language && t.Title != "" && outdated(t.Source, m.Title, m.Description)
}

// OutcomeOutdated reports whether the translation into l of the outcome was
// made from another outcome than the original's as it stands.
func (m Meeting) OutcomeOutdated(l Language) bool {
	t, ok := m.Translations[l]
	return ok && l != m.Language && HTMLText(t.Outcome) != "" && outdated(t.OutcomeSource, m.Outcome)
}

// MeetingLangs are the languages of a meeting's texts as shown, for the
// pages' lang attributes.
type MeetingLangs struct{ Title, Description, Outcome Language }

// In returns the meeting as a reader of l sees it: each text from the
// translation into l where staff wrote it, from the original otherwise; Shown
// says which language each is in.
func (m Meeting) In(l Language) Meeting {
	t := m.Translations[l]
	if l == m.Language {
		t = MeetingText{}
	}
	m.Title, m.Shown.Title = pickText(m.Title, m.Language, t.Title, l)
	m.Description, m.Shown.Description = pickHTML(m.Description, m.Language, t.Description, l)
	m.Outcome, m.Shown.Outcome = pickHTML(m.Outcome, m.Language, t.Outcome, l)
	return m
}

// normalizeMeetingTranslations checks the translated titles and descriptions
// staff give with a meeting written in original: a language with neither is
// left out (its outcome, if any, is kept by the store), one with a
// description needs a title. Problems name the form's fields (title_de, ...).
func normalizeMeetingTranslations(in map[Language]MeetingText, original Language) (map[Language]MeetingText, error) {
	return normalizeTitledTexts(in, original, func(t MeetingText) (string, string) { return t.Title, t.Description },
		func(title, description string) MeetingText {
			return MeetingText{Title: title, Description: description}
		})
}

// NormalizeOutcomeTranslations checks the translated outcomes staff give after
// a meeting written in original: sanitised, empty ones left out.
func NormalizeOutcomeTranslations(in map[Language]string, original Language) (map[Language]string, error) {
	var errs []error
	out := map[Language]string{}
	for _, l := range Languages {
		html, ok := in[l]
		if !ok || l == original {
			continue
		}
		if len(html) > MaxRichTextBytes {
			errs = append(errs, Invalid("outcome_"+string(l), "error.meeting_outcome"))
			continue
		}
		if html = SanitizeHTML(html); HTMLText(html) != "" {
			out[l] = html
		}
	}
	return out, errors.Join(errs...)
}
