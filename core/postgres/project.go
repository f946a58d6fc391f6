package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"quartier/core"
)

// projectColumns are what scanProject reads, translations included (one
// aggregate per project).
const projectColumns = `p.id, p.title, p.summary, p.body_html, p.topics, p.area_ids, p.status, p.lon, p.lat,
	p.follower_count, p.idea_count, p.published_at, p.updated_at, p.revision, p.language,
	(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Title', t.title, 'Summary', t.summary, 'BodyHTML', t.body_html,
		'Source', t.source_hash)), '{}') FROM project_translation t WHERE t.project_id = p.id)`

// scanProject reads projectColumns; the project is shown in its own language
// (Shown) until In is asked for another.
func scanProject(row rowScanner) (core.Project, error) {
	var p core.Project
	var status, language string
	var lon, lat *float64
	var published *time.Time
	err := row.Scan(&p.ID, &p.Title, &p.Summary, &p.BodyHTML, &p.Topics, &p.AreaIDs, &status, &lon, &lat,
		&p.FollowerCount, &p.IdeaCount, &published, &p.UpdatedAt, &p.Revision, &language, &p.Translations)
	if err != nil {
		return core.Project{}, err
	}
	p.Status, p.Language = core.ProjectStatus(status), core.Language(language)
	p = p.In(p.Language)
	if lon != nil {
		p.Point, p.HasPoint = orb.Point{*lon, *lat}, true
	}
	if published != nil {
		p.PublishedAt = *published
	}
	return p, nil
}

// language is l, or the default language when the input left it out.
func language(l core.Language) core.Language {
	if l == "" {
		return core.DefaultLanguage
	}
	return l
}

func pointArgs(p orb.Point, has bool) (any, any) {
	if !has {
		return nil, nil
	}
	return p[0], p[1]
}

