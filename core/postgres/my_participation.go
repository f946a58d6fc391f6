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
	// More says which lists hold more than were read.
	More map[MyList]bool
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

// MyList names one of the lists of MyParticipation.
type MyList string

// The lists of MyParticipation, in the order the account page shows them.
const (
	MyIdeas         MyList = "ideas"
	MySupported     MyList = "supported"
	MyFollowed      MyList = "followed"
	MyFollowedIdeas MyList = "followed-ideas"
	MyComments      MyList = "comments"
	MyArguments     MyList = "arguments"
	MyEvents        MyList = "events"
	MyResponses     MyList = "responses"
	MyBallots       MyList = "ballots"
)

// MyLists are the lists of MyParticipation in the account page's order.
var MyLists = []MyList{MyIdeas, MySupported, MyFollowed, MyFollowedIdeas, MyComments, MyArguments, MyEvents, MyResponses, MyBallots}

// myList is how one list is read: its query (arguments @participant and
// @now, ordered, without a limit) and how its rows fill MyParticipation.
type myList struct {
	query string
	// fill sets the list from rows, at most limit of them; more says there
	// were more rows than that.
	fill func(m *MyParticipation, rows pgx.Rows, limit int) (more bool, err error)
}

// fillWith makes a myList.fill that scans each row with scan into the list
// field points at.
func fillWith[T any](field func(*MyParticipation) *[]T, scan func(pgx.CollectableRow) (T, error)) func(*MyParticipation, pgx.Rows, int) (bool, error) {
	return func(m *MyParticipation, rows pgx.Rows, limit int) (bool, error) {
		items, err := pgx.CollectRows(rows, scan)
		if err != nil {
			return false, err
		}
		more := len(items) > limit
		*field(m) = items[:min(len(items), limit)]
		return more, nil
	}
}

func scanIdeaRow(row pgx.CollectableRow) (core.Idea, error) { return scanIdea(row) }

var myLists = map[MyList]myList{
	MyIdeas: {`SELECT ` + ideaColumns + ideaFrom + ` WHERE i.author_id = @participant ORDER BY i.id DESC`,
		fillWith(func(m *MyParticipation) *[]core.Idea { return &m.Ideas }, scanIdeaRow)},
	MySupported: {`SELECT ` + ideaColumns + ideaFrom + ` JOIN support su ON su.idea_id = i.id
		WHERE su.participant_id = @participant AND NOT i.hidden ORDER BY su.created_at DESC, i.id DESC`,
		fillWith(func(m *MyParticipation) *[]core.Idea { return &m.Supported }, scanIdeaRow)},
	MyFollowed: {`SELECT ` + projectColumns + ` FROM project p JOIN project_follow f ON f.project_id = p.id
		WHERE f.participant_id = @participant AND p.status <> 'draft' ORDER BY f.created_at DESC, p.id DESC`,
		fillWith(func(m *MyParticipation) *[]core.Project { return &m.Followed },
			func(row pgx.CollectableRow) (core.Project, error) { return scanProject(row) })},
	MyFollowedIdeas: {`SELECT ` + ideaColumns + ideaFrom + ` JOIN idea_follow fo ON fo.idea_id = i.id
		WHERE fo.participant_id = @participant AND NOT i.hidden ORDER BY fo.created_at DESC, i.id DESC`,
		fillWith(func(m *MyParticipation) *[]core.Idea { return &m.FollowedIdeas }, scanIdeaRow)},
	MyComments: {`SELECT c.id, c.idea_id, i.title, c.body, c.hidden, c.created_at FROM comment c JOIN idea i ON i.id = c.idea_id
		WHERE c.author_id = @participant AND c.withdrawn_at IS NULL AND NOT i.hidden ORDER BY c.id DESC`,
		fillWith(func(m *MyParticipation) *[]MyComment { return &m.Comments }, func(row pgx.CollectableRow) (MyComment, error) {
			var c MyComment
			return c, row.Scan(&c.ID, &c.IdeaID, &c.IdeaTitle, &c.Body, &c.Hidden, &c.CreatedAt)
		})},
	MyArguments: {`SELECT a.id, a.debate_id, d.question, d.language, (SELECT coalesce(jsonb_object_agg(t.language, t.question), '{}')
			FROM debate_translation t WHERE t.debate_id = d.id AND t.question <> ''), a.side, a.body, a.hidden, a.created_at
		FROM argument a JOIN debate d ON d.id = a.debate_id JOIN project p ON p.id = d.project_id
		WHERE a.author_id = @participant AND a.withdrawn_at IS NULL AND p.status <> 'draft' ORDER BY a.id DESC`,
		fillWith(func(m *MyParticipation) *[]MyArgument { return &m.Arguments }, func(row pgx.CollectableRow) (MyArgument, error) {
			var a MyArgument
			return a, row.Scan(&a.ID, &a.DebateID, &a.Question.Title, &a.Question.Language, &a.Question.Titles, &a.Side, &a.Body, &a.Hidden, &a.CreatedAt)
		})},
	MyEvents: {`SELECT m.id, m.title, m.language, (SELECT coalesce(jsonb_object_agg(t.language, t.title), '{}')
		FROM meeting_translation t WHERE t.meeting_id = m.id AND t.title <> ''), m.starts_at, r.status = 'waiting', m.cancelled_at IS NOT NULL
		FROM meeting_registration r JOIN meeting m ON m.id = r.meeting_id
		WHERE r.participant_id = @participant AND r.status IN ('registered', 'waiting') AND m.published AND m.ends_at > @now
		ORDER BY m.starts_at, m.id`,
		fillWith(func(m *MyParticipation) *[]MyEvent { return &m.Events }, func(row pgx.CollectableRow) (MyEvent, error) {
			var e MyEvent
			return e, row.Scan(&e.ID, &e.Title, &e.Language, &e.Titles, &e.StartsAt, &e.Waiting, &e.Cancelled)
		})},
	MyResponses: {`SELECT k.id, k.title, k.language, (SELECT coalesce(jsonb_object_agg(t.language, t.title), '{}')
		FROM consultation_translation t WHERE t.consultation_id = k.id), k.closes_at, r.updated_at, k.closes_at > @now
		FROM response r JOIN consultation k ON k.id = r.consultation_id
		WHERE r.participant_id = @participant AND k.published ORDER BY r.updated_at DESC, k.id DESC`,
		fillWith(func(m *MyParticipation) *[]MyResponse { return &m.Responses }, func(row pgx.CollectableRow) (MyResponse, error) {
			var r MyResponse
			return r, row.Scan(&r.ConsultationID, &r.Title, &r.Language, &r.Titles, &r.ClosesAt, &r.AnsweredAt, &r.Open)
		})},
	// An envelope's translated name is the one at its position, where the
	// translation names every envelope (as Budget.In reads it).
	MyBallots: {`SELECT b.id, b.title, b.language, (SELECT coalesce(jsonb_object_agg(t.language, t.title), '{}')
			FROM budget_translation t WHERE t.budget_id = b.id AND t.title <> ''),
		e.name, (SELECT coalesce(jsonb_object_agg(t.language, t.envelope_names[e.position + 1]), '{}') FROM budget_translation t
			WHERE t.budget_id = b.id AND cardinality(t.envelope_names) = (SELECT count(*) FROM budget_envelope x WHERE x.budget_id = b.id)),
		bl.cast_at FROM ballot bl
		JOIN budget_envelope e ON e.id = bl.envelope_id JOIN budget b ON b.id = e.budget_id
		WHERE bl.participant_id = @participant ORDER BY bl.updated_at DESC, e.id DESC`,
		fillWith(func(m *MyParticipation) *[]MyBallot { return &m.Ballots }, func(row pgx.CollectableRow) (MyBallot, error) {
			var b MyBallot
			var cast *time.Time
			err := row.Scan(&b.BudgetID, &b.BudgetTitle.Title, &b.BudgetTitle.Language, &b.BudgetTitle.Titles,
				&b.EnvelopeName.Title, &b.EnvelopeName.Titles, &cast)
			b.EnvelopeName.Language = b.BudgetTitle.Language // envelopes are named in the budget's language
			if cast != nil {
				b.CastAt = *cast
			}
			return b, err
		})},
}

