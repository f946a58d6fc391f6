package postgres

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// Supports are the busiest write of the platform, and most of a support's cost
// in PostgreSQL is the fixed cost of a statement and its commit
// (BenchmarkSupport). Supports that arrive together are therefore written by one
// statement in one transaction, as PostgreSQL's group commit does for commits:
// a support that finds fewer than supportBatchesMax batches running starts one
// at once, with every support waiting (nothing waits for a batch to fill); when
// that many are running it waits and goes with the next batch. Each caller is
// answered after the commit.
//
// One batch at a time did best on two cores shared with PostgreSQL: against
// three side by side it took 3,100-4,800 supports/s under overload instead of
// 2,100-2,600/s, with a lower p99 at 2,000/s (docs/PERFORMANCE.md). With more
// at once (a database with cores of its own), two batches sharing ideas could
// deadlock; PostgreSQL would then fail one, whose supports are written one by
// one.
const (
	supportBatchesMax = 1  // batches running at once, hence pool connections writing supports
	supportBatchMax   = 64 // supports in one batch at most
	// supportWaitingMax bounds the supports waiting for a batch (two full
	// batches); more are refused as busy. The web layer's admission control
	// usually bounds them first (http.max_in_flight).
	supportWaitingMax = 2 * supportBatchMax
)

// supportBatchTimeout bounds one batch (a caller has its own context only while
// its support waits).
const supportBatchTimeout = 30 * time.Second

// supportRequest is one support waiting for a batch.
type supportRequest struct {
	ideaID, participantID int64
	channel               core.Channel
	at                    time.Time
	follow                core.FollowUp
	state                 atomic.Int32 // requestWaiting, then requestTaken by a batch or requestAbandoned by its caller
	done                  chan supportOutcome
}

const (
	requestWaiting int32 = iota
	requestTaken
	requestAbandoned
)

// supportOutcome is a batch's answer to one request.
type supportOutcome struct {
	written bool   // the support row was inserted
	count   int    // the idea's support count after this support (when written)
	status  string // the idea's status after the batch (when written)
	err     error  // the batch failed as a whole: nothing of it was written
}

// supportBatcher gathers waiting supports into batches.
type supportBatcher struct {
	store *Store

	mu      sync.Mutex
	waiting []*supportRequest
	running int  // batch loops running
	closed  bool // no new supports
	loops   sync.WaitGroup

	batches, carried, failed atomic.Int64 // batches run, supports they carried, batches that failed (for /metrics)
}

func newSupportBatcher(s *Store) *supportBatcher { return &supportBatcher{store: s} }

// close waits until the supports already handed over are written; later
// supports get an error.
func (b *supportBatcher) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	b.loops.Wait()
}

var errStoreClosed = errors.New("store closed")

// submit queues r, starts a batch loop when fewer than supportBatchesMax run,
// and waits for the outcome. When supportWaitingMax supports already wait it
// returns core.Busy at once. When ctx ends before a batch took r, r is
// abandoned (never written) and ctx's error returned; once taken, submit waits
// for the commit so that its answer is true.
func (b *supportBatcher) submit(ctx context.Context, r *supportRequest) (supportOutcome, error) {
	r.done = make(chan supportOutcome, 1)
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return supportOutcome{}, errStoreClosed
	}
	if len(b.waiting) >= supportWaitingMax {
		b.mu.Unlock()
		return supportOutcome{}, core.Busy()
	}
	b.waiting = append(b.waiting, r)
	if b.running < supportBatchesMax {
		b.running++
		b.loops.Add(1)
		go b.loop()
	}
	b.mu.Unlock()
	select {
	case out := <-r.done:
		return out, nil
	case <-ctx.Done():
		if r.state.CompareAndSwap(requestWaiting, requestAbandoned) {
			return supportOutcome{}, ctx.Err()
		}
		return <-r.done, nil
	}
}

// loop writes batches of the waiting supports until none is left.
func (b *supportBatcher) loop() {
	defer b.loops.Done()
	for {
		b.mu.Lock()
		var batch []*supportRequest
		batch, b.waiting = takeBatch(b.waiting)
		if len(batch) == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		b.writeBatch(batch)
	}
}

// takeBatch takes from waiting the supports that can share one statement: the
// same follow-up procedure, and one support per person and idea (a double click's
// second support waits for the next batch, where it finds the first). Abandoned
// requests are dropped. The rest is returned for the next batch, in order. A
// batch holds at most supportBatchMax supports.
func takeBatch(waiting []*supportRequest) (batch, rest []*supportRequest) {
	type key struct{ idea, participant int64 }
	seen := make(map[key]bool, len(waiting))
	for _, r := range waiting {
		k := key{r.ideaID, r.participantID}
		if len(batch) == supportBatchMax || seen[k] || (len(batch) > 0 && r.follow != batch[0].follow) {
			rest = append(rest, r)
			continue
		}
		if !r.state.CompareAndSwap(requestWaiting, requestTaken) {
			continue // its caller gave up
		}
		seen[k] = true
		batch = append(batch, r)
	}
	return batch, rest
}