// SaveProject creates (id 0) or updates a project with its phases.
func (s *Store) SaveProject(ctx context.Context, actorID, id int64, in core.ProjectInput) (int64, error) {
	err := s.inTx(ctx, "save project", func(tx pgx.Tx) error {
		now := s.now()
		lon, lat := pointArgs(in.Point, in.HasPoint)
		topics, areas := in.Topics, in.AreaIDs
		if topics == nil {
			topics = []string{}
		}
		if areas == nil {
			areas = []int64{}
		}
		var rev int
		kind := core.EventUpdated
		var err error
		if id == 0 {
			kind = core.EventCreated
			err = tx.QueryRow(ctx, `INSERT INTO project (title, summary, body_html, topics, area_ids, lon, lat, created_by, created_at, updated_at, language)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id, revision`,
				in.Title, in.Summary, in.Body, topics, areas, lon, lat, nullID(actorID), now, language(in.Language)).Scan(&id, &rev)
		} else {
			err = tx.QueryRow(ctx, `UPDATE project SET title = $2, summary = $3, body_html = $4, topics = $5, area_ids = $6,
				lon = $7, lat = $8, updated_at = $9, revision = revision + 1, language = $10 WHERE id = $1 RETURNING revision`,
				id, in.Title, in.Summary, in.Body, topics, areas, lon, lat, now, language(in.Language)).Scan(&rev)
			if err == pgx.ErrNoRows {
				return core.NotFound("error.project_not_found")
			}
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM project_phase WHERE project_id = $1`, id); err != nil {
			return err
		}
		// A translation whose words did not change keeps the source it was
		// made from: if the original changed, it is out of date.
		translated := make(map[core.Language][]string, len(in.Translations))
		for l, t := range in.Translations {
			translated[l] = []string{t.Title, t.Summary, t.BodyHTML}
		}
		if err := projectTranslations.replace(ctx, tx, id, projectTranslations.columns, translated,
			wholeSource(core.WordsHash(in.Title, in.Summary, in.Body))); err != nil {
			return err
		}
		for _, ph := range in.Phases {
			var end *time.Time
			if !ph.End.IsZero() {
				end = &ph.End
			}
			if _, err := tx.Exec(ctx, `INSERT INTO project_phase (project_id, kind, starts_on, ends_on) VALUES ($1, $2, $3, $4)`,
				id, ph.Kind, ph.Start, end); err != nil {
				return err
			}
		}
		action := "project.save"
		if kind == core.EventCreated {
			action = "project.create"
		}
		if err := audit(ctx, tx, actorID, action, core.EntityProject, id, "", now); err != nil {
			return err
		}
		ev := eventAt(now, kind, core.EntityProject, id, rev, actorID)
		ev.AreaIDs = areas
		return appendEvent(ctx, tx, ev)
	})
	return id, err
}

// SetProjectStatus publishes, archives or returns a project to draft.
func (s *Store) SetProjectStatus(ctx context.Context, actorID, id int64, status core.ProjectStatus) error {
	return s.inTx(ctx, "set project status", func(tx pgx.Tx) error {
		now := s.now()
		var rev int
		var areas []int64
		err := tx.QueryRow(ctx, `UPDATE project SET status = $2, updated_at = $3, revision = revision + 1,
			published_at = CASE WHEN $2 = 'published' THEN coalesce(published_at, $3) ELSE published_at END
			WHERE id = $1 RETURNING revision, area_ids`, id, status, now).Scan(&rev, &areas)
		if err != nil {
			return notFoundOr(err, "error.project_not_found", "set project status")
		}
		if err := audit(ctx, tx, actorID, "project.status."+string(status), core.EntityProject, id, "", now); err != nil {
			return err
		}
		ev := eventAt(now, core.EventUpdated, core.EntityProject, id, rev, actorID)
		ev.AreaIDs, ev.Data = areas, map[string]any{"status": string(status)}
		return appendEvent(ctx, tx, ev)
	})
}

// Project returns a project with its phases.
func (s *Store) Project(ctx context.Context, id int64) (core.Project, error) {
	p, err := scanProject(s.pool.QueryRow(ctx, `SELECT `+projectColumns+` FROM project p WHERE p.id = $1`, id))
	if err != nil {
		return core.Project{}, notFoundOr(err, "error.project_not_found", "read project")
	}
	rows, err := s.pool.Query(ctx, `SELECT kind, starts_on, ends_on FROM project_phase WHERE project_id = $1 ORDER BY starts_on, id`, id)
	if err != nil {
		return core.Project{}, wrapDB("read phases", err)
	}
	p.Phases, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Phase, error) {
		var ph core.Phase
		var kind string
		var end *time.Time
		err := row.Scan(&kind, &ph.Start, &end)
		ph.Kind = core.PhaseKind(kind)
		if end != nil {
			ph.End = *end
		}
		return ph, err
	})
	return p, wrapDB("scan phases", err)
}

// ProjectFilter narrows the project list.
type ProjectFilter struct {
	Status core.ProjectStatus // empty: published
	Topic  string
	AreaID int64
	Limit  int
	Offset int
}

// Projects lists projects, newest first, with the total for paging (one statement).
func (s *Store) Projects(ctx context.Context, f ProjectFilter) ([]core.Project, int, error) {
	if f.Status == "" {
		f.Status = core.ProjectPublished
	}
	rows, err := s.pool.Query(ctx, `SELECT `+projectColumns+`, count(*) OVER ()
		FROM project p
		WHERE p.status = $1 AND ($2 = '' OR $2 = ANY(p.topics)) AND ($3 = 0 OR $3 = ANY(p.area_ids))
		ORDER BY coalesce(p.published_at, p.updated_at) DESC, p.id DESC LIMIT $4 OFFSET $5`,
		f.Status, f.Topic, f.AreaID, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, wrapDB("list projects", err)
	}
	total := 0
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Project, error) { return scanProject(rowWithTotal{row, &total}) })
	return list, total, wrapDB("scan projects", err)
}

// rowWithTotal scans a row whose last column is count(*) OVER () into total.
type rowWithTotal struct {
	row   pgx.CollectableRow
	total *int
}

func (r rowWithTotal) Scan(dest ...any) error { return r.row.Scan(append(dest, r.total)...) }

// Topics lists the topics of published projects with their project count.
func (s *Store) Topics(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT unnest(topics) AS t FROM project WHERE status = 'published' ORDER BY t`)
	if err != nil {
		return nil, wrapDB("list topics", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, wrapDB("scan topics", err)
}

// FollowProject makes a participant follow (or, with follow false, unfollow) a
// project; the follower count changes in the same transaction.
func (s *Store) FollowProject(ctx context.Context, projectID, participantID int64, follow bool) error {
	return s.inTx(ctx, "follow project", func(tx pgx.Tx) error {
		var tag interface{ RowsAffected() int64 }
		var err error
		if follow {
			tag, err = tx.Exec(ctx, `INSERT INTO project_follow (project_id, participant_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, projectID, participantID, s.now())
		} else {
			tag, err = tx.Exec(ctx, `DELETE FROM project_follow WHERE project_id = $1 AND participant_id = $2`, projectID, participantID)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		delta := 1
		if !follow {
			delta = -1
		}
		_, err = tx.Exec(ctx, `UPDATE project SET follower_count = follower_count + $2 WHERE id = $1`, projectID, delta)
		return err
	})
}

// Follows reports whether a participant follows a project.
func (s *Store) Follows(ctx context.Context, projectID, participantID int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM project_follow WHERE project_id = $1 AND participant_id = $2)`,
		projectID, participantID).Scan(&ok)
	return ok, wrapDB("read follow", err)
}

// PostProjectUpdate adds an update and queues an e-mail to every follower, in one
// transaction. compose writes the mail for one follower (in their language).
func (s *Store) PostProjectUpdate(ctx context.Context, actorID int64, u core.ProjectUpdate, compose func(core.Participant) core.Mail) (int64, error) {
	err := s.inTx(ctx, "post project update", func(tx pgx.Tx) error {
		now := s.now()
		if err := tx.QueryRow(ctx, `INSERT INTO project_update (project_id, title, body_html, created_by, created_at, language)
			VALUES ($1, $2, $3, $4, $5, (SELECT language FROM project WHERE id = $1)) RETURNING id`,
			u.ProjectID, u.Title, u.BodyHTML, nullID(actorID), now).Scan(&u.ID); err != nil {
			return fmt.Errorf("insert update: %w", err)
		}
		for l, t := range u.Translations {
			if _, err := tx.Exec(ctx, `INSERT INTO project_update_translation (update_id, language, title, body_html) VALUES ($1, $2, $3, $4)`,
				u.ID, l, t.Title, t.BodyHTML); err != nil {
				return fmt.Errorf("insert update translation: %w", err)
			}
		}
		if err := queueToFollowers(ctx, tx, u.ProjectID, compose); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "project.update", core.EntityProject, u.ProjectID, u.Title, now); err != nil {
			return err
		}
		ev := eventAt(now, core.EventCreated, "project_update", u.ID, 1, actorID)
		ev.Data = map[string]any{"project_id": u.ProjectID}
		return appendEvent(ctx, tx, ev)
	})
	return u.ID, err
}

// updateTranslations aggregates the translations of the update u.id.
const updateTranslations = `(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Title', t.title, 'BodyHTML', t.body_html)), '{}')
	FROM project_update_translation t WHERE t.update_id = u.id)`

// ProjectUpdates returns a project's updates, newest first, with their
// translations.
func (s *Store) ProjectUpdates(ctx context.Context, projectID int64, limit int) ([]core.ProjectUpdate, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.project_id, u.title, u.body_html, u.created_at, u.language, `+updateTranslations+`
		FROM project_update u WHERE u.project_id = $1 ORDER BY u.created_at DESC, u.id DESC LIMIT $2`, projectID, limit)
	if err != nil {
		return nil, wrapDB("list updates", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.ProjectUpdate, error) {
		var u core.ProjectUpdate
		err := row.Scan(&u.ID, &u.ProjectID, &u.Title, &u.BodyHTML, &u.CreatedAt, &u.Language, &u.Translations)
		return u.In(u.Language), err
	})
	return out, wrapDB("scan updates", err)
}

// ProjectTitleTranslations returns every project's translated titles, by
// project and language (the idea cards name their project).
func (s *Store) ProjectTitleTranslations(ctx context.Context) (map[int64]map[core.Language]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT project_id, language, title FROM project_translation WHERE title <> ''`)
	if err != nil {
		return nil, wrapDB("read project titles", err)
	}
	out := map[int64]map[core.Language]string{}
	_, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (struct{}, error) {
		var id int64
		var l core.Language
		var title string
		if err := row.Scan(&id, &l, &title); err != nil {
			return struct{}{}, err
		}
		if out[id] == nil {
			out[id] = map[core.Language]string{}
		}
		out[id][l] = title
		return struct{}{}, nil
	})
	return out, wrapDB("scan project titles", err)
}

// queueToFollowers queues compose's mail to each follower of a project
// (accounts confirmed and not deleted), in the caller's transaction.
func queueToFollowers(ctx context.Context, tx pgx.Tx, projectID int64, compose func(core.Participant) core.Mail) error {
	return queueToEach(ctx, tx, compose, `SELECT `+participantCols("pa")+` FROM project_follow f JOIN participant pa ON pa.id = f.participant_id
		WHERE f.project_id = $1 AND pa.deleted_at IS NULL AND pa.email_verified_at IS NOT NULL`, projectID)
}

// queueToEach queues compose's mail to each participant query returns (it
// selects participantCols), in one COPY within the caller's transaction.
func queueToEach(ctx context.Context, tx pgx.Tx, compose func(core.Participant) core.Mail, query string, args ...any) error {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	people, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Participant, error) { return scanParticipant(row) })
	if err != nil {
		return err
	}
	mails := make([]core.Mail, len(people))
	for i, p := range people {
		mails[i] = compose(p)
	}
	return queueMails(ctx, tx, mails)
}
