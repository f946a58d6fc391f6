package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// SessionInfo describes a browser session without its secret.
type SessionInfo struct {
	CreatedAt, LastSeenAt, ExpiresAt time.Time
	UserAgent                        string
}

// AccountData is everything the platform holds about one participant, for the
// export a participant may download (GDPR art. 15 and 20).
type AccountData struct {
	Participant core.Participant
	// TwoStepSince is when two-step verification was turned on (zero: off),
	// with how many recovery codes are left; the secret is never exported.
	TwoStepSince time.Time
	RecoveryLeft int
	Sessions     []SessionInfo
	APITokens    []APIToken
	Events       []core.Event // the change-log rows the participant caused
	Content      AccountContent
}

// AccountContent is what a participant wrote and chose: ideas, comments,
// arguments, supports, consultation answers, home address and subscriptions.
type AccountContent struct {
	Ideas     []OwnText
	Comments  []OwnText
	Arguments []OwnText
	Supports  []int64 // idea ids
	// FollowedIdeas, FollowedProjects and MutedIdeas (whose news they
	// stopped) are ids too.
	FollowedIdeas, FollowedProjects, MutedIdeas []int64
	Responses                                   []OwnResponse
	Registrations                               []OwnText // event registrations: the meeting's id and title, the status as body
	HomeAddress                                 string    // label; empty when none
	HomeVerified                                time.Time
	Subscriptions                               Subscriptions
}

// OwnText is a text a participant wrote, with what it belongs to.
type OwnText struct {
	ID       int64
	ParentID int64 // the idea of a comment, the debate of an argument
	Title    string
	Body     string
	At       time.Time
}

// OwnResponse is a participant's response to a consultation.
type OwnResponse struct {
	ConsultationID int64
	Consultation   string
	UpdatedAt      time.Time
	Answers        []core.Answer
}

// AccountData gathers a participant's data in one read-only snapshot.
func (s *Store) AccountData(ctx context.Context, id int64) (AccountData, error) {
	var d AccountData
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		d.Participant, err = scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant WHERE id = $1`, id))
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "read participant")
		}
		var since *time.Time
		if err := tx.QueryRow(ctx, `SELECT totp_enabled_at, (SELECT count(*) FROM recovery_code WHERE participant_id = $1 AND used_at IS NULL)
			FROM participant WHERE id = $1`, id).Scan(&since, &d.RecoveryLeft); err != nil {
			return err
		}
		if since != nil {
			d.TwoStepSince = since.UTC()
		}
		rows, err := tx.Query(ctx, `SELECT created_at, last_seen_at, expires_at, user_agent FROM web_session
			WHERE participant_id = $1 ORDER BY created_at`, id)
		if err != nil {
			return err
		}
		d.Sessions, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (SessionInfo, error) {
			var si SessionInfo
			err := row.Scan(&si.CreatedAt, &si.LastSeenAt, &si.ExpiresAt, &si.UserAgent)
			return si, err
		})
		return err
	})
	if err != nil {
		return AccountData{}, wrapDB("read account data", err)
	}
	if d.APITokens, err = s.APITokens(ctx, id); err != nil {
		return AccountData{}, err
	}
	if d.Events, err = s.EventsByActor(ctx, id); err != nil {
		return AccountData{}, err
	}
	if d.Content, err = s.accountContent(ctx, id); err != nil {
		return AccountData{}, wrapDB("read account content", err)
	}
	return d, nil
}

// DeleteAccount erases a participant's personal data: e-mail, password, name,
// sessions, links, tokens, links to login providers and apps, and unsent mail. The row stays so that what they wrote
// remains attributed to a former participant; with removeContent, what they wrote
// is erased too (see removeAuthoredContent).
func (s *Store) DeleteAccount(ctx context.Context, id int64, removeContent bool) error {
	return s.inTx(ctx, "delete account", func(tx pgx.Tx) error {
		now := s.now()
		var email string
		var revision int
		err := tx.QueryRow(ctx, `SELECT coalesce(email, '') FROM participant WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, id).Scan(&email)
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "lock participant")
		}
		err = tx.QueryRow(ctx, `UPDATE participant
			SET email = NULL, password_hash = NULL, display_name = '', role = 'citizen',
			    email_verified_at = NULL, home_address_id = NULL, home_verified_at = NULL, home_verified_via = '',
			    totp_secret = NULL, totp_enabled_at = NULL,
			    deleted_at = $2, updated_at = $2, revision = revision + 1
			WHERE id = $1 RETURNING revision`, id, now).Scan(&revision)
		if err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM web_session WHERE participant_id = $1`,
			`DELETE FROM recovery_code WHERE participant_id = $1`,
			`DELETE FROM email_token WHERE participant_id = $1`,
			`DELETE FROM api_token WHERE participant_id = $1`,
			`DELETE FROM idea_follow WHERE participant_id = $1`,
			`DELETE FROM idea_mute WHERE participant_id = $1`,
			// a provider's sign-in or an app's member opens a new account next time
			`DELETE FROM external_identity WHERE participant_id = $1`,
		} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM mail_outbox WHERE recipient = $1 AND sent_at IS NULL`, email); err != nil {
			return err
		}
		if removeContent {
			if err := removeAuthoredContent(ctx, tx, now, id); err != nil {
				return err
			}
		}
		ev := eventAt(now, core.EventDeleted, core.EntityParticipant, id, revision, id)
		ev.Data = map[string]any{"content_removed": removeContent}
		return appendEvent(ctx, tx, ev)
	})
}