// writeBatch writes the batch in one statement and answers every request.
func (b *supportBatcher) writeBatch(batch []*supportRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), supportBatchTimeout)
	defer cancel()
	outcomes, err := b.store.supportBatch(ctx, batch)
	b.batches.Add(1)
	b.carried.Add(int64(len(batch)))
	if err != nil {
		b.failed.Add(1)
		slog.Warn("support batch failed; its supports are written one by one", "supports", len(batch), "err", err)
	}
	for i, r := range batch {
		if err != nil {
			r.done <- supportOutcome{err: err}
			continue
		}
		r.done <- outcomes[i]
	}
}

// supportBatch is Support's statement for many supports at once: the support
// rows, each idea's counter and revision raised by its new supports, the review
// step of an idea whose count reaches the threshold, and one change-log row per
// support with the revision and count it made, as if written one after the
// other in the batch's order. All requests share one follow-up procedure and no
// (idea, person) pair appears twice. outcomes[i] answers batch[i]. A batch of
// one (every batch at low load) takes the single support's lighter statement.
func (s *Store) supportBatch(ctx context.Context, batch []*supportRequest) ([]supportOutcome, error) {
	if len(batch) == 1 {
		out, err := s.writeSupport(ctx, s.pool, batch[0])
		return []supportOutcome{out}, wrapDB("support", err)
	}
	f := batch[0].follow
	ideas := make([]int64, len(batch))
	people := make([]int64, len(batch))
	channels := make([]string, len(batch))
	times := make([]time.Time, len(batch))
	for i, r := range batch {
		ideas[i], people[i], channels[i], times[i] = r.ideaID, r.participantID, string(r.channel), r.at
	}
	rows, err := s.pool.Query(ctx, `WITH input AS (
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[])
				WITH ORDINALITY AS t(idea_id, participant_id, channel, at, n)),
		ins AS (
			INSERT INTO support (idea_id, participant_id, channel, created_at)
			SELECT t.idea_id, t.participant_id, t.channel, t.at FROM input t JOIN idea i ON i.id = t.idea_id
			WHERE NOT i.hidden AND i.status IN ('submitted', 'in_review') ORDER BY t.n
			ON CONFLICT DO NOTHING RETURNING idea_id, participant_id),
		added AS (
			SELECT t.*, row_number() OVER (PARTITION BY t.idea_id ORDER BY t.n) AS k
			FROM ins JOIN input t USING (idea_id, participant_id)),
		upd AS (
			UPDATE idea SET support_count = support_count + a.m,
				status = CASE WHEN status = 'submitted' AND support_count + a.m >= $5 THEN 'in_review' ELSE status END,
				review_due_on = CASE WHEN status = 'submitted' AND support_count + a.m >= $5 THEN $6::date ELSE review_due_on END,
				revision = revision + a.m
			FROM (SELECT idea_id, count(*)::int AS m FROM ins GROUP BY idea_id) a
			WHERE idea.id = a.idea_id RETURNING idea.id, idea.support_count - a.m AS before, idea.status, idea.revision - a.m AS rev_before),
		made AS (
			SELECT a.n, a.idea_id, a.participant_id, a.channel, a.at, u.before + a.k AS count, u.rev_before + a.k AS revision, u.status
			FROM added a JOIN upd u ON u.id = a.idea_id),
		step AS (
			INSERT INTO idea_step (idea_id, status, created_at)
			SELECT idea_id, 'in_review', at FROM made WHERE status = 'in_review' AND count = $5),
		-- the change-log rows, as appendEvent writes them
		ev AS (
			INSERT INTO event (kind, entity, entity_id, revision, actor_id, occurred_at, data)
			SELECT $7, $8, idea_id, revision, participant_id, at, jsonb_build_object('channel', channel, 'count', count)
			FROM made ORDER BY n)
		SELECT n, count, status FROM made`,
		ideas, people, channels, times, f.SupportThreshold, batch[0].at.AddDate(0, 0, f.ReviewDays),
		core.EventCreated, core.EntitySupport)
	if err != nil {
		return nil, wrapDB("support batch", err)
	}
	outcomes := make([]supportOutcome, len(batch))
	var n int64
	var count int
	var status string
	_, err = pgx.ForEachRow(rows, []any{&n, &count, &status}, func() error {
		outcomes[n-1] = supportOutcome{written: true, count: count, status: status}
		return nil
	})
	if err != nil {
		return nil, wrapDB("support batch", err)
	}
	return outcomes, nil
}
