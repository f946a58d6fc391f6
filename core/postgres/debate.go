package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// CreateDebate opens a debate in a project, in the project's language with
// the question's normalised translations, and, when the project is
// published, queues compose's mail (given the new debate's id) to its
// followers, accounts confirmed and not deleted; compose may be nil.
func (s *Store) CreateDebate(ctx context.Context, actorID, projectID int64, question string, translations map[core.Language]string,
	compose func(core.Participant, int64) core.Mail) (int64, error) {
	var id int64
	err := s.inTx(ctx, "create debate", func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO debate (project_id, question, created_by, created_at, language)
			SELECT p.id, $2, $3, $4, p.language FROM project p WHERE p.id = $1 RETURNING id`,
			projectID, question, nullID(actorID), s.now()).Scan(&id)
		if err != nil {
			return notFoundOr(err, "error.project_not_found", "insert debate")
		}
		if err := debateTranslations.replaceColumn(ctx, tx, id, "question", translations, translationSource{}); err != nil {
			return err
		}
		var published bool
		if err := tx.QueryRow(ctx, `SELECT status = 'published' FROM project WHERE id = $1`, projectID).Scan(&published); err != nil {
			return err
		}
		if compose != nil && published {
			if err := queueToFollowers(ctx, tx, projectID, func(f core.Participant) core.Mail { return compose(f, id) }); err != nil {
				return err
			}
		}
		if err := audit(ctx, tx, actorID, "debate.open", "debate", id, question, s.now()); err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(s.now(), core.EventCreated, "debate", id, 1, actorID))
	})
	return id, err
}

// debateColumns are the columns scanDebate reads, translations included.
const debateColumns = `d.id, d.project_id, d.question, d.open, d.conclusion, d.closed_at, d.created_at, d.language,
	(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Question', t.question, 'Conclusion', t.conclusion,
		'ConclusionSource', t.conclusion_source)), '{}')
		FROM debate_translation t WHERE t.debate_id = d.id)`

func scanDebate(row pgx.Row, extra ...any) (core.Debate, error) {
	var d core.Debate
	var closed *time.Time
	err := row.Scan(append([]any{&d.ID, &d.ProjectID, &d.Question, &d.Open, &d.Conclusion, &closed, &d.CreatedAt, &d.Language, &d.Translations},
		extra...)...)
	if closed != nil {
		d.ClosedAt = *closed
	}
	return d, err
}

// Debates lists a project's debates with their visible arguments' counts.
func (s *Store) Debates(ctx context.Context, projectID int64) ([]core.Debate, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+debateColumns+`,
		(SELECT count(*) FROM argument a WHERE a.debate_id = d.id AND NOT a.hidden AND a.withdrawn_at IS NULL)
		FROM debate d WHERE d.project_id = $1 ORDER BY d.id`, projectID)
	if err != nil {
		return nil, wrapDB("list debates", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Debate, error) {
		var n int
		d, err := scanDebate(row, &n)
		d.Arguments = n
		return d, err
	})
	return out, wrapDB("scan debates", err)
}

// OpenDebates lists up to limit open debates of published projects, the
// newest first, with their visible arguments' counts and their projects'
// titles.
func (s *Store) OpenDebates(ctx context.Context, limit int) ([]core.Debate, error) {
	return s.debatesAcross(ctx, "list open debates", `WHERE d.open AND p.status = 'published' ORDER BY d.created_at DESC, d.id DESC`, limit)
}

// AllDebates lists up to limit debates of every project for staff: the open
// ones first (the oldest first: they have waited longest for a conclusion),
// then the closed ones, the latest closed first; with counts and project
// titles.
func (s *Store) AllDebates(ctx context.Context, limit int) ([]core.Debate, error) {
	return s.debatesAcross(ctx, "list all debates", `ORDER BY d.open DESC, CASE WHEN d.open THEN d.created_at END, d.closed_at DESC, d.id`, limit)
}

// debatesAcross reads debates of any project, filtered and ordered by rest,
// with their visible arguments' counts and their projects' titles.
func (s *Store) debatesAcross(ctx context.Context, what, rest string, limit int) ([]core.Debate, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+debateColumns+`,
		(SELECT count(*) FROM argument a WHERE a.debate_id = d.id AND NOT a.hidden AND a.withdrawn_at IS NULL), p.title
		FROM debate d JOIN project p ON p.id = d.project_id `+rest+` LIMIT $1`, limit)
	if err != nil {
		return nil, wrapDB(what, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Debate, error) {
		var n int
		var title string
		d, err := scanDebate(row, &n, &title)
		d.Arguments, d.ProjectTitle = n, title
		return d, err
	})
	return out, wrapDB(what, err)
}

// Debate returns one debate.
func (s *Store) Debate(ctx context.Context, id int64) (core.Debate, error) {
	d, err := scanDebate(s.pool.QueryRow(ctx, `SELECT `+debateColumns+` FROM debate d WHERE d.id = $1`, id))
	return d, notFoundOr(err, "error.debate_not_found", "read debate")
}

// CloseDebate closes an open debate with the commune's conclusion (and its
// normalised translations, which replace earlier ones) and queues
// compose's mail to everyone who argued in it (once each, accounts confirmed
// and not deleted); the change log records a core.EntityDebateConclusion for
// the channels. On a closed debate it only corrects the conclusion: nobody is
// mailed again and nothing is announced again.
func (s *Store) CloseDebate(ctx context.Context, actorID, debateID int64, conclusion string, translations map[core.Language]string,
	compose func(core.Participant) core.Mail) error {
	return s.inTx(ctx, "close debate", func(tx pgx.Tx) error {
		now := s.now()
		var open bool
		if err := tx.QueryRow(ctx, `SELECT open FROM debate WHERE id = $1 FOR UPDATE`, debateID).Scan(&open); err != nil {
			return notFoundOr(err, "error.debate_not_found", "lock debate")
		}
		if err := debateTranslations.replaceColumn(ctx, tx, debateID, "conclusion", translations,
			translationSource{"conclusion_source", core.WordsHash(conclusion)}); err != nil {
			return err
		}
		action, ev := "debate.conclusion", eventAt(now, core.EventUpdated, "debate", debateID, 0, actorID)
		if open {
			action, ev = "debate.close", eventAt(now, core.EventCreated, core.EntityDebateConclusion, debateID, 1, actorID)
			if _, err := tx.Exec(ctx, `UPDATE debate SET open = false, conclusion = $2, closed_at = $3, closed_by = $4 WHERE id = $1`,
				debateID, conclusion, now, nullID(actorID)); err != nil {
				return err
			}
			if err := queueToEach(ctx, tx, compose, `SELECT `+participantCols("pa")+` FROM participant pa
				WHERE pa.id IN (SELECT author_id FROM argument WHERE debate_id = $1 AND withdrawn_at IS NULL)
				  AND pa.deleted_at IS NULL AND pa.email_verified_at IS NOT NULL ORDER BY pa.id`, debateID); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `UPDATE debate SET conclusion = $2 WHERE id = $1`, debateID, conclusion); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, action, "debate", debateID, conclusion, now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, ev)
	})
}

// ReopenDebate opens a closed debate again; its conclusion is kept for the
// next closing but no longer shown.
func (s *Store) ReopenDebate(ctx context.Context, actorID, debateID int64) error {
	return s.inTx(ctx, "reopen debate", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE debate SET open = true, closed_at = NULL, closed_by = NULL WHERE id = $1 AND NOT open`, debateID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			_, err := debateOpen(ctx, tx, debateID) // not found, or open already
			return err
		}
		now := s.now()
		if err := audit(ctx, tx, actorID, "debate.reopen", "debate", debateID, "", now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(now, core.EventUpdated, "debate", debateID, 0, actorID))
	})
}