// ParticipantCounts are the live accounts (app members apart) and how far
// they went: e-mail confirmed, home address given, residence verified; and
// the staff (moderators and above) without two-step verification.
type ParticipantCounts struct {
	Total, Confirmed, WithAddress, Verified int
	StaffWithoutTwoStep                     int
}

// CountParticipants counts the live accounts (one statement).
func (s *Store) CountParticipants(ctx context.Context) (ParticipantCounts, error) {
	var n ParticipantCounts
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(email_verified_at), count(home_address_id), count(home_verified_at),
		count(*) FILTER (WHERE role <> 'citizen' AND totp_secret IS NULL)
		FROM participant WHERE deleted_at IS NULL AND NOT member`).Scan(&n.Total, &n.Confirmed, &n.WithAddress, &n.Verified, &n.StaffWithoutTwoStep)
	return n, wrapDB("count participants", err)
}

// removeAuthoredContent erases what a leaving participant wrote, in the
// deletion's transaction: their ideas lose title, text, place and photos and
// are hidden (others' supports and comments stay, as do their counts), their comments and
// arguments are emptied and hidden (threads keep their shape), and the free text
// of their consultation answers is emptied (choices stay in the results, which
// tell nothing of them). Each idea gets a change-log row, so channels that
// published it withdraw it.
func removeAuthoredContent(ctx context.Context, tx pgx.Tx, now time.Time, participantID int64) error {
	rows, err := tx.Query(ctx, `UPDATE idea SET title = '', body = '', lon = NULL, lat = NULL, address_id = NULL, hidden = true,
		updated_at = $2, revision = revision + 1 WHERE author_id = $1 RETURNING id, revision`, participantID, now)
	if err != nil {
		return err
	}
	type changed struct {
		id  int64
		rev int
	}
	ideas, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (changed, error) {
		var c changed
		return c, row.Scan(&c.id, &c.rev)
	})
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE comment SET body = '', hidden = true, updated_at = $2 WHERE author_id = $1`, participantID, now); err != nil {
		return err
	}
	for _, q := range []string{
		`UPDATE argument SET body = '', hidden = true WHERE author_id = $1`,
		`DELETE FROM idea_image WHERE idea_id IN (SELECT id FROM idea WHERE author_id = $1)`,
		`UPDATE answer SET body = '' WHERE body <> '' AND response_id IN (SELECT id FROM response WHERE participant_id = $1)`,
	} {
		if _, err := tx.Exec(ctx, q, participantID); err != nil {
			return err
		}
	}
	for _, c := range ideas {
		ev := eventAt(now, core.EventUpdated, core.EntityIdea, c.id, c.rev, participantID)
		ev.Data = map[string]any{"content_removed": true}
		if err := appendEvent(ctx, tx, ev); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) accountContent(ctx context.Context, id int64) (AccountContent, error) {
	var c AccountContent
	texts := func(sql string) ([]OwnText, error) {
		rows, err := s.pool.Query(ctx, sql, id)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(row pgx.CollectableRow) (OwnText, error) {
			var t OwnText
			return t, row.Scan(&t.ID, &t.ParentID, &t.Title, &t.Body, &t.At)
		})
	}
	var err error
	if c.Ideas, err = texts(`SELECT id, coalesce(project_id, 0), title, body, created_at FROM idea WHERE author_id = $1 ORDER BY id`); err != nil {
		return c, err
	}
	if c.Comments, err = texts(`SELECT id, idea_id, '', body, created_at FROM comment WHERE author_id = $1 AND withdrawn_at IS NULL ORDER BY id`); err != nil {
		return c, err
	}
	if c.Arguments, err = texts(`SELECT id, debate_id, side, body, created_at FROM argument WHERE author_id = $1 ORDER BY id`); err != nil {
		return c, err
	}
	if c.Registrations, err = texts(`SELECT m.id, 0, m.title, r.status, r.created_at FROM meeting_registration r
		JOIN meeting m ON m.id = r.meeting_id WHERE r.participant_id = $1 ORDER BY m.starts_at`); err != nil {
		return c, err
	}
	ids := func(query string) ([]int64, error) {
		rows, err := s.pool.Query(ctx, query, id)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	if c.Supports, err = ids(`SELECT idea_id FROM support WHERE participant_id = $1 ORDER BY idea_id`); err != nil {
		return c, err
	}
	if c.FollowedIdeas, err = ids(`SELECT idea_id FROM idea_follow WHERE participant_id = $1 ORDER BY idea_id`); err != nil {
		return c, err
	}
	if c.FollowedProjects, err = ids(`SELECT project_id FROM project_follow WHERE participant_id = $1 ORDER BY project_id`); err != nil {
		return c, err
	}
	if c.MutedIdeas, err = ids(`SELECT idea_id FROM idea_mute WHERE participant_id = $1 ORDER BY idea_id`); err != nil {
		return c, err
	}
	rows, err := s.pool.Query(ctx, `SELECT r.id, r.consultation_id, k.title, r.updated_at FROM response r
		JOIN consultation k ON k.id = r.consultation_id WHERE r.participant_id = $1 ORDER BY r.id`, id)
	if err != nil {
		return c, err
	}
	type head struct {
		id int64
		r  OwnResponse
	}
	heads, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (head, error) {
		var h head
		return h, row.Scan(&h.id, &h.r.ConsultationID, &h.r.Consultation, &h.r.UpdatedAt)
	})
	if err != nil {
		return c, err
	}
	for _, h := range heads {
		if h.r.Answers, err = responseAnswers(ctx, s.pool, h.id); err != nil {
			return c, err
		}
		c.Responses = append(c.Responses, h.r)
	}
	if home, err := s.HomeAddress(ctx, id); err == nil {
		c.HomeAddress = home.Label()
	}
	var verified *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT home_verified_at, newsletter, invitations, digest, notify_replies FROM participant WHERE id = $1`, id).
		Scan(&verified, &c.Subscriptions.Newsletter, &c.Subscriptions.Invitations, &c.Subscriptions.Digest, &c.Subscriptions.Replies); err != nil {
		return c, err
	}
	if verified != nil {
		c.HomeVerified = *verified
	}
	return c, nil
}
