package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// PollVote is an app member's vote on a one-question poll, as a pull brought
// it: the answer it stands for, or the reason (a message key) the rules refuse
// it.
type PollVote struct {
	RemoteID string
	Member   core.RemoteMember
	Answer   core.Answer
	Refusal  string
}

// PollVoteOutcomes counts what became of a page's votes.
type PollVoteOutcomes struct {
	Imported, Duplicates, Rejected int
}

// ImportPollVotes imports a page of votes on poll k in a few statements, with
// the outcome of importing each through ImportOnce, MemberParticipant and
// SubmitResponse in turn: each remote vote is recorded once (a vote an
// overlapping pull brought again is a duplicate); a refused vote, or any vote
// when the poll is not open, is recorded as rejected with its reason; a new
// member becomes a pseudonymous participant; each member has one response,
// and a later vote replaces the earlier one, its tallies moved; the change log
// gets the participants and the responses. It joins the transaction of ctx
// when there is one.
func (s *Store) ImportPollVotes(ctx context.Context, connector string, k core.Consultation, votes []PollVote) (PollVoteOutcomes, error) {
	var out PollVoteOutcomes
	err := s.inTx(ctx, "import poll votes", func(tx pgx.Tx) error {
		out = PollVoteOutcomes{}
		now := s.now()
		var open bool
		closed := "error.consultation_not_open"
		err := tx.QueryRow(ctx, `SELECT published AND opens_at <= $2 AND closes_at > $2 FROM consultation WHERE id = $1`, k.ID, now).Scan(&open)
		if errors.Is(err, pgx.ErrNoRows) {
			closed = "error.consultation_not_found" // deleted meanwhile: refused, and the pull goes on
		} else if err != nil {
			return err
		}
		// Each vote's outcome were it new; the record of the import is written
		// with it, and only the votes not recorded before come back.
		outcomes := importOutcomes{}
		for _, v := range votes {
			switch {
			case v.Refusal != "":
				outcomes.add(v.RemoteID, ImportRejected, v.Refusal, "", 0)
			case !open:
				outcomes.add(v.RemoteID, ImportRejected, closed, "", 0)
			default:
				outcomes.add(v.RemoteID, Imported, "", core.EntityResponse, k.ID)
			}
		}
		fresh, err := outcomes.record(ctx, tx, connector, "reaction", now)
		if err != nil {
			return err
		}
		// The new votes once each, in order; a member's last accepted vote wins.
		var accepted []PollVote
		last := map[string]int{} // member: index in accepted
		for i, v := range votes {
			if !fresh[v.RemoteID] {
				out.Duplicates++
				continue
			}
			delete(fresh, v.RemoteID)
			if outcomes.outcomes[i] == string(ImportRejected) {
				out.Rejected++
				continue
			}
			out.Imported++
			if at, seen := last[v.Member.ID]; seen {
				accepted[at] = v
				continue
			}
			last[v.Member.ID] = len(accepted)
			accepted = append(accepted, v)
		}
		if len(accepted) == 0 {
			return nil
		}
		return s.writePollResponses(ctx, tx, connector, k, accepted)
	})
	return out, err
}

