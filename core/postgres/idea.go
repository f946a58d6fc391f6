package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"quartier/core"
)

const ideaColumns = `i.id, coalesce(i.project_id, 0), coalesce(pr.title, ''), i.author_id, coalesce(a.display_name, ''),
	i.title, i.body, i.lon, i.lat, i.channel, i.status, i.hidden, i.support_count, i.comment_count,
	i.answer_due_on, i.answer, i.answered_at, i.progress, i.created_at, i.revision, coalesce(i.assigned_to, 0), i.review_due_on,
	coalesce(i.merged_into, 0), i.answer_language, coalesce(i.alternative_to, 0)`

const ideaFrom = ` FROM idea i LEFT JOIN project pr ON pr.id = i.project_id LEFT JOIN participant a ON a.id = i.author_id AND a.deleted_at IS NULL`

// scanIdea reads ideaColumns, then the extra columns a query adds into extra.
func scanIdea(row rowScanner, extra ...any) (core.Idea, error) {
	var i core.Idea
	var lon, lat *float64
	var channel, status string
	var answered, reviewDue *time.Time
	err := row.Scan(append([]any{&i.ID, &i.ProjectID, &i.ProjectTitle, &i.AuthorID, &i.AuthorName, &i.Title, &i.Body, &lon, &lat,
		&channel, &status, &i.Hidden, &i.SupportCount, &i.CommentCount, &i.AnswerDueOn, &i.Answer, &answered,
		&i.Progress, &i.CreatedAt, &i.Revision, &i.AssignedTo, &reviewDue, &i.MergedInto, &i.AnswerLanguage, &i.AlternativeTo}, extra...)...)
	if err != nil {
		return core.Idea{}, err
	}
	i.Channel, i.Status = core.Channel(channel), core.IdeaStatus(status)
	if lon != nil {
		i.Point, i.HasPoint = orb.Point{*lon, *lat}, true
	}
	if answered != nil {
		i.AnsweredAt = *answered
	}
	if reviewDue != nil {
		i.ReviewDueOn = *reviewDue
	}
	return i, nil
}

// CreateIdea stores a new idea with its first timeline step, counts it on its
// project and sets the date by which it must be answered. An alternative
// (core.IdeaInput.AlternativeTo) joins the project of the idea it answers,
// which must be visible; proposed to a merged idea, it is linked to the idea
// that carries it on.
func (s *Store) CreateIdea(ctx context.Context, authorID int64, in core.IdeaInput, answerDays int) (int64, error) {
	return s.CreateIdeaNotifying(ctx, authorID, in, answerDays, nil)
}

// CreateIdeaNotifying is CreateIdea that also queues notify's mail (nil:
// none), in the same transaction, to the author of the idea an alternative
// is proposed to; see queueAlternativeNotice for when.
func (s *Store) CreateIdeaNotifying(ctx context.Context, authorID int64, in core.IdeaInput, answerDays int,
	notify func(AlternativeNotice) core.Mail) (int64, error) {
	var id int64
	err := s.inTx(ctx, "create idea", func(tx pgx.Tx) error {
		var err error
		if id, err = s.insertIdea(ctx, tx, authorID, in, answerDays); err != nil || in.AlternativeTo == 0 || notify == nil {
			return err
		}
		return queueAlternativeNotice(ctx, tx, id, authorID, notify)
	})
	return id, err
}

