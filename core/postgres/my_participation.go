package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// MyParticipation is what a participant has taken part in, as their account
// page lists it.
type MyParticipation struct {
	Ideas     []core.Idea    // proposed, newest first; hidden ones too (their author sees why)
	Supported []core.Idea    // supported and still visible, the latest support first
	Followed  []core.Project // followed and published or archived, the latest follow first
	// FollowedIdeas are followed and still visible, the latest follow first.
	FollowedIdeas []core.Idea
	Comments      []MyComment // written and not withdrawn, on visible ideas, newest first
	// Arguments are written and not withdrawn, in debates of published
	// projects, newest first.
	Arguments []MyArgument
	// Events are the coming published events they hold a place for or wait
	// for, the soonest first.
	Events []MyEvent
	// Responses are the consultations they answered, the latest answer first.
	Responses []MyResponse
	// Ballots are their budget ballots, cast or draft, the latest first.
	Ballots []MyBallot
}

// TranslatedTitle is a title with its translations, for lists that show only
// the title of what they name.
type TranslatedTitle struct {
	Title    string
	Language core.Language            // of Title
	Titles   map[core.Language]string // translated titles
}

// TitleIn is the title for a reader of l: translated where staff translated it.
func (t TranslatedTitle) TitleIn(l core.Language) string {
	if title := t.Titles[l]; title != "" {
		return title
	}
	return t.Title
}

// TitleLang is the language of TitleIn(l).
func (t TranslatedTitle) TitleLang(l core.Language) core.Language {
	if t.Titles[l] != "" {
		return l
	}
	return t.Language
}

// MyEvent is a coming event someone registered for.
type MyEvent struct {
	ID int64
	TranslatedTitle
	StartsAt  time.Time
	Waiting   bool // on the waiting list
	Cancelled bool // called off by staff
}

// MyResponse is someone's answers to a consultation.
type MyResponse struct {
	ConsultationID int64
	TranslatedTitle
	ClosesAt   time.Time
	AnsweredAt time.Time // the latest change
	Open       bool      // the answers may still change
}

// MyBallot is someone's ballot in one envelope of a budget.
type MyBallot struct {
	BudgetID     int64
	BudgetTitle  TranslatedTitle
	EnvelopeName TranslatedTitle
	CastAt       time.Time // zero: a draft
}

// MyArgument is one of a participant's arguments, with its debate's question.
type MyArgument struct {
	ID, DebateID int64
	Question     TranslatedTitle // the debate's
	Side         core.Side
	Body         string
	Hidden       bool // by a moderator
	CreatedAt    time.Time
}

// MyComment is one of a participant's comments, with the idea it is on.
type MyComment struct {
	ID, IdeaID int64
	IdeaTitle  string
	Body       string
	Hidden     bool // by a moderator
	CreatedAt  time.Time
}

