package web

import (
	"time"

	"quartier/core"
	"quartier/core/postgres"
)

// Wire structs of the personal data export. Field names are part of the contract
// with the people who read the file: keep them stable.
type exportFile struct {
	Format      string           `json:"format"`
	GeneratedAt time.Time        `json:"generated_at"`
	Account     apiParticipant   `json:"account"`
	Sessions    []exportSession  `json:"sessions"`
	APITokens   []exportAPIToken `json:"api_tokens"`
	Activity    []exportEvent    `json:"activity"`
}

type exportSession struct {
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	UserAgent  string    `json:"user_agent"`
}

type exportAPIToken struct {
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

type exportEvent struct {
	At       time.Time      `json:"at"`
	Kind     string         `json:"kind"`
	Entity   string         `json:"entity"`
	EntityID int64          `json:"entity_id"`
	Details  map[string]any `json:"details,omitempty"`
}

func exportOf(d postgres.AccountData, now time.Time) exportFile {
	f := exportFile{
		Format: "quartier-personal-data/1", GeneratedAt: now.UTC(),
		Account:  participantJSON(d.Participant),
		Sessions: []exportSession{}, APITokens: []exportAPIToken{}, Activity: []exportEvent{},
	}
	for _, s := range d.Sessions {
		f.Sessions = append(f.Sessions, exportSession{s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC(), s.UserAgent})
	}
	for _, t := range d.APITokens {
		f.APITokens = append(f.APITokens, exportAPIToken{Name: t.Name, CreatedAt: t.CreatedAt.UTC(), LastUsedAt: timeOrNil(t.LastUsedAt)})
	}
	for _, e := range d.Events {
		f.Activity = append(f.Activity, exportEvent{At: e.OccurredAt, Kind: e.Kind, Entity: e.Entity, EntityID: e.EntityID, Details: e.Data})
	}
	return f
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// apiParticipant is a participant as the API and the export show it to its owner.
type apiParticipant struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	DisplayName   string     `json:"display_name"`
	Role          string     `json:"role"`
	Locale        string     `json:"locale"`
	EmailVerified bool       `json:"email_verified"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	VerifiedAt    *time.Time `json:"email_verified_at"`
}

func participantJSON(p core.Participant) apiParticipant {
	return apiParticipant{
		ID: p.ID, Email: p.Email, DisplayName: p.DisplayName, Role: string(p.Role), Locale: string(p.Locale),
		EmailVerified: p.Verified(), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, VerifiedAt: timeOrNil(p.EmailVerifiedAt),
	}
}