// insertIdea is CreateIdea inside the caller's transaction.
func (s *Store) insertIdea(ctx context.Context, tx pgx.Tx, authorID int64, in core.IdeaInput, answerDays int) (int64, error) {
	var id int64
	now := s.now()
	lon, lat := pointArgs(in.Point, in.HasPoint)
	var project, address, alternative *int64
	if in.AlternativeTo > 0 {
		other, projectID, err := alternativeTarget(ctx, tx, in.AlternativeTo)
		if err != nil {
			return 0, err
		}
		alternative, in.ProjectID = &other, projectID
	}
	if in.ProjectID > 0 {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM project WHERE id = $1 FOR UPDATE`, in.ProjectID).Scan(&status); err != nil {
			return 0, notFoundOr(err, "error.project_not_found", "lock project")
		}
		if status != string(core.ProjectPublished) {
			return 0, core.Conflict("error.project_closed")
		}
		project = &in.ProjectID
	}
	if in.AddressID > 0 {
		address = &in.AddressID
	}
	due := now.AddDate(0, 0, answerDays)
	err := tx.QueryRow(ctx, `INSERT INTO idea (project_id, author_id, title, body, lon, lat, address_id, channel, answer_due_on, created_at, updated_at, alternative_to)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id`,
		project, authorID, in.Title, in.Body, lon, lat, address, in.Channel, due, now, alternative).Scan(&id)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO idea_step (idea_id, status, actor_id, created_at) VALUES ($1, 'submitted', $2, $3)`, id, authorID, now); err != nil {
		return 0, err
	}
	if project != nil {
		if _, err := tx.Exec(ctx, `UPDATE project SET idea_count = idea_count + 1 WHERE id = $1`, *project); err != nil {
			return 0, err
		}
	}
	ev := eventAt(now, core.EventCreated, core.EntityIdea, id, 1, authorID)
	ev.Data = map[string]any{"channel": string(in.Channel)}
	if alternative != nil {
		ev.Data["alternative_to"] = *alternative
	}
	return id, appendEvent(ctx, tx, ev)
}

// alternativeTarget returns the idea an alternative to idea id is linked to
// (id itself, or for a merged idea the one that carries it on) and its
// project (0: none). A hidden or unknown idea is not found.
func alternativeTarget(ctx context.Context, tx pgx.Tx, id int64) (target, projectID int64, err error) {
	err = tx.QueryRow(ctx, `SELECT t.id, coalesce(t.project_id, 0) FROM idea o JOIN idea t ON t.id = coalesce(o.merged_into, o.id)
		WHERE o.id = $1 AND NOT o.hidden AND NOT t.hidden`, id).Scan(&target, &projectID)
	return target, projectID, notFoundOr(err, "error.idea_not_found", "read idea an alternative answers")
}

// EditIdea changes the title and text of authorID's idea while it is still
// core.Idea.EditableByAuthor, checked in the UPDATE itself so that a support
// arriving meanwhile wins: then it is refused with a conflict. Someone else's
// idea is forbidden. One transaction with the change-log row.
func (s *Store) EditIdea(ctx context.Context, authorID, ideaID int64, title, body string) error {
	return s.inTx(ctx, "edit idea", func(tx pgx.Tx) error {
		var rev int
		err := tx.QueryRow(ctx, `UPDATE idea i SET title = $3, body = $4, updated_at = $5, revision = revision + 1
			WHERE i.id = $1 AND `+editableByAuthor+` RETURNING revision`, ideaID, authorID, title, body, s.now()).Scan(&rev)
		if errors.Is(err, pgx.ErrNoRows) {
			return notEditable(ctx, tx, ideaID, authorID)
		}
		if err != nil {
			return err
		}
		ev := eventAt(s.now(), core.EventUpdated, core.EntityIdea, ideaID, rev, authorID)
		ev.Data = map[string]any{"edited": true}
		return appendEvent(ctx, tx, ev)
	})
}

// editableByAuthor is the condition (on idea i) under which its author may
// still change it: core.Idea.EditableByAuthor, checked in the statement that
// changes it, so that a support arriving first wins.
const editableByAuthor = `i.author_id = $2 AND i.status = 'submitted' AND NOT i.hidden AND i.support_count = 0 AND i.comment_count = 0`

// notEditable says why the author's change to an idea matched no row: no such
// idea, not theirs, or no longer editable.
func notEditable(ctx context.Context, tx pgx.Tx, ideaID, authorID int64) error {
	var author int64
	if err := tx.QueryRow(ctx, `SELECT author_id FROM idea WHERE id = $1`, ideaID).Scan(&author); err != nil {
		return notFoundOr(err, "error.idea_not_found", "read idea author")
	}
	if author != authorID {
		return core.Forbidden("error.idea_not_yours")
	}
	return core.Conflict("error.idea_not_editable")
}

// Idea returns one idea (hidden ones too: callers decide who may see them),
// with the address its author gave, if any, or else the address nearest to
// its point (see nearestAddressJoin).
func (s *Store) Idea(ctx context.Context, id int64) (core.Idea, error) {
	i, err := scanIdeaWithPlace(s.pool.QueryRow(ctx, `SELECT `+ideaColumns+ideaPlaceColumns+ideaFrom+ideaPlaceJoins("$2")+` WHERE i.id = $1`,
		id, core.NearAddressWithin))
	if err != nil {
		return core.Idea{}, notFoundOr(err, "error.idea_not_found", "read idea")
	}
	return i, nil
}

