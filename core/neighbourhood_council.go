package core

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// NeighbourhoodCouncil is a council of a quarter (or any target): members
// appointed, elected or drawn by lot from volunteers who live there, with its
// own page, meetings, documents and proposals to the commune.
type NeighbourhoodCouncil struct {
	ID          int64
	Name        string
	Description string   // sanitised HTML
	Language    Language // of name and description
	// Translations are its name and description in other languages.
	Translations map[Language]CouncilText
	// Shown says the language of name and description as they stand (see In).
	Shown      CouncilLangs
	TargetID   int64 // whose residents may volunteer; 0: the whole commune
	Seats      int   // seats filled by lot
	Stratified bool  // draws share the seats among streets
	Revision   int
}

// EntityCouncil names neighbourhood councils in the change log.
const EntityCouncil = "neighbourhood_council"

// NormalizeCouncil checks a council as staff describe it, its translations
// included (the form calls the name a title: title_de, ...).
func NormalizeCouncil(c NeighbourhoodCouncil) (NeighbourhoodCouncil, error) {
	var errs []error
	c.Name = strings.TrimSpace(c.Name)
	if l := utf8.RuneCountInString(c.Name); l < 3 || l > 120 {
		errs = append(errs, Invalid("name", "error.council_name"))
	}
	c.Description = SanitizeHTML(c.Description)
	var err error
	c.Language, err = writtenIn(c.Language)
	errs = append(errs, err)
	c.Translations, err = normalizeTitledTexts(c.Translations, c.Language, func(t CouncilText) (string, string) { return t.Name, t.Description },
		func(name, description string) CouncilText { return CouncilText{Name: name, Description: description} })
	errs = append(errs, err)
	if c.Seats < 1 || c.Seats > 200 {
		errs = append(errs, Invalid("seats", "error.council_seats"))
	}
	return c, errors.Join(errs...)
}

// CouncilRole is how a member came to sit on a council.
type CouncilRole string

// Council roles.
const (
	CouncilAppointed CouncilRole = "appointed"
	CouncilElected   CouncilRole = "elected"
	CouncilDrawn     CouncilRole = "drawn"
)

// CouncilMember is a member of a council.
type CouncilMember struct {
	Participant Participant
	Role        CouncilRole
	Since       time.Time
}

// CouncilDocument is a text a council publishes (minutes, a statement).
type CouncilDocument struct {
	ID        int64
	Title     string
	Body      string // sanitised HTML
	CreatedAt time.Time
}

// StoredDraw is a recorded drawing of lots.
type StoredDraw struct {
	ID int64
	Draw
	DrawnAt time.Time
}

// CouncilText is a council's name and description in one language.
type CouncilText struct {
	Name        string
	Description string // sanitised HTML
	// Source fingerprints the original name and description it was
	// translated from (WordsHash); "" when unknown.
	Source string
}

// WordsHash fingerprints the council's own name and description.
func (c NeighbourhoodCouncil) WordsHash() string { return WordsHash(c.Name, c.Description) }

// Outdated reports whether the translation into l was made from other words
// than the original's as they stand.
func (c NeighbourhoodCouncil) Outdated(l Language) bool {
	t, ok := c.Translations[l]
	return ok && l != c.Language && outdated(t.Source, c.Name, c.Description)
}

// CouncilLangs are the languages of a council's name and description as shown.
type CouncilLangs struct{ Name, Description Language }

// In returns the council as a reader of l sees it: name and description from
// the translation into l where staff wrote them, from the original otherwise.
func (c NeighbourhoodCouncil) In(l Language) NeighbourhoodCouncil {
	t := c.Translations[l]
	if l == c.Language {
		t = CouncilText{}
	}
	c.Name, c.Shown.Name = pickText(c.Name, c.Language, t.Name, l)
	c.Description, c.Shown.Description = pickHTML(c.Description, c.Language, t.Description, l)
	return c
}
