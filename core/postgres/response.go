package postgres

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"quartier/core"
)

// NewResponse is one person's validated answers to a consultation.
type NewResponse struct {
	ConsultationID int64
	ParticipantID  int64
	AddressID      int64 // home address at the time, 0 when none (kept for breakdowns)
	Channel        core.Channel
	Answers        []core.Answer // validated against Questions
	Questions      []core.Question
}

// SubmitResponse stores a response, or replaces the participant's earlier one,
// in one transaction with the tallies and the change-log row. The database holds
// each participant to one response per consultation; two submissions at once
// are serialised on that row, so the tallies never count twice. It refuses
// when the consultation is not open at the transaction's time. created is false
// when an earlier response was replaced.
func (s *Store) SubmitResponse(ctx context.Context, r NewResponse) (created bool, err error) {
	questions := make(map[int64]core.Question, len(r.Questions))
	for _, q := range r.Questions {
		questions[q.ID] = q
	}
	err = s.inTx(ctx, "submit response", func(tx pgx.Tx) error {
		now := s.now()
		var open bool
		err := tx.QueryRow(ctx, `SELECT published AND opens_at <= $2 AND closes_at > $2 FROM consultation WHERE id = $1`,
			r.ConsultationID, now).Scan(&open)
		if err != nil {
			return notFoundOr(err, "error.consultation_not_found", "read consultation")
		}
		if !open {
			return core.Conflict("error.consultation_not_open")
		}
		var responseID int64
		if err := tx.QueryRow(ctx, `INSERT INTO response (consultation_id, participant_id, channel, address_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)
			ON CONFLICT (consultation_id, participant_id) DO UPDATE SET updated_at = EXCLUDED.updated_at, address_id = EXCLUDED.address_id
			RETURNING id, xmax = 0`, r.ConsultationID, r.ParticipantID, string(r.Channel), nullID(r.AddressID), now).Scan(&responseID, &created); err != nil {
			return err
		}
		deltas := tallyDeltas{}
		if !created {
			old, err := responseAnswers(ctx, tx, responseID)
			if err != nil {
				return err
			}
			deltas.add(questions, old, -1)
			if _, err := tx.Exec(ctx, `DELETE FROM answer WHERE response_id = $1`, responseID); err != nil {
				return err
			}
		}
		batch := &pgx.Batch{}
		for _, a := range r.Answers {
			var lon, lat *float64
			if a.HasPoint {
				lon, lat = &a.Point[0], &a.Point[1]
			}
			choices := a.Choices
			if choices == nil {
				choices = []int64{}
			}
			batch.Queue(`INSERT INTO answer (response_id, question_id, choices, number, body, lon, lat) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				responseID, a.QuestionID, choices, a.Number, a.Text, lon, lat)
		}
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return err
		}
		deltas.add(questions, r.Answers, +1)
		if err := deltas.apply(ctx, tx); err != nil {
			return err
		}
		kind := core.EventUpdated
		if created {
			kind = core.EventCreated
			if _, err := tx.Exec(ctx, `UPDATE consultation SET response_count = response_count + 1 WHERE id = $1`, r.ConsultationID); err != nil {
				return err
			}
		}
		ev := eventAt(now, kind, core.EntityResponse, responseID, 1, r.ParticipantID)
		ev.Data = map[string]any{"consultation_id": r.ConsultationID, "channel": string(r.Channel)}
		return appendEvent(ctx, tx, ev)
	})
	return created, err
}

// tallyDeltas are changes to live-result counters, by question and key.
type tallyDeltas map[tallyKey][2]int64 // count, points

type tallyKey struct {
	question int64
	key      string
}

// add adds sign (±1) times each answer's tally keys.
func (d tallyDeltas) add(questions map[int64]core.Question, answers []core.Answer, sign int64) {
	for _, a := range answers {
		q, ok := questions[a.QuestionID]
		if !ok {
			continue
		}
		keys, points := core.TallyKeys(q, a)
		for i, k := range keys {
			c := d[tallyKey{a.QuestionID, k}]
			d[tallyKey{a.QuestionID, k}] = [2]int64{c[0] + sign, c[1] + sign*points[i]}
		}
	}
}

// apply writes the deltas in at most two statements: counters that grow are
// inserted or added to, counters that shrink (taken back, so their rows exist)
// are updated; the table's check (count ≥ 0) would refuse a negative insert
// before its conflict turned it into an update.
func (d tallyDeltas) apply(ctx context.Context, tx pgx.Tx) error {
	var up, down struct {
		questions, counts, points []int64
		keys                      []string
	}
	// In one order, so that concurrent responses lock the counters alike.
	keys := slices.SortedFunc(maps.Keys(d), func(a, b tallyKey) int {
		return cmp.Or(cmp.Compare(a.question, b.question), strings.Compare(a.key, b.key))
	})
	for _, k := range keys {
		v := d[k]
		if v == [2]int64{} {
			continue
		}
		to := &up
		if v[0] < 0 {
			to = &down
		}
		to.questions, to.keys, to.counts, to.points = append(to.questions, k.question), append(to.keys, k.key), append(to.counts, v[0]), append(to.points, v[1])
	}
	if len(down.questions) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE tally t SET count = t.count + d.c, points = t.points + d.p
			FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[]) AS d(q, k, c, p) WHERE t.question_id = d.q AND t.key = d.k`,
			down.questions, down.keys, down.counts, down.points); err != nil {
			return err
		}
	}
	if len(up.questions) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO tally (question_id, key, count, points) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])
			ON CONFLICT (question_id, key) DO UPDATE SET count = tally.count + EXCLUDED.count, points = tally.points + EXCLUDED.points`,
			up.questions, up.keys, up.counts, up.points); err != nil {
			return err
		}
	}
	return nil
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func responseAnswers(ctx context.Context, q querier, responseID int64) ([]core.Answer, error) {
	rows, err := q.Query(ctx, `SELECT question_id, choices, number, body, lon, lat FROM answer WHERE response_id = $1`, responseID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanAnswer)
}

func scanAnswer(row pgx.CollectableRow) (core.Answer, error) {
	var a core.Answer
	var lon, lat *float64
	err := row.Scan(&a.QuestionID, &a.Choices, &a.Number, &a.Text, &lon, &lat)
	if lon != nil && lat != nil {
		a.Point, a.HasPoint = orb.Point{*lon, *lat}, true
	}
	a.Given = true
	return a, err
}

// MyResponse returns a participant's answers to a consultation by question id
// (empty when they have not answered) and when they last saved them.
func (s *Store) MyResponse(ctx context.Context, consultationID, participantID int64) (map[int64]core.Answer, time.Time, error) {
	var id int64
	var updated time.Time
	err := s.pool.QueryRow(ctx, `SELECT id, updated_at FROM response WHERE consultation_id = $1 AND participant_id = $2`,
		consultationID, participantID).Scan(&id, &updated)
	if err == pgx.ErrNoRows {
		return map[int64]core.Answer{}, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, wrapDB("read response", err)
	}
	answers, err := responseAnswers(ctx, s.pool, id)
	if err != nil {
		return nil, time.Time{}, wrapDB("read answers", err)
	}
	out := make(map[int64]core.Answer, len(answers))
	for _, a := range answers {
		out[a.QuestionID] = a
	}
	return out, updated, nil
}

// Tally is one counter of a question's live results.
type Tally struct {
	Key    string
	Count  int64
	Points int64
}

// Tallies returns the live counters of a consultation's questions by question
// id: one indexed read, whatever the number of answers.
func (s *Store) Tallies(ctx context.Context, consultationID int64) (map[int64][]Tally, error) {
	rows, err := s.pool.Query(ctx, `SELECT t.question_id, t.key, t.count, t.points FROM tally t
		JOIN question q ON q.id = t.question_id WHERE q.consultation_id = $1`, consultationID)
	if err != nil {
		return nil, wrapDB("read tallies", err)
	}
	defer rows.Close()
	out := map[int64][]Tally{}
	for rows.Next() {
		var qid int64
		var t Tally
		if err := rows.Scan(&qid, &t.Key, &t.Count, &t.Points); err != nil {
			return nil, wrapDB("scan tally", err)
		}
		out[qid] = append(out[qid], t)
	}
	return out, wrapDB("read tallies", rows.Err())
}

// TextAnswer is a free-text answer as results show it.
type TextAnswer struct {
	ResponseID int64
	Body       string
	Hidden     bool
	At         time.Time
}

// TextAnswers lists a question's free-text answers, the newest first; hidden
// ones only when withHidden (moderators).
func (s *Store) TextAnswers(ctx context.Context, questionID int64, withHidden bool, limit int) ([]TextAnswer, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.response_id, a.body, a.hidden, r.updated_at FROM answer a JOIN response r ON r.id = a.response_id
		WHERE a.question_id = $1 AND a.body <> '' AND (NOT a.hidden OR $2) ORDER BY r.updated_at DESC LIMIT $3`, questionID, withHidden, limit)
	if err != nil {
		return nil, wrapDB("read text answers", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (TextAnswer, error) {
		var t TextAnswer
		return t, row.Scan(&t.ResponseID, &t.Body, &t.Hidden, &t.At)
	})
	return out, wrapDB("scan text answers", err)
}

