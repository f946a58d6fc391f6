package web_test

import (
	"testing"
	"time"

	"quartier/core/web"
)

// BenchmarkWeeklyDigest: the Monday job for 10,000 residents who asked for
// it, living at 10,000 addresses spread over Luxembourg City (24 quarters),
// after a week of 300 ideas placed in the city and 5 projects (one aimed at a
// quarter): reading, matching each resident to their quarter, writing every
// mail and queueing them in one transaction. Each round forgets the week
// sent and the queued mails first (outside the timing).
func BenchmarkWeeklyDigest(b *testing.B) {
	now := time.Now().AddDate(0, 0, 7)
	a := newApp(b, nil, func(d *web.Deps) { d.Now = func() time.Time { return now } })
	a.withGeography()
	pool := a.store.Pool()
	for _, q := range []string{
		`INSERT INTO address (id, street_id, street, number, number_int, number_suffix, postcode, locality, commune, lon, lat, source)
			SELECT 800000000 + g, 800000, 'Rue du Banc', g::text, g, '', '1000', 'Luxembourg', 'Luxembourg',
				6.08 + random() * 0.12, 49.57 + random() * 0.08, 'bd-adresses' FROM generate_series(1, 10000) g`,
		`INSERT INTO participant (email, password_hash, display_name, email_verified_at, home_address_id, digest)
			SELECT 'digest-' || g || '@quartier.test', '', 'Résident ' || g, now(), 800000000 + g, true FROM generate_series(1, 10000) g`,
		`INSERT INTO idea (author_id, title, body, lon, lat, answer_due_on)
			SELECT (SELECT min(id) FROM participant), 'Idée ' || g, 'Une idée pour le quartier.',
				6.08 + random() * 0.12, 49.57 + random() * 0.08, current_date + 60 FROM generate_series(1, 300) g`,
		`INSERT INTO project (title, summary, body_html, status, published_at, area_ids, created_at, updated_at)
			SELECT 'Projet ' || g, '', '', 'published', now(), CASE WHEN g = 1 THEN ARRAY[(SELECT min(id) FROM area WHERE kind = 'quarter')] ELSE '{}' END,
				now(), now() FROM generate_series(1, 5) g`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := a.web.SendWeeklyDigest(ctx); err != nil { // warm the geography
		b.Fatal(err)
	}
	var mails int
	for b.Loop() {
		b.StopTimer()
		if _, err := pool.Exec(ctx, `DELETE FROM digest_week; DELETE FROM mail_outbox`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := a.web.SendWeeklyDigest(ctx)
		if err != nil || n == 0 {
			b.Fatalf("digest: %d mails, %v", n, err)
		}
		mails = n
	}
	b.ReportMetric(float64(mails), "mails")
}