// ideaPlaceColumns follow ideaColumns to read the address an idea was given
// and the one nearest to its point (ideaPlaceJoins); scanIdeaWithPlace reads
// them into Idea.Address and Idea.NearAddress.
const ideaPlaceColumns = `, ad.street, coalesce(ad.number, ''), coalesce(ad.postcode, ''), coalesce(ad.locality, ''),
	near.street, coalesce(near.number, ''), coalesce(near.postcode, ''), coalesce(near.locality, '')`

// ideaPlaceJoins join, after ideaFrom, what ideaPlaceColumns read; within is
// the placeholder of the nearest address's largest distance in metres
// (core.NearAddressWithin).
func ideaPlaceJoins(within string) string {
	return ` LEFT JOIN address ad ON ad.id = i.address_id` + nearestAddressJoin(within)
}

// scanIdeaWithPlace reads ideaColumns and ideaPlaceColumns.
func scanIdeaWithPlace(row rowScanner) (core.Idea, error) {
	var given, near core.Address
	var givenStreet, nearStreet *string
	i, err := scanIdea(row, &givenStreet, &given.Number, &given.Postcode, &given.Locality, &nearStreet, &near.Number, &near.Postcode, &near.Locality)
	i.Address, i.NearAddress = joinedLabel(givenStreet, given), joinedLabel(nearStreet, near)
	return i, err
}

// joinedLabel is the label of an address read through a LEFT JOIN: "" when
// the join found none (its street is NULL).
func joinedLabel(street *string, a core.Address) string {
	if street == nil {
		return ""
	}
	a.Street = *street
	return a.Label()
}

// nearestAddressJoin joins, as "near", the register's address nearest to an
// idea placed on the map without an address, when it lies within the metres
// the placeholder within holds. The GiST index on point(lon, lat) gives the 16
// nearest in degrees (a degree of longitude is shorter than one of latitude
// here); the nearest of them in metres is kept (an equirectangular distance:
// exact enough within a commune).
func nearestAddressJoin(within string) string {
	return ` LEFT JOIN LATERAL (
	SELECT c.* FROM (
		SELECT n.street, n.number, n.postcode, n.locality,
			111320 * sqrt(((n.lon - i.lon) * cos(radians(i.lat)))^2 + (n.lat - i.lat)^2) AS metres
		FROM address n
		WHERE i.address_id IS NULL AND i.lon IS NOT NULL AND n.lon IS NOT NULL AND n.retired_at IS NULL
		ORDER BY point(n.lon, n.lat) <-> point(i.lon, i.lat) LIMIT 16) c
	WHERE c.metres <= ` + within + ` ORDER BY c.metres LIMIT 1) near ON true`
}

// IdeaFilter narrows and orders the idea list.
type IdeaFilter struct {
	ProjectID int64 // 0: all; -1: spontaneous only
	Status    core.IdeaStatus
	Search    string // words the idea's title or text must all contain (see SearchTerms)
	// AreaID keeps the ideas placed inside an area (AreaShape, its geometry)
	// and those of projects aimed at it; 0: anywhere.
	AreaID    int64
	AreaShape orb.MultiPolygon
	Top       bool // most supported first (else newest first)
	Limit     int
	Offset    int
}