// debateOpen reads whether a debate is open.
func debateOpen(ctx context.Context, tx pgx.Tx, debateID int64) (bool, error) {
	var open bool
	err := tx.QueryRow(ctx, `SELECT open FROM debate WHERE id = $1`, debateID).Scan(&open)
	return open, notFoundOr(err, "error.debate_not_found", "read debate")
}

// debateTakes reads whether a debate takes arguments and ratings: open, in a
// published project (not a draft, not archived).
func debateTakes(ctx context.Context, tx pgx.Tx, debateID int64) (bool, error) {
	var takes bool
	err := tx.QueryRow(ctx, `SELECT d.open AND p.status = 'published' FROM debate d JOIN project p ON p.id = d.project_id WHERE d.id = $1`,
		debateID).Scan(&takes)
	return takes, notFoundOr(err, "error.debate_not_found", "read debate")
}

// ArgumentNotice is a reply to someone's argument, as told to them.
type ArgumentNotice struct {
	To         core.Participant
	DebateID   int64
	Question   string // in the recipient's language where staff translated it
	ArgumentID int64  // the reply
	AuthorName string // who replied
	Body       string
}

// AddArgument posts an argument (a reply takes its parent's side) in a debate
// that takes them (debateTakes). A reply queues notify's mail to the parent's
// author: not to the replier, nor to accounts deleted, unconfirmed or with
// notify_replies off, and at most once an hour per person and debate
// (argument_notice). notify may be nil.
func (s *Store) AddArgument(ctx context.Context, debateID, parentID, authorID int64, side core.Side, body string, notify func(ArgumentNotice) core.Mail) (int64, error) {
	var id int64
	err := s.inTx(ctx, "add argument", func(tx pgx.Tx) error {
		if takes, err := debateTakes(ctx, tx, debateID); err != nil {
			return err
		} else if !takes {
			return core.Conflict("error.debate_closed")
		}
		var parent *int64
		if parentID > 0 {
			var parentSide string
			if err := tx.QueryRow(ctx, `SELECT side FROM argument WHERE id = $1 AND debate_id = $2 AND NOT hidden AND withdrawn_at IS NULL`,
				parentID, debateID).Scan(&parentSide); err != nil {
				return notFoundOr(err, "error.argument_not_found", "read argument")
			}
			side, parent = core.Side(parentSide), &parentID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO argument (debate_id, parent_id, side, author_id, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, debateID, parent, side, authorID, body, s.now()).Scan(&id); err != nil {
			return err
		}
		ev := eventAt(s.now(), core.EventCreated, core.EntityArgument, id, 1, authorID)
		ev.Data = map[string]any{"debate_id": debateID, "side": string(side)}
		if err := appendEvent(ctx, tx, ev); err != nil {
			return err
		}
		if parent == nil || notify == nil {
			return nil
		}
		return queueArgumentNotice(ctx, tx, s.now(), ArgumentNotice{DebateID: debateID, ArgumentID: id, Body: body}, parentID, authorID, notify)
	})
	return id, err
}

// argumentNoticeEvery is how often at most one person hears of replies in
// one debate.
const argumentNoticeEvery = time.Hour

// queueArgumentNotice tells the author of argument parentID of n, a reply by
// authorID, as AddArgument says.
func queueArgumentNotice(ctx context.Context, tx pgx.Tx, now time.Time, n ArgumentNotice, parentID, authorID int64, notify func(ArgumentNotice) core.Mail) error {
	to, err := scanParticipant(tx.QueryRow(ctx, `SELECT `+participantCols("pa")+`,
		coalesce((SELECT t.question FROM debate_translation t WHERE t.debate_id = d.id AND t.language = pa.locale AND t.question <> ''), d.question),
		coalesce(au.display_name, '')
		FROM argument parent JOIN participant pa ON pa.id = parent.author_id JOIN debate d ON d.id = parent.debate_id
		LEFT JOIN participant au ON au.id = $2
		WHERE parent.id = $1 AND pa.id <> $2 AND pa.deleted_at IS NULL AND pa.email IS NOT NULL AND pa.email_verified_at IS NOT NULL
		  AND pa.notify_replies`, parentID, authorID), &n.Question, &n.AuthorName)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // nobody to tell
	}
	if err != nil {
		return err
	}
	n.To = to
	// Claim this hour's notice for the person and debate; a younger claim
	// wins, and this reply goes unannounced.
	tag, err := tx.Exec(ctx, `INSERT INTO argument_notice (participant_id, debate_id, sent_at) VALUES ($1, $2, $3)
		ON CONFLICT (participant_id, debate_id) DO UPDATE SET sent_at = excluded.sent_at
		WHERE argument_notice.sent_at <= excluded.sent_at - $4::interval`, to.ID, n.DebateID, now, argumentNoticeEvery)
	if err != nil || tag.RowsAffected() == 0 {
		return err
	}
	return queueMail(ctx, tx, notify(n))
}

