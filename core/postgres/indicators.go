package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"quartier/core"
)

// MonthIndicators are the commune's evaluation figures for one month.
type MonthIndicators struct {
	Month      time.Time
	Ideas      int // ideas proposed
	Registered int // new accounts
	Active     int // distinct participants who took part (participationActs)
	TakenUp    int // ideas answered feasible (or sent further) that month
	Realised   int // ideas done that month
	Answered   int // ideas given their official answer that month
	OnTime     int // of those, answered by the date promised
}

// participationActs lists every act of taking part, on any channel (an app's
// members included), as (who, at) rows from the time since on: proposing an
// idea, commenting, supporting, arguing in a debate or rating an argument,
// answering a consultation (and changing the answers), casting a budget
// ballot, registering for an event, volunteering for a neighbourhood council.
// Only what the tables keep a time for counts: a response changed twice
// counts at its first and last change. since is an SQL expression.
func participationActs(since string) string {
	return strings.NewReplacer("$since", since).Replace(`
	SELECT author_id AS who, created_at AS at FROM idea WHERE created_at >= $since
	UNION ALL SELECT author_id, created_at FROM comment WHERE created_at >= $since
	UNION ALL SELECT participant_id, created_at FROM support WHERE created_at >= $since
	UNION ALL SELECT author_id, created_at FROM argument WHERE created_at >= $since
	UNION ALL SELECT participant_id, created_at FROM argument_rating WHERE created_at >= $since
	UNION ALL SELECT participant_id, created_at FROM response WHERE created_at >= $since
	UNION ALL SELECT participant_id, updated_at FROM response WHERE updated_at > created_at AND updated_at >= $since
	UNION ALL SELECT participant_id, cast_at FROM ballot WHERE cast_at >= $since
	UNION ALL SELECT participant_id, created_at FROM meeting_registration WHERE created_at >= $since
	UNION ALL SELECT participant_id, created_at FROM council_volunteer WHERE created_at >= $since`)
}

// Indicators are the figures the staff dashboard and its CSV show.
type Indicators struct {
	Months          []MonthIndicators // oldest first
	RegisteredTotal int
	Active90        int             // took part in the last 90 days, any channel (participationActs)
	ByChannel       []ChannelCounts // all time, the most contributions first
	IdeasTotal      int
	TakenUpTotal    int
	RealisedTotal   int
	// The follow-up promise kept: ideas answered, of them by the date
	// promised, the median days from proposal to answer, and the ideas whose
	// date has passed without an answer.
	AnsweredTotal    int
	OnTimeTotal      int
	MedianAnswerDays float64
	OverdueNow       int
}

// Indicators computes the figures for the months since from (first of month),
// up to now. Each table is read once for all the months (grouped by month),
// not once per month.
func (s *Store) Indicators(ctx context.Context, from time.Time, now time.Time) (Indicators, error) {
	var ind Indicators
	rows, err := s.pool.Query(ctx, `WITH months AS (
			SELECT generate_series(date_trunc('month', $1::timestamptz), date_trunc('month', $2::timestamptz), interval '1 month') AS m),
		ideas AS (SELECT date_trunc('month', created_at) AS m, count(*) AS n FROM idea WHERE created_at >= (SELECT min(m) FROM months) GROUP BY 1),
		registered AS (SELECT date_trunc('month', created_at) AS m, count(*) AS n FROM participant
			WHERE NOT member AND created_at >= (SELECT min(m) FROM months) GROUP BY 1),
		active AS (SELECT m, count(*) AS n FROM (SELECT DISTINCT date_trunc('month', at) AS m, who FROM (`+participationActs("(SELECT min(m) FROM months)")+`) acts) d GROUP BY m),
		steps AS (SELECT date_trunc('month', created_at) AS m,
				count(DISTINCT idea_id) FILTER (WHERE status = 'feasible') AS taken_up,
				count(DISTINCT idea_id) FILTER (WHERE status = 'done') AS realised
			FROM idea_step WHERE status IN ('feasible', 'done') AND created_at >= (SELECT min(m) FROM months) GROUP BY 1),
		answers AS (SELECT date_trunc('month', answered_at) AS m, count(*) AS n,
				count(*) FILTER (WHERE answered_at::date <= answer_due_on) AS on_time
			FROM idea WHERE answered_at >= (SELECT min(m) FROM months) GROUP BY 1)
		SELECT months.m, coalesce(ideas.n, 0), coalesce(registered.n, 0), coalesce(active.n, 0),
			coalesce(steps.taken_up, 0), coalesce(steps.realised, 0), coalesce(answers.n, 0), coalesce(answers.on_time, 0)
		FROM months LEFT JOIN ideas USING (m) LEFT JOIN registered USING (m) LEFT JOIN active USING (m)
			LEFT JOIN steps USING (m) LEFT JOIN answers USING (m)
		ORDER BY months.m`, from, now)
	if err != nil {
		return ind, wrapDB("monthly indicators", err)
	}
	ind.Months, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (MonthIndicators, error) {
		var m MonthIndicators
		return m, row.Scan(&m.Month, &m.Ideas, &m.Registered, &m.Active, &m.TakenUp, &m.Realised, &m.Answered, &m.OnTime)
	})
	if err != nil {
		return ind, wrapDB("scan indicators", err)
	}
	err = s.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM participant WHERE deleted_at IS NULL AND NOT member),
		(SELECT count(DISTINCT who) FROM (`+participationActs("$1")+`) acts),
		(SELECT count(*) FROM idea),
		(SELECT count(*) FROM idea WHERE status IN ('feasible', 'submitted_to_council', 'decided', 'in_progress', 'done')),
		(SELECT count(*) FROM idea WHERE status = 'done'),
		(SELECT count(*) FROM idea WHERE answered_at IS NOT NULL),
		(SELECT count(*) FROM idea WHERE answered_at::date <= answer_due_on),
		(SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - created_at) / 86400), 0)
			FROM idea WHERE answered_at IS NOT NULL),
		(SELECT count(*) FROM idea WHERE answered_at IS NULL AND answer_due_on < $2::date)`, now.AddDate(0, 0, -90), now).
		Scan(&ind.RegisteredTotal, &ind.Active90, &ind.IdeasTotal, &ind.TakenUpTotal, &ind.RealisedTotal,
			&ind.AnsweredTotal, &ind.OnTimeTotal, &ind.MedianAnswerDays, &ind.OverdueNow)
	if err != nil {
		return ind, wrapDB("indicator totals", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT channel, sum(ideas)::int, sum(supports)::int, sum(comments)::int, sum(responses)::int FROM (
			SELECT channel, count(*) AS ideas, 0 AS supports, 0 AS comments, 0 AS responses FROM idea GROUP BY channel
			UNION ALL SELECT channel, 0, count(*), 0, 0 FROM support GROUP BY channel
			UNION ALL SELECT channel, 0, 0, count(*), 0 FROM comment WHERE withdrawn_at IS NULL GROUP BY channel
			UNION ALL SELECT channel, 0, 0, 0, count(*) FROM response GROUP BY channel) c
		GROUP BY channel ORDER BY sum(ideas + supports + comments + responses) DESC, channel`)
	if err != nil {
		return ind, wrapDB("contributions by channel", err)
	}
	ind.ByChannel, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (ChannelCounts, error) {
		var c ChannelCounts
		return c, row.Scan(&c.Channel, &c.Ideas, &c.Supports, &c.Comments, &c.Responses)
	})
	return ind, wrapDB("scan channels", err)
}