// Ideas lists one page of visible ideas. The statement is built for the filter
// at hand (no "$1 = 0 OR ..." that would hide the indexes from the planner), so
// the top or newest ideas come from an index in a few milliseconds whatever
// the number of ideas.
func (s *Store) Ideas(ctx context.Context, f IdeaFilter) ([]core.Idea, error) {
	where, args := ideaWhere(f)
	order := `i.id DESC`
	if f.Top {
		order = `i.support_count DESC, i.id DESC`
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := s.pool.Query(ctx, `SELECT `+ideaColumns+ideaFrom+` WHERE `+where+
		` ORDER BY `+order+fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, wrapDB("list ideas", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Idea, error) { return scanIdea(row) })
	return list, wrapDB("scan ideas", err)
}

// CountIdeas counts the visible ideas a filter selects (for paging).
func (s *Store) CountIdeas(ctx context.Context, f IdeaFilter) (int, error) {
	where, args := ideaWhere(f)
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM idea i WHERE `+where, args...).Scan(&n)
	return n, wrapDB("count ideas", err)
}

func ideaWhere(f IdeaFilter) (string, []any) {
	conds := []string{"NOT i.hidden"}
	var args []any
	switch {
	case f.ProjectID == -1:
		conds = append(conds, "i.project_id IS NULL")
	case f.ProjectID > 0:
		args = append(args, f.ProjectID)
		conds = append(conds, fmt.Sprintf("i.project_id = $%d", len(args)))
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		conds = append(conds, fmt.Sprintf("i.status = $%d", len(args)))
	}
	if f.AreaID != 0 {
		var inside []string
		for _, poly := range f.AreaShape {
			var rings []string
			for i, ring := range poly {
				args = append(args, pgPolygon(ring))
				test := fmt.Sprintf("point(i.lon, i.lat) <@ $%d::polygon", len(args))
				if i > 0 { // a hole
					test = "NOT " + test
				}
				rings = append(rings, test)
			}
			inside = append(inside, "("+strings.Join(rings, " AND ")+")")
		}
		if len(inside) == 0 {
			inside = []string{"false"}
		}
		args = append(args, f.AreaID)
		// The point test reads idea_position_idx (GiST on point(lon, lat)),
		// which answers "<@ polygon" by bounding boxes, then rechecks exactly;
		// the projects come as an array (an init plan), so that the planner
		// can OR both indexes (with "IN (SELECT …)" it tested the polygon on
		// every idea: 36 ms instead of 1.8 for a count among 100,000).
		conds = append(conds, fmt.Sprintf("((i.lon IS NOT NULL AND NOT i.hidden AND (%s)) OR i.project_id = ANY(ARRAY(SELECT id FROM project WHERE $%d = ANY(area_ids))))",
			strings.Join(inside, " OR "), len(args)))
	}
	if words, wordArgs := searchCondition(f.Search, len(args)); words != "" {
		conds = append(conds, "i.id IN "+words)
		args = append(args, wordArgs...)
	}
	return strings.Join(conds, " AND "), args
}

// searchCondition is the ideas whose words hold every term of q, as a
// subquery on idea_search ("(SELECT idea_id …)") whose parameters are
// numbered after the first `after`; "" when q has no term.
func searchCondition(q string, after int) (string, []any) {
	var likes []string
	var args []any
	for _, term := range SearchTerms(q) {
		// Each word reads idea_search_text_idx; a term holds only letters and
		// digits, never a LIKE wildcard.
		args = append(args, "%"+term+"%")
		likes = append(likes, fmt.Sprintf("text_folded LIKE quartier_fold($%d)", after+len(args)))
	}
	if len(likes) == 0 {
		return "", nil
	}
	return "(SELECT idea_id FROM idea_search WHERE " + strings.Join(likes, " AND ") + ")", args
}

// pgPolygon writes a ring as a PostgreSQL polygon: "((x1,y1),(x2,y2),…)".
func pgPolygon(ring orb.Ring) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, p := range ring {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(" + strconv.FormatFloat(p[0], 'f', -1, 64) + "," + strconv.FormatFloat(p[1], 'f', -1, 64) + ")")
	}
	b.WriteByte(')')
	return b.String()
}

// IdeaPin is an idea on the map.
type IdeaPin struct {
	ID           int64
	Title        string
	Status       core.IdeaStatus
	SupportCount int
	Point        orb.Point
}

// IdeasIn returns visible ideas with a position inside the box (at most limit),
// most supported first; the GiST index on positions serves the box.
func (s *Store) IdeasIn(ctx context.Context, b orb.Bound, limit int) ([]IdeaPin, error) {
	return s.IdeasInMatching(ctx, b, IdeaFilter{}, limit)
}

// IdeasInMatching is IdeasIn keeping only the ideas of f.Status (when set)
// whose words match f.Search (see SearchTerms); f's other fields are ignored.
func (s *Store) IdeasInMatching(ctx context.Context, b orb.Bound, f IdeaFilter, limit int) ([]IdeaPin, error) {
	args := []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1], limit}
	where := ""
	if f.Status != "" {
		args = append(args, string(f.Status))
		where += fmt.Sprintf(" AND status = $%d", len(args))
	}
	if words, wordArgs := searchCondition(f.Search, len(args)); words != "" {
		where += " AND id IN " + words
		args = append(args, wordArgs...)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, title, status, support_count, lon, lat FROM idea
		WHERE lon IS NOT NULL AND NOT hidden AND point(lon, lat) <@ box(point($1, $2), point($3, $4))`+where+`
		ORDER BY support_count DESC, id DESC LIMIT $5`, args...)
	if err != nil {
		return nil, wrapDB("ideas in box", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (IdeaPin, error) {
		var p IdeaPin
		var status string
		err := row.Scan(&p.ID, &p.Title, &status, &p.SupportCount, &p.Point[0], &p.Point[1])
		p.Status = core.IdeaStatus(status)
		return p, err
	})
	return out, wrapDB("scan pins", err)
}

// SupportResult says what a support (or a withdrawal) did.
type SupportResult struct {
	Changed       bool // false: it was already so (a double click)
	SupportCount  int
	ReachedReview bool // this support sent the idea to feasibility review
}

// Support records one person's support for an open, visible idea; a second
// support by the same person changes nothing (the primary key refuses it). When
// the count reaches the threshold the idea enters feasibility review, with a
// review date. Support row, counter, review step and change-log row are written
// in one transaction; supports arriving together share one statement and one
// commit (support_batch.go), and Support returns after that commit. Inside a
// context that carries a transaction, the support joins it instead.
func (s *Store) Support(ctx context.Context, ideaID, participantID int64, channel core.Channel, f core.FollowUp) (SupportResult, error) {
	r := &supportRequest{ideaID: ideaID, participantID: participantID, channel: channel, at: s.now(), follow: f}
	var out supportOutcome
	var err error
	if _, ok := AmbientTx(ctx); ok {
		out, err = s.writeSupport(ctx, s.db(ctx), r)
	} else if out, err = s.supports.submit(ctx, r); err == nil && out.err != nil {
		out, err = s.writeSupport(ctx, s.pool, r) // its batch failed: alone, another support's fault is not its own
	}
	switch {
	case err != nil:
		return SupportResult{}, wrapDB("support", err)
	case !out.written:
		return s.explainNoSupport(ctx, ideaID, participantID)
	}
	return SupportResult{Changed: true, SupportCount: out.count,
		ReachedReview: out.status == string(core.IdeaInReview) && out.count == f.SupportThreshold}, nil
}

// writeSupport writes one support by one statement of its own (one round trip,
// one transaction unless db is one): the support row, the counter, the review
// step and the change-log row. A support that changed nothing (already given,
// or the idea closed, hidden or missing) is not written, without an error.
func (s *Store) writeSupport(ctx context.Context, db dbtx, r *supportRequest) (supportOutcome, error) {
	out := supportOutcome{written: true}
	err := db.QueryRow(ctx, `WITH ins AS (
			INSERT INTO support (idea_id, participant_id, channel, created_at)
			SELECT id, $2, $3, $4 FROM idea WHERE id = $1 AND NOT hidden AND status IN ('submitted', 'in_review')
			ON CONFLICT DO NOTHING RETURNING idea_id),
		upd AS (
			UPDATE idea SET support_count = support_count + 1,
				status = CASE WHEN status = 'submitted' AND support_count + 1 >= $5 THEN 'in_review' ELSE status END,
				review_due_on = CASE WHEN status = 'submitted' AND support_count + 1 >= $5 THEN $6::date ELSE review_due_on END,
				revision = revision + 1
			WHERE id = (SELECT idea_id FROM ins) RETURNING support_count, status, revision),
		step AS (
			INSERT INTO idea_step (idea_id, status, created_at)
			SELECT $1, 'in_review', $4 FROM upd WHERE upd.status = 'in_review' AND upd.support_count = $5),
		-- the change-log row, as appendEvent writes it
		ev AS (
			INSERT INTO event (kind, entity, entity_id, revision, actor_id, occurred_at, data)
			SELECT $7, $8, $1, upd.revision, $2, $4, jsonb_build_object('channel', $3::text, 'count', upd.support_count) FROM upd)
		SELECT support_count, status FROM upd`,
		r.ideaID, r.participantID, r.channel, r.at, r.follow.SupportThreshold, r.at.AddDate(0, 0, r.follow.ReviewDays),
		core.EventCreated, core.EntitySupport).Scan(&out.count, &out.status)
	if err == pgx.ErrNoRows {
		return supportOutcome{}, nil
	}
	if err != nil {
		return supportOutcome{}, err
	}
	return out, nil
}

// explainNoSupport tells a repeated support (nothing to do) from a refused one,
// in one statement.
func (s *Store) explainNoSupport(ctx context.Context, ideaID, participantID int64) (SupportResult, error) {
	var res SupportResult
	var status string
	var hidden, supported bool
	err := s.db(ctx).QueryRow(ctx, `SELECT status, hidden, support_count,
		EXISTS (SELECT 1 FROM support WHERE idea_id = $1 AND participant_id = $2) FROM idea WHERE id = $1`,
		ideaID, participantID).Scan(&status, &hidden, &res.SupportCount, &supported)
	switch {
	case err != nil:
		return res, notFoundOr(err, "error.idea_not_found", "read idea")
	case hidden:
		return res, core.NotFound("error.idea_not_found")
	case supported:
		return res, nil
	default:
		return res, core.Conflict("error.support_closed")
	}
}

// Withdraw removes a participant's support while the idea is open.
func (s *Store) Withdraw(ctx context.Context, ideaID, participantID int64) (SupportResult, error) {
	var res SupportResult
	err := s.inTx(ctx, "withdraw support", func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status, support_count FROM idea WHERE id = $1 FOR UPDATE`, ideaID).Scan(&status, &res.SupportCount); err != nil {
			return notFoundOr(err, "error.idea_not_found", "lock idea")
		}
		if !core.IdeaStatus(status).OpenForSupport() {
			return core.Conflict("error.support_closed")
		}
		tag, err := tx.Exec(ctx, `DELETE FROM support WHERE idea_id = $1 AND participant_id = $2`, ideaID, participantID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		var rev int
		if err := tx.QueryRow(ctx, `UPDATE idea SET support_count = support_count - 1, revision = revision + 1 WHERE id = $1
			RETURNING support_count, revision`, ideaID).Scan(&res.SupportCount, &rev); err != nil {
			return err
		}
		res.Changed = true
		return appendEvent(ctx, tx, eventAt(s.now(), core.EventDeleted, core.EntitySupport, ideaID, rev, participantID))
	})
	return res, err
}

// Supports reports whether a participant supports an idea.
func (s *Store) Supports(ctx context.Context, ideaID, participantID int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM support WHERE idea_id = $1 AND participant_id = $2)`, ideaID, participantID).Scan(&ok)
	return ok, wrapDB("read support", err)
}

// IdeaSteps returns an idea's public timeline, oldest first.
func (s *Store) IdeaSteps(ctx context.Context, ideaID int64) ([]core.IdeaStep, error) {
	rows, err := s.pool.Query(ctx, `SELECT status, note, created_at FROM idea_step WHERE idea_id = $1 ORDER BY id`, ideaID)
	if err != nil {
		return nil, wrapDB("read timeline", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.IdeaStep, error) {
		var st core.IdeaStep
		var status string
		err := row.Scan(&status, &st.Note, &st.CreatedAt)
		st.Status = core.IdeaStatus(status)
		return st, err
	})
	return out, wrapDB("scan timeline", err)
}

// AddComment stores a comment (a reply when parentID is set) and counts it,
// telling nobody by mail.
func (s *Store) AddComment(ctx context.Context, ideaID, parentID, authorID int64, body string, channel core.Channel) (int64, error) {
	return s.AddCommentNotifying(ctx, ideaID, parentID, authorID, body, channel, nil)
}

// AddCommentNotifying is AddComment that also queues notify's mail (nil:
// none), in the same transaction, to the idea's author and (for a reply) the
// parent comment's author; see queueCommentNotices for who and how often.
func (s *Store) AddCommentNotifying(ctx context.Context, ideaID, parentID, authorID int64, body string, channel core.Channel,
	notify func(CommentNotice) core.Mail) (int64, error) {
	var id int64
	err := s.inTx(ctx, "add comment", func(tx pgx.Tx) error {
		now := s.now()
		var hidden bool
		if err := tx.QueryRow(ctx, `SELECT hidden FROM idea WHERE id = $1`, ideaID).Scan(&hidden); err != nil || hidden {
			if err == nil {
				err = pgx.ErrNoRows
			}
			return notFoundOr(err, "error.idea_not_found", "read idea")
		}
		var parent *int64
		if parentID > 0 {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM comment WHERE id = $1 AND idea_id = $2 AND withdrawn_at IS NULL)`,
				parentID, ideaID).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return core.NotFound("error.comment_not_found")
			}
			parent = &parentID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO comment (idea_id, parent_id, author_id, body, channel, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, ideaID, parent, authorID, body, channel, now).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE idea SET comment_count = comment_count + 1 WHERE id = $1`, ideaID); err != nil {
			return err
		}
		if notify != nil {
			if err := queueCommentNotices(ctx, tx, now, ideaID, parentID, authorID, id, body, notify); err != nil {
				return err
			}
		}
		ev := eventAt(now, core.EventCreated, core.EntityComment, id, 1, authorID)
		ev.Data = map[string]any{"idea_id": ideaID, "channel": string(channel)}
		return appendEvent(ctx, tx, ev)
	})
	return id, err
}

