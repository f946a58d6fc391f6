package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// consultationColumns are what scanConsultation reads from consultation, the
// translations of its title and description included (one statement).
const consultationColumns = `id, coalesce(project_id, 0), kind, title, description, eligibility, coalesce(target_id, 0),
	opens_at, closes_at, live_results, published, response_count, revision, created_at, language,
	(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Title', t.title, 'Description', t.description, 'Source', t.source_hash)), '{}')
		FROM consultation_translation t WHERE t.consultation_id = consultation.id)`

func scanConsultation(row rowScanner) (core.Consultation, error) {
	var c core.Consultation
	var kind, elig, language string
	err := row.Scan(&c.ID, &c.ProjectID, &kind, &c.Title, &c.Description, &elig, &c.TargetID,
		&c.OpensAt, &c.ClosesAt, &c.LiveResults, &c.Published, &c.ResponseCount, &c.Revision, &c.CreatedAt, &language, &c.Translations)
	c.Kind, c.Eligibility, c.Language = core.ConsultationKind(kind), core.Eligibility(elig), core.Language(language)
	return c, err
}

// SaveConsultation creates (ID 0) or updates a consultation's frame from a
// normalised value, replacing its translations with c.Translations. Once responses exist, its kind, eligibility and target are
// frozen: changing who may answer would make earlier answers incomparable.
func (s *Store) SaveConsultation(ctx context.Context, actorID int64, c core.Consultation) (int64, error) {
	id := c.ID
	if c.Language == "" {
		c.Language = core.DefaultLanguage
	}
	err := s.inTx(ctx, "save consultation", func(tx pgx.Tx) error {
		now := s.now()
		rev := 1
		if id == 0 {
			err := tx.QueryRow(ctx, `INSERT INTO consultation (project_id, kind, title, description, eligibility, target_id,
				opens_at, closes_at, live_results, created_by, created_at, updated_at, language)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id`,
				nullID(c.ProjectID), c.Kind, c.Title, c.Description, c.Eligibility, nullID(c.TargetID),
				c.OpensAt, c.ClosesAt, c.LiveResults, nullID(actorID), now, c.Language).Scan(&id)
			if isForeignKeyViolation(err) {
				return core.Invalid("project_id", "error.consultation_reference")
			}
			if err != nil {
				return err
			}
			if err := saveConsultationTranslations(ctx, tx, id, c); err != nil {
				return err
			}
			if err := audit(ctx, tx, actorID, "consultation.create", core.EntityConsultation, id, "", now); err != nil {
				return err
			}
			return appendEvent(ctx, tx, eventAt(now, core.EventCreated, core.EntityConsultation, id, rev, actorID))
		}
		old, err := scanConsultation(tx.QueryRow(ctx, `SELECT `+consultationColumns+` FROM consultation WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return notFoundOr(err, "error.consultation_not_found", "read consultation")
		}
		if old.ResponseCount > 0 && (old.Kind != c.Kind || old.Eligibility != c.Eligibility || old.TargetID != c.TargetID) {
			return core.Conflict("error.consultation_frozen")
		}
		if c.Kind == core.KindPoll {
			var questions int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM question WHERE consultation_id = $1`, id).Scan(&questions); err != nil {
				return err
			}
			if questions > 1 {
				return core.Invalid("kind", "error.poll_one_question")
			}
		}
		err = tx.QueryRow(ctx, `UPDATE consultation SET project_id = $2, kind = $3, title = $4, description = $5, eligibility = $6,
			target_id = $7, opens_at = $8, closes_at = $9, live_results = $10, updated_at = $11, language = $12, revision = revision + 1
			WHERE id = $1 RETURNING revision`,
			id, nullID(c.ProjectID), c.Kind, c.Title, c.Description, c.Eligibility, nullID(c.TargetID),
			c.OpensAt, c.ClosesAt, c.LiveResults, now, c.Language).Scan(&rev)
		if isForeignKeyViolation(err) {
			return core.Invalid("project_id", "error.consultation_reference")
		}
		if err != nil {
			return err
		}
		if err := saveConsultationTranslations(ctx, tx, id, c); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "consultation.save", core.EntityConsultation, id, "", now); err != nil {
			return err
		}
		return appendEvent(ctx, tx, eventAt(now, core.EventUpdated, core.EntityConsultation, id, rev, actorID))
	})
	return id, err
}

