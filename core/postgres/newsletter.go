package postgres

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// Subscription kinds: what a resident may receive beyond personal mail.
const (
	SubscriptionNewsletter  = "newsletter"
	SubscriptionInvitations = "invitations"
	SubscriptionDigest      = "digest"  // the weekly "what's new near you"
	SubscriptionReplies     = "replies" // comments on my ideas, replies to my comments
)

// Subscriptions says what a participant receives.
type Subscriptions struct {
	Newsletter  bool
	Invitations bool
	Digest      bool
	Replies     bool
}

// Subscriptions reads a participant's choices.
func (s *Store) Subscriptions(ctx context.Context, participantID int64) (Subscriptions, error) {
	var sub Subscriptions
	err := s.pool.QueryRow(ctx, `SELECT newsletter, invitations, digest, notify_replies FROM participant WHERE id = $1 AND deleted_at IS NULL`, participantID).
		Scan(&sub.Newsletter, &sub.Invitations, &sub.Digest, &sub.Replies)
	return sub, notFoundOr(err, "error.participant_not_found", "read subscriptions")
}

// SetSubscriptions records a participant's choices.
func (s *Store) SetSubscriptions(ctx context.Context, participantID int64, sub Subscriptions) error {
	return s.inTx(ctx, "set subscriptions", func(tx pgx.Tx) error {
		var rev int
		err := tx.QueryRow(ctx, `UPDATE participant SET newsletter = $2, invitations = $3, digest = $4, notify_replies = $5, updated_at = $6,
				revision = revision + 1
			WHERE id = $1 AND deleted_at IS NULL RETURNING revision`, participantID, sub.Newsletter, sub.Invitations, sub.Digest, sub.Replies, s.now()).Scan(&rev)
		if err != nil {
			return notFoundOr(err, "error.participant_not_found", "set subscriptions")
		}
		ev := eventAt(s.now(), core.EventUpdated, core.EntityParticipant, participantID, rev, participantID)
		ev.Data = map[string]any{"newsletter": sub.Newsletter, "invitations": sub.Invitations, "digest": sub.Digest, "replies": sub.Replies}
		return appendEvent(ctx, tx, ev)
	})
}

// Unsubscribe turns one kind off (from a link in a mail). Unknown participants
// and kinds change nothing.
func (s *Store) Unsubscribe(ctx context.Context, participantID int64, kind string) error {
	sub, err := s.Subscriptions(ctx, participantID)
	if err != nil {
		return err
	}
	switch kind {
	case SubscriptionNewsletter:
		sub.Newsletter = false
	case SubscriptionInvitations:
		sub.Invitations = false
	case SubscriptionDigest:
		sub.Digest = false
	case SubscriptionReplies:
		sub.Replies = false
	default:
		return core.NotFound("error.unsubscribe_invalid")
	}
	return s.SetSubscriptions(ctx, participantID, sub)
}

// Recipient is someone a newsletter or an invitation goes to.
type Recipient struct {
	ID            int64
	Email         string
	Locale        core.Language
	HomeAddressID int64
}

