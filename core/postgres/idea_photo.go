package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"quartier/core"
)

// AddIdeaPhoto stores a normalised photo on an idea, for its author while
// they may still change it (see editableByAuthor), at most
// core.MaxIdeaPhotos; the idea's revision moves and a change-log row is
// appended. Forbidden for someone else's idea, Conflict when it can no longer
// change or has all its photos.
func (s *Store) AddIdeaPhoto(ctx context.Context, authorID, ideaID int64, img core.Image) (int64, error) {
	var id int64
	err := s.inTx(ctx, "add idea photo", func(tx pgx.Tx) error {
		rev, err := s.touchEditableIdea(ctx, tx, authorID, ideaID) // locks the idea: the count below holds
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM idea_image WHERE idea_id = $1`, ideaID).Scan(&n); err != nil {
			return err
		}
		if n >= core.MaxIdeaPhotos {
			return core.Conflict("error.photo_limit")
		}
		if err := tx.QueryRow(ctx, `INSERT INTO idea_image (idea_id, content_type, data, width, height, alt, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, ideaID, img.ContentType, img.Data, img.Width, img.Height, img.Alt, s.now()).Scan(&id); err != nil {
			return err
		}
		return s.photoEvent(ctx, tx, ideaID, rev, authorID, "added")
	})
	return id, err
}

// RemoveIdeaPhoto takes a photo off an idea: by its author while they may
// still change the idea, or by a moderator at any time with a reason (audited,
// the author told by the mail notify writes). NotFound when the idea has no
// such photo.
func (s *Store) RemoveIdeaPhoto(ctx context.Context, actor core.Participant, ideaID, photoID int64, reason string, notify func(core.Participant) core.Mail) error {
	return s.inTx(ctx, "remove idea photo", func(tx pgx.Tx) error {
		var authorID int64
		err := tx.QueryRow(ctx, `SELECT i.author_id FROM idea_image p JOIN idea i ON i.id = p.idea_id
			WHERE p.id = $1 AND p.idea_id = $2 FOR UPDATE OF i`, photoID, ideaID).Scan(&authorID)
		if errors.Is(err, pgx.ErrNoRows) {
			return core.NotFound("error.photo_not_found")
		}
		if err != nil {
			return err
		}
		moderating := actor.ID != authorID
		var rev int
		if moderating {
			if !actor.Role.AtLeast(core.RoleModerator) {
				return core.Forbidden("error.idea_not_yours")
			}
			if err := tx.QueryRow(ctx, `UPDATE idea SET revision = revision + 1 WHERE id = $1 RETURNING revision`, ideaID).Scan(&rev); err != nil {
				return err
			}
		} else if rev, err = s.touchEditableIdea(ctx, tx, actor.ID, ideaID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM idea_image WHERE id = $1`, photoID); err != nil {
			return err
		}
		if moderating {
			if err := audit(ctx, tx, actor.ID, "idea.photo.remove", core.EntityIdea, ideaID, reason, s.now()); err != nil {
				return err
			}
			author, err := scanParticipant(tx.QueryRow(ctx, `SELECT `+participantColumns+` FROM participant
				WHERE id = $1 AND deleted_at IS NULL AND email_verified_at IS NOT NULL`, authorID))
			if err == nil {
				err = queueMail(ctx, tx, notify(author))
			}
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		return s.photoEvent(ctx, tx, ideaID, rev, actor.ID, "removed")
	})
}

// touchEditableIdea moves the revision of an idea its author may still
// change, locking it; otherwise it says why not (notEditable).
func (s *Store) touchEditableIdea(ctx context.Context, tx pgx.Tx, authorID, ideaID int64) (int, error) {
	var rev int
	err := tx.QueryRow(ctx, `UPDATE idea i SET updated_at = $3, revision = revision + 1
		WHERE i.id = $1 AND `+editableByAuthor+` RETURNING revision`, ideaID, authorID, s.now()).Scan(&rev)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, notEditable(ctx, tx, ideaID, authorID)
	}
	return rev, err
}

func (s *Store) photoEvent(ctx context.Context, tx pgx.Tx, ideaID int64, rev int, actorID int64, what string) error {
	ev := eventAt(s.now(), core.EventUpdated, core.EntityIdea, ideaID, rev, actorID)
	ev.Data = map[string]any{"photo": what}
	return appendEvent(ctx, tx, ev)
}

// IdeaPhotos lists an idea's photos, oldest first.
func (s *Store) IdeaPhotos(ctx context.Context, ideaID int64) ([]ImageRef, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, width, height, alt FROM idea_image WHERE idea_id = $1 ORDER BY id`, ideaID)
	if err != nil {
		return nil, wrapDB("list idea photos", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ImageRef, error) {
		var r ImageRef
		return r, row.Scan(&r.ID, &r.Width, &r.Height, &r.Alt)
	})
	return out, wrapDB("scan idea photos", err)
}

// PhotosOfIdeas lists the photos of several ideas at once (one statement),
// by idea, oldest first: the moderation queue shows them beside each idea.
func (s *Store) PhotosOfIdeas(ctx context.Context, ideaIDs []int64) (map[int64][]ImageRef, error) {
	out := map[int64][]ImageRef{}
	if len(ideaIDs) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT idea_id, id, width, height, alt FROM idea_image WHERE idea_id = ANY($1) ORDER BY idea_id, id`, ideaIDs)
	if err != nil {
		return nil, wrapDB("photos of ideas", err)
	}
	var idea int64
	var r ImageRef
	_, err = pgx.ForEachRow(rows, []any{&idea, &r.ID, &r.Width, &r.Height, &r.Alt}, func() error {
		out[idea] = append(out[idea], r)
		return nil
	})
	return out, wrapDB("scan photos of ideas", err)
}

// FirstPhotos returns the first photo of each of ideaIDs that has one, bytes
// included (one statement), by idea: the council's document prints it.
func (s *Store) FirstPhotos(ctx context.Context, ideaIDs []int64) (map[int64]core.Image, error) {
	out := map[int64]core.Image{}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT ON (idea_id) idea_id, content_type, data, width, height, alt
		FROM idea_image WHERE idea_id = ANY($1) ORDER BY idea_id, id`, ideaIDs)
	if err != nil {
		return nil, wrapDB("first photos", err)
	}
	var idea int64
	var img core.Image
	_, err = pgx.ForEachRow(rows, []any{&idea, &img.ContentType, &img.Data, &img.Width, &img.Height, &img.Alt}, func() error {
		out[idea] = img
		return nil
	})
	return out, wrapDB("scan first photos", err)
}

// IdeaPhoto returns a photo's bytes and type; a hidden idea's only when
// withHidden (moderators). NotFound otherwise.
func (s *Store) IdeaPhoto(ctx context.Context, id int64, withHidden bool) (string, []byte, error) {
	var ctype string
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT p.content_type, p.data FROM idea_image p JOIN idea i ON i.id = p.idea_id
		WHERE p.id = $1 AND ($2 OR NOT i.hidden)`, id, withHidden).Scan(&ctype, &data)
	if err != nil {
		return "", nil, notFoundOr(err, "error.photo_not_found", "read idea photo")
	}
	return ctype, data, nil
}