// saveConsultationTranslations replaces the translations of consultation id,
// whose original words are c's: a translation whose words did not change
// keeps the source it was made from (out of date if the original changed).
func saveConsultationTranslations(ctx context.Context, tx pgx.Tx, id int64, c core.Consultation) error {
	translated := make(map[core.Language][]string, len(c.Translations))
	for l, t := range c.Translations {
		translated[l] = []string{t.Title, t.Description}
	}
	return consultationTranslations.replace(ctx, tx, id, consultationTranslations.columns, translated, wholeSource(c.WordsHash()))
}

// PublishConsultation publishes or withdraws a consultation. A survey needs at
// least one question before it is published.
func (s *Store) PublishConsultation(ctx context.Context, actorID, id int64, publish bool) error {
	return s.inTx(ctx, "publish consultation", func(tx pgx.Tx) error {
		var questions int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM question WHERE consultation_id = $1`, id).Scan(&questions); err != nil {
			return err
		}
		if publish && questions == 0 {
			return core.Conflict("error.consultation_no_questions")
		}
		var rev int
		err := tx.QueryRow(ctx, `UPDATE consultation SET published = $2, updated_at = $3, revision = revision + 1
			WHERE id = $1 RETURNING revision`, id, publish, s.now()).Scan(&rev)
		if err != nil {
			return notFoundOr(err, "error.consultation_not_found", "publish consultation")
		}
		action := "consultation.withdraw"
		if publish {
			action = "consultation.publish"
		}
		if err := audit(ctx, tx, actorID, action, core.EntityConsultation, id, "", s.now()); err != nil {
			return err
		}
		ev := eventAt(s.now(), core.EventUpdated, core.EntityConsultation, id, rev, actorID)
		ev.Data = map[string]any{"published": publish}
		return appendEvent(ctx, tx, ev)
	})
}

// questionTranslations aggregates the translations of the question q.id (once
// per question, not per option row), its options' texts paired by position.
const questionTranslations = `(SELECT coalesce(jsonb_object_agg(t.language, jsonb_build_object('Section', t.section, 'Prompt', t.prompt,
		'Help', t.help, 'Source', t.source_hash, 'Options', (SELECT coalesce(jsonb_agg(jsonb_build_object('Label', l.label, 'Description', coalesce(d.description, ''))
			ORDER BY l.n), '[]') FROM unnest(t.option_labels) WITH ORDINALITY AS l (label, n)
			LEFT JOIN unnest(t.option_descriptions) WITH ORDINALITY AS d (description, n) ON d.n = l.n))), '{}') AS translations
	FROM question_translation t WHERE t.question_id = q.id)`

// Consultation returns a consultation with its questions, options and
// translations.
func (s *Store) Consultation(ctx context.Context, id int64) (core.Consultation, error) {
	c, err := scanConsultation(s.pool.QueryRow(ctx, `SELECT `+consultationColumns+` FROM consultation WHERE id = $1`, id))
	if err != nil {
		return c, notFoundOr(err, "error.consultation_not_found", "read consultation")
	}
	byConsultation, err := s.questionsOf(ctx, []int64{id})
	c.Questions = byConsultation[id]
	return c, err
}

// WithQuestions reads the questions, options and translations of every
// consultation of list (one statement), which Consultations lists without.
func (s *Store) WithQuestions(ctx context.Context, list []core.Consultation) error {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	byConsultation, err := s.questionsOf(ctx, ids)
	for i := range list {
		list[i].Questions = byConsultation[list[i].ID]
	}
	return err
}

// questionsOf reads the questions of the consultations ids, in order, with
// their options and translations, by consultation.
func (s *Store) questionsOf(ctx context.Context, ids []int64) (map[int64][]core.Question, error) {
	out := map[int64][]core.Question{}
	rows, err := s.pool.Query(ctx, `SELECT q.consultation_id, q.id, q.position, q.section, q.kind, q.prompt, q.help, q.required, q.min_choices,
		q.max_choices, q.scale_max, coalesce(o.id, 0), coalesce(o.position, 0), coalesce(o.label, ''), coalesce(o.description, ''),
		coalesce(o.image_id, 0), coalesce(o.cost_cents, 0), qt.translations
		FROM question q CROSS JOIN LATERAL `+questionTranslations+` qt
		LEFT JOIN question_option o ON o.question_id = q.id
		WHERE q.consultation_id = ANY($1) ORDER BY q.consultation_id, q.position, o.position`, ids)
	if err != nil {
		return nil, wrapDB("read questions", err)
	}
	defer rows.Close()
	for rows.Next() {
		var consultation int64
		var q core.Question
		var o core.Option
		var kind string
		if err := rows.Scan(&consultation, &q.ID, &q.Position, &q.Section, &kind, &q.Prompt, &q.Help, &q.Required, &q.MinChoices,
			&q.MaxChoices, &q.ScaleMax, &o.ID, &o.Position, &o.Label, &o.Description, &o.ImageID, &o.CostCents, &q.Translations); err != nil {
			return nil, wrapDB("scan question", err)
		}
		q.Kind = core.QuestionKind(kind)
		qs := out[consultation]
		if n := len(qs); n == 0 || qs[n-1].ID != q.ID {
			qs = append(qs, q)
		}
		if o.ID != 0 {
			qs[len(qs)-1].Options = append(qs[len(qs)-1].Options, o)
		}
		out[consultation] = qs
	}
	return out, wrapDB("read questions", rows.Err())
}

// ConsultationFilter picks consultations for a list.
type ConsultationFilter struct {
	ProjectID     int64 // 0: all
	PublishedOnly bool
	Kind          core.ConsultationKind // "": both
	Limit         int
}

// Consultations lists consultations, the latest closing first (without questions).
func (s *Store) Consultations(ctx context.Context, f ConsultationFilter) ([]core.Consultation, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	rows, err := s.pool.Query(ctx, `SELECT `+consultationColumns+` FROM consultation
		WHERE ($1::bigint = 0 OR project_id = $1) AND (published OR NOT $2) AND ($3 = '' OR kind = $3)
		ORDER BY closes_at DESC, id DESC LIMIT $4`, f.ProjectID, f.PublishedOnly, string(f.Kind), f.Limit)
	if err != nil {
		return nil, wrapDB("list consultations", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (core.Consultation, error) { return scanConsultation(row) })
	return out, wrapDB("scan consultations", err)
}

// lockEditableQuestions locks the consultation and refuses when answers exist:
// questions are frozen from the first response on.
func lockEditableQuestions(ctx context.Context, tx pgx.Tx, consultationID int64) (core.ConsultationKind, error) {
	var responses int
	var kind string
	err := tx.QueryRow(ctx, `SELECT response_count, kind FROM consultation WHERE id = $1 FOR UPDATE`, consultationID).Scan(&responses, &kind)
	if err != nil {
		return "", notFoundOr(err, "error.consultation_not_found", "lock consultation")
	}
	if responses > 0 {
		return "", core.Conflict("error.questions_frozen")
	}
	return core.ConsultationKind(kind), nil
}

// SaveQuestion adds (ID 0) or replaces a normalised question. Refused once the
// consultation has responses.
func (s *Store) SaveQuestion(ctx context.Context, actorID, consultationID int64, q core.Question) (int64, error) {
	id := q.ID
	err := s.inTx(ctx, "save question", func(tx pgx.Tx) error {
		kind, err := lockEditableQuestions(ctx, tx, consultationID)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM question WHERE consultation_id = $1`, consultationID).Scan(&n); err != nil {
			return err
		}
		if id == 0 {
			if n >= core.MaxQuestions {
				return core.Invalid("prompt", "error.too_many_questions")
			}
			if kind == core.KindPoll && n >= 1 {
				return core.Invalid("prompt", "error.poll_one_question")
			}
			if err := tx.QueryRow(ctx, `INSERT INTO question (consultation_id, position, section, kind, prompt, help, required,
				min_choices, max_choices, scale_max) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
				consultationID, n+1, q.Section, q.Kind, q.Prompt, q.Help, q.Required, q.MinChoices, q.MaxChoices, q.ScaleMax).Scan(&id); err != nil {
				return err
			}
		} else {
			tag, err := tx.Exec(ctx, `UPDATE question SET section = $3, kind = $4, prompt = $5, help = $6, required = $7,
				min_choices = $8, max_choices = $9, scale_max = $10 WHERE id = $1 AND consultation_id = $2`,
				id, consultationID, q.Section, q.Kind, q.Prompt, q.Help, q.Required, q.MinChoices, q.MaxChoices, q.ScaleMax)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return core.NotFound("error.question_not_found")
			}
			if _, err := tx.Exec(ctx, `DELETE FROM question_option WHERE question_id = $1`, id); err != nil {
				return err
			}
		}
		for _, o := range q.Options {
			if _, err := tx.Exec(ctx, `INSERT INTO question_option (question_id, position, label, description, image_id, cost_cents)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, o.Position, o.Label, o.Description, nullID(o.ImageID), o.CostCents); err != nil {
				return err
			}
		}
		return touchConsultation(ctx, tx, s.now(), consultationID, actorID, map[string]any{"question": id})
	})
	return id, err
}