// Recipients lists the confirmed, live accounts that receive kind; when
// addresses is not nil, only those whose home address is among them.
func (s *Store) Recipients(ctx context.Context, kind string, addresses []int64) ([]Recipient, error) {
	column := map[string]string{SubscriptionNewsletter: "newsletter", SubscriptionInvitations: "invitations"}[kind]
	if column == "" {
		return nil, core.Internalf("unknown subscription %q", kind)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, email, locale, coalesce(home_address_id, 0) FROM participant
		WHERE `+column+` AND deleted_at IS NULL AND email IS NOT NULL AND email_verified_at IS NOT NULL
		AND ($1::bigint[] IS NULL OR home_address_id = ANY($1)) ORDER BY id`, addresses)
	if err != nil {
		return nil, wrapDB("list recipients", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Recipient, error) {
		var r Recipient
		var locale string
		err := row.Scan(&r.ID, &r.Email, &locale, &r.HomeAddressID)
		r.Locale = core.Language(locale)
		return r, err
	})
	return out, wrapDB("scan recipients", err)
}

// Newsletter is a message to subscribers, a draft until sent.
type Newsletter struct {
	ID         int64
	Subject    string
	Body       string        // plain text
	Language   core.Language // of Subject and Body
	TargetID   int64         // 0: every subscriber
	CreatedAt  time.Time
	SentAt     time.Time // zero while a draft
	Recipients int
	// Translations are whole translations (subject and text) by language.
	Translations map[core.Language]NewsletterText
}

// NewsletterText is a newsletter in one language.
type NewsletterText struct{ Subject, Body string }

// In returns the newsletter as a reader of l gets it: its translation into
// l where there is one (Language then says l), the original otherwise.
func (n Newsletter) In(l core.Language) Newsletter {
	if t, ok := n.Translations[l]; ok && l != n.Language {
		n.Subject, n.Body, n.Language = t.Subject, t.Body, l
	}
	return n
}

const newsletterColumns = `n.id, n.subject, n.body, n.language, coalesce(n.target_id, 0), n.created_at, n.sent_at, n.recipients,
	(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Subject', t.subject, 'Body', t.body)), '{}')
		FROM newsletter_translation t WHERE t.newsletter_id = n.id)`

func scanNewsletter(row rowScanner) (Newsletter, error) {
	var n Newsletter
	var sent *time.Time
	err := row.Scan(&n.ID, &n.Subject, &n.Body, &n.Language, &n.TargetID, &n.CreatedAt, &sent, &n.Recipients, &n.Translations)
	if sent != nil {
		n.SentAt = *sent
	}
	return n, err
}

// SaveNewsletter creates (ID 0) or edits a draft; a sent newsletter is refused.
func (s *Store) SaveNewsletter(ctx context.Context, actorID int64, n Newsletter) (int64, error) {
	id := n.ID
	err := s.inTx(ctx, "save newsletter", func(tx pgx.Tx) error {
		now := s.now()
		if id == 0 {
			err := tx.QueryRow(ctx, `INSERT INTO newsletter (subject, body, target_id, created_by, created_at, updated_at, language)
				VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id`, n.Subject, n.Body, nullID(n.TargetID), nullID(actorID), now, language(n.Language)).Scan(&id)
			if isForeignKeyViolation(err) {
				return core.Invalid("target_id", "error.consultation_reference")
			}
			if err != nil {
				return err
			}
		} else {
			tag, err := tx.Exec(ctx, `UPDATE newsletter SET subject = $2, body = $3, target_id = $4, updated_at = $5, language = $6
				WHERE id = $1 AND sent_at IS NULL`, id, n.Subject, n.Body, nullID(n.TargetID), now, language(n.Language))
			if isForeignKeyViolation(err) {
				return core.Invalid("target_id", "error.consultation_reference")
			}
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return core.Conflict("error.newsletter_sent")
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM newsletter_translation WHERE newsletter_id = $1`, id); err != nil {
			return err
		}
		for l, t := range n.Translations {
			if _, err := tx.Exec(ctx, `INSERT INTO newsletter_translation (newsletter_id, language, subject, body) VALUES ($1, $2, $3, $4)`,
				id, l, t.Subject, t.Body); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// Newsletter returns one newsletter.
func (s *Store) Newsletter(ctx context.Context, id int64) (Newsletter, error) {
	n, err := scanNewsletter(s.pool.QueryRow(ctx, `SELECT `+newsletterColumns+` FROM newsletter n WHERE n.id = $1`, id))
	return n, notFoundOr(err, "error.newsletter_not_found", "read newsletter")
}

// Newsletters lists newsletters, the newest first; only sent ones when sentOnly.
func (s *Store) Newsletters(ctx context.Context, sentOnly bool) ([]Newsletter, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+newsletterColumns+` FROM newsletter n WHERE n.sent_at IS NOT NULL OR NOT $1
		ORDER BY coalesce(n.sent_at, n.created_at) DESC LIMIT 500`, sentOnly)
	if err != nil {
		return nil, wrapDB("list newsletters", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Newsletter, error) { return scanNewsletter(row) })
	return out, wrapDB("scan newsletters", err)
}

// SendNewsletter marks a draft sent and queues its mails, in one transaction:
// a second send (a double click, two staff members) is refused and queues
// nothing.
func (s *Store) SendNewsletter(ctx context.Context, actorID, id int64, mails []core.Mail) error {
	return s.inTx(ctx, "send newsletter", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE newsletter SET sent_at = $2, recipients = $3 WHERE id = $1 AND sent_at IS NULL`, id, s.now(), len(mails))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return core.Conflict("error.newsletter_sent")
		}
		if err := queueMails(ctx, tx, mails); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "newsletter.send", "newsletter", id, strconv.Itoa(len(mails)), s.now()); err != nil {
			return err
		}
		ev := eventAt(s.now(), core.EventCreated, "newsletter", id, 1, actorID)
		ev.Data = map[string]any{"recipients": len(mails)}
		return appendEvent(ctx, tx, ev)
	})
}

// queueMails adds many mails to the outbox in one COPY.
func queueMails(ctx context.Context, tx pgx.Tx, mails []core.Mail) error {
	rows := make([][]any, len(mails))
	for i, m := range mails {
		rows[i] = []any{m.To, m.Subject, m.Body, m.Unsubscribe}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"mail_outbox"}, []string{"recipient", "subject", "body", "unsubscribe"}, pgx.CopyFromRows(rows))
	return err
}

// InviteToConsultation queues an invitation for each recipient not invited to
// this consultation before (the invitation table remembers), in one
// transaction; it returns how many were queued.
func (s *Store) InviteToConsultation(ctx context.Context, actorID, consultationID int64, recipients []Recipient, compose func(Recipient) core.Mail) (int, error) {
	var queued int
	err := s.inTx(ctx, "invite to consultation", func(tx pgx.Tx) error {
		ids := make([]int64, len(recipients))
		for i, r := range recipients {
			ids[i] = r.ID
		}
		rows, err := tx.Query(ctx, `INSERT INTO consultation_invitation (consultation_id, participant_id, sent_at)
			SELECT $1, unnest($2::bigint[]), $3 ON CONFLICT DO NOTHING RETURNING participant_id`, consultationID, ids, s.now())
		if err != nil {
			return err
		}
		fresh, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		invite := idSet(fresh)
		var mails []core.Mail
		for _, r := range recipients {
			if invite[r.ID] {
				mails = append(mails, compose(r))
			}
		}
		if err := queueMails(ctx, tx, mails); err != nil {
			return err
		}
		queued = len(mails)
		if err := audit(ctx, tx, actorID, "consultation.invite", core.EntityConsultation, consultationID, strconv.Itoa(queued), s.now()); err != nil {
			return err
		}
		ev := eventAt(s.now(), core.EventUpdated, core.EntityConsultation, consultationID, 0, actorID)
		ev.Data = map[string]any{"invitations": queued}
		return appendEvent(ctx, tx, ev)
	})
	return queued, err
}

func idSet(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// InvitationCount is how many residents were invited to a consultation.
func (s *Store) InvitationCount(ctx context.Context, consultationID int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM consultation_invitation WHERE consultation_id = $1`, consultationID).Scan(&n)
	return n, wrapDB("count invitations", err)
}
