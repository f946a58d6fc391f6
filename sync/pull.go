package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"quartier/core"
	"quartier/core/postgres"
)

// maxPages bounds one pull run; the next run continues from the cursor.
const maxPages = 50

type pullArgs struct {
	Connector string `json:"connector"`
	// Asked marks a pull asked for by staff. It is unique among such pulls
	// only, so that a scheduled pull already running (which may have fetched
	// before what staff wait for) or waiting to retry does not swallow it.
	Asked bool `json:"asked,omitempty"`
	// After is the asked pull that was fetching (the first running) when this
	// one was asked, if any. Uniqueness then holds among asked pulls that
	// wait, not against the running one, which may have fetched before what
	// staff clicked for.
	After int64 `json:"after,omitempty"`
}

func (pullArgs) Kind() string { return "pull" }

type pullWorker struct {
	river.WorkerDefaults[pullArgs]
	e *Engine
}

func (w *pullWorker) Timeout(*river.Job[pullArgs]) time.Duration { return 10 * time.Minute }

func (w *pullWorker) Work(ctx context.Context, job *river.Job[pullArgs]) error {
	_, err := w.e.Pull(ctx, job.Args.Connector)
	return remoteOutcome(err)
}

// PullReport says what a pull brought in.
type PullReport struct {
	Pages                                  int
	Imported, Duplicates, Ignored, Refused int
}