// Comments returns an idea's visible comments as a tree, oldest first.
func (s *Store) Comments(ctx context.Context, ideaID int64) ([]*core.Comment, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.idea_id, coalesce(c.parent_id, 0), c.author_id, coalesce(a.display_name, ''),
		c.body, c.channel, c.created_at, c.withdrawn_at IS NOT NULL, c.edited_at IS NOT NULL
		FROM comment c LEFT JOIN participant a ON a.id = c.author_id AND a.deleted_at IS NULL
		WHERE c.idea_id = $1 AND NOT c.hidden ORDER BY c.id`, ideaID)
	if err != nil {
		return nil, wrapDB("read comments", err)
	}
	all, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*core.Comment, error) {
		c := &core.Comment{}
		var channel string
		err := row.Scan(&c.ID, &c.IdeaID, &c.ParentID, &c.AuthorID, &c.AuthorName, &c.Body, &channel, &c.CreatedAt, &c.Withdrawn, &c.Edited)
		c.Channel = core.Channel(channel)
		return c, err
	})
	if err != nil {
		return nil, wrapDB("scan comments", err)
	}
	byID := map[int64]*core.Comment{}
	var roots []*core.Comment
	for _, c := range all {
		byID[c.ID] = c
		if p, ok := byID[c.ParentID]; ok {
			p.Replies = append(p.Replies, c)
		} else {
			roots = append(roots, c)
		}
	}
	return withoutBareWithdrawn(roots), nil
}

// withoutBareWithdrawn drops the withdrawn comments that have no reply left:
// they keep a place in the thread only for their replies.
func withoutBareWithdrawn(list []*core.Comment) []*core.Comment {
	kept := list[:0]
	for _, c := range list {
		c.Replies = withoutBareWithdrawn(c.Replies)
		if !c.Withdrawn || len(c.Replies) > 0 {
			kept = append(kept, c)
		}
	}
	return kept
}

// EditComment replaces the words of authorID's comment while nobody has
// replied to it and it is neither withdrawn nor hidden, checked in the UPDATE
// itself so that a reply arriving first wins (conflict). Someone else's
// comment is forbidden. One transaction with the change-log row.
func (s *Store) EditComment(ctx context.Context, authorID, commentID int64, body string) (ideaID int64, err error) {
	err = s.inTx(ctx, "edit comment", func(tx pgx.Tx) error {
		now := s.now()
		err := tx.QueryRow(ctx, `UPDATE comment c SET body = $3, edited_at = $4, updated_at = $4
			WHERE id = $1 AND author_id = $2 AND withdrawn_at IS NULL AND NOT hidden
			  AND NOT EXISTS (SELECT 1 FROM comment r WHERE r.parent_id = c.id AND r.withdrawn_at IS NULL AND NOT r.hidden)
			RETURNING idea_id`, commentID, authorID, body, now).Scan(&ideaID)
		if err == pgx.ErrNoRows {
			var author int64
			if err := tx.QueryRow(ctx, `SELECT idea_id, author_id FROM comment WHERE id = $1`, commentID).Scan(&ideaID, &author); err != nil {
				return notFoundOr(err, "error.comment_not_found", "read comment author")
			}
			if author != authorID {
				return core.Forbidden("error.comment_not_yours")
			}
			return core.Conflict("error.comment_not_editable")
		}
		if err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(now, core.EventUpdated, core.EntityComment, commentID, 0, authorID))
	})
	return ideaID, err
}

// WithdrawComment takes back authorID's comment: its words go, its replies
// stay (no new one may join them), the idea counts one comment fewer and
// open flags on it are resolved. Someone else's comment is
// forbidden; withdrawing twice changes nothing. One transaction with the
// change-log row.
func (s *Store) WithdrawComment(ctx context.Context, authorID, commentID int64) (ideaID int64, err error) {
	err = s.inTx(ctx, "withdraw comment", func(tx pgx.Tx) error {
		parent, withdrawn, err := withdrawWords(ctx, tx, commentWords, commentID, authorID, s.now())
		if ideaID = parent; err != nil || !withdrawn {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE idea SET comment_count = comment_count - 1 WHERE id = $1`, ideaID)
		return err
	})
	return ideaID, err
}