// HasMore says whether the list named list holds more than was read (for
// templates, which name it with a string).
func (m MyParticipation) HasMore(list string) bool { return m.More[MyList(list)] }

// MyParticipation reads up to limit of each list for participantID, in one
// round trip; More says which lists have more than that.
func (s *Store) MyParticipation(ctx context.Context, participantID int64, limit int) (MyParticipation, error) {
	m := MyParticipation{More: map[MyList]bool{}}
	batch := &pgx.Batch{}
	for _, name := range MyLists {
		batch.Queue(myLists[name].query+` LIMIT @limit`,
			pgx.NamedArgs{"participant": participantID, "now": s.now(), "limit": limit + 1})
	}
	results := s.pool.SendBatch(ctx, batch)
	defer results.Close()
	for _, name := range MyLists {
		rows, err := results.Query()
		if err != nil {
			return m, wrapDB("my "+string(name), err)
		}
		if m.More[name], err = myLists[name].fill(&m, rows, limit); err != nil {
			return m, wrapDB("scan my "+string(name), err)
		}
	}
	return m, wrapDB("my participation", results.Close())
}

// MyParticipationPage reads one list of participantID's participation from
// offset, at most limit items, with how many the list holds in all. An
// unknown list is core.NotFound.
func (s *Store) MyParticipationPage(ctx context.Context, participantID int64, list MyList, offset, limit int) (MyParticipation, int, error) {
	var m MyParticipation
	l, ok := myLists[list]
	if !ok {
		return m, 0, core.NotFound("error.page_not_found")
	}
	args := pgx.NamedArgs{"participant": participantID, "now": s.now(), "limit": limit, "offset": offset}
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM (`+l.query+`) mine`, args).Scan(&total); err != nil {
		return m, 0, wrapDB("count my "+string(list), err)
	}
	rows, err := s.pool.Query(ctx, l.query+` LIMIT @limit OFFSET @offset`, args)
	if err != nil {
		return m, 0, wrapDB("my "+string(list), err)
	}
	if _, err := l.fill(&m, rows, limit); err != nil {
		return m, 0, wrapDB("scan my "+string(list), err)
	}
	return m, total, nil
}
