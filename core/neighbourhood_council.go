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
	Description string // sanitised HTML
	TargetID    int64  // whose residents may volunteer; 0: the whole commune
	Seats       int    // seats filled by lot
	Stratified  bool   // draws share the seats among streets
	Revision    int
}

// EntityCouncil names neighbourhood councils in the change log.
const EntityCouncil = "neighbourhood_council"

// NormalizeCouncil checks a council as staff describe it.
func NormalizeCouncil(c NeighbourhoodCouncil) (NeighbourhoodCouncil, error) {
	var errs []error
	c.Name = strings.TrimSpace(c.Name)
	if l := utf8.RuneCountInString(c.Name); l < 3 || l > 120 {
		errs = append(errs, Invalid("name", "error.council_name"))
	}
	c.Description = SanitizeHTML(c.Description)
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