// SetTextAnswerHidden hides or restores a free-text answer, with the reason in
// the audit log.
func (s *Store) SetTextAnswerHidden(ctx context.Context, actorID, consultationID, responseID, questionID int64, hidden bool, reason string) error {
	return s.inTx(ctx, "moderate answer", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE answer SET hidden = $3 WHERE response_id = $1 AND question_id = $2
			AND question_id IN (SELECT id FROM question WHERE consultation_id = $4)`, responseID, questionID, hidden, consultationID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return core.NotFound("error.answer_not_found")
		}
		action := "restore"
		if hidden {
			action = "hide"
		}
		return audit(ctx, tx, actorID, action, "answer", responseID, reason, s.now())
	})
}

// PointAnswers returns the points given to a map question.
func (s *Store) PointAnswers(ctx context.Context, questionID int64) ([]orb.Point, error) {
	rows, err := s.pool.Query(ctx, `SELECT lon, lat FROM answer WHERE question_id = $1 AND lon IS NOT NULL`, questionID)
	if err != nil {
		return nil, wrapDB("read point answers", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (orb.Point, error) {
		var p orb.Point
		return p, row.Scan(&p[0], &p[1])
	})
	return out, wrapDB("scan point answers", err)
}

// ResponseRow is one response for exports and breakdowns: no personal data,
// only the channel, the home address id (for the area) and the answers.
type ResponseRow struct {
	ID        int64
	Channel   string
	AddressID int64
	CreatedAt time.Time
	UpdatedAt time.Time
	Answers   map[int64]core.Answer
}

// ResponseRows streams a consultation's responses with their answers, in
// response order, to fn.
func (s *Store) ResponseRows(ctx context.Context, consultationID int64, fn func(ResponseRow) error) error {
	rows, err := s.pool.Query(ctx, `SELECT r.id, r.channel, coalesce(r.address_id, 0), r.created_at, r.updated_at,
		coalesce(a.question_id, 0), coalesce(a.choices, '{}'), coalesce(a.number, 0), CASE WHEN a.hidden THEN '' ELSE coalesce(a.body, '') END, a.lon, a.lat
		FROM response r LEFT JOIN answer a ON a.response_id = r.id WHERE r.consultation_id = $1 ORDER BY r.id`, consultationID)
	if err != nil {
		return wrapDB("read responses", err)
	}
	defer rows.Close()
	var cur *ResponseRow
	for rows.Next() {
		var r ResponseRow
		var a core.Answer
		var lon, lat *float64
		if err := rows.Scan(&r.ID, &r.Channel, &r.AddressID, &r.CreatedAt, &r.UpdatedAt, &a.QuestionID, &a.Choices, &a.Number, &a.Text, &lon, &lat); err != nil {
			return wrapDB("scan response", err)
		}
		if cur != nil && cur.ID != r.ID {
			if err := fn(*cur); err != nil {
				return err
			}
			cur = nil
		}
		if cur == nil {
			r.Answers = map[int64]core.Answer{}
			cur = &r
		}
		if a.QuestionID != 0 {
			if lon != nil && lat != nil {
				a.Point, a.HasPoint = orb.Point{*lon, *lat}, true
			}
			a.Given = true
			cur.Answers[a.QuestionID] = a
		}
	}
	if err := rows.Err(); err != nil {
		return wrapDB("read responses", err)
	}
	if cur != nil {
		return fn(*cur)
	}
	return nil
}

// ChannelCounts counts a consultation's responses per channel.
func (s *Store) ChannelCounts(ctx context.Context, consultationID int64) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT channel, count(*) FROM response WHERE consultation_id = $1 GROUP BY channel`, consultationID)
	if err != nil {
		return nil, wrapDB("count channels", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var ch string
		var n int
		if err := rows.Scan(&ch, &n); err != nil {
			return nil, wrapDB("count channels", err)
		}
		out[ch] = n
	}
	return out, wrapDB("count channels", rows.Err())
}