// Pull fetches what changed on the connector's remote since its cursor and
// imports it, page by page; the cursor moves only after a page is imported,
// so a crash repeats a page, which imports nothing twice. Pulls of one
// connector take turns in this process: a pull asked for while another runs
// starts when it ends, from the cursor it left.
func (e *Engine) Pull(ctx context.Context, connector string) (PullReport, error) {
	var rep PullReport
	c, ok := e.connector(connector)
	if !ok {
		return rep, fmt.Errorf("no connector %q", connector)
	}
	turn := e.pulling[connector]
	select {
	case turn <- struct{}{}:
		defer func() { <-turn }()
	case <-ctx.Done():
		return rep, fmt.Errorf("pull %s: waiting for the running pull: %w", connector, ctx.Err())
	}
	cursor, err := e.store.PullCursor(ctx, connector)
	if err != nil {
		return rep, err
	}
	threads, err := e.store.RemoteThreads(ctx, connector)
	if err != nil {
		return rep, err
	}
	ids := make([]string, 0, len(threads))
	for id := range threads {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if err := e.importParked(ctx, c, threads, ids, &rep); err != nil {
		return rep, err
	}
	if err := e.store.ForgetParkedImports(ctx, connector, e.now().Add(-parkedKeep)); err != nil {
		return rep, err
	}
	// The next page is fetched while this one is imported.
	fetch := func(cursor string) <-chan pulledPage {
		page := make(chan pulledPage, 1)
		go func() {
			call, cancel := context.WithTimeout(ctx, remoteTimeout)
			defer cancel()
			b, err := c.Pull(call, cursor, ids)
			page <- pulledPage{b, err}
		}()
		return page
	}
	next := fetch(cursor)
	for rep.Pages < maxPages {
		got := <-next
		if got.err != nil {
			return rep, got.err
		}
		batch := got.batch
		rep.Pages++
		if batch.More && rep.Pages < maxPages {
			next = fetch(batch.Cursor)
		}
		if aboutUnknownThreads(batch, threads) {
			// A post recorded since the pull began (a batch records its posts
			// after its last call): read the records again rather than ignore
			// what members said about it.
			if threads, err = e.store.RemoteThreads(ctx, connector); err != nil {
				return rep, err
			}
		}
		if err := e.importBatch(ctx, c, threads, batch, &rep); err != nil {
			return rep, err
		}
		if err := e.store.SaveCounts(ctx, connector, batch.Counts); err != nil {
			return rep, err
		}
		cursor = batch.Cursor
		if err := e.store.SavePullCursor(ctx, connector, cursor); err != nil {
			return rep, err
		}
		if !batch.More {
			break
		}
	}
	e.log.Info("pull done", "connector", connector, "pages", rep.Pages, "imported", rep.Imported, "duplicates", rep.Duplicates, "refused", rep.Refused)
	return rep, nil
}

// aboutUnknownThreads says whether a page holds comments or reactions on
// posts that threads does not know.
func aboutUnknownThreads(b core.PullBatch, threads map[string]postgres.RemoteRef) bool {
	for _, cm := range b.Comments {
		if _, ok := threads[cm.ThreadID]; !ok {
			return true
		}
	}
	for _, r := range b.Reactions {
		if _, ok := threads[r.ThreadID]; !ok {
			return true
		}
	}
	return false
}

// pulledPage is a page of the remote's activity, or why it did not come.
type pulledPage struct {
	batch core.PullBatch
	err   error
}

func (rep *PullReport) add(p PullReport) {
	rep.Imported, rep.Duplicates = rep.Imported+p.Imported, rep.Duplicates+p.Duplicates
	rep.Ignored, rep.Refused = rep.Ignored+p.Ignored, rep.Refused+p.Refused
}

func (rep *PullReport) count(o postgres.ImportOutcome) {
	switch o {
	case postgres.Imported:
		rep.Imported++
	case postgres.ImportedBefore:
		rep.Duplicates++
	case postgres.ImportIgnored:
		rep.Ignored++
	default:
		rep.Refused++
	}
}

// importBatch imports a page: comments, reactions and ideas, each once, in one
// transaction (each item in a savepoint of it).
func (e *Engine) importBatch(ctx context.Context, c Connector, threads map[string]postgres.RemoteRef, b core.PullBatch, rep *PullReport) error {
	var page PullReport
	err := e.store.InTransaction(ctx, func(ctx context.Context) error {
		return e.importPage(ctx, c, threads, b, &page)
	})
	if err == nil {
		rep.add(page)
	}
	return err
}

// parkedKeep is how long comments and reactions on a post the platform does
// not know wait for it to be recorded: a delivery is retried for days, not
// for a month.
const parkedKeep = 30 * 24 * time.Hour

// importParked imports, in one transaction, the comments and reactions that
// were pulled while their post was unknown and whose post has been recorded
// since: a delivery whose call timed out after the app had created the post
// records it on a later attempt, and what members said in between is not lost.
func (e *Engine) importParked(ctx context.Context, c Connector, threads map[string]postgres.RemoteRef, ids []string, rep *PullReport) error {
	parked, err := e.store.ParkedImports(ctx, c.Name(), ids)
	if err != nil || len(parked) == 0 {
		return err
	}
	var b core.PullBatch
	usable := parked[:0]
	for _, p := range parked {
		var err error
		switch p.Kind {
		case "comment":
			var cm core.RemoteComment
			if err = json.Unmarshal(p.Payload, &cm); err == nil {
				b.Comments = append(b.Comments, cm)
			}
		case "reaction":
			var r core.RemoteReaction
			if err = json.Unmarshal(p.Payload, &r); err == nil {
				b.Reactions = append(b.Reactions, r)
			}
		default: // ParkImport is given comments and reactions only
			err = errors.New("not a comment or a reaction")
		}
		if err != nil { // left aside (and dropped with the old ones): the pull goes on
			e.log.Warn("parked item unreadable", "connector", c.Name(), "kind", p.Kind, "remote_id", p.RemoteID, "err", err)
			continue
		}
		usable = append(usable, p)
	}
	if len(usable) == 0 {
		return nil
	}
	var page PullReport
	err = e.store.InTransaction(ctx, func(ctx context.Context) error {
		if err := e.store.UnparkImports(ctx, c.Name(), usable); err != nil {
			return err
		}
		return e.importPage(ctx, c, threads, b, &page)
	})
	if err == nil {
		e.log.Info("pulled earlier, imported now that their post is recorded", "connector", c.Name(), "items", len(usable), "imported", page.Imported)
		rep.add(page)
	}
	return err
}

func (e *Engine) importPage(ctx context.Context, c Connector, threads map[string]postgres.RemoteRef, b core.PullBatch, rep *PullReport) error {
	name := c.Name()
	// Ideas first: a member's post that becomes an idea is a thread too, and
	// neighbours' reactions and comments on it may be on the same page.
	for _, idea := range b.Ideas {
		o, err := e.store.ImportOnce(ctx, name, "idea", idea.ID, func(ctx context.Context) (string, int64, error) {
			entity, id, err := e.importIdea(ctx, name, idea)
			if err == nil && entity == core.EntityIdea {
				threads[idea.ID] = postgres.RemoteRef{Connector: name, Entity: entity, LocalID: id, RemoteID: idea.ID}
			}
			return entity, id, err
		})
		if err != nil {
			return err
		}
		rep.count(o)
	}
	polls := map[int64]core.Consultation{} // read once per page
	for _, cm := range b.Comments {
		var o postgres.ImportOutcome
		var err error
		if _, known := threads[cm.ThreadID]; !known {
			o, err = e.store.ParkImport(ctx, name, "comment", cm.ID, cm.ThreadID, cm)
		} else {
			o, err = e.store.ImportOnce(ctx, name, "comment", cm.ID, func(ctx context.Context) (string, int64, error) {
				return e.importComment(ctx, name, threads[cm.ThreadID], cm)
			})
		}
		if err != nil {
			return err
		}
		rep.count(o)
	}
	votes := map[int64][]postgres.PollVote{} // poll: its votes in this page, in order
	var pollOrder []int64
	for _, r := range b.Reactions {
		thread, known := threads[r.ThreadID]
		if !known {
			o, err := e.store.ParkImport(ctx, name, "reaction", r.ID, r.ThreadID, r)
			if err != nil {
				return err
			}
			rep.count(o)
			continue
		}
		if thread.Entity == core.EntityConsultation {
			v, err := e.pollVote(ctx, name, thread.LocalID, r, polls)
			if err != nil {
				return err
			}
			if _, seen := votes[thread.LocalID]; !seen {
				pollOrder = append(pollOrder, thread.LocalID)
			}
			votes[thread.LocalID] = append(votes[thread.LocalID], v)
			continue
		}
		o, err := e.store.ImportOnce(ctx, name, "reaction", r.ID, func(ctx context.Context) (string, int64, error) {
			return e.importReaction(ctx, name, threads[r.ThreadID], r)
		})
		if err != nil {
			return err
		}
		rep.count(o)
	}
	for _, id := range pollOrder {
		got, err := e.store.ImportPollVotes(ctx, name, polls[id], votes[id])
		if err != nil {
			return err
		}
		rep.Imported, rep.Duplicates, rep.Refused = rep.Imported+got.Imported, rep.Duplicates+got.Duplicates, rep.Refused+got.Rejected
	}
	for _, m := range b.Malformed {
		o, err := e.store.ImportOnce(ctx, name, m.Kind, m.ID, func(context.Context) (string, int64, error) {
			return "", 0, core.Invalid("payload", "error.remote_malformed")
		})
		if err != nil {
			return err
		}
		rep.count(o)
	}
	return nil
}

// plainText makes what a member typed safe and plain: markup becomes its
// text, and NUL characters (which JSON carries and PostgreSQL cannot store)
// go.
func plainText(s string) string {
	s = strings.ReplaceAll(s, "\x00", "")
	if strings.ContainsAny(s, "<>&") {
		return core.HTMLText(core.SanitizeHTML(s))
	}
	return s
}

// importComment: a comment on an idea's thread (the member's post that became
// the idea, or the commune's answer to it) becomes a comment on the idea;
// comments on other posts have no place in Quartier.
func (e *Engine) importComment(ctx context.Context, connector string, thread postgres.RemoteRef, cm core.RemoteComment) (string, int64, error) {
	if thread.Entity != core.EntityIdea {
		return "", 0, nil
	}
	body, err := core.NormalizeComment(plainText(cm.Body))
	if err != nil {
		return "", 0, err
	}
	who, err := e.store.MemberParticipant(ctx, connector, cm.Member)
	if err != nil {
		return "", 0, err
	}
	id, err := e.store.AddCommentNotifying(ctx, thread.LocalID, 0, who, body, core.ChannelNeighbourhoodApp, e.opts.CommentNotice)
	return core.EntityComment, id, err
}

// importReaction: "up" on an idea's thread (the member's post that became the
// idea, or the commune's answer to it) supports the idea while it is open, if
// the member's neighbourhood lies in the project's areas. (Votes on polls are
// imported a page at a time: pollVote.)
func (e *Engine) importReaction(ctx context.Context, connector string, thread postgres.RemoteRef, r core.RemoteReaction) (string, int64, error) {
	if thread.Entity != core.EntityIdea || r.Kind != "up" && r.Kind != "like" {
		return "", 0, nil
	}
	gate, err := e.store.SupportGate(ctx, thread.LocalID)
	if err != nil {
		return "", 0, err
	}
	if len(gate.AreaIDs) > 0 { // a project aimed at areas: its residents only
		matches, err := e.match(ctx, connector, audience{areaIDs: gate.AreaIDs})
		if err != nil {
			return "", 0, err
		}
		if !slices.ContainsFunc(matches, func(m AreaMatch) bool { return m.ID == r.Member.NeighbourhoodID }) {
			return "", 0, core.Forbidden("support.outside")
		}
	}
	who, err := e.store.MemberParticipant(ctx, connector, r.Member)
	if err != nil {
		return "", 0, err
	}
	res, err := e.store.Support(ctx, thread.LocalID, who, core.ChannelNeighbourhoodApp, e.opts.FollowUp)
	if err == nil && !res.Changed {
		return "", 0, nil
	}
	if err == nil && res.ReachedReview {
		// in the page's transaction: without its follow-up the support is not
		// kept either, and the page is pulled again
		err = e.Enqueue(ctx, core.TaskReviewFollowUp, thread.LocalID)
	}
	return core.EntitySupport, thread.LocalID, err
}

// pollVote reads a reaction on a poll's message as a vote: the answer it
// stands for (yes/no from up/down, a 1-10 score, an option), or why the rules
// refuse it (not an answer to the question, a member whose neighbourhood lies
// outside the target). polls caches the page's consultations.
func (e *Engine) pollVote(ctx context.Context, connector string, pollID int64, r core.RemoteReaction, polls map[int64]core.Consultation) (postgres.PollVote, error) {
	v := postgres.PollVote{RemoteID: r.ID, Member: r.Member}
	refuse := func(key string) (postgres.PollVote, error) { v.Refusal = key; return v, nil }
	k, ok := polls[pollID]
	if !ok {
		var err error
		if k, err = e.store.Consultation(ctx, pollID); core.CodeOf(err) == core.CodeNotFound {
			k = core.Consultation{} // deleted since it was posted: its votes are refused, the pull goes on
		} else if err != nil {
			return v, err
		}
		polls[pollID] = k
	}
	if k.ID == 0 {
		return refuse("error.consultation_not_found")
	}
	if len(k.Questions) != 1 {
		return refuse("error.answer_unknown_question")
	}
	q := k.Questions[0]
	a := core.Answer{QuestionID: q.ID, Given: true}
	switch {
	case q.Kind == core.QYesNo && (r.Kind == "up" || r.Kind == "down"):
		a.Number = map[string]int{"up": core.AnswerYes, "down": core.AnswerNo}[r.Kind]
	case q.Kind == core.QScale && r.Kind == "score":
		a.Number = r.Value
	case r.Kind == "option" && r.LocalOption != 0:
		a.Choices = []int64{r.LocalOption}
	default:
		return refuse("error.answer_unknown_option")
	}
	valid, err := core.ValidateAnswers(k.Questions, map[int64]core.Answer{q.ID: a})
	if err != nil {
		var ce *core.Error
		if errors.As(err, &ce) && ce.Code != core.CodeInternal {
			return refuse(ce.Key)
		}
		return v, err
	}
	if k.TargetID != 0 || k.Eligibility != core.EligibleAnyone {
		matches, err := e.match(ctx, connector, audience{targetID: k.TargetID})
		if err != nil {
			return v, err
		}
		if !slices.ContainsFunc(matches, func(m AreaMatch) bool { return m.ID == r.Member.NeighbourhoodID }) {
			return refuse("consult.block_outside")
		}
	}
	v.Answer = valid[0]
	return v, nil
}

// importIdea: a post a member addressed to the commune becomes a spontaneous
// idea; the official answer goes back to the same thread later.
func (e *Engine) importIdea(ctx context.Context, connector string, ri core.RemoteIdea) (string, int64, error) {
	in, err := core.IdeaInput{Title: plainText(ri.Title), Body: plainText(ri.Body), Point: ri.Point, HasPoint: ri.HasPoint,
		Channel: core.ChannelNeighbourhoodApp}.Normalize()
	if err != nil {
		return "", 0, err
	}
	who, err := e.store.MemberParticipant(ctx, connector, ri.Member)
	if err != nil {
		return "", 0, err
	}
	id, err := e.store.CreateIdea(ctx, who, in, e.opts.FollowUp.AnswerDays)
	return core.EntityIdea, id, err
}

// areasArgs refreshes a connector's areas (neighbourhoods).
type areasArgs struct {
	Connector string `json:"connector"`
}

func (areasArgs) Kind() string { return "areas" }

type areasWorker struct {
	river.WorkerDefaults[areasArgs]
	e *Engine
}

func (w *areasWorker) Work(ctx context.Context, job *river.Job[areasArgs]) error {
	n, err := w.e.RefreshAreas(ctx, job.Args.Connector)
	if err == nil {
		w.e.log.Info("remote areas refreshed", "connector", job.Args.Connector, "areas", n)
	}
	return remoteOutcome(err)
}

// RefreshAreas stores the connector's current areas.
func (e *Engine) RefreshAreas(ctx context.Context, connector string) (int, error) {
	c, ok := e.connector(connector)
	if !ok {
		return 0, fmt.Errorf("no connector %q", connector)
	}
	call, cancel := context.WithTimeout(ctx, 2*remoteTimeout)
	areas, err := c.Areas(call)
	cancel()
	if err != nil || areas == nil {
		return 0, err
	}
	if err := e.store.SaveRemoteAreas(ctx, connector, areas); err != nil {
		return 0, err
	}
	e.matches.forget()
	return len(areas), nil
}