// SaveQuestionTranslations replaces the translations of a question with
// normalised ones; source is the WordsHash of the question they translate
// (a translation whose words did not change keeps the one it was made from).
// Unlike the question itself, they may change after the first response:
// answers name options, not words.
func (s *Store) SaveQuestionTranslations(ctx context.Context, actorID, consultationID, questionID int64, translations map[core.Language]core.QuestionText,
	source string) error {
	return s.inTx(ctx, "save question translations", func(tx pgx.Tx) error {
		var found bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM question WHERE id = $1 AND consultation_id = $2)`,
			questionID, consultationID).Scan(&found)
		if err != nil {
			return err
		}
		if !found {
			return core.NotFound("error.question_not_found")
		}
		given := []string{}
		for l, t := range translations {
			labels, descriptions := make([]string, len(t.Options)), make([]string, len(t.Options))
			for i, o := range t.Options {
				labels[i], descriptions[i] = o.Label, o.Description
			}
			if _, err := tx.Exec(ctx, `INSERT INTO question_translation (question_id, language, section, prompt, help, option_labels,
				option_descriptions, source_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				ON CONFLICT (question_id, language) DO UPDATE SET section = excluded.section, prompt = excluded.prompt, help = excluded.help,
				option_labels = excluded.option_labels, option_descriptions = excluded.option_descriptions, source_hash = CASE
					WHEN (question_translation.section, question_translation.prompt, question_translation.help, question_translation.option_labels,
						question_translation.option_descriptions) = (excluded.section, excluded.prompt, excluded.help, excluded.option_labels,
						excluded.option_descriptions) THEN question_translation.source_hash
					ELSE excluded.source_hash END`, questionID, l, t.Section, t.Prompt, t.Help, labels, descriptions, source); err != nil {
				return fmt.Errorf("write question translation: %w", err)
			}
			given = append(given, string(l))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM question_translation WHERE question_id = $1 AND language <> ALL ($2)`, questionID, given); err != nil {
			return err
		}
		if err := audit(ctx, tx, actorID, "consultation.translate", core.EntityConsultation, consultationID, "", s.now()); err != nil {
			return err
		}
		return touchConsultation(ctx, tx, s.now(), consultationID, actorID, map[string]any{"question_translated": questionID})
	})
}