// writePollResponses gives each vote's member a participant and a response
// holding the vote; members are distinct.
func (s *Store) writePollResponses(ctx context.Context, tx pgx.Tx, connector string, k core.Consultation, votes []PollVote) error {
	if len(k.Questions) != 1 {
		return fmt.Errorf("import poll votes: consultation %d is not a one-question poll", k.ID)
	}
	now := s.now()
	members := make([]core.RemoteMember, len(votes))
	for i, v := range votes {
		members[i] = v.Member
	}
	who, err := s.memberParticipants(ctx, tx, connector, members)
	if err != nil {
		return err
	}
	participants := make([]int64, len(votes))
	for i, v := range votes {
		participants[i] = who[v.Member.ID]
	}
	rows, err := tx.Query(ctx, `INSERT INTO response (consultation_id, participant_id, channel, address_id, created_at, updated_at)
		SELECT $1, p, $3, NULL, $4, $4 FROM unnest($2::bigint[]) AS p
		ON CONFLICT (consultation_id, participant_id) DO UPDATE SET updated_at = EXCLUDED.updated_at, address_id = EXCLUDED.address_id
		RETURNING id, participant_id, xmax = 0`, k.ID, participants, string(core.ChannelNeighbourhoodApp), now)
	if err != nil {
		return err
	}
	responseOf := make(map[int64]int64, len(votes))
	var replaced []int64
	var events []core.Event
	for rows.Next() {
		var id, participant int64
		var created bool
		if err := rows.Scan(&id, &participant, &created); err != nil {
			rows.Close()
			return err
		}
		responseOf[participant] = id
		kind := core.EventCreated
		if !created {
			kind = core.EventUpdated
			replaced = append(replaced, id)
		}
		ev := eventAt(now, kind, core.EntityResponse, id, 1, participant)
		ev.Data = map[string]any{"consultation_id": k.ID, "channel": string(core.ChannelNeighbourhoodApp)}
		events = append(events, ev)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	q := k.Questions[0]
	questions := map[int64]core.Question{q.ID: q}
	deltas := tallyDeltas{}
	if len(replaced) > 0 {
		rows, err := tx.Query(ctx, `SELECT question_id, choices, number, body, lon, lat FROM answer WHERE response_id = ANY($1)`,
			pgx.QueryExecModeExec, replaced) // planned for each page, as in memberParticipants
		if err != nil {
			return err
		}
		old, err := pgx.CollectRows(rows, scanAnswer)
		if err != nil {
			return err
		}
		deltas.add(questions, old, -1)
		if _, err := tx.Exec(ctx, `DELETE FROM answer WHERE response_id = ANY($1)`, replaced); err != nil {
			return err
		}
	}
	responses, choices, numbers := make([]int64, len(votes)), make([]int64, len(votes)), make([]int32, len(votes))
	answers := make([]core.Answer, len(votes))
	for i, v := range votes {
		a := v.Answer
		if a.QuestionID != q.ID || len(a.Choices) > 1 || a.Text != "" || a.HasPoint {
			return fmt.Errorf("import poll votes: vote %s is not a one-choice, number or yes/no answer to question %d", v.RemoteID, q.ID)
		}
		responses[i], numbers[i], answers[i] = responseOf[participants[i]], int32(a.Number), a
		if len(a.Choices) == 1 {
			choices[i] = a.Choices[0]
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO answer (response_id, question_id, choices, number)
		SELECT r, $2, CASE WHEN c = 0 THEN '{}'::bigint[] ELSE ARRAY[c] END, n FROM unnest($1::bigint[], $3::bigint[], $4::int[]) AS x(r, c, n)`,
		responses, q.ID, choices, numbers); err != nil {
		return err
	}
	deltas.add(questions, answers, +1)
	if err := deltas.apply(ctx, tx); err != nil {
		return err
	}
	if created := len(votes) - len(replaced); created > 0 {
		if _, err := tx.Exec(ctx, `UPDATE consultation SET response_count = response_count + $2 WHERE id = $1`, k.ID, created); err != nil {
			return err
		}
	}
	return appendEvents(ctx, tx, events)
}

// memberParticipants returns the participant of each app member (by member
// id), creating pseudonymous participants for members seen for the first
// time and keeping each member's neighbourhood current, as MemberParticipant
// does one by one. Members are distinct.
func (s *Store) memberParticipants(ctx context.Context, tx pgx.Tx, provider string, members []core.RemoteMember) (map[string]int64, error) {
	subjects := make([]string, len(members))
	for i, m := range members {
		subjects[i] = m.ID
	}
	// Planned for each page (QueryExecModeExec: an unnamed statement): a
	// generic plan from a pull's first pages, made when the table was nearly
	// empty, kept a sequential scan until the next ANALYZE (48 ms a page at
	// 100,000 members instead of about 1).
	rows, err := tx.Query(ctx, `SELECT subject, participant_id, area_ref FROM external_identity WHERE provider = $1 AND subject = ANY($2)`,
		pgx.QueryExecModeExec, provider, subjects)
	if err != nil {
		return nil, err
	}
	who := make(map[string]int64, len(members))
	areaOf := make(map[string]string, len(members))
	for rows.Next() {
		var subject, area string
		var id int64
		if err := rows.Scan(&subject, &id, &area); err != nil {
			rows.Close()
			return nil, err
		}
		who[subject], areaOf[subject] = id, area
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var moved, movedTo []string
	for _, m := range members {
		if area, known := areaOf[m.ID]; known && area != m.NeighbourhoodID {
			moved, movedTo = append(moved, m.ID), append(movedTo, m.NeighbourhoodID)
		}
	}
	if len(moved) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE external_identity x SET area_ref = m.a FROM unnest($2::text[], $3::text[]) AS m(s, a)
			WHERE x.provider = $1 AND x.subject = m.s`, provider, moved, movedTo); err != nil {
			return nil, err
		}
	}
	var newcomers []core.RemoteMember
	for _, m := range members {
		if _, ok := who[m.ID]; !ok {
			newcomers = append(newcomers, m)
		}
	}
	if len(newcomers) == 0 {
		return who, nil
	}
	// Ids first, so that each newcomer's row and identity pair up exactly.
	rows, err = tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('participant', 'id')) FROM generate_series(1, $1)`, len(newcomers))
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	if len(ids) != len(newcomers) {
		return nil, errors.New("participant ids: short sequence read")
	}
	now := s.now()
	names, newSubjects, newAreas := make([]string, len(newcomers)), make([]string, len(newcomers)), make([]string, len(newcomers))
	events := make([]core.Event, len(newcomers))
	for i, m := range newcomers {
		names[i], newSubjects[i], newAreas[i] = m.Name, m.ID, m.NeighbourhoodID
		if names[i] == "" {
			names[i] = "—"
		}
		who[m.ID] = ids[i]
		events[i] = eventAt(now, core.EventCreated, core.EntityParticipant, ids[i], 1, 0)
		events[i].Data = map[string]any{"provider": provider}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO participant (id, display_name, role, locale, member, created_at, updated_at)
		SELECT i, n, 'citizen', 'fr', true, $3, $3 FROM unnest($1::bigint[], $2::text[]) AS x(i, n)`, ids, names, now); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO external_identity (provider, subject, participant_id, area_ref, created_at)
		SELECT $1, s, i, a, $5 FROM unnest($2::text[], $3::bigint[], $4::text[]) AS x(s, i, a)`, provider, newSubjects, ids, newAreas, now); err != nil {
		return nil, err
	}
	return who, appendEvents(ctx, tx, events)
}

// importOutcomes are the outcomes of a page's imports, to be recorded at once.
type importOutcomes struct {
	remoteIDs, outcomes, details, entities []string
	localIDs                               []int64
}

func (o *importOutcomes) add(remoteID string, outcome ImportOutcome, detail, entity string, localID int64) {
	o.remoteIDs, o.outcomes, o.details = append(o.remoteIDs, remoteID), append(o.outcomes, string(outcome)), append(o.details, detail)
	o.entities, o.localIDs = append(o.entities, entity), append(o.localIDs, localID)
}

// record writes the records of the imports, and returns the remote ids it
// wrote: an item recorded before (by an earlier pull, or earlier in the same
// page) keeps its first record and is not returned.
func (o *importOutcomes) record(ctx context.Context, tx pgx.Tx, connector, kind string, now time.Time) (map[string]bool, error) {
	rows, err := tx.Query(ctx, `INSERT INTO remote_import (connector, kind, remote_id, outcome, detail, local_entity, local_id, imported_at)
		SELECT $1, $2, r, o, d, e, l, $8 FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) AS x(r, o, d, e, l)
		ON CONFLICT DO NOTHING RETURNING remote_id`, connector, kind, o.remoteIDs, o.outcomes, o.details, o.entities, o.localIDs, now)
	if err != nil {
		return nil, err
	}
	written, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	fresh := make(map[string]bool, len(written))
	for _, id := range written {
		fresh[id] = true
	}
	return fresh, nil
}