// words names the table of contributions whose words their authors withdraw
// (comments, arguments) and how to speak of them.
type words struct {
	table, parent, entity string // the table, its parent's column, the change log's entity
	set                   string // more to set when withdrawn
	notFound, notYours    string // error keys
}

var (
	commentWords  = words{table: "comment", parent: "idea_id", entity: core.EntityComment, set: ", updated_at = $2", notFound: "error.comment_not_found", notYours: "error.comment_not_yours"}
	argumentWords = words{table: "argument", parent: "debate_id", entity: core.EntityArgument, notFound: "error.argument_not_found", notYours: "error.argument_not_yours"}
)

// withdrawWords empties the words of authorID's contribution id (its row
// stays for its replies), resolves the open flags on it (words that are gone
// leave the moderators' queue) and writes the change-log row, in tx. It
// returns the row's parent (idea, debate) and whether it was withdrawn now:
// a second time changes nothing. Someone else's is forbidden.
func withdrawWords(ctx context.Context, tx pgx.Tx, w words, id, authorID int64, now time.Time) (parent int64, withdrawn bool, err error) {
	var author int64
	var already bool
	if err := tx.QueryRow(ctx, `SELECT `+w.parent+`, author_id, withdrawn_at IS NOT NULL FROM `+w.table+` WHERE id = $1 FOR UPDATE`, id).
		Scan(&parent, &author, &already); err != nil {
		return 0, false, notFoundOr(err, w.notFound, "lock "+w.table)
	}
	switch {
	case author != authorID:
		return parent, false, core.Forbidden(w.notYours)
	case already:
		return parent, false, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE `+w.table+` SET body = '', withdrawn_at = $2`+w.set+` WHERE id = $1`, id, now); err != nil {
		return parent, false, err
	}
	if _, err := tx.Exec(ctx, `UPDATE flag SET resolved_at = $3 WHERE entity = $1 AND entity_id = $2 AND resolved_at IS NULL`, w.entity, id, now); err != nil {
		return parent, false, err
	}
	return parent, true, appendEvent(ctx, tx, eventAt(now, core.EventDeleted, w.entity, id, 0, authorID))
}

// SupportGate is what deciding on a support needs to know about an idea.
type SupportGate struct {
	ID      int64
	Status  core.IdeaStatus
	Hidden  bool
	AreaIDs []int64 // the project's target areas; empty when anyone may support
	// ProjectOpen says whether ideas may still be proposed where this one
	// stands: its project is published, or it has none.
	ProjectOpen bool
}

// SupportGate reads an idea's status and its project's target areas in one
// light query (the support path runs it on every click).
func (s *Store) SupportGate(ctx context.Context, ideaID int64) (SupportGate, error) {
	g := SupportGate{ID: ideaID}
	var status string
	err := s.db(ctx).QueryRow(ctx, `SELECT i.status, i.hidden, coalesce(p.area_ids, '{}'), coalesce(p.status = 'published', true) FROM idea i
		LEFT JOIN project p ON p.id = i.project_id WHERE i.id = $1`, ideaID).Scan(&status, &g.Hidden, &g.AreaIDs, &g.ProjectOpen)
	if err != nil {
		return SupportGate{}, notFoundOr(err, "error.idea_not_found", "read idea")
	}
	g.Status = core.IdeaStatus(status)
	return g, nil
}

// LatestAnswers lists the ideas most recently given their official answer
// (visible ones), newest answer first, read from idea_answered_idx.
func (s *Store) LatestAnswers(ctx context.Context, limit int) ([]core.Idea, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ideaColumns+ideaFrom+`
		WHERE i.answered_at IS NOT NULL AND NOT i.hidden ORDER BY i.answered_at DESC, i.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, wrapDB("latest answers", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Idea, error) { return scanIdea(row) })
	return out, wrapDB("scan latest answers", err)
}