// ChannelCounts are the contributions that came through one channel (the
// site, a neighbourhood app, a social network): what the connectors bring.
type ChannelCounts struct {
	Channel                              string
	Ideas, Supports, Comments, Responses int
}

// Total is every contribution of the channel.
func (c ChannelCounts) Total() int { return c.Ideas + c.Supports + c.Comments + c.Responses }

// ResidentHome is a registered resident's home address, and whether they took
// part since the time asked (participationActs), for counting residents per
// area in memory.
type ResidentHome struct {
	Address core.Address
	Active  bool
}

// ResidentHomes lists the home addresses of the registered residents (accounts
// neither deleted nor an app's members) and whether each took part since
// since.
func (s *Store) ResidentHomes(ctx context.Context, since time.Time) ([]ResidentHome, error) {
	rows, err := s.pool.Query(ctx, `WITH active AS (SELECT DISTINCT who FROM (`+participationActs("$1")+`) acts)
		SELECT `+prefixCols("a", addressColumns)+`, active.who IS NOT NULL
		FROM participant p JOIN address a ON a.id = p.home_address_id LEFT JOIN active ON active.who = p.id
		WHERE p.deleted_at IS NULL AND NOT p.member`, since)
	if err != nil {
		return nil, wrapDB("resident homes", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ResidentHome, error) {
		var h ResidentHome
		var err error
		h.Address, err = scanAddress(row, &h.Active)
		return h, err
	})
	return out, wrapDB("scan resident homes", err)
}

// IdeaPositions returns the position of every idea that has one, for counting
// ideas per area in memory.
func (s *Store) IdeaPositions(ctx context.Context) ([]orb.Point, error) {
	rows, err := s.pool.Query(ctx, `SELECT lon, lat FROM idea WHERE lon IS NOT NULL`)
	if err != nil {
		return nil, wrapDB("idea positions", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (orb.Point, error) {
		var p orb.Point
		return p, row.Scan(&p[0], &p[1])
	})
	return out, wrapDB("scan positions", err)
}

// PublicFigures are the follow-up figures the home page shows everyone,
// counted as the staff indicators count them (Indicators' totals).
type PublicFigures struct {
	Ideas    int // ideas proposed
	Answered int // given their official answer
	OnTime   int // of those, by the date promised
	Realised int // done
}

// PublicFigures counts ideas proposed, answered (on time) and realised, in one
// statement over the idea table.
func (s *Store) PublicFigures(ctx context.Context) (PublicFigures, error) {
	var f PublicFigures
	err := s.pool.QueryRow(ctx, `SELECT count(*),
			count(*) FILTER (WHERE answered_at IS NOT NULL),
			count(*) FILTER (WHERE answered_at::date <= answer_due_on),
			count(*) FILTER (WHERE status = 'done')
		FROM idea`).Scan(&f.Ideas, &f.Answered, &f.OnTime, &f.Realised)
	return f, wrapDB("public figures", err)
}
