package core

import (
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"quartier/geo"
)

// MeetingKind is what kind of gathering a meeting is.
type MeetingKind string

// Meeting kinds.
const (
	MeetingPublic  MeetingKind = "public_meeting"
	MeetingWork    MeetingKind = "workshop"
	MeetingVisit   MeetingKind = "site_visit"
	MeetingCouncil MeetingKind = "council_session"
)

// MeetingKinds lists the kinds in the order staff see them.
var MeetingKinds = []MeetingKind{MeetingPublic, MeetingWork, MeetingVisit, MeetingCouncil}

// Meeting is an event of the commune: a place (or an online link), a time,
// registration with a capacity and a waiting list, and its outcome afterwards.
type Meeting struct {
	ID          int64
	ProjectID   int64
	CouncilID   int64 // a neighbourhood council's meeting, 0 otherwise
	Kind        MeetingKind
	Title       string
	Description string   // sanitised HTML
	Language    Language // of title, description and outcome
	// Translations are its words in other languages, as staff gave them.
	Translations map[Language]MeetingText
	// Shown says the language of each text as it stands (see In).
	Shown           MeetingLangs
	StartsAt        time.Time
	EndsAt          time.Time
	Location        string
	Point           orb.Point
	HasPoint        bool
	OnlineURL       string
	Capacity        int // 0: no limit
	RegisteredCount int
	WaitingCount    int
	Published       bool
	Outcome         string // sanitised HTML
	CancelledAt     time.Time
	Revision        int
	UpdatedAt       time.Time
}

// Cancelled reports whether staff called the meeting off.
func (m Meeting) Cancelled() bool { return !m.CancelledAt.IsZero() }

// OpenForRegistration reports whether participants may still register at now.
func (m Meeting) OpenForRegistration(now time.Time) bool {
	return m.Published && !m.Cancelled() && now.Before(m.StartsAt)
}

// Full reports whether new registrations go to the waiting list.
func (m Meeting) Full() bool { return m.Capacity > 0 && m.RegisteredCount >= m.Capacity }

// EntityMeeting names meetings in the change log.
const EntityMeeting = "meeting"

// NormalizeMeeting checks a meeting as staff describe it, the translations
// of its title and description included.
func NormalizeMeeting(m Meeting) (Meeting, error) {
	var errs []error
	m.Title = strings.TrimSpace(m.Title)
	if l := utf8.RuneCountInString(m.Title); l < 3 || l > 200 {
		errs = append(errs, Invalid("title", "error.meeting_title"))
	}
	known := false
	for _, k := range MeetingKinds {
		known = known || k == m.Kind
	}
	if !known {
		errs = append(errs, Invalid("kind", "error.meeting_kind"))
	}
	m.Description, m.Outcome = SanitizeHTML(m.Description), SanitizeHTML(m.Outcome)
	var err error
	m.Language, err = writtenIn(m.Language)
	errs = append(errs, err)
	translations, err := normalizeMeetingTranslations(m.Translations, m.Language)
	errs = append(errs, err)
	m.Translations = translations
	if m.StartsAt.IsZero() || !m.EndsAt.After(m.StartsAt) {
		errs = append(errs, Invalid("ends_at", "error.meeting_times"))
	}
	m.Location, m.OnlineURL = strings.TrimSpace(m.Location), strings.TrimSpace(m.OnlineURL)
	if m.OnlineURL != "" {
		if u, err := url.Parse(m.OnlineURL); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, Invalid("online_url", "error.meeting_online_url"))
		}
	}
	if m.Location == "" && m.OnlineURL == "" {
		errs = append(errs, Invalid("location", "error.meeting_where"))
	}
	if m.HasPoint && !geo.InBenelux(m.Point) {
		errs = append(errs, Invalid("location", "error.position_outside"))
	}
	if m.Capacity < 0 || m.Capacity > 100000 {
		errs = append(errs, Invalid("capacity", "error.meeting_capacity"))
	}
	return m, errors.Join(errs...)
}

// RegistrationStatus is where a participant stands for a meeting.
type RegistrationStatus string

// Registration statuses.
const (
	Registered RegistrationStatus = "registered"
	Waiting    RegistrationStatus = "waiting"
	Cancelled  RegistrationStatus = "cancelled"
)

// MeetingRegistration is one participant's place at a meeting, for staff.
type MeetingRegistration struct {
	Participant Participant
	Status      RegistrationStatus
	CreatedAt   time.Time
}
