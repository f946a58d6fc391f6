package core

import (
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what a participant may do. Roles are ordered: each includes the ones below.
type Role string

// The roles, from least to most powerful.
const (
	RoleCitizen   Role = "citizen"
	RoleModerator Role = "moderator"
	RoleManager   Role = "manager"
	RoleAdmin     Role = "admin"
)

// Roles lists every role from least to most powerful.
var Roles = []Role{RoleCitizen, RoleModerator, RoleManager, RoleAdmin}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return -1
}

// AtLeast reports whether r includes the rights of min. An unknown role includes none.
func (r Role) AtLeast(min Role) bool { return r.rank() >= 0 && r.rank() >= min.rank() }

// IsStaff reports whether r may open the staff pages.
func (r Role) IsStaff() bool { return r.AtLeast(RoleModerator) }

// ParseRole accepts one of the role names.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(strings.ToLower(s)))
	if r.rank() < 0 {
		return "", Invalid("role", "error.role_unknown")
	}
	return r, nil
}

// Participant is a person with an account. A deleted participant keeps its id (what
// they wrote stays attributed to a former participant) but loses every personal field.
type Participant struct {
	ID              int64
	Email           string
	DisplayName     string
	Role            Role
	Locale          Language
	EmailVerifiedAt time.Time // zero until the e-mail address is confirmed
	CreatedAt       time.Time
	UpdatedAt       time.Time
	DeletedAt       time.Time // zero while the account exists
	Revision        int
	// TwoStep says whether two-step verification is on; only the session read
	// (Store.SessionParticipant) fills it.
	TwoStep bool
}

// Verified reports whether the participant confirmed their e-mail address.
func (p Participant) Verified() bool { return !p.EmailVerifiedAt.IsZero() }

// Deleted reports whether the account was deleted.
func (p Participant) Deleted() bool { return !p.DeletedAt.IsZero() }

// Registration is what a person gives to open an account.
type Registration struct {
	Email       string
	DisplayName string
	Password    string
	Locale      Language
}

// Normalize trims and validates r; the returned error joins one *Error per bad field.
func (r Registration) Normalize() (Registration, error) {
	var errs []error
	email, err := NormalizeEmail(r.Email)
	if err != nil {
		errs = append(errs, err)
	}
	name, err := NormalizeDisplayName(r.DisplayName)
	if err != nil {
		errs = append(errs, err)
	}
	if err := ValidatePassword(r.Password); err != nil {
		errs = append(errs, err)
	}
	lang, ok := ParseLanguage(string(r.Locale))
	if !ok {
		lang = DefaultLanguage
	}
	return Registration{Email: email, DisplayName: name, Password: r.Password, Locale: lang}, errors.Join(errs...)
}

// MaxEmailLength is the longest address SMTP allows (RFC 5321 path limit).
const MaxEmailLength = 254

// NormalizeEmail trims s, checks it is a plain address (no display name) and lower-cases
// it, so that one mailbox maps to one account.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid("email", "error.email_required")
	}
	if len(s) > MaxEmailLength {
		return "", Invalid("email", "error.email_invalid")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", Invalid("email", "error.email_invalid")
	}
	return strings.ToLower(s), nil
}

// Password length bounds: long enough to resist guessing, short enough to bound the
// cost of hashing an attacker's megabyte.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// ValidatePassword checks the length of a new password (in characters).
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return Invalid("password", "error.password_short")
	case len(pw) > MaxPasswordLength:
		return Invalid("password", "error.password_long")
	}
	return nil
}

// MaxDisplayNameLength bounds the name shown next to what a participant writes.
const MaxDisplayNameLength = 80

// NormalizeDisplayName trims s, folds inner white space and rejects control characters.
func NormalizeDisplayName(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", Invalid("display_name", "error.name_required")
	}
	if utf8.RuneCountInString(s) > MaxDisplayNameLength || !utf8.ValidString(s) {
		return "", Invalid("display_name", "error.name_long")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", Invalid("display_name", "error.name_invalid")
		}
	}
	return s, nil
}