// RateHelpful marks an argument helpful, once per person (a second time
// changes nothing), in a debate that takes ratings (as debateTakes says);
// nobody rates their own.
func (s *Store) RateHelpful(ctx context.Context, argumentID, participantID int64) error {
	return s.inTx(ctx, "rate argument", func(tx pgx.Tx) error {
		var author int64
		var open bool
		err := tx.QueryRow(ctx, `SELECT a.author_id, d.open AND p.status = 'published' FROM argument a
			JOIN debate d ON d.id = a.debate_id JOIN project p ON p.id = d.project_id
			WHERE a.id = $1 AND NOT a.hidden AND a.withdrawn_at IS NULL`, argumentID).Scan(&author, &open)
		switch {
		case err != nil:
			return notFoundOr(err, "error.argument_not_found", "read argument")
		case !open:
			return core.Conflict("error.debate_closed")
		case author == participantID:
			return core.Conflict("error.rate_own_argument")
		}
		tag, err := tx.Exec(ctx, `INSERT INTO argument_rating (argument_id, participant_id, created_at)
			VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, argumentID, participantID, s.now())
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE argument SET helpful_count = helpful_count + 1 WHERE id = $1`, argumentID)
		return err
	})
}

// RatedHelpful returns which of a debate's arguments participantID has rated
// helpful.
func (s *Store) RatedHelpful(ctx context.Context, debateID, participantID int64) (map[int64]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.argument_id FROM argument_rating r JOIN argument a ON a.id = r.argument_id
		WHERE a.debate_id = $1 AND r.participant_id = $2`, debateID, participantID)
	if err != nil {
		return nil, wrapDB("read ratings", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, wrapDB("scan ratings", err)
	}
	return idSet(ids), nil
}

// Arguments returns a debate's visible arguments as two trees (for, against),
// the most helpful first.
func (s *Store) Arguments(ctx context.Context, debateID int64) (pro, con []*core.Argument, err error) {
	rows, err := s.pool.Query(ctx, `SELECT a.id, a.debate_id, coalesce(a.parent_id, 0), a.side, a.author_id, coalesce(p.display_name, ''),
		a.body, a.helpful_count, a.withdrawn_at IS NOT NULL, a.created_at
		FROM argument a LEFT JOIN participant p ON p.id = a.author_id AND p.deleted_at IS NULL
		WHERE a.debate_id = $1 AND NOT a.hidden ORDER BY a.parent_id NULLS FIRST, a.helpful_count DESC, a.id`, debateID)
	if err != nil {
		return nil, nil, wrapDB("read arguments", err)
	}
	all, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*core.Argument, error) {
		a := &core.Argument{}
		var side string
		err := row.Scan(&a.ID, &a.DebateID, &a.ParentID, &side, &a.AuthorID, &a.AuthorName, &a.Body, &a.HelpfulCount, &a.Withdrawn, &a.CreatedAt)
		a.Side = core.Side(side)
		return a, err
	})
	if err != nil {
		return nil, nil, wrapDB("scan arguments", err)
	}
	byID := map[int64]*core.Argument{}
	for _, a := range all {
		byID[a.ID] = a
		if p, ok := byID[a.ParentID]; ok {
			p.Replies = append(p.Replies, a)
		} else if a.Side == core.SideFor {
			pro = append(pro, a)
		} else {
			con = append(con, a)
		}
	}
	return withoutBareWithdrawnArguments(pro), withoutBareWithdrawnArguments(con), nil
}

// withoutBareWithdrawnArguments drops the withdrawn arguments that have no
// reply left: they keep a place only for their replies.
func withoutBareWithdrawnArguments(list []*core.Argument) []*core.Argument {
	kept := list[:0]
	for _, a := range list {
		a.Replies = withoutBareWithdrawnArguments(a.Replies)
		if !a.Withdrawn || len(a.Replies) > 0 {
			kept = append(kept, a)
		}
	}
	return kept
}

// WithdrawArgument removes the words of authorID's argument; the row stays for
// its replies, its flags leave the moderators' queue. It returns the debate.
// Withdrawing twice changes nothing.
func (s *Store) WithdrawArgument(ctx context.Context, authorID, argumentID int64) (debateID int64, err error) {
	err = s.inTx(ctx, "withdraw argument", func(tx pgx.Tx) error {
		parent, _, err := withdrawWords(ctx, tx, argumentWords, argumentID, authorID, s.now())
		debateID = parent
		return err
	})
	return debateID, err
}
