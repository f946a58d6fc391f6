package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"quartier/core"
)

// DigestRecipient is a resident who asked for the weekly digest, with the
// home address the digest is about.
type DigestRecipient struct {
	ID     int64
	Email  string
	Name   string
	Locale core.Language
	Home   core.Address
}

// DigestRecipients lists the confirmed, live accounts with the digest on and
// a home address (without one there is no "near you"), by id.
func (s *Store) DigestRecipients(ctx context.Context) ([]DigestRecipient, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+prefixCols("a", addressColumns)+`, p.id, p.email, p.display_name, p.locale
		FROM participant p JOIN address a ON a.id = p.home_address_id
		WHERE p.digest AND p.deleted_at IS NULL AND p.email IS NOT NULL AND p.email_verified_at IS NOT NULL ORDER BY p.id`)
	if err != nil {
		return nil, wrapDB("digest recipients", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (DigestRecipient, error) {
		var r DigestRecipient
		var locale string
		home, err := scanAddress(rowExtra{row, []any{&r.ID, &r.Email, &r.Name, &locale}})
		r.Home, r.Locale = home, core.Language(locale)
		return r, err
	})
	return out, wrapDB("scan digest recipients", err)
}

// DigestItem is an idea proposed, an idea answered or a project published in
// a digest's week, or an event coming in the fortnight after it.
type DigestItem struct {
	Entity string // core.EntityIdea, DigestAnswer, core.EntityProject or core.EntityMeeting
	ID     int64
	// TranslatedTitle is the title, with a project's or an event's
	// translations (ideas are as their authors wrote them).
	TranslatedTitle
	Point    orb.Point
	HasPoint bool
	AreaIDs  []int64   // a project's target areas; none: the whole commune
	StartsAt time.Time // an event's
}

// DigestAnswer marks an idea given its official answer in the week.
const DigestAnswer = "answer"

// DigestUpcoming is how far ahead of the digest's week events are announced.
const DigestUpcoming = 14 * 24 * time.Hour

// DigestItems lists the visible ideas proposed, the visible ideas answered
// and the projects published in [from, to), oldest first, then the published
// events that are not called off and start within DigestUpcoming of to,
// soonest first.
func (s *Store) DigestItems(ctx context.Context, from, to time.Time) ([]DigestItem, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT 'idea', id, title, lon, lat, '{}'::bigint[], NULL::timestamptz, '{}'::jsonb FROM (
			SELECT id, title, lon, lat FROM idea WHERE NOT hidden AND created_at >= $1 AND created_at < $2 ORDER BY created_at, id) i
		UNION ALL
		SELECT 'answer', id, title, lon, lat, '{}', NULL, '{}' FROM (
			SELECT id, title, lon, lat FROM idea WHERE NOT hidden AND answered_at >= $1 AND answered_at < $2 ORDER BY answered_at, id) a
		UNION ALL
		SELECT 'project', id, title, lon, lat, area_ids, NULL, (SELECT coalesce(jsonb_object_agg(t.language, t.title), '{}')
			FROM project_translation t WHERE t.project_id = p.id AND t.title <> '') FROM (
			SELECT id, title, lon, lat, area_ids FROM project WHERE status = 'published' AND published_at >= $1 AND published_at < $2
			ORDER BY published_at, id) p
		UNION ALL
		SELECT 'meeting', id, title, lon, lat, '{}', starts_at, (SELECT coalesce(jsonb_object_agg(t.language, t.title), '{}')
			FROM meeting_translation t WHERE t.meeting_id = m.id AND t.title <> '') FROM (
			SELECT id, title, lon, lat, starts_at FROM meeting WHERE published AND cancelled_at IS NULL
				AND starts_at >= $2 AND starts_at < $2 + $3::interval ORDER BY starts_at, id) m`, from, to, DigestUpcoming)
	if err != nil {
		return nil, wrapDB("digest items", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (DigestItem, error) {
		var it DigestItem
		var lon, lat *float64
		var starts *time.Time
		err := row.Scan(&it.Entity, &it.ID, &it.Title, &lon, &lat, &it.AreaIDs, &starts, &it.Titles)
		if starts != nil {
			it.StartsAt = *starts
		}
		if lon != nil {
			it.Point, it.HasPoint = orb.Point{*lon, *lat}, true
		}
		return it, err
	})
	return out, wrapDB("scan digest items", err)
}

// QueueDigest queues the mails of the digest for the week ending on week (a
// date) and records that week as sent, in one transaction. It reports false,
// queueing nothing, when that week was sent already.
func (s *Store) QueueDigest(ctx context.Context, week time.Time, mails []core.Mail) (bool, error) {
	sent := false
	err := s.inTx(ctx, "queue digest", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO digest_week (week, sent_at, recipients) VALUES ($1, $2, $3) ON CONFLICT (week) DO NOTHING`,
			week.Format(time.DateOnly), s.now(), len(mails))
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if err := queueMails(ctx, tx, mails); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent, err
}

// DigestSummary is what staff see of the weekly digest: who asked for it, and
// the last week sent (zero when none was).
type DigestSummary struct {
	Subscribers    int // confirmed, live accounts with the digest on and a home address
	LastWeek       time.Time
	LastRecipients int
}

// DigestSummary counts the digest's subscribers and reads the last week sent.
func (s *Store) DigestSummary(ctx context.Context) (DigestSummary, error) {
	var d DigestSummary
	var last *time.Time
	var recipients *int
	err := s.pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM participant WHERE digest AND deleted_at IS NULL AND email IS NOT NULL
				AND email_verified_at IS NOT NULL AND home_address_id IS NOT NULL),
			w.week, w.recipients
		FROM (SELECT 1) one LEFT JOIN (SELECT week, recipients FROM digest_week ORDER BY week DESC LIMIT 1) w ON true`).
		Scan(&d.Subscribers, &last, &recipients)
	if last != nil {
		d.LastWeek, d.LastRecipients = *last, *recipients
	}
	return d, wrapDB("digest summary", err)
}
