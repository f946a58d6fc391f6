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
	TwoStep     exportTwoStep    `json:"two_step"`
	Sessions    []exportSession  `json:"sessions"`
	APITokens   []exportAPIToken `json:"api_tokens"`
	Activity    []exportEvent    `json:"activity"`
	Content     exportContent    `json:"content"`
}

// exportTwoStep is the state of two-step verification, never its secret.
type exportTwoStep struct {
	EnabledAt         *time.Time `json:"enabled_at"` // null: off
	RecoveryCodesLeft int        `json:"recovery_codes_left"`
}

type exportContent struct {
	HomeAddress         *string          `json:"home_address"`
	HomeVerifiedAt      *time.Time       `json:"home_verified_at"`
	Newsletter          bool             `json:"newsletter"`
	Invitations         bool             `json:"invitations"`
	Digest              bool             `json:"weekly_digest"`
	Replies             bool             `json:"reply_notices"`
	Ideas               []exportText     `json:"ideas"`
	Comments            []exportText     `json:"comments"`
	Arguments           []exportText     `json:"arguments"`
	SupportedIdeas      []int64          `json:"supported_ideas"`
	FollowedIdeas       []int64          `json:"followed_ideas"`
	FollowedProjects    []int64          `json:"followed_projects"`
	MutedIdeas          []int64          `json:"muted_ideas"` // ideas whose news they stopped
	ConsultationAnswers []exportResponse `json:"consultation_answers"`
	EventRegistrations  []exportText     `json:"event_registrations"` // id and title of the event, body: registered, waiting or cancelled
}

type exportText struct {
	ID     int64     `json:"id"`
	Parent int64     `json:"parent_id,omitempty"` // the project of an idea, the idea of a comment, the debate of an argument
	Title  string    `json:"title,omitempty"`     // an idea's title, an argument's side
	Body   string    `json:"body"`
	At     time.Time `json:"at"`
}

type exportResponse struct {
	ConsultationID int64          `json:"consultation_id"`
	Consultation   string         `json:"consultation"`
	UpdatedAt      time.Time      `json:"updated_at"`
	Answers        []exportAnswer `json:"answers"`
}

type exportAnswer struct {
	QuestionID int64       `json:"question_id"`
	Choices    []int64     `json:"choices,omitempty"`
	Number     int         `json:"number"`
	Text       string      `json:"text,omitempty"`
	Position   *[2]float64 `json:"position,omitempty"`
}

func exportTexts(list []postgres.OwnText) []exportText {
	out := make([]exportText, len(list))
	for i, t := range list {
		out[i] = exportText{ID: t.ID, Parent: t.ParentID, Title: t.Title, Body: t.Body, At: t.At.UTC()}
	}
	return out
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
		TwoStep:  exportTwoStep{EnabledAt: timeOrNil(d.TwoStepSince), RecoveryCodesLeft: d.RecoveryLeft},
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
	c := d.Content
	f.Content = exportContent{HomeVerifiedAt: timeOrNil(c.HomeVerified), Newsletter: c.Subscriptions.Newsletter, Invitations: c.Subscriptions.Invitations,
		Digest: c.Subscriptions.Digest, Replies: c.Subscriptions.Replies, Ideas: exportTexts(c.Ideas), Comments: exportTexts(c.Comments), Arguments: exportTexts(c.Arguments),
		SupportedIdeas: nonNilIDs(c.Supports), FollowedIdeas: nonNilIDs(c.FollowedIdeas), FollowedProjects: nonNilIDs(c.FollowedProjects),
		MutedIdeas:          nonNilIDs(c.MutedIdeas),
		ConsultationAnswers: []exportResponse{},
		EventRegistrations:  exportTexts(c.Registrations)}
	if c.HomeAddress != "" {
		f.Content.HomeAddress = &c.HomeAddress
	}
	for _, r := range c.Responses {
		er := exportResponse{ConsultationID: r.ConsultationID, Consultation: r.Consultation, UpdatedAt: r.UpdatedAt.UTC(), Answers: []exportAnswer{}}
		for _, a := range r.Answers {
			ea := exportAnswer{QuestionID: a.QuestionID, Choices: a.Choices, Number: a.Number, Text: a.Text}
			if a.HasPoint {
				ea.Position = &[2]float64{a.Point[0], a.Point[1]}
			}
			er.Answers = append(er.Answers, ea)
		}
		f.Content.ConsultationAnswers = append(f.Content.ConsultationAnswers, er)
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