// MyParticipation reads up to limit of each list for participantID.
func (s *Store) MyParticipation(ctx context.Context, participantID int64, limit int) (MyParticipation, error) {
	var m MyParticipation
	ideas := func(query string) ([]core.Idea, error) {
		rows, err := s.pool.Query(ctx, query, participantID, limit)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Idea, error) { return scanIdea(row) })
	}
	var err error
	if m.Ideas, err = ideas(`SELECT ` + ideaColumns + ideaFrom + ` WHERE i.author_id = $1 ORDER BY i.id DESC LIMIT $2`); err != nil {
		return m, wrapDB("my ideas", err)
	}
	if m.Supported, err = ideas(`SELECT ` + ideaColumns + ideaFrom + ` JOIN support su ON su.idea_id = i.id
		WHERE su.participant_id = $1 AND NOT i.hidden ORDER BY su.created_at DESC, i.id DESC LIMIT $2`); err != nil {
		return m, wrapDB("my supports", err)
	}
	if m.FollowedIdeas, err = ideas(`SELECT ` + ideaColumns + ideaFrom + ` JOIN idea_follow fo ON fo.idea_id = i.id
		WHERE fo.participant_id = $1 AND NOT i.hidden ORDER BY fo.created_at DESC, i.id DESC LIMIT $2`); err != nil {
		return m, wrapDB("my followed ideas", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+projectColumns+` FROM project p JOIN project_follow f ON f.project_id = p.id
		WHERE f.participant_id = $1 AND p.status <> 'draft' ORDER BY f.created_at DESC, p.id DESC LIMIT $2`, participantID, limit)
	if err != nil {
		return m, wrapDB("my projects", err)
	}
	if m.Followed, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Project, error) { return scanProject(row) }); err != nil {
		return m, wrapDB("scan my projects", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT c.id, c.idea_id, i.title, c.body, c.hidden, c.created_at FROM comment c JOIN idea i ON i.id = c.idea_id
		WHERE c.author_id = $1 AND c.withdrawn_at IS NULL AND NOT i.hidden ORDER BY c.id DESC LIMIT $2`, participantID, limit)
	if err != nil {
		return m, wrapDB("my comments", err)
	}
	m.Comments, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (MyComment, error) {
		var c MyComment
		err := row.Scan(&c.ID, &c.IdeaID, &c.IdeaTitle, &c.Body, &c.Hidden, &c.CreatedAt)
		return c, err
	})
	if err != nil {
		return m, wrapDB("scan my comments", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT a.id, a.debate_id, d.question, d.language, (SELECT coalesce(jsonb_object_agg(t.language, t.question), '{}')
			FROM debate_translation t WHERE t.debate_id = d.id AND t.question <> ''), a.side, a.body, a.hidden, a.created_at
		FROM argument a JOIN debate d ON d.id = a.debate_id JOIN project p ON p.id = d.project_id
		WHERE a.author_id = $1 AND a.withdrawn_at IS NULL AND p.status <> 'draft' ORDER BY a.id DESC LIMIT $2`, participantID, limit)
	if err != nil {
		return m, wrapDB("my arguments", err)
	}
	m.Arguments, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (MyArgument, error) {
		var a MyArgument
		err := row.Scan(&a.ID, &a.DebateID, &a.Question.Title, &a.Question.Language, &a.Question.Titles, &a.Side, &a.Body, &a.Hidden, &a.CreatedAt)
		return a, err
	})
	if err != nil {
		return m, wrapDB("scan my arguments", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT m.id, m.title, m.language, (SELECT coalesce(jsonb_object_agg(t.language, t.title), '{}')
		FROM meeting_translation t WHERE t.meeting_id = m.id AND t.title <> ''), m.starts_at, r.status = 'waiting', m.cancelled_at IS NOT NULL
		FROM meeting_registration r JOIN meeting m ON m.id = r.meeting_id
		WHERE r.participant_id = $1 AND r.status IN ('registered', 'waiting') AND m.published AND m.ends_at > $3
		ORDER BY m.starts_at, m.id LIMIT $2`, participantID, limit, s.now())
	if err != nil {
		return m, wrapDB("my events", err)
	}
	if m.Events, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (MyEvent, error) {
		var e MyEvent
		return e, row.Scan(&e.ID, &e.Title, &e.Language, &e.Titles, &e.StartsAt, &e.Waiting, &e.Cancelled)
	}); err != nil {
		return m, wrapDB("scan my events", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT k.id, k.title, k.language, (SELECT coalesce(jsonb_object_agg(t.language, t.title), '{}')
		FROM consultation_translation t WHERE t.consultation_id = k.id), k.closes_at, r.updated_at, k.closes_at > $3
		FROM response r JOIN consultation k ON k.id = r.consultation_id
		WHERE r.participant_id = $1 AND k.published ORDER BY r.updated_at DESC, k.id DESC LIMIT $2`, participantID, limit, s.now())
	if err != nil {
		return m, wrapDB("my responses", err)
	}
	if m.Responses, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (MyResponse, error) {
		var r MyResponse
		return r, row.Scan(&r.ConsultationID, &r.Title, &r.Language, &r.Titles, &r.ClosesAt, &r.AnsweredAt, &r.Open)
	}); err != nil {
		return m, wrapDB("scan my responses", err)
	}
	// An envelope's translated name is the one at its position, where the
	// translation names every envelope (as Budget.In reads it).
	rows, err = s.pool.Query(ctx, `SELECT b.id, b.title, b.language, (SELECT coalesce(jsonb_object_agg(t.language, t.title), '{}')
			FROM budget_translation t WHERE t.budget_id = b.id AND t.title <> ''),
		e.name, (SELECT coalesce(jsonb_object_agg(t.language, t.envelope_names[e.position + 1]), '{}') FROM budget_translation t
			WHERE t.budget_id = b.id AND cardinality(t.envelope_names) = (SELECT count(*) FROM budget_envelope x WHERE x.budget_id = b.id)),
		bl.cast_at FROM ballot bl
		JOIN budget_envelope e ON e.id = bl.envelope_id JOIN budget b ON b.id = e.budget_id
		WHERE bl.participant_id = $1 ORDER BY bl.updated_at DESC, e.id DESC LIMIT $2`, participantID, limit)
	if err != nil {
		return m, wrapDB("my ballots", err)
	}
	m.Ballots, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (MyBallot, error) {
		var b MyBallot
		var cast *time.Time
		err := row.Scan(&b.BudgetID, &b.BudgetTitle.Title, &b.BudgetTitle.Language, &b.BudgetTitle.Titles,
			&b.EnvelopeName.Title, &b.EnvelopeName.Titles, &cast)
		b.EnvelopeName.Language = b.BudgetTitle.Language // envelopes are named in the budget's language
		if cast != nil {
			b.CastAt = *cast
		}
		return b, err
	})
	return m, wrapDB("scan my ballots", err)
}