// DeleteQuestion removes a question and renumbers the rest. Refused once the
// consultation has responses.
func (s *Store) DeleteQuestion(ctx context.Context, actorID, consultationID, questionID int64) error {
	return s.inTx(ctx, "delete question", func(tx pgx.Tx) error {
		if _, err := lockEditableQuestions(ctx, tx, consultationID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM question WHERE id = $1 AND consultation_id = $2`, questionID, consultationID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return core.NotFound("error.question_not_found")
		}
		if err := renumberQuestions(ctx, tx, consultationID, 0, 0); err != nil {
			return err
		}
		return touchConsultation(ctx, tx, s.now(), consultationID, actorID, map[string]any{"question_deleted": questionID})
	})
}

// MoveQuestion moves a question one place up (delta -1) or down (+1).
func (s *Store) MoveQuestion(ctx context.Context, actorID, consultationID, questionID int64, delta int) error {
	return s.inTx(ctx, "move question", func(tx pgx.Tx) error {
		if _, err := lockEditableQuestions(ctx, tx, consultationID); err != nil {
			return err
		}
		if err := renumberQuestions(ctx, tx, consultationID, questionID, delta); err != nil {
			return err
		}
		return touchConsultation(ctx, tx, s.now(), consultationID, actorID, map[string]any{"question_moved": questionID})
	})
}

// renumberQuestions numbers the questions 1..n in their order, with moved
// shifted by delta places.
func renumberQuestions(ctx context.Context, tx pgx.Tx, consultationID, moved int64, delta int) error {
	rows, err := tx.Query(ctx, `SELECT id FROM question WHERE consultation_id = $1 ORDER BY position`, consultationID)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for i, id := range ids {
		if id == moved && delta != 0 {
			j := i + delta
			if j < 0 || j >= len(ids) {
				return nil
			}
			ids[i], ids[j] = ids[j], ids[i]
			break
		}
	}
	// Positions are unique: park them out of the way first.
	if _, err := tx.Exec(ctx, `UPDATE question SET position = -position WHERE consultation_id = $1`, consultationID); err != nil {
		return err
	}
	for i, id := range ids {
		if _, err := tx.Exec(ctx, `UPDATE question SET position = $2 WHERE id = $1`, id, i+1); err != nil {
			return err
		}
	}
	return nil
}

// touchConsultation counts a change of a consultation's questions in its
// revision and the change log.
func touchConsultation(ctx context.Context, tx pgx.Tx, now time.Time, id, actorID int64, data map[string]any) error {
	var rev int
	if err := tx.QueryRow(ctx, `UPDATE consultation SET revision = revision + 1, updated_at = $2 WHERE id = $1 RETURNING revision`, id, now).Scan(&rev); err != nil {
		return err
	}
	ev := eventAt(now, core.EventUpdated, core.EntityConsultation, id, rev, actorID)
	ev.Data = data
	return appendEvent(ctx, tx, ev)
}

// EntityConsultationResults names, in the change log, the announcement that a
// consultation closed and its results are out.
const EntityConsultationResults = "consultation_results"

// AnnounceClosedConsultations marks every published consultation that has
// closed since the last call as announced, with a change-log row each (the
// channels post its results), and returns how many.
func (s *Store) AnnounceClosedConsultations(ctx context.Context) (int, error) {
	n := 0
	err := s.inTx(ctx, "announce results", func(tx pgx.Tx) error {
		now := s.now()
		rows, err := tx.Query(ctx, `UPDATE consultation SET results_announced_at = $1
			WHERE published AND results_announced_at IS NULL AND closes_at <= $1 RETURNING id`, now)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		events := make([]core.Event, len(ids))
		for i, id := range ids {
			events[i] = eventAt(now, core.EventCreated, EntityConsultationResults, id, 1, 0)
		}
		n = len(ids)
		return appendEvents(ctx, tx, events)
	})
	return n, err
}
